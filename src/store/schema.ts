import type { Generated } from 'kysely';

/**
 * The tables, as Kysely sees them. Times are epoch milliseconds (integers on both
 * backends); calendar days are 'YYYY-MM-DD' strings in the group's time zone; JSON
 * columns are text.
 */
export interface Database {
  workspace: WorkspaceTable;
  connection: ConnectionTable;
  chat_group: ChatGroupTable;
  member: MemberTable;
  identity: IdentityTable;
  membership: MembershipTable;
  event: EventTable;
  group_day: GroupDayTable;
  member_group_day: MemberGroupDayTable;
  member_group_total: MemberGroupTotalTable;
  automation: AutomationTable;
  outbox: OutboxTable;
  sandbox_room: SandboxRoomTable;
  sandbox_message: SandboxMessageTable;
  sandbox_state: SandboxStateTable;
}

export interface WorkspaceTable {
  id: Generated<number>;
  slug: string;
  name: string;
  created_at: number;
}

export interface ConnectionTable {
  id: Generated<number>;
  workspace_id: number;
  platform: string;
  name: string;
  status: 'active' | 'paused';
  /** Platform settings; secrets in it are encrypted by the connections module. */
  config: string;
  created_at: number;
}

export interface ChatGroupTable {
  id: Generated<number>;
  workspace_id: number;
  connection_id: number | null;
  platform: string;
  external_id: string;
  name: string;
  timezone: Generated<string>;
  purpose: string | null;
  type: string | null;
  theme: string | null;
  audience: string | null;
  promise: string | null;
  naming_rule: string | null;
  created_at: number;
}

export interface MemberTable {
  id: Generated<number>;
  workspace_id: number;
  display_name: string;
  is_bot: number;
  first_seen_at: number;
}

export interface IdentityTable {
  id: Generated<number>;
  workspace_id: number;
  member_id: number;
  platform: string;
  external_id: string;
  display_name: string;
  username: string | null;
}

/** One row per stay in a group: joined_at … left_at (null while still there). */
export interface MembershipTable {
  id: Generated<number>;
  group_id: number;
  member_id: number;
  joined_at: number;
  left_at: number | null;
  join_method: string | null;
  inviter_member_id: number | null;
  code: string | null;
  left_reason: 'left' | 'removed' | null;
}

export interface EventTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  member_id: number | null;
  kind: string;
  dedup_key: string;
  occurred_at: number;
  /** The validated Event as JSON. */
  payload: string;
}

export interface GroupDayTable {
  group_id: number;
  day: string;
  messages: number;
  replies: number;
  reactions: number;
  joins: number;
  leaves: number;
}

export interface MemberGroupDayTable {
  group_id: number;
  member_id: number;
  day: string;
  messages: number;
  replies: number;
  reactions: number;
}

export interface MemberGroupTotalTable {
  group_id: number;
  member_id: number;
  messages: number;
  first_message_at: number | null;
  last_message_at: number | null;
}

export interface AutomationTable {
  id: Generated<number>;
  workspace_id: number;
  /** Null: applies to every group of the workspace. */
  group_id: number | null;
  kind: string;
  config: string;
  enabled: number;
  created_at: number;
}

export type OutboxStatus = 'pending' | 'sending' | 'done' | 'failed';

export interface OutboxTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  platform: string;
  idempotency_key: string;
  action: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  result: string | null;
  created_at: number;
  done_at: number | null;
}

/** The sandbox platform's own side: its rooms and their conversation, bot messages included. */
export interface SandboxRoomTable {
  room: string;
  title: string;
  created_at: number;
}

export interface SandboxMessageTable {
  id: Generated<number>;
  room: string;
  message_id: string;
  kind: string;
  from_id: string;
  from_name: string;
  from_bot: number;
  text: string | null;
  reply_to: string | null;
  at: number;
}

export interface SandboxStateTable {
  key: string;
  value: string;
}

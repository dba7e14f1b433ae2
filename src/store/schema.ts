import type { Generated } from 'kysely';

/**
 * The tables, as Kysely sees them. Times are epoch milliseconds (integers on both
 * backends); calendar days are 'YYYY-MM-DD' strings in the group's time zone; JSON
 * columns are text.
 */
export interface Database {
  enforcement_ladder: EnforcementLadderTable;
  enforcement: EnforcementTable;
  workspace: WorkspaceTable;
  connection: ConnectionTable;
  chat_group: ChatGroupTable;
  group_tag: GroupTagTable;
  group_member_role: GroupMemberRoleTable;
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
  operator: OperatorTable;
  workspace_member: WorkspaceMemberTable;
  group_assignment: GroupAssignmentTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  operator_invitation: OperatorInvitationTable;
  audit_log: AuditLogTable;
  login_attempt: LoginAttemptTable;
  setup_token: SetupTokenTable;
  automation_problem: AutomationProblemTable;
  scheduled_job: ScheduledJobTable;
  alert: AlertTable;
  group_activation: GroupActivationTable;
  growth_code: GrowthCodeTable;
  growth_code_group: GrowthCodeGroupTable;
  growth_code_link: GrowthCodeLinkTable;
  growth_group_qr: GrowthGroupQrTable;
  chain: ChainTable;
  chain_entry: ChainEntryTable;
  coupon: CouponTable;
  coupon_claim: CouponClaimTable;
  tracked_link: TrackedLinkTable;
  link_click: LinkClickTable;
  conversion: ConversionTable;
  conversion_setting: ConversionSettingTable;
  draw: DrawTable;
  draw_envelope: DrawEnvelopeTable;
  draw_share: DrawShareTable;
  vote: VoteTable;
  vote_ballot: VoteBallotTable;
  campaign: CampaignTable;
  poster_template: PosterTemplateTable;
  campaign_code: CampaignCodeTable;
  campaign_referral: CampaignReferralTable;
  campaign_progress: CampaignProgressTable;
  campaign_reward: CampaignRewardTable;
  points_entry: PointsEntryTable;
  points_balance: PointsBalanceTable;
  points_settings: PointsSettingsTable;
  checkin: CheckinTable;
  points_message_day: PointsMessageDayTable;
  member_medal: MemberMedalTable;
  spam_model: SpamModelTable;
  spam_guard: SpamGuardTable;
  moderation_item: ModerationItemTable;
  webhook: WebhookTable;
  webhook_delivery: WebhookDeliveryTable;
  broadcast: BroadcastTable;
  broadcast_target: BroadcastTargetTable;
  import_job: ImportJobTable;
  cleanup_decision: CleanupDecisionTable;
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
  /** Health as the receiving process last saw it (migration 0006); null until one opened it. */
  health_state: 'connecting' | 'running' | 'failing' | 'stopped' | null;
  health_error: string | null;
  health_retry_at: number | null;
  health_at: number | null;
  /** When the connection last received an event (migration 0015); null until it did. */
  last_event_at: number | null;
  /** What a login waits for (a WeChat QR code's value), sealed; null when none (migration 0015). */
  login_prompt: string | null;
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

/** A role a member holds in one group (migration 0022); see src/groups/member-roles.ts. */
export interface GroupMemberRoleTable {
  workspace_id: number;
  group_id: number;
  member_id: number;
  role: string;
  /** Who assigned it, as the audit log labels them: an operator's email (and token), or `cli`. */
  assigned_by: string | null;
  assigned_at: number;
}

/** A group's membership of a named set (migration 0013). */
export interface GroupTagTable {
  workspace_id: number;
  group_id: number;
  tag: string;
  created_at: number;
}

export interface MemberTable {
  id: Generated<number>;
  workspace_id: number;
  display_name: string;
  is_bot: number;
  first_seen_at: number;
  /** When the member's personal data was erased (their name is then a pseudonym); null otherwise. */
  erased_at: number | null;
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

/** `parked`: cannot be sent as it is, waits for an operator (migration 0004); `discarded`: an operator gave it up. */
export type { OutboxParkedReason, OutboxStatus } from '../shared/api-records.js';
import type { OutboxParkedReason, OutboxStatus } from '../shared/api-records.js';

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
  parked_reason: OutboxParkedReason | null;
  parked_at: number | null;
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

/** A person who signs in to the dashboard or API. The email is stored lowercased. */
export interface OperatorTable {
  id: Generated<number>;
  email: string;
  /** `$scrypt$ln=…,r=…,p=…$salt$hash` (see src/auth/password.ts); never leaves the server. */
  password_hash: string;
  created_at: number;
  password_changed_at: number;
  disabled: number;
}

/** An operator's role in a workspace; `all_groups` 0 limits them to their group_assignment rows. */
export interface WorkspaceMemberTable {
  operator_id: number;
  workspace_id: number;
  role: string;
  all_groups: number;
  created_at: number;
}

export interface GroupAssignmentTable {
  operator_id: number;
  workspace_id: number;
  group_id: number;
  created_at: number;
}

/** A signed-in browser. `id` is the SHA-256 of the cookie's token, so a database leak holds no usable session. */
export interface SessionTable {
  id: string;
  operator_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** A bearer token for scripts, bound to one workspace and its creator. Only its SHA-256 is kept. */
export interface ApiTokenTable {
  id: Generated<number>;
  workspace_id: number;
  operator_id: number;
  name: string;
  /** The first characters of the token, shown so an operator can tell tokens apart. */
  prefix: string;
  token_hash: string;
  /** Comma-separated permissions (read, act, configure). */
  scopes: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** An invitation to a workspace's team (migration 0014): a one-time link, kept as the SHA-256 of its secret. */
export interface OperatorInvitationTable {
  id: Generated<number>;
  workspace_id: number;
  /** Lowercased, like operator.email. */
  email: string;
  role: string;
  /** JSON list of group ids for an operator or analyst limited to them; null for every group. */
  groups: string | null;
  token_hash: string;
  invited_by: number | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: number | null;
  revoked_at: number | null;
}

/** Append-only (triggers refuse UPDATE and DELETE): who did what to whom, when, with what evidence. */
export interface AuditLogTable {
  id: Generated<number>;
  /** Null only for account events of an operator who belongs to no workspace. */
  workspace_id: number | null;
  at: number;
  actor_kind: 'operator' | 'token' | 'rule' | 'system';
  actor_id: number | null;
  actor_label: string;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  /** The group the action concerned, if any: group-scoped operators see only their groups' entries. */
  group_id: number | null;
  /** JSON evidence. */
  detail: string;
}

/** Sign-in attempts, for the rate limit; pruned after a day. */
export interface LoginAttemptTable {
  id: Generated<number>;
  email: string;
  ip: string;
  at: number;
  succeeded: number;
}

/** A first-run setup token's hash, valid until `expires_at` or until the owner is made: see src/auth/first-run-setup.ts. */
export interface SetupTokenTable {
  token_hash: string;
  created_at: number;
  expires_at: number;
}

/** A rule's problem, counted per (workspace, automation, reason): see src/automations/automation-problems.ts. */
export interface AutomationProblemTable {
  id: Generated<number>;
  workspace_id: number;
  automation_id: number;
  kind: string;
  problem: 'invalid' | 'fallback';
  reason: string;
  detail: string | null;
  count: number;
  first_seen_at: number;
  last_seen_at: number;
  last_event_key: string;
  last_group_id: number;
}

/** A job of the persisted scheduler (migration 0008, src/scheduler/). */
export interface ScheduledJobTable {
  id: Generated<number>;
  workspace_id: number;
  /** Unique: who created the job names it (`silence-watchdog:3`), so ensuring it twice is one job. */
  job_key: string;
  kind: string;
  group_id: number | null;
  cron: string;
  timezone: string;
  /** A slot missed while nothing ran: `once` runs it once on start, `skip` goes on to the next slot. */
  missed: 'once' | 'skip';
  config: string;
  enabled: number;
  next_run_at: number;
  last_slot_at: number | null;
  last_run_at: number | null;
  last_outcome: 'ran' | 'skipped' | 'failed' | null;
  runs: number;
  created_at: number;
}

/** Something that needs an operator's eye (migration 0008): one row per occurrence; `kind` is open (silence today). */
export interface AlertTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number | null;
  kind: string;
  dedup_key: string;
  at: number;
  /** JSON. */
  detail: string;
}

/** A group's silence-watchdog settings (migration 0008); a group without a row has the defaults. */
export interface GroupActivationTable {
  group_id: number;
  workspace_id: number;
  silence_minutes: number;
  warn_minutes: number;
  /** 'HH:MM' in the group's time zone; both null: no quiet hours. */
  quiet_start: string | null;
  quiet_end: string | null;
  operator_channel_id: number | null;
  post_topic: number;
  /** JSON array of prepared topics. */
  topics: string;
  topic_next: number;
  /** Minutes a question may wait for a first response before the group watch alerts; null: the default. */
  question_minutes: number | null;
  updated_at: number;
}

/** A code Hearth issued (migration 0009, src/growth/): an invitation code for one group, or a live code over a series. */
export interface GrowthCodeTable {
  id: Generated<number>;
  workspace_id: number;
  code: string;
  kind: 'invite' | 'live';
  name: string;
  campaign: string | null;
  channel: string | null;
  inviter_member_id: number | null;
  /** An invitation code's limited quantity: used up after this many joins; null: unlimited. */
  quantity: number | null;
  /** A live code's members per group before it rolls over; null on invitation codes. */
  capacity: number | null;
  scans: Generated<number>;
  expires_at: number | null;
  created_at: number;
}

/** The groups a code leads to, in order (one for an invitation code, the series for a live code). */
export interface GrowthCodeGroupTable {
  code_id: number;
  group_id: number;
  position: number;
}

/** A platform link made for a code in a group: asked for through the outbox (`outbox_id`), its url cached once made. */
export interface GrowthCodeLinkTable {
  code_id: number;
  group_id: number;
  url: string | null;
  outbox_id: number | null;
  created_at: number;
}

/** A WeChat/WeCom group's QR image as the operator uploaded it (base64); WeChat lets it work for 7 days. */
export interface GrowthGroupQrTable {
  group_id: number;
  workspace_id: number;
  mime: string;
  image: string;
  uploaded_at: number;
}

/** A chain sign-up (接龙) in a group: `taken` units of `quota` (null: no limit); see src/conversion/chains. */
export interface ChainTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  title: string;
  quota: number | null;
  deadline_at: number | null;
  language: string;
  taken: Generated<number>;
  closed_at: number | null;
  close_reason: string | null;
  /** List posts planned so far, when the last one went out, and when a gathered repost is due (the repost rhythm). */
  posts: Generated<number>;
  last_post_at: number | null;
  repost_due_at: number | null;
  created_by: string | null;
  created_at: number;
}

/** One member's line of a chain, in the order members first signed. */
export interface ChainEntryTable {
  id: Generated<number>;
  chain_id: number;
  member_id: number;
  quantity: number;
  note: string | null;
  signed_at: number;
  updated_at: number;
  event_key: string;
}

/** A coupon or offer (src/conversion/coupons): an amount in integer minor units with a currency, or basis points off; `remaining` of `stock` (null: unlimited). */
export interface CouponTable {
  id: Generated<number>;
  workspace_id: number;
  code: string;
  title: string;
  /** 'single': each claim gets its own code, redeemed once; 'multi': every claim carries the coupon's code. */
  uses: string;
  /** bigint: PostgreSQL returns it as a string. */
  amount_minor: number | string | null;
  currency: string | null;
  percent_off_bp: number | null;
  stock: number | null;
  remaining: number | null;
  claimed: Generated<number>;
  per_member_limit: number;
  expires_at: number | null;
  created_by: string | null;
  created_at: number;
}

/** One unit of a coupon granted to a member; `seq` numbers the member's claims of it (unique), redeemed at most once. */
export interface CouponClaimTable {
  id: Generated<number>;
  coupon_id: number;
  member_id: number;
  seq: number;
  code: string;
  claimed_at: number;
  claimed_by: string | null;
  redeemed_at: number | null;
  redeemed_by: string | null;
}

/** A tracked link (src/conversion/links): `/l/<code>` counts a click and redirects to `target_url` only; a child (`parent_id`) is the same link for one group or member. */
export interface TrackedLinkTable {
  id: Generated<number>;
  workspace_id: number;
  code: string;
  parent_id: number | null;
  campaign: string;
  channel: string;
  target_url: string;
  group_id: number | null;
  member_id: number | null;
  clicks: Generated<number>;
  created_by: string | null;
  created_at: number;
}

/** One visit of `/l/<code>`: when, and the member and group the link names. */
export interface LinkClickTable {
  id: Generated<number>;
  workspace_id: number;
  link_id: number;
  member_id: number | null;
  group_id: number | null;
  clicked_at: number;
}

/** A purchase, sign-up or payment that came back by signed webhook or CSV import; unique per (workspace, external_id); first and last touch stored on arrival. */
export interface ConversionTable {
  id: Generated<number>;
  workspace_id: number;
  external_id: string;
  source: 'webhook' | 'import' | 'demo';
  /** bigint, integer minor units. */
  amount_minor: number;
  currency: string;
  member_id: number | null;
  first_link_id: number | null;
  first_click_id: number | null;
  last_link_id: number | null;
  last_click_id: number | null;
  occurred_at: number;
  received_at: number;
}

/** A workspace's conversion settings: the webhook secret (sealed with the instance secret; null until made) and the attribution window. */
export interface ConversionSettingTable {
  workspace_id: number;
  hook_secret: string | null;
  window_days: Generated<number>;
  updated_by: string | null;
  updated_at: number;
}

/** An outgoing webhook (src/webhooks): where to post which event kinds; `secret` sealed with the instance secret. */
export interface WebhookTable {
  id: Generated<number>;
  workspace_id: number;
  url: string;
  /** JSON array of event kinds, or ["*"]. */
  events: string;
  secret: string;
  description: string | null;
  enabled: Generated<number>;
  disabled_reason: string | null;
  failures_in_a_row: Generated<number>;
  created_by: string | null;
  created_at: number;
  removed_at: number | null;
}

export type WebhookDeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

/** One signed POST owed to a webhook, its body fixed when it was queued. */
export interface WebhookDeliveryTable {
  id: Generated<number>;
  webhook_id: number;
  /** What it delivers (`event:<id>`, `action:<id>:sent`…): once per webhook. */
  source_key: string;
  kind: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: number;
  lease_until: number | null;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
}

/** A workspace's trained spam model (src/antispam/spam-model.ts, serialized), replaced whole on each training. */
export interface SpamModelTable {
  workspace_id: number;
  model: string;
  spam_count: number;
  ham_count: number;
  trained_at: number;
}

/** Whether the spam rule runs in a workspace's groups (1) or not (0; no row: off). */
export interface SpamGuardTable {
  workspace_id: number;
  enabled: number;
  updated_at: number;
}

/** A message the spam rule judged spam, waiting for an operator: pending, then approved (spam) or dismissed (not spam). */
export interface ModerationItemTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  member_id: number | null;
  event_id: number;
  message_id: string;
  text: string;
  score: number;
  /** JSON array of the verdict's reasons. */
  reasons: string;
  /** JSON array of the action types planned for it (after the platform's fallbacks). */
  planned: string;
  status: 'pending' | 'approved' | 'dismissed';
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
}

/** A broadcast (src/activation/broadcasts): one post to the groups a selector took, now or at `send_at`. */
export interface BroadcastTable {
  id: Generated<number>;
  workspace_id: number;
  /** The post, with `{group}`-style placeholders filled per group when it is planned. */
  text: string;
  link: string | null;
  /** The group selector it was made with (JSON), for the record. */
  selector: string;
  status: 'scheduled' | 'sending' | 'cancelled';
  send_at: number | null;
  started_at: number | null;
  created_by: string | null;
  created_at: number;
}

/** One group of a broadcast; its result is the outbox row under `outbox_key`. */
export interface BroadcastTargetTable {
  broadcast_id: number;
  group_id: number;
  outbox_key: string;
  /** Why the group's message could not be planned (it then has no outbox row). */
  error: string | null;
}

export type ImportJobStatus = 'queued' | 'checking' | 'importing' | 'done' | 'failed';

/** An export uploaded on the Import page (migration 0016): its progress, then its report or its error. */
export interface ImportJobTable {
  id: Generated<number>;
  workspace_id: number;
  format: string;
  /** The uploaded file's name, as the operator's computer gave it. */
  file_name: string;
  file_bytes: number;
  sha256: string;
  /** JSON: `{ tz?, chatId? }`, as `hearth import` takes them. */
  options: string;
  status: ImportJobStatus;
  progress_bytes: number;
  total_bytes: number;
  /** Events checked (checking) or stored so far (importing). */
  events: number;
  /** JSON ImportSummary once done. */
  report: string | null;
  error: string | null;
  created_by: string | null;
  created_at: number;
  /** Written with the progress while it runs: a running job not updated for a minute was interrupted. */
  updated_at: number;
  finished_at: number | null;
}

/** A workspace's enforcement ladder and detector settings (migration 0020); `scope_group_id` 0: the workspace's own, else one group's override. */
export interface EnforcementLadderTable {
  workspace_id: number;
  scope_group_id: number;
  /** JSON: see src/enforcement/ladder.ts. */
  settings: string;
  updated_at: number;
}

/** One enforcement a rule took (migration 0020): the violation, its evidence, the ladder step, what was planned; undone by an operator. */
export interface EnforcementTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  member_id: number;
  event_id: number | null;
  violation: string;
  reasons: string;
  step: number;
  step_kind: string;
  step_seconds: number | null;
  /** 1: counts toward the ladder until `expires_at`; 0: a ban carried out again (a banned member came back). */
  strike: number;
  text: string;
  message_id: string | null;
  /** JSON: the action types planned. */
  planned: string;
  /** What ran instead where the platform lacked a capability, or null. */
  fallback: string | null;
  /** JSON: the groups acted in (a ban: every group of the workspace the member is in). */
  group_ids: string;
  status: 'active' | 'undone';
  created_at: number;
  expires_at: number;
  undone_at: number | null;
  undone_by: string | null;
}

/** One credit or debit of a member's points (migration 0025, src/activation/points): unique per workspace on `ref`; `group_id` 0 when not tied to a group; `day` in the group's time zone. */
export interface PointsEntryTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  member_id: number;
  points: number;
  reason: string;
  ref: string;
  note: string | null;
  day: string;
  at: number;
  created_by: string | null;
}

/** A member's balance and lifetime earnings in one group (group 0: not tied to a group), moved with each entry. */
export interface PointsBalanceTable {
  workspace_id: number;
  group_id: number;
  member_id: number;
  balance: number;
  earned: number;
  updated_at: number;
}

/** A group's points and check-in settings (JSON `config`); no row: points off. */
export interface PointsSettingsTable {
  group_id: number;
  workspace_id: number;
  enabled: number;
  config: string;
  updated_at: number;
}

/** One check-in of a member in a group on a day (unique); `makeup` 1 for a made-up (补签) day. */
export interface CheckinTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  member_id: number;
  day: string;
  streak: number;
  points: number;
  makeup: number;
  at: number;
  event_key: string;
}

/** What a member's messages earned in a group on a day, and the hashes of the texts credited (no repeats). */
export interface PointsMessageDayTable {
  group_id: number;
  member_id: number;
  day: string;
  credited: number;
  /** JSON: `h` the credited texts' short hashes, `r` replies credited, `told` whether the member was told they already checked in. */
  hashes: string;
}

/** A medal a member was awarded in a group, once per `period` ('' for once ever, 'YYYY-MM' for a month's). */
export interface MemberMedalTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  member_id: number;
  medal: string;
  period: string;
  awarded_at: number;
}

/** A fission campaign (migration 0027, src/growth/campaigns): `selector` and `tiers` are JSON; hours are whole hours. */
export interface CampaignTable {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  form: string;
  selector: string;
  goal: number;
  fraud_hours: number;
  speak_within_hours: number | null;
  tiers: string;
  poster_template_id: number | null;
  language: string;
  starts_at: number;
  ends_at: number | null;
  created_by: string | null;
  created_at: number;
}

/** A member's personal code in a campaign (an invitation code of `growth_code`). */
export interface CampaignCodeTable {
  campaign_id: number;
  member_id: number;
  code: string;
  group_id: number;
  created_at: number;
}

/** A friend who joined through a personal code, as ingest saw it; unique per campaign and friend. */
export interface CampaignReferralTable {
  id: Generated<number>;
  campaign_id: number;
  workspace_id: number;
  group_id: number;
  inviter_member_id: number;
  invitee_member_id: number;
  code: string;
  joined_at: number;
  left_at: number | null;
  spoke_at: number | null;
  /** 1 when the friend had been in the group before this join. */
  was_member: number;
}

/** The count last told to an inviter. */
export interface CampaignProgressTable {
  campaign_id: number;
  member_id: number;
  counted: number;
  updated_at: number;
}

/** A reward tier granted to a member (unique per campaign, member and tier); `detail` JSON. */
export interface CampaignRewardTable {
  id: Generated<number>;
  campaign_id: number;
  workspace_id: number;
  member_id: number;
  tier: number;
  kind: string;
  detail: string;
  granted_at: number;
  clawed_back_at: number | null;
  clawback_note: string | null;
  fulfilled_at: number | null;
  fulfilled_by: string | null;
}

/** A lucky draw (src/activation/draws): per envelope `total` in `shares` of at least `minimum`; points (currency null) or minor units of a cash currency settled outside Hearth. bigint columns come back as strings on PostgreSQL. */
export interface DrawTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  title: string;
  currency: string | null;
  total: number | string;
  shares: number;
  minimum: number | string;
  rounds: number;
  round_interval_ms: number | string;
  expires_after_ms: number | string;
  /** JSON array of member ids who alone may claim; null: anyone (or the role). */
  exclusive_members: string | null;
  exclusive_role: string | null;
  /** JSON array of the words members grab with. */
  words: string;
  language: string;
  created_by: string | null;
  created_at: number;
  cancelled_at: number | null;
}

/** One round's envelope: opened (announced) at `opened_at`, closed when emptied, expired or cancelled, its unclaimed rest refunded. */
export interface DrawEnvelopeTable {
  id: Generated<number>;
  draw_id: number;
  group_id: number;
  round: number;
  total: number | string;
  shares: number;
  opens_at: number | string;
  opened_at: number | string | null;
  expires_at: number | string | null;
  claimed_count: Generated<number>;
  closed_at: number | string | null;
  close_reason: string | null;
  refunded: number | string | null;
}

/** A share split at creation; `member_id` set once when claimed (unique per envelope). */
export interface DrawShareTable {
  id: Generated<number>;
  envelope_id: number;
  seq: number;
  amount: number | string;
  member_id: number | null;
  claimed_at: number | string | null;
}

/** A decision on a group's cleanup list (migration 0028): removed (through the outbox) or dismissed; keeps the member off the list until `until`. */
export interface CleanupDecisionTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  member_id: number;
  decision: 'removed' | 'dismissed';
  /** JSON: the reasons the member was listed for, with their evidence. */
  reasons: string;
  /** JSON: the action types planned (a removal's, or its fallback's). */
  planned: string;
  /** What ran instead where the platform cannot remove members, or null. */
  fallback: string | null;
  decided_by: string;
  decided_at: number;
  until: number;
}

/** A poster template (migration 0026, src/growth/posters): `design` is JSON without the background image, kept apart in `background_image` (a data URL). */
export interface PosterTemplateTable {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  design: string;
  background_image: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A vote in a group (migration 0031, src/activation/votes): `options` is a JSON array of 2–10 texts; bigint columns come back as strings on PostgreSQL. */
export interface VoteTable {
  id: Generated<number>;
  workspace_id: number;
  group_id: number;
  question: string;
  options: string;
  /** 1: the voters are never shown, only the counts. */
  anonymous: Generated<number>;
  language: string;
  deadline_at: number | string;
  /** Who started it: an operator's label, `cli`, or the initiator member's name. */
  created_by: string;
  created_by_member_id: number | null;
  created_at: number | string;
  /** Set once, when the results post is planned (deadline, by hand, or a veto of an open vote). */
  closed_at: number | string | null;
  close_reason: string | null;
  /** Tally posts planned so far, the last one's time, and when a gathered repost is due. */
  posts: Generated<number>;
  last_post_at: number | string | null;
  tally_due_at: number | string | null;
  vetoed_at: number | string | null;
  vetoed_by: string | null;
  vetoed_by_member_id: number | null;
  veto_reason: string | null;
}

/** One member's ballot in a vote (unique per vote and member); a later vote before the deadline changes `option_index`. */
export interface VoteBallotTable {
  id: Generated<number>;
  vote_id: number;
  member_id: number;
  option_index: number;
  changes: Generated<number>;
  cast_at: number | string;
  updated_at: number | string;
}

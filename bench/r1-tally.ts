import { rmSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { isInternalAction, type Action } from '../src/core/action.js';
import { normalizeSandboxPayload } from '../src/platforms/sandbox/normalizer.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import type { Database } from '../src/store/schema.js';
import { setUpBenchWorkspace, type Workload } from './bench-workload.js';

type Db = Kysely<Database>;

/**
 * What a run that never crashed stores for the same payloads in the same batches: the
 * actions its rules plan and the per-group, per-day counts. R1 compares every crashed
 * run with it, so "lost" and "duplicated" mean "differs from what should be there",
 * not merely "fewer or more rows than a formula".
 */
export interface R1Reference {
  /** Planned actions by identity (see actionIdentity) → how many. */
  actions: Map<string, number>;
  /** `group external id|day` → the group's counts that day. */
  rollups: Map<string, string>;
}

/** What a crashed run holds, against what was delivered to it and the reference. */
export interface R1Tally {
  /** Delivered events (their dedup keys) with no row in the event table. */
  lost: number;
  /** Event rows beyond one per dedup key. */
  duplicated: number;
  /** Group-days whose counts (messages, replies, reactions, joins, leaves) differ from the reference: a batch counted twice, or not at all. */
  rollupsMismatched: number;
  actions: {
    expected: number;
    planned: number;
    /** Actions the reference planned that this run did not. */
    lost: number;
    /** Actions beyond the reference's count for the same trigger. */
    duplicated: number;
    /** A few of the differing actions (rule|group|type|target, and ±count), to start a diagnosis from. */
    differences: string[];
  };
  sends: {
    /** Outbox rows that are sends (everything but internal alerts). */
    expected: number;
    /** Sends marked done whose message is in the sandbox room. */
    delivered: number;
    /** Sends not done, or marked done without their message in the room. */
    missing: number;
    /** Messages the sandbox room holds more than once for one action. */
    doubled: number;
    /** Sends done after more than one attempt: claimed again after a kill. The sandbox dedups them by key; Telegram could not (see deliveredUnmarkedAtKill). */
    resentAfterCrash: number;
  };
}

/**
 * An action's identity across runs: its rule, its group and what it answers (the
 * message it replies to, else the members it mentions, else its event). Not its
 * event's dedup key alone: in queue mode a batch redone after a kill may pass later
 * batches, and then a member's first join (the one welcomed) can be another event
 * than in the ordered reference run; the welcome must still be there once.
 */
function actionIdentity(rule: string, group: string, action: Action, dedupKey: string, memberKey: (id: number) => string): string {
  const target =
    'replyTo' in action && action.replyTo
      ? `reply:${action.replyTo}`
      : action.type === 'send_message' && action.mentions.length > 0
        ? `mention:${action.mentions.map(memberKey).join(',')}`
        : `event:${dedupKey}`;
  return `${rule}|${group}|${action.type}|${target}`;
}

/** Runs the payloads through a fresh database in the same batches, uncrashed, and keeps what R1 compares with. */
export async function referenceRun(file: string, workload: Workload, payloads: readonly unknown[], batchSize: number): Promise<R1Reference> {
  const runtime = await HearthRuntime.open({ kind: 'sqlite', file });
  try {
    const workspaceId = await setUpBenchWorkspace(runtime.store.db, workload.groups);
    runtime.automations.invalidate();
    for (let i = 0; i < payloads.length; i += batchSize) {
      const events = payloads.slice(i, i + batchSize).flatMap((p) => normalizeSandboxPayload(p));
      await runtime.ingest(events, { workspaceId });
    }
    const { actions } = await plannedActions(runtime.store.db, workspaceId);
    return { actions, rollups: await rollups(runtime.store.db, workspaceId) };
  } finally {
    await runtime.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

/** Counts what a crashed run stored and sent, against the delivered dedup keys and the reference. */
export async function tallyRun(db: Db, workspaceId: number, delivered: readonly string[], reference: R1Reference): Promise<R1Tally> {
  const stored = new Map<string, number>();
  for (const r of await db.selectFrom('event').select(['dedup_key']).where('workspace_id', '=', workspaceId).execute()) stored.set(r.dedup_key, (stored.get(r.dedup_key) ?? 0) + 1);
  let duplicated = 0;
  for (const n of stored.values()) duplicated += n - 1;
  const lost = delivered.filter((k) => !stored.has(k)).length;

  const mine = await rollups(db, workspaceId);
  let rollupsMismatched = 0;
  for (const key of new Set([...mine.keys(), ...reference.rollups.keys()])) if (mine.get(key) !== reference.rollups.get(key)) rollupsMismatched++;

  const { actions, sends } = await plannedActions(db, workspaceId);
  let actionsLost = 0;
  let actionsDuplicated = 0;
  const differences: string[] = [];
  let expected = 0;
  let planned = 0;
  for (const n of reference.actions.values()) expected += n;
  for (const n of actions.values()) planned += n;
  for (const key of new Set([...actions.keys(), ...reference.actions.keys()])) {
    const diff = (actions.get(key) ?? 0) - (reference.actions.get(key) ?? 0);
    if (diff !== 0 && differences.length < 5) differences.push(`${key} ${diff > 0 ? '+' : ''}${diff}`);
    if (diff > 0) actionsDuplicated += diff;
    else actionsLost -= diff;
  }

  const lines = new Map<string, number>();
  const botLines = await db.selectFrom('sandbox_message').select(['room', 'message_id']).where('from_bot', '=', 1).where('message_id', 'like', 'bot:%').execute();
  for (const r of botLines) lines.set(r.message_id, (lines.get(r.message_id) ?? 0) + 1);
  let sent = 0;
  let resent = 0;
  for (const s of sends) {
    if (s.status === 'done' && lines.has(`bot:${s.key}`)) sent++;
    if (s.status === 'done' && s.attempts > 1) resent++;
  }
  let doubled = 0;
  const keys = new Set(sends.map((s) => `bot:${s.key}`));
  for (const [id, n] of lines) if (keys.has(id)) doubled += n - 1;

  return {
    lost,
    duplicated,
    rollupsMismatched,
    actions: { expected, planned, lost: actionsLost, duplicated: actionsDuplicated, differences },
    sends: { expected: sends.length, delivered: sent, missing: sends.length - sent, doubled, resentAfterCrash: resent },
  };
}

/**
 * Right after a kill, before the restart: sends claimed but not marked done. Those
 * whose message is already in the room were delivered by the platform; restarted,
 * the dispatcher sends them again. The sandbox keeps one (its sender is idempotent
 * by key); Telegram, which has no idempotency key, would show the message twice.
 */
export async function inFlightSends(db: Db, workspaceId: number): Promise<{ inFlight: number; deliveredUnmarked: number }> {
  const rows = await db.selectFrom('outbox').select('idempotency_key').where('workspace_id', '=', workspaceId).where('status', '=', 'sending').execute();
  if (rows.length === 0) return { inFlight: 0, deliveredUnmarked: 0 };
  const there = await db
    .selectFrom('sandbox_message')
    .select('message_id')
    .where(
      'message_id',
      'in',
      rows.map((r) => `bot:${r.idempotency_key}`),
    )
    .execute();
  return { inFlight: rows.length, deliveredUnmarked: there.length };
}

async function plannedActions(db: Db, workspaceId: number): Promise<{ actions: Map<string, number>; sends: { key: string; status: string; attempts: number }[] }> {
  const events = new Map<number, string>();
  for (const r of await db.selectFrom('event').select(['id', 'dedup_key']).where('workspace_id', '=', workspaceId).execute()) events.set(r.id, r.dedup_key);
  const groups = new Map<number, string>();
  for (const r of await db.selectFrom('chat_group').select(['id', 'external_id']).where('workspace_id', '=', workspaceId).execute()) groups.set(r.id, r.external_id);
  const members = new Map<number, string>();
  for (const r of await db.selectFrom('identity').select(['member_id', 'external_id']).execute()) members.set(r.member_id, r.external_id);
  const memberKey = (id: number) => members.get(id) ?? `?${id}`;

  const actions = new Map<string, number>();
  const sends: { key: string; status: string; attempts: number }[] = [];
  const rows = await db.selectFrom('outbox').select(['group_id', 'idempotency_key', 'action', 'status', 'attempts']).where('workspace_id', '=', workspaceId).execute();
  for (const row of rows) {
    const stored = JSON.parse(row.action) as Action & { rule?: string };
    const eventId = /^evt:(\d+):/.exec(row.idempotency_key)?.[1];
    const dedupKey = eventId === undefined ? row.idempotency_key : (events.get(Number(eventId)) ?? `?${eventId}`);
    const id = actionIdentity(stored.rule ?? '?', groups.get(row.group_id) ?? `?${row.group_id}`, stored, dedupKey, memberKey);
    actions.set(id, (actions.get(id) ?? 0) + 1);
    if (!isInternalAction(stored)) sends.push({ key: row.idempotency_key, status: row.status, attempts: row.attempts });
  }
  return { actions, sends };
}

async function rollups(db: Db, workspaceId: number): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('group_day')
    .innerJoin('chat_group', 'chat_group.id', 'group_day.group_id')
    .select(['chat_group.external_id', 'group_day.day', 'group_day.messages', 'group_day.replies', 'group_day.reactions', 'group_day.joins', 'group_day.leaves'])
    .where('chat_group.workspace_id', '=', workspaceId)
    .execute();
  return new Map(rows.map((r) => [`${r.external_id}|${r.day}`, `${r.messages},${r.replies},${r.reactions},${r.joins},${r.leaves}`]));
}

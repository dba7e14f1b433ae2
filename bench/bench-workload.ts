import type { Kysely } from 'kysely';
import { addAutomation } from '../src/automations/automation-store.js';
import type { SandboxPayload } from '../src/platforms/sandbox/sandbox-payload.js';
import { setUpWorkspace } from '../src/runtime/workspace-setup.js';
import { createCommunity, type SimulatedGroup } from '../src/simulator/community-simulator.js';
import { ensureGroup } from '../src/store/groups.js';
import type { Database } from '../src/store/schema.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Where the simulated history starts: fixed, so every run sees the same traffic. */
export const BENCH_START = Date.parse('2026-01-05T00:00:00Z');

/** The simulated community the benchmarks replay, generated up front (never timed). */
export interface Workload {
  readonly seed: number;
  readonly groups: SimulatedGroup[];
  /** Sandbox payloads in time order, exactly `events` of them. */
  readonly payloads: SandboxPayload[];
  /** Epoch ms of the last payload: the runtime clock during the benchmark. */
  readonly end: number;
  /** How many payloads of each type (message, join, reaction, ...). */
  readonly mix: Record<string, number>;
  readonly generateMs: number;
}

export interface WorkloadOptions {
  events: number;
  seed?: number;
  groups?: number;
  intensity?: number;
}

/**
 * A community of `groups` simulated groups (default 12: every type and health twice,
 * Chinese and English) at `intensity` (default 2), read day by day until `events`
 * payloads are there; the tail of the last day is cut off.
 */
export function buildWorkload(options: WorkloadOptions): Workload {
  const t0 = performance.now();
  const seed = options.seed ?? 20_260_105;
  const community = createCommunity({ seed, start: BENCH_START, groups: options.groups ?? 12, intensity: options.intensity ?? 2 });
  const payloads: SandboxPayload[] = [];
  for (let day = BENCH_START; payloads.length < options.events; day += DAY) {
    if (day > BENCH_START + 3_650 * DAY) throw new Error(`the simulated community produced only ${payloads.length} payloads in ten years`);
    for (const p of community.payloadsBetween(day, day + DAY)) payloads.push(p);
  }
  payloads.length = options.events;
  const mix: Record<string, number> = {};
  for (const p of payloads) mix[p.type] = (mix[p.type] ?? 0) + 1;
  return { seed, groups: community.groups, payloads, end: payloads.at(-1)?.at ?? BENCH_START, mix, generateMs: performance.now() - t0 };
}

export interface StreamOptions {
  seed?: number;
  groups: number;
  intensity?: number;
  /** Stop once this many distinct people have appeared (a member is counted on first sight). */
  members: number;
  /** Payloads per batch yielded. */
  batchSize: number;
}

/**
 * The same simulated community, generated an hour at a time and handed out in
 * batches, never held whole: for runs too big to pre-generate (1,000 groups, 100k
 * members). Generation happens between batches, so it is not part of what a caller
 * times around each batch. Returns when `members` distinct people have been seen.
 */
export function* streamWorkload(options: StreamOptions): Generator<{ payloads: SandboxPayload[]; members: number }> {
  const seed = options.seed ?? 20_260_105;
  const community = createCommunity({ seed, start: BENCH_START, groups: options.groups, intensity: options.intensity ?? 1 });
  // Ids only (a few MB at 100k), to know when to stop.
  const seen = new Set<string>();
  let batch: SandboxPayload[] = [];
  for (let hour = BENCH_START; seen.size < options.members; hour += HOUR) {
    if (hour > BENCH_START + 3_650 * DAY) throw new Error(`the simulated community showed only ${seen.size} members in ten years`);
    for (const p of community.payloadsBetween(hour, hour + HOUR)) {
      const who = 'from' in p ? p.from : p.member;
      seen.add(who.id);
      batch.push(p);
      if (batch.length === options.batchSize) {
        yield { payloads: batch, members: seen.size };
        batch = [];
        if (seen.size >= options.members) return;
      }
    }
  }
  if (batch.length > 0) yield { payloads: batch, members: seen.size };
}

/**
 * The 19 keyword replies configured next to the welcome rule: a typical FAQ set,
 * Chinese and English. Some keywords occur in simulated chat (price, 价格, 报名, 链接,
 * 优惠, vip, "how do", 群规, contact), so replies really land in the outbox; the rest
 * are the questions nobody asked this month.
 */
export const BENCH_KEYWORD_RULES: readonly { keywords: string[]; reply: string }[] = [
  { keywords: ['price', 'pricing'], reply: 'Our current prices are on the pinned price list, {name}.' },
  { keywords: ['价格'], reply: '@{name} 价格请看群公告里的价目表～' },
  { keywords: ['报名'], reply: '报名请填写群公告里的表单，{name}。' },
  { keywords: ['链接'], reply: '{name}，所有链接都在群公告里，陌生链接请勿点击。' },
  { keywords: ['优惠'], reply: '本周优惠见置顶消息，{name}。' },
  { keywords: ['vip'], reply: 'Invite 3 friends with your code to unlock the VIP group, {name}.' },
  { keywords: ['how do'], reply: 'Good question, {name}: the step-by-step guide is pinned in {group}.' },
  { keywords: ['群规'], reply: '群规：友善交流，围绕主题，禁止广告。' },
  { keywords: ['contact'], reply: 'You can contact the team at the address in the group description.' },
  { keywords: ['refund'], reply: 'Refunds: reply to your order email and we sort it within 3 days.' },
  { keywords: ['invoice', '发票'], reply: 'Invoices are issued from your account page. / 发票请在账户页面申请。' },
  { keywords: ['退款'], reply: '退款请联系客服，3 个工作日内处理。' },
  { keywords: ['where can i'], reply: 'Everything is linked from the pinned message, {name}.' },
  { keywords: ['webinar'], reply: 'The next webinar is announced in {group} a week ahead.' },
  { keywords: ['课程表'], reply: '课程表见群文件。' },
  { keywords: ['deadline'], reply: 'Deadlines are in the pinned calendar.' },
  { keywords: ['group rules'], reply: 'Group rules: be kind, stay on topic, no ads.' },
  { keywords: ['营业时间', 'opening hours'], reply: 'Open 9:00–18:00 on weekdays. / 营业时间：工作日 9:00–18:00。' },
  { keywords: ['password reset', '密码'], reply: 'Reset your password from the login page, {name}.' },
];

/** Rules configured for the benchmark workspace: the welcome plus the 19 keyword replies. */
export const BENCH_RULE_COUNT = 1 + BENCH_KEYWORD_RULES.length;

/**
 * Prepares a database the way an operator would have it: a workspace (which comes
 * with the welcome rule), the 19 keyword replies, and the workload's groups with
 * their time zones. Returns the workspace id.
 */
export async function setUpBenchWorkspace(db: Kysely<Database>, groups: readonly SimulatedGroup[], now = BENCH_START): Promise<number> {
  const workspace = await setUpWorkspace(db, 'bench', 'Benchmark community', now);
  for (const rule of BENCH_KEYWORD_RULES) await addAutomation(db, { workspaceId: workspace.id, kind: 'keyword-reply', config: rule }, now);
  const enabled = await db
    .selectFrom('automation')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspace.id)
    .where('enabled', '=', 1)
    .executeTakeFirstOrThrow();
  if (Number(enabled.n) !== BENCH_RULE_COUNT) throw new Error(`expected ${BENCH_RULE_COUNT} rules in the benchmark workspace, found ${enabled.n}`);
  for (const g of groups) {
    await ensureGroup(
      db,
      { workspaceId: workspace.id, platform: 'sandbox', externalId: g.room, name: g.title, profile: { timezone: g.timezone, type: g.type, purpose: g.purpose, theme: g.theme, audience: g.audience } },
      g.createdAt,
    );
  }
  return workspace.id;
}

import { seedDemoModeration } from '../antispam/demo-moderation.js';
import { seedDemoChain } from '../conversion/chains/demo-chain.js';
import { seedDemoVotes } from '../activation/votes/demo-votes.js';
import { seedDemoLinks } from '../conversion/links/demo-links.js';
import { seedDemoGrowth } from '../growth/demo-growth.js';
import { seedDemoCampaign } from '../growth/campaigns/demo-campaign.js';
import { seedDemoPosters } from '../growth/posters/demo-posters.js';
import { seedDemoWebhooks } from '../webhooks/demo-webhooks.js';
import { addAutomation } from '../automations/automation-store.js';
import { createCommunity, type Community } from '../simulator/community-simulator.js';
import { ensureGroup } from '../store/groups.js';
import { seedDemoActivation } from './demo-activation.js';
import { seedDemoAttention } from './demo-attention.js';
import { seedDemoBroadcast } from './demo-broadcast.js';
import { seedDemoGroupSets } from './demo-group-sets.js';
import { seedDemoMemberLinks } from './demo-member-links.js';
import { seedDemoRetention } from './demo-retention.js';
import { seedDemoDraws } from '../activation/draws/demo-draws.js';
import { seedDemoRoles } from './demo-roles.js';
import { seedDemoPoints } from '../activation/points/demo-points.js';
import type { HearthRuntime } from './hearth-runtime.js';
import { setUpWorkspace } from './workspace-setup.js';

const DAY = 86_400_000;
const STATE_KEY = 'demo';

interface DemoState {
  workspaceId: number;
  seed: number;
  start: number;
  groups: number;
  /** Simulated activity is delivered up to here (exclusive). */
  until: number;
}

/** The FAQ answers the demo's groups start with, so a newcomer sees the bot answer questions. */
const DEMO_FAQ = [
  { keywords: ['group rules', '群规'], reply: 'Group rules: be kind, stay on topic, no ads. Repeated ads lead to removal. / 群规：友善交流，围绕主题，禁止广告。' },
  { keywords: ['how do i join the vip', 'vip群'], reply: 'Invite 3 friends with your personal code to unlock the VIP group. / 邀请 3 位好友即可进入 VIP 群。' },
];

/**
 * The demo a newcomer sees first: a workspace on the sandbox platform whose groups
 * come from the community simulator, with weeks of history (ingested as history,
 * without automations) and live activity that keeps arriving while the server runs.
 */
export class DemoWorkspace {
  private constructor(
    private readonly runtime: HearthRuntime,
    private readonly community: Community,
    private state: DemoState,
  ) {}

  /** Creates the demo on an empty database. `onProgress` gets (done, total) as history loads. */
  static async create(runtime: HearthRuntime, options: { now: number; seed?: number; historyDays?: number; onProgress?: (done: number, total: number) => void }): Promise<DemoWorkspace> {
    const { db } = runtime.store;
    const seed = options.seed ?? 20_261_123;
    const start = options.now - (options.historyDays ?? 45) * DAY;
    const community = createCommunity({ seed, start });
    const workspace = await setUpWorkspace(db, 'demo', 'Demo community', start);
    for (const g of community.groups) {
      await runtime.sandbox.world.addRoom(g.title, g.createdAt, g.room);
      await ensureGroup(
        db,
        {
          workspaceId: workspace.id,
          platform: 'sandbox',
          externalId: g.room,
          name: g.title,
          profile: { timezone: g.timezone, type: g.type, purpose: g.purpose, theme: g.theme, audience: g.audience },
        },
        g.createdAt,
      );
    }
    await seedDemoGroupSets(db, workspace.id, start);
    for (const faq of DEMO_FAQ) await addAutomation(db, { workspaceId: workspace.id, kind: 'keyword-reply', config: faq }, start);
    runtime.automations.invalidate();

    const demo = new DemoWorkspace(runtime, community, { workspaceId: workspace.id, seed, start, groups: community.groups.length, until: start });
    const history = community.payloadsBetween(start, options.now);
    for (let i = 0; i < history.length; i += 2_000) {
      // Back-story: through the queue like live traffic, stored and counted, no rule runs.
      await runtime.sandboxFor(workspace.id).deliver(history.slice(i, i + 2_000), { automations: false });
      options.onProgress?.(Math.min(i + 2_000, history.length), history.length);
    }
    await seedDemoAttention(runtime, workspace.id, options.now);
    await seedDemoModeration(runtime, workspace.id, options.now);
    await seedDemoChain(runtime, workspace.id, options.now);
    await seedDemoVotes(runtime, workspace.id, options.now);
    await seedDemoActivation(runtime, workspace.id, options.now);
    await seedDemoGrowth(runtime, workspace.id, options.now);
    await seedDemoCampaign(runtime, workspace.id, options.now);
    await seedDemoLinks(runtime, workspace.id, options.now);
    await seedDemoPosters(runtime, workspace.id, options.now);
    await seedDemoWebhooks(runtime, workspace.id, options.now);
    await seedDemoMemberLinks(runtime, workspace.id, options.now);
    await seedDemoBroadcast(runtime, workspace.id, options.now);
    await seedDemoRoles(runtime, workspace.id, options.now);
    await seedDemoRetention(runtime, workspace.id, options.now);
    await seedDemoPoints(runtime, workspace.id, options.now);
    await seedDemoDraws(runtime, workspace.id, options.now);
    await demo.#save(options.now);
    return demo;
  }

  /** The demo this database already holds, if any. */
  static async load(runtime: HearthRuntime): Promise<DemoWorkspace | undefined> {
    const raw = await runtime.sandbox.world.state(STATE_KEY);
    if (!raw) return undefined;
    const state = JSON.parse(raw) as DemoState;
    return new DemoWorkspace(runtime, createCommunity({ seed: state.seed, start: state.start, groups: state.groups }), state);
  }

  get workspaceId(): number {
    return this.state.workspaceId;
  }

  /**
   * Delivers the simulated activity from where it stopped up to `now`, as live traffic
   * (automations on). After a long pause it catches up on at most the last day, so a
   * restart does not flood the groups with welcomes.
   */
  async advance(now: number): Promise<number> {
    const from = Math.max(this.state.until, now - DAY);
    if (now <= from) return 0;
    const payloads = this.community.payloadsBetween(from, now);
    if (payloads.length > 0) await this.runtime.sandboxFor(this.state.workspaceId).deliver(payloads);
    await this.#save(now);
    return payloads.length;
  }

  async #save(until: number): Promise<void> {
    this.state = { ...this.state, until };
    await this.runtime.sandbox.world.setState(STATE_KEY, JSON.stringify(this.state));
  }
}

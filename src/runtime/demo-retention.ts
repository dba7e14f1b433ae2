import type { SandboxPayload } from '../platforms/sandbox/sandbox-payload.js';
import type { HearthRuntime } from './hearth-runtime.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** Given names for the back-story's members (pinyin and English, as the demo's other newcomers). */
const GIVEN = ['An', 'Bo', 'Chen', 'Dan', 'Fei', 'Gang', 'Hui', 'Jia', 'Kun', 'Lan', 'Min', 'Nan', 'Ping', 'Qing', 'Rui', 'Shan', 'Ting', 'Wen', 'Xia', 'Yu', 'Amy', 'Ben', 'Eva', 'Ian'];
const LINES = [
  '大家好，刚进群 👋',
  'Hi all, glad to be here',
  '请问群里有资料分享吗？',
  'Thanks for the tips!',
  '这个方法我试过，挺好用',
  'Anyone going this weekend?',
  '学到了，谢谢分享',
  'Good morning everyone',
];

/** A small deterministic generator (mulberry32), so every demo tells the same back-story. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The back-story the retention cards need and the simulator's 45 days cannot give:
 * in each simulated group, members who joined 7 to 20 weeks ago, a handful a week,
 * each week fewer of them still there and fewer still speaking until the simulated
 * history begins (so the cohorts heat map fades to the right as real ones do), some
 * never saying a word (the cleanup list's "silent for three months"); delivered as
 * sandbox traffic through the real pipeline, without rules. Beside them the cleanup
 * list shows the ad suspects the moderation demo queued; rule breakers appear once the
 * demo's enforcement ladder is switched on and catches someone twice. Each group's
 * creation moves back to its first such join, so the group existed when they joined.
 */
export async function seedDemoRetention(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const groups = await db
    .selectFrom('chat_group')
    .select(['id', 'external_id', 'name'])
    .where('workspace_id', '=', workspaceId)
    .where('platform', '=', 'sandbox')
    .where('external_id', 'like', 'sim-%')
    .orderBy('id')
    .execute();
  const payloads: SandboxPayload[] = [];
  let n = 0;
  for (const g of groups) {
    // they speak only before the simulated history begins, so the stretches of silence
    // the demo's watchdog already judged stay as they were
    const first = await db
      .selectFrom('event')
      .select((eb) => eb.fn.min('occurred_at').as('at'))
      .where('group_id', '=', g.id)
      .where('kind', '=', 'message')
      .executeTakeFirst();
    const historyStart = first?.at == null ? now - DAY : Number(first.at);
    const rand = random(g.id * 7919 + 11);
    for (let weeksAgo = 20; weeksAgo >= 7; weeksAgo--) {
      const joiners = 4 + Math.floor(rand() * 6);
      for (let i = 0; i < joiners; i++) {
        const id = `demo-cohort-${g.id}-${weeksAgo}-${i}`;
        const name = `${GIVEN[n % GIVEN.length]} ${String.fromCharCode(65 + (Math.floor(n / GIVEN.length) % 26))}.${n >= GIVEN.length * 26 ? ` ${n}` : ''}`;
        n++;
        const joinedAt = now - weeksAgo * WEEK + Math.floor(rand() * 6 * DAY);
        payloads.push({ type: 'join', updateId: `${id}-join`, room: g.external_id, roomTitle: g.name, at: joinedAt, member: { id, name } });
        // two in five never speak: they mostly stay, as lurkers do; of the others a fifth
        // leave in their first week and about one in eight each week after
        const talker = rand() >= 0.4;
        let leftAt: number | null = null;
        for (let k = 0; leftAt === null && joinedAt + (k + 1) * WEEK < now; k++) {
          const chance = talker ? (k === 0 ? 0.2 : 0.12) : 0.03;
          if (rand() < chance) leftAt = joinedAt + k * WEEK + Math.floor(rand() * 6 * DAY) + DAY;
        }
        for (let k = 0; talker; k++) {
          const at = joinedAt + k * WEEK + Math.floor(rand() * 6 * DAY) + 3_600_000;
          if (at >= Math.min(leftAt ?? now, historyStart)) break;
          if (rand() < 0.75 * 0.8 ** k) {
            payloads.push({
              type: 'message',
              updateId: `${id}-m${k}`,
              room: g.external_id,
              roomTitle: g.name,
              at,
              from: { id, name },
              messageId: `${id}-m${k}`,
              text: LINES[Math.floor(rand() * LINES.length)]!,
            });
          }
        }
        if (leftAt !== null) payloads.push({ type: 'leave', updateId: `${id}-leave`, room: g.external_id, roomTitle: g.name, at: leftAt, member: { id, name } });
      }
    }
  }
  payloads.sort((a, b) => a.at - b.at);
  const firstJoin = new Map<string, number>();
  for (const p of payloads) if (p.type === 'join' && !firstJoin.has(p.room)) firstJoin.set(p.room, p.at);
  for (const g of groups) {
    const at = firstJoin.get(g.external_id);
    if (at !== undefined) await db.updateTable('chat_group').set({ created_at: at }).where('id', '=', g.id).where('created_at', '>', at).execute();
  }
  const sandbox = runtime.sandboxFor(workspaceId);
  for (let i = 0; i < payloads.length; i += 2_000) await sandbox.deliver(payloads.slice(i, i + 2_000), { automations: false });
}

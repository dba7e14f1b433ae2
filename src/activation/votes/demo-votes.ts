import type { SandboxPayload } from '../../platforms/sandbox/sandbox-payload.js';
import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { closeVote, startVote } from './vote-store.js';

const MINUTE = 60_000;

/** Members who vote when the group has few speakers (made up for the demo). */
const REGULARS: readonly { from_id: string; from_name: string }[] = [
  { from_id: 'demo-voter-1', from_name: '阿杰' },
  { from_id: 'demo-voter-2', from_name: 'Mia' },
  { from_id: 'demo-voter-3', from_name: '小雨' },
  { from_id: 'demo-voter-4', from_name: 'Ken' },
  { from_id: 'demo-voter-5', from_name: '周周' },
];

/** The ballots of the demo's two votes, in order: who (a speaker's position), when (minutes after the start), what they wrote. */
const CLOSED_BALLOTS: readonly { member: number; after: number; text: string }[] = [
  { member: 0, after: 5, text: '1' },
  { member: 1, after: 8, text: '投2' },
  { member: 2, after: 12, text: '周日上午' },
  { member: 3, after: 20, text: '1' },
  { member: 4, after: 26, text: '/vote 1' },
  { member: 1, after: 33, text: '1' },
];
const OPEN_BALLOTS: readonly { member: number; after: number; text: string }[] = [
  { member: 2, after: 4, text: '2' },
  { member: 0, after: 9, text: '投3' },
  { member: 3, after: 15, text: '2' },
];

/**
 * The demo's votes, made through the real pipeline in the demo's first group: a closed
 * one from two days ago (members voted by number, by "投2", by an option's text, one
 * changed their vote; closed with its results posted) and an open one started an hour
 * ago, closing tomorrow, with its first ballots.
 */
export async function seedDemoVotes(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const group = await db
    .selectFrom('chat_group')
    .select(['id', 'name', 'external_id'])
    .where('workspace_id', '=', workspaceId)
    .where('platform', '=', 'sandbox')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!group) return;
  const found = await db
    .selectFrom('sandbox_message')
    .select(['from_id', 'from_name'])
    .where('room', '=', group.external_id)
    .where('kind', '=', 'message')
    .where('from_bot', '=', 0)
    .groupBy(['from_id', 'from_name'])
    .orderBy('from_id')
    .limit(5)
    .execute();
  const speakers = [...found, ...REGULARS].slice(0, 5);
  const deliver = async (key: string, startedAt: number, ballots: typeof CLOSED_BALLOTS) => {
    const payloads: SandboxPayload[] = ballots.map((b, i) => {
      const who = speakers[b.member]!;
      return {
        type: 'message',
        updateId: `demo-vote-${key}-${i}`,
        room: group.external_id,
        roomTitle: group.name,
        at: startedAt + b.after * MINUTE,
        from: { id: who.from_id, name: who.from_name },
        messageId: `demo-vote-${key}-${i}`,
        text: b.text,
      };
    });
    for (const payload of payloads) await runtime.sandboxFor(workspaceId).deliver([payload]);
  };

  const closedStart = now - 2 * 24 * 60 * MINUTE;
  const closed = await startVote(
    db,
    { workspaceId, groupId: group.id, question: '下次线下聚会定在什么时候？', options: ['周六晚上', '周日上午', '周日下午'], deadline: now + 60 * MINUTE, language: 'zh', createdBy: 'demo operator' },
    closedStart,
  );
  runtime.voteRule.invalidate();
  await deliver('closed', closedStart, CLOSED_BALLOTS);
  await closeVote(db, workspaceId, closed.id, now - 24 * 60 * MINUTE);

  const openStart = now - 60 * MINUTE;
  await startVote(
    db,
    { workspaceId, groupId: group.id, question: '下周分享会聊什么？', options: ['增长打法', '社群工具', '成员故事'], deadline: now + 24 * 60 * MINUTE, language: 'zh', createdBy: 'demo operator' },
    openStart,
  );
  runtime.voteRule.invalidate();
  await deliver('open', openStart, OPEN_BALLOTS);
  await runtime.dispatcher.runDue();
}

import type { EventInput } from '../core/event.js';
import type { HearthRuntime } from './hearth-runtime.js';

const HOUR = 3_600_000;
/** How many of the demo's regulars also turn up on Telegram. */
const PEOPLE = 2;

/**
 * What the members directory suggests linking in the demo, made through the normal
 * path: the operator imported the export of their community's Telegram group (as
 * `hearth import telegram-json` would), where two of the sandbox groups' regulars
 * post under the same names. Ingested as history (no rule runs), the export's last
 * message an hour and a half ago.
 */
export async function seedDemoMemberLinks(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  // The demo's regulars: people in several groups (src/simulator/shared-members.ts).
  const regulars = await db
    .selectFrom('identity as i')
    .innerJoin('membership as s', 's.member_id', 'i.member_id')
    .innerJoin('chat_group as g', 'g.id', 's.group_id')
    .select(['i.external_id', 'i.display_name', 'g.name as group_name'])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.platform', '=', 'sandbox')
    .where('i.external_id', 'like', 'u-shared-%')
    .orderBy('i.external_id')
    .orderBy('s.joined_at')
    .execute();
  const people = [...new Map(regulars.map((r) => [r.external_id, r])).values()].slice(0, PEOPLE);
  const first = people[0];
  if (!first) return;
  const group = { id: '-1001755000001', title: `${first.group_name} · Telegram` };
  const lines = ['今天的活动照片发在这里了 📷', 'Thanks all, see you at the next meetup!', '有人周末一起吗？'];
  const events: EventInput[] = people.flatMap((person, p) =>
    lines.map((text, n) => ({
      platform: 'telegram',
      kind: 'message',
      dedupKey: `telegram:${group.id}:${p * lines.length + n + 1}`,
      occurredAt: new Date(now - 90 * 60_000 - (people.length * lines.length - 1 - (n * people.length + p)) * 5 * HOUR).toISOString(),
      group,
      actor: { id: String(5_550_001 + p), name: person.display_name },
      messageId: String(p * lines.length + n + 1),
      text,
    })),
  );
  await runtime.ingest(events, { workspaceId, automations: false });
}

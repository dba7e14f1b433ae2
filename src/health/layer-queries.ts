import type { Kysely } from 'kysely';
import { daysEnding } from '../core/calendar.js';
import type { Database } from '../store/schema.js';
import { dayStart, nextDay } from './health-queries.js';
import { assignLayers, MEMBER_LAYERS, opinionLeaders, type InteractionEdge, type LayerInput, type LeaderFigures, type MemberLayer } from './member-layers.js';

/** One member as the layers view lists them: the figures the rules read, over the 28 days ending on D. */
export interface LayerMember {
  memberId: number;
  displayName: string;
  layer: MemberLayer;
  messages28: number;
  activeDays28: number;
  repliesReceived28: number;
  activeDaysBefore: number;
  lastSeenAt: string | null;
}

export interface GroupLayers {
  groupId: number;
  asOf: string;
  /** Members present on D in each layer. */
  counts: Record<MemberLayer, number>;
  /** Each layer's members, most messages first (then most recently seen), at most `limit` each. */
  members: Record<MemberLayer, LayerMember[]>;
  /** Opinion-leader candidates over the 28 days' replies and mentions, strongest first. */
  candidates: (LeaderFigures & { displayName: string; layer: MemberLayer | null })[];
}

interface Payload {
  messageId?: string;
  replyTo?: string;
  mentions?: string[];
}

/**
 * A group's member layers and opinion-leader candidates as of a calendar day (its time
 * zone), computed per request: the members present on D (an open stay at the end of
 * D, bots left out), their messages per day from the rollups, and the replies and
 * mentions of the 28 days from the event log (a reply counts when the message it
 * answers is in the 56 days' log). Definitions: docs/metrics.md ("Member layers").
 */
export async function groupLayers(db: Kysely<Database>, group: { id: number; workspace_id: number; platform: string; timezone: string }, asOf: string, limit = 50): Promise<GroupLayers> {
  const tz = group.timezone;
  const window = daysEnding(asOf, 56);
  const last28 = new Set(window.slice(-28));
  const last14 = new Set(window.slice(-14));
  const end = dayStart(tz, nextDay(asOf));
  const windowStart = dayStart(tz, window[0]!);
  const start28 = dayStart(tz, window[28]!);

  const [present, dayRows, events] = await Promise.all([
    db
      .selectFrom('membership')
      .innerJoin('member', 'member.id', 'membership.member_id')
      .leftJoin('member_group_total', (j) => j.onRef('member_group_total.member_id', '=', 'membership.member_id').onRef('member_group_total.group_id', '=', 'membership.group_id'))
      .select(['membership.member_id', 'member.display_name', 'member_group_total.last_message_at'])
      .where('membership.group_id', '=', group.id)
      .where('member.is_bot', '=', 0)
      .where('membership.joined_at', '<', end)
      .where((eb) => eb.or([eb('membership.left_at', 'is', null), eb('membership.left_at', '>=', end)]))
      .execute(),
    db
      .selectFrom('member_group_day')
      .select(['member_id', 'day', 'messages'])
      .where('group_id', '=', group.id)
      .where('day', '>=', window[0]!)
      .where('day', '<=', asOf)
      .where('messages', '>', 0)
      .execute(),
    db
      .selectFrom('event')
      .innerJoin('member', 'member.id', 'event.member_id')
      .select(['event.member_id', 'event.occurred_at', 'event.payload'])
      .where('event.group_id', '=', group.id)
      .where('event.kind', '=', 'message')
      .where('member.is_bot', '=', 0)
      .where('event.occurred_at', '>=', windowStart)
      .where('event.occurred_at', '<', end)
      .orderBy('event.occurred_at')
      .orderBy('event.id')
      .execute(),
  ]);

  const inputs = new Map<number, LayerInput>();
  for (const p of present) {
    if (!inputs.has(p.member_id)) inputs.set(p.member_id, { memberId: p.member_id, messages28: 0, activeDays28: 0, repliesReceived28: 0, activeDaysBefore: 0, messages14: 0 });
  }
  for (const r of dayRows) {
    const m = inputs.get(r.member_id);
    if (!m) continue;
    const n = Number(r.messages);
    if (last28.has(r.day)) {
      m.messages28 += n;
      m.activeDays28++;
      if (last14.has(r.day)) m.messages14 += n;
    } else m.activeDaysBefore++;
  }

  // replies and mentions of the 28 days, as edges between members
  const author = new Map<string, number>();
  const edges: InteractionEdge[] = [];
  const mentioned: { from: number; externalId: string }[] = [];
  for (const e of events) {
    const from = e.member_id!;
    const p = JSON.parse(e.payload) as Payload;
    if (p.messageId) author.set(p.messageId, from);
    if (Number(e.occurred_at) < start28) continue;
    if (p.replyTo) {
      const to = author.get(p.replyTo);
      if (to !== undefined && to !== from) {
        edges.push({ from, to, kind: 'reply' });
        const m = inputs.get(to);
        if (m) m.repliesReceived28++;
      }
    }
    for (const id of p.mentions ?? []) mentioned.push({ from, externalId: id });
  }
  if (mentioned.length > 0) {
    const ids = [...new Set(mentioned.map((m) => m.externalId))];
    const known = new Map<string, number>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom('identity')
        .select(['external_id', 'member_id'])
        .where('workspace_id', '=', group.workspace_id)
        .where('platform', '=', group.platform)
        .where('external_id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) known.set(r.external_id, r.member_id);
    }
    for (const m of mentioned) {
      const to = known.get(m.externalId);
      if (to !== undefined && to !== m.from) edges.push({ from: m.from, to, kind: 'mention' });
    }
  }

  const layers = assignLayers([...inputs.values()]);
  const names = new Map(present.map((p) => [p.member_id, p.display_name]));
  const lastSeen = new Map(present.map((p) => [p.member_id, p.last_message_at === null ? null : Number(p.last_message_at)]));
  const counts = Object.fromEntries(MEMBER_LAYERS.map((l) => [l, 0])) as Record<MemberLayer, number>;
  const members = Object.fromEntries(MEMBER_LAYERS.map((l) => [l, [] as LayerMember[]])) as Record<MemberLayer, LayerMember[]>;
  for (const m of inputs.values()) {
    const layer = layers.get(m.memberId)!;
    counts[layer]++;
    const at = lastSeen.get(m.memberId) ?? null;
    members[layer].push({
      memberId: m.memberId,
      displayName: names.get(m.memberId) ?? '',
      layer,
      messages28: m.messages28,
      activeDays28: m.activeDays28,
      repliesReceived28: m.repliesReceived28,
      activeDaysBefore: m.activeDaysBefore,
      lastSeenAt: at === null ? null : new Date(at).toISOString(),
    });
  }
  for (const l of MEMBER_LAYERS) {
    members[l] = members[l].sort((a, b) => b.messages28 - a.messages28 || (b.lastSeenAt ?? '').localeCompare(a.lastSeenAt ?? '') || a.memberId - b.memberId).slice(0, limit);
  }

  const leaders = opinionLeaders(edges);
  const missing = leaders.map((c) => c.memberId).filter((id) => !names.has(id));
  if (missing.length > 0) {
    for (const r of await db.selectFrom('member').select(['id', 'display_name']).where('id', 'in', missing).execute()) names.set(r.id, r.display_name);
  }
  return {
    groupId: group.id,
    asOf,
    counts,
    members,
    candidates: leaders.map((c) => ({ ...c, displayName: names.get(c.memberId) ?? '', layer: layers.get(c.memberId) ?? null })),
  };
}

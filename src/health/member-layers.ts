/**
 * Member layers and opinion-leader candidates of one group as of a day D. Pure: the
 * figures come in, the judgement goes out. Definitions: docs/metrics.md ("Member layers").
 */

export type MemberLayer = 'core' | 'active' | 'normal' | 'lurker' | 'atRisk';

/** The layers, from the most engaged to the least, in the order the API and the card list them. */
export const MEMBER_LAYERS: readonly MemberLayer[] = ['core', 'active', 'normal', 'atRisk', 'lurker'];

/** What the layer rules read about one member present in the group on D. */
export interface LayerInput {
  memberId: number;
  /** Messages in the 28 days ending on D. */
  messages28: number;
  /** Days with a message among those 28. */
  activeDays28: number;
  /** Replies from other members to this member's messages, sent in those 28 days. */
  repliesReceived28: number;
  /** Days with a message among days 29–56 before D. */
  activeDaysBefore: number;
  /** Messages in the 14 days ending on D. */
  messages14: number;
}

/** The thresholds the rules use; docs/metrics.md states them. */
export const LAYER_RULES = {
  /** Core: among the top share of the 28 days' speakers by messages… */
  coreTopShare: 0.05,
  /** …and answered at least this often in those 28 days. */
  coreMinRepliesReceived: 3,
  /** Active: a message on at least this many of the 28 days (twice a week). */
  activeMinDays: 8,
  /** At risk: a message on at least this many of days 29–56 (once a week)… and none in the last 14. */
  atRiskMinDaysBefore: 4,
} as const;

/**
 * Each present member's layer. Rules, first match wins:
 * at risk (≥ 4 active days in days 29–56, no message in the last 14), core (top 5% of
 * the 28 days' speakers by messages, at least one, and ≥ 3 replies received), active
 * (≥ 8 active days of 28), normal (any message in 28 days), lurker (none).
 *
 * @example assignLayers([{ memberId: 1, messages28: 0, activeDays28: 0, repliesReceived28: 0, activeDaysBefore: 0, messages14: 0 }]).get(1) // 'lurker'
 */
export function assignLayers(members: readonly LayerInput[]): Map<number, MemberLayer> {
  const speakers = members.filter((m) => m.messages28 > 0).sort((a, b) => b.messages28 - a.messages28 || a.memberId - b.memberId);
  const topCount = Math.max(1, Math.ceil(speakers.length * LAYER_RULES.coreTopShare));
  // ties with the last of the top share are in it too
  const cutoff = speakers[topCount - 1]?.messages28 ?? Number.POSITIVE_INFINITY;
  const out = new Map<number, MemberLayer>();
  for (const m of members) {
    let layer: MemberLayer;
    if (m.activeDaysBefore >= LAYER_RULES.atRiskMinDaysBefore && m.messages14 === 0) layer = 'atRisk';
    else if (m.messages28 > 0 && m.messages28 >= cutoff && m.repliesReceived28 >= LAYER_RULES.coreMinRepliesReceived) layer = 'core';
    else if (m.activeDays28 >= LAYER_RULES.activeMinDays) layer = 'active';
    else if (m.messages28 > 0) layer = 'normal';
    else layer = 'lurker';
    out.set(m.memberId, layer);
  }
  return out;
}

/** One reply or mention: `from` answered or named `to`. */
export interface InteractionEdge {
  from: number;
  to: number;
  kind: 'reply' | 'mention';
}

/** A member's standing in the reply/mention graph. */
export interface LeaderFigures {
  memberId: number;
  /** 0–100: the member's rank in the graph, scaled so the strongest candidate reads 100. */
  score: number;
  /** Distinct members who replied to or mentioned this member. */
  answeredBy: number;
  /** Distinct members this member replied to or mentioned. */
  answered: number;
  repliesReceived: number;
  mentionsReceived: number;
}

export const LEADER_RULES = {
  /** A candidate was replied to or mentioned by at least this many distinct members. */
  minAnsweredBy: 2,
  damping: 0.85,
  iterations: 30,
} as const;

/**
 * Opinion-leader candidates from the reply/mention graph, strongest first: a PageRank
 * over the distinct "who answered or named whom" pairs (self-edges dropped, each pair
 * counted once however often it happened), so a member answered by many members — and
 * by members who are answered themselves — ranks above one who only posts a lot.
 * Only members answered by ≥ 2 distinct members are candidates; ties go to more
 * distinct answerers, then more members answered, then the smaller id.
 */
export function opinionLeaders(edges: readonly InteractionEdge[], limit = 10): LeaderFigures[] {
  const pairs = new Map<number, Set<number>>(); // from → distinct to
  const figures = new Map<number, { answeredBy: Set<number>; answered: Set<number>; repliesReceived: number; mentionsReceived: number }>();
  const fig = (id: number) => {
    let f = figures.get(id);
    if (!f) figures.set(id, (f = { answeredBy: new Set(), answered: new Set(), repliesReceived: 0, mentionsReceived: 0 }));
    return f;
  };
  for (const e of edges) {
    if (e.from === e.to) continue;
    const to = fig(e.to);
    const from = fig(e.from);
    to.answeredBy.add(e.from);
    from.answered.add(e.to);
    if (e.kind === 'reply') to.repliesReceived++;
    else to.mentionsReceived++;
    let out = pairs.get(e.from);
    if (!out) pairs.set(e.from, (out = new Set()));
    out.add(e.to);
  }
  const nodes = [...figures.keys()];
  if (nodes.length === 0) return [];
  const n = nodes.length;
  const { damping, iterations } = LEADER_RULES;
  let rank = new Map(nodes.map((id) => [id, 1 / n]));
  for (let i = 0; i < iterations; i++) {
    // a member who answered nobody passes their rank to everyone alike
    let dangling = 0;
    for (const id of nodes) if (!pairs.has(id)) dangling += rank.get(id)!;
    const next = new Map(nodes.map((id) => [id, (1 - damping) / n + (damping * dangling) / n]));
    for (const [from, tos] of pairs) {
      const share = (damping * rank.get(from)!) / tos.size;
      for (const to of tos) next.set(to, next.get(to)! + share);
    }
    rank = next;
  }
  const ranked = nodes
    .filter((id) => figures.get(id)!.answeredBy.size >= LEADER_RULES.minAnsweredBy)
    .sort((a, b) => rank.get(b)! - rank.get(a)! || figures.get(b)!.answeredBy.size - figures.get(a)!.answeredBy.size || figures.get(b)!.answered.size - figures.get(a)!.answered.size || a - b)
    .slice(0, limit);
  const top = ranked.length > 0 ? rank.get(ranked[0]!)! : 1;
  return ranked.map((id) => {
    const f = figures.get(id)!;
    return {
      memberId: id,
      score: Math.round((rank.get(id)! / top) * 100),
      answeredBy: f.answeredBy.size,
      answered: f.answered.size,
      repliesReceived: f.repliesReceived,
      mentionsReceived: f.mentionsReceived,
    };
  });
}

import { describe, expect, it } from 'vitest';
import { assignLayers, opinionLeaders, type InteractionEdge, type LayerInput } from '../src/health/member-layers.js';

const member = (memberId: number, f: Partial<LayerInput> = {}): LayerInput => ({ memberId, messages28: 0, activeDays28: 0, repliesReceived28: 0, activeDaysBefore: 0, messages14: 0, ...f });

describe('member layers', () => {
  it('reaches every layer by its rule, the first matching rule winning', () => {
    // 19 speakers: the top 5% is one member (the busiest)
    const others = Array.from({ length: 14 }, (_, i) => member(100 + i, { messages28: 2, activeDays28: 2, messages14: 1 }));
    const layers = assignLayers([
      member(1, { messages28: 90, activeDays28: 20, repliesReceived28: 5, messages14: 40 }), // core
      member(2, { messages28: 40, activeDays28: 12, repliesReceived28: 9, messages14: 20 }), // answered a lot but not top 5%: active
      member(3, { messages28: 8, activeDays28: 8, messages14: 4 }), // active: a message on 8 of 28 days
      member(4, { messages28: 7, activeDays28: 7, messages14: 3 }), // one day short: normal
      member(5, {}), // present, no message in 28 days: lurker
      member(6, { activeDaysBefore: 6, messages28: 3, activeDays28: 1, messages14: 0 }), // was active, quiet for 14 days: at risk
      ...others,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((id) => layers.get(id))).toEqual(['core', 'active', 'active', 'normal', 'lurker', 'atRisk']);
    expect(others.every((m) => layers.get(m.memberId) === 'normal')).toBe(true);
  });

  it('keeps the busiest poster out of core when nobody answers them, and a member who spoke in the last 14 days out of at risk', () => {
    const layers = assignLayers([
      member(1, { messages28: 200, activeDays28: 28, repliesReceived28: 2, messages14: 100 }),
      member(2, { messages28: 1, activeDays28: 1, activeDaysBefore: 10, messages14: 1 }),
      member(3, { activeDaysBefore: 3 }), // active on only 3 of days 29–56: a lurker, not at risk
    ]);
    expect(layers.get(1)).toBe('active');
    expect(layers.get(2)).toBe('normal');
    expect(layers.get(3)).toBe('lurker');
  });
});

describe('opinion-leader candidates', () => {
  it('ranks a member answered by many above one who only posts a lot, and leaves out whom fewer than two answered', () => {
    const edges: InteractionEdge[] = [];
    // 1 is answered by five different members
    for (const from of [3, 4, 5, 6, 7]) edges.push({ from, to: 1, kind: 'reply' });
    // 2 posts a lot and is answered forty times, but only ever by 3 and 4
    for (let i = 0; i < 20; i++) edges.push({ from: 3, to: 2, kind: 'reply' }, { from: 4, to: 2, kind: 'mention' });
    // 1 answers 3; 8 answers themself (dropped) and is named once by 5
    edges.push({ from: 1, to: 3, kind: 'reply' }, { from: 8, to: 8, kind: 'reply' }, { from: 5, to: 8, kind: 'mention' });
    const leaders = opinionLeaders(edges);
    expect(leaders.map((c) => c.memberId)).toEqual([1, 2]);
    expect(leaders[0]).toEqual({ memberId: 1, score: 100, answeredBy: 5, answered: 1, repliesReceived: 5, mentionsReceived: 0 });
    expect(leaders[1]).toMatchObject({ memberId: 2, answeredBy: 2, answered: 0, repliesReceived: 20, mentionsReceived: 20 });
    expect(leaders[1]!.score).toBeLessThan(100);
  });

  it('has no candidates without replies or mentions', () => {
    expect(opinionLeaders([])).toEqual([]);
  });
});

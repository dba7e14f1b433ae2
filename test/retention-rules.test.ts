import { describe, expect, it } from 'vitest';
import { type CleanupCandidate, cleanupCounts, cleanupList } from '../src/health/cleanup-list.js';
import { type CohortStay, cohortTable, isoWeek, mergeCohortTables, weekStartOf } from '../src/health/cohorts.js';

/**
 * Weeks of March 2026 (Mondays 2, 9, 16), judged on Wednesday the 18th:
 * m1 joins on the 2nd and stays, speaking in weeks 0 and 1; m2 joins on the 4th and is
 * gone on the 6th; m3 joins on Sunday the 8th, leaves on the 11th and is back on the
 * 17th, speaking then; m4 (through a "moments" code) and m7 (no code) join in the
 * second week, m4 speaking on the 18th; m5 joined in February and leaves on the 12th;
 * m6 joins on the 16th through "moments".
 */
const stays: CohortStay[] = [
  { memberId: 1, joinDay: '2026-03-02', leftDay: null, channel: null },
  { memberId: 2, joinDay: '2026-03-04', leftDay: '2026-03-06', channel: null },
  { memberId: 3, joinDay: '2026-03-08', leftDay: '2026-03-11', channel: null },
  { memberId: 3, joinDay: '2026-03-17', leftDay: null, channel: 'moments' },
  { memberId: 4, joinDay: '2026-03-10', leftDay: null, channel: 'moments' },
  { memberId: 5, joinDay: '2026-02-20', leftDay: '2026-03-12', channel: null },
  { memberId: 6, joinDay: '2026-03-16', leftDay: null, channel: 'moments' },
  { memberId: 7, joinDay: '2026-03-11', leftDay: null, channel: null },
];
const speakingDays = new Map<number, string[]>([
  [1, ['2026-03-03', '2026-03-10']],
  [3, ['2026-03-17']],
  [4, ['2026-03-18']],
  [5, ['2026-02-25', '2026-03-03']],
]);

describe('retention cohorts', () => {
  it('labels ISO weeks by their Thursday’s year', () => {
    expect(weekStartOf('2026-03-08')).toBe('2026-03-02');
    expect(isoWeek('2026-03-02')).toBe('2026-W10');
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
  });

  it('follows each join week’s members: still in the group at each week’s end, and speaking in it', () => {
    const table = cohortTable({ stays, speakingDays, asOf: '2026-03-18', weeks: 3 });
    expect(table.cohorts.map((c) => [c.week, c.size])).toEqual([
      ['2026-W10', 3],
      ['2026-W11', 2],
      ['2026-W12', 1],
    ]);
    const [w10, w11, w12] = table.cohorts;
    // m2 left in week 0; m3 was gone at the end of week 1 and back in week 2
    expect(w10!.cells.map((c) => [c.retained, c.active, c.partial])).toEqual([
      [2, 1, false],
      [1, 1, false],
      [2, 1, true],
    ]);
    expect(w10!.cells[0]).toMatchObject({ retainedShare: 0.6667, activeShare: 0.3333 });
    expect(w11!.cells.map((c) => [c.retained, c.active])).toEqual([
      [2, 0],
      [2, 1],
    ]);
    expect(w12!.cells).toHaveLength(1);
    // m5 joined before the weeks shown: in no cohort
    expect(table.cohorts.reduce((n, c) => n + c.size, 0)).toBe(6);
  });

  it('splits a join week by the channel of the code the first join named', () => {
    const table = cohortTable({ stays, speakingDays, asOf: '2026-03-18', weeks: 3, by: 'channel' });
    expect(table.cohorts.map((c) => [c.week, c.channel, c.size])).toEqual([
      ['2026-W10', null, 3],
      ['2026-W11', 'moments', 1],
      ['2026-W11', null, 1],
      ['2026-W12', 'moments', 1],
    ]);
  });

  it('counts churn per week: in the group during the week and gone at its end', () => {
    const { churn } = cohortTable({ stays, speakingDays, asOf: '2026-03-18', weeks: 3 });
    expect(churn.map((w) => [w.week, w.members, w.joins, w.leaves, w.churned, w.churn, w.partial])).toEqual([
      ['2026-W10', 4, 3, 1, 1, 0.25, false],
      ['2026-W11', 5, 2, 2, 2, 0.4, false],
      ['2026-W12', 5, 2, 0, 0, 0, true],
    ]);
  });

  it('adds groups together for the workspace, shares recomputed from the sums', () => {
    const one = cohortTable({ stays, speakingDays, asOf: '2026-03-18', weeks: 3 });
    const both = mergeCohortTables([one, one], '2026-03-18', 3, 'week');
    expect(both.cohorts[0]).toMatchObject({ week: '2026-W10', size: 6 });
    expect(both.cohorts[0]!.cells[0]).toMatchObject({ retained: 4, retainedShare: 0.6667 });
    expect(both.churn[1]).toMatchObject({ members: 10, churned: 4, churn: 0.4 });
  });
});

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12);
const member = (memberId: number, over: Partial<CleanupCandidate> = {}): CleanupCandidate => ({
  memberId,
  displayName: `M${memberId}`,
  joinedAt: NOW - 200 * DAY,
  lastMessageAt: NOW - DAY,
  enforcements: [],
  spamHits: [],
  staff: false,
  dismissedUntil: null,
  ...over,
});

describe('the cleanup list', () => {
  const candidates: CleanupCandidate[] = [
    member(1, { lastMessageAt: null, joinedAt: NOW - 100 * DAY }), // joined 100 days ago, never spoke
    member(2, { lastMessageAt: NOW - 89 * DAY }), // 89 days: not yet
    member(3, { lastMessageAt: NOW - 90 * DAY }), // exactly 90 days
    member(4, { lastMessageAt: null, staff: true }), // staff: never
    member(5, { lastMessageAt: null, dismissedUntil: NOW + DAY }), // dismissed, still off the list
    member(6, { lastMessageAt: null, dismissedUntil: NOW - DAY }), // dismissal over
    member(7, {
      enforcements: [
        { violation: 'link', at: NOW - 5 * DAY },
        { violation: 'link', at: NOW - 40 * DAY },
      ],
    }), // two in the period
    member(8, {
      enforcements: [
        { violation: 'link', at: NOW - 5 * DAY },
        { violation: 'flood', at: NOW - 100 * DAY },
      ],
    }), // one in the period
    member(9, { spamHits: [{ score: 0.97, at: NOW - 2 * DAY }], lastMessageAt: NOW - 120 * DAY }), // ad and silent
    member(10, { lastMessageAt: NOW - 300 * DAY, joinedAt: NOW - 10 * DAY }), // spoke in an earlier stay, back 10 days ago
  ];

  it('lists ad suspects, repeated rule breakers and the silent, never staff or the dismissed, with their figures', () => {
    const list = cleanupList(candidates, NOW);
    expect(list.map((e) => [e.memberId, e.reasons])).toEqual([
      [9, ['adSuspect', 'silent']],
      [7, ['ruleBreaker']],
      [6, ['silent']],
      [1, ['silent']],
      [3, ['silent']],
    ]);
    expect(list[0]!.evidence).toEqual({ adSuspect: { spamHits: 1, topScore: 0.97, lastAt: NOW - 2 * DAY }, silent: { days: 120, lastMessageAt: NOW - 120 * DAY, joinedAt: NOW - 200 * DAY } });
    expect(list[1]!.evidence.ruleBreaker).toEqual({ enforcements: 2, violations: { link: 2 }, lastAt: NOW - 5 * DAY });
    expect(list.find((e) => e.memberId === 1)!.evidence.silent).toMatchObject({ days: 100, lastMessageAt: null });
    expect(cleanupCounts(list)).toEqual({ adSuspect: 1, ruleBreaker: 1, silent: 4 });
  });

  it('takes its thresholds from the criteria', () => {
    const list = cleanupList(candidates, NOW, { silentDays: 30, periodDays: 120, minEnforcements: 2, minSpamHits: 2 });
    const ids = list.map((e) => e.memberId);
    expect(ids).toContain(2); // 89 days silent ≥ 30
    expect(ids).toContain(8); // both enforcements inside 120 days
    expect(list.find((e) => e.memberId === 9)!.reasons).toEqual(['silent']); // one hit < 2
    expect(ids).not.toContain(10); // back 10 days ago
  });
});

/**
 * Retention cohorts and churn of one group (or several added together), by ISO join
 * week. Pure: stays and speaking days come in as calendar days of the group's time
 * zone, the figures go out. Definitions: docs/metrics.md ("Retention cohorts").
 */

import type { ChurnWeek, Cohort, CohortCell, CohortTable } from '../shared/retention-records.js';

/** One stay of a member in the group, its days in the group's time zone. */
export interface CohortStay {
  memberId: number;
  /** The day the stay began. */
  joinDay: string;
  /** The day it ended, or null while the member is still there. */
  leftDay: string | null;
  /** The channel of the growth code the member joined through, or null when the join named none. */
  channel: string | null;
}

export type { ChurnWeek, Cohort, CohortCell, CohortTable } from '../shared/retention-records.js';

const DAY_MS = 86_400_000;
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const share = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 10_000) / 10_000);

/** The Monday of the ISO week a day falls in. */
export function weekStartOf(day: string): string {
  const ms = toMs(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return toDay(ms - weekday * DAY_MS);
}

/**
 * The ISO week label (`YYYY-Www`) of a day: weeks begin on Monday and belong to the
 * year that holds their Thursday.
 *
 * @example isoWeek('2026-01-01') // '2026-W01'
 */
export function isoWeek(day: string): string {
  const thursday = toMs(weekStartOf(day)) + 3 * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Whether a member with these stays is in the group at the end of `day`. */
function presentAtEnd(stays: readonly CohortStay[], day: string): boolean {
  return stays.some((s) => s.joinDay <= day && (s.leftDay === null || s.leftDay > day));
}

/**
 * The cohorts of the `weeks` ISO weeks ending with the week of `asOf`: each member is
 * in the cohort of the week their first stay began (earlier members in none), and, by
 * channel, in that stay's channel. For week k after the join week (up to the week of
 * `asOf`), `retained` counts those in the group at its end (a member who left and came
 * back counts again) and `active` those with a message in it. Churn per week: members
 * in the group at some time in the week who were not at its end.
 *
 * @example cohortTable({ stays: [{ memberId: 1, joinDay: '2026-03-02', leftDay: null, channel: null }], speakingDays: new Map(), asOf: '2026-03-04', weeks: 1 }).cohorts[0].cells[0].retained // 1
 */
export function cohortTable(input: {
  stays: readonly CohortStay[];
  /** Each member's days with a message in the group. */
  speakingDays: ReadonlyMap<number, readonly string[]>;
  asOf: string;
  weeks: number;
  by?: 'week' | 'channel';
}): CohortTable {
  const by = input.by ?? 'week';
  const lastWeek = weekStartOf(input.asOf);
  const weekStarts = Array.from({ length: input.weeks }, (_, i) => toDay(toMs(lastWeek) - (input.weeks - 1 - i) * 7 * DAY_MS));
  const firstWeek = weekStarts[0]!;
  // the end of week k as judged: its Sunday, or the day judged for the week still running
  const weekEnd = (start: string) => {
    const sunday = toDay(toMs(start) + 6 * DAY_MS);
    // days compare as strings
    if (sunday < input.asOf) return sunday;
    return input.asOf;
  };

  const staysOf = new Map<number, CohortStay[]>();
  for (const s of input.stays) {
    if (s.joinDay > input.asOf) continue;
    let list = staysOf.get(s.memberId);
    if (!list) staysOf.set(s.memberId, (list = []));
    list.push(s);
  }
  const activeWeeks = new Map<number, Set<string>>();
  for (const [memberId, days] of input.speakingDays) {
    const set = new Set<string>();
    for (const d of days) if (d >= firstWeek && d <= input.asOf) set.add(weekStartOf(d));
    activeWeeks.set(memberId, set);
  }

  // cohort key → members
  const groups = new Map<string, { weekStart: string; channel: string | null; members: number[] }>();
  for (const [memberId, stays] of staysOf) {
    stays.sort((a, b) => a.joinDay.localeCompare(b.joinDay));
    const first = stays[0]!;
    const weekStart = weekStartOf(first.joinDay);
    if (weekStart < firstWeek) continue;
    const channel = by === 'channel' ? first.channel : null;
    const key = `${weekStart}\u0000${channel ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { weekStart, channel, members: [] }));
    g.members.push(memberId);
  }

  const cohorts: Cohort[] = [...groups.values()]
    .sort((a, b) => a.weekStart.localeCompare(b.weekStart) || (a.channel === null ? 1 : 0) - (b.channel === null ? 1 : 0) || (a.channel ?? '').localeCompare(b.channel ?? ''))
    .map((g) => {
      const cells: CohortCell[] = [];
      for (let k = 0; ; k++) {
        const start = toDay(toMs(g.weekStart) + k * 7 * DAY_MS);
        if (start > lastWeek || k >= input.weeks) break;
        const end = weekEnd(start);
        let retained = 0;
        let active = 0;
        for (const id of g.members) {
          if (presentAtEnd(staysOf.get(id)!, end)) retained++;
          if (activeWeeks.get(id)?.has(start)) active++;
        }
        const size = g.members.length;
        cells.push({ week: k, retained, retainedShare: share(retained, size), active, activeShare: share(active, size), partial: start === lastWeek && end < toDay(toMs(start) + 6 * DAY_MS) });
      }
      return { week: isoWeek(g.weekStart), weekStart: g.weekStart, ...(by === 'channel' ? { channel: g.channel } : {}), size: g.members.length, cells };
    });

  const churn: ChurnWeek[] = weekStarts.map((start) => {
    const sunday = toDay(toMs(start) + 6 * DAY_MS);
    const end = weekEnd(start);
    let members = 0;
    let churned = 0;
    let joins = 0;
    let leaves = 0;
    for (const stays of staysOf.values()) {
      let during = false;
      for (const s of stays) {
        if (s.joinDay >= start && s.joinDay <= sunday) joins++;
        if (s.leftDay !== null && s.leftDay >= start && s.leftDay <= end) leaves++;
        if (s.joinDay <= end && (s.leftDay === null || s.leftDay >= start)) during = true;
      }
      if (!during) continue;
      members++;
      if (!presentAtEnd(stays, end)) churned++;
    }
    return { week: isoWeek(start), weekStart: start, members, joins, leaves, churned, churn: share(churned, members), partial: end < sunday };
  });

  return { asOf: input.asOf, weeks: input.weeks, by, cohorts, churn };
}

/**
 * Several groups' cohort tables (same `asOf`, `weeks` and `by`) as one, for the
 * workspace: a member's first stay in each group counts in that group's cohort, so the
 * sums count member–group pairs; shares are recomputed from the sums.
 */
export function mergeCohortTables(tables: readonly CohortTable[], asOf: string, weeks: number, by: 'week' | 'channel'): CohortTable {
  const cohorts = new Map<string, Cohort>();
  const churn = new Map<string, ChurnWeek>();
  for (const t of tables) {
    for (const c of t.cohorts) {
      const key = `${c.weekStart}\u0000${c.channel ?? ''}`;
      const into = cohorts.get(key);
      if (!into) {
        cohorts.set(key, { ...c, cells: c.cells.map((cell) => ({ ...cell })) });
        continue;
      }
      into.size += c.size;
      for (const cell of c.cells) {
        const target = into.cells[cell.week];
        if (!target) into.cells[cell.week] = { ...cell };
        else {
          target.retained += cell.retained;
          target.active += cell.active;
        }
      }
    }
    for (const w of t.churn) {
      const into = churn.get(w.weekStart);
      if (!into) churn.set(w.weekStart, { ...w });
      else {
        into.members += w.members;
        into.joins += w.joins;
        into.leaves += w.leaves;
        into.churned += w.churned;
      }
    }
  }
  const list = [...cohorts.values()].sort(
    (a, b) => a.weekStart.localeCompare(b.weekStart) || ((a.channel ?? null) === null ? 1 : 0) - ((b.channel ?? null) === null ? 1 : 0) || (a.channel ?? '').localeCompare(b.channel ?? ''),
  );
  for (const c of list) for (const cell of c.cells) Object.assign(cell, { retainedShare: share(cell.retained, c.size), activeShare: share(cell.active, c.size) });
  const weeksList = [...churn.values()].sort((a, b) => a.weekStart.localeCompare(b.weekStart)).map((w) => ({ ...w, churn: share(w.churned, w.members) }));
  return { asOf, weeks, by, cohorts: list, churn: weeksList };
}

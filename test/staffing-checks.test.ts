import { describe, expect, it } from 'vitest';
import { type StaffingFigures, staffingChecks } from '../src/groups/staffing-checks.js';

/** A group where only the check under test can fire: enough opinion leaders, active enough to need no extras. */
const staffed = (figures: Partial<StaffingFigures> & { members: number }): StaffingFigures => ({
  activeMembers: 50,
  ...figures,
  roles: { opinion_leader: Math.round(figures.members / 10), administrator: 3, ...figures.roles },
});
const checks = (figures: StaffingFigures) => staffingChecks(figures).map((f) => f.check);

describe('staffing checks from the seeds', () => {
  it('allows 3 official operation accounts per started hundred members, and flags the fourth', () => {
    expect(checks(staffed({ members: 100, roles: { official: 3 } }))).toEqual([]);
    const [finding] = staffingChecks(staffed({ members: 100, roles: { official: 4 } }));
    expect(finding).toMatchObject({ check: 'too_many_official', have: 4, want: 3 });
    expect(finding!.fix).toContain('at most 3 official operation accounts');
    // 101 members is a second hundred started: 6 are fine, 7 are not.
    expect(checks(staffed({ members: 101, roles: { official: 6 } }))).toEqual([]);
    expect(checks(staffed({ members: 101, roles: { official: 7 } }))).toEqual(['too_many_official']);
  });

  it('asks for 3 administrators only above 200 members', () => {
    expect(checks(staffed({ members: 200, roles: { administrator: 0 } }))).toEqual([]);
    const [finding] = staffingChecks(staffed({ members: 201, roles: { administrator: 1 } }));
    expect(finding).toMatchObject({ check: 'too_few_administrators', have: 1, want: 3 });
    expect(finding!.fix).toContain('appoint 2 more');
    expect(checks(staffed({ members: 201, roles: { administrator: 3 } }))).toEqual([]);
  });

  it('wants opinion leaders at about 10% of the members: under 5% or over 15% is a finding', () => {
    expect(checks(staffed({ members: 100, roles: { opinion_leader: 5 } }))).toEqual([]);
    expect(staffingChecks(staffed({ members: 100, roles: { opinion_leader: 4 } }))).toEqual([
      { check: 'too_few_opinion_leaders', have: 4, want: 10, fix: 'name about 10 opinion leaders (10% of 100 members) among the most respected speakers' },
    ]);
    expect(checks(staffed({ members: 100, roles: { opinion_leader: 15 } }))).toEqual([]);
    expect(checks(staffed({ members: 100, roles: { opinion_leader: 16 } }))).toEqual(['too_many_opinion_leaders']);
    // Below 10 members 10% is less than one person: nothing to ask.
    expect(checks(staffed({ members: 9, roles: { opinion_leader: 0 } }))).toEqual([]);
    expect(checks(staffed({ members: 10, roles: { opinion_leader: 0 } }))).toEqual(['too_few_opinion_leaders']);
  });

  it('keeps extras until more than 10 members are active, then lets them step back', () => {
    expect(checks(staffed({ members: 40, activeMembers: 10, roles: { extra: 0 } }))).toEqual(['extras_needed']);
    expect(checks(staffed({ members: 40, activeMembers: 10, roles: { extra: 2 } }))).toEqual([]);
    expect(checks(staffed({ members: 40, activeMembers: 11, roles: { extra: 0 } }))).toEqual([]);
    expect(staffingChecks(staffed({ members: 40, activeMembers: 11, roles: { extra: 2 } }))).toEqual([
      { check: 'extras_no_longer_needed', have: 2, want: 0, fix: '11 members are active: the 2 extras can step back' },
    ]);
    // An empty group has nobody to talk to yet.
    expect(checks({ members: 0, activeMembers: 0, roles: {} })).toEqual([]);
  });

  it('reports every problem of a badly staffed big group at once', () => {
    expect(checks({ members: 250, activeMembers: 5, roles: { official: 10 } })).toEqual(['too_many_official', 'too_few_administrators', 'too_few_opinion_leaders', 'extras_needed']);
  });
});

/** The member layers the API serves (GET /api/groups/:id/layers); definitions in docs/metrics.md ("Member layers"). */
export type MemberLayer = 'core' | 'active' | 'normal' | 'atRisk' | 'lurker';

export const MEMBER_LAYERS: readonly MemberLayer[] = ['core', 'active', 'normal', 'atRisk', 'lurker'];

export interface LayerMemberRecord {
  memberId: number;
  displayName: string;
  layer: MemberLayer;
  messages28: number;
  activeDays28: number;
  repliesReceived28: number;
  activeDaysBefore: number;
  lastSeenAt: string | null;
}

export interface LeaderCandidateRecord {
  memberId: number;
  displayName: string;
  layer: MemberLayer | null;
  score: number;
  answeredBy: number;
  answered: number;
  repliesReceived: number;
  mentionsReceived: number;
}

export interface GroupLayersRecord {
  group: { id: number; name: string; timezone: string };
  asOf: string;
  counts: Record<MemberLayer, number>;
  members: Record<MemberLayer, LayerMemberRecord[]>;
  candidates: LeaderCandidateRecord[];
}

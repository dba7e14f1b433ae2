/**
 * Group votes as the API answers them (GET /api/votes, GET /api/votes/:id; the CLI shows
 * the same) and the dashboard reads them (src/activation/votes,
 * src/server/routes/vote-routes.ts): one definition for both.
 */

export type VoteLanguage = 'zh' | 'en';

export type CloseReason = 'deadline' | 'operator' | 'vetoed';

export interface OptionResult {
  /** 1-based, as members vote. */
  index: number;
  text: string;
  count: number;
  /** Whole percent of the ballots (0 with no ballots). */
  percent: number;
}

/** A vote as the API, the CLI and the dashboard show it. */
export interface VoteView {
  id: number;
  groupId: number;
  groupName: string;
  question: string;
  options: OptionResult[];
  anonymous: boolean;
  language: VoteLanguage;
  deadline: string;
  /** Past its deadline, closed by hand, or vetoed while open. */
  closed: boolean;
  closeReason: CloseReason | null;
  /** Whether the results post has been planned. */
  resultsPosted: boolean;
  vetoed: { at: string; by: string; memberId: number | null; reason: string } | null;
  voters: number;
  createdBy: string;
  createdAt: string;
  /** Who voted for what; null for an anonymous vote (and in lists). */
  ballots: { member: { id: number; name: string }; option: number; changes: number }[] | null;
}

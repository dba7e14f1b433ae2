import { request } from '../api-client.js';

/** A vote as the API serves it (GET /api/votes, GET /api/votes/:id). */
export interface VoteRecord {
  id: number;
  groupId: number;
  groupName: string;
  question: string;
  options: { index: number; text: string; count: number; percent: number }[];
  anonymous: boolean;
  language: 'zh' | 'en';
  deadline: string;
  closed: boolean;
  closeReason: 'deadline' | 'operator' | 'vetoed' | null;
  resultsPosted: boolean;
  vetoed: { at: string; by: string; memberId: number | null; reason: string } | null;
  voters: number;
  createdBy: string;
  createdAt: string;
  /** Who voted for what; null for an anonymous vote and in lists. */
  ballots: { member: { id: number; name: string }; option: number; changes: number }[] | null;
}

export interface NewVoteInput {
  groupId: number;
  question: string;
  options: string[];
  until?: string;
  anonymous?: boolean;
}

/** A group's votes, newest first, with their tallies. */
export function fetchGroupVotes(groupId: number, signal?: AbortSignal): Promise<{ votes: VoteRecord[] }> {
  return request('GET', `/api/votes?group=${groupId}`, undefined, signal);
}

/** One vote with its tally and, unless anonymous, its ballots. */
export function fetchVote(id: number, signal?: AbortSignal): Promise<VoteRecord> {
  return request('GET', `/api/votes/${id}`, undefined, signal);
}

/** Starts a vote; the bot posts it in the group. */
export function startVote(input: NewVoteInput): Promise<VoteRecord> {
  return request('POST', '/api/votes', input);
}

/** Closes a vote now; the bot posts the results. */
export function closeVote(id: number): Promise<VoteRecord> {
  return request('POST', `/api/votes/${id}/close`, {});
}

/** Vetoes a vote, open or closed; the bot posts the results marked vetoed. */
export function vetoVote(id: number, reason: string): Promise<VoteRecord> {
  return request('POST', `/api/votes/${id}/veto`, { reason });
}

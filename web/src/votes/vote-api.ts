import type { VoteView } from '../../../src/shared/vote-records.js';
import { request } from '../api-client.js';

/** A vote as the API serves it (GET /api/votes, GET /api/votes/:id). */
export type VoteRecord = VoteView;

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

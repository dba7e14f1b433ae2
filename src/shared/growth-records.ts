/**
 * The growth codes as the API answers them and the dashboard reads them
 * (src/growth/, web/src/pages/growth-page.tsx): one definition for both.
 */

/** Something the operator should do about a live code. */
export type LiveCodeWarning =
  | { kind: 'create_next_group'; groupId: number; members: number; capacity: number }
  | { kind: 'series_full'; capacity: number }
  | { kind: 'qr_missing'; groupId: number }
  | { kind: 'qr_expiring'; groupId: number; expiresAt: number }
  | { kind: 'qr_expired'; groupId: number; expiredAt: number };

/** A group of a code, with how full it is and how many came through the code. */
export interface CodeGroupStatus {
  id: number;
  name: string;
  platform: string;
  members: number;
  capacity: number | null;
  joins: number;
  qrUploadedAt: number | null;
}

/** Everything the operator sees about a code. */
export interface CodeStatus {
  id: number;
  code: string;
  kind: 'invite' | 'live';
  name: string;
  campaign: string | null;
  channel: string | null;
  inviterMemberId: number | null;
  scans: number;
  /** Distinct members who joined a group of the code through it. */
  joins: number;
  quantity: number | null;
  /** What an invitation code with a limited quantity has left; null when unlimited. */
  remaining: number | null;
  capacity: number | null;
  expiresAt: number | null;
  createdAt: number;
  /** Why a scan finds nothing to join now, or null. */
  closed: 'expired' | 'used_up' | null;
  current: { id: number; name: string; platform: string };
  groups: CodeGroupStatus[];
  warnings: LiveCodeWarning[];
}

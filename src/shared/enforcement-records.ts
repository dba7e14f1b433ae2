/** One enforcement as the API sends it (src/enforcement/enforcement-store.ts) and the dashboard reads it. */
export interface EnforcementRecord {
  id: number;
  groupId: number;
  groupName: string;
  platform: string;
  memberId: number;
  memberName: string | null;
  /** spam, flood, repeat, link, qr, contact, keyword, banned_rejoin. */
  violation: string;
  /** What was seen: phone-number, wechat-id, the keyword matched… */
  reasons: string[];
  /** The ladder step taken, 1-based as an operator counts. */
  step: number;
  stepKind: 'warn' | 'mute' | 'remove' | 'ban';
  stepSeconds: number | null;
  /** Counts toward the ladder (a ban carried out again on a rejoin does not). */
  strike: boolean;
  /** The evidence: the message's text (blank for a join). */
  text: string;
  messageId: string | null;
  /** The action types planned, fallbacks included. */
  planned: string[];
  /** What ran instead where the platform lacked the step's capability, or null. */
  fallback: string | null;
  /** The groups acted in (a ban: every group of the workspace the member was in). */
  groupIds: number[];
  status: 'active' | 'undone';
  createdAt: number;
  /** When the strike stops counting. */
  expiresAt: number;
  undoneAt: number | null;
  undoneBy: string | null;
}

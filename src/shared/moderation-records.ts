/** One item of the moderation queue as the API sends it (src/antispam/moderation-queue.ts) and the dashboard reads it. */
export interface ModerationRecord {
  id: number;
  groupId: number;
  groupName: string;
  platform: string;
  memberId: number | null;
  memberName: string | null;
  messageId: string;
  text: string;
  score: number;
  reasons: string[];
  planned: string[];
  status: 'pending' | 'approved' | 'dismissed';
  createdAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
}

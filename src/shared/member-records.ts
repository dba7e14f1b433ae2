/** What the members directory's API sends and the dashboard reads, defined once. */

/** One identity of a member: who they are on one platform. */
export interface MemberIdentityRecord {
  platform: string;
  displayName: string;
  username: string | null;
}

/** A member in the directory's list: who, where, and how much they take part (in the caller's groups). */
export interface MemberListRecord {
  id: number;
  displayName: string;
  isBot: boolean;
  /** ISO time; set once their personal data was erased (the name is then a pseudonym). */
  erasedAt: string | null;
  firstSeenAt: string;
  identities: MemberIdentityRecord[];
  /** Groups they are in now. */
  groups: number;
  messages: number;
  /** Their last message, ISO, or null. */
  lastSeenAt: string | null;
}

/** One page of a directory search; `nextCursor` asks for the next page, null on the last. */
export interface MemberSearchPage {
  members: MemberListRecord[];
  nextCursor: string | null;
}

/** One stay of a member in a group: joined, and left (or null while still there). */
export interface MemberStayRecord {
  group: { id: number; name: string; platform: string };
  joinedAt: string;
  leftAt: string | null;
  leftReason: 'left' | 'removed' | null;
  joinMethod: string | null;
}

/** A member's figures in one group (docs/metrics.md, "Per member"). */
export interface MemberGroupFiguresRecord {
  group: { id: number; name: string };
  messages: number;
  activeDays: number;
  repliesGiven: number;
  repliesReceived: number;
  reactions: number;
  lastSeenAt: string | null;
}

/** One member opened: identities, stays and figures, in the caller's groups. */
export interface MemberDetailRecord {
  member: Omit<MemberListRecord, 'groups' | 'messages' | 'lastSeenAt' | 'identities'>;
  identities: (MemberIdentityRecord & { externalId: string })[];
  stays: MemberStayRecord[];
  figures: MemberGroupFiguresRecord[];
  totals: { messages: number; activeDays: number; lastSeenAt: string | null };
}

/** Two members on different platforms who are likely one person, and why. */
export interface LinkSuggestionRecord {
  memberId: number;
  otherMemberId: number;
  names: [string, string];
  platforms: [string, string];
  score: number;
  /** Codes: `same username`, `same display name`. */
  reasons: string[];
}

/** A chain sign-up (接龙) as the API serves it (GET /api/chains/:id). */
export interface ChainRecord {
  id: number;
  groupId: number;
  title: string;
  quota: number | null;
  taken: number;
  deadline: string | null;
  closed: boolean;
  closeReason: 'full' | 'deadline' | 'operator' | null;
  language: 'zh' | 'en';
  entries: { member: { id: number; name: string }; quantity: number; note: string | null }[];
}

/** A chain in a list (GET /api/groups/:id/chains). */
export interface ChainSummary {
  id: number;
  groupId: number;
  groupName: string;
  title: string;
  quota: number | null;
  taken: number;
  entries: number;
  deadline: string | null;
  closed: boolean;
  closeReason: ChainRecord['closeReason'];
  createdAt: string;
}

export interface NewChainInput {
  title: string;
  quota?: number | null;
  until?: string | null;
}

export const chainExportHref = (id: number) => `/api/chains/${id}/export.csv`;

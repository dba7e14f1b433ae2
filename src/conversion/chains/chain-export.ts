import { entryLine, type ChainView } from './chain-list.js';

const COLUMNS = ['position', 'member_id', 'member', 'quantity', 'note'] as const;

/**
 * A chain's entries as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs read
 * Chinese correctly), in sign-up order, with the total last. Cells a spreadsheet would
 * run as a formula are prefixed with `'`.
 */
export function chainCsv(chain: ChainView): string {
  const cell = (value: unknown): string => {
    let s = value === null || value === undefined ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [COLUMNS.join(',')];
  chain.entries.forEach((e, i) => lines.push([i + 1, e.member.id, e.member.name, e.quantity, e.note].map(cell).join(',')));
  lines.push(['total', '', '', chain.taken, ''].map(cell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** A chain's entries as the numbered lines the bot posts (the plain-text export). */
export function chainText(chain: ChainView): string {
  return chain.entries.map((e, i) => `${i + 1}. ${entryLine(e)}`).join('\n');
}

/** The JSON `hearth chain show --json` and the API give: entries with their member as id and name. */
export function chainJson(chain: ChainView) {
  return {
    id: chain.id,
    groupId: chain.groupId,
    title: chain.title,
    quota: chain.quota,
    taken: chain.taken,
    deadline: chain.deadline === null ? null : new Date(chain.deadline).toISOString(),
    closed: chain.closed,
    closeReason: chain.closeReason,
    language: chain.language,
    entries: chain.entries.map((e) => ({ member: e.member, quantity: e.quantity, note: e.note })),
  };
}

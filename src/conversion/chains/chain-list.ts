/**
 * Pure: a chain's list, the bot's words in the group's language, and the rhythm of
 * the list's reposts.
 */

export type ChainLanguage = 'zh' | 'en';

export interface ChainEntryView {
  member: { id: number; name: string };
  quantity: number;
  note: string | null;
}

export interface ChainView {
  id: number;
  groupId: number;
  title: string;
  /** Units on offer (boxes, seats, places); null: no limit. */
  quota: number | null;
  /** Epoch ms; null: open until closed by hand or by the quota. */
  deadline: number | null;
  closed: boolean;
  closeReason: 'full' | 'deadline' | 'operator' | null;
  /** Units signed up for. */
  taken: number;
  language: ChainLanguage;
  entries: ChainEntryView[];
}

/**
 * The bot posts the list at most once in this window: a change after a quiet window is
 * posted at once; changes inside the window are gathered and posted together when it
 * ends (by the chains' sweep, which runs every minute); the final list is posted at once
 * when the chain closes. A busy group sees the list every 3 to 4 minutes, not after
 * every "+1".
 */
export const REPOST_WINDOW_MS = 3 * 60_000;

/** When the list should be posted after a change: now, or (a gathered repost) at the end of the window the last post opened. */
export function repostDue(lastPostAt: number | null, now: number, closing: boolean): number {
  if (closing || lastPostAt === null || now - lastPostAt >= REPOST_WINDOW_MS) return now;
  return lastPostAt + REPOST_WINDOW_MS;
}

const HAN = /\p{Script=Han}/u;

/** The language the bot speaks in a group: Chinese where its name (or the chain's title) is written in Chinese. */
export function languageOf(groupName: string, title = ''): ChainLanguage {
  return HAN.test(groupName) || HAN.test(title) ? 'zh' : 'en';
}

/** One entry as a line of the list, without its number: "Ann ×2 red bean". */
export function entryLine(entry: ChainEntryView): string {
  return `${entry.member.name}${entry.quantity !== 1 ? ` ×${entry.quantity}` : ''}${entry.note ? ` ${entry.note}` : ''}`;
}

function when(at: number, language: ChainLanguage, timezone: string): string {
  return new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: timezone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(at),
  );
}

/** The list as the bot posts it: header, count, every entry in order, how to join. */
export function renderList(chain: ChainView, timezone = 'UTC'): string {
  const zh = chain.language === 'zh';
  const count = chain.quota === null ? `${chain.taken}` : `${chain.taken}/${chain.quota}`;
  const state = chain.closed ? (zh ? (chain.closeReason === 'full' ? '（已满，接龙结束）' : '（接龙已结束）') : chain.closeReason === 'full' ? ' (full, closed)' : ' (closed)') : '';
  const lines = [zh ? `#接龙 ${chain.title}${state}` : `#Chain ${chain.title}${state}`];
  lines.push(zh ? `已接 ${count} 份，${chain.entries.length} 人` : `${count} taken by ${chain.entries.length} ${chain.entries.length === 1 ? 'member' : 'members'}`);
  if (chain.deadline !== null && !chain.closed) lines.push(zh ? `截止 ${when(chain.deadline, 'zh', timezone)}` : `until ${when(chain.deadline, 'en', timezone)}`);
  lines.push('');
  chain.entries.forEach((e, i) => lines.push(`${i + 1}. ${entryLine(e)}`));
  if (!chain.closed) {
    if (chain.entries.length > 0) lines.push('');
    lines.push(zh ? '回复 +1 接龙（+1 ×2 备注 / -1 取消）' : 'Reply +1 to join (+1 ×2 note / -1 to withdraw)');
  }
  return lines.join('\n');
}

/** The reply to a sign-up the chain cannot take. */
export function fullReply(language: ChainLanguage, name: string): string {
  return language === 'zh' ? `@${name} 已满，接龙已结束` : `@${name} Sorry, the chain is full`;
}

export function closedReply(language: ChainLanguage, name: string): string {
  return language === 'zh' ? `@${name} 接龙已截止` : `@${name} Sorry, the chain has closed`;
}

/** The reply to a sign-up granted in part: fewer units were left than asked for. */
export function partialReply(language: ChainLanguage, name: string, granted: number, asked: number): string {
  return language === 'zh'
    ? `@${name} 只剩 ${granted} 份，已为你登记 ${granted} 份（你要了 ${asked} 份），接龙已满`
    : `@${name} Only ${granted} left: you are down for ${granted} of the ${asked} you asked for, and the chain is now full`;
}

/** The quantity a member's new line can have: all of it, part of it (what is left), or none. */
export function grantable(quota: number | null, taken: number, current: number, asked: number): number {
  if (quota === null) return asked;
  const free = quota - (taken - current);
  return Math.max(0, Math.min(asked, free));
}

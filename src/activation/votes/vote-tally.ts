/**
 * Pure: a vote's counts and percentages, the text bars, the bot's posts (the rolling
 * tally, the results, the replies) in the group's language, and the tally's rhythm.
 */

import type { OptionResult, VoteLanguage } from '../../shared/vote-records.js';

export type { OptionResult, VoteLanguage } from '../../shared/vote-records.js';

/** What the posts are written from. */
export interface VotePost {
  id: number;
  question: string;
  options: readonly string[];
  /** Ballots per option, in the options' order. */
  counts: readonly number[];
  anonymous: boolean;
  language: VoteLanguage;
  /** Epoch ms. */
  deadline: number;
  closed: boolean;
  /** `byInitiator`: a member of the group holding the initiator role; else an operator. */
  vetoed: { by: string; reason: string; byInitiator: boolean } | null;
}

/**
 * The tally is posted at most once in this window: a ballot after a quiet window
 * shows at once, ballots inside it are gathered into one repost at its end (the sweep,
 * every minute). A busy group sees the tally every 5 to 6 minutes, not a message per vote.
 */
export const TALLY_WINDOW_MS = 5 * 60_000;
/** The text bar's width in characters. */
export const BAR_WIDTH = 10;

/** When the tally should be posted after a ballot: now, or at the end of the window the last post opened. */
export function tallyDue(lastPostAt: number | null, now: number): number {
  if (lastPostAt === null || now - lastPostAt >= TALLY_WINDOW_MS) return now;
  return lastPostAt + TALLY_WINDOW_MS;
}

/** Counts per option from each ballot's 1-based option; ballots naming no option are left out. */
export function countBallots(optionCount: number, ballots: readonly number[]): number[] {
  const counts = new Array<number>(optionCount).fill(0);
  for (const b of ballots) if (Number.isInteger(b) && b >= 1 && b <= optionCount) counts[b - 1]!++;
  return counts;
}

/**
 * Each option's count and whole percent. Percentages are rounded by largest remainder,
 * so they add up to exactly 100 when anyone voted.
 */
export function results(options: readonly string[], counts: readonly number[]): OptionResult[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((c) => (total === 0 ? 0 : (c * 100) / total));
  const percents = exact.map(Math.floor);
  let left = total === 0 ? 0 : 100 - percents.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    percents[i]!++;
    left--;
  }
  return options.map((text, i) => ({ index: i + 1, text, count: counts[i] ?? 0, percent: percents[i] ?? 0 }));
}

/** A text bar of {@link BAR_WIDTH} cells, filled in proportion to `percent`: "████░░░░░░". */
export function bar(percent: number): string {
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round((percent * BAR_WIDTH) / 100)));
  return '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
}

function when(at: number, language: VoteLanguage, timezone: string): string {
  return new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: timezone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(at),
  );
}

function lines(post: VotePost): string[] {
  const zh = post.language === 'zh';
  return results(post.options, post.counts).map((r) => `${r.index}. ${r.text}  ${bar(r.percent)} ${r.count}${zh ? ' 票' : ''} ${r.percent}%`);
}

const voters = (post: VotePost) => post.counts.reduce((a, b) => a + b, 0);

/** The opening post and the rolling tally while the vote is open: question, bars, how to vote, the deadline. */
export function renderTally(post: VotePost, timezone = 'UTC'): string {
  const zh = post.language === 'zh';
  const n = voters(post);
  const out = [zh ? `#投票 ${post.id} ${post.question}${post.anonymous ? '（匿名）' : ''}` : `#Vote ${post.id} ${post.question}${post.anonymous ? ' (anonymous)' : ''}`, ...lines(post)];
  out.push(zh ? `已有 ${n} 人投票 · 截止 ${when(post.deadline, 'zh', timezone)}` : `${n} ${n === 1 ? 'vote' : 'votes'} so far · closes ${when(post.deadline, 'en', timezone)}`);
  out.push(zh ? '回复序号投票（如 1 或 投1），截止前可改投' : 'Reply with a number to vote (1, or vote 1); you may change it until the deadline');
  return out.join('\n');
}

/** The results post: counts, percentages, bars, the winner (or a tie), and the veto when there was one. */
export function renderResults(post: VotePost): string {
  const zh = post.language === 'zh';
  const n = voters(post);
  const vetoed = post.vetoed !== null;
  const out = [zh ? `#投票结果 ${post.id} ${post.question}${vetoed ? '（已被否决）' : ''}` : `#Vote results ${post.id} ${post.question}${vetoed ? ' (vetoed)' : ''}`, ...lines(post)];
  out.push(zh ? `共 ${n} 人投票` : `${n} ${n === 1 ? 'vote' : 'votes'} in all`);
  if (post.vetoed) {
    const reason = post.vetoed.reason === '' ? '' : zh ? `：${post.vetoed.reason}` : `: ${post.vetoed.reason}`;
    const who = post.vetoed.byInitiator ? (zh ? `发起人 ${post.vetoed.by}` : `the initiator ${post.vetoed.by}`) : post.vetoed.by;
    out.push(zh ? `${who} 行使否决权${reason}，本次投票结果无效` : `Vetoed by ${who}${reason}. The result does not stand.`);
  } else if (n > 0) {
    const top = Math.max(...post.counts);
    const leaders = post.options.filter((_, i) => post.counts[i] === top);
    out.push(leaders.length === 1 ? (zh ? `结果：${leaders[0]}` : `Result: ${leaders[0]}`) : zh ? `平票：${leaders.join('、')}` : `Tie: ${leaders.join(', ')}`);
  }
  return out.join('\n');
}

/** The bot's short answers to members. */
export const replies = {
  changed: (l: VoteLanguage, name: string, option: string | null) =>
    l === 'zh' ? `@${name} 已改投${option ? `：${option}` : ''}（截止前仍可更改）` : `@${name} Your vote is changed${option ? ` to ${option}` : ''} (you may change it until the deadline)`,
  closed: (l: VoteLanguage, name: string) => (l === 'zh' ? `@${name} 投票已截止` : `@${name} Sorry, this vote has closed`),
  noOption: (l: VoteLanguage, name: string, n: number, count: number) => (l === 'zh' ? `@${name} 没有选项 ${n}，请回复 1 到 ${count}` : `@${name} There is no option ${n}: reply 1 to ${count}`),
  noVote: (l: VoteLanguage, name: string) => (l === 'zh' ? `@${name} 本群没有进行中的投票` : `@${name} There is no open vote in this group`),
  notStarter: (l: VoteLanguage, name: string) =>
    l === 'zh' ? `@${name} 只有本群的发起人、群主或管理员可以发起投票` : `@${name} Only the group's initiators, owner or administrators may start a vote`,
  notInitiator: (l: VoteLanguage, name: string) => (l === 'zh' ? `@${name} 只有本群的发起人可以否决投票` : `@${name} Only the group's initiators may veto a vote`),
  alreadyVetoed: (l: VoteLanguage, name: string, id: number) => (l === 'zh' ? `@${name} 投票 ${id} 已被否决` : `@${name} Vote ${id} has already been vetoed`),
  usage: (l: VoteLanguage, name: string) =>
    l === 'zh'
      ? `@${name} 发起投票：/vote 问题 | 选项A | 选项B（2–10 个选项，可加 | 2h 设截止，| 匿名）`
      : `@${name} To start a vote: /vote question | option A | option B (2–10 options; add | 2h for the deadline, | anonymous)`,
};

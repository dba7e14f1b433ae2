/**
 * Pure: what a group message says to Hearth's votes. The syntax, as members and
 * initiators write it (full-width forms read the same; docs/activation.md has it all):
 *
 * - start (an initiator, an owner or an administrator of the group):
 *   `/vote 周末去哪？ | 爬山 | 看电影 | 2h | 匿名` — the question, then 2–10 options,
 *   separated by `|`; optional trailing settings: a duration (`30m`, `2h`, `3d`,
 *   `30分钟`, `2小时`, `3天`; default 24 hours) and `匿名` / `anonymous`.
 * - vote (any member, while the vote is open; a later vote changes one's ballot):
 *   `1`, `投1`, `投 2`, `投票 2`, `vote 2`, `/vote 2`, `/vote #12 2` (a vote other than
 *   the group's latest), or an option's exact text.
 * - veto (the group's initiator, before or after the vote closes):
 *   `/veto 12 不符合群规`, `/veto #12 reason`, `否决 12 理由`; without an id, the
 *   group's latest vote.
 */

export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;
export const MAX_QUESTION = 200;
export const MAX_OPTION = 100;
export const MAX_REASON = 300;
export const DEFAULT_DURATION_MS = 24 * 3600_000;
export const MAX_DURATION_MS = 30 * 24 * 3600_000;

export type VoteMessage =
  /** An initiator starts a vote; `problem` set when the command is malformed (answered with the syntax). */
  | { kind: 'start'; question: string; options: string[]; durationMs: number; anonymous: boolean }
  | { kind: 'start-invalid'; problem: string }
  /** A ballot by number (1-based); `explicit`: written as a command, so a wrong number is answered. */
  | { kind: 'cast'; option: number; voteId: number | null; explicit: boolean }
  | { kind: 'veto'; voteId: number | null; reason: string };

/** Control characters out, runs of spaces made one, trimmed; the text as written otherwise. */
export function tidy(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** How an option's text is compared with a message: tidied and case-folded. */
export function optionKey(text: string): string {
  return tidy(text.normalize('NFKC')).toLowerCase();
}

const DURATION = /^(\d{1,4})\s*(m|min|mins|minutes?|分钟|分|h|hr|hrs|hours?|小时|时|d|days?|天)$/i;
const ANONYMOUS = /^(匿名|anonymous|anon)$/i;
const BARE_NUMBER = /^(?:(?:投票?|vote)\s*)?(\d{1,2})$/i;
const VOTE_COMMAND = /^\/vote(?:@\w+)?(?:\s+(.*))?$/is;
const VETO_COMMAND = /^(?:\/veto(?:@\w+)?|否决)(?:\s+(.*))?$/is;
const START_WORD = /^投票\s+(.*[|｜].*)$/s;

/** A duration setting ("30m", "2小时", "3d") in ms; null: not a duration. */
export function readDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  const ms = unit.startsWith('m') || unit.startsWith('分') ? 60_000 : unit.startsWith('h') || unit.includes('时') ? 3600_000 : 24 * 3600_000;
  return n * ms;
}

/** The question, options and settings of "question | A | B [| 2h] [| 匿名]". */
export function readStart(body: string): VoteMessage {
  const parts = body.split(/[|｜]/).map((p) => tidy(p));
  let durationMs = DEFAULT_DURATION_MS;
  let anonymous = false;
  while (parts.length > 0) {
    const last = parts[parts.length - 1]!;
    const duration = readDuration(last);
    if (duration !== null) {
      if (duration < 60_000 || duration > MAX_DURATION_MS) return { kind: 'start-invalid', problem: 'duration' };
      durationMs = duration;
    } else if (ANONYMOUS.test(last)) anonymous = true;
    else if (last !== '') break;
    parts.pop();
  }
  const [question = '', ...options] = parts;
  if (question === '') return { kind: 'start-invalid', problem: 'question' };
  if (question.length > MAX_QUESTION) return { kind: 'start-invalid', problem: 'question' };
  const kept = options.filter((o) => o !== '');
  if (kept.length < MIN_OPTIONS || kept.length > MAX_OPTIONS) return { kind: 'start-invalid', problem: 'options' };
  if (kept.some((o) => o.length > MAX_OPTION)) return { kind: 'start-invalid', problem: 'options' };
  if (new Set(kept.map(optionKey)).size !== kept.length) return { kind: 'start-invalid', problem: 'duplicate' };
  return { kind: 'start', question, options: kept, durationMs, anonymous };
}

function voteIdOf(token: string | undefined): number | null {
  const m = token ? /^#?(\d{1,9})$/.exec(token) : null;
  return m ? Number(m[1]) : null;
}

/**
 * Whether a message could be meant for a vote, read with no allocation beyond a
 * trim: a short number ("1", "投2", "vote 3"), or a word a vote command starts with.
 * Ingest asks this of every message, so anything else is settled here.
 */
export function mayBeVoteMessage(text: string | undefined): boolean {
  if (!text) return false;
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const c = text.charCodeAt(i);
  // '/', '／', a digit, a full-width digit, 投, 否, v, V.
  return c === 47 || c === 0xff0f || (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19) || c === 0x6295 || c === 0x5426 || c === 118 || c === 86;
}

/**
 * A vote message, or null for anything else (ordinary chat, other commands). A
 * message naming an option by its text is not read here: it depends on the votes open
 * in the group ({@link matchOption}).
 */
export function parseVoteMessage(text: string): VoteMessage | null {
  if (!mayBeVoteMessage(text) || text.length > 2000) return null;
  const line = tidy(text);
  // Full-width digits, letters and slashes read as their ASCII forms; a start keeps the text as written.
  const folded = line.normalize('NFKC');
  const bare = BARE_NUMBER.exec(folded);
  if (bare) return { kind: 'cast', option: Number(bare[1]), voteId: null, explicit: false };
  const command = VOTE_COMMAND.exec(line) ?? VOTE_COMMAND.exec(folded);
  if (command) {
    const args = (command[1] ?? '').trim();
    if (/[|｜]/.test(args)) return readStart(args);
    const tokens = args.normalize('NFKC').split(' ');
    if (tokens.length === 1 && /^\d{1,2}$/.test(tokens[0]!)) return { kind: 'cast', option: Number(tokens[0]), voteId: null, explicit: true };
    if (tokens.length === 2 && tokens[0]!.startsWith('#') && voteIdOf(tokens[0]) !== null && /^\d{1,2}$/.test(tokens[1]!))
      return { kind: 'cast', option: Number(tokens[1]), voteId: voteIdOf(tokens[0]), explicit: true };
    return { kind: 'start-invalid', problem: args === '' ? 'usage' : 'options' };
  }
  const start = START_WORD.exec(line);
  if (start) return readStart(start[1]!);
  const veto = VETO_COMMAND.exec(line) ?? VETO_COMMAND.exec(folded);
  if (veto) {
    const args = (veto[1] ?? '').trim();
    const [first, ...rest] = args.split(' ');
    const id = voteIdOf(first);
    const reason = (id !== null ? rest.join(' ') : args).trim().slice(0, MAX_REASON);
    return { kind: 'veto', voteId: id, reason };
  }
  return null;
}

/** The 1-based option a message names by its exact text (case and width aside); null: none. */
export function matchOption(text: string, options: readonly string[]): number | null {
  if (text.length > MAX_OPTION * 2) return null;
  const key = optionKey(text);
  const i = options.findIndex((o) => optionKey(o) === key);
  return i < 0 ? null : i + 1;
}

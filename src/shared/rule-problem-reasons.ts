/**
 * The words of a rule problem's reason, written once for the server (which stores the
 * English sentence: it is the problem's stable key, one row per distinct mistake) and
 * read back by the dashboard, which says the same thing in the operator's language.
 */

/** What a rule problem's reason says, in parts a translation can use. */
export type RuleProblemReason =
  | { kind: 'too_long'; action: string; fallback: boolean; max: number; platform: string | null }
  | { kind: 'needs_capability'; action: string; missing: string[]; platform: string; instead: FallbackOutcome }
  | { kind: 'other'; text: string };

/** What was planned instead of an action the platform cannot do. */
export type FallbackOutcome = 'removed' | 'plain_message' | 'alert';

const OUTCOME_WORDS: Record<FallbackOutcome, string> = {
  removed: 'removed the member instead',
  plain_message: 'sent a plain message instead',
  alert: 'alerted the operator to do it by hand',
};

/** @example tooLongReason(2000, 'wechat') // 'message text longer than 2000 characters (the limit on wechat)' */
export function tooLongReason(max: number, platform: string | null): string {
  return `message text longer than ${max} characters${platform === null ? '' : ` (the limit on ${platform})`}`;
}

/** @example needsCapabilityReason('mute_member', ['mute'], 'wechat', 'alert') // 'mute_member needs mute, which wechat cannot do: alerted the operator to do it by hand' */
export function needsCapabilityReason(action: string, missing: readonly string[], platform: string, instead: FallbackOutcome): string {
  return `${action} needs ${missing.join(' and ')}, which ${platform} cannot do: ${OUTCOME_WORDS[instead]}`;
}

const TOO_LONG = /^([a-z_]+)( \(fallback\))?: message text longer than (\d+) characters(?: \(the limit on ([^)]+)\))?$/;
const NEEDS = /^([a-z_]+) needs ([a-z_]+(?: and [a-z_]+)*), which (.+) cannot do: (.+)$/;

/**
 * Reads a stored reason back into its parts; a reason written some other way (a
 * schema message) comes back as `other`, to be shown as it is.
 *
 * @example readRuleProblemReason('send_message: message text longer than 4096 characters') // { kind: 'too_long', action: 'send_message', fallback: false, max: 4096, platform: null }
 */
export function readRuleProblemReason(reason: string): RuleProblemReason {
  const long = TOO_LONG.exec(reason);
  if (long) return { kind: 'too_long', action: long[1] as string, fallback: long[2] !== undefined, max: Number(long[3]), platform: long[4] ?? null };
  const needs = NEEDS.exec(reason);
  if (needs) {
    const instead = (Object.keys(OUTCOME_WORDS) as FallbackOutcome[]).find((k) => OUTCOME_WORDS[k] === needs[4]);
    if (instead) return { kind: 'needs_capability', action: needs[1] as string, missing: (needs[2] as string).split(' and '), platform: needs[3] as string, instead };
  }
  return { kind: 'other', text: reason };
}

/**
 * Questions and their first response, from a group's messages in time order.
 * Definitions: docs/metrics.md ("Questions and first response").
 */

/** One message as the health figures read it. */
export interface HealthMessage {
  at: number;
  memberId: number | null;
  messageId: string;
  text: string;
  replyTo: string | null;
}

export interface AnsweredQuestion {
  askedAt: number;
  /** Minutes from the question to its first response, or null when none came within the window. */
  responseMinutes: number | null;
}

/** How long a question waits for its first response before it counts as unanswered. */
export const RESPONSE_WINDOW_MS = 24 * 3_600_000;

const TRAILING_PARTICLE = /(吗|呢|么|嗎)[\s~～。.!！…]*$/u;

/** A question: text holding `?` or `？`, or ending with the particle 吗, 呢 or 么 (traditional 嗎). */
export function isQuestion(text: string): boolean {
  const t = text.trim();
  if (t.length === 0) return false;
  return t.includes('?') || t.includes('？') || TRAILING_PARTICLE.test(t);
}

/**
 * Each question's first response: the earliest later message, within 24 hours, by
 * someone other than the asker that either replies to the question or replies to
 * nothing (a plain message in the flow). Replies to other messages answer something else.
 * `messages` must be in time order.
 */
export function firstResponses(messages: readonly HealthMessage[]): AnsweredQuestion[] {
  const out: AnsweredQuestion[] = [];
  const open: { q: HealthMessage; result: AnsweredQuestion }[] = [];
  for (const m of messages) {
    // close what this message answers, dropping questions whose window has passed
    for (let i = 0; i < open.length; ) {
      const { q, result } = open[i]!;
      if (m.at - q.at > RESPONSE_WINDOW_MS) {
        open.splice(i, 1);
        continue;
      }
      // a bot's message (no member) answers nothing
      const other = m.memberId !== null && m.memberId !== q.memberId;
      if (other && (m.replyTo === null || m.replyTo === q.messageId)) {
        result.responseMinutes = Math.max(0, Math.round((m.at - q.at) / 60_000));
        open.splice(i, 1);
        continue;
      }
      i++;
    }
    if (m.memberId !== null && isQuestion(m.text)) {
      const result: AnsweredQuestion = { askedAt: m.at, responseMinutes: null };
      out.push(result);
      open.push({ q: m, result });
    }
  }
  return out;
}

/** The median of some numbers (mean of the middle two for an even count), or null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A member's question still without a first response. */
export interface OpenQuestion {
  askedAt: number;
  memberId: number;
  messageId: string;
  text: string;
}

/**
 * Questions asked at least `waitMinutes` before `now` (and within the response window)
 * that no message up to `now` has answered, by the rules of `firstResponses`.
 * `messages` must be in time order and end at `now`.
 */
export function unansweredQuestions(messages: readonly HealthMessage[], now: number, waitMinutes: number): OpenQuestion[] {
  const asked = messages.filter((m) => m.memberId !== null && isQuestion(m.text));
  const results = firstResponses(messages);
  const open: OpenQuestion[] = [];
  results.forEach((result, i) => {
    const q = asked[i]!;
    const waited = now - q.at;
    if (result.responseMinutes === null && waited >= waitMinutes * 60_000 && waited <= RESPONSE_WINDOW_MS) open.push({ askedAt: q.at, memberId: q.memberId!, messageId: q.messageId, text: q.text });
  });
  return open;
}

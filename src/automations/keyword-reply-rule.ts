import { z } from 'zod';
import type { Middleware } from '../core/composer.js';
import { KEYWORD_REPLY_DEFAULTS, type KeywordReplyConfig, MAX_TEMPLATE_LENGTH, type ReplyValues } from '../shared/automation-defaults.js';
import { fillTemplate } from '../shared/fill-template.js';

/** A stored keyword-reply config, validated, with the shared defaults filled in. */
export const keywordReplyConfigSchema = z.object({
  /** Any of these, found in a message (case-insensitive), triggers the reply. */
  keywords: z.array(z.string().min(1).max(100)).min(1).max(50),
  reply: z.string().min(1).max(MAX_TEMPLATE_LENGTH),
  /** Answer as a reply to the asking message. */
  quote: z.boolean().default(KEYWORD_REPLY_DEFAULTS.quote),
}) satisfies z.ZodType<KeywordReplyConfig>;
export type { KeywordReplyConfig };

/** Answers frequent questions so none goes unanswered: a keyword in a message → a prepared reply. */
export function keywordReplyRule(config: KeywordReplyConfig): Middleware {
  const needles = config.keywords.map((k) => k.toLowerCase());
  return (ctx, next) => {
    const { event, member, group } = ctx;
    if (event.kind === 'message' && !member.isBot && event.text) {
      const text = lowered(event.text);
      if (containsAny(text, needles)) {
        const values: ReplyValues = { name: member.displayName, group: group.name };
        ctx.act('keyword-reply', {
          type: 'send_message',
          groupId: group.id,
          text: fillTemplate(config.reply, values),
          ...(config.quote ? { replyTo: event.messageId } : {}),
        });
      }
    }
    next();
  };
}

// A workspace has many keyword rules and each reads the same message: the lower-cased
// text of the last message seen is kept, so it is made once per message, not per rule.
let lastText = '';
let lastLowered = '';

function lowered(text: string): string {
  if (text !== lastText) {
    lastText = text;
    lastLowered = text.toLowerCase();
  }
  return lastLowered;
}

function containsAny(text: string, needles: readonly string[]): boolean {
  for (let i = 0; i < needles.length; i++) if (text.includes(needles[i]!)) return true;
  return false;
}

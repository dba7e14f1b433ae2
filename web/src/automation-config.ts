import { KEYWORD_REPLY_DEFAULTS, type KeywordReplyConfig, WELCOME_DEFAULTS, type WelcomeConfig } from '../../src/shared/automation-defaults.js';

/**
 * The automation configs the dashboard edits, with the server's defaults
 * (src/shared/automation-defaults.ts, which the server's schemas in
 * src/automations/welcome-rule.ts and keyword-reply-rule.ts fill in too). The server
 * stays the judge of what is valid: the forms send what the operator typed and show
 * its 400 message.
 */

export type { KeywordReplyConfig, WelcomeConfig };

function record(config: unknown): Record<string, unknown> {
  return config && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : {};
}

/** A stored welcome config with the server's defaults filled in. */
export function welcomeConfigOf(config: unknown): WelcomeConfig {
  const c = record(config);
  return {
    template: typeof c.template === 'string' ? c.template : WELCOME_DEFAULTS.template,
    delaySeconds: typeof c.delaySeconds === 'number' ? c.delaySeconds : WELCOME_DEFAULTS.delaySeconds,
    firstJoinOnly: typeof c.firstJoinOnly === 'boolean' ? c.firstJoinOnly : WELCOME_DEFAULTS.firstJoinOnly,
    mention: typeof c.mention === 'boolean' ? c.mention : WELCOME_DEFAULTS.mention,
  };
}

/** A stored keyword-reply config with the server's defaults filled in. */
export function keywordReplyConfigOf(config: unknown): KeywordReplyConfig {
  const c = record(config);
  return {
    keywords: Array.isArray(c.keywords) ? c.keywords.filter((k): k is string => typeof k === 'string') : [],
    reply: typeof c.reply === 'string' ? c.reply : '',
    quote: typeof c.quote === 'boolean' ? c.quote : KEYWORD_REPLY_DEFAULTS.quote,
  };
}

/**
 * The delay field as the API takes it: a number when the text is one, else the text
 * itself, so the server's 400 names the field instead of the form guessing.
 */
export function delayValue(text: string): number | string {
  const trimmed = text.trim();
  if (trimmed === '') return text;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : text;
}

/** Keywords typed one per line: blank lines and surrounding spaces dropped. */
export function keywordsFromText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

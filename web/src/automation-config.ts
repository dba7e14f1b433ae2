/**
 * The automation configs the dashboard edits, mirroring the server's schemas
 * (src/automations/welcome-rule.ts, keyword-reply-rule.ts). The server stays the judge
 * of what is valid: the forms send what the operator typed and show its 400 message.
 */

/** The welcome message: placeholders {name} the newcomer, {group} the group, {count} members now. */
export interface WelcomeConfig {
  template: string;
  /** 0–3600. */
  delaySeconds: number;
  firstJoinOnly: boolean;
  mention: boolean;
}

/** A keyword reply: any keyword found in a message (case-insensitive) triggers the reply. */
export interface KeywordReplyConfig {
  keywords: string[];
  reply: string;
  quote: boolean;
}

/** The server's default welcome template (a rule stored without one gets it). */
export const DEFAULT_WELCOME_TEMPLATE = 'Welcome {name} to {group}! Please read the group rules and introduce yourself.';

/** The placeholders a welcome template may use, in the order the form offers them. */
export const WELCOME_PLACEHOLDERS = ['name', 'group', 'count'] as const;

/** The placeholders a keyword reply may use. */
export const REPLY_PLACEHOLDERS = ['name', 'group'] as const;

function record(config: unknown): Record<string, unknown> {
  return config && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : {};
}

/** A stored welcome config with the server's defaults filled in. */
export function welcomeConfigOf(config: unknown): WelcomeConfig {
  const c = record(config);
  return {
    template: typeof c.template === 'string' ? c.template : DEFAULT_WELCOME_TEMPLATE,
    delaySeconds: typeof c.delaySeconds === 'number' ? c.delaySeconds : 0,
    firstJoinOnly: typeof c.firstJoinOnly === 'boolean' ? c.firstJoinOnly : true,
    mention: typeof c.mention === 'boolean' ? c.mention : true,
  };
}

/** A stored keyword-reply config with the server's defaults filled in. */
export function keywordReplyConfigOf(config: unknown): KeywordReplyConfig {
  const c = record(config);
  return {
    keywords: Array.isArray(c.keywords) ? c.keywords.filter((k): k is string => typeof k === 'string') : [],
    reply: typeof c.reply === 'string' ? c.reply : '',
    quote: typeof c.quote === 'boolean' ? c.quote : true,
  };
}

/**
 * Fills `{name}`-style placeholders as the server does: unknown ones stay as written.
 * The result is plain text; render it as a React child (a text node), never as HTML.
 */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? String(values[key]) : whole));
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

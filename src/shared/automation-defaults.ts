/**
 * What an operator's automations start from, for the server (the config schemas fill
 * a stored config's missing fields with these, a new workspace gets the welcome) and
 * the dashboard (its forms show a stored config the way the server will run it).
 * One copy, so the two never disagree about a default.
 */

/** A welcome's settings, as the server runs them and the dashboard edits them. */
export interface WelcomeConfig {
  /** Placeholders: {name} the newcomer, {group} the group, {count} members now. */
  template: string;
  /** Seconds to wait before welcoming (0 to {@link MAX_WELCOME_DELAY_SECONDS}), so the join settles first. */
  delaySeconds: number;
  /** Greet only a member's first join, not every return. */
  firstJoinOnly: boolean;
  /** Mention the newcomer so the platform notifies them. */
  mention: boolean;
}

/** A keyword reply's settings: any keyword found in a message (case-insensitive) triggers the reply. */
export interface KeywordReplyConfig {
  keywords: string[];
  /** Placeholders: {name} the asking member, {group} the group. */
  reply: string;
  /** Answer as a reply to the asking message. */
  quote: boolean;
}

/** The welcome every new workspace starts with, and what a welcome stored without a text sends. */
export const DEFAULT_WELCOME_TEMPLATE = 'Welcome {name} to {group}! Please read the group rules and introduce yourself: where you are, what you do, what you enjoy.';

/** A welcome's settings when its stored config leaves them out. */
export const WELCOME_DEFAULTS: Readonly<WelcomeConfig> = {
  template: DEFAULT_WELCOME_TEMPLATE,
  /** Greet at once. */
  delaySeconds: 0,
  /** Greet a member's first join only, not every return. */
  firstJoinOnly: true,
  /** Mention the newcomer, so the platform notifies them. */
  mention: true,
};

/** A keyword reply's settings when its stored config leaves them out. */
export const KEYWORD_REPLY_DEFAULTS: Readonly<Pick<KeywordReplyConfig, 'quote'>> = {
  /** Answer as a reply to the asking message. */
  quote: true,
};

/** The longest welcome delay: an hour. */
export const MAX_WELCOME_DELAY_SECONDS = 3600;

/** The longest message text an operator may write, before placeholders are filled. */
export const MAX_TEMPLATE_LENGTH = 2000;

/** The placeholders a welcome fills, in the order the dashboard offers them: the newcomer, the group, members now. */
export const WELCOME_PLACEHOLDERS = ['name', 'group', 'count'] as const;

/** The placeholders a keyword reply fills: the asking member, the group. */
export const REPLY_PLACEHOLDERS = ['name', 'group'] as const;

/** A value for every welcome placeholder: the server and the preview must both give all of them. */
export type WelcomeValues = Record<(typeof WELCOME_PLACEHOLDERS)[number], string | number>;

/** A value for every keyword-reply placeholder. */
export type ReplyValues = Record<(typeof REPLY_PLACEHOLDERS)[number], string | number>;

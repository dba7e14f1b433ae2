import { type MessageFeatures, messageFeatures } from './text-features.js';

/**
 * What a message shows on its face, read from its canonical form (so disguised
 * spellings count): contact ids, phone numbers, links, "add me" phrases. These are the
 * reasons given beside the classifier's score, and the built-in detector's rules.
 */
export type SpamSignal = 'contact-id' | 'phone-number' | 'link' | 'add-me' | 'disguised-text';

const CONTACT_ID = /(加|\+|add)?(qq|扣扣|企鹅|q|v|vx|wx|微信|薇信|威信|徽信|weixin|wechat|line|telegram|tg)[:：号]?[a-z0-9_-]{0,3}\d{5,}|(加|\+)(v|vx|wx|微信|薇信|q|qq)[a-z][a-z0-9_-]{5,}/u;
const PHONE = /(?<!\d)(1[3-9]\d{9}|\+?\d{2,3}\d{9,11})(?!\d)/u;
const LINK = /(https?:\/\/|www\.|t\.me\/|[a-z0-9-]+(\.|。|点)(com|cn|net|top|xyz|me|io|org|cc|vip|ru)(\b|\/))/u;
const ADD_ME = /(加我|私聊|私我|滴滴我|联系我|找我|要的密|需要的滴|需要的加|需要的联系|扫码|进群|入群|dm me|pm me|contact me|message me|write to me|пишите|в личку|в лс)/u;

export function spamSignals(text: string, read: MessageFeatures = messageFeatures(text)): SpamSignal[] {
  const { compact, normalized } = read;
  const found: SpamSignal[] = [];
  if (CONTACT_ID.test(compact)) found.push('contact-id');
  if (PHONE.test(compact)) found.push('phone-number');
  if (LINK.test(normalized)) found.push('link');
  if (ADD_ME.test(compact) || ADD_ME.test(normalized)) found.push('add-me');
  if (text.normalize('NFKC') !== text && /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u2460-\u24ff]/u.test(text)) found.push('disguised-text');
  return found;
}

/**
 * The built-in rules' score when no trained model is at hand: a contact id or phone
 * number together with an invitation to get in touch, or a link with one, is spam.
 */
export function ruleScore(signals: readonly SpamSignal[]): number {
  const has = (s: SpamSignal) => signals.includes(s);
  const contact = has('contact-id') || has('phone-number') || has('link');
  if (contact && has('add-me')) return 0.95;
  if (contact && has('disguised-text')) return 0.9;
  if (has('contact-id')) return 0.7;
  if (contact || has('add-me')) return 0.4;
  return 0.05;
}

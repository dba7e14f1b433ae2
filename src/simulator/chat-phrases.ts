import type { NameLocale } from './member-names.js';
import type { Rng } from './random.js';

/**
 * Lines every group uses whatever it is about: greetings, thanks, welcomes, and
 * the spam that drifts into any group with a public link. `{name}` is a display
 * name. Spam links use the reserved `.example` domain so nothing here resolves.
 */
export interface CommonPhrases {
  readonly greetings: readonly string[];
  readonly welcomes: readonly string[];
  readonly thanks: readonly string[];
  readonly acknowledgements: readonly string[];
  readonly spam: readonly string[];
  readonly spamWarnings: readonly string[];
  readonly spamNames: readonly string[];
  readonly photoCaptions: readonly string[];
}

const zh: CommonPhrases = {
  greetings: ['大家好，新人报到', '大家好，我是{name}，请多关照', 'hello 各位，刚进群', '新人求带～', '大家好，很高兴认识大家🙏', '潜水好久，出来冒个泡'],
  welcomes: ['欢迎 @{name} 入群，请先看群公告～', '欢迎新朋友 @{name}', '@{name} 欢迎欢迎，记得改下群昵称哦', '欢迎 @{name}，有问题随时问'],
  thanks: ['谢谢！', '感谢感谢', '明白了，谢谢', '好的，谢谢大佬', '学到了，感谢🙏', '懂了懂了'],
  acknowledgements: ['收到', '收到👌', '好的', '1', '报名+1', '已阅'],
  spam: [
    '兼职日结200-500，手机就能做，有意私聊 {url}',
    '免费领取新人红包，点击 {url}',
    '【内部消息】稳赚项目，带你翻身 {url}',
    '代写论文、刷单返现，详情看 {url}',
    '低价出售各类会员账号，需要的戳 {url}',
    '宝妈在家也能做的副业，每天一小时 {url}',
  ],
  spamWarnings: ['已移除，大家注意不要点陌生链接', '广告号已踢，大家提高警惕', '再次提醒：群里不允许发广告'],
  spamNames: ['兼职招聘小助手', '福利官小美', '客服-晓晓', 'VIP资源分享', '财富导师', '在线客服'],
  photoCaptions: ['', '', '看图', '如图', '[图片]'],
};

const en: CommonPhrases = {
  greetings: [
    'Hi all, new here 👋',
    'Hey everyone, I am {name}',
    'Hello! Glad to be here',
    'Hi, just joined, lurking for now',
    'Hey folks, excited to learn from you',
    'Long-time lurker, finally saying hi',
  ],
  welcomes: ['Welcome @{name}! Check the pinned rules 🙂', 'Welcome aboard @{name}', '@{name} welcome! Feel free to introduce yourself', 'Hey @{name}, glad to have you'],
  thanks: ['Thanks!', 'Thank you so much', 'Got it, thanks', 'Perfect, thanks!', 'Appreciate it 🙏', 'That helps a lot'],
  acknowledgements: ['Noted', '👍', 'Got it', 'Count me in', 'Thanks for the heads up', 'Will do'],
  spam: [
    'Earn $500/day from home!! Details here {url}',
    '🎁 Free airdrop for the first 100 people: {url}',
    'Crypto signals with 98% win rate, join now {url}',
    'Looking for friends 😘 see my profile {url}',
    'Cheap followers and likes, fast delivery {url}',
    'I made 10k last month with this one trick {url}',
  ],
  spamWarnings: ['Removed. Please don’t click unknown links', 'Spammer banned, stay safe everyone', 'Reminder: no ads in this group'],
  spamNames: ['Crypto Queen', 'Support Team', 'Lisa 💋', 'Free Gifts', 'Investment Mentor', 'Admin Helpdesk'],
  photoCaptions: ['', '', 'see pic', 'look at this', 'screenshot'],
};

/** Emoji people react with. */
export const REACTION_EMOJI: readonly string[] = ['👍', '👍', '❤️', '😂', '🎉', '🙏', '👏', '🔥', '😮', '💯', '🤝'];

/** Common phrases for `locale`. */
export function commonPhrases(locale: NameLocale): CommonPhrases {
  return locale === 'zh' ? zh : en;
}

const SPAM_HOST_WORDS = ['quick-cash', 'free-gift', 'vip-bonus', 'airdrop-claim', 'easy-earn', 'lucky-draw', 'hot-deal'];
const LINK_CHARS = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A throwaway-looking link as spammers post them. */
export function spamUrl(rng: Rng): string {
  let path = '';
  for (let i = 0; i < 6; i++) path += LINK_CHARS.charAt(rng.int(0, LINK_CHARS.length));
  return `https://${rng.pick(SPAM_HOST_WORDS)}${rng.int(1, 999)}.example/${path}`;
}

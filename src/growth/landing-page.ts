import type { Landing } from './code-landing.js';

/** The language of the public landing page, from the visitor's Accept-Language. */
export function landingLanguage(acceptLanguage: string | undefined): 'zh-CN' | 'en' {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}

const WORDS = {
  en: {
    unknown: ['This code is not known', 'Check the link or ask whoever shared it for a new one.'],
    expired: ['This code has expired', 'Ask whoever shared it for a new one.'],
    used_up: ['This invitation has been used up', 'Every place this code offered is taken. Ask whoever shared it for a new one.'],
    qr: ['Scan to join', 'Open WeChat, scan this QR code (or long-press it) to join the group.'],
    qr_unavailable: ['The group code is being renewed', 'The organizer has been asked for a fresh QR code. Please try again later.'],
    pending: ['Preparing your invitation…', 'This page will take you to the group in a moment.'],
    link_failed: ['The invitation could not be made', 'The organizer has been told. Please try again later.'],
    validUntil: 'Valid until',
    group: 'Group',
  },
  'zh-CN': {
    unknown: ['找不到这个邀请码', '请检查链接，或向分享给你的人要一个新的。'],
    expired: ['这个邀请码已过期', '请向分享给你的人要一个新的。'],
    used_up: ['这个邀请码的名额已用完', '名额已满，请向分享给你的人要一个新的邀请码。'],
    qr: ['扫码进群', '打开微信，扫描（或长按识别）下方二维码加入群聊。'],
    qr_unavailable: ['群二维码正在更新', '已提醒群主更新二维码，请稍后再试。'],
    pending: ['正在生成邀请链接…', '稍后将自动跳转到群组。'],
    link_failed: ['暂时无法生成邀请链接', '已通知群主，请稍后再试。'],
    validUntil: '有效期至',
    group: '群组',
  },
} as const;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page a visitor sees for every landing that is not a redirect; small, no scripts, readable on a phone. */
export function landingPage(landing: Exclude<Landing, { kind: 'redirect' }>, lang: 'zh-CN' | 'en'): { status: number; html: string } {
  const w = WORDS[lang];
  const [title, body] = w[landing.kind];
  const parts: string[] = [];
  if ('group' in landing) parts.push(`<p class="group">${escapeHtml(w.group)}: ${escapeHtml(landing.group)}</p>`);
  if (landing.kind === 'qr') {
    parts.push(`<img src="data:${escapeHtml(landing.mime)};base64,${landing.image}" alt="QR" width="280" height="280">`);
    parts.push(`<p class="small">${escapeHtml(w.validUntil)} ${new Date(landing.expiresAt).toISOString().slice(0, 10)}</p>`);
  }
  const refresh = landing.kind === 'pending' ? '<meta http-equiv="refresh" content="2">' : '';
  const status = landing.kind === 'unknown' ? 404 : landing.kind === 'expired' || landing.kind === 'used_up' ? 410 : 200;
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh}<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:0;padding:2rem 1rem;text-align:center;color:#1f2933;background:#f7f7f5}main{max-width:26rem;margin:0 auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}h1{font-size:1.3rem}img{max-width:100%;height:auto}.small,.group{color:#52606d;font-size:.9rem}</style></head>
<body><main data-landing="${landing.kind}"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p>${parts.join('')}</main></body></html>`;
  return { status, html };
}

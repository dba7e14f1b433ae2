import type { StepKind } from './ladder.js';
import type { Violation } from './violation-detectors.js';

/** The language members are told in: the workspace's. */
export type MemberLanguage = 'zh-CN' | 'en';

const VIOLATION_WORDS: Record<Violation, Record<MemberLanguage, string>> = {
  spam: { 'zh-CN': '发布广告/垃圾信息', en: 'Posting ads or spam' },
  flood: { 'zh-CN': '刷屏', en: 'Flooding the chat' },
  repeat: { 'zh-CN': '重复发送相同内容', en: 'Posting the same message again and again' },
  link: { 'zh-CN': '新成员发送链接', en: 'Posting links as a new member' },
  qr: { 'zh-CN': '发送二维码', en: 'Posting QR codes' },
  contact: { 'zh-CN': '留联系方式（电话、微信号、加我）', en: 'Posting contact details (phone, WeChat id, "add me")' },
  keyword: { 'zh-CN': '使用违禁词', en: 'Using a banned word' },
  banned_rejoin: { 'zh-CN': '被封禁后再次入群', en: 'Joining again after a ban' },
};

/** `3600` → "1 小时" / "1 hour"; unset: until lifted. */
export function durationWords(seconds: number | undefined, language: MemberLanguage): string {
  if (seconds === undefined) return language === 'en' ? 'until lifted' : '直到解除';
  const units: [number, string, string][] = [
    [86_400, '天', 'day'],
    [3600, '小时', 'hour'],
    [60, '分钟', 'minute'],
    [1, '秒', 'second'],
  ];
  const [size, zh, en] = units.find(([s]) => seconds % s === 0)!;
  const n = seconds / size;
  return language === 'en' ? `${n} ${en}${n === 1 ? '' : 's'}` : `${n} ${zh}`;
}

function stepWords(kind: StepKind, seconds: number | undefined, language: MemberLanguage): string {
  switch (kind) {
    case 'warn':
      return language === 'en' ? 'a warning' : '警告';
    case 'mute':
      return language === 'en' ? `muted for ${durationWords(seconds, language)}` : `禁言 ${durationWords(seconds, language)}`;
    case 'remove':
      return language === 'en' ? 'removed from this group' : '移出本群';
    case 'ban':
      return language === 'en' ? 'banned from every group of this community' : '移出并封禁（本社群所有群）';
  }
}

/**
 * What the member is told when a rule acts: the violation, the step taken, which
 * strike it is and how long strikes count, and that an operator can review it.
 *
 * @example enforcementNotice({ name: 'Li', violation: 'link', kind: 'warn', strike: 1, strikeDays: 30, language: 'en' })
 *   // '@Li Posting links as a new member is against this group's rules. Action: a warning (strike 1; strikes count for 30 days). If you think this is wrong, contact an admin.'
 */
export function enforcementNotice(n: { name: string; violation: Violation; kind: StepKind; seconds?: number; strike: number; strikeDays: number; language: MemberLanguage }): string {
  const what = VIOLATION_WORDS[n.violation][n.language];
  const step = stepWords(n.kind, n.seconds, n.language);
  if (n.violation === 'banned_rejoin') {
    return n.language === 'en' ? `@${n.name} you are banned from this community and were removed from this group.` : `@${n.name} 你已被本社群封禁，已移出本群。`;
  }
  return n.language === 'en'
    ? `@${n.name} ${what} is against this group's rules. Action: ${step} (strike ${n.strike}; strikes count for ${n.strikeDays} days). If you think this is wrong, contact an admin.`
    : `@${n.name} ${what}违反群规。处理：${step}（第 ${n.strike} 次违规，${n.strikeDays} 天内累计）。如有异议请联系管理员。`;
}

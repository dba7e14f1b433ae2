import { readRuleProblemReason } from '../../src/shared/rule-problem-reasons.js';
import { type I18n, labelOrId, platformLabel } from './i18n.js';

/** A rule problem's reason in the operator's language; a reason of no known form is shown as stored. */
export function ruleProblemReasonText(t: I18n['t'], reason: string): string {
  const read = readRuleProblemReason(reason);
  if (read.kind === 'other') return read.text;
  const plain = labelOrId(t, 'action', read.action);
  if (read.kind === 'too_long') {
    const action = read.fallback ? t('problems.reason.asFallback', { action: plain }) : plain;
    return read.platform === null ? t('problems.reason.tooLong', { action, max: read.max }) : t('problems.reason.tooLongOn', { action, max: read.max, platform: platformLabel(t, read.platform) });
  }
  return t('problems.reason.needs', {
    action: plain,
    missing: read.missing.map((c) => labelOrId(t, 'capability', c)).join(t('problems.reason.and')),
    platform: platformLabel(t, read.platform),
    instead: t(`problems.instead.${read.instead}`),
  });
}

/** A rule problem's detail; "5000 characters" is said in the operator's language, anything else as stored. */
export function ruleProblemDetailText(t: I18n['t'], detail: string): string {
  const count = /^(\d+) characters$/.exec(detail);
  return count ? t('problems.detail.characters', { count: Number(count[1]) }) : detail;
}

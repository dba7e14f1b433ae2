import { useState } from 'react';
import type { Workspace } from '../api-client.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { type I18n, labelOrId, platformLabel, useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { ruleProblemReasonText } from '../rule-problem-text.js';
import { useResource } from '../use-resource.js';
import { type EnforcementRecord, fetchEnforcements, undoEnforcement } from './enforcement-api.js';

type Status = 'active' | 'undone' | 'all';
const STATUSES: readonly Status[] = ['all', 'active', 'undone'];
const REFRESH_MS = 30_000;
const WARNED_ONLY = /^mute_member needs mute, which (.+) cannot do: warned only/;

/** A step as an operator reads it: "2 · mute 1 h". */
function stepText(t: I18n['t'], e: EnforcementRecord): string {
  const kind = t(`enforcement.step.${e.stepKind}` as MessageKey);
  if (e.stepSeconds === null) return `${e.step} · ${kind}`;
  const s = e.stepSeconds;
  const span = s % 86_400 === 0 ? t('enforcement.days', { n: s / 86_400 }) : s % 3600 === 0 ? t('enforcement.hours', { n: s / 3600 }) : t('enforcement.minutes', { n: Math.round(s / 60) });
  return `${e.step} · ${kind} ${span}`;
}

/** Each fallback that ran, in the operator's language. */
function fallbackTexts(t: I18n['t'], fallback: string): string[] {
  return fallback.split('; ').map((reason) => {
    const warned = WARNED_ONLY.exec(reason);
    return warned ? t('enforcement.fallback.warnedOnly', { platform: platformLabel(t, warned[1]!) }) : ruleProblemReasonText(t, reason);
  });
}

/**
 * What the rules enforced with the escalation ladder: the member, the violation and
 * its evidence (the message, what was seen), the step taken, the fallback that ran
 * where the platform could not do it (WeChat cannot mute), and an Undo button that
 * lifts the mute or ban and removes the strike.
 */
export function EnforcementList({ workspace, canAct }: { workspace: Workspace; canAct: boolean }) {
  const { t, fmt } = useI18n();
  const [status, setStatus] = useState<Status>('all');
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const list = useResource((signal) => fetchEnforcements(workspace.slug, status, signal), [workspace.slug, status], { pollMs: REFRESH_MS });
  const items = list.data?.enforcements;

  const undo = async (e: EnforcementRecord) => {
    setBusy(e.id);
    try {
      await undoEnforcement(e.id);
      setNotice(t('enforcement.undone', { name: e.memberName ?? `#${e.memberId}` }));
      list.reload();
    } catch (error) {
      setNotice(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" data-testid="enforcement-card">
      <div className="card__head">
        <div>
          <h2 className="card__title">{t('enforcement.title')}</h2>
          <p className="muted">{t('enforcement.intro')}</p>
        </div>
        <label className="field">
          <span className="field__label">{t('moderation.show')}</span>
          <select className="input" value={status} onChange={(e) => setStatus(e.target.value as Status)} data-testid="enforcement-status">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`enforcement.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {notice && (
        <div className="state" role="status" data-testid="enforcement-notice">
          {notice}
        </div>
      )}
      {!items && list.loading && <LoadingState what={t('enforcement.what')} />}
      {!items && list.error && <ErrorState what={t('enforcement.what')} error={list.error} onRetry={list.reload} />}
      {items && (
        <>
          {list.error && <RefreshErrorBanner error={list.error} />}
          <div className="table-wrap">
            <table className="table" data-testid="enforcement-table">
              <thead>
                <tr>
                  <th scope="col">{t('moderation.col.at')}</th>
                  <th scope="col">{t('moderation.col.where')}</th>
                  <th scope="col">{t('enforcement.col.violation')}</th>
                  <th scope="col">{t('moderation.col.message')}</th>
                  <th scope="col">{t('enforcement.col.step')}</th>
                  <th scope="col">{t('enforcement.col.undo')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <tr key={e.id} data-testid="enforcement-row" data-status={e.status} data-violation={e.violation}>
                    <td>
                      <time dateTime={new Date(e.createdAt).toISOString()}>{fmt.dateTime(new Date(e.createdAt).toISOString())}</time>
                    </td>
                    <td>
                      <Link to={`/groups/${e.groupId}`}>{e.groupName}</Link>
                      <div className="muted">
                        {e.memberName ?? `#${e.memberId}`} · {platformLabel(t, e.platform)}
                      </div>
                    </td>
                    <td>
                      <div>{labelOrId(t, 'enforcement.violation', e.violation)}</div>
                      <div>
                        {e.reasons.map((r) => (
                          <span key={r} className="chip">
                            {labelOrId(t, 'moderation.reason', r)}
                          </span>
                        ))}
                      </div>
                    </td>
                    <td className="outbox__preview">{e.text || '—'}</td>
                    <td>
                      <div>{stepText(t, e)}</div>
                      {e.strike && <div className="muted">{t('enforcement.expires', { date: fmt.dateTime(new Date(e.expiresAt).toISOString()) })}</div>}
                      <div className="muted">{e.planned.map((p) => labelOrId(t, 'action', p)).join(' · ')}</div>
                      {e.fallback &&
                        fallbackTexts(t, e.fallback).map((text) => (
                          <div key={text} className="badge badge--warn" data-testid="enforcement-fallback">
                            {t('enforcement.fallback', { text })}
                          </div>
                        ))}
                    </td>
                    <td>
                      {e.status === 'active' ? (
                        canAct ? (
                          <button type="button" className="btn btn--secondary" disabled={busy === e.id} onClick={() => undo(e)} data-testid="enforcement-undo">
                            {t('enforcement.undo')}
                          </button>
                        ) : (
                          <span className="muted">{t('enforcement.status.active')}</span>
                        )
                      ) : (
                        <span className="badge">
                          {t('enforcement.status.undone')}
                          {e.undoneBy ? ` · ${e.undoneBy}` : ''}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {items.length === 0 && <div className="table-empty">{t('enforcement.empty')}</div>}
          </div>
        </>
      )}
    </section>
  );
}

import { useState } from 'react';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import { useResource } from '../use-resource.js';
import { actOnCleanup, CLEANUP_REASONS, type CleanupEntryRecord, type CleanupOutcomeRecord, fetchGroupCleanup, type GroupCleanupRecord } from './retention-api.js';

const REFRESH_MS = 5 * 60_000;

type Action = 'remove' | 'dismiss';

/** The figures behind one listed member's reasons, in one line. */
function Evidence({ entry }: { entry: CleanupEntryRecord }) {
  const { t, fmt } = useI18n();
  const parts: string[] = [];
  const { adSuspect, ruleBreaker, silent } = entry.evidence;
  if (adSuspect) parts.push(t('cleanup.evidence.adSuspect', { hits: fmt.number(adSuspect.spamHits), score: fmt.percent(adSuspect.topScore) }));
  if (ruleBreaker) parts.push(t('cleanup.evidence.ruleBreaker', { count: fmt.number(ruleBreaker.enforcements), violations: Object.keys(ruleBreaker.violations).join(', ') }));
  if (silent) parts.push(silent.lastMessageAt === null ? t('cleanup.evidence.neverSpoke', { days: fmt.number(silent.days) }) : t('cleanup.evidence.silent', { days: fmt.number(silent.days) }));
  return <span className="muted cleanup__evidence">{parts.join(' · ')}</span>;
}

/**
 * The list with a checkbox per member, the two actions for the ticked ones and a
 * confirm step before anything is done; after it, what was queued (or the fallback).
 */
export function CleanupView({ data, groupId, onDone }: { data: GroupCleanupRecord; groupId: number; onDone: () => void }) {
  const { t, fmt } = useI18n();
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [confirming, setConfirming] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ action: Action; outcomes: CleanupOutcomeRecord[] } | null>(null);
  const listed = new Set(data.entries.map((e) => e.memberId));
  const selected = [...chosen].filter((id) => listed.has(id));
  const toggle = (id: number) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allChosen = data.entries.length > 0 && selected.length === data.entries.length;

  async function confirm(action: Action) {
    setBusy(true);
    setError(null);
    try {
      const result = await actOnCleanup(groupId, action, selected);
      setDone({ action, outcomes: result.outcomes });
      setChosen(new Set());
      setConfirming(null);
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const fellBack = done?.outcomes.filter((o) => o.fallback !== null) ?? [];
  return (
    <>
      <p className="muted">
        {t('cleanup.why', { silent: fmt.number(data.criteria.silentDays), period: fmt.number(data.criteria.periodDays), enforcements: fmt.number(data.criteria.minEnforcements) })}
      </p>
      <div className="cleanup__counts">
        {CLEANUP_REASONS.map((r) => (
          <span key={r} className={`chip cleanup__reason cleanup__reason--${r}`} data-testid={`cleanup-count-${r}`}>
            {t(`cleanup.reason.${r}`)} {fmt.number(data.counts[r])}
          </span>
        ))}
      </div>
      {!data.removable && <p className="profile__note profile__note--bad">{t('cleanup.cannotRemove', { platform: data.group.platform })}</p>}
      {done && (
        <div className="state" role="status" data-testid="cleanup-done">
          {t(done.action === 'remove' ? 'cleanup.doneRemove' : 'cleanup.doneDismiss', { count: fmt.number(done.outcomes.length) })}
          {fellBack.length > 0 && ` ${t('cleanup.doneFallback', { count: fmt.number(fellBack.length) })}`}
        </div>
      )}
      {data.entries.length === 0 ? (
        <p className="muted" data-testid="cleanup-empty">
          {t('cleanup.none')}
        </p>
      ) : (
        <>
          <label className="cleanup__all">
            <input type="checkbox" checked={allChosen} onChange={() => setChosen(allChosen ? new Set() : new Set(data.entries.map((e) => e.memberId)))} data-testid="cleanup-all" />
            {t('cleanup.selectAll', { count: fmt.number(data.entries.length) })}
          </label>
          <ul className="cleanup__list" aria-label={t('cleanup.title')} data-testid="cleanup-list">
            {data.entries.map((e) => (
              <li key={e.memberId} className="cleanup__entry">
                <label className="cleanup__pick">
                  <input type="checkbox" checked={chosen.has(e.memberId)} onChange={() => toggle(e.memberId)} data-testid="cleanup-pick" />
                  <span className="cleanup__name">{e.displayName}</span>
                </label>
                <span className="cleanup__reasons">
                  {e.reasons.map((r) => (
                    <span key={r} className={`chip cleanup__reason cleanup__reason--${r}`}>
                      {t(`cleanup.reason.${r}`)}
                    </span>
                  ))}
                </span>
                <Evidence entry={e} />
              </li>
            ))}
            {data.total > data.entries.length && <li className="muted">{t('cleanup.more', { count: fmt.number(data.total - data.entries.length) })}</li>}
          </ul>
          {confirming === null ? (
            <div className="cleanup__actions">
              <button type="button" className="btn btn--danger" disabled={selected.length === 0} onClick={() => setConfirming('remove')} data-testid="cleanup-remove">
                {t('cleanup.remove', { count: fmt.number(selected.length) })}
              </button>
              <button type="button" className="btn btn--secondary" disabled={selected.length === 0} onClick={() => setConfirming('dismiss')} data-testid="cleanup-dismiss">
                {t('cleanup.dismiss', { count: fmt.number(selected.length) })}
              </button>
            </div>
          ) : (
            <div className="cleanup__confirm" role="alertdialog" aria-label={t('cleanup.confirmTitle')} data-testid="cleanup-confirm">
              <p>
                {t(confirming === 'remove' ? (data.removable ? 'cleanup.confirmRemove' : 'cleanup.confirmRemoveByHand') : 'cleanup.confirmDismiss', {
                  count: fmt.number(selected.length),
                  names: data.entries
                    .filter((e) => chosen.has(e.memberId))
                    .map((e) => e.displayName)
                    .join(', '),
                })}
              </p>
              <div className="cleanup__actions">
                <button
                  type="button"
                  className={confirming === 'remove' ? 'btn btn--danger' : 'btn btn--primary'}
                  disabled={busy || selected.length === 0}
                  onClick={() => confirm(confirming)}
                  data-testid="cleanup-confirm-yes"
                >
                  {t(confirming === 'remove' ? 'cleanup.confirmRemoveYes' : 'cleanup.confirmDismissYes')}
                </button>
                <button type="button" className="btn btn--secondary" disabled={busy} onClick={() => setConfirming(null)}>
                  {t('cleanup.cancel')}
                </button>
              </div>
            </div>
          )}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
    </>
  );
}

/** The group page's cleanup card (`002`: regular cleanup, reviewed): loads GET /api/groups/:id/cleanup. */
export function GroupCleanupCard({ groupId }: { groupId: number }) {
  const { t } = useI18n();
  const res = useResource((signal) => fetchGroupCleanup(groupId, signal), [groupId], { pollMs: REFRESH_MS });
  return (
    <section className="card cleanup" aria-labelledby="group-cleanup-title" data-testid="group-cleanup">
      <div className="card__head">
        <h2 id="group-cleanup-title" className="card__title">
          {t('cleanup.title')}
        </h2>
      </div>
      {!res.data && res.loading && <LoadingState what={t('cleanup.what')} />}
      {!res.data && res.error && <ErrorState what={t('cleanup.what')} error={res.error} onRetry={res.reload} />}
      {res.data && <CleanupView data={res.data} groupId={groupId} onDone={res.reload} />}
    </section>
  );
}

import { useState } from 'react';
import { fetchAlerts } from '../api-client.js';
import type { AlertRecord, Workspace } from '../api-client.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

/** The kinds the page names; an alert of a kind added later shows under its own name. */
const KINDS = ['silence', 'unanswered-question', 'leave-spike', 'spam-spike'] as const;
const REFRESH_MS = 60_000;

function kindLabel(t: (key: MessageKey) => string, kind: string): string {
  return (KINDS as readonly string[]).includes(kind) ? t(`alerts.kind.${kind}` as MessageKey) : kind;
}

function Detail({ alert }: { alert: AlertRecord }) {
  const { t, fmt } = useI18n();
  const d = alert.detail;
  const notified = typeof d.notifiedGroupId === 'number' && <span className="chip">{t('alerts.silence.notified')}</span>;
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  if (alert.kind === 'unanswered-question')
    return (
      <>
        <div>
          {t('alerts.question.detail', {
            waited: fmt.duration(num(d.waitedMinutes) * 60_000),
            asked: typeof d.askedAt === 'string' ? fmt.dateTime(d.askedAt) : '—',
            limit: fmt.duration(num(d.limitMinutes) * 60_000),
          })}
        </div>
        {typeof d.text === 'string' && <div className="muted outbox__preview">{d.text}</div>}
        {notified}
      </>
    );
  if (alert.kind === 'leave-spike' || alert.kind === 'spam-spike')
    return (
      <>
        <div>{t(alert.kind === 'leave-spike' ? 'alerts.leaves.detail' : 'alerts.spam.detail', { count: num(alert.kind === 'leave-spike' ? d.leaves : d.spam), usual: num(d.usualPerHour) })}</div>
        {notified}
      </>
    );
  if (alert.kind !== 'silence') return <code className="muted">{JSON.stringify(d)}</code>;
  const minutes = typeof d.silentMinutes === 'number' ? d.silentMinutes : 0;
  const threshold = typeof d.thresholdMinutes === 'number' ? d.thresholdMinutes : 720;
  return (
    <>
      <div>
        {t('alerts.silence.detail', {
          duration: fmt.duration(minutes * 60_000),
          since: typeof d.silentSince === 'string' ? fmt.dateTime(d.silentSince) : '—',
          threshold: fmt.duration(threshold * 60_000),
        })}
      </div>
      {notified}
      {typeof d.topic === 'string' && <div className="muted outbox__preview">{t('alerts.silence.topic', { topic: d.topic })}</div>}
    </>
  );
}

/** What needs an operator's eye, newest first: silence alerts today, other kinds as they come. */
export function AlertsPage({ workspace }: { workspace: Workspace }) {
  const { t, fmt } = useI18n();
  useDocumentTitle(t('alerts.title'));
  const [kind, setKind] = useState<string>('');
  const list = useResource((signal) => fetchAlerts(workspace.slug, kind ? { kind } : {}, signal), [workspace.slug, kind], { pollMs: REFRESH_MS });
  const alerts = list.data?.alerts;

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('alerts.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('alerts.intro')}
          </p>
        </div>
        <label className="field">
          <span className="field__label">{t('alerts.kind')}</span>
          <select className="input" value={kind} onChange={(e) => setKind(e.target.value)} data-testid="alerts-kind">
            <option value="">{t('alerts.kind.all')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`alerts.kind.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </header>
      {!alerts && list.loading && <LoadingState what={t('what.alerts')} />}
      {!alerts && list.error && <ErrorState what={t('what.alerts')} error={list.error} onRetry={list.reload} />}
      {alerts && (
        <section className="card">
          {list.error && <RefreshErrorBanner error={list.error} />}
          <div className="table-wrap">
            <table className="table" data-testid="alerts-table">
              <thead>
                <tr>
                  <th scope="col">{t('alerts.col.at')}</th>
                  <th scope="col">{t('alerts.col.kind')}</th>
                  <th scope="col">{t('alerts.col.group')}</th>
                  <th scope="col">{t('alerts.col.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {alerts.map((a) => (
                  <tr key={a.id} data-testid="alert-row" data-kind={a.kind} data-group-id={a.groupId ?? ''}>
                    <td>
                      <time dateTime={a.at}>{fmt.dateTime(a.at)}</time>
                    </td>
                    <td>
                      <span className="badge badge--warn">{kindLabel(t, a.kind)}</span>
                    </td>
                    <td>{a.groupId !== null ? <Link to={`/groups/${a.groupId}`}>{a.groupName ?? `#${a.groupId}`}</Link> : '—'}</td>
                    <td>
                      <Detail alert={a} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {alerts.length === 0 && <div className="table-empty">{t('alerts.empty')}</div>}
          </div>
        </section>
      )}
    </div>
  );
}

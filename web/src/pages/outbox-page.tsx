import { useState } from 'react';
import { decideParked, fetchOutbox } from '../api-client.js';
import type { OutboxEntry, OutboxStatus, Workspace } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

const STATUSES: OutboxStatus[] = ['parked', 'pending', 'done', 'discarded'];

function Row({ entry, canAct, onDecided }: { entry: OutboxEntry; canAct: boolean; onDecided(message: string): void }) {
  const { t, fmt } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decide = (decision: 'requeue' | 'discard') => {
    if (decision === 'discard' && !window.confirm(t('outbox.confirmDiscard'))) return;
    setBusy(true);
    setError(null);
    decideParked(entry.id, decision).then(
      () => onDecided(t(decision === 'requeue' ? 'outbox.requeued' : 'outbox.discarded')),
      (e: unknown) => {
        setBusy(false);
        setError(t('outbox.failed', { message: e instanceof Error ? e.message : String(e) }));
      },
    );
  };
  return (
    <tr data-testid="outbox-row" data-id={entry.id}>
      <td>
        <time dateTime={entry.createdAt}>{fmt.dateTime(entry.createdAt)}</time>
      </td>
      <td>
        <Link to={`/groups/${entry.groupId}`}>{entry.groupName}</Link>
      </td>
      <td>
        <code>{entry.type ?? '—'}</code>
        {entry.rule && <span className="muted"> · {entry.rule}</span>}
        {entry.preview && <div className="muted outbox__preview">{entry.preview}</div>}
      </td>
      <td>
        {entry.parkedReason && <span className="chip">{t(`outbox.reason.${entry.parkedReason}` as MessageKey)}</span>}
        {entry.lastError && (
          <div className="muted outbox__error" title={entry.lastError}>
            {entry.lastError}
          </div>
        )}
      </td>
      <td>{entry.attempts}</td>
      {canAct && (
        <td className="outbox__decide">
          {entry.status === 'parked' && (
            <>
              <button type="button" className="btn btn--primary" disabled={busy} onClick={() => decide('requeue')} data-testid="outbox-requeue">
                {t('outbox.requeue')}
              </button>
              <button type="button" className="btn btn--secondary" disabled={busy} onClick={() => decide('discard')} data-testid="outbox-discard">
                {t('outbox.discard')}
              </button>
            </>
          )}
          {error && (
            <div className="state--error" role="alert">
              {error}
            </div>
          )}
        </td>
      )}
    </tr>
  );
}

/**
 * The workspace's outbox: above all what is parked — actions Hearth could not send as
 * they are, each with its reason — for an operator to send again or discard.
 */
export function OutboxPage({ workspace, canAct }: { workspace: Workspace; canAct: boolean }) {
  const { t } = useI18n();
  useDocumentTitle(t('outbox.title'));
  const [status, setStatus] = useState<OutboxStatus>('parked');
  const [pages, setPages] = useState<number[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const before = pages.at(-1) ?? null;
  const list = useResource((signal) => fetchOutbox(workspace.slug, status, before, signal), [workspace.slug, status, before]);
  const entries = list.data?.entries;
  const acting = canAct && status === 'parked';

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('outbox.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('outbox.intro')}
          </p>
        </div>
        <label className="field">
          <span className="field__label">{t('outbox.status')}</span>
          <select
            className="input"
            value={status}
            onChange={(e) => {
              setPages([]);
              setNotice(null);
              setStatus(e.target.value as OutboxStatus);
            }}
            data-testid="outbox-status"
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`outbox.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </header>
      {notice && (
        <p className="muted" role="status" data-testid="outbox-notice">
          {notice}
        </p>
      )}
      {!entries && list.loading && <LoadingState what={t('what.outbox')} />}
      {!entries && list.error && <ErrorState what={t('what.outbox')} error={list.error} onRetry={list.reload} />}
      {entries && (
        <section className="card">
          <div className="table-wrap">
            <table className="table" data-testid="outbox-table">
              <thead>
                <tr>
                  <th scope="col">{t('outbox.col.created')}</th>
                  <th scope="col">{t('outbox.col.group')}</th>
                  <th scope="col">{t('outbox.col.action')}</th>
                  <th scope="col">{t('outbox.col.reason')}</th>
                  <th scope="col">{t('outbox.col.attempts')}</th>
                  {acting && <th scope="col">{t('outbox.col.decide')}</th>}
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <Row
                    key={e.id}
                    entry={e}
                    canAct={acting}
                    onDecided={(message) => {
                      setNotice(message);
                      list.reload();
                    }}
                  />
                ))}
              </tbody>
            </table>
            {entries.length === 0 && <div className="table-empty">{t(status === 'parked' ? 'outbox.emptyParked' : 'outbox.empty')}</div>}
          </div>
          <div className="audit__pager">
            {pages.length > 0 && (
              <button type="button" className="btn btn--secondary" onClick={() => setPages([])}>
                {t('outbox.newest')}
              </button>
            )}
            {list.data?.next != null && (
              <button type="button" className="btn btn--secondary" onClick={() => setPages((p) => [...p, list.data!.next!])} data-testid="outbox-older">
                {t('outbox.older')}
              </button>
            )}
          </div>
        </section>
      )}
    </div>
  );
}

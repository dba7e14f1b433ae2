import { useState } from 'react';
import { decideModerationItem, fetchModeration } from '../api-client.js';
import type { ModerationRecord, Workspace } from '../api-client.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { EnforcementList } from '../enforcement/enforcement-list.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

type Status = 'pending' | 'approved' | 'dismissed' | 'all';
const STATUSES: readonly Status[] = ['pending', 'approved', 'dismissed', 'all'];
const REASONS = ['contact-id', 'phone-number', 'link', 'add-me', 'disguised-text', 'classifier'] as const;
const PLANNED = ['delete_message', 'send_message', 'alert_operator'] as const;
const REFRESH_MS = 30_000;

function named(t: (key: MessageKey) => string, prefix: string, known: readonly string[], value: string): string {
  return known.includes(value) ? t(`${prefix}.${value}` as MessageKey) : value;
}

/**
 * The moderation queue: messages the spam rule took down, with the evidence (the text,
 * the score, what was seen, what was done — on WeChat an alert to delete it by hand),
 * each confirmed (spam) or overturned (not spam) in one click; the next training learns from both.
 * Below it, the enforcements the escalation ladder took, each with an Undo button.
 */
export function ModerationPage({ workspace, canAct }: { workspace: Workspace; canAct: boolean }) {
  const { t, fmt } = useI18n();
  useDocumentTitle(t('moderation.title'));
  const [status, setStatus] = useState<Status>('pending');
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const list = useResource((signal) => fetchModeration(workspace.slug, status, signal), [workspace.slug, status], { pollMs: REFRESH_MS });
  const items = list.data?.items;

  const decide = async (item: ModerationRecord, verb: 'approve' | 'dismiss') => {
    setBusy(item.id);
    try {
      await decideModerationItem(item.id, verb);
      setNotice(t(verb === 'approve' ? 'moderation.approved' : 'moderation.dismissed', { name: item.memberName ?? '—' }));
      list.reload();
    } catch (error) {
      setNotice(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('moderation.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('moderation.intro')}
          </p>
        </div>
        <label className="field">
          <span className="field__label">{t('moderation.show')}</span>
          <select className="input" value={status} onChange={(e) => setStatus(e.target.value as Status)} data-testid="moderation-status">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`moderation.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </header>
      {notice && (
        <div className="state" role="status" data-testid="moderation-notice">
          {notice}
        </div>
      )}
      {!items && list.loading && <LoadingState what={t('what.moderation')} />}
      {!items && list.error && <ErrorState what={t('what.moderation')} error={list.error} onRetry={list.reload} />}
      {items && (
        <section className="card">
          {list.error && <RefreshErrorBanner error={list.error} />}
          <div className="table-wrap">
            <table className="table" data-testid="moderation-table">
              <thead>
                <tr>
                  <th scope="col">{t('moderation.col.at')}</th>
                  <th scope="col">{t('moderation.col.where')}</th>
                  <th scope="col">{t('moderation.col.message')}</th>
                  <th scope="col">{t('moderation.col.evidence')}</th>
                  <th scope="col">{t('moderation.col.decision')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.id} data-testid="moderation-row" data-status={item.status}>
                    <td>
                      <time dateTime={new Date(item.createdAt).toISOString()}>{fmt.dateTime(new Date(item.createdAt).toISOString())}</time>
                    </td>
                    <td>
                      <Link to={`/groups/${item.groupId}`}>{item.groupName}</Link>
                      <div className="muted">
                        {item.memberName ?? '—'} · {item.platform}
                      </div>
                    </td>
                    <td className="outbox__preview">{item.text}</td>
                    <td>
                      <div>{t('moderation.score', { score: Math.round(item.score * 100) })}</div>
                      <div>
                        {item.reasons.map((r) => (
                          <span key={r} className="chip">
                            {named(t, 'moderation.reason', REASONS, r)}
                          </span>
                        ))}
                      </div>
                      <div className="muted">{item.planned.map((p) => named(t, 'moderation.planned', PLANNED, p)).join(' · ')}</div>
                    </td>
                    <td>
                      {item.status === 'pending' ? (
                        canAct ? (
                          <div className="row-actions">
                            <button type="button" className="btn btn--primary" disabled={busy === item.id} onClick={() => decide(item, 'approve')} data-testid="moderation-approve">
                              {t('moderation.approve')}
                            </button>
                            <button type="button" className="btn btn--secondary" disabled={busy === item.id} onClick={() => decide(item, 'dismiss')} data-testid="moderation-dismiss">
                              {t('moderation.dismiss')}
                            </button>
                          </div>
                        ) : (
                          <span className="muted">{t('moderation.status.pending')}</span>
                        )
                      ) : (
                        <span className={item.status === 'approved' ? 'badge badge--warn' : 'badge'}>
                          {t(`moderation.status.${item.status}` as MessageKey)}
                          {item.decidedBy ? ` · ${item.decidedBy}` : ''}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {items.length === 0 && <div className="table-empty">{t('moderation.empty')}</div>}
          </div>
        </section>
      )}
      <EnforcementList workspace={workspace} canAct={canAct} />
    </div>
  );
}

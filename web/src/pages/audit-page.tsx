import { useState } from 'react';
import type { FormEvent } from 'react';
import { auditExportHref, fetchAudit } from '../api-client.js';
import type { AuditEntry, AuditFilters, Workspace } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

const DETAIL_MAX = 240;

/** A `YYYY-MM-DD` day plus one, so "to" includes the whole day it names. */
function dayAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The filters as the API takes them: dates become times; "to" takes in the whole day. */
function toQuery(draft: AuditFilters): AuditFilters {
  const out: AuditFilters = {};
  if (draft.q?.trim()) out.q = draft.q.trim();
  if (draft.action?.trim()) out.action = draft.action.trim();
  if (draft.actor?.trim()) out.actor = draft.actor.trim();
  if (draft.from) out.from = draft.from;
  if (draft.to) out.to = dayAfter(draft.to);
  return out;
}

function Row({ entry }: { entry: AuditEntry }) {
  const { t, fmt } = useI18n();
  const detail = JSON.stringify(entry.detail);
  return (
    <tr data-testid="audit-row" data-action={entry.action}>
      <td className="audit__at">
        <time dateTime={entry.at}>{fmt.dateTime(entry.at)}</time>
      </td>
      <td>
        <span className={`chip audit__kind audit__kind--${entry.actor.kind}`}>{t(`audit.kind.${entry.actor.kind}` as MessageKey)}</span> {entry.actor.label}
      </td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>
        {entry.target ? `${entry.target.kind} ${entry.target.id}` : '—'}
        {entry.groupId !== null && entry.target?.kind !== 'group' && <span className="muted"> · {t('audit.group', { id: entry.groupId })}</span>}
      </td>
      <td className="audit__detail" title={detail}>
        {detail === '{}' ? '' : detail.length > DETAIL_MAX ? `${detail.slice(0, DETAIL_MAX)}…` : detail}
      </td>
    </tr>
  );
}

/** The workspace's audit log: search, filter, page back in time, and export. */
export function AuditPage({ workspace }: { workspace: Workspace }) {
  const { t } = useI18n();
  useDocumentTitle(t('audit.title'));
  const [draft, setDraft] = useState<AuditFilters>({});
  const [applied, setApplied] = useState<AuditFilters>({});
  const [pages, setPages] = useState<number[]>([]);
  const before = pages.at(-1) ?? null;
  const log = useResource((signal) => fetchAudit(workspace.slug, applied, before, signal), [workspace.slug, applied, before]);

  const field = (key: keyof AuditFilters) => ({
    value: draft[key] ?? '',
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setPages([]);
    setApplied(toQuery(draft));
  };
  const reset = () => {
    setDraft({});
    setPages([]);
    setApplied({});
  };

  const entries = log.data?.entries;
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('audit.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('audit.intro')}
          </p>
        </div>
        <div className="audit__export">
          <span className="muted">{t('audit.export')}</span>
          <a className="btn btn--secondary" href={auditExportHref(workspace.slug, applied, 'csv')} download data-testid="audit-export-csv">
            {t('audit.exportCsv')}
          </a>
          <a className="btn btn--secondary" href={auditExportHref(workspace.slug, applied, 'json')} download data-testid="audit-export-json">
            {t('audit.exportJson')}
          </a>
        </div>
      </header>

      <form className="card audit__filters" onSubmit={onSubmit}>
        <label className="field audit__search">
          <span className="field__label">{t('audit.search')}</span>
          <input className="input" type="search" placeholder={t('audit.searchPlaceholder')} maxLength={200} {...field('q')} data-testid="audit-search" />
        </label>
        <label className="field">
          <span className="field__label">{t('audit.action')}</span>
          <input className="input" placeholder={t('audit.actionPlaceholder')} maxLength={100} {...field('action')} data-testid="audit-action" />
        </label>
        <label className="field">
          <span className="field__label">{t('audit.actor')}</span>
          <input className="input" placeholder={t('audit.actorPlaceholder')} maxLength={200} {...field('actor')} data-testid="audit-actor" />
        </label>
        <label className="field">
          <span className="field__label">{t('audit.from')}</span>
          <input className="input" type="date" {...field('from')} data-testid="audit-from" />
        </label>
        <label className="field">
          <span className="field__label">{t('audit.to')}</span>
          <input className="input" type="date" {...field('to')} data-testid="audit-to" />
        </label>
        <div className="audit__buttons">
          <button type="submit" className="btn btn--primary" data-testid="audit-apply">
            {t('audit.apply')}
          </button>
          <button type="button" className="btn btn--secondary" onClick={reset}>
            {t('audit.reset')}
          </button>
        </div>
      </form>

      {!entries && log.loading && <LoadingState what={t('what.audit')} />}
      {!entries && log.error && <ErrorState what={t('what.audit')} error={log.error} onRetry={log.reload} />}
      {entries && (
        <section className="card">
          <div className="table-wrap">
            <table className="table audit-table" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">{t('audit.col.at')}</th>
                  <th scope="col">{t('audit.col.actor')}</th>
                  <th scope="col">{t('audit.col.action')}</th>
                  <th scope="col">{t('audit.col.target')}</th>
                  <th scope="col">{t('audit.col.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <Row key={e.id} entry={e} />
                ))}
              </tbody>
            </table>
            {entries.length === 0 && <div className="table-empty">{t('audit.empty')}</div>}
          </div>
          <div className="audit__pager">
            {pages.length > 0 && (
              <button type="button" className="btn btn--secondary" onClick={() => setPages([])}>
                {t('audit.newest')}
              </button>
            )}
            {log.data?.next != null && (
              <button type="button" className="btn btn--secondary" onClick={() => setPages((p) => [...p, log.data!.next!])} data-testid="audit-older">
                {t('audit.older')}
              </button>
            )}
          </div>
        </section>
      )}
    </div>
  );
}

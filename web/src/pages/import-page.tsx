import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { Workspace } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { fetchImport, fetchImports, uploadImport } from '../imports/import-api.js';
import type { ImportRecord, ImportStatus } from '../imports/import-api.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const running = (s: ImportStatus) => s === 'queued' || s === 'checking' || s === 'importing';

/** The format a file most likely is, from its name (the operator can change it). */
function guessFormat(name: string, formats: string[]): string {
  const lower = name.toLowerCase();
  const guess = lower.endsWith('.html') || lower.endsWith('.htm') ? 'telegram-html' : lower.endsWith('.csv') ? (/discord|\[\d{15,}\]/.test(lower) ? 'discord-csv' : 'wechat-csv') : 'telegram-json';
  return formats.includes(guess) ? guess : (formats[0] ?? guess);
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A bar with its label; `ratio` null shows an indeterminate bar. */
function ProgressBar({ ratio, label, testId }: { ratio: number | null; label: string; testId: string }) {
  const pct = ratio === null ? null : Math.round(Math.min(1, Math.max(0, ratio)) * 100);
  return (
    <div className="imports__progress" data-testid={testId}>
      <div className="imports__bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} {...(pct === null ? {} : { 'aria-valuenow': pct })}>
        <div className={pct === null ? 'imports__fill imports__fill--busy' : 'imports__fill'} style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
      <span className="imports__progress-label">{label}</span>
    </div>
  );
}

/** The upload form: a file, its format (guessed from the name), and the CLI's options. */
function UploadForm({ workspace, formats, maxBytes, onStarted }: { workspace: Workspace; formats: string[]; maxBytes: number; onStarted(job: ImportRecord): void }) {
  const { t, fmt } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState(formats[0] ?? 'telegram-json');
  const [tz, setTz] = useState('');
  const [chatId, setChatId] = useState('');
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tooLarge = file !== null && file.size > maxBytes;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file || tooLarge) return;
    setError(null);
    setSent({ sent: 0, total: file.size });
    uploadImport(workspace.slug, file, { format, tz: tz.trim(), chatId: chatId.trim() }, (s, total) => setSent({ sent: s, total })).then(
      (job) => {
        setSent(null);
        setFile(null);
        (e.target as HTMLFormElement).reset();
        onStarted(job);
      },
      (err: unknown) => {
        setSent(null);
        setError(errorText(err));
      },
    );
  };
  return (
    <form className="card imports__form" onSubmit={submit} data-testid="import-form">
      <h2 className="card__title">{t('import.upload')}</h2>
      <label className="field">
        <span className="field__label">{t('import.file')}</span>
        <input
          className="input"
          type="file"
          accept=".json,.html,.htm,.csv"
          required
          onChange={(e) => {
            const picked = e.target.files?.[0] ?? null;
            setFile(picked);
            if (picked) setFormat(guessFormat(picked.name, formats));
          }}
          data-testid="import-file"
        />
        <span className="muted">{t('import.limit', { size: megabytes(maxBytes) })}</span>
      </label>
      {tooLarge && (
        <div className="state--error" role="alert">
          {t('import.tooLarge', { size: megabytes(file.size), limit: megabytes(maxBytes) })}
        </div>
      )}
      <label className="field">
        <span className="field__label">{t('import.format')}</span>
        <select className="input" value={format} onChange={(e) => setFormat(e.target.value)} data-testid="import-format">
          {formats.map((f) => (
            <option key={f} value={f}>
              {t(`import.format.${f}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <div className="imports__options">
        <label className="field">
          <span className="field__label">{t('import.tz')}</span>
          <input className="input" value={tz} onChange={(e) => setTz(e.target.value)} placeholder="Asia/Shanghai" data-testid="import-tz" />
          <span className="muted">{t('import.tzHelp')}</span>
        </label>
        {(format === 'telegram-html' || format === 'discord-csv') && (
          <label className="field">
            <span className="field__label">{t('import.chatId')}</span>
            <input className="input" value={chatId} onChange={(e) => setChatId(e.target.value)} inputMode="numeric" placeholder="-1001234567890" data-testid="import-chat-id" />
            <span className="muted">{t('import.chatIdHelp')}</span>
          </label>
        )}
      </div>
      <button type="submit" className="btn btn--primary" disabled={!file || tooLarge || sent !== null} data-testid="import-start">
        {t('import.start')}
      </button>
      {sent && (
        <ProgressBar
          ratio={sent.total > 0 ? sent.sent / sent.total : null}
          label={t('import.uploading', { sent: megabytes(sent.sent), total: megabytes(sent.total), pct: fmt.percent(sent.total > 0 ? sent.sent / sent.total : 0) })}
          testId="import-upload-progress"
        />
      )}
      {error && (
        <div className="state--error" role="alert" data-testid="import-upload-error">
          {error}
        </div>
      )}
    </form>
  );
}

/** One import: live progress while it runs, then its report (what was imported, what was passed over and why) or what was wrong. */
function ImportDetail({ id, onEnded }: { id: number; onEnded(): void }) {
  const { t, fmt } = useI18n();
  const [live, setLive] = useState(true);
  const detail = useResource((signal) => fetchImport(id, signal), [id], live ? { pollMs: 700 } : {});
  const job = detail.data?.import;
  const ended = job !== undefined && !running(job.status);
  useEffect(() => {
    if (ended && live) {
      setLive(false);
      onEnded();
    }
  }, [ended, live, onEnded]);
  if (!job) return detail.error ? <ErrorState what={t('import.what')} error={detail.error} onRetry={detail.reload} /> : <LoadingState what={t('import.what')} />;
  const { progress, report } = job;
  return (
    <section className="card imports__detail" data-testid="import-detail" data-status={job.status} aria-live="polite">
      <h2 className="card__title imports__title">
        <span className="imports__file">{job.fileName}</span>
        <span className={`chip imports__status--${job.status}`} data-testid="import-status">
          {t(`import.status.${job.status}` as MessageKey)}
        </span>
      </h2>
      <p className="muted">{[t(`import.format.${job.format}` as MessageKey), megabytes(job.fileBytes), fmt.dateTime(job.createdAt)].join(' · ')}</p>
      {running(job.status) && (
        <ProgressBar
          ratio={job.status === 'queued' ? null : progress.totalBytes > 0 ? progress.bytes / progress.totalBytes : null}
          label={t(`import.phase.${job.status}` as MessageKey, {
            pct: fmt.percent(progress.totalBytes > 0 ? progress.bytes / progress.totalBytes : 0),
            events: fmt.number(progress.events),
          })}
          testId="import-progress"
        />
      )}
      {job.status === 'failed' && job.error && (
        <div className="state--error imports__error" role="alert" data-testid="import-error">
          <strong>{t('import.failed')}</strong> {job.error}
        </div>
      )}
      {report && (
        <div className="imports__report" data-testid="import-report">
          <p data-testid="import-summary">
            {report.stored === 0 && report.duplicates > 0
              ? t('import.summaryNothingNew', { events: fmt.number(report.events) })
              : t('import.summary', { events: fmt.number(report.events), stored: fmt.number(report.stored), duplicates: fmt.number(report.duplicates) })}
          </p>
          <h3 className="imports__subtitle">{t('import.groups')}</h3>
          {report.groups.length === 0 ? (
            <p className="muted">{t('import.noGroups')}</p>
          ) : (
            <ul className="imports__list" data-testid="import-groups">
              {report.groups.map((g) => (
                <li key={`${g.platform}:${g.externalId}`}>
                  <span className="imports__group">{g.title ?? g.externalId}</span> <span className="muted">{t('import.groupEvents', { events: fmt.number(g.events) })}</span>
                </li>
              ))}
            </ul>
          )}
          <h3 className="imports__subtitle">{t('import.skipped')}</h3>
          {Object.keys(report.skipped).length === 0 ? (
            <p className="muted">{t('import.nothingSkipped')}</p>
          ) : (
            <ul className="imports__list" data-testid="import-skipped">
              {Object.entries(report.skipped).map(([reason, count]) => (
                <li key={reason}>
                  <span>{reason}</span> <span className="muted">× {fmt.number(count)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

/**
 * History import from the dashboard: upload a chat export (Telegram, WeChat,
 * Discord), watch it being checked and stored, read its report. The same import as
 * `hearth import`: all or nothing, and the same file twice adds nothing.
 */
export function ImportPage({ workspace, canConfigure }: { workspace: Workspace; canConfigure: boolean }) {
  const { t, fmt } = useI18n();
  useDocumentTitle(t('import.title'));
  const list = useResource((signal) => (canConfigure ? fetchImports(workspace.slug, signal) : Promise.resolve(null)), [workspace.slug, canConfigure]);
  const [shown, setShown] = useState<number | null>(null);
  const imports = list.data?.imports ?? [];
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('import.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('import.intro')}
          </p>
        </div>
      </header>
      {!canConfigure && <p className="state">{t('import.needsConfigure')}</p>}
      {canConfigure && !list.data && list.loading && <LoadingState what={t('import.what')} />}
      {canConfigure && !list.data && list.error && <ErrorState what={t('import.what')} error={list.error} onRetry={list.reload} />}
      {list.data && (
        <>
          <UploadForm
            workspace={workspace}
            formats={list.data.formats}
            maxBytes={list.data.maxBytes}
            onStarted={(job) => {
              setShown(job.id);
              list.reload();
            }}
          />
          {shown !== null && <ImportDetail key={shown} id={shown} onEnded={list.reload} />}
          <section className="card" data-testid="imports-history">
            <h2 className="card__title">{t('import.history')}</h2>
            {imports.length === 0 ? (
              <p className="table-empty" data-testid="imports-empty">
                {t('import.none')}
              </p>
            ) : (
              <div className="table-wrap">
                <table className="table" data-testid="imports">
                  <thead>
                    <tr>
                      <th scope="col">{t('import.col.time')}</th>
                      <th scope="col">{t('import.col.file')}</th>
                      <th scope="col">{t('import.col.status')}</th>
                      <th scope="col">{t('import.col.result')}</th>
                      <th scope="col" />
                    </tr>
                  </thead>
                  <tbody>
                    {imports.map((job) => (
                      <tr key={job.id} data-testid="import-row" data-status={job.status}>
                        <td>
                          <time dateTime={job.createdAt}>{fmt.dateTime(job.createdAt)}</time>
                        </td>
                        <td className="imports__file">{job.fileName}</td>
                        <td>
                          <span className={`chip imports__status--${job.status}`}>{t(`import.status.${job.status}` as MessageKey)}</span>
                        </td>
                        <td>
                          {job.report
                            ? t('import.rowResult', { stored: fmt.number(job.report.stored), duplicates: fmt.number(job.report.duplicates) })
                            : job.status === 'failed'
                              ? t('import.rowFailed')
                              : '—'}
                        </td>
                        <td>
                          <button type="button" className="btn btn--secondary" onClick={() => setShown(job.id)} aria-pressed={shown === job.id} data-testid="import-show">
                            {t('import.show')}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}

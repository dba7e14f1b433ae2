import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Workspace } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';
import { changeWebhook, createWebhook, fetchWebhook, fetchWebhooks, pingWebhook, redeliver, removeWebhook } from './webhooks-api.js';
import type { WebhookRecord } from './webhooks-api.js';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The form that registers a webhook; the secret it answers is shown once, above the list. */
function NewWebhook({ workspace, kinds, onCreated }: { workspace: Workspace; kinds: string[]; onCreated(secret: string, url: string): void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState('');
  const [all, setAll] = useState(true);
  const [picked, setPicked] = useState<string[]>(['member.joined', 'member.left']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    createWebhook(workspace.slug, { url: url.trim(), events: all ? ['*'] : picked }).then(
      (made) => {
        setBusy(false);
        setUrl('');
        onCreated(made.secret, made.webhook.url);
      },
      (err: unknown) => {
        setBusy(false);
        setError(errorText(err));
      },
    );
  };
  return (
    <form className="card webhooks__form" onSubmit={submit} data-testid="webhook-form">
      <h2 className="card__title">{t('webhooks.add')}</h2>
      <label className="field">
        <span className="field__label">{t('webhooks.url')}</span>
        <input className="input" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/hearth" data-testid="webhook-url" />
      </label>
      <fieldset className="webhooks__kinds">
        <legend className="field__label">{t('webhooks.events')}</legend>
        <label className="webhooks__kind">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} data-testid="webhook-all" /> {t('webhooks.allEvents')}
        </label>
        {!all &&
          kinds.map((k) => (
            <label key={k} className="webhooks__kind">
              <input type="checkbox" checked={picked.includes(k)} onChange={(e) => setPicked((p) => (e.target.checked ? [...p, k] : p.filter((x) => x !== k)))} /> <code>{k}</code>
            </label>
          ))}
      </fieldset>
      <button type="submit" className="btn btn--primary" disabled={busy || (!all && picked.length === 0)} data-testid="webhook-create">
        {t('webhooks.create')}
      </button>
      {error && (
        <div className="state--error" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}

/** One webhook's recent deliveries, each redeliverable. */
function Deliveries({ hook }: { hook: WebhookRecord }) {
  const { t, fmt } = useI18n();
  const detail = useResource((signal) => fetchWebhook(hook.id, signal), [hook.id], { pollMs: 5_000 });
  const [error, setError] = useState<string | null>(null);
  if (!detail.data) return detail.error ? <ErrorState what={t('webhooks.deliveries')} error={detail.error} onRetry={detail.reload} /> : <LoadingState what={t('webhooks.deliveries')} />;
  const { counts, deliveries } = detail.data;
  return (
    <div className="webhooks__deliveries">
      <p className="muted" data-testid="webhook-counts">
        {t('webhooks.counts', { delivered: counts.delivered, pending: counts.pending + counts.sending, failed: counts.failed })}
      </p>
      {error && (
        <div className="state--error" role="alert">
          {error}
        </div>
      )}
      <div className="table-wrap">
        <table className="table" data-testid="webhook-deliveries">
          <thead>
            <tr>
              <th scope="col">{t('webhooks.col.time')}</th>
              <th scope="col">{t('webhooks.col.kind')}</th>
              <th scope="col">{t('webhooks.col.status')}</th>
              <th scope="col">{t('webhooks.col.attempts')}</th>
              <th scope="col">{t('webhooks.col.answer')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-testid="webhook-delivery" data-status={d.status}>
                <td>
                  <time dateTime={d.createdAt}>{fmt.dateTime(d.createdAt)}</time>
                </td>
                <td>
                  <code>{d.kind}</code>
                </td>
                <td>
                  <span className={`chip webhooks__status--${d.status}`}>{t(`webhooks.status.${d.status}` as MessageKey)}</span>
                  {d.status === 'pending' && d.nextAttemptAt && d.attempts > 0 && <div className="muted">{t('webhooks.nextTry', { at: fmt.dateTime(d.nextAttemptAt) })}</div>}
                </td>
                <td>{d.attempts}</td>
                <td className="webhooks__answer">
                  {d.lastStatus !== null && <code>HTTP {d.lastStatus}</code>}
                  {d.lastError && <div className="muted">{d.lastError}</div>}
                </td>
                <td>
                  {d.status !== 'sending' && (
                    <button
                      type="button"
                      className="btn btn--secondary"
                      onClick={() =>
                        redeliver(hook.id, d.id).then(
                          () => detail.reload(),
                          (e: unknown) => setError(errorText(e)),
                        )
                      }
                      data-testid="webhook-redeliver"
                    >
                      {t('webhooks.redeliver')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {deliveries.length === 0 && <div className="table-empty">{t('webhooks.noDeliveries')}</div>}
      </div>
    </div>
  );
}

function WebhookCard({ hook, onChanged }: { hook: WebhookRecord; onChanged(): void }) {
  const { t, fmt } = useI18n();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = (run: () => Promise<unknown>) => {
    setError(null);
    run().then(onChanged, (e: unknown) => setError(errorText(e)));
  };
  return (
    <li className="card webhooks__item" data-testid="webhook" data-id={hook.id}>
      <div className="webhooks__head">
        <div className="webhooks__what">
          <code className="webhooks__url">{hook.url}</code>
          <div className="muted">
            {hook.events.includes('*') ? t('webhooks.allEvents') : hook.events.join(', ')}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('webhooks.createdAt', { at: fmt.dateTime(hook.createdAt) })}
          </div>
        </div>
        <span className={hook.enabled ? 'chip webhooks__status--delivered' : 'chip webhooks__status--failed'}>{t(hook.enabled ? 'webhooks.enabled' : 'webhooks.disabled')}</span>
      </div>
      {hook.disabledReason && (
        <p className="state--error webhooks__note" role="alert" data-testid="webhook-disabled-note">
          {hook.disabledReason}
        </p>
      )}
      {hook.enabled && hook.failuresInARow > 0 && <p className="muted">{t('webhooks.failing', { count: hook.failuresInARow })}</p>}
      <div className="webhooks__actions">
        <button type="button" className="btn btn--secondary" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="webhook-open">
          {t(open ? 'webhooks.hideDeliveries' : 'webhooks.showDeliveries')}
        </button>
        <button type="button" className="btn btn--secondary" onClick={() => act(() => pingWebhook(hook.id))} data-testid="webhook-ping">
          {t('webhooks.ping')}
        </button>
        <button type="button" className="btn btn--secondary" onClick={() => act(() => changeWebhook(hook.id, { enabled: !hook.enabled }))} data-testid="webhook-toggle">
          {t(hook.enabled ? 'webhooks.disable' : 'webhooks.enable')}
        </button>
        <button
          type="button"
          className="btn btn--secondary"
          onClick={() => window.confirm(t('webhooks.confirmRemove', { url: hook.url })) && act(() => removeWebhook(hook.id))}
          data-testid="webhook-remove"
        >
          {t('webhooks.remove')}
        </button>
      </div>
      {error && (
        <div className="state--error" role="alert">
          {error}
        </div>
      )}
      {open && <Deliveries hook={hook} />}
    </li>
  );
}

/**
 * Outgoing webhooks: where Hearth posts what happens in the groups (a CRM, a shop,
 * n8n), with the event kinds each wants; the signing secret shown once; each one's
 * recent deliveries, their answers and failures, and a redeliver button.
 */
export function WebhooksPage({ workspace, canConfigure }: { workspace: Workspace; canConfigure: boolean }) {
  const { t } = useI18n();
  useDocumentTitle(t('webhooks.title'));
  const list = useResource((signal) => (canConfigure ? fetchWebhooks(workspace.slug, signal) : Promise.resolve(null)), [workspace.slug, canConfigure]);
  const [secret, setSecret] = useState<{ secret: string; url: string } | null>(null);
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('webhooks.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('webhooks.intro')}{' '}
            <a href="/api/docs" target="_blank" rel="noreferrer">
              {t('webhooks.apiReference')}
            </a>
          </p>
        </div>
      </header>
      {!canConfigure && <p className="state">{t('webhooks.needsConfigure')}</p>}
      {secret && (
        <section className="card webhooks__secret" role="status" data-testid="webhook-secret">
          <p>{t('webhooks.secretOnce', { url: secret.url })}</p>
          <code className="webhooks__secret-value">{secret.secret}</code>
          <p className="muted">{t('webhooks.howToVerify')}</p>
          <button type="button" className="btn btn--secondary" onClick={() => setSecret(null)}>
            {t('webhooks.secretSaved')}
          </button>
        </section>
      )}
      {canConfigure && list.data && (
        <NewWebhook
          workspace={workspace}
          kinds={list.data.eventKinds}
          onCreated={(s, url) => {
            setSecret({ secret: s, url });
            list.reload();
          }}
        />
      )}
      {canConfigure && !list.data && list.loading && <LoadingState what={t('webhooks.title')} />}
      {canConfigure && !list.data && list.error && <ErrorState what={t('webhooks.title')} error={list.error} onRetry={list.reload} />}
      {list.data && (
        <>
          {list.data.webhooks.length === 0 ? (
            <p className="table-empty" data-testid="webhooks-empty">
              {t('webhooks.none')}
            </p>
          ) : (
            <ul className="webhooks__list">
              {list.data.webhooks.map((h) => (
                <WebhookCard key={h.id} hook={h} onChanged={list.reload} />
              ))}
            </ul>
          )}
          <p className="muted">{t(`webhooks.targets.${list.data.privateTargets}` as MessageKey)}</p>
        </>
      )}
    </div>
  );
}

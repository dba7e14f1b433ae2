import { useState } from 'react';
import type { FormEvent } from 'react';
import { closeChain, fetchChain, fetchGroupChains, startChain } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { useResource } from '../use-resource.js';
import { chainExportHref, type ChainSummary } from './chain-api.js';

const REFRESH_MS = 30_000;

function stateKey(chain: Pick<ChainSummary, 'closed' | 'closeReason'>): MessageKey {
  if (!chain.closed) return 'chains.open';
  return chain.closeReason === 'full' ? 'chains.closed.full' : chain.closeReason === 'deadline' ? 'chains.closed.deadline' : 'chains.closed.operator';
}

/** One chain's entries in order, with closing and the CSV export. */
function ChainEntries({ id, open, onClosed }: { id: number; open: boolean; onClosed: () => void }) {
  const { t, fmt } = useI18n();
  const chain = useResource((signal) => fetchChain(id, signal), [id], { pollMs: REFRESH_MS });
  const [error, setError] = useState<string | null>(null);
  if (chain.loading) return <LoadingState what={t('what.chains')} />;
  if (!chain.data) return <ErrorState what={t('what.chains')} error={chain.error ?? new Error('?')} onRetry={chain.reload} />;
  const close = async () => {
    setError(null);
    try {
      await closeChain(id);
      chain.reload();
      onClosed();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="chains__entries">
      {chain.data.entries.length === 0 ? (
        <p className="muted">{t('chains.noEntries')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('chains.col.position')}</th>
                <th scope="col">{t('chains.col.member')}</th>
                <th scope="col">{t('chains.col.quantity')}</th>
                <th scope="col">{t('chains.col.note')}</th>
              </tr>
            </thead>
            <tbody>
              {chain.data.entries.map((e, i) => (
                <tr key={e.member.id}>
                  <td>{fmt.number(i + 1)}</td>
                  <td>{e.member.name}</td>
                  <td>{fmt.number(e.quantity)}</td>
                  <td>{e.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="chains__actions">
        <a className="btn btn--secondary" href={chainExportHref(id)} download>
          {t('chains.export')}
        </a>
        {open && !chain.data.closed ? (
          <button type="button" className="btn btn--secondary" onClick={close}>
            {t('chains.close')}
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="state--error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The chain sign-ups (接龙) of a group: live counts, each list in order, starting and closing one. */
export function GroupChainsCard({ groupId }: { groupId: number }) {
  const { t, fmt } = useI18n();
  const chains = useResource((signal) => fetchGroupChains(groupId, signal), [groupId], { pollMs: REFRESH_MS });
  const [shown, setShown] = useState<number | null>(null);
  const [title, setTitle] = useState('');
  const [quota, setQuota] = useState('');
  const [until, setUntil] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const started = await startChain(groupId, {
        title,
        quota: quota.trim() === '' ? null : Number(quota),
        until: until === '' ? null : new Date(until).toISOString(),
      });
      setTitle('');
      setQuota('');
      setUntil('');
      setShown(started.id);
      chains.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card chains" aria-labelledby="group-chains-title" data-testid="group-chains">
      <div className="card__head">
        <h2 id="group-chains-title" className="card__title">
          {t('chains.title')}
        </h2>
      </div>
      <p className="muted">{t('chains.intro')}</p>
      {chains.loading ? <LoadingState what={t('what.chains')} /> : null}
      {!chains.loading && !chains.data && chains.error ? <ErrorState what={t('what.chains')} error={chains.error} onRetry={chains.reload} /> : null}
      {chains.data && chains.data.chains.length === 0 ? <p className="muted">{t('chains.empty')}</p> : null}
      {chains.data && chains.data.chains.length > 0 ? (
        <ul className="chains__list">
          {chains.data.chains.map((c) => (
            <li key={c.id} className="chains__item">
              <div className="chains__row">
                <div className="chains__what">
                  <strong>{c.title}</strong>
                  <span className={`chip chains__state chains__state--${c.closed ? 'closed' : 'open'}`}>{t(stateKey(c))}</span>
                </div>
                <div className="chains__figures muted">
                  <span>{c.quota === null ? t('chains.countNoQuota', { taken: fmt.number(c.taken) }) : t('chains.count', { taken: fmt.number(c.taken), quota: fmt.number(c.quota) })}</span>
                  <span>{t('chains.entries', { count: fmt.number(c.entries) })}</span>
                  {c.deadline && !c.closed ? <span>{t('chains.until', { time: fmt.dateTime(c.deadline) })}</span> : null}
                </div>
                <button type="button" className="btn btn--secondary chains__toggle" aria-expanded={shown === c.id} onClick={() => setShown(shown === c.id ? null : c.id)}>
                  {shown === c.id ? t('chains.hide') : t('chains.show')}
                </button>
              </div>
              {shown === c.id ? <ChainEntries id={c.id} open={!c.closed} onClosed={chains.reload} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <form className="chains__form" onSubmit={submit}>
        <label className="field">
          <span className="field__label">{t('chains.field.title')}</span>
          <input className="input" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
        </label>
        <label className="field">
          <span className="field__label">{t('chains.field.quota')}</span>
          <input className="input" type="number" inputMode="numeric" min={1} step={1} value={quota} onChange={(e) => setQuota(e.target.value)} />
        </label>
        <label className="field">
          <span className="field__label">{t('chains.field.until')}</span>
          <input className="input" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
        <button type="submit" className="btn btn--primary" disabled={busy || title.trim() === ''}>
          {t('chains.start')}
        </button>
      </form>
      {error ? (
        <p className="state--error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

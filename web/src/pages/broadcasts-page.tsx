import { useState } from 'react';
import type { FormEvent } from 'react';
import { broadcastMessage } from '../../../src/shared/broadcast-records.js';
import { GROUP_PURPOSES } from '../../../src/shared/group-profile-terms.js';
import type { BroadcastRecord } from '../../../src/shared/broadcast-records.js';
import type { Workspace } from '../api-client.js';
import { fetchGroupSets } from '../api-client.js';
import { cancelBroadcast, fetchBroadcast, fetchBroadcasts, selectGroups, sendBroadcast } from '../broadcasts/broadcasts-api.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

/** While a broadcast is going out its page follows it closely; otherwise the list refreshes slowly. */
const LIVE_MS = 1_000;
const LIST_MS = 15_000;

const statusKey = (status: BroadcastRecord['status']) => `broadcasts.status.${status}` as MessageKey;

/** Sent, failed and pending as one bar, with the figures beside it. */
function Progress({ b }: { b: Pick<BroadcastRecord, 'total' | 'sent' | 'failed' | 'pending'> }) {
  const { t, fmt } = useI18n();
  const share = (n: number) => `${b.total > 0 ? (n / b.total) * 100 : 0}%`;
  return (
    <div className="broadcasts__progress">
      <div className="broadcasts__bar" aria-hidden="true">
        <span className="broadcasts__bar-sent" style={{ width: share(b.sent) }} />
        <span className="broadcasts__bar-failed" style={{ width: share(b.failed) }} />
      </div>
      <span className="muted" data-testid="broadcast-progress">
        {t('broadcasts.progress', { sent: fmt.number(b.sent), failed: fmt.number(b.failed), pending: fmt.number(b.pending), total: fmt.number(b.total) })}
      </span>
    </div>
  );
}

/** One broadcast: its progress, followed live while it goes out, and each group's result. */
function BroadcastDetail({ id, canAct, onChanged }: { id: number; canAct: boolean; onChanged: () => void }) {
  const { t, fmt } = useI18n();
  const [live, setLive] = useState(true);
  const shown = useResource(
    async (signal) => {
      const b = await fetchBroadcast(id, signal);
      setLive(b.status === 'sending' || b.status === 'scheduled');
      return b;
    },
    [id],
    { pollMs: live ? LIVE_MS : LIST_MS },
  );
  const [error, setError] = useState<string | null>(null);
  const b = shown.data;
  if (!b) return shown.error ? <ErrorState what={t('what.broadcasts')} error={shown.error} onRetry={shown.reload} /> : <LoadingState what={t('what.broadcasts')} />;
  const cancel = async () => {
    setError(null);
    try {
      await cancelBroadcast(id);
      shown.reload();
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="card" data-testid="broadcast-detail" data-status={b.status}>
      <div className="card__head">
        <h2 className="card__title">{t('broadcasts.detail', { id: b.id })}</h2>
        <span className={`badge broadcasts__status broadcasts__status--${b.status}`} data-testid="broadcast-status">
          {t(statusKey(b.status))}
        </span>
      </div>
      <p className="broadcasts__text">{b.text}</p>
      {b.link && <p className="muted broadcasts__text">{b.link}</p>}
      {b.sendAt && <p className="muted">{t('broadcasts.sendAt', { time: fmt.dateTime(b.sendAt) })}</p>}
      <Progress b={b} />
      {canAct && b.status === 'scheduled' && (
        <button type="button" className="btn btn--secondary" onClick={cancel}>
          {t('broadcasts.cancel')}
        </button>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {shown.error && <RefreshErrorBanner error={shown.error} />}
      <div className="table-wrap">
        <table className="table" data-testid="broadcast-groups">
          <thead>
            <tr>
              <th scope="col">{t('broadcasts.col.group')}</th>
              <th scope="col">{t('broadcasts.col.result')}</th>
              <th scope="col">{t('broadcasts.col.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {b.groups?.map((g) => (
              <tr key={g.groupId} data-testid="broadcast-group" data-status={g.status}>
                <td>
                  <Link to={`/groups/${g.groupId}`}>{g.groupName}</Link>
                </td>
                <td>
                  <span className={`badge broadcasts__result broadcasts__result--${g.status}`}>{t(`broadcasts.result.${g.status}` as MessageKey)}</span>
                </td>
                <td className="broadcasts__reason">{g.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Compose: the text (placeholders filled per group, previewed), a link, a set of groups, now or at a time. */
function Compose({ workspace, onSent }: { workspace: Workspace; onSent: (b: BroadcastRecord) => void }) {
  const { t, fmt } = useI18n();
  const sets = useResource((signal) => fetchGroupSets(workspace.slug, signal), [workspace.slug]);
  const [set, setSet] = useState('');
  const [purpose, setPurpose] = useState('');
  const [text, setText] = useState('');
  const [link, setLink] = useState('');
  const [at, setAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = set || sets.data?.sets[0]?.tag || '';
  // A segment of the set: only its groups for one purpose.
  const selector = { sets: [chosen], ...(purpose ? { purpose } : {}) };
  const reach = useResource((signal) => (chosen ? selectGroups(workspace.slug, selector, signal) : Promise.resolve({ groups: [] })), [workspace.slug, chosen, purpose]);
  const sample = { group: t('broadcasts.sampleGroup'), members: 128 };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const sent = await sendBroadcast(workspace.slug, { text, link: link.trim() || null, selector, at: at ? new Date(at).toISOString() : null });
      setText('');
      setLink('');
      setAt('');
      onSent(sent);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <div className="card__head">
        <h2 className="card__title">{t('broadcasts.compose')}</h2>
      </div>
      <form className="broadcasts__form" onSubmit={submit}>
        <label className="field">
          <span className="field__label">{t('broadcasts.field.set')}</span>
          <select className="input" value={chosen} onChange={(e) => setSet(e.target.value)} data-testid="broadcast-set">
            {sets.data?.sets.length === 0 && <option value="">{t('broadcasts.noSets')}</option>}
            {sets.data?.sets.map((s) => (
              <option key={s.tag} value={s.tag}>
                {t('broadcasts.setOption', { set: s.tag, count: fmt.number(s.groups) })}
              </option>
            ))}
          </select>
          <span className="muted" data-testid="broadcast-reach">
            {reach.data ? t('broadcasts.reach', { count: fmt.number(reach.data.groups.length) }) : ''}
          </span>
        </label>
        <label className="field">
          <span className="field__label">{t('broadcasts.field.purpose')}</span>
          <select className="input" value={purpose} onChange={(e) => setPurpose(e.target.value)} data-testid="broadcast-purpose">
            <option value="">{t('broadcasts.anyPurpose')}</option>
            {GROUP_PURPOSES.map((p) => (
              <option key={p} value={p}>
                {t(`purpose.${p}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field broadcasts__wide">
          <span className="field__label">{t('broadcasts.field.text')}</span>
          <textarea className="input" rows={4} value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} required data-testid="broadcast-text" />
          <span className="muted">{t('broadcasts.placeholders')}</span>
        </label>
        <label className="field">
          <span className="field__label">{t('broadcasts.field.link')}</span>
          <input className="input" type="url" value={link} onChange={(e) => setLink(e.target.value)} placeholder="https://" data-testid="broadcast-link" />
        </label>
        <label className="field">
          <span className="field__label">{t('broadcasts.field.at')}</span>
          <input className="input" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} data-testid="broadcast-at" />
        </label>
        {text.trim() && (
          <div className="broadcasts__wide">
            <span className="field__label">{t('broadcasts.preview')}</span>
            <p className="broadcasts__preview" data-testid="broadcast-preview">
              {broadcastMessage(text, link.trim() || null, sample)}
            </p>
          </div>
        )}
        <div className="broadcasts__wide">
          <button type="submit" className="btn btn--primary" disabled={busy || !chosen || text.trim() === ''} data-testid="broadcast-send">
            {at ? t('broadcasts.schedule') : t('broadcasts.send')}
          </button>
        </div>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Broadcasts: compose one post for a group set, follow it going out, and read each group's result. */
export function BroadcastsPage({ workspace, canAct }: { workspace: Workspace; canAct: boolean }) {
  const { t, fmt } = useI18n();
  useDocumentTitle(t('broadcasts.title'));
  const list = useResource((signal) => fetchBroadcasts(workspace.slug, signal), [workspace.slug], { pollMs: LIST_MS });
  const [open, setOpen] = useState<number | null>(null);
  const broadcasts = list.data?.broadcasts;
  const shown = open ?? broadcasts?.[0]?.id ?? null;

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('broadcasts.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('broadcasts.intro')}
          </p>
        </div>
      </header>
      {canAct && (
        <Compose
          workspace={workspace}
          onSent={(b) => {
            setOpen(b.id);
            list.reload();
          }}
        />
      )}
      {shown !== null && <BroadcastDetail key={shown} id={shown} canAct={canAct} onChanged={list.reload} />}
      {!broadcasts && list.loading && <LoadingState what={t('what.broadcasts')} />}
      {!broadcasts && list.error && <ErrorState what={t('what.broadcasts')} error={list.error} onRetry={list.reload} />}
      {broadcasts && (
        <section className="card">
          <div className="card__head">
            <h2 className="card__title">{t('broadcasts.history')}</h2>
          </div>
          {list.error && <RefreshErrorBanner error={list.error} />}
          <div className="table-wrap">
            <table className="table" data-testid="broadcasts-table">
              <thead>
                <tr>
                  <th scope="col">{t('broadcasts.col.created')}</th>
                  <th scope="col">{t('broadcasts.col.text')}</th>
                  <th scope="col">{t('broadcasts.col.status')}</th>
                  <th scope="col">{t('broadcasts.col.progress')}</th>
                </tr>
              </thead>
              <tbody>
                {broadcasts.map((b) => (
                  <tr key={b.id} data-testid="broadcast-row" data-id={b.id} className={b.id === shown ? 'is-selected' : undefined}>
                    <td>
                      <time dateTime={b.createdAt}>{fmt.dateTime(b.createdAt)}</time>
                    </td>
                    <td className="broadcasts__cell-text">
                      <button type="button" className="link-button" onClick={() => setOpen(b.id)} aria-pressed={b.id === shown}>
                        {b.text.length > 80 ? `${b.text.slice(0, 80)}…` : b.text}
                      </button>
                    </td>
                    <td>
                      <span className={`badge broadcasts__status broadcasts__status--${b.status}`}>{t(statusKey(b.status))}</span>
                    </td>
                    <td>
                      <Progress b={b} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {broadcasts.length === 0 && <div className="table-empty">{t('broadcasts.empty')}</div>}
          </div>
        </section>
      )}
    </div>
  );
}

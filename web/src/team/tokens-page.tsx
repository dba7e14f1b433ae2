import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Workspace } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';
import { createToken, fetchTokens, revokeToken, TOKEN_SCOPES } from './team-api.js';
import type { TokenRecord, TokenScope } from './team-api.js';
import { SecretOnce, useTeamAction } from './team-actions.js';

/** Whether a token still works, as of the page's last load. */
function tokenState(token: TokenRecord, now: number): 'live' | 'revoked' | 'expired' {
  if (token.revokedAt) return 'revoked';
  return token.expiresAt && Date.parse(token.expiresAt) <= now ? 'expired' : 'live';
}

function NewToken({ workspace, allowed, onCreated }: { workspace: Workspace; allowed: TokenScope[]; onCreated(secret: string, name: string): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<TokenScope[]>(['read']);
  const [days, setDays] = useState(90);
  const { busy, run, problem } = useTeamAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(
      () => createToken(workspace.slug, { name: name.trim(), scopes, ...(days ? { expiresInDays: days } : {}) }),
      (made) => {
        setName('');
        onCreated(made.token, made.info.name);
      },
    );
  };
  return (
    <form className="card team__form" onSubmit={submit} data-testid="token-form">
      <h2 className="card__title">{t('tokens.create')}</h2>
      <label className="field">
        <span className="field__label">{t('tokens.name')}</span>
        <input className="input" required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder={t('tokens.namePlaceholder')} data-testid="token-name" />
      </label>
      <fieldset className="team__groups">
        <legend className="field__label">{t('tokens.scopes')}</legend>
        {allowed.map((s) => (
          <label key={s} className="team__check">
            <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((p) => (e.target.checked ? [...p, s] : p.filter((x) => x !== s)))} data-testid={`token-scope-${s}`} />{' '}
            {t(`tokens.scope.${s}` as MessageKey)}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span className="field__label">{t('tokens.expires')}</span>
        <select className="input select" value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="token-days">
          {[7, 30, 90, 365].map((d) => (
            <option key={d} value={d}>
              {t('team.days', { days: d })}
            </option>
          ))}
          <option value={0}>{t('tokens.never')}</option>
        </select>
      </label>
      <button type="submit" className="btn btn--primary" disabled={busy || !name.trim() || scopes.length === 0} data-testid="token-create">
        {t('tokens.createButton')}
      </button>
      {problem}
    </form>
  );
}

function TokenCard({ token, now, onChanged }: { token: TokenRecord; now: number; onChanged(): void }) {
  const { t, fmt } = useI18n();
  const { run, problem } = useTeamAction();
  const state = tokenState(token, now);
  return (
    <li className="card team__item" data-testid="token" data-name={token.name} data-state={state}>
      <div className="team__head">
        <div className="team__who">
          <strong>{token.name}</strong> <code>{token.prefix}…</code>
          <div className="muted">
            {token.scopes.map((s) => t(`tokens.scope.${s}` as MessageKey)).join(', ')}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('tokens.createdBy', { who: token.createdBy ?? '—', at: fmt.dateTime(token.createdAt) })}
          </div>
          <div className="muted">
            {token.expiresAt ? t('tokens.expiresAt', { at: fmt.dateTime(token.expiresAt) }) : t('tokens.noExpiry')}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {token.lastUsedAt ? t('tokens.lastUsed', { at: fmt.dateTime(token.lastUsedAt) }) : t('tokens.neverUsed')}
          </div>
        </div>
        <span className={`chip team__status--${state === 'live' ? 'accepted' : 'off'}`}>{t(`tokens.state.${state}` as MessageKey)}</span>
      </div>
      {state === 'live' && (
        <div className="team__actions">
          <button
            type="button"
            className="btn btn--secondary"
            onClick={() => window.confirm(t('tokens.confirmRevoke', { name: token.name })) && run(() => revokeToken(token.id), onChanged)}
            data-testid="token-revoke"
          >
            {t('tokens.revoke')}
          </button>
        </div>
      )}
      {problem}
    </li>
  );
}

/**
 * API tokens for scripts: create one with scopes and an expiry (its secret is shown
 * once), see who made each and when it was last used, and revoke it.
 */
export function TokensPage({ workspace, permissions }: { workspace: Workspace; permissions: string[] }) {
  const { t } = useI18n();
  useDocumentTitle(t('tokens.title'));
  const canManage = permissions.includes('manage');
  const list = useResource((signal) => (canManage ? fetchTokens(workspace.slug, signal) : Promise.resolve(null)), [workspace.slug, canManage]);
  const [secret, setSecret] = useState<{ secret: string; name: string } | null>(null);
  const allowed = TOKEN_SCOPES.filter((s) => permissions.includes(s));
  const now = Date.now();
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('tokens.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('tokens.intro')}{' '}
            <a href="/api/docs" target="_blank" rel="noreferrer">
              {t('webhooks.apiReference')}
            </a>
          </p>
        </div>
      </header>
      {!canManage && <p className="state">{t('tokens.needsManage')}</p>}
      {secret && <SecretOnce testId="token-secret" intro={t('tokens.secretOnce', { name: secret.name })} value={secret.secret} hint={t('tokens.howToUse')} onDone={() => setSecret(null)} />}
      {canManage && (
        <NewToken
          workspace={workspace}
          allowed={allowed}
          onCreated={(s, name) => {
            setSecret({ secret: s, name });
            list.reload();
          }}
        />
      )}
      {canManage && !list.data && (list.error ? <ErrorState what={t('tokens.title')} error={list.error} onRetry={list.reload} /> : <LoadingState what={t('tokens.title')} />)}
      {list.data &&
        (list.data.tokens.length === 0 ? (
          <p className="table-empty">{t('tokens.none')}</p>
        ) : (
          <ul className="team__list">
            {list.data.tokens.map((tk) => (
              <TokenCard key={tk.id} token={tk} now={now} onChanged={list.reload} />
            ))}
          </ul>
        ))}
    </div>
  );
}

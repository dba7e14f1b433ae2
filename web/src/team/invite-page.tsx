import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, fetchSession, signIn } from '../api-client.js';
import type { SessionInfo } from '../api-client.js';
import { describeError, LoadingState } from '../components/status-views.js';
import { LOCALES, useI18n } from '../i18n.js';
import type { Locale, MessageKey } from '../i18n.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';
import { acceptInvitation, fetchInvitation, joinInvitation } from './team-api.js';

/**
 * The page an invitation link opens, with or without a session: the invited person
 * sets their password (or, with an account already, gives theirs) and is signed in.
 */
export function InvitePage({ token, onSignedIn }: { token: string; onSignedIn(session: SessionInfo): void }) {
  const { t, fmt, locale, setLocale } = useI18n();
  useDocumentTitle(t('invite.title'));
  const offer = useResource((signal) => fetchInvitation(token, signal), [token]);
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const data = offer.data;
    if (!data) return;
    if (!data.hasAccount && password !== again) {
      setProblem(t('invite.mismatch'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      if (data.hasAccount) {
        await signIn(data.email, password);
        await joinInvitation(token);
      } else {
        await acceptInvitation(token, password);
      }
      // Reads the new session's CSRF token too.
      onSignedIn(await fetchSession());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setProblem(t('login.wrong'));
      else setProblem(error instanceof ApiError && error.detail ? error.detail : describeError(error instanceof Error ? error : new Error(String(error))));
    } finally {
      setBusy(false);
    }
  };

  const data = offer.data;
  return (
    <div className="login">
      <form className="card login__card" onSubmit={(e) => void submit(e)} noValidate data-testid="invite-form">
        <h1 className="login__title">{t('invite.title')}</h1>
        {!data && offer.loading && <LoadingState what={t('invite.what')} />}
        {!data && offer.error && (
          <div className="login__error" role="alert" data-testid="invite-dead">
            {t('invite.dead')}
          </div>
        )}
        {data && (
          <>
            <p data-testid="invite-offer">{t('invite.offer', { workspace: data.workspace, role: t(`team.role.${data.role}` as MessageKey) })}</p>
            <p className="muted">{t('invite.expires', { at: fmt.dateTime(data.expiresAt) })}</p>
            <label className="field">
              <span className="field__label">{t('login.email')}</span>
              <input className="input" type="email" autoComplete="username" value={data.email} readOnly data-testid="invite-email" />
            </label>
            <label className="field">
              <span className="field__label">{t(data.hasAccount ? 'invite.yourPassword' : 'invite.newPassword')}</span>
              <input
                className="input"
                type="password"
                autoComplete={data.hasAccount ? 'current-password' : 'new-password'}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                maxLength={1024}
                required
                data-testid="invite-password"
              />
            </label>
            {!data.hasAccount && (
              <label className="field">
                <span className="field__label">{t('invite.again')}</span>
                <input
                  className="input"
                  type="password"
                  autoComplete="new-password"
                  value={again}
                  onChange={(e) => setAgain(e.target.value)}
                  maxLength={1024}
                  required
                  data-testid="invite-password-again"
                />
              </label>
            )}
            {!data.hasAccount && <p className="muted">{t('invite.passwordRule')}</p>}
            {problem && (
              <div className="login__error" role="alert" data-testid="invite-error">
                {problem}
              </div>
            )}
            <button type="submit" className="btn btn--primary btn--block" disabled={busy || !password} data-testid="invite-submit">
              {t(data.hasAccount ? 'invite.join' : 'invite.accept')}
            </button>
          </>
        )}
        <select className="input select login__lang" value={locale} onChange={(e) => setLocale(e.target.value as Locale)} aria-label={t('header.language')} data-testid="invite-lang">
          {LOCALES.map((l) => (
            <option key={l.code} value={l.code} lang={l.code}>
              {l.label}
            </option>
          ))}
        </select>
      </form>
    </div>
  );
}

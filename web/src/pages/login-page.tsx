import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, signIn } from '../api-client.js';
import type { SessionInfo } from '../api-client.js';
import { describeError } from '../components/status-views.js';
import { LOCALES, useI18n } from '../i18n.js';
import type { Locale } from '../i18n.js';
import { useDocumentTitle } from '../use-document-title.js';

/** The sign-in form, shown instead of any page while nobody is signed in. */
export function LoginPage({ onSignedIn }: { onSignedIn(session: SessionInfo): void }) {
  const { t, locale, setLocale } = useI18n();
  useDocumentTitle(t('login.title'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const session = await signIn(email.trim(), password);
      setPassword('');
      onSignedIn(session);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setProblem(t('login.wrong'));
      else if (error instanceof ApiError && error.status === 429) {
        const minutes = Number(/(\d+) minutes/.exec(error.detail ?? '')?.[1] ?? 15);
        setProblem(t('login.tooMany', { minutes }));
      } else setProblem(t('login.failed', { message: describeError(error instanceof Error ? error : new Error(String(error))) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="card login__card" onSubmit={(e) => void onSubmit(e)} noValidate>
        <h1 className="login__title">{t('login.title')}</h1>
        <p className="muted">{t('login.intro')}</p>
        <label className="field">
          <span className="field__label">{t('login.email')}</span>
          <input className="input" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={320} required autoFocus data-testid="login-email" />
        </label>
        <label className="field">
          <span className="field__label">{t('login.password')}</span>
          <input
            className="input"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            maxLength={1024}
            required
            data-testid="login-password"
          />
        </label>
        {problem && (
          <div className="login__error" role="alert" data-testid="login-error">
            {problem}
          </div>
        )}
        <button type="submit" className="btn btn--primary btn--block" disabled={busy || !email.trim() || !password} data-testid="login-submit">
          {busy ? t('login.busy') : t('login.submit')}
        </button>
        <p className="login__hint muted">{t('login.demoHint')}</p>
        <select className="input select login__lang" value={locale} onChange={(e) => setLocale(e.target.value as Locale)} aria-label={t('header.language')} data-testid="login-lang">
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

import { useCallback, useEffect, useState } from 'react';
import type { FormEvent, MouseEvent } from 'react';
import { ApiError, completeSetup, fetchSetupState } from '../api-client.js';
import type { SessionInfo } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { LOCALES, useI18n } from '../i18n.js';
import type { Locale } from '../i18n.js';
import { navigate } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { LoginPage } from './login-page.js';

/** The token from the link `hearth serve` printed: `/setup#token=…` (a fragment never reaches the server's logs). */
function tokenFromLink(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

type Gate = { status: 'loading' } | { status: 'setup' } | { status: 'login' } | { status: 'error'; error: Error };

/**
 * What someone who is not signed in sees: the first-run setup while nobody can sign in
 * yet (no operator exists), else the sign-in form.
 */
export function SignedOutPage({ onSignedIn }: { onSignedIn(session: SessionInfo): void }) {
  const { t } = useI18n();
  const [gate, setGate] = useState<Gate>({ status: 'loading' });
  const load = useCallback((signal?: AbortSignal) => {
    setGate({ status: 'loading' });
    fetchSetupState(signal).then(
      (state) => setGate({ status: state.needed ? 'setup' : 'login' }),
      (error: unknown) => {
        if (!signal?.aborted) setGate({ status: 'error', error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
  }, []);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);
  switch (gate.status) {
    case 'loading':
      return (
        <div className="page">
          <LoadingState what={t('what.session')} />
        </div>
      );
    case 'error':
      return (
        <div className="page">
          <ErrorState what={t('what.session')} error={gate.error} onRetry={() => load()} />
        </div>
      );
    case 'login':
      return <LoginPage onSignedIn={onSignedIn} />;
    case 'setup':
      return <SetupPage onSignedIn={onSignedIn} onAlreadyDone={() => setGate({ status: 'login' })} />;
  }
}

function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <select className="input select login__lang" value={locale} onChange={(e) => setLocale(e.target.value as Locale)} aria-label={t('header.language')} data-testid="setup-lang">
      {LOCALES.map((l) => (
        <option key={l.code} value={l.code} lang={l.code}>
          {l.label}
        </option>
      ))}
    </select>
  );
}

/**
 * The first run: the owner's account and the first workspace, with the one-time token
 * the server printed; then where to go next (connect a platform, import history).
 */
export function SetupPage({ onSignedIn, onAlreadyDone }: { onSignedIn(session: SessionInfo): void; onAlreadyDone(): void }) {
  const { t } = useI18n();
  useDocumentTitle(t('setup.title'));
  const [token, setToken] = useState(tokenFromLink);
  const [workspace, setWorkspace] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<(SessionInfo & { workspace: { name: string } }) | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const session = await completeSetup({ token: token.trim(), email: email.trim(), password, workspace: workspace.trim() });
      setPassword('');
      // The token is spent: keep it out of the address bar and the history.
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      setDone(session);
    } catch (error) {
      if (error instanceof ApiError && error.status === 410) onAlreadyDone();
      else if (error instanceof ApiError && error.status === 403) setProblem(t('setup.badToken'));
      else setProblem(t('setup.failed', { message: error instanceof ApiError && error.detail ? error.detail : String(error) }));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    const go = (to: string) => (event: MouseEvent<HTMLAnchorElement>) => {
      event.preventDefault();
      navigate(to);
      onSignedIn(done);
    };
    return (
      <div className="login">
        <div className="card login__card" data-testid="setup-next">
          <h1 className="login__title">{t('setup.nextTitle', { email: done.operator.email })}</h1>
          <p className="muted">{t('setup.nextIntro', { workspace: done.workspace.name })}</p>
          <a className="setup__step" href="/connections" onClick={go('/connections')} data-testid="setup-connect">
            <strong>{t('setup.connect')}</strong>
            <span className="muted">{t('setup.connectHint')}</span>
          </a>
          <a className="setup__step" href="/import" onClick={go('/import')} data-testid="setup-import">
            <strong>{t('setup.import')}</strong>
            <span className="muted">{t('setup.importHint')}</span>
          </a>
          <a className="btn btn--secondary btn--block" href="/" onClick={go('/')} data-testid="setup-later">
            {t('setup.later')}
          </a>
          <LanguageSwitch />
        </div>
      </div>
    );
  }

  return (
    <div className="login">
      <form className="card login__card" onSubmit={(e) => void onSubmit(e)} noValidate data-testid="setup-form">
        <h1 className="login__title">{t('setup.title')}</h1>
        <p className="muted">{t('setup.intro')}</p>
        <label className="field">
          <span className="field__label">{t('setup.token')}</span>
          <input className="input" value={token} onChange={(e) => setToken(e.target.value)} maxLength={200} required autoComplete="off" spellCheck={false} data-testid="setup-token" />
          <span className="muted setup__hint">{t('setup.tokenHint')}</span>
        </label>
        <label className="field">
          <span className="field__label">{t('setup.workspace')}</span>
          <input className="input" value={workspace} onChange={(e) => setWorkspace(e.target.value)} maxLength={80} required autoFocus data-testid="setup-workspace" />
        </label>
        <label className="field">
          <span className="field__label">{t('setup.email')}</span>
          <input className="input" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={320} required data-testid="setup-email" />
        </label>
        <label className="field">
          <span className="field__label">{t('setup.password')}</span>
          <input className="input" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} maxLength={1024} required data-testid="setup-password" />
        </label>
        {problem && (
          <div className="login__error" role="alert" data-testid="setup-error">
            {problem}
          </div>
        )}
        <button type="submit" className="btn btn--primary btn--block" disabled={busy || !token.trim() || !workspace.trim() || !email.trim() || !password} data-testid="setup-submit">
          {busy ? t('setup.busy') : t('setup.submit')}
        </button>
        <LanguageSwitch />
      </form>
    </div>
  );
}

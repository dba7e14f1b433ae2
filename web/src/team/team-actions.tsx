import { useState } from 'react';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n.js';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * One button's or form's call to the API: whether it is under way, and the server's
 * refusal in its own words (a role the caller may not give, a link already used).
 */
export function useTeamAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = <T,>(call: () => Promise<T>, done: (result: T) => void) => {
    setBusy(true);
    setError(null);
    call().then(
      (result) => {
        setBusy(false);
        done(result);
      },
      (e: unknown) => {
        setBusy(false);
        setError(errorText(e));
      },
    );
  };
  const problem = error ? (
    <div className="state--error" role="alert">
      {error}
    </div>
  ) : null;
  return { busy, run, problem };
}

/** A secret the server answers once (an invitation link, a token): shown until the operator says it is saved. */
export function SecretOnce({ testId, intro, value, hint, onDone }: { testId: string; intro: string; value: string; hint?: ReactNode; onDone(): void }) {
  const { t } = useI18n();
  return (
    <section className="card team__secret" role="status" data-testid={testId}>
      <p>{intro}</p>
      <code className="team__secret-value">{value}</code>
      {hint && <p className="muted">{hint}</p>}
      <div className="team__actions">
        <button type="button" className="btn btn--secondary" onClick={() => void navigator.clipboard?.writeText(value)}>
          {t('team.copy')}
        </button>
        <button type="button" className="btn btn--secondary" onClick={onDone}>
          {t('team.linkSaved')}
        </button>
      </div>
    </section>
  );
}

import type { BotAction } from '../api-client.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import type { SandboxOutcome } from './sandbox-composer.js';

/** Fields every action has or that are shown separately; the rest are listed as details. */
const SHOWN_ELSEWHERE = new Set(['type', 'text', 'groupId']);

function details(action: BotAction): Array<[string, string]> {
  return Object.entries(action)
    .filter(([key, value]) => !SHOWN_ELSEWHERE.has(key) && value !== undefined && value !== null)
    .filter(([, value]) => !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
}

/** Shows the actions the bot returned for the operator's last sandbox move. */
export function BotResponse({ outcome }: { outcome: SandboxOutcome | null }) {
  const { t, tx, fmt } = useI18n();
  return (
    <section className="card bot-response" aria-labelledby="bot-response-title" data-testid="sandbox-response">
      <h2 id="bot-response-title" className="card__title">
        {t('sandbox.response')}
      </h2>
      {!outcome ? (
        <p className="muted">{t('sandbox.responseEmpty')}</p>
      ) : (
        <>
          <p className="bot-response__to">
            {tx('sandbox.responseTo', {
              what: t(`sandbox.did.${outcome.what}` as MessageKey),
              name: <strong>{outcome.member}</strong>,
            })}
            <span className="muted"> · {fmt.time(new Date(outcome.at).toISOString())}</span>
          </p>
          {outcome.actions.length === 0 ? (
            <p className="muted">{t('sandbox.responseNone')}</p>
          ) : (
            <ol className="actions">
              {outcome.actions.map((action, i) => (
                <li key={i} className="action" data-testid="sandbox-action" data-action-type={action.type}>
                  <code className={`action__type action__type--${action.type === 'send_message' ? 'send' : 'other'}`}>{action.type}</code>
                  {typeof action.text === 'string' && <div className="action__text">{action.text}</div>}
                  {details(action).length > 0 && (
                    <dl className="action__details">
                      {details(action).map(([key, value]) => (
                        <div key={key}>
                          <dt>{key}</dt>
                          <dd>{value}</dd>
                        </div>
                      ))}
                    </dl>
                  )}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}

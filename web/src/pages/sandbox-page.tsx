import { useCallback, useState } from 'react';
import { fetchSandboxGroups, fetchSandboxLog } from '../api-client.js';
import type { SandboxGroup } from '../api-client.js';
import { BotResponse } from '../components/bot-response.js';
import { SandboxComposer } from '../components/sandbox-composer.js';
import type { SandboxOutcome } from '../components/sandbox-composer.js';
import { SandboxLog } from '../components/sandbox-log.js';
import { ErrorState, LoadingState, describeError } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import { Link, setQueryParam } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

/** The simulated community talks continuously; a few seconds keeps it feeling live. */
const POLL_MS = 3_000;
const LOG_LIMIT = 200;

function Conversation({ group, groups }: { group: SandboxGroup; groups: SandboxGroup[] }) {
  const { t, fmt } = useI18n();
  const log = useResource((signal) => fetchSandboxLog(group.id, LOG_LIMIT, signal), [group.id], { pollMs: POLL_MS });
  const [outcome, setOutcome] = useState<SandboxOutcome | null>(null);
  const { reload } = log;

  const onOutcome = useCallback(
    (next: SandboxOutcome) => {
      setOutcome(next);
      // Show the member's move and the bot's reply now rather than at the next poll.
      reload();
    },
    [reload],
  );

  const entries = log.data?.entries;
  return (
    <div className="sandbox-layout">
      <section className="card chat" aria-label={t('sandbox.title')}>
        <div className="chat__head">
          <label className="field field--inline">
            <span className="field__label">{t('sandbox.group')}</span>
            <select className="input select" value={group.id} onChange={(e) => setQueryParam('group', e.target.value)} data-testid="sandbox-group">
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
          <div className="chat__status">
            {log.error && entries ? (
              <span className="live live--error" title={describeError(log.error)}>
                {t('state.refreshFailed', { message: describeError(log.error) })}
              </span>
            ) : (
              <span className="live" title={log.updatedAt ? t('state.updated', { time: fmt.time(new Date(log.updatedAt).toISOString()) }) : undefined}>
                <span className="live__dot" aria-hidden="true" />
                {t('sandbox.live')}
              </span>
            )}
            {entries && <span className="muted">{t('sandbox.showing', { count: fmt.number(entries.length) })}</span>}
            <Link to={`/groups/${group.id}`} className="chat__group-link">
              {t('sandbox.openOverview')} →
            </Link>
          </div>
        </div>
        {!entries && log.loading && <LoadingState what={t('what.sandboxLog')} />}
        {!entries && log.error && <ErrorState what={t('what.sandboxLog')} error={log.error} onRetry={log.reload} />}
        {entries && <SandboxLog key={group.id} entries={entries} />}
        <SandboxComposer groupId={group.id} onOutcome={onOutcome} />
      </section>
      <aside className="sandbox-layout__side">
        <BotResponse outcome={outcome} />
      </aside>
    </div>
  );
}

/** Chat in a sandbox group as simulated members and watch the bot respond. */
export function SandboxPage({ requestedGroup }: { requestedGroup: string | null }) {
  const { t } = useI18n();
  useDocumentTitle(t('sandbox.title'));
  const groups = useResource((signal) => fetchSandboxGroups(signal), []);
  const list = groups.data?.groups;
  const selected = list?.find((g) => String(g.id) === requestedGroup) ?? list?.[0];

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('sandbox.title')}</h1>
          <p className="page-head__sub">{t('sandbox.intro')}</p>
        </div>
      </header>
      {!list && groups.loading && <LoadingState what={t('what.sandboxGroups')} />}
      {!list && groups.error && <ErrorState what={t('what.sandboxGroups')} error={groups.error} onRetry={groups.reload} />}
      {list && !selected && <div className="state">{t('sandbox.noGroups')}</div>}
      {list && selected && <Conversation key={selected.id} group={selected} groups={list} />}
    </div>
  );
}

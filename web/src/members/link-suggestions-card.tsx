import { useState } from 'react';
import type { Workspace } from '../api-client.js';
import { PlatformBadge } from '../components/platform-badge.js';
import { describeError, ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useResource } from '../use-resource.js';
import { fetchLinkSuggestions, linkMembers } from './member-api.js';
import type { LinkSuggestionRecord, MemberDetailRecord } from './member-api.js';

const REASONS: Record<string, MessageKey> = { 'same username': 'members.reason.username', 'same display name': 'members.reason.name' };

function Suggestion({ s, canManage, onLinked }: { s: LinkSuggestionRecord; canManage: boolean; onLinked(result: MemberDetailRecord & { merged: number }): void }) {
  const { t, fmt } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      onLinked(await linkMembers(s.memberId, s.otherMemberId));
    } catch (e) {
      setError(describeError(e instanceof Error ? e : new Error(String(e))));
      setBusy(false);
    }
  };
  return (
    <li className="members__suggestion" data-testid="link-suggestion" data-member-id={s.memberId} data-other-member-id={s.otherMemberId}>
      <div className="members__pair">
        <span className="members__who">
          <Link to={`/members/${s.memberId}`}>{s.names[0]}</Link> <PlatformBadge platform={s.platforms[0]} />
        </span>
        <span className="muted" aria-hidden="true">
          ⇄
        </span>
        <span className="members__who">
          <Link to={`/members/${s.otherMemberId}`}>{s.names[1]}</Link> <PlatformBadge platform={s.platforms[1]} />
        </span>
      </div>
      <div className="muted">
        {s.reasons.map((r) => (REASONS[r] ? t(REASONS[r]) : r)).join(' · ')}
        <span className="dot-sep" aria-hidden="true">
          ·
        </span>
        {t('members.score', { score: fmt.percent(s.score) })}
      </div>
      {canManage && (
        <div className="members__actions">
          {!confirming ? (
            <button type="button" className="btn btn--secondary btn--small" onClick={() => setConfirming(true)} data-testid="link-accept">
              {t('members.link')}
            </button>
          ) : (
            <span className="confirm">
              <button type="button" className="btn btn--primary btn--small" disabled={busy} onClick={accept} data-testid="link-confirm">
                {t('members.linkConfirm', { keep: s.names[0] })}
              </button>
              <button type="button" className="btn btn--secondary btn--small" disabled={busy} onClick={() => setConfirming(false)}>
                {t('members.cancel')}
              </button>
            </span>
          )}
          {error && (
            <span className="form-error" role="alert">
              {error}
            </span>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * Members on different platforms who are likely one person, each with why; a caller who
 * may manage the workspace links a pair here (the older member stays).
 */
export function LinkSuggestionsCard({
  workspace,
  member,
  canManage,
  onLinked,
}: {
  workspace: Workspace;
  member: number | null;
  canManage: boolean;
  onLinked(result: MemberDetailRecord & { merged: number }): void;
}) {
  const { t } = useI18n();
  const list = useResource((signal) => fetchLinkSuggestions(workspace.slug, member, signal), [workspace.slug, member]);
  const suggestions = list.data?.suggestions;
  if (member !== null && suggestions?.length === 0) return null;
  return (
    <section className="card" data-testid="link-suggestions">
      <div className="card__head">
        <h2 className="card__title">{t('members.suggestions')}</h2>
        <p className="card__sub">{t(canManage ? 'members.suggestionsIntro' : 'members.suggestionsReadOnly')}</p>
      </div>
      {!suggestions && list.loading && <LoadingState what={t('what.linkSuggestions')} />}
      {!suggestions && list.error && <ErrorState what={t('what.linkSuggestions')} error={list.error} onRetry={list.reload} />}
      {suggestions && suggestions.length === 0 && <div className="table-empty">{t('members.suggestionsEmpty')}</div>}
      {suggestions && suggestions.length > 0 && (
        <ul className="members__suggestions">
          {suggestions.map((s) => (
            <Suggestion
              key={`${s.memberId}-${s.otherMemberId}`}
              s={s}
              canManage={canManage}
              onLinked={(result) => {
                list.reload();
                onLinked(result);
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

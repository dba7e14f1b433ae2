import { useState } from 'react';
import type { FormEvent } from 'react';
import { fetchGroups } from '../api-client.js';
import type { Workspace } from '../api-client.js';
import { PlatformBadge } from '../components/platform-badge.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { platformLabel, useI18n } from '../i18n.js';
import { LinkSuggestionsCard } from '../members/link-suggestions-card.js';
import { searchMembers } from '../members/member-api.js';
import type { MemberFilters } from '../members/member-api.js';
import { Link, navigate, setQueryParam } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

const PAGE_SIZE = 50;
const PLATFORMS = ['sandbox', 'telegram', 'wechat', 'discord'];
const FILTER_KEYS = ['q', 'platform', 'group'] as const;

function filtersOf(search: URLSearchParams): MemberFilters {
  const out: MemberFilters = {};
  for (const key of FILTER_KEYS) {
    const value = search.get(key);
    if (value) out[key] = value;
  }
  return out;
}

/**
 * Every member of the workspace across groups and platforms: search by name or handle,
 * platform and group, a page at a time; the suggested "same person" pairs beside.
 * The filters live in the address, so a search can be shared and survives going back.
 */
export function MembersPage({ workspace, search, canManage }: { workspace: Workspace; search: URLSearchParams; canManage: boolean }) {
  const { t, fmt } = useI18n();
  useDocumentTitle(t('members.title'));
  const applied = filtersOf(search);
  const [draft, setDraft] = useState<MemberFilters>(applied);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1) ?? null;
  const groups = useResource((signal) => fetchGroups(workspace.slug, signal), [workspace.slug]);
  const page = useResource((signal) => searchMembers(workspace.slug, applied, cursor, PAGE_SIZE, signal), [workspace.slug, applied.q, applied.platform, applied.group, cursor]);
  const members = page.data?.members;

  const apply = (filters: MemberFilters) => {
    setCursors([]);
    for (const key of FILTER_KEYS) setQueryParam(key, filters[key]?.trim() || null);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft);
  };
  const field = (key: keyof MemberFilters) => ({
    value: draft[key] ?? '',
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })),
  });

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('members.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('members.intro')}
          </p>
        </div>
      </header>

      <form className="card members__filters" onSubmit={onSubmit}>
        <label className="field members__search">
          <span className="field__label">{t('members.search')}</span>
          <input className="input" type="search" placeholder={t('members.searchPlaceholder')} maxLength={200} {...field('q')} data-testid="members-search" />
        </label>
        <label className="field">
          <span className="field__label">{t('members.platform')}</span>
          <select className="input" {...field('platform')} data-testid="members-platform">
            <option value="">{t('members.allPlatforms')}</option>
            {PLATFORMS.map((p) => (
              <option key={p} value={p}>
                {platformLabel(t, p)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('members.group')}</span>
          <select className="input" {...field('group')} data-testid="members-group">
            <option value="">{t('members.allGroups')}</option>
            {groups.data?.groups.map((g) => (
              <option key={g.id} value={String(g.id)}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <div className="members__buttons">
          <button type="submit" className="btn btn--primary" data-testid="members-apply">
            {t('members.apply')}
          </button>
          <button
            type="button"
            className="btn btn--secondary"
            onClick={() => {
              setDraft({});
              apply({});
            }}
          >
            {t('members.reset')}
          </button>
        </div>
      </form>

      {!members && page.loading && <LoadingState what={t('what.members')} />}
      {!members && page.error && <ErrorState what={t('what.members')} error={page.error} onRetry={page.reload} />}
      {members && (
        <section className="card">
          <div className="table-wrap">
            <table className="table" data-testid="members-table">
              <thead>
                <tr>
                  <th scope="col">{t('members.col.member')}</th>
                  <th scope="col">{t('members.col.platforms')}</th>
                  <th scope="col" className="num">
                    {t('members.col.groups')}
                  </th>
                  <th scope="col" className="num">
                    {t('members.col.messages')}
                  </th>
                  <th scope="col">{t('members.col.lastSeen')}</th>
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.id} data-testid="member-row" data-member-id={m.id}>
                    <td>
                      <Link to={`/members/${m.id}`} className="members__name" data-testid="member-link">
                        {m.displayName}
                      </Link>
                      {m.isBot && <span className="badge badge--bot">{t('members.bot')}</span>}
                      {m.erasedAt && <span className="badge badge--warn">{t('members.erased')}</span>}
                      {m.identities
                        .filter((i) => i.username)
                        .map((i) => (
                          <div key={`${i.platform}:${i.username}`} className="muted members__handle">
                            @{i.username}
                          </div>
                        ))}
                    </td>
                    <td>
                      <span className="members__platforms">
                        {[...new Set(m.identities.map((i) => i.platform))].map((p) => (
                          <PlatformBadge key={p} platform={p} />
                        ))}
                      </span>
                    </td>
                    <td className="num">{fmt.number(m.groups)}</td>
                    <td className="num">{fmt.number(m.messages)}</td>
                    <td>{m.lastSeenAt ? <time dateTime={m.lastSeenAt}>{fmt.dateTime(m.lastSeenAt)}</time> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {members.length === 0 && <div className="table-empty">{t('members.empty')}</div>}
          </div>
          <div className="audit__pager">
            {cursors.length > 0 && (
              <button type="button" className="btn btn--secondary" onClick={() => setCursors((c) => c.slice(0, -1))}>
                {t('members.previous')}
              </button>
            )}
            {page.data?.nextCursor != null && (
              <button type="button" className="btn btn--secondary" onClick={() => setCursors((c) => [...c, page.data!.nextCursor!])} data-testid="members-next">
                {t('members.next')}
              </button>
            )}
          </div>
        </section>
      )}

      <LinkSuggestionsCard workspace={workspace} member={null} canManage={canManage} onLinked={(result) => navigate(`/members/${result.member.id}`)} />
    </div>
  );
}

import { useState } from 'react';
import type { ReactNode } from 'react';
import type { Workspace } from '../api-client.js';
import { PlatformBadge } from '../components/platform-badge.js';
import { describeError, ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import { LinkSuggestionsCard } from '../members/link-suggestions-card.js';
import { eraseMember, fetchMember, memberExportHref } from '../members/member-api.js';
import type { MemberDetailRecord } from '../members/member-api.js';
import { Link, navigate } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat stat--members">
      <div className="stat__label">{label}</div>
      <div className="stat__value">{value}</div>
    </div>
  );
}

/** A card holding one table: its title, column headings (numeric ones right-aligned), rows, and what to say when empty. */
function TableCard({ title, testId, columns, empty, children }: { title: string; testId: string; columns: { label: string; num?: boolean }[]; empty?: string | false; children: ReactNode }) {
  return (
    <section className="card">
      <div className="card__head">
        <h2 className="card__title">{title}</h2>
      </div>
      <div className="table-wrap">
        <table className="table" data-testid={testId}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.label} scope="col" className={c.num ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
        {empty && <div className="table-empty">{empty}</div>}
      </div>
    </section>
  );
}

/** Export and erasure of one member's personal data: for those who may manage the workspace. */
function PersonalData({ member, onErased }: { member: MemberDetailRecord['member']; onErased(): void }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const erase = async () => {
    setBusy(true);
    setError(null);
    try {
      await eraseMember(member.id);
      setConfirming(false);
      onErased();
    } catch (e) {
      setError(describeError(e instanceof Error ? e : new Error(String(e))));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" data-testid="member-personal-data">
      <div className="card__head">
        <h2 className="card__title">{t('member.personalData')}</h2>
        <p className="card__sub">{t('member.personalDataIntro')}</p>
      </div>
      <div className="members__actions">
        <a className="btn btn--secondary" href={memberExportHref(member.id)} download data-testid="member-export">
          {t('member.export')}
        </a>
        {member.erasedAt ? (
          <span className="muted">{t('member.erasedOn', { at: member.erasedAt.slice(0, 10) })}</span>
        ) : !confirming ? (
          <button type="button" className="btn btn--danger-quiet" onClick={() => setConfirming(true)} data-testid="member-erase">
            {t('member.erase')}
          </button>
        ) : (
          <span className="confirm">
            <button type="button" className="btn btn--danger" disabled={busy} onClick={erase} data-testid="member-erase-confirm">
              {t('member.eraseConfirm')}
            </button>
            <button type="button" className="btn btn--secondary" disabled={busy} onClick={() => setConfirming(false)}>
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
    </section>
  );
}

/**
 * One member: who they are on each platform, the groups they were in (joined, left),
 * their figures per group, suggested links to other members, and — for those who may
 * manage the workspace — export and erasure of their data.
 */
export function MemberPage({ memberId, workspace, canManage }: { memberId: number; workspace: Workspace; canManage: boolean }) {
  const { t, fmt } = useI18n();
  const detail = useResource((signal) => fetchMember(memberId, signal), [memberId]);
  const data = detail.data;
  useDocumentTitle(data ? data.member.displayName : t('what.member'));

  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link to="/members">← {t('member.back')}</Link>
      </nav>
      {!data && detail.loading && <LoadingState what={t('what.member')} />}
      {!data && detail.error && <ErrorState what={t('what.member')} error={detail.error} onRetry={detail.reload} />}
      {data && (
        <>
          <header className="page-head">
            <div>
              <h1 className="page-head__title members__title" data-testid="member-name">
                {data.member.displayName}
              </h1>
              <p className="page-head__sub">
                {data.member.isBot && <span className="badge badge--bot">{t('members.bot')}</span>}
                {data.member.erasedAt && <span className="badge badge--warn">{t('members.erased')}</span>}
                {t('member.firstSeen', { at: fmt.dateTime(data.member.firstSeenAt) })}
              </p>
            </div>
          </header>

          <section className="stat-grid" data-testid="member-totals" aria-label={t('member.figures')}>
            <Stat label={t('member.messages')} value={fmt.number(data.totals.messages)} />
            <Stat label={t('member.activeDays')} value={fmt.number(data.totals.activeDays)} />
            <Stat label={t('member.lastSeen')} value={data.totals.lastSeenAt ? fmt.dateTime(data.totals.lastSeenAt) : '—'} />
            <Stat label={t('member.groupsNow')} value={fmt.number(data.stays.filter((s) => s.leftAt === null).length)} />
          </section>

          <TableCard
            title={t('member.identities')}
            testId="member-identities"
            columns={[{ label: t('members.platform') }, { label: t('member.name') }, { label: t('member.username') }, { label: t('member.externalId') }]}
          >
            {data.identities.map((i) => (
              <tr key={`${i.platform}:${i.externalId}`} data-platform={i.platform}>
                <td>
                  <PlatformBadge platform={i.platform} />
                </td>
                <td>{i.displayName}</td>
                <td>{i.username ? `@${i.username}` : '—'}</td>
                <td>
                  <code>{i.externalId}</code>
                </td>
              </tr>
            ))}
          </TableCard>

          <TableCard
            title={t('member.figures')}
            testId="member-figures"
            empty={data.figures.length === 0 && t('member.noFigures')}
            columns={[
              { label: t('members.group') },
              { label: t('member.messages'), num: true },
              { label: t('member.activeDays'), num: true },
              { label: t('member.repliesGiven'), num: true },
              { label: t('member.repliesReceived'), num: true },
              { label: t('member.lastSeen') },
            ]}
          >
            {data.figures.map((f) => (
              <tr key={f.group.id}>
                <td>
                  <Link to={`/groups/${f.group.id}`}>{f.group.name}</Link>
                </td>
                <td className="num">{fmt.number(f.messages)}</td>
                <td className="num">{fmt.number(f.activeDays)}</td>
                <td className="num">{fmt.number(f.repliesGiven)}</td>
                <td className="num">{fmt.number(f.repliesReceived)}</td>
                <td>{f.lastSeenAt ? fmt.dateTime(f.lastSeenAt) : '—'}</td>
              </tr>
            ))}
          </TableCard>

          <TableCard
            title={t('member.stays')}
            testId="member-stays"
            empty={data.stays.length === 0 && t('member.noStays')}
            columns={[{ label: t('members.group') }, { label: t('member.joined') }, { label: t('member.left') }]}
          >
            {data.stays.map((st) => (
              <tr key={`${st.group.id}:${st.joinedAt}`}>
                <td>
                  <Link to={`/groups/${st.group.id}`}>{st.group.name}</Link> <PlatformBadge platform={st.group.platform} />
                </td>
                <td>{fmt.dateTime(st.joinedAt)}</td>
                <td>{st.leftAt ? `${fmt.dateTime(st.leftAt)}${st.leftReason === 'removed' ? ` (${t('member.removed')})` : ''}` : <span className="chip">{t('member.stillIn')}</span>}</td>
              </tr>
            ))}
          </TableCard>

          <LinkSuggestionsCard
            key={data.identities.length}
            workspace={workspace}
            member={data.member.id}
            canManage={canManage}
            onLinked={(result) => (result.member.id === memberId ? detail.reload() : navigate(`/members/${result.member.id}`))}
          />

          {canManage ? <PersonalData member={data.member} onErased={detail.reload} /> : <p className="muted">{t('member.manageOnly')}</p>}
        </>
      )}
    </div>
  );
}

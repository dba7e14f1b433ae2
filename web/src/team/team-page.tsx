import { useState } from 'react';
import type { FormEvent } from 'react';
import { fetchGroups } from '../api-client.js';
import type { GroupListItem, Workspace } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';
import { changeMember, fetchTeam, inviteOperator, revokeInvitation, ROLES, setMemberDisabled } from './team-api.js';
import type { InvitationRecord, Role, TeamMemberRecord } from './team-api.js';
import { SecretOnce, useTeamAction } from './team-actions.js';

const scoped = (role: Role) => role === 'operator' || role === 'analyst';

/** The roles the caller may hand out: only an owner makes owners. */
const grantable = (myRole: string) => ROLES.filter((r) => r !== 'owner' || myRole === 'owner');

/** Every group, or a chosen few: the groups an operator or analyst is limited to. */
function GroupPicker({ groups, value, onChange }: { groups: GroupListItem[]; value: 'all' | number[]; onChange(next: 'all' | number[]): void }) {
  const { t } = useI18n();
  return (
    <fieldset className="team__groups">
      <legend className="field__label">{t('team.groups')}</legend>
      <label className="team__check">
        <input type="checkbox" checked={value === 'all'} onChange={(e) => onChange(e.target.checked ? 'all' : [])} data-testid="team-groups-all" /> {t('team.allGroups')}
      </label>
      {value !== 'all' &&
        groups.map((g) => (
          <label key={g.id} className="team__check">
            <input type="checkbox" checked={value.includes(g.id)} onChange={(e) => onChange(e.target.checked ? [...value, g.id] : value.filter((x) => x !== g.id))} /> {g.name}
          </label>
        ))}
    </fieldset>
  );
}

function InviteForm({ workspace, myRole, groups, onInvited }: { workspace: Workspace; myRole: string; groups: GroupListItem[]; onInvited(link: string, email: string, expiresAt: string): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [picked, setPicked] = useState<'all' | number[]>('all');
  const [days, setDays] = useState(7);
  const { busy, run, problem } = useTeamAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const chosen = scoped(role) && picked !== 'all' ? { groups: picked } : {};
    run(
      () => inviteOperator(workspace.slug, { email: email.trim(), role, expiresInDays: days, ...chosen }),
      (made) => {
        setEmail('');
        onInvited(made.link, made.invitation.email, made.invitation.expiresAt);
      },
    );
  };
  return (
    <form className="card team__form" onSubmit={submit} data-testid="team-invite-form">
      <h2 className="card__title">{t('team.invite')}</h2>
      <label className="field">
        <span className="field__label">{t('team.email')}</span>
        <input className="input" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} maxLength={320} data-testid="team-invite-email" />
      </label>
      <div className="team__row">
        <label className="field">
          <span className="field__label">{t('team.role')}</span>
          <select className="input select" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="team-invite-role">
            {grantable(myRole).map((r) => (
              <option key={r} value={r}>
                {t(`team.role.${r}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('team.linkWorks')}</span>
          <select className="input select" value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="team-invite-days">
            {[1, 7, 30].map((d) => (
              <option key={d} value={d}>
                {t('team.days', { days: d })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted">{t(`team.roleHint.${role}` as MessageKey)}</p>
      {scoped(role) && <GroupPicker groups={groups} value={picked} onChange={setPicked} />}
      <button type="submit" className="btn btn--primary" disabled={busy || !email.trim() || (picked !== 'all' && picked.length === 0 && scoped(role))} data-testid="team-invite-submit">
        {t('team.sendInvite')}
      </button>
      {problem}
    </form>
  );
}

function MemberCard({
  workspace,
  member,
  isYou,
  myRole,
  groups,
  onChanged,
}: {
  workspace: Workspace;
  member: TeamMemberRecord;
  isYou: boolean;
  myRole: string;
  groups: GroupListItem[];
  onChanged(): void;
}) {
  const { t, fmt } = useI18n();
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState<Role>(member.role);
  const [picked, setPicked] = useState<'all' | number[]>(member.groups);
  const { run, problem } = useTeamAction();
  // What the server allows, so the page does not offer what it would refuse.
  const mayChange = !isYou && (myRole === 'owner' || member.role !== 'owner');
  const act = (call: () => Promise<unknown>) =>
    run(call, () => {
      setEditing(false);
      onChanged();
    });
  const names = member.groups === 'all' ? t('team.allGroups') : member.groups.map((id) => groups.find((g) => g.id === id)?.name ?? `#${id}`).join(', ');
  return (
    <li className="card team__item" data-testid="team-member" data-email={member.email} data-disabled={member.disabled}>
      <div className="team__head">
        <div className="team__who">
          <strong className="team__email">{member.email}</strong>
          {isYou && <span className="muted"> {t('team.you')}</span>}
          <div className="muted">
            {t(`team.role.${member.role}` as MessageKey)}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {names}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('team.joined', { at: fmt.dateTime(member.joinedAt) })}
          </div>
        </div>
        {member.disabled && <span className="chip team__status--off">{t('team.disabled')}</span>}
      </div>
      {mayChange && (
        <div className="team__actions">
          <button type="button" className="btn btn--secondary" onClick={() => setEditing((v) => !v)} aria-expanded={editing} data-testid="team-member-edit">
            {t('team.changeRole')}
          </button>
          {member.disabled ? (
            <button type="button" className="btn btn--secondary" onClick={() => act(() => setMemberDisabled(workspace.slug, member.id, false))} data-testid="team-member-enable">
              {t('team.enable')}
            </button>
          ) : (
            <button
              type="button"
              className="btn btn--secondary"
              onClick={() => window.confirm(t('team.confirmDisable', { email: member.email })) && act(() => setMemberDisabled(workspace.slug, member.id, true))}
              data-testid="team-member-disable"
            >
              {t('team.disable')}
            </button>
          )}
        </div>
      )}
      {editing && (
        <form
          className="team__edit"
          onSubmit={(e) => {
            e.preventDefault();
            act(() => changeMember(workspace.slug, member.id, { role, groups: scoped(role) ? picked : 'all' }));
          }}
        >
          <label className="field">
            <span className="field__label">{t('team.role')}</span>
            <select className="input select" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="team-member-role">
              {grantable(myRole).map((r) => (
                <option key={r} value={r}>
                  {t(`team.role.${r}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          {scoped(role) && <GroupPicker groups={groups} value={picked} onChange={setPicked} />}
          <button type="submit" className="btn btn--primary" disabled={scoped(role) && picked !== 'all' && picked.length === 0} data-testid="team-member-save">
            {t('team.save')}
          </button>
        </form>
      )}
      {problem}
    </li>
  );
}

function InvitationRow({ invitation, onChanged }: { invitation: InvitationRecord; onChanged(): void }) {
  const { t, fmt } = useI18n();
  const { run, problem } = useTeamAction();
  return (
    <li className="team__invitation" data-testid="team-invitation" data-status={invitation.status}>
      <span className="team__email">{invitation.email}</span>
      <span className="muted">{t(`team.role.${invitation.role}` as MessageKey)}</span>
      <span className={`chip team__status--${invitation.status}`}>{t(`team.invitation.${invitation.status}` as MessageKey)}</span>
      {invitation.status === 'pending' && (
        <>
          <span className="muted">{t('team.expires', { at: fmt.dateTime(invitation.expiresAt) })}</span>
          <button type="button" className="btn btn--secondary" onClick={() => run(() => revokeInvitation(invitation.id), onChanged)} data-testid="team-invitation-revoke">
            {t('team.revoke')}
          </button>
        </>
      )}
      {problem}
    </li>
  );
}

/**
 * The workspace's team: invite someone (a one-time link, shown once), change a role
 * and the groups it reaches, disable an account (every session and token ends) and
 * enable it again. Every change lands in the audit log.
 */
export function TeamPage({ workspace, myRole, canManage }: { workspace: Workspace; myRole: string; canManage: boolean }) {
  const { t, fmt } = useI18n();
  useDocumentTitle(t('team.title'));
  const team = useResource((signal) => (canManage ? fetchTeam(workspace.slug, signal) : Promise.resolve(null)), [workspace.slug, canManage]);
  const groups = useResource((signal) => (canManage ? fetchGroups(workspace.slug, signal) : Promise.resolve(null)), [workspace.slug, canManage]);
  const [link, setLink] = useState<{ link: string; email: string; expiresAt: string } | null>(null);
  const groupList = groups.data?.groups ?? [];
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('team.title')}</h1>
          <p className="page-head__sub">
            {workspace.name}
            <span className="dot-sep" aria-hidden="true">
              ·
            </span>
            {t('team.intro')}
          </p>
        </div>
      </header>
      {!canManage && <p className="state">{t('team.needsManage')}</p>}
      {link && <SecretOnce testId="team-invite-link" intro={t('team.linkOnce', { email: link.email, at: fmt.dateTime(link.expiresAt) })} value={link.link} onDone={() => setLink(null)} />}
      {canManage && (
        <InviteForm
          workspace={workspace}
          myRole={myRole}
          groups={groupList}
          onInvited={(l, email, expiresAt) => {
            setLink({ link: l, email, expiresAt });
            team.reload();
          }}
        />
      )}
      {canManage && !team.data && (team.error ? <ErrorState what={t('team.title')} error={team.error} onRetry={team.reload} /> : <LoadingState what={t('team.title')} />)}
      {team.data && (
        <>
          <h2 className="team__section">{t('team.members')}</h2>
          <ul className="team__list">
            {team.data.members.map((m) => (
              <MemberCard key={`${m.id}-${m.role}-${String(m.groups)}`} workspace={workspace} member={m} isYou={m.id === team.data?.you} myRole={myRole} groups={groupList} onChanged={team.reload} />
            ))}
          </ul>
          <h2 className="team__section">{t('team.invitations')}</h2>
          {team.data.invitations.length === 0 ? (
            <p className="table-empty">{t('team.noInvitations')}</p>
          ) : (
            <ul className="card team__invitations">
              {team.data.invitations.map((i) => (
                <InvitationRow key={i.id} invitation={i} onChanged={team.reload} />
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

import { request } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import { useResource } from '../use-resource.js';

const REFRESH_MS = 60_000;

type StaffingRole = 'owner' | 'administrator' | 'official' | 'extra' | 'expert' | 'opinion_leader' | 'initiator' | 'seed' | 'member';
type StaffingCheck = 'too_many_official' | 'too_few_administrators' | 'too_few_opinion_leaders' | 'too_many_opinion_leaders' | 'extras_needed' | 'extras_no_longer_needed';

/** What GET /api/groups/:id/roles answers (src/groups/member-roles.ts). */
export interface GroupStaffing {
  members: { memberId: number; name: string; present: boolean; roles: StaffingRole[] }[];
  figures: { members: number; activeMembers: number; roles: Partial<Record<StaffingRole, number>> };
  findings: { check: StaffingCheck; have: number; want: number; fix: string }[];
}

/** GET /api/groups/:id/roles: who holds which role, the figures and the staffing findings. */
export function fetchGroupStaffing(groupId: number, signal?: AbortSignal): Promise<GroupStaffing> {
  return request<GroupStaffing>('GET', `/api/groups/${groupId}/roles`, undefined, signal);
}

/**
 * The group page's staffing card (`000`, `002`): each member holding a role (owner,
 * administrators, official accounts, extras…) and the staffing checks' findings, each
 * with its fix; roles are set with `hearth group set-role` or the API.
 */
export function GroupStaffingCard({ groupId }: { groupId: number }) {
  const { t, fmt } = useI18n();
  const res = useResource((signal) => fetchGroupStaffing(groupId, signal), [groupId], { pollMs: REFRESH_MS });
  const data = res.data;
  return (
    <section className="card profile" aria-labelledby="staffing-title" data-testid="group-staffing">
      <h2 id="staffing-title" className="card__title">
        {t('staffing.title')}
      </h2>
      {!data && res.loading && <LoadingState what={t('staffing.title')} />}
      {!data && res.error && <ErrorState what={t('staffing.title')} error={res.error} onRetry={res.reload} />}
      {data && (
        <>
          <p className="muted">{t('staffing.figures', { members: fmt.number(data.figures.members), active: fmt.number(data.figures.activeMembers) })}</p>
          {data.members.length === 0 ? (
            <p className="muted">{t('staffing.none')}</p>
          ) : (
            <dl className="profile__list">
              {data.members.map((m) => (
                <div key={m.memberId} className="profile__row">
                  <dt>
                    {m.name}
                    {!m.present && <span className="muted"> {t('staffing.left')}</span>}
                  </dt>
                  <dd>
                    {m.roles.map((role) => (
                      <span key={role} className="chip">
                        {t(`staffing.role.${role}`)}
                      </span>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          )}
          {data.findings.length === 0 ? (
            <p className="profile__note">{t('staffing.ok')}</p>
          ) : (
            <ul className="profile__list" aria-label={t('staffing.findings')}>
              {data.findings.map((f) => (
                <li key={f.check} className="profile__note profile__note--bad">
                  {t(`staffing.check.${f.check}`, {
                    have: fmt.number(f.have),
                    want: fmt.number(f.want),
                    members: fmt.number(data.figures.members),
                    active: fmt.number(data.figures.activeMembers),
                  })}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

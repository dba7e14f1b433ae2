import { fetchGroupActivity } from '../api-client.js';
import type { ActivityFigures } from '../api-client.js';
import { ActivityChart } from '../charts/activity-chart.js';
import { GroupProfileCard } from '../components/group-profile-card.js';
import { GroupHealthCard } from '../health/group-health-card.js';
import { GroupLayersCard } from '../health/group-layers-card.js';
import { GroupCleanupCard } from '../health/group-cleanup-card.js';
import { GroupCohortsCard } from '../health/group-cohorts-card.js';
import { GroupChainsCard } from '../chains/group-chains-card.js';
import { GroupVotesCard } from '../votes/group-votes-card.js';
import { GroupPointsCard } from '../points/group-points-card.js';
import { GroupStaffingCard } from '../groups/group-staffing-card.js';
import { PlatformBadge } from '../components/platform-badge.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

const DAYS = 30;
const REFRESH_MS = 60_000;

function Figures({ title, figures, perDayOver }: { title: string; figures: ActivityFigures; perDayOver?: number }) {
  const { t, fmt } = useI18n();
  const items: Array<{ key: keyof ActivityFigures; label: MessageKey; tone?: string }> = [
    { key: 'messages', label: 'col.messages' },
    { key: 'activeMembers', label: 'col.active' },
    { key: 'joins', label: 'col.joins', tone: figures.joins > 0 ? 'good' : '' },
    { key: 'leaves', label: 'col.leaves', tone: figures.leaves > 0 ? 'bad' : '' },
  ];
  return (
    <section className="card figures" aria-label={title}>
      <h2 className="card__title">{title}</h2>
      <dl className="figures__list">
        {items.map(({ key, label, tone }) => (
          <div key={key} className={`figure${tone ? ` figure--${tone}` : ''}`}>
            <dt>{t(label)}</dt>
            <dd>
              {fmt.number(figures[key])}
              {perDayOver !== undefined && key === 'messages' && <span className="figure__sub">{t('group.perDay', { value: fmt.number(Math.round(figures[key] / perDayOver)) })}</span>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** One group: its profile, today's and the week's figures, and its 30-day chart. */
export function GroupPage({ groupId }: { groupId: number }) {
  const { t } = useI18n();
  const activity = useResource((signal) => fetchGroupActivity(groupId, DAYS, signal), [groupId], { pollMs: REFRESH_MS });
  const data = activity.data;
  useDocumentTitle(data ? data.group.name : t('what.group'));

  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link to="/">← {t('group.back')}</Link>
      </nav>
      {!data && activity.loading && <LoadingState what={t('what.group')} />}
      {!data && activity.error && <ErrorState what={t('what.group')} error={activity.error} onRetry={activity.reload} />}
      {data && (
        <>
          <header className="page-head">
            <div>
              <h1 className="page-head__title">{data.group.name}</h1>
              <p className="page-head__sub">
                <PlatformBadge platform={data.group.platform} />
                {data.group.type && <span className="chip">{data.group.type}</span>}
                <span className="muted">#{data.group.id}</span>
              </p>
            </div>
          </header>
          {activity.error && <RefreshErrorBanner error={activity.error} />}
          <div className="group-layout">
            <div className="group-layout__main">
              <div className="figures-grid">
                <Figures title={t('group.today')} figures={data.today} />
                <Figures title={t('group.last7')} figures={data.last7} perDayOver={7} />
              </div>
              <section className="card" aria-labelledby="group-activity-title">
                <div className="card__head">
                  <h2 id="group-activity-title" className="card__title">
                    {t('chart.title', { days: data.days.length })}
                  </h2>
                </div>
                <ActivityChart days={data.days} series={data.series} />
              </section>
              <GroupHealthCard groupId={data.group.id} />
              <GroupLayersCard groupId={data.group.id} />
              <GroupCohortsCard groupId={data.group.id} />
              <GroupCleanupCard groupId={data.group.id} />
              <GroupChainsCard groupId={data.group.id} />
              <GroupVotesCard groupId={data.group.id} />
              <GroupPointsCard groupId={data.group.id} />
            </div>
            <aside className="group-layout__side">
              <GroupProfileCard groupId={data.group.id} members={data.group.members} />
              <GroupStaffingCard groupId={data.group.id} />
            </aside>
          </div>
        </>
      )}
    </div>
  );
}

import { fetchAlerts, fetchGroups, fetchOverview } from '../api-client.js';
import type { Workspace } from '../api-client.js';
import { ActivityChart } from '../charts/activity-chart.js';
import { ErrorState, LoadingState, RefreshErrorBanner } from '../components/status-views.js';
import { GroupsTable } from '../components/groups-table.js';
import { OverviewTotals } from '../components/overview-totals.js';
import { useI18n } from '../i18n.js';
import { currentSilences } from '../silence.js';
import { useLocation } from '../router.js';
import { useDocumentTitle } from '../use-document-title.js';
import { useResource } from '../use-resource.js';

/** Days of history the overview shows. */
const DAYS = 30;
/** Figures move slowly; a minute keeps the page current without load on the server. */
const REFRESH_MS = 60_000;

/** The workspace at a glance: totals, the 30-day chart and every group. */
export function OverviewPage({ workspace }: { workspace: Workspace }) {
  const { t, fmt } = useI18n();
  useDocumentTitle(t('overview.title'));
  const overview = useResource((signal) => fetchOverview(workspace.slug, DAYS, signal), [workspace.slug], { pollMs: REFRESH_MS });
  // The silence watchdog's alerts flag the silent groups (an unreadable list flags none).
  const alerts = useResource((signal) => fetchAlerts(workspace.slug, { kind: 'silence' }, signal), [workspace.slug], { pollMs: REFRESH_MS });
  // Each group's sets, for the table's set filter (an unreadable list filters by none).
  const listed = useResource((signal) => fetchGroups(workspace.slug, signal), [workspace.slug], { pollMs: REFRESH_MS });
  const sets = new Map((listed.data?.groups ?? []).map((g) => [g.id, g.sets ?? []]));
  const { search } = useLocation();

  const data = overview.data;
  const silences = currentSilences(alerts.data?.alerts ?? [], data?.groups ?? []);
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-head__title">{t('overview.title')}</h1>
          <p className="page-head__sub">
            {data ? data.workspace.name : workspace.name}
            {data && (
              <>
                <span className="dot-sep" aria-hidden="true">
                  ·
                </span>
                <time dateTime={data.asOf}>{t('overview.asOf', { time: fmt.dateTime(data.asOf) })}</time>
              </>
            )}
          </p>
        </div>
      </header>

      {!data && overview.loading && <LoadingState what={t('what.overview')} />}
      {!data && overview.error && <ErrorState what={t('what.overview')} error={overview.error} onRetry={overview.reload} />}
      {data && (
        <>
          {overview.error && <RefreshErrorBanner error={overview.error} />}
          <OverviewTotals overview={data} silences={silences} />
          <section className="card" aria-labelledby="activity-title">
            <div className="card__head">
              <h2 id="activity-title" className="card__title">
                {t('chart.title', { days: data.days.length })}
              </h2>
            </div>
            <ActivityChart days={data.days} series={data.series} />
          </section>
          <GroupsTable groups={data.groups} asOf={data.asOf} days={data.days.length} silences={silences} sets={sets} initialSet={search.get('set') ?? ''} key={search.get('set') ?? ''} />
        </>
      )}
    </div>
  );
}

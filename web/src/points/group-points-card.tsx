import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { useResource } from '../use-resource.js';
import { fetchGroupPoints } from './points-api.js';

const REFRESH_MS = 60_000;
const TOP = 3;

/** The group page's points card: this month's top members and check-ins, or that points are off, with a link to the Points page. */
export function GroupPointsCard({ groupId }: { groupId: number }) {
  const { t, fmt, locale } = useI18n();
  const shown = useResource((signal) => fetchGroupPoints(groupId, null, signal), [groupId], { pollMs: REFRESH_MS });
  const data = shown.data;
  if (!data) return null;
  const lang = locale === 'zh-CN' ? 'zh' : 'en';
  const checkins = data.checkinsByDay.reduce((sum, d) => sum + d.checkins, 0);
  return (
    <section className="card" aria-labelledby="group-points-title" data-testid="group-points">
      <div className="card__head">
        <h2 className="card__title" id="group-points-title">
          {t('points.card.title')}
        </h2>
        <Link to={`/points?group=${groupId}`}>{t('points.card.open')}</Link>
      </div>
      {!data.settings.enabled ? (
        <p className="muted">{t('points.card.off')}</p>
      ) : (
        <>
          <p className="muted">{t('points.card.month', { month: data.month, checkins: fmt.number(checkins), medals: fmt.number(data.medals.length) })}</p>
          {data.leaderboard.length > 0 && (
            <ol className="points__groups">
              {data.leaderboard.slice(0, TOP).map((l) => (
                <li key={l.memberId}>
                  <strong>{l.name}</strong> — {t('points.balance', { n: fmt.number(l.points) })} · Lv{l.level} {l.title[lang]}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}

import { fetchGroupHealth } from '../api-client.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import { useResource } from '../use-resource.js';
import type { GroupHealthRecord } from './health-api.js';
import { HealthChart } from './health-chart.js';

const REFRESH_MS = 60_000;

function tone(score: number): string {
  return score >= 70 ? 'good' : score >= 40 ? 'warn' : 'bad';
}

/** Stage, score, the parts of the score and the figures that explain them (docs/metrics.md). */
export function HealthView({ data }: { data: GroupHealthRecord }) {
  const { t, fmt } = useI18n();
  const { lifecycle, health } = data;
  const f = health.figures;
  const lf = lifecycle.figures;
  const dash = '—';
  const figures: Array<[MessageKey, string]> = [
    ['health.fig.weeklyActiveDays', `${data.weeklyActiveDays} / 7`],
    ['health.fig.messagesOnActiveDays', fmt.number(data.messagesOnActiveDays)],
    ['health.fig.daysSinceLast', lf.daysSinceLastMessage === null ? dash : fmt.number(lf.daysSinceLastMessage)],
    ['health.fig.last28', fmt.number(lf.messagesLast28)],
    ['health.fig.prev28', fmt.number(lf.messagesPrevious28)],
    ['health.fig.speakers7', fmt.number(f.speakers7)],
    ['health.fig.newSpeakers28', fmt.number(f.newSpeakers28)],
    ['health.fig.longestSilence', t('health.hours', { value: fmt.number(f.longestSilenceHours7) })],
    ['health.fig.top20', `${fmt.number(Math.round(f.top20Share28 * 100))}%`],
    ['health.fig.questions', `${fmt.number(f.answeredQuestions28)} / ${fmt.number(f.questions28)}`],
    ['health.fig.medianResponse', f.medianFirstResponseMinutes28 === null ? dash : t('health.minutes', { value: fmt.number(f.medianFirstResponseMinutes28) })],
  ];
  return (
    <>
      <div className="health__head">
        <div className={`health__score health__score--${tone(health.score)}`} data-testid="health-score">
          <span className="health__score-value">{health.score}</span>
          <span className="health__score-label">{t('health.score')}</span>
        </div>
        <div>
          <span className={`chip health__stage health__stage--${lifecycle.stage}`} data-testid="health-stage">
            {t(`health.stage.${lifecycle.stage}`)}
          </span>
          <p className="muted health__why">{t(`health.why.${lifecycle.stage}`)}</p>
          <p className="muted">{t('health.asOf', { day: fmt.dayLong(data.asOf) })}</p>
        </div>
      </div>
      <ul className="health__parts" aria-label={t('health.parts')}>
        {health.parts.map((p) => (
          <li key={p.name} className="health__part">
            <span className="health__part-label">{t(`health.part.${p.name}`)}</span>
            <span className="health__bar" aria-hidden="true">
              <span className="health__bar-fill" style={{ width: `${p.max ? (p.points / p.max) * 100 : 0}%` }} />
            </span>
            <span className="health__part-value">
              {fmt.number(p.points)} / {p.max}
            </span>
          </li>
        ))}
      </ul>
      <dl className="figures__list health__figures">
        {figures.map(([label, value]) => (
          <div key={label} className="figure">
            <dt>{t(label)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <HealthChart days={data.days} />
    </>
  );
}

/** The group page's health card: loads GET /api/groups/:id/health and refreshes it every minute. */
export function GroupHealthCard({ groupId }: { groupId: number }) {
  const { t } = useI18n();
  const res = useResource((signal) => fetchGroupHealth(groupId, signal), [groupId], { pollMs: REFRESH_MS });
  return (
    <section className="card health" aria-labelledby="group-health-title">
      <div className="card__head">
        <h2 id="group-health-title" className="card__title">
          {t('health.title')}
        </h2>
      </div>
      {!res.data && res.loading && <LoadingState what={t('health.what')} />}
      {!res.data && res.error && <ErrorState what={t('health.what')} error={res.error} onRetry={res.reload} />}
      {res.data && <HealthView data={res.data} />}
    </section>
  );
}

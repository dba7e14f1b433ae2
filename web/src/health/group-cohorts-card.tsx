import { useMemo, useState } from 'react';
import { format } from 'echarts/core';
import { EChart } from '../charts/echart.js';
import type { ChartOption } from '../charts/echarts-setup.js';
import { ErrorState, LoadingState } from '../components/status-views.js';
import { type I18n, useI18n } from '../i18n.js';
import { useResource } from '../use-resource.js';
import { type CohortRecord, fetchGroupCohorts, type GroupCohortsRecord } from './retention-api.js';

const REFRESH_MS = 10 * 60_000;
const WEEKS = 12;
const esc = format.encodeHTML;

type Measure = 'retained' | 'active';

/** A cohort's row label: its ISO week (and channel when split), with its size. */
function rowLabel(c: CohortRecord, t: I18n['t']): string {
  const week = c.week.slice(5); // "W11"
  const channel = c.channel === undefined ? '' : ` · ${c.channel ?? t('cohorts.noChannel')}`;
  return `${week}${channel} (${c.size})`;
}

/**
 * The heat map: one row per join week (oldest on top), one column per week since
 * joining, each cell the share of the cohort still in the group (or who spoke) that
 * week, darker for more; cells of weeks not reached yet stay empty.
 */
export function cohortHeatmapOption(data: GroupCohortsRecord, measure: Measure, { t, fmt }: Pick<I18n, 't' | 'fmt'>): ChartOption {
  const rows = [...data.cohorts].reverse(); // ECharts draws the first category at the bottom
  const columns = Array.from({ length: data.weeks }, (_, k) => String(k));
  // white figures on the dark cells, dark ones on the light
  const cells: { value: [number, number, number]; label: { color: string } }[] = [];
  rows.forEach((c, y) => {
    for (const cell of c.cells) {
      const v = Math.round((measure === 'retained' ? cell.retainedShare : cell.activeShare) * 100);
      cells.push({ value: [cell.week, y, v], label: { color: v >= 60 ? '#fff' : '#0f172a' } });
    }
  });
  const axisLabel = { color: '#64748b', fontSize: 11 };
  return {
    animationDuration: 300,
    textStyle: { fontFamily: 'inherit' },
    tooltip: {
      confine: true,
      className: 'chart-tip',
      formatter: (p) => {
        const param = Array.isArray(p) ? p[0] : p;
        const [x, y] = (param?.value as [number, number, number] | undefined) ?? [0, 0, 0];
        const c = rows[y];
        const cell = c?.cells[x];
        if (!c || !cell) return '';
        const row = (label: string, value: string) => `<div class="chart-tip__row"><span class="chart-tip__label">${esc(label)}</span><span class="chart-tip__value">${esc(value)}</span></div>`;
        return (
          `<div class="chart-tip__day">${esc(t('cohorts.tipTitle', { week: c.week, day: fmt.day(c.weekStart), k: fmt.number(x) }))}</div>` +
          row(t('cohorts.joined'), fmt.number(c.size)) +
          row(t('cohorts.measure.retained'), `${fmt.number(cell.retained)} · ${fmt.percent(cell.retainedShare)}`) +
          row(t('cohorts.measure.active'), `${fmt.number(cell.active)} · ${fmt.percent(cell.activeShare)}`) +
          (cell.partial ? `<div class="chart-tip__row muted">${esc(t('cohorts.partial'))}</div>` : '')
        );
      },
    },
    grid: { top: 8, left: 8, right: 8, bottom: 44, containLabel: true },
    xAxis: {
      type: 'category',
      data: columns,
      name: t('cohorts.sinceJoin'),
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: axisLabel,
      axisTick: { show: false },
      axisLabel,
      splitArea: { show: false },
    },
    yAxis: { type: 'category', data: rows.map((c) => rowLabel(c, t)), axisTick: { show: false }, axisLabel },
    visualMap: { show: false, min: 0, max: 100, inRange: { color: ['#eff6ff', '#93c5fd', '#1d4ed8'] } },
    series: [
      {
        id: 'cohorts',
        type: 'heatmap',
        data: cells,
        label: { show: true, fontSize: 10, formatter: (p) => `${(p.value as number[])[2]}` },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: '#0f172a' } },
      },
    ],
  };
}

/** The cohorts card's content: the measure and split switches, the heat map and last week's churn. */
export function CohortsView({
  data,
  measure,
  onMeasure,
  by,
  onBy,
}: {
  data: GroupCohortsRecord;
  measure: Measure;
  onMeasure: (m: Measure) => void;
  by: 'week' | 'channel';
  onBy: (b: 'week' | 'channel') => void;
}) {
  const { t, fmt, locale } = useI18n();
  // biome-ignore lint/correctness/useExhaustiveDependencies: locale changes the labels' and numbers' format inside the option
  const option = useMemo(() => cohortHeatmapOption(data, measure, { t, fmt }), [data, measure, t, fmt, locale]);
  const lastFull = [...data.churn].reverse().find((w) => !w.partial);
  const height = Math.max(160, data.cohorts.length * 26 + 64);
  return (
    <>
      <div className="cohorts__switches">
        <fieldset className="cohorts__switch" aria-label={t('cohorts.measureLabel')}>
          {(['retained', 'active'] as const).map((m) => (
            <button key={m} type="button" className="btn btn--small btn--secondary" aria-pressed={measure === m} onClick={() => onMeasure(m)} data-testid={`cohorts-measure-${m}`}>
              {t(`cohorts.measure.${m}`)}
            </button>
          ))}
        </fieldset>
        <fieldset className="cohorts__switch" aria-label={t('cohorts.byLabel')}>
          {(['week', 'channel'] as const).map((b) => (
            <button key={b} type="button" className="btn btn--small btn--secondary" aria-pressed={by === b} onClick={() => onBy(b)} data-testid={`cohorts-by-${b}`}>
              {t(`cohorts.by.${b}`)}
            </button>
          ))}
        </fieldset>
      </div>
      <p className="muted">{t(`cohorts.why.${measure}`)}</p>
      {data.cohorts.length === 0 ? (
        <p className="muted">{t('cohorts.none', { weeks: fmt.number(data.weeks) })}</p>
      ) : (
        <div style={{ height }} className="cohorts__chart">
          <EChart option={option} className="cohorts__echart" ariaLabel={t('cohorts.aria', { count: fmt.number(data.cohorts.length) })} testId="cohorts-heatmap" />
        </div>
      )}
      {lastFull && (
        <p className="muted" data-testid="cohorts-churn">
          {t('cohorts.churn', { week: lastFull.week, churn: fmt.percent(lastFull.churn), churned: fmt.number(lastFull.churned), members: fmt.number(lastFull.members) })}
        </p>
      )}
    </>
  );
}

/** The group page's retention card: loads GET /api/groups/:id/cohorts (12 weeks). */
export function GroupCohortsCard({ groupId }: { groupId: number }) {
  const { t } = useI18n();
  const [measure, setMeasure] = useState<Measure>('retained');
  const [by, setBy] = useState<'week' | 'channel'>('week');
  const res = useResource((signal) => fetchGroupCohorts(groupId, by, WEEKS, signal), [groupId, by], { pollMs: REFRESH_MS });
  return (
    <section className="card cohorts" aria-labelledby="group-cohorts-title" data-testid="group-cohorts">
      <div className="card__head">
        <h2 id="group-cohorts-title" className="card__title">
          {t('cohorts.title')}
        </h2>
      </div>
      {!res.data && res.loading && <LoadingState what={t('cohorts.what')} />}
      {!res.data && res.error && <ErrorState what={t('cohorts.what')} error={res.error} onRetry={res.reload} />}
      {res.data && <CohortsView data={res.data} measure={measure} onMeasure={setMeasure} by={by} onBy={setBy} />}
    </section>
  );
}

import { useMemo } from 'react';
import { format } from 'echarts/core';
import { EChart } from '../charts/echart.js';
import type { ChartOption } from '../charts/echarts-setup.js';
import { useI18n } from '../i18n.js';
import type { I18n } from '../i18n.js';
import { type HealthDay, rollingWeeklyActiveDays } from './health-api.js';

const esc = format.encodeHTML;
const COLORS = { messages: '#2563eb', weekly: '#d97706' } as const;

/** Messages per day as bars, and weekly active days (0–7) as a line on its own axis, over the days given. */
export function healthChartOption(days: readonly HealthDay[], { t, fmt }: Pick<I18n, 't' | 'fmt'>): ChartOption {
  const weekly = rollingWeeklyActiveDays(days);
  const shown = days.slice(6);
  const labels = shown.map((d) => d.day);
  const names = { messages: t('health.chart.messages'), weekly: t('health.chart.weekly') };
  const axisLabel = { color: '#64748b', fontSize: 11 };
  return {
    animationDuration: 400,
    color: [COLORS.messages, COLORS.weekly],
    textStyle: { fontFamily: 'inherit' },
    legend: { top: 0, left: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 8, textStyle: { color: '#334155', fontSize: 12 }, data: [names.messages, names.weekly] },
    tooltip: {
      trigger: 'axis',
      confine: true,
      className: 'chart-tip',
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const i = first?.dataIndex ?? 0;
        const d = shown[i];
        if (!d) return '';
        const row = (label: string, value: string) => `<div class="chart-tip__row"><span class="chart-tip__label">${esc(label)}</span><span class="chart-tip__value">${esc(value)}</span></div>`;
        return `<div class="chart-tip__day">${esc(fmt.dayLong(d.day))}</div>${row(names.messages, fmt.number(d.messages))}${row(names.weekly, `${weekly[i + 6] ?? 0} / 7`)}`;
      },
    },
    grid: { top: 36, left: 44, right: 36, bottom: 24 },
    xAxis: {
      type: 'category',
      data: labels,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#cbd5e1' } },
      axisLabel: { ...axisLabel, formatter: (v: string) => fmt.day(v), hideOverlap: true },
    },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: { ...axisLabel, color: COLORS.messages, formatter: (v: number) => fmt.compact(v) }, splitLine: { lineStyle: { color: '#e2e8f0', type: 'dashed' } } },
      { type: 'value', min: 0, max: 7, interval: 7, position: 'right', axisLabel: { ...axisLabel, color: COLORS.weekly }, splitLine: { show: false } },
    ],
    series: [
      { id: 'messages', name: names.messages, type: 'bar', yAxisIndex: 0, data: shown.map((d) => d.messages), barMaxWidth: 10, itemStyle: { borderRadius: [2, 2, 0, 0] } },
      { id: 'weekly', name: names.weekly, type: 'line', yAxisIndex: 1, data: weekly.slice(6), step: 'end', showSymbol: false, lineStyle: { width: 2 } },
    ],
  };
}

/** The health card's chart: the group's last weeks, daily messages and weekly active days. */
export function HealthChart({ days }: { days: readonly HealthDay[] }) {
  const { t, fmt, locale } = useI18n();
  // biome-ignore lint/correctness/useExhaustiveDependencies: locale changes the dates' and numbers' format inside the option
  const option = useMemo(() => healthChartOption(days, { t, fmt }), [days, t, fmt, locale]);
  return <EChart option={option} className="health-chart" ariaLabel={t('health.chart.aria', { days: Math.max(0, days.length - 6) })} testId="health-chart" />;
}

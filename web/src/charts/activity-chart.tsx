import { useMemo } from 'react';
import { format } from 'echarts/core';
import type { ActivitySeries } from '../api-client.js';
import { useI18n } from '../i18n.js';
import type { I18n } from '../i18n.js';
import { EChart } from './echart.js';
import type { ChartOption } from './echarts-setup.js';

/** Series colours; the tooltip dots use the matching `.chart-tip__dot--*` classes in styles.css. */
export const SERIES_COLORS = {
  messages: '#2563eb',
  activeMembers: '#0d9488',
  joins: '#16a34a',
  leaves: '#dc2626',
} as const;

/** Props of {@link ActivityChart}. */
export interface ActivityChartProps {
  /** `YYYY-MM-DD` calendar days, oldest first. */
  days: string[];
  series: ActivitySeries;
}

const esc = format.encodeHTML;

/**
 * Builds the activity chart: messages and active members as lines on top (each on
 * its own axis, as they differ by an order of magnitude), and member flow below as
 * diverging bars (joins up, leaves down), so growth or churn reads at a glance.
 */
export function activityChartOption(days: string[], series: ActivitySeries, { t, fmt }: Pick<I18n, 't' | 'fmt'>): ChartOption {
  const at = (values: number[], i: number) => values[i] ?? 0;
  const names = {
    messages: t('chart.messages'),
    activeMembers: t('chart.activeMembers'),
    joins: t('chart.joins'),
    leaves: t('chart.leaves'),
  };
  const axisLabel = { color: '#64748b', fontSize: 11 };
  const splitLine = { lineStyle: { color: '#e2e8f0', type: 'dashed' as const } };

  // Every string below ends up in tooltip HTML: escape it, even our own labels.
  const row = (kind: string, label: string, value: string) =>
    `<div class="chart-tip__row"><span class="chart-tip__dot chart-tip__dot--${esc(kind)}"></span>` +
    `<span class="chart-tip__label">${esc(label)}</span><span class="chart-tip__value">${esc(value)}</span></div>`;

  return {
    animationDuration: 400,
    color: [SERIES_COLORS.messages, SERIES_COLORS.activeMembers, SERIES_COLORS.joins, SERIES_COLORS.leaves],
    textStyle: { fontFamily: 'inherit' },
    legend: {
      top: 0,
      left: 0,
      icon: 'roundRect',
      itemWidth: 12,
      itemHeight: 8,
      textStyle: { color: '#334155', fontSize: 12 },
      data: [names.messages, names.activeMembers, names.joins, names.leaves],
    },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    tooltip: {
      trigger: 'axis',
      confine: true,
      axisPointer: { type: 'line', lineStyle: { color: '#94a3b8' } },
      className: 'chart-tip',
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const i = first?.dataIndex ?? 0;
        const day = days[i];
        const joins = at(series.joins, i);
        const leaves = at(series.leaves, i);
        return (
          `<div class="chart-tip__day">${esc(day ? fmt.dayLong(day) : '')}</div>` +
          row('messages', names.messages, fmt.number(at(series.messages, i))) +
          row('activeMembers', names.activeMembers, fmt.number(at(series.activeMembers, i))) +
          row('joins', names.joins, fmt.number(joins)) +
          row('leaves', names.leaves, fmt.number(leaves)) +
          row('net', t('chart.net'), fmt.signed(joins - leaves))
        );
      },
    },
    // Fixed side margins (not containLabel) so both grids have the same width and the
    // days line up vertically between the lines and the bars.
    grid: [
      { top: 36, left: 44, right: 44, bottom: '40%' },
      { top: '69%', left: 44, right: 44, bottom: 24 },
    ],
    xAxis: [
      {
        type: 'category',
        gridIndex: 0,
        data: days,
        axisTick: { show: false },
        axisLabel: { show: false },
        axisLine: { lineStyle: { color: '#cbd5e1' } },
      },
      {
        type: 'category',
        gridIndex: 1,
        data: days,
        axisTick: { show: false },
        axisLine: { lineStyle: { color: '#cbd5e1' } },
        axisLabel: { ...axisLabel, formatter: (value: string) => fmt.day(value), hideOverlap: true },
      },
    ],
    yAxis: [
      {
        type: 'value',
        gridIndex: 0,
        minInterval: 1,
        // Axis labels take their series' colour instead of an axis title; the legend names them.
        axisLabel: { ...axisLabel, color: SERIES_COLORS.messages, formatter: (v: number) => fmt.compact(v) },
        splitLine,
      },
      {
        type: 'value',
        gridIndex: 0,
        position: 'right',
        minInterval: 1,
        alignTicks: true,
        axisLabel: { ...axisLabel, color: SERIES_COLORS.activeMembers, formatter: (v: number) => fmt.compact(v) },
        splitLine: { show: false },
      },
      {
        type: 'value',
        gridIndex: 1,
        minInterval: 1,
        splitNumber: 2,
        // Leaves are plotted below zero; label the axis with magnitudes.
        axisLabel: { ...axisLabel, formatter: (v: number) => fmt.compact(Math.abs(v)) },
        splitLine,
      },
    ],
    series: [
      {
        id: 'messages',
        name: names.messages,
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: series.messages,
        smooth: 0.25,
        symbol: 'circle',
        symbolSize: 5,
        showSymbol: false,
        lineStyle: { width: 2.5 },
        areaStyle: {
          color: {
            type: 'linear',
            x: 0,
            y: 0,
            x2: 0,
            y2: 1,
            colorStops: [
              { offset: 0, color: 'rgba(37, 99, 235, 0.22)' },
              { offset: 1, color: 'rgba(37, 99, 235, 0.01)' },
            ],
          },
        },
      },
      {
        id: 'activeMembers',
        name: names.activeMembers,
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 1,
        data: series.activeMembers,
        smooth: 0.25,
        symbol: 'circle',
        symbolSize: 5,
        showSymbol: false,
        lineStyle: { width: 2 },
      },
      {
        id: 'joins',
        name: names.joins,
        type: 'bar',
        xAxisIndex: 1,
        yAxisIndex: 2,
        stack: 'flow',
        barMaxWidth: 14,
        data: series.joins,
        itemStyle: { borderRadius: [3, 3, 0, 0] },
      },
      {
        id: 'leaves',
        name: names.leaves,
        type: 'bar',
        xAxisIndex: 1,
        yAxisIndex: 2,
        stack: 'flow',
        barMaxWidth: 14,
        data: series.leaves.map((v) => -v),
        itemStyle: { borderRadius: [0, 0, 3, 3] },
      },
    ],
  };
}

/** The 30-day activity chart used on the overview and on each group's page. */
export function ActivityChart({ days, series }: ActivityChartProps) {
  const { t, fmt, locale } = useI18n();
  // Rebuild only when data or language change, so polling with equal data is a no-op.
  // biome-ignore lint/correctness/useExhaustiveDependencies: locale changes the dates' and numbers' format inside the option
  const option = useMemo(() => activityChartOption(days, series, { t, fmt }), [days, series, t, fmt, locale]);
  return <EChart option={option} className="activity-chart" ariaLabel={t('chart.aria', { days: days.length })} testId="activity-chart" />;
}

import { useMemo } from 'react';
import { use } from 'echarts/core';
import type { ComposeOption } from 'echarts/core';
import { TreeChart } from 'echarts/charts';
import type { TreeSeriesOption } from 'echarts/charts';
import type { TooltipComponentOption } from 'echarts/components';
import { EChart } from '../charts/echart.js';
import type { ChartOption } from '../charts/echarts-setup.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../i18n.js';
import type { ReferralStatus, TreeNode } from './campaigns-api.js';

// The tree series, registered here beside the one chart that draws it (the shared setup keeps the common types).
use([TreeChart]);

/** The most members the chart draws; a bigger tree is cut, biggest branches first, and says so. */
const MAX_NODES = 400;

/** A friend's colour by judgement: counted green, waiting amber, refused red, the rest grey. */
export const STATUS_COLOURS: Record<ReferralStatus | 'root', string> = {
  root: '#2563eb',
  counted: '#16a34a',
  pending: '#d97706',
  left_early: '#dc2626',
  silent: '#dc2626',
  outside_window: '#9ca3af',
  returning: '#9ca3af',
  self: '#9ca3af',
};

interface ChartNode {
  name: string;
  value: string;
  itemStyle: { color: string };
  children: ChartNode[];
}

/** The invite tree as an ECharts tree: the campaign at the root, who invited whom below, coloured by whether each friend counts. */
export function CampaignTreeChart({ title, roots }: { title: string; roots: TreeNode[] }) {
  const { t } = useI18n();
  const { option, cut } = useMemo(() => {
    let budget = MAX_NODES;
    const size = (n: TreeNode): number => 1 + n.children.reduce((s, c) => s + size(c), 0);
    const convert = (n: TreeNode): ChartNode | null => {
      if (budget <= 0) return null;
      budget--;
      const status = n.status ?? 'root';
      const children = [...n.children]
        .sort((a, b) => size(b) - size(a))
        .map(convert)
        .filter((c): c is ChartNode => c !== null);
      return {
        name: n.name,
        value: n.status ? t(`campaigns.status.${n.status}` as MessageKey) : t('campaigns.tree.counted', { count: n.counted }),
        itemStyle: { color: STATUS_COLOURS[status] },
        children,
      };
    };
    const top = [...roots]
      .sort((a, b) => size(b) - size(a))
      .map(convert)
      .filter((c): c is ChartNode => c !== null);
    const total = roots.reduce((s, r) => s + size(r), 0);
    const tree: ComposeOption<TreeSeriesOption | TooltipComponentOption> = {
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const d = (p as { data: ChartNode }).data;
          return `${escapeHtml(d.name)}<br/>${escapeHtml(d.value)}`;
        },
      },
      series: [
        {
          id: 'invite-tree',
          type: 'tree',
          data: [{ name: title, value: '', itemStyle: { color: STATUS_COLOURS.root }, children: top }],
          orient: 'LR',
          top: '4%',
          bottom: '4%',
          left: '12%',
          right: '18%',
          symbolSize: 9,
          roam: true,
          // A small tree opens in full; a big one opens three levels down and unfolds on a click.
          initialTreeDepth: total <= 120 ? -1 : 3,
          expandAndCollapse: true,
          label: { position: 'left', verticalAlign: 'middle', align: 'right', fontSize: 11 },
          leaves: { label: { position: 'right', verticalAlign: 'middle', align: 'left' } },
          animationDuration: 300,
        },
      ],
    };
    // The shared option type does not list the tree series; this chart registered it above.
    return { option: tree as unknown as ChartOption, cut: total > MAX_NODES ? total : 0 };
  }, [roots, title, t]);
  return (
    <>
      <EChart option={option} className="campaigns__tree" ariaLabel={t('campaigns.tree.aria', { title })} testId="campaign-tree-chart" />
      {cut > 0 && <p className="muted">{t('campaigns.tree.cut', { shown: MAX_NODES, total: cut })}</p>}
    </>
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

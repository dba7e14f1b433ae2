import { use } from 'echarts/core';
import type { ComposeOption } from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import type { BarSeriesOption, HeatmapSeriesOption, LineSeriesOption } from 'echarts/charts';
import { AxisPointerComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption, VisualMapComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * Registers only the ECharts parts the dashboard draws with, so the bundle carries
 * three chart types (the heat map for retention cohorts) and five components
 * instead of the whole library.
 */
use([LineChart, BarChart, HeatmapChart, GridComponent, TooltipComponent, AxisPointerComponent, LegendComponent, VisualMapComponent, CanvasRenderer]);

/** The option shape our charts may use; anything else would not be registered. */
export type ChartOption = ComposeOption<LineSeriesOption | BarSeriesOption | HeatmapSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | VisualMapComponentOption>;

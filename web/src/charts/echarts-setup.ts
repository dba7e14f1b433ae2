import { use } from 'echarts/core';
import type { ComposeOption } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import { AxisPointerComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * Registers only the ECharts parts the dashboard draws with, so the bundle carries
 * two chart types and four components instead of the whole library.
 */
use([LineChart, BarChart, GridComponent, TooltipComponent, AxisPointerComponent, LegendComponent, CanvasRenderer]);

/** The option shape our charts may use; anything else would not be registered. */
export type ChartOption = ComposeOption<LineSeriesOption | BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;

import { useEffect, useRef } from 'react';
import { init } from 'echarts/core';
import type { EChartsType } from 'echarts/core';
// Side-effect import: registers the chart types and components before any chart is created.
import './echarts-setup.js';
import type { ChartOption } from './echarts-setup.js';

/** Props of {@link EChart}. */
export interface EChartProps {
  option: ChartOption;
  className?: string;
  /** Describes the chart for screen readers (the canvas itself says nothing). */
  ariaLabel: string;
  testId?: string;
}

/**
 * Mounts one ECharts instance on a div, applies `option` whenever it changes (pass a
 * memoised object), follows the container's size and disposes on unmount. The
 * container needs a height from CSS.
 */
export function EChart({ option, className, ariaLabel, testId }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const instance = init(el, null, { renderer: 'canvas' });
    chart.current = instance;
    // ResizeObserver also catches layout changes that are not window resizes (sidebar, grid reflow).
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // Series carry ids, so merging updates data in place and polling does not replay the intro animation.
    chart.current?.setOption(option);
  }, [option]);

  return <div ref={container} className={className ? `echart ${className}` : 'echart'} role="img" aria-label={ariaLabel} data-testid={testId} />;
}

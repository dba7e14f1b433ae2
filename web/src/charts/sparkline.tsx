/** Props of {@link Sparkline}. */
export interface SparklineProps {
  values: number[];
  /** Tooltip and accessible name, e.g. "812 messages in 30 days". */
  label: string;
  /** Greys the line out, for groups that have gone quiet. */
  muted?: boolean;
  width?: number;
  height?: number;
}

/**
 * A row-sized trend line drawn as plain SVG. A table can hold hundreds of rows, and
 * an ECharts instance per row would cost a canvas and a resize observer each.
 */
export function Sparkline({ values, label, muted = false, width = 96, height = 26 }: SparklineProps) {
  const pad = 2;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (width - pad * 2) / (values.length - 1) : 0;
  const points = values.map((v, i) => {
    const x = pad + i * step;
    const y = height - pad - (Math.max(0, v) / max) * (height - pad * 2);
    return [Number(x.toFixed(1)), Number(y.toFixed(1))] as const;
  });
  const line = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x} ${y}`).join(' ');
  const first = points[0];
  const last = points[points.length - 1];
  const area = first && last ? `${line} L${last[0]} ${height - pad} L${first[0]} ${height - pad} Z` : '';

  return (
    <svg className={muted ? 'sparkline sparkline--muted' : 'sparkline'} width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <title>{label}</title>
      {area && <path className="sparkline__area" d={area} />}
      {line && <path className="sparkline__line" d={line} />}
      {last && <circle className="sparkline__dot" cx={last[0]} cy={last[1]} r={2} />}
    </svg>
  );
}

/**
 * Small Vega-Lite builders shared by the experiments' `chart` functions, so every chart has the same look:
 * titles with units, log axes where the notes draw them, colour-blind-safe categories, tooltips.
 */
import type { VegaLiteSpec } from '../experiments/contract.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A row of chart data. */
export type Row = Record<string, number | string | boolean | null>;

/** Keeps at most `maxPoints` of a long series (always the first and last), for charts and stored curves. */
export function thinIndices(length: number, maxPoints: number): number[] {
  if (length <= maxPoints) return Array.from({ length }, (_, i) => i);
  const out: number[] = [];
  const step = (length - 1) / (maxPoints - 1);
  let last = -1;
  for (let p = 0; p < maxPoints; p++) {
    const i = Math.round(p * step);
    if (i !== last) out.push(i);
    last = i;
  }
  return out;
}

/** Rows `{ [x]: i, [y]: values[i], ...extra }` for positive finite values only (log scales reject others). */
export function seriesRows(
  values: readonly (number | null)[],
  extra: Row,
  {
    x = 'step',
    y = 'value',
    maxPoints = 600,
    offset = 0,
  }: { x?: string; y?: string; maxPoints?: number; offset?: number } = {},
): Row[] {
  return thinIndices(values.length, maxPoints)
    .filter((i) => {
      const v = values[i];
      return typeof v === 'number' && Number.isFinite(v) && v > 0;
    })
    .map((i) => ({ [x]: i + offset, [y]: values[i] as number, ...extra }));
}

export interface LineChartOptions {
  readonly title: string;
  readonly subtitle?: string;
  readonly rows: readonly Row[];
  /** `integer`: whole-number ticks (rounds, stages). */
  readonly x: { field: string; title: string; log?: boolean; integer?: boolean };
  readonly y: { field: string; title: string; log?: boolean; format?: string };
  readonly color?: { field: string; title: string; sort?: readonly string[] };
  /** Horizontal reference lines (e.g. the tolerance). */
  readonly hRules?: readonly { value: number; label: string }[];
  /** Vertical reference lines (e.g. τ*, β*). */
  readonly vRules?: readonly { value: number; label: string }[];
  readonly points?: boolean;
  readonly width?: number;
  readonly height?: number;
  readonly strokeDash?: { field: string; title: string };
}

function rulesLayer(rules: readonly { value: number; label: string }[], axis: 'x' | 'y', logScale: boolean) {
  return [
    {
      data: { values: rules.map((r) => ({ v: r.value, label: r.label })) },
      mark: { type: 'rule', strokeDash: [4, 4], color: '#6b7280' },
      encoding: {
        [axis]: { field: 'v', type: 'quantitative', ...(logScale ? { scale: { type: 'log' } } : {}) },
      },
    },
    {
      data: { values: rules.map((r) => ({ v: r.value, label: r.label })) },
      mark:
        axis === 'y'
          ? { type: 'text', align: 'left', dx: 4, dy: -6, color: '#4b5563', fontSize: 11 }
          : { type: 'text', align: 'left', dx: 4, y: 8, color: '#4b5563', fontSize: 11 },
      encoding: {
        [axis]: { field: 'v', type: 'quantitative', ...(logScale ? { scale: { type: 'log' } } : {}) },
        ...(axis === 'y' ? { x: { value: 4 } } : {}),
        text: { field: 'label' },
      },
    },
  ];
}

/** A titled multi-series line chart (optionally log-log) with reference rules. */
export function lineChart(o: LineChartOptions): VegaLiteSpec {
  const encoding: Record<string, unknown> = {
    x: {
      field: o.x.field,
      type: 'quantitative',
      title: o.x.title,
      ...(o.x.log ? { scale: { type: 'log' } } : {}),
      ...(o.x.integer ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
    },
    y: {
      field: o.y.field,
      type: 'quantitative',
      title: o.y.title,
      ...(o.y.log ? { scale: { type: 'log' }, axis: { format: o.y.format ?? '.0e' } } : {}),
    },
    tooltip: [
      { field: o.x.field, type: 'quantitative', title: o.x.title },
      { field: o.y.field, type: 'quantitative', title: o.y.title, format: '.4~g' },
      ...(o.color ? [{ field: o.color.field, type: 'nominal', title: o.color.title }] : []),
    ],
  };
  if (o.color) {
    encoding.color = {
      field: o.color.field,
      type: 'nominal',
      title: o.color.title,
      scale: { scheme: 'tableau10' },
      ...(o.color.sort ? { sort: o.color.sort } : {}),
    };
  }
  if (o.strokeDash)
    encoding.strokeDash = { field: o.strokeDash.field, type: 'nominal', title: o.strokeDash.title };
  const layers: unknown[] = [
    {
      data: { values: o.rows },
      mark: { type: 'line', point: o.points ?? false, strokeWidth: 2, clip: true },
      encoding,
    },
  ];
  if (o.hRules?.length) layers.push(...rulesLayer(o.hRules, 'y', !!o.y.log));
  if (o.vRules?.length) layers.push(...rulesLayer(o.vRules, 'x', !!o.x.log));
  return {
    $schema: SCHEMA,
    title: o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title,
    width: o.width ?? 560,
    height: o.height ?? 320,
    layer: layers,
    config: chartConfig,
  };
}

/** A vertical concatenation of charts that share one title. */
export function stackCharts(title: string, charts: readonly VegaLiteSpec[]): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title,
    vconcat: charts.map(({ $schema: _s, config: _c, ...rest }) => rest),
    resolve: { scale: { color: 'independent' } },
    config: chartConfig,
  };
}

/** A grouped or stacked bar chart. */
export function barChart(o: {
  title: string;
  subtitle?: string;
  rows: readonly Row[];
  x: {
    field: string;
    title: string;
    type?: 'ordinal' | 'nominal' | 'quantitative';
    sort?: readonly (string | number)[];
  };
  y: { field: string; title: string; domain?: readonly [number, number]; log?: boolean };
  color?: { field: string; title: string; sort?: readonly string[] };
  stacked?: boolean;
  width?: number;
  height?: number;
}): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title,
    width: o.width ?? 560,
    height: o.height ?? 300,
    data: { values: o.rows },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: {
        field: o.x.field,
        type: o.x.type ?? 'ordinal',
        title: o.x.title,
        ...(o.x.sort ? { sort: o.x.sort } : {}),
      },
      y: {
        field: o.y.field,
        type: 'quantitative',
        title: o.y.title,
        stack: o.stacked ? 'zero' : null,
        ...(o.y.domain ? { scale: { domain: o.y.domain } } : {}),
        ...(o.y.log ? { scale: { type: 'log' } } : {}),
      },
      ...(o.color
        ? {
            color: {
              field: o.color.field,
              type: 'nominal',
              title: o.color.title,
              scale: { scheme: 'tableau10' },
              ...(o.color.sort ? { sort: o.color.sort } : {}),
            },
            ...(o.stacked
              ? {}
              : { xOffset: { field: o.color.field, ...(o.color.sort ? { sort: o.color.sort } : {}) } }),
          }
        : {}),
    },
    config: chartConfig,
  };
}

/** Shared look: readable fonts, light grid, no chart border. */
export const chartConfig = {
  font: 'DejaVu Sans, Inter, system-ui, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e5e7eb' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'right', labelLimit: 280 },
  title: { fontSize: 15, subtitleFontSize: 12, anchor: 'start', subtitleColor: '#4b5563' },
  background: 'white',
} as const;

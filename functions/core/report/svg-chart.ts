/**
 * A small time-series chart as inline SVG text: lines, horizontal guides (thresholds),
 * shaded bands (alerts from fired to resolved) and markers (the moment an alert fired).
 * No script and no external resource, so a report stays one self-contained file. Every
 * text that reaches the markup goes through `escapeXml`.
 */
import { escapeXml } from './escape-xml.ts';

export interface ChartSeries {
  label: string;
  color: string;
  dashed?: boolean;
  /** `[epoch ms, value]`, in time order. */
  points: readonly (readonly [number, number])[];
}

export interface ChartGuide {
  label: string;
  y: number;
  color: string;
}

export interface ChartBand {
  label: string;
  from: number;
  /** Absent: the band runs to the chart's right edge (still open). */
  to?: number;
  color: string;
  /** Which part of the plot's height it covers, so two threshold sets can sit one above the other. */
  lane?: 'full' | 'upper' | 'lower';
}

export interface ChartMarker {
  label: string;
  at: number;
  color: string;
  lane?: 'full' | 'upper' | 'lower';
}

export interface LineChartInput {
  title: string;
  unit?: string;
  width?: number;
  height?: number;
  /** Epoch ms shown on the x axis. */
  timeRange: readonly [number, number];
  /** @default the data's range (with the guides that fall near it) */
  valueRange?: readonly [number, number];
  series: readonly ChartSeries[];
  guides?: readonly ChartGuide[];
  bands?: readonly ChartBand[];
  markers?: readonly ChartMarker[];
}

const MARGIN = { left: 64, right: 16, top: 28, bottom: 44 };

export function lineChart(input: LineChartInput): string {
  const width = input.width ?? 1000;
  const height = input.height ?? 240;
  const plot = { x: MARGIN.left, y: MARGIN.top, w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom };
  const [t0, t1Raw] = input.timeRange;
  const t1 = t1Raw > t0 ? t1Raw : t0 + 1;
  const [v0, v1] = input.valueRange ?? valueRangeOf(input.series, input.guides ?? []);
  const x = (t: number) => plot.x + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0)) * plot.w;
  const y = (v: number) => plot.y + plot.h - ((v - v0) / (v1 - v0)) * plot.h;
  const lane = (which: ChartBand['lane']) =>
    which === 'upper' ? { top: plot.y, h: plot.h / 2 } : which === 'lower' ? { top: plot.y + plot.h / 2, h: plot.h / 2 } : { top: plot.y, h: plot.h };

  const parts: string[] = [];
  parts.push(`<rect class="plot" x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" fill="#fafafa" stroke="#ccc"/>`);
  for (const band of input.bands ?? []) {
    const from = x(band.from);
    const to = x(band.to ?? t1);
    const l = lane(band.lane);
    parts.push(
      `<rect class="alert-band" x="${fmt(from)}" y="${fmt(l.top)}" width="${fmt(Math.max(2, to - from))}" height="${fmt(l.h)}" fill="${escapeXml(band.color)}" fill-opacity="0.22"><title>${escapeXml(band.label)}</title></rect>`,
    );
  }
  for (const tick of ticks(v0, v1, 5)) {
    parts.push(`<line class="grid" x1="${plot.x}" x2="${plot.x + plot.w}" y1="${fmt(y(tick))}" y2="${fmt(y(tick))}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${plot.x - 6}" y="${fmt(y(tick) + 4)}" text-anchor="end" font-size="11" fill="#555">${escapeXml(formatValue(tick))}</text>`);
  }
  for (const tick of ticks(t0, t1, 6)) {
    parts.push(`<text x="${fmt(x(tick))}" y="${plot.y + plot.h + 16}" text-anchor="middle" font-size="11" fill="#555">${escapeXml(formatTime(tick, t1 - t0))}</text>`);
  }
  for (const guide of input.guides ?? []) {
    if (guide.y < v0 || guide.y > v1) continue;
    parts.push(
      `<line class="guide" x1="${plot.x}" x2="${plot.x + plot.w}" y1="${fmt(y(guide.y))}" y2="${fmt(y(guide.y))}" stroke="${escapeXml(guide.color)}" stroke-dasharray="2 3"><title>${escapeXml(guide.label)}</title></line>`,
    );
  }
  for (const s of input.series) {
    for (const run of splitAtGaps(s.points)) {
      const points = run.map(([t, v]) => `${fmt(x(t))},${fmt(y(v))}`).join(' ');
      parts.push(
        `<polyline class="series" data-points="${run.length}" points="${points}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="6 3"' : ''}><title>${escapeXml(s.label)}</title></polyline>`,
      );
    }
  }
  for (const marker of input.markers ?? []) {
    const mx = x(marker.at);
    const l = lane(marker.lane);
    const tip = marker.lane === 'lower' ? l.top + l.h : l.top;
    const dir = marker.lane === 'lower' ? -1 : 1;
    parts.push(
      `<path class="alert-marker" d="M${fmt(mx)},${fmt(tip + dir * 9)} L${fmt(mx - 5)},${fmt(tip)} L${fmt(mx + 5)},${fmt(tip)} Z" fill="${escapeXml(marker.color)}"><title>${escapeXml(marker.label)}</title></path>`,
    );
    parts.push(`<line class="alert-marker-line" x1="${fmt(mx)}" x2="${fmt(mx)}" y1="${fmt(l.top)}" y2="${fmt(l.top + l.h)}" stroke="${escapeXml(marker.color)}" stroke-opacity="0.6"/>`);
  }
  parts.push(`<text x="${plot.x}" y="18" font-size="13" font-weight="bold" fill="#222">${escapeXml(input.title)}${input.unit ? ` <tspan font-weight="normal" fill="#666">(${escapeXml(input.unit)})</tspan>` : ''}</text>`);
  parts.push(legend(input.series, plot.x + plot.w, plot.y + plot.h + 34));
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(input.title)}">${parts.join('')}</svg>`;
}

function legend(series: readonly ChartSeries[], right: number, baseline: number): string {
  let cursor = right;
  const items: string[] = [];
  for (const s of [...series].reverse()) {
    const width = 28 + s.label.length * 6.2;
    cursor -= width;
    items.push(
      `<line x1="${fmt(cursor)}" x2="${fmt(cursor + 18)}" y1="${baseline - 4}" y2="${baseline - 4}" stroke="${escapeXml(s.color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>` +
        `<text x="${fmt(cursor + 22)}" y="${baseline}" font-size="11" fill="#333">${escapeXml(s.label)}</text>`,
    );
  }
  return `<g class="legend">${items.join('')}</g>`;
}

/** Runs of points without a gap wider than 3× the usual spacing: a line must not bridge missing data. */
export function splitAtGaps(points: readonly (readonly [number, number])[]): (readonly [number, number])[][] {
  if (points.length === 0) return [];
  const steps = points.slice(1).map(([t], i) => t - (points[i] as readonly [number, number])[0]).sort((a, b) => a - b);
  const usual = steps[Math.floor(steps.length / 2)] ?? 0;
  const runs: (readonly [number, number])[][] = [[points[0] as readonly [number, number]]];
  for (let i = 1; i < points.length; i++) {
    const point = points[i] as readonly [number, number];
    if (usual > 0 && point[0] - (points[i - 1] as readonly [number, number])[0] > 3 * usual) runs.push([]);
    (runs.at(-1) as (readonly [number, number])[]).push(point);
  }
  return runs;
}

function valueRangeOf(series: readonly ChartSeries[], guides: readonly ChartGuide[]): [number, number] {
  const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter(Number.isFinite);
  if (values.length === 0) return [0, 1];
  let low = Math.min(0, ...values);
  let high = Math.max(...values);
  // A threshold is worth seeing when it sits within reach of the data, not ten orders away.
  for (const g of guides) if (Number.isFinite(g.y) && g.y <= Math.max(high, 1) * 3 && g.y >= low) high = Math.max(high, g.y);
  if (high === low) high = low + 1;
  const pad = (high - low) * 0.05;
  low = low < 0 ? low - pad : low;
  return [low, high + pad];
}

/** About `count` round-numbered ticks between low and high. */
export function ticks(low: number, high: number, count: number): number[] {
  const span = high - low;
  if (!(span > 0) || !Number.isFinite(span)) return [low];
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const out: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function formatValue(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (abs >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

function formatTime(t: number, spanMs: number): string {
  const iso = new Date(t).toISOString();
  if (spanMs > 2 * 86_400_000) return iso.slice(5, 16).replace('T', ' ');
  return spanMs > 600_000 ? iso.slice(11, 16) : iso.slice(11, 19);
}

const fmt = (n: number) => (Number.isFinite(n) ? String(Math.round(n * 10) / 10) : '0');

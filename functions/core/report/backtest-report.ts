/**
 * The backtest report: one self-contained HTML page (inline CSS and SVG, no script, no
 * external resource) with, per ensemble, the warning probability over time and the values
 * of the signals that drove it, alerts shaded from fired to resolved and marked where they
 * fired; when two threshold documents are compared, both probability curves, both sets of
 * alerts (A above, B below) and both ν lines are drawn, and a table lists the differences.
 */
import type { ReplayComparison } from '../evaluate/compare-replays.ts';
import type { AlertEpisode, EnsembleReplay } from '../evaluate/replay.ts';
import { escapeXml } from './escape-xml.ts';
import { lineChart, type ChartBand, type ChartGuide, type ChartMarker, type ChartSeries } from './svg-chart.ts';

export interface ReportRun {
  /** What the threshold set is called in the report (usually its file name). */
  label: string;
  replays: readonly EnsembleReplay[];
}

export interface BacktestReportInput {
  title?: string;
  /** Where the rounds came from, shown in the header. */
  source: string;
  generatedAt: Date;
  a: ReportRun;
  /** The second threshold set, when comparing, with the comparison of A and B. */
  b?: ReportRun & { comparison: ReplayComparison };
}

const COLOR = { a: '#1f5fbf', b: '#e07b00', alarm: '#d62728', warning: '#e8a317', info: '#7f7f7f' };
const SIGNAL_COLORS = ['#1f5fbf', '#2ca02c', '#9467bd', '#8c564b'];

export function backtestReport(input: BacktestReportInput): string {
  const title = input.title ?? 'zk-lookout backtest';
  const sections = input.a.replays.map((replay) => ensembleSection(replay, input.b?.replays.find((r) => r.ensembleName === replay.ensembleName), input));
  const header = [
    `<h1>${escapeXml(title)}</h1>`,
    `<p class="meta">rounds: ${escapeXml(input.source)} · thresholds A: <b>${escapeXml(input.a.label)}</b>${input.b ? ` · thresholds B: <b>${escapeXml(input.b.label)}</b>` : ''} · generated ${escapeXml(input.generatedAt.toISOString())}</p>`,
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeXml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    ...header,
    input.b ? comparisonSection(input.b.comparison, input.a.label, input.b.label) : '',
    ...sections,
    '</body></html>',
  ].join('\n');
}

function ensembleSection(a: EnsembleReplay, b: EnsembleReplay | undefined, input: BacktestReportInput): string {
  const times = [...a.probability.map(([t]) => t), ...(b?.probability.map(([t]) => t) ?? [])];
  const timeRange: [number, number] = times.length > 0 ? [Math.min(...times), Math.max(...times)] : [0, 1];
  const lanes = b ? (['upper', 'lower'] as const) : (['full', 'full'] as const);
  const bands = [...alertBands(a.episodes, input.a.label, lanes[0]), ...(b ? alertBands(b.episodes, input.b?.label ?? 'B', lanes[1]) : [])];
  const markers = [...alertMarkers(a.episodes, input.a.label, lanes[0]), ...(b ? alertMarkers(b.episodes, input.b?.label ?? 'B', lanes[1]) : [])];
  const probabilitySeries: ChartSeries[] = [{ label: `warning probability (${input.a.label})`, color: COLOR.a, points: a.probability }];
  if (b) probabilitySeries.push({ label: `warning probability (${input.b?.label ?? 'B'})`, color: COLOR.b, dashed: true, points: b.probability });
  const guides: ChartGuide[] = [
    { label: `warnAt ${a.warnAt} (${input.a.label})`, y: a.warnAt, color: COLOR.alarm },
    { label: `clearAt ${a.clearAt} (${input.a.label})`, y: a.clearAt, color: COLOR.warning },
  ];
  if (b && (b.warnAt !== a.warnAt || b.clearAt !== a.clearAt)) {
    guides.push({ label: `warnAt ${b.warnAt} (${input.b?.label ?? 'B'})`, y: b.warnAt, color: COLOR.b }, { label: `clearAt ${b.clearAt} (${input.b?.label ?? 'B'})`, y: b.clearAt, color: COLOR.b });
  }
  const charts = [
    lineChart({ title: 'warning probability (noisy-OR)', timeRange, valueRange: [0, 1], series: probabilitySeries, guides, bands, markers }),
    ...a.signals.map((s, i) => {
      const other = b?.signals.find((x) => x.signal === s.signal && x.server === s.server) ?? b?.signals.find((x) => x.signal === s.signal);
      const signalGuides: ChartGuide[] = [{ label: `ν ${s.nu} (${input.a.label})`, y: s.nu, color: COLOR.a }];
      if (other && other.nu !== s.nu) signalGuides.push({ label: `ν ${other.nu} (${input.b?.label ?? 'B'})`, y: other.nu, color: COLOR.b });
      const label = `${s.signal}${s.server ? ` on ${s.server}` : ''}`;
      return lineChart({
        title: label,
        unit: `ν ${s.nu}, τ ${s.tau}, highest risk ${s.maxRisk}`,
        height: 180,
        timeRange,
        series: [{ label, color: SIGNAL_COLORS[i % SIGNAL_COLORS.length] as string, points: s.points.map(([t, v]) => [t, v] as const) }],
        guides: signalGuides,
        bands,
        markers,
      });
    }),
  ];
  return [
    `<section class="ensemble"><h2>${escapeXml(a.ensembleName)}</h2>`,
    `<p class="meta">${a.rounds} rounds · ${a.episodes.length} alert episode(s) with ${escapeXml(input.a.label)}${b ? ` · ${b.episodes.length} with ${escapeXml(input.b?.label ?? 'B')}` : ''}</p>`,
    ...charts.map((c) => `<div class="chart-box">${c}</div>`),
    episodeTable(a.episodes, input.a.label),
    b ? episodeTable(b.episodes, input.b?.label ?? 'B') : '',
    '</section>',
  ].join('\n');
}

function alertBands(episodes: readonly AlertEpisode[], label: string, lane: ChartBand['lane']): ChartBand[] {
  return episodes.map((e) => ({
    label: `${label}: ${e.alertKey} ${e.firedAt} → ${e.resolvedAt ?? 'still firing'}${suppression(e)}`,
    from: Date.parse(e.firedAt),
    ...(e.resolvedAt ? { to: Date.parse(e.resolvedAt) } : {}),
    color: COLOR[e.level],
    lane,
  }));
}

function alertMarkers(episodes: readonly AlertEpisode[], label: string, lane: ChartMarker['lane']): ChartMarker[] {
  return episodes.map((e) => ({ label: `${label}: ${e.alertKey} fired ${e.firedAt}${suppression(e)}`, at: Date.parse(e.firedAt), color: COLOR[e.level], lane }));
}

function suppression(e: AlertEpisode): string {
  if (e.notified) return '';
  return e.silencedBy ? ` (silenced by ${e.silencedBy})` : e.inhibitedBy ? ` (inhibited by ${e.inhibitedBy})` : ' (not notified)';
}

function episodeTable(episodes: readonly AlertEpisode[], label: string): string {
  if (episodes.length === 0) return `<p class="none">No alert would have fired with ${escapeXml(label)}.</p>`;
  const rows = episodes.map(
    (e) =>
      `<tr class="${escapeXml(e.level)}${e.notified ? '' : ' quiet'}"><td>${escapeXml(e.alertKey)}</td><td>${escapeXml(e.level)}</td><td>${escapeXml(e.firedAt)}</td><td>${escapeXml(e.resolvedAt ?? 'still firing')}</td><td>${escapeXml(duration(e))}</td><td>${escapeXml(e.notified ? 'notified' : suppression(e).trim())}</td><td>${escapeXml(e.summary)}</td></tr>`,
  );
  return `<table class="episodes"><caption>alerts with ${escapeXml(label)}</caption><thead><tr><th>alert</th><th>level</th><th>fired</th><th>resolved</th><th>lasted</th><th>notification</th><th>summary</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function comparisonSection(c: ReplayComparison, labelA: string, labelB: string): string {
  const row = (kind: string, e: AlertEpisode, detail: string) =>
    `<tr><td>${escapeXml(kind)}</td><td>${escapeXml(e.ensembleName)}</td><td>${escapeXml(e.alertKey)}</td><td>${escapeXml(e.firedAt)}</td><td>${escapeXml(detail)}</td></tr>`;
  const rows = [
    ...c.onlyInA.map((e) => row(`only with ${labelA}`, e, e.resolvedAt ? `resolved ${e.resolvedAt}` : 'still firing')),
    ...c.onlyInB.map((e) => row(`only with ${labelB}`, e, e.resolvedAt ? `resolved ${e.resolvedAt}` : 'still firing')),
    ...c.differentTiming.map((d) => row('different timing', d.a, `${labelB} fired ${signedSeconds(d.firedDeltaMs)}${d.resolvedDeltaMs === undefined ? '' : `, resolved ${signedSeconds(d.resolvedDeltaMs)}`}`)),
  ];
  const body = rows.length === 0 ? '<p class="none">Both threshold sets raise the same alerts at the same times.</p>' : `<table class="comparison"><thead><tr><th>difference</th><th>ensemble</th><th>alert</th><th>fired (A)</th><th>detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return `<section class="compare"><h2>${escapeXml(labelA)} vs ${escapeXml(labelB)}</h2><p class="meta">${c.same} alert(s) identical · ${c.onlyInA.length} only with ${escapeXml(labelA)} · ${c.onlyInB.length} only with ${escapeXml(labelB)} · ${c.differentTiming.length} at different times</p>${body}</section>`;
}

function duration(e: AlertEpisode): string {
  if (!e.resolvedAt) return '-';
  return `${((Date.parse(e.resolvedAt) - Date.parse(e.firedAt)) / 1000).toFixed(1)} s`;
}

function signedSeconds(ms: number): string {
  return `${ms >= 0 ? '+' : '−'}${(Math.abs(ms) / 1000).toFixed(1)} s`;
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fff}',
  'h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:24px 0 4px}',
  '.meta{color:#555;font-size:13px;margin:0 0 12px}',
  '.chart-box{margin:8px 0}',
  'table{border-collapse:collapse;font-size:12px;margin:8px 0 16px}caption{text-align:left;font-weight:bold;padding:4px 0}',
  'th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f2f2f2}',
  'tr.alarm td:first-child{border-left:4px solid #d62728}tr.warning td:first-child{border-left:4px solid #e8a317}tr.quiet{color:#777}',
  '.none{color:#555;font-style:italic}',
].join('');

// uPlot charts: a power/energy time chart for sessions and generic line/bar charts for
// analytics. Axes show local time of the station's zone; charts follow their container's width.
import uPlot from 'uplot';
import { h } from '../lib/dom';
import { formatEnergy, formatPower, usableTimeZone } from '../lib/format';
import type { MeterSeries } from '../lib/meter';

/** ISO dates and 24-hour times on the axes, like every other time the dashboard shows. */
function fmtDate(template: string): (date: Date) => string {
  return uPlot.fmtDate(template.replace('{M}/{D}/{YY}', '{YYYY}-{MM}-{DD}').replace('{M}/{D}', '{MM}-{DD}').replace('{h}', '{HH}').replace('{aa}', ''));
}

/** At least a minute of x range, so a session's first samples do not get millisecond ticks. */
const kMinuteRange: uPlot.Range.Function = (_u, min, max) => (max - min < 60 ? [min, min + 60] : [min, max]);

const kColors = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

function widthOf(element: HTMLElement): number {
  return Math.max(280, Math.floor(element.clientWidth || element.getBoundingClientRect().width || 600));
}

/** Keeps the chart as wide as its container until `signal` aborts. */
function followWidth(plot: uPlot, container: HTMLElement, height: number, signal: AbortSignal): void {
  if (typeof ResizeObserver === 'undefined') return;
  const observer = new ResizeObserver(() => plot.setSize({ width: widthOf(container), height }));
  observer.observe(container);
  signal.addEventListener('abort', () => {
    observer.disconnect();
    plot.destroy();
  });
}

export interface PowerChart {
  element: HTMLElement;
  update(series: MeterSeries): void;
}

/** Power (kW, left axis) and energy delivered (kWh, right axis) over time. */
export function powerChart(timeZone: string, signal: AbortSignal, height = 260): PowerChart {
  const zone = usableTimeZone(timeZone);
  const plotSlot = h('div', { class: 'chart-plot' });
  const note = h('p', { class: 'chart-note muted' });
  const element = h('div', { class: 'chart', 'data-testid': 'power-chart', 'data-points': '0' }, plotSlot, note);
  let plot: uPlot | null = null;
  const options = (): uPlot.Options => ({
    width: widthOf(element),
    height,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone),
    fmtDate,
    scales: { x: { time: true, range: kMinuteRange }, kw: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] }, kwh: { range: (_u, _min, max) => [0, Math.max(0.1, max * 1.1)] } },
    series: [
      {},
      { label: 'Power', scale: 'kw', stroke: kColors[0], width: 2, spanGaps: true, value: (_u, v) => (v === null ? '—' : formatPower(v * 1000)) },
      { label: 'Energy', scale: 'kwh', stroke: kColors[1], width: 2, spanGaps: true, value: (_u, v) => (v === null ? '—' : formatEnergy(v * 1000)) },
    ],
    axes: [{}, { scale: 'kw', label: 'kW' }, { scale: 'kwh', side: 1, label: 'kWh', grid: { show: false } }],
  });
  return {
    element,
    update(series) {
      const data: uPlot.AlignedData = [
        series.times,
        series.powerW.map((w) => (w === null ? null : w / 1000)),
        series.energyWh.map((wh) => (wh === null ? null : wh / 1000)),
      ];
      if (!plot) {
        plot = new uPlot(options(), data, plotSlot);
        followWidth(plot, element, height, signal);
      } else {
        plot.setData(data);
      }
      element.dataset.points = String(series.times.length);
      note.textContent =
        series.times.length === 0 ? 'No meter values yet.' : series.powerDerived ? 'The charger sends no power values: power is derived from the energy register.' : '';
    },
  };
}

export interface SeriesSpec {
  label: string;
  values: (number | null)[];
  format?: (value: number) => string;
}

/**
 * A time chart of several series on one axis. `bars` draws bars (buckets), else lines.
 * `threshold` draws a dashed horizontal line (the 97 % uptime rule).
 */
export function timeChart(
  times: number[],
  series: SeriesSpec[],
  options: { timeZone: string; signal: AbortSignal; unit: string; bars?: boolean; threshold?: number; height?: number },
): HTMLElement {
  const height = options.height ?? 280;
  const element = h('div', { class: 'chart', 'data-points': String(times.length) });
  const zone = usableTimeZone(options.timeZone);
  const plotted = [...series];
  if (options.threshold !== undefined) plotted.push({ label: `${options.threshold} % line`, values: times.map(() => options.threshold ?? null) });
  // Drawn once the caller has put the element on the page, so that it has a width.
  requestAnimationFrame(() => {
    if (options.signal.aborted) return;
    const plot = new uPlot(
      {
        width: widthOf(element),
        height,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone),
        fmtDate,
        scales: { x: { time: true } },
        series: [
          {},
          ...plotted.map((s, i) => ({
            label: s.label,
            stroke: kColors[i % kColors.length],
            width: options.threshold !== undefined && i === plotted.length - 1 ? 1 : 2,
            dash: options.threshold !== undefined && i === plotted.length - 1 ? [6, 4] : undefined,
            fill: options.bars && i < series.length ? `${kColors[i % kColors.length]}55` : undefined,
            paths: options.bars && i < series.length ? uPlot.paths.bars?.({ size: [0.8 / Math.max(1, series.length), 60] }) : undefined,
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : (s.format?.(v) ?? `${v} ${options.unit}`)),
          })),
        ],
        axes: [{}, { label: options.unit }],
      },
      [times, ...plotted.map((s) => s.values)],
      element,
    );
    followWidth(plot, element, height, options.signal);
  });
  return element;
}

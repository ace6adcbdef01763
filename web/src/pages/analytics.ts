// Analytics: one report at a time with its date range, stations and bucket; every chart and
// table has a CSV of exactly the numbers it shows (not the raw report).
import { apiGet, isAbort } from '../api/client';
import type { ReportName, ReportOf, ReportRow } from '../api/types';
import { allStations } from '../directory';
import { downloadCsv, toCsv, type Column } from '../lib/csv';
import { afterNextPaint, h, replace, type Child } from '../lib/dom';
import { formatCount, formatDuration, formatEnergy, formatMoney, formatPercent, formatPower } from '../lib/format';
import { may, type Role } from '../lib/roles';
import type { PageContext } from '../router';
import { errorBox, field, loading, pageHeader, section, select } from '../ui/widgets';
import { addDays, localMidnightIso } from '../lib/time';
import { kBuckets, kReportNames, kSeriesShapes, readQuery, reportRequest, type Bucket, type Group, type Query, type ReportChoice, type Series } from './analytics-query';
import { byBucket, byStation, describePeaks, heatGrid, moneyByCurrency, uptimeOf, utilizationOf, type HeatMetric, type Peak } from './analytics-data';

const kReportLabels: Record<ReportChoice, string> = {
  utilization: 'Utilization',
  energy: 'Energy',
  'peak-hours': 'Peak hours (7×24)',
  uptime: 'Uptime',
  faults: 'Faults (MTTR / MTBF)',
  sessions: 'Sessions',
  revenue: 'Revenue',
  expansion: 'Expansion',
  maintenance: 'Maintenance',
  'what-if': 'Tariff what-if',
};
const kReports: [ReportChoice, string][] = kReportNames.map((name) => [name, kReportLabels[name]]);

interface View {
  signal: AbortSignal;
  query: Query;
  role: Role;
}

type TimeChart = typeof import('../ui/chart').timeChart;

/** The chart library loads beside a series' data, not before the first request (nor for tables only). */
const loadTimeChart = (): Promise<TimeChart> => import('../ui/chart').then((m) => m.timeChart);

/** A column of a shown table: how it looks and the number its CSV holds. */
interface ShownColumn<R> {
  header: string;
  cell: (row: R) => Child;
  csv: (row: R) => string | number | boolean | null | undefined;
  numeric?: boolean;
}

/** Rows drawn at first: a table of 500 stations costs the browser more to lay out than the report takes to make. */
const kFirstRows = 100;

function shownTable<R>(title: string, rows: readonly R[], columns: ShownColumn<R>[], fileName: string, rowAttrs: (row: R) => Record<string, string | number> = () => ({})): HTMLElement {
  const csvColumns: Column<R>[] = columns.map((c) => ({ header: c.header, value: c.csv }));
  const row = (r: R) => h('tr', rowAttrs(r), columns.map((c) => h('td', { class: c.numeric ? 'num' : undefined }, c.cell(r))));
  const body = h('tbody', null, rows.length
    ? rows.slice(0, kFirstRows).map(row)
    : h('tr', null, h('td', { colspan: columns.length, class: 'empty' }, 'No data in this range.')));
  const more = rows.length > kFirstRows
    ? h('p', { class: 'muted', 'data-testid': 'table-more' }, `Showing the first ${formatCount(kFirstRows)} of ${formatCount(rows.length)} rows (the CSV has all of them). `,
      h('button', { type: 'button', onClick: (e) => { body.append(...rows.slice(kFirstRows).map(row)); (e.currentTarget as HTMLElement).parentElement?.remove(); } }, `Show all ${formatCount(rows.length)}`))
    : null;
  return section(
    title,
    h('div', { class: 'button-row' }, csvButton(() => toCsv(rows, csvColumns), fileName)),
    h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'analytics-table' },
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.header)))),
      body)),
    more,
  );
}

function csvButton(text: () => string, fileName: string): HTMLElement {
  return h('button', { type: 'button', 'data-testid': 'analytics-csv', onClick: () => downloadCsv(text(), fileName) }, 'Download CSV');
}

function chartSection(title: string, chart: HTMLElement, csv: () => string, fileName: string, note?: string): HTMLElement {
  return section(title, note ? h('p', { class: 'muted' }, note) : null, h('div', { class: 'button-row' }, csvButton(csv, fileName)), chart);
}

const pct = (v: number | null | undefined) => formatPercent(v ?? null);
const num = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 100) / 100);

async function fetchReport<N extends ReportName>(name: N, q: Query, view: View, shape: { group?: Group; bucket?: Bucket } = {}): Promise<ReportOf<N>> {
  const doc = await apiGet('/api/v1/analytics/{report}', { ...reportRequest(name, q, shape), signal: view.signal });
  if (doc.report !== name) throw new Error(`asked for the ${name} report, the server answered with ${doc.report}`);
  return doc as ReportOf<N>;
}

/**
 * A time series as the page shows it: the fleet per bucket for the chart, and each station over
 * the whole range for the table (by month: the buckets add up to the range whatever their size,
 * and months are the fewest rows). Both are summed by the server.
 */
async function fetchSeries<N extends Series>(name: N, q: Query, view: View): Promise<{ fleet: ReportOf<N>; stations: ReportOf<N> }> {
  const [fleet, stations] = await Promise.all(kSeriesShapes.map((shape) => fetchReport(name, q, view, shape)));
  return { fleet: fleet as ReportOf<N>, stations: stations as ReportOf<N> };
}

/** The zone for the time axis: the stations' zone when they share one, else this browser's. */
function axisZone(doc: { time_zones: string[] }): string {
  return doc.time_zones.length === 1 && doc.time_zones[0] ? doc.time_zones[0] : Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export async function renderAnalytics(ctx: PageContext): Promise<void> {
  const query = readQuery(ctx.query);
  const report = select(kReports, { 'data-testid': 'analytics-report' }, query.report);
  const from = h('input', { type: 'date', value: query.from, required: true });
  const to = h('input', { type: 'date', value: query.to, required: true });
  const stations = h('select', { multiple: true, size: 4, 'data-testid': 'analytics-stations' });
  const bucket = select([...kBuckets], { 'data-testid': 'analytics-bucket' }, query.bucket);
  const threshold = h('input', { type: 'number', min: 0, max: 100, step: 'any', value: String(query.threshold) });
  const out = h('div', { class: 'analytics' });
  replace(
    ctx.root,
    pageHeader('Analytics'),
    h('form', { class: 'filters', onSubmit: (e) => { e.preventDefault(); apply(); } },
      field('Report', report), field('From', from), field('Until (inclusive)', to),
      field('Stations', stations, 'None selected: all. Ctrl/⌘-click for several.'), field('Bucket', bucket), field('Uptime threshold %', threshold),
      h('button', { type: 'submit', class: 'primary' }, 'Show')),
    out,
  );
  // The station choices load once the first report is on the screen: neither its request nor
  // making 500 options delays it.
  let directory: Awaited<ReturnType<typeof allStations>> | null = null;
  const loadChoices = () => allStations(ctx.signal).then((d) => {
    if (directory) return;
    directory = d;
    const chosen = new Set(query.stations);
    const options = document.createDocumentFragment();
    for (const id of d.stations.keys()) options.append(new Option(id, id, false, chosen.has(id)));
    stations.append(options);
  }, () => undefined);

  function apply(): void {
    const next = new URLSearchParams({ report: report.value, from: from.value, to: to.value, bucket: bucket.value, threshold: threshold.value });
    // Before the station list has loaded, the stations of the address stay chosen.
    const chosen = directory ? [...stations.selectedOptions].map((o) => o.value) : query.stations;
    for (const id of chosen) next.append('station', id);
    ctx.setQuery(next);
    void show(readQuery(next));
  }
  report.addEventListener('change', apply);

  let generation = 0;
  let current: AbortController | null = null;
  async function show(q: Query): Promise<void> {
    const mine = ++generation;
    // A report asked for again, or another one, cancels the requests of the one before.
    current?.abort();
    const controller = new AbortController();
    current = controller;
    ctx.signal.addEventListener('abort', () => controller.abort(), { once: true });
    const view: View = { signal: controller.signal, query: q, role: ctx.session.role };
    replace(out, loading());
    try {
      const content = await renderReport(q, view);
      if (mine === generation) replace(out, content);
    } catch (error) {
      if (mine === generation && !ctx.signal.aborted && !isAbort(error)) replace(out, errorBox(error));
    }
  }
  await show(query);
  afterNextPaint(() => void loadChoices(), ctx.signal);
}

async function renderReport(q: Query, view: View): Promise<Child> {
  switch (q.report) {
    case 'utilization': return utilization(...(await Promise.all([fetchSeries('utilization', q, view), loadTimeChart()])), view);
    case 'energy': return energy(...(await Promise.all([fetchSeries('energy', q, view), loadTimeChart()])), view);
    case 'peak-hours': return peakHours(await fetchReport('peak-hours', q, view));
    case 'uptime': return uptime(...(await Promise.all([fetchSeries('uptime', q, view), loadTimeChart()])), view);
    case 'faults': return faults(await fetchReport('faults', q, view));
    case 'sessions': return sessions(await fetchReport('sessions', q, view));
    case 'revenue': return revenue(...(await Promise.all([fetchSeries('revenue', q, view), loadTimeChart()])), view);
    case 'expansion': return expansion(await fetchReport('expansion', q, view));
    case 'maintenance': return maintenance(await fetchReport('maintenance', q, view));
    case 'what-if': return whatIf(q, view.role);
  }
}

function utilization({ fleet, stations }: { fleet: ReportOf<'utilization'>; stations: ReportOf<'utilization'> }, timeChart: TimeChart, view: View): Child {
  const buckets = byBucket(fleet.rows).map((b) => ({ time: b.time, ...utilizationOf(b.rows) }));
  // Every month's row of a station counts its connectors (the server's count).
  const perStation = [...byStation(stations.rows)].map(([station, rows]) => ({
    station,
    connectors: rows.length ? Math.max(...rows.map((r) => r.connectors)) : null,
    ...utilizationOf(rows),
  }));
  const chartCsv: Column<(typeof buckets)[number]>[] = [
    { header: 'bucket_start', value: (b) => new Date(b.time * 1000).toISOString() },
    { header: 'occupied_percent', value: (b) => num(b.occupied) },
    { header: 'charging_percent', value: (b) => num(b.charging) },
  ];
  return [
    chartSection('Occupied and charging share of connector time', timeChart(buckets.map((b) => b.time), [
      { label: 'Occupied', values: buckets.map((b) => b.occupied), format: (v) => formatPercent(v) },
      { label: 'Charging', values: buckets.map((b) => b.charging), format: (v) => formatPercent(v) },
    ], { timeZone: axisZone(fleet), signal: view.signal, unit: '%' }), () => toCsv(buckets, chartCsv), 'utilization-chart.csv'),
    shownTable('Per station', perStation, [
      { header: 'Station', cell: (r) => stationLink(r.station), csv: (r) => r.station },
      { header: 'Connectors', cell: (r) => (r.connectors === null ? '—' : String(r.connectors)), csv: (r) => r.connectors, numeric: true },
      { header: 'Occupied', cell: (r) => pct(r.occupied), csv: (r) => num(r.occupied), numeric: true },
      { header: 'Charging', cell: (r) => pct(r.charging), csv: (r) => num(r.charging), numeric: true },
      { header: 'Sessions', cell: (r) => String(r.sessions), csv: (r) => r.sessions, numeric: true },
    ], 'utilization-stations.csv'),
  ];
}

function energy({ fleet, stations }: { fleet: ReportOf<'energy'>; stations: ReportOf<'energy'> }, timeChart: TimeChart, view: View): Child {
  const buckets = byBucket(fleet.rows).map((b) => ({ time: b.time, wh: b.rows.reduce((s, r) => s + r.energy_wh, 0), sessions: b.rows.reduce((s, r) => s + r.sessions, 0) }));
  const perStation = [...byStation(stations.rows)].map(([station, rows]) => ({ station, wh: rows.reduce((s, r) => s + r.energy_wh, 0), sessions: rows.reduce((s, r) => s + r.sessions, 0) }));
  return [
    chartSection('Energy delivered per bucket', timeChart(buckets.map((b) => b.time), [{ label: 'Energy', values: buckets.map((b) => b.wh / 1000), format: (v) => formatEnergy(v * 1000) }],
      { timeZone: axisZone(fleet), signal: view.signal, unit: 'kWh', bars: true }),
      () => toCsv(buckets, [{ header: 'bucket_start', value: (b) => new Date(b.time * 1000).toISOString() }, { header: 'energy_wh', value: (b) => b.wh }, { header: 'sessions', value: (b) => b.sessions }]), 'energy-chart.csv'),
    shownTable('Per station', perStation, [
      { header: 'Station', cell: (r) => stationLink(r.station), csv: (r) => r.station },
      { header: 'Energy', cell: (r) => formatEnergy(r.wh), csv: (r) => r.wh, numeric: true },
      { header: 'Sessions', cell: (r) => String(r.sessions), csv: (r) => r.sessions, numeric: true },
    ], 'energy-stations.csv'),
  ];
}

const kDays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function peakHours(doc: ReportOf<'peak-hours'>): Child {
  const metric = select([['avg_occupancy_percent', 'Average occupancy %'], ['sessions_started', 'Sessions started'], ['energy_wh', 'Energy']], { 'data-testid': 'heatmap-metric' }, 'avg_occupancy_percent');
  const peaks = describePeaks(doc.peaks, doc.rows);
  const slot = h('div');
  const draw = () => replace(slot, heatmap(doc, metric.value as HeatMetric, peaks));
  metric.addEventListener('change', draw);
  draw();
  return section(
    'Peak hours: weekday × local hour, all chosen stations together',
    h('p', { class: 'muted' }, 'Rows are weekdays (data-dow 0 = Monday … 6 = Sunday); columns are local hours 0–23, each station’s own time zone. Darker = more of the chosen measure; numbered cells are the busiest hours listed below.'),
    h('div', { class: 'filters' }, field('Shade by', metric),
      csvButton(() => toCsv(heatGrid(doc.rows, metric.value as HeatMetric), [
        { header: 'dow', value: (c) => c.dow }, { header: 'weekday', value: (c) => kDays[c.dow] }, { header: 'hour', value: (c) => c.hour }, { header: metric.value, value: (c) => c.value },
      ]), 'peak-hours.csv')),
    slot,
    peakList(peaks),
  );
}

/** Below 0.1 % but not zero: say so rather than "0.0 %". */
function occupancyText(value: number | null): string {
  if (value === null) return '—';
  return value > 0 && value < 0.05 ? '< 0.1 %' : formatPercent(value);
}

function peakList(peaks: readonly Peak[]): HTMLElement {
  const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;
  return h('div', { class: 'peaks', 'data-testid': 'peaks' },
    h('h3', null, 'Busiest hours'),
    peaks.length
      ? [
          h('p', { class: 'muted' }, 'The weekday-hours with the highest average occupancy: the share of the connectors’ available time they were occupied, over every such hour in the range (ties: more sessions started). Hours are local to each station.'),
          h('ol', null, peaks.map((p) => h('li', { 'data-testid': 'peak', 'data-dow': p.dow ?? '', 'data-hour': p.hour ?? '' },
            h('strong', null, p.when), ': ',
            `${occupancyText(p.occupancyPercent)} occupied`,
            p.sessionsStarted !== null ? ` · ${plural(p.sessionsStarted, 'session', 'sessions')} started` : '',
            p.energyWh !== null ? ` · ${formatEnergy(p.energyWh)} delivered` : ''))),
        ]
      : h('p', { class: 'muted' }, 'No hour in this range had a connector occupied or a session started.'),
  );
}

function heatmap(doc: ReportOf<'peak-hours'>, metric: HeatMetric, peaks: readonly Peak[] = []): HTMLElement {
  const cells = heatGrid(doc.rows, metric);
  const max = Math.max(0, ...cells.map((c) => c.value));
  const text = (v: number) => (metric === 'energy_wh' ? formatEnergy(v) : metric === 'avg_occupancy_percent' ? occupancyText(v) : formatCount(v));
  const rankOf = (dow: number, hour: number) => peaks.find((p) => p.dow === dow && p.hour === hour)?.rank;
  const two = (n: number) => String(n).padStart(2, '0');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'heatmap', 'data-testid': 'heatmap' },
    h('caption', { class: 'sr-only' }, `Peak hours by ${metric === 'energy_wh' ? 'energy' : metric === 'sessions_started' ? 'sessions started' : 'average occupancy'}`),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), Array.from({ length: 24 }, (_, hour) => h('th', { scope: 'col' }, String(hour))))),
    h('tbody', null, kDays.map((day, dow) => h('tr', null, h('th', { scope: 'row' }, day.slice(0, 3)),
      cells.filter((c) => c.dow === dow).map((c) => {
        const rank = rankOf(c.dow, c.hour);
        return h('td', {
          'data-testid': 'heat-cell',
          'data-dow': c.dow,
          'data-hour': c.hour,
          'data-value': c.value,
          'data-peak': rank,
          class: rank ? 'peak' : undefined,
          title: `${day} ${two(c.hour)}:00–${two((c.hour + 1) % 24)}:00 — ${text(c.value)}${rank ? ` (peak ${rank})` : ''}`,
          style: `--heat: ${max > 0 ? (c.value / max).toFixed(3) : 0}`,
        }, h('span', { class: 'sr-only' }, text(c.value)), rank ? h('span', { class: 'peak-mark', 'aria-hidden': 'true' }, String(rank)) : null);
      }))))));
}

function uptime({ fleet, stations }: { fleet: ReportOf<'uptime'>; stations: ReportOf<'uptime'> }, timeChart: TimeChart, view: View): Child {
  const threshold = view.query.threshold;
  // The server's figure per start instant: stations sharing one may have buckets of different
  // lengths (a DST change in one zone), which its period_s (the longest) does not say.
  const buckets = byBucket(fleet.rows).map((b) => ({ time: b.time, uptime: b.rows.length === 1 ? b.rows[0]!.uptime_percent : uptimeOf(b.rows) }));
  const perStation = [...byStation(stations.rows)].map(([station, rows]) => ({ station, uptime: uptimeOf(rows), offline: rows.reduce((s, r) => s + r.offline_s, 0), excused: rows.reduce((s, r) => s + r.excused_downtime_s, 0) }));
  // Bars start at 80 % (or lower when a station is lower) so that 96 % and 99 % look different.
  const lowest = Math.min(threshold, ...perStation.map((r) => r.uptime ?? 100));
  const floor = Math.max(0, Math.min(80, Math.floor(lowest / 10) * 10));
  return [
    chartSection(`Fleet uptime per bucket against the ${threshold} % line`, timeChart(buckets.map((b) => b.time), [{ label: 'Uptime', values: buckets.map((b) => b.uptime), format: (v) => formatPercent(v, 2) }],
      { timeZone: axisZone(fleet), signal: view.signal, unit: '%', threshold }),
      () => toCsv(buckets, [{ header: 'bucket_start', value: (b) => new Date(b.time * 1000).toISOString() }, { header: 'uptime_percent', value: (b) => num(b.uptime) }]), 'uptime-chart.csv'),
    shownTable(`Per station (below ${threshold} % flagged; bars from ${floor} % to 100 %)`, perStation, [
      { header: 'Station', cell: (r) => stationLink(r.station), csv: (r) => r.station },
      { header: 'Uptime', cell: (r) => uptimeBar(r.uptime, threshold, floor), csv: (r) => num(r.uptime) },
      { header: 'Below line', cell: (r) => (r.uptime !== null && r.uptime < threshold ? 'yes' : 'no'), csv: (r) => r.uptime !== null && r.uptime < threshold },
      { header: 'Offline', cell: (r) => formatDuration(r.offline), csv: (r) => r.offline, numeric: true },
      { header: 'Excused (maintenance)', cell: (r) => formatDuration(r.excused), csv: (r) => r.excused, numeric: true },
    ], 'uptime-stations.csv', (r) => ({ class: r.uptime !== null && r.uptime < threshold ? 'below' : '' })),
  ];
}

/** A bar with the threshold marked, and the number for those who do not see the bar. */
function uptimeBar(value: number | null, threshold: number, floor: number): HTMLElement {
  const position = (v: number) => `${Math.max(0, Math.min(100, ((v - floor) / (100 - floor)) * 100)).toFixed(2)}%`;
  return h('div', { class: 'bar', style: `--value: ${position(value ?? floor)}; --line: ${position(threshold)}` }, h('span', { class: 'bar-text' }, formatPercent(value, 2)));
}

function faults(doc: ReportOf<'faults'>): Child {
  return shownTable('Alerts, MTTR and MTBF per station and rule', doc.rows, [
    { header: 'Station', cell: (r) => stationLink(r.station_id), csv: (r) => r.station_id },
    { header: 'Rule', cell: (r) => r.rule, csv: (r) => r.rule },
    { header: 'Alerts', cell: (r) => String(r.alerts), csv: (r) => r.alerts, numeric: true },
    { header: 'Resolved', cell: (r) => String(r.resolved), csv: (r) => r.resolved, numeric: true },
    { header: 'MTTR', cell: (r) => formatDuration(r.mttr_s), csv: (r) => r.mttr_s, numeric: true },
    { header: 'MTBF', cell: (r) => formatDuration(r.mtbf_s), csv: (r) => r.mtbf_s, numeric: true },
  ], 'faults.csv');
}

function sessions(doc: ReportOf<'sessions'>): Child {
  return shownTable('Sessions that started in the range', doc.rows, [
    { header: 'Station', cell: (r: ReportRow<'sessions'>) => stationLink(r.station_id), csv: (r) => r.station_id },
    { header: 'Sessions', cell: (r) => String(r.sessions), csv: (r) => r.sessions, numeric: true },
    { header: 'Duration p50 / p90 / max', cell: (r) => `${formatDuration(r.duration_p50_s)} / ${formatDuration(r.duration_p90_s)} / ${formatDuration(r.duration_max_s)}`, csv: (r) => `${r.duration_p50_s}/${r.duration_p90_s}/${r.duration_max_s}`, numeric: true },
    { header: 'Energy p50 / p90 / max', cell: (r) => `${formatEnergy(r.energy_p50_wh)} / ${formatEnergy(r.energy_p90_wh)} / ${formatEnergy(r.energy_max_wh)}`, csv: (r) => `${r.energy_p50_wh}/${r.energy_p90_wh}/${r.energy_max_wh}`, numeric: true },
    { header: 'Idle', cell: (r) => pct(r.idle_percent), csv: (r) => num(r.idle_percent), numeric: true },
    { header: 'Id tokens', cell: (r) => String(r.unique_id_tokens), csv: (r) => r.unique_id_tokens, numeric: true },
    { header: 'Customers', cell: (r) => String(r.unique_customers), csv: (r) => r.unique_customers, numeric: true },
    { header: 'Repeat', cell: (r) => pct(r.repeat_percent), csv: (r) => num(r.repeat_percent), numeric: true },
  ], 'sessions.csv');
}

function revenue({ fleet, stations }: { fleet: ReportOf<'revenue'>; stations: ReportOf<'revenue'> }, timeChart: TimeChart, view: View): Child {
  const currencies = [...new Set(fleet.rows.map((r) => r.currency))].sort();
  const buckets = byBucket(fleet.rows).map((b) => ({ time: b.time, totals: moneyByCurrency(b.rows, (r) => r.currency, (r) => r.revenue_incl_vat) }));
  const groups = new Map<string, ReportRow<'revenue'>[]>();
  for (const r of stations.rows) {
    const key = `${r.station_id}\u0000${r.tariff_id}\u0000${r.currency}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const table = [...groups.values()].map((rows) => {
    const first = rows[0]!;
    return {
      station: first.station_id ?? '',
      tariff: first.tariff_id ?? '',
      currency: first.currency,
      sessions: rows.reduce((s, r) => s + r.sessions, 0),
      wh: rows.reduce((s, r) => s + r.energy_wh, 0),
      excl: moneyByCurrency(rows, (r) => r.currency, (r) => r.revenue_excl_vat).get(first.currency) ?? '0',
      incl: moneyByCurrency(rows, (r) => r.currency, (r) => r.revenue_incl_vat).get(first.currency) ?? '0',
    };
  }).sort((a, b) => a.station.localeCompare(b.station) || a.tariff.localeCompare(b.tariff));
  const totals = moneyByCurrency(stations.rows, (r) => r.currency, (r) => r.revenue_incl_vat);
  return [
    h('p', { class: 'lead' }, 'Total incl. VAT: ', [...totals].map(([c, amount]) => h('strong', { class: 'money-line' }, formatMoney(amount, c))), totals.size ? null : 'none'),
    chartSection('Revenue incl. VAT per bucket (by session end)', timeChart(buckets.map((b) => b.time),
      currencies.map((c) => ({ label: c, values: buckets.map((b) => (b.totals.has(c) ? Number(b.totals.get(c)) : null)), format: (v: number) => formatMoney(v, c) })),
      { timeZone: axisZone(fleet), signal: view.signal, unit: currencies.join('/'), bars: true }),
      () => toCsv(buckets.flatMap((b) => [...b.totals].map(([currency, amount]) => ({ time: b.time, currency, amount }))), [
        { header: 'bucket_start', value: (r) => new Date(r.time * 1000).toISOString() }, { header: 'currency', value: (r) => r.currency }, { header: 'revenue_incl_vat', value: (r) => r.amount },
      ]), 'revenue-chart.csv', 'Amounts are exact in the tables and CSV; the chart plots them as numbers.'),
    shownTable('Per station and tariff', table, [
      { header: 'Station', cell: (r) => stationLink(r.station), csv: (r) => r.station },
      { header: 'Tariff', cell: (r) => r.tariff, csv: (r) => r.tariff },
      { header: 'Sessions', cell: (r) => String(r.sessions), csv: (r) => r.sessions, numeric: true },
      { header: 'Energy', cell: (r) => formatEnergy(r.wh), csv: (r) => r.wh, numeric: true },
      { header: 'Excl. VAT', cell: (r) => formatMoney(r.excl, r.currency), csv: (r) => r.excl, numeric: true },
      { header: 'Incl. VAT', cell: (r) => formatMoney(r.incl, r.currency), csv: (r) => r.incl, numeric: true },
      { header: 'Currency', cell: (r) => r.currency, csv: (r) => r.currency },
    ], 'revenue.csv'),
  ];
}

function expansion(doc: ReportOf<'expansion'>): Child {
  return shownTable('Where capacity is short or idle (bucket ignored)', doc.rows, [
    { header: 'Level', cell: (r: ReportRow<'expansion'>) => r.level, csv: (r) => r.level },
    { header: 'Station / site', cell: (r) => (r.station_id ? stationLink(r.station_id) : r.site), csv: (r) => r.station_id ?? r.site },
    { header: 'Connectors', cell: (r) => String(r.connectors), csv: (r) => r.connectors, numeric: true },
    { header: 'Sessions', cell: (r) => String(r.sessions), csv: (r) => r.sessions, numeric: true },
    { header: 'Energy', cell: (r) => formatEnergy(r.energy_wh), csv: (r) => r.energy_wh, numeric: true },
    { header: 'Occupancy', cell: (r) => pct(r.occupancy_percent), csv: (r) => num(r.occupancy_percent), numeric: true },
    { header: 'Busiest hour', cell: (r) => (r.busiest_hour === null ? '—' : `${r.busiest_hour}:00 (${pct(r.busiest_hour_occupancy_percent)})`), csv: (r) => r.busiest_hour, numeric: true },
    { header: 'Saturation', cell: (r) => pct(r.saturation_percent), csv: (r) => num(r.saturation_percent), numeric: true },
    { header: 'Growth sessions / energy', cell: (r) => `${pct(r.sessions_growth_percent)} / ${pct(r.energy_growth_percent)}`, csv: (r) => `${num(r.sessions_growth_percent) ?? ''}/${num(r.energy_growth_percent) ?? ''}`, numeric: true },
    { header: 'Verdict', cell: (r) => (r.needs_capacity ? 'needs capacity' : r.under_used ? 'under-used' : '—'), csv: (r) => (r.needs_capacity ? 'needs_capacity' : r.under_used ? 'under_used' : '') },
  ], 'expansion.csv');
}

function maintenance(doc: ReportOf<'maintenance'>): Child {
  const pair = (recent: number | null, base: number | null, f: (v: number | null) => string) => `${f(recent)} (was ${f(base)})`;
  return shownTable('Last four weeks against each station’s own history (bucket ignored)', doc.rows, [
    { header: 'Station', cell: (r: ReportRow<'maintenance'>) => stationLink(r.station_id), csv: (r) => r.station_id },
    { header: 'Candidate', cell: (r) => (r.candidate ? 'yes' : 'no'), csv: (r) => r.candidate },
    { header: 'Why', cell: (r) => r.reasons || '—', csv: (r) => r.reasons },
    { header: 'Alerts per week', cell: (r) => pair(r.recent_alerts_per_week, r.baseline_alerts_per_week, (v) => formatCount(v)), csv: (r) => `${r.recent_alerts_per_week ?? ''}/${r.baseline_alerts_per_week ?? ''}`, numeric: true },
    { header: 'Failed starts', cell: (r) => pair(r.recent_failed_start_percent, r.baseline_failed_start_percent, (v) => pct(v)), csv: (r) => `${num(r.recent_failed_start_percent) ?? ''}/${num(r.baseline_failed_start_percent) ?? ''}`, numeric: true },
    { header: 'Average power', cell: (r) => pair(r.recent_avg_power_kw, r.baseline_avg_power_kw, (v) => formatPower(v === null ? null : v * 1000)), csv: (r) => `${r.recent_avg_power_kw ?? ''}/${r.baseline_avg_power_kw ?? ''}`, numeric: true },
    { header: 'Recent sessions', cell: (r) => String(r.recent_sessions), csv: (r) => r.recent_sessions, numeric: true },
  ], 'maintenance.csv', (r) => ({ class: r.candidate ? 'below' : '' }));
}

function whatIf(q: Query, role: Role): Child {
  const title = 'What a proposed tariff would have earned';
  // Re-pricing is an operator's call: a viewer's request would be refused (and end the session).
  if (!may(role, 'post /api/v1/analytics/tariff-simulation'))
    return section(title, h('p', { class: 'muted', 'data-testid': 'whatif-role' }, `The tariff what-if re-prices sessions: operators and admins run it; you are signed in as ${role}.`));
  const text = h('textarea', { rows: 12, class: 'code', spellcheck: 'false' }, JSON.stringify({ currency: 'EUR', vat_percent: '19', elements: [{ price_components: [{ type: 'ENERGY', price: '0.45' }] }] }, null, 2));
  const result = h('div');
  const run = (event: Event) => {
    event.preventDefault();
    let tariff: Record<string, unknown>;
    try {
      tariff = JSON.parse(text.value) as Record<string, unknown>;
    } catch {
      replace(result, errorBox('The tariff is not valid JSON.'));
      return;
    }
    void import('./tariff-sim').then(({ simulateInto }) => simulateInto(result, {
      tariff,
      from: localMidnightIso(q.from) ?? '',
      to: localMidnightIso(addDays(q.to, 1) ?? '') ?? '',
      ...(q.stations.length ? { station: q.stations } : {}),
    }), (error: unknown) => replace(result, errorBox(error)));
  };
  return section(
    title,
    h('p', { class: 'muted' }, 'Re-prices the ended sessions of the range (and stations) above with this tariff and compares with what they were priced at. Operators and admins.'),
    h('form', { onSubmit: run }, field('Proposed tariff (JSON, as in Billing → Tariffs)', text), h('button', { type: 'submit', class: 'primary', 'data-testid': 'whatif-run' }, 'Compare')),
    result,
  );
}

function stationLink(id: string): HTMLElement {
  return h('a', { href: `#/stations/${encodeURIComponent(id)}` }, id);
}

// The fleet at a glance: stations online/offline/faulted, sessions in progress, energy and
// revenue today against the same weekday last week, open alerts by severity. Counts follow
// the live streams; the analytics figures are fetched again every minute and after a session ends.
import { apiGet, errorText, fetchAll, isAbort } from '../api/client';
import type { StationStreamEvent } from '../api/events';
import type { Alert, ReportOf, Station } from '../api/types';
import { allStations } from '../directory';
import { sumDecimalTexts } from '../lib/decimal';
import { h, replace, type Child } from '../lib/dom';
import { formatEnergy, formatMoney, formatPercent } from '../lib/format';
import { changePercent, todayAndLastWeek, type Range } from '../lib/time';
import { live } from '../live';
import type { PageContext } from '../router';
import { applyStationEvent, isFaulted } from '../stations-live';
import { errorBox, loading, pageHeader, section, statusBadge, table } from '../ui/widgets';

interface Totals {
  energyWh: number;
  revenue: Map<string, string>;
}

const kSeverities = ['critical', 'warning', 'info'] as const;

export async function renderOverview(ctx: PageContext): Promise<void> {
  const tiles = h('div', { class: 'tiles' });
  const attention = h('div', { class: 'grid-2' });
  replace(ctx.root, pageHeader('Overview'), tiles, attention);
  tiles.append(loading());

  const stations = new Map<string, Station>();
  const openTransactions = new Set<number>();
  const activeAlerts = new Map<number, Alert>();
  let today: Totals | null = null;
  let lastWeek: Totals | null = null;
  let totalsError = '';

  const render = () => {
    replace(tiles, stationTiles(stations), sessionTile(openTransactions), energyTile(today, lastWeek, totalsError), revenueTile(today, lastWeek, totalsError), alertTile(activeAlerts));
    replace(attention, faultedList(stations), alertList(activeAlerts));
  };

  const loadCounts = async () => {
    const [directory, transactions, alerts] = await Promise.all([
      allStations(ctx.signal, 0),
      fetchAll((cursor) => apiGet('/api/v1/transactions', { query: { state: 'open', limit: 500, cursor }, signal: ctx.signal })),
      Promise.all(
        (['open', 'acknowledged'] as const).map((state) =>
          fetchAll((cursor) => apiGet('/api/v1/alerts', { query: { state, limit: 500, cursor }, signal: ctx.signal })),
        ),
      ),
    ]);
    stations.clear();
    for (const [id, station] of directory.stations) stations.set(id, structuredClone(station));
    openTransactions.clear();
    for (const t of transactions.items) openTransactions.add(t.id);
    activeAlerts.clear();
    for (const page of alerts) for (const alert of page.items) activeAlerts.set(alert.id, alert);
  };

  const loadTotals = async () => {
    try {
      const ranges = todayAndLastWeek(new Date());
      [today, lastWeek] = await Promise.all([totalsOf(ranges.today, ctx.signal), totalsOf(ranges.lastWeek, ctx.signal)]);
      totalsError = '';
    } catch (error) {
      if (isAbort(error)) return;
      totalsError = errorText(error);
    }
  };

  try {
    await Promise.all([loadCounts(), loadTotals()]);
  } catch (error) {
    if (ctx.signal.aborted || isAbort(error)) return;
    replace(tiles, errorBox(error));
    return;
  }
  if (ctx.signal.aborted) return;
  render();

  let totalsTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshTotalsSoon = (delayMs: number) => {
    clearTimeout(totalsTimer);
    totalsTimer = setTimeout(() => void loadTotals().then(render), delayMs);
  };
  const minuteTimer = setInterval(() => void loadTotals().then(render), 60_000);
  ctx.signal.addEventListener('abort', () => {
    clearInterval(minuteTimer);
    clearTimeout(totalsTimer);
  });

  live.onStation((event) => {
    if (event.kind === 'resync') {
      void loadCounts().then(render, () => undefined);
      return;
    }
    applyToOverview(event, stations, openTransactions);
    // A session that ended is priced and rolled up shortly after.
    if (event.kind === 'transaction.ended') refreshTotalsSoon(5_000);
    render();
  }, ctx.signal);

  live.onAlert((event) => {
    if (event.kind === 'resync') {
      void loadCounts().then(render, () => undefined);
      return;
    }
    if (event.alert.state === 'resolved') activeAlerts.delete(event.alert.id);
    else activeAlerts.set(event.alert.id, event.alert);
    render();
  }, ctx.signal);
}

function applyToOverview(event: StationStreamEvent, stations: Map<string, Station>, open: Set<number>): void {
  if (event.kind === 'transaction.started') open.add(event.transaction_id);
  else if (event.kind === 'transaction.ended') open.delete(event.transaction_id);
  const station = stations.get(event.station_id);
  if (station) applyStationEvent(station, event);
}

async function totalsOf(range: Range, signal: AbortSignal): Promise<Totals> {
  const query = { from: range.from.toISOString(), to: range.to.toISOString(), bucket: 'day' as const };
  const [energy, revenue] = await Promise.all([
    apiGet('/api/v1/analytics/{report}', { path: { report: 'energy' }, query, signal }) as Promise<ReportOf<'energy'>>,
    apiGet('/api/v1/analytics/{report}', { path: { report: 'revenue' }, query, signal }) as Promise<ReportOf<'revenue'>>,
  ]);
  const byCurrency = new Map<string, string[]>();
  for (const row of revenue.rows) byCurrency.set(row.currency, [...(byCurrency.get(row.currency) ?? []), row.revenue_incl_vat]);
  return {
    energyWh: energy.rows.reduce((sum, row) => sum + row.energy_wh, 0),
    revenue: new Map([...byCurrency].map(([currency, amounts]) => [currency, sumDecimalTexts(amounts)])),
  };
}

function tile(testId: string, label: string, value: Child, sub: Child = null, attrs: Record<string, string | number> = {}): HTMLElement {
  return h(
    'div',
    { class: 'tile', 'data-testid': testId, ...attrs },
    h('span', { class: 'tile-label' }, label),
    h('span', { class: 'tile-value' }, value),
    sub ? h('span', { class: 'tile-sub' }, sub) : null,
  );
}

function stationTiles(stations: Map<string, Station>): HTMLElement[] {
  const all = [...stations.values()];
  const online = all.filter((s) => s.online).length;
  const faulted = all.filter(isFaulted).length;
  return [
    h('a', { href: '#/stations?online=true', class: 'tile-link' }, tile('ov-online', 'Online', String(online), `of ${all.length} stations`, { 'data-count': online })),
    h('a', { href: '#/stations?online=false', class: 'tile-link' }, tile('ov-offline', 'Offline', String(all.length - online), null, { 'data-count': all.length - online })),
    h('a', { href: '#/stations?status=Faulted', class: 'tile-link' }, tile('ov-faulted', 'Faulted', String(faulted), 'station or connector', { 'data-count': faulted })),
  ];
}

function sessionTile(open: Set<number>): HTMLElement {
  return h('a', { href: '#/sessions?state=open', class: 'tile-link' }, tile('ov-sessions', 'Sessions in progress', String(open.size), null, { 'data-count': open.size }));
}

function comparison(now: number, before: number, beforeText: string): string {
  const change = changePercent(now, before);
  const sign = change !== null && change > 0 ? '+' : '';
  return `same time last week ${beforeText}${change === null ? '' : ` (${sign}${formatPercent(change, 0)})`}`;
}

function energyTile(today: Totals | null, lastWeek: Totals | null, error: string): HTMLElement {
  if (!today || !lastWeek) return tile('ov-energy-today', 'Energy today', '—', error || null);
  return tile('ov-energy-today', 'Energy today', formatEnergy(today.energyWh), comparison(today.energyWh, lastWeek.energyWh, formatEnergy(lastWeek.energyWh)), { 'data-wh': today.energyWh });
}

function revenueTile(today: Totals | null, lastWeek: Totals | null, error: string): HTMLElement {
  if (!today || !lastWeek) return tile('ov-revenue-today', 'Revenue today (incl. VAT)', '—', error || null);
  const currencies = [...new Set([...today.revenue.keys(), ...lastWeek.revenue.keys()])].sort();
  if (currencies.length === 0) return tile('ov-revenue-today', 'Revenue today (incl. VAT)', '0', 'no priced sessions today or the same day last week');
  return tile(
    'ov-revenue-today',
    'Revenue today (incl. VAT)',
    currencies.map((c) => h('span', { class: 'money-line' }, formatMoney(today.revenue.get(c) ?? '0', c))),
    currencies.map((c) => {
      const now = Number(today.revenue.get(c) ?? '0');
      const before = Number(lastWeek.revenue.get(c) ?? '0');
      // Number() only for the percentage; the amounts shown stay exact.
      return h('span', { class: 'money-line' }, comparison(now, before, formatMoney(lastWeek.revenue.get(c) ?? '0', c)));
    }),
  );
}

function alertTile(alerts: Map<number, Alert>): HTMLElement {
  const open = [...alerts.values()].filter((a) => a.state === 'open');
  const acknowledged = alerts.size - open.length;
  const bySeverity = kSeverities.map((s) => `${open.filter((a) => a.severity === s).length} ${s}`).join(' · ');
  return h(
    'a',
    { href: '#/alerts?state=open', class: 'tile-link' },
    tile('ov-alerts', 'Open alerts', String(open.length), `${bySeverity}${acknowledged ? ` · ${acknowledged} acknowledged` : ''}`, { 'data-count': open.length }),
  );
}

function faultedList(stations: Map<string, Station>): HTMLElement {
  const faulted = [...stations.values()].filter(isFaulted).slice(0, 10);
  return section(
    'Faulted stations',
    table(
      [
        { header: 'Station', cell: (s: Station) => h('a', { href: `#/stations/${encodeURIComponent(s.id)}` }, s.name ? `${s.id} · ${s.name}` : s.id) },
        { header: 'Status', cell: (s: Station) => statusBadge(isFaulted(s) ? 'Faulted' : s.status) },
      ],
      faulted,
      () => ({}),
      { empty: 'No station reports a fault.' },
    ),
  );
}

function alertList(alerts: Map<number, Alert>): HTMLElement {
  const latest = [...alerts.values()].sort((a, b) => b.opened_at.localeCompare(a.opened_at)).slice(0, 10);
  return section(
    'Latest active alerts',
    table(
      [
        { header: 'Severity', cell: (a: Alert) => statusBadge(a.severity) },
        { header: 'Rule', cell: (a: Alert) => a.rule },
        { header: 'Station', cell: (a: Alert) => h('a', { href: `#/stations/${encodeURIComponent(a.station_id)}` }, a.station_id) },
        { header: 'State', cell: (a: Alert) => statusBadge(a.state) },
      ],
      latest,
      () => ({}),
      { empty: 'No open or acknowledged alerts.' },
    ),
  );
}

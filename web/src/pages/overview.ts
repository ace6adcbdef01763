// The fleet at a glance: stations online/offline/faulted, sessions in progress, energy and
// revenue today against the same time last week, open alerts by severity. One request
// (GET /api/v1/overview), asked again shortly after any live change and every minute.
import { apiGet, errorText, isAbort } from '../api/client';
import type { Alert, Overview } from '../api/types';
import { h, replace, type Child } from '../lib/dom';
import { formatEnergy, formatMoney, formatPercent } from '../lib/format';
import { changePercent, todayAndLastWeek } from '../lib/time';
import { live } from '../live';
import type { PageContext } from '../router';
import { errorBox, loading, onlineBadge, pageHeader, section, statusBadge, table } from '../ui/widgets';

type FaultedStation = Overview['faulted_stations'][number];

const kSeverities = ['critical', 'warning', 'info'] as const;
/** Live changes come in bursts (a site reconnecting): one request for each burst. */
const kAfterChangeMs = 1_000;
/** A session that ended is priced and rolled up shortly after. */
const kAfterSessionEndMs = 5_000;

export async function renderOverview(ctx: PageContext): Promise<void> {
  const tiles = h('div', { class: 'tiles' });
  const attention = h('div', { class: 'grid-2' });
  const stale = h('div', { role: 'status', 'aria-live': 'polite' });
  replace(ctx.root, pageHeader('Overview'), stale, tiles, attention);
  tiles.append(loading());

  let inFlight: AbortController | null = null;
  const load = async (): Promise<Overview | null> => {
    inFlight?.abort();
    const call = new AbortController();
    inFlight = call;
    const abort = () => call.abort();
    ctx.signal.addEventListener('abort', abort, { once: true });
    try {
      const { today, lastWeek } = todayAndLastWeek(new Date());
      const query = { from: today.from.toISOString(), to: today.to.toISOString(), last_week_from: lastWeek.from.toISOString(), last_week_to: lastWeek.to.toISOString() };
      return await apiGet('/api/v1/overview', { query, signal: call.signal });
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      if (inFlight === call) inFlight = null;
    }
  };
  const render = (doc: Overview) => {
    replace(tiles, ...stationTiles(doc), sessionTile(doc), energyTile(doc), revenueTile(doc), alertTile(doc));
    replace(attention, faultedList(doc.faulted_stations), alertList(doc.latest_alerts));
  };

  try {
    const first = await load();
    if (!first || ctx.signal.aborted) return;
    render(first);
  } catch (error) {
    if (ctx.signal.aborted || isAbort(error)) return;
    replace(tiles, errorBox(error));
    return;
  }

  // Later loads keep the last figures on screen; a failure says so above them.
  const refresh = () =>
    void load().then(
      (doc) => {
        if (!doc || ctx.signal.aborted) return;
        replace(stale);
        render(doc);
      },
      (error) => {
        if (ctx.signal.aborted || isAbort(error)) return;
        replace(stale, h('p', { class: 'error-text' }, `Not up to date: ${errorText(error)}`));
      },
    );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let due = Infinity;
  const refreshIn = (delayMs: number) => {
    // The earliest asked-for time wins; a later ask does not postpone it.
    const at = Date.now() + delayMs;
    if (timer !== undefined && due <= at) return;
    clearTimeout(timer);
    due = at;
    timer = setTimeout(() => {
      timer = undefined;
      due = Infinity;
      refresh();
    }, delayMs);
  };
  const minute = setInterval(refresh, 60_000);
  ctx.signal.addEventListener('abort', () => {
    clearInterval(minute);
    clearTimeout(timer);
  });

  live.onStation((event) => {
    if (event.kind === 'transaction.ended') refreshIn(kAfterSessionEndMs);
    refreshIn(kAfterChangeMs);
  }, ctx.signal);
  live.onAlert(() => refreshIn(kAfterChangeMs), ctx.signal);
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

function stationTiles(doc: Overview): HTMLElement[] {
  const { total, online, offline, faulted } = doc.stations;
  return [
    h('a', { href: '#/stations?online=true', class: 'tile-link' }, tile('ov-online', 'Online', String(online), `of ${total} stations`, { 'data-count': online })),
    h('a', { href: '#/stations?online=false', class: 'tile-link' }, tile('ov-offline', 'Offline', String(offline), null, { 'data-count': offline })),
    h('a', { href: '#/stations?status=Faulted', class: 'tile-link' }, tile('ov-faulted', 'Faulted', String(faulted), 'station or connector', { 'data-count': faulted })),
  ];
}

function sessionTile(doc: Overview): HTMLElement {
  const open = doc.sessions_in_progress;
  return h('a', { href: '#/sessions?state=open', class: 'tile-link' }, tile('ov-sessions', 'Sessions in progress', String(open), null, { 'data-count': open }));
}

function comparison(now: number, before: number, beforeText: string): string {
  const change = changePercent(now, before);
  const sign = change !== null && change > 0 ? '+' : '';
  return `same time last week ${beforeText}${change === null ? '' : ` (${sign}${formatPercent(change, 0)})`}`;
}

function energyTile(doc: Overview): HTMLElement {
  const { period, last_week: before } = doc.energy_wh;
  return tile('ov-energy-today', 'Energy today', formatEnergy(period), comparison(period, before, formatEnergy(before)), { 'data-wh': period });
}

function revenueTile(doc: Overview): HTMLElement {
  const today = doc.revenue_incl_vat.period;
  const before = doc.revenue_incl_vat.last_week;
  const currencies = [...new Set([...Object.keys(today), ...Object.keys(before)])].sort();
  if (currencies.length === 0) return tile('ov-revenue-today', 'Revenue today (incl. VAT)', '0', 'no priced sessions today or the same day last week');
  return tile(
    'ov-revenue-today',
    'Revenue today (incl. VAT)',
    currencies.map((c) => h('span', { class: 'money-line' }, formatMoney(today[c] ?? '0', c))),
    currencies.map((c) =>
      // Number() only for the percentage; the amounts shown stay exact.
      h('span', { class: 'money-line' }, comparison(Number(today[c] ?? '0'), Number(before[c] ?? '0'), formatMoney(before[c] ?? '0', c))),
    ),
  );
}

function alertTile(doc: Overview): HTMLElement {
  const open = doc.alerts.open;
  const total = kSeverities.reduce((sum, s) => sum + open[s], 0);
  const acknowledged = doc.alerts.acknowledged;
  const bySeverity = kSeverities.map((s) => `${open[s]} ${s}`).join(' · ');
  return h(
    'a',
    { href: '#/alerts?state=open', class: 'tile-link' },
    tile('ov-alerts', 'Open alerts', String(total), `${bySeverity}${acknowledged ? ` · ${acknowledged} acknowledged` : ''}`, { 'data-count': total }),
  );
}

function faultedList(faulted: FaultedStation[]): HTMLElement {
  return section(
    'Faulted stations',
    table(
      [
        { header: 'Station', cell: (s: FaultedStation) => h('a', { href: `#/stations/${encodeURIComponent(s.id)}` }, s.name ? `${s.id} · ${s.name}` : s.id) },
        { header: 'Status', cell: () => statusBadge('Faulted') },
        { header: 'Connection', cell: (s: FaultedStation) => onlineBadge(s.online) },
      ],
      faulted,
      () => ({}),
      { empty: 'No station reports a fault.' },
    ),
  );
}

function alertList(latest: Alert[]): HTMLElement {
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

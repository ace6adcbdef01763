// The station list. The server filters by online and status and pages with a cursor; search,
// site, protocol and sorting apply to the stations loaded so far, and "Load more" keeps
// fetching pages until it has another screenful that matches. Online state and connector
// status follow the live stream.
import { apiGet, errorText, isAbort } from '../api/client';
import type { ConnectorStatus, Station, StationPage } from '../api/types';
import { h, replace } from '../lib/dom';
import { compareNatural, formatDateTime } from '../lib/format';
import { live } from '../live';
import type { PageContext } from '../router';
import { applyStationEvent, isConnectorStatus } from '../stations-live';
import { errorBox, field, loading, onlineBadge, pageHeader, select, statusBadge, table } from '../ui/widgets';

const kScreen = 50;
const kServerPage = 200;
const kStatuses: ConnectorStatus[] = ['Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted', 'Occupied'];
const kSorts = [
  ['id', 'ID'],
  ['name', 'Name'],
  ['status', 'Status'],
  ['last_seen', 'Last seen (newest first)'],
] as const;
type SortKey = (typeof kSorts)[number][0];

export interface StationFilters {
  q: string;
  site: string;
  protocol: string;
}

/** Whether a station passes the filters the server cannot apply. */
export function matchesFilters(station: Station, filters: StationFilters): boolean {
  if (filters.site && (station.site_id ?? '') !== filters.site) return false;
  if (filters.protocol && station.protocol !== filters.protocol) return false;
  const q = filters.q.trim().toLowerCase();
  if (!q) return true;
  return [station.id, station.name, station.location, station.vendor, station.model, station.serial_number]
    .some((text) => (text ?? '').toLowerCase().includes(q));
}

export function sortStations(stations: Station[], key: SortKey): Station[] {
  const text = (s: Station) => (key === 'name' ? (s.name ?? s.id) : key === 'status' ? summaryStatus(s) : s.id);
  if (key === 'last_seen') return [...stations].sort((a, b) => (b.last_seen_at ?? '').localeCompare(a.last_seen_at ?? ''));
  return [...stations].sort((a, b) => compareNatural(text(a), text(b)));
}

/** The worst status of the station: Faulted beats Unavailable beats busy beats Available. */
function summaryStatus(station: Station): string {
  const statuses = [station.status, ...station.evses.flatMap((e) => e.connectors.map((c) => c.status))].filter(Boolean) as string[];
  for (const worst of ['Faulted', 'Unavailable', 'Charging', 'Occupied', 'Preparing', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved', 'Available'])
    if (statuses.includes(worst)) return worst;
  return 'unknown';
}

export async function renderStations(ctx: PageContext): Promise<void> {
  const q = ctx.query;
  const state = {
    online: q.get('online') ?? '',
    status: q.get('status') ?? '',
    filters: { q: q.get('q') ?? '', site: q.get('site') ?? '', protocol: q.get('protocol') ?? '' } as StationFilters,
    sort: (kSorts.some(([k]) => k === q.get('sort')) ? q.get('sort') : 'id') as SortKey,
  };
  let loaded: Station[] = [];
  let cursor: string | null | undefined;
  let generation = 0;
  let busy = false;

  const search = h('input', { type: 'search', value: state.filters.q, placeholder: 'ID, name, location, model…', 'data-testid': 'stations-search' });
  const online = select([['', 'Any'], ['true', 'Online'], ['false', 'Offline']], { 'data-testid': 'stations-online' }, state.online);
  const status = select([['', 'Any'], ...kStatuses.map((s): [string, string] => [s, s])], { 'data-testid': 'stations-status' }, state.status);
  const site = select([['', 'Any']], { 'data-testid': 'stations-site' }, state.filters.site);
  const protocol = select([['', 'Any'], ['ocpp1.6', 'OCPP 1.6'], ['ocpp2.0.1', 'OCPP 2.0.1']], { 'data-testid': 'stations-protocol' }, state.filters.protocol);
  const sort = select(kSorts.map(([k, l]): [string, string] => [k, l]), { 'data-testid': 'stations-sort' }, state.sort);
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const list = h('div');
  const more = h('button', { type: 'button', onClick: () => void loadMore() }, 'Load more');
  const footer = h('div', { class: 'list-footer' }, summary, more);

  replace(
    ctx.root,
    pageHeader('Stations'),
    h('form', { class: 'filters', role: 'search', onSubmit: (e) => e.preventDefault() },
      field('Search', search), field('Connection', online), field('Status', status), field('Site', site), field('Protocol', protocol), field('Sort by', sort)),
    list,
    footer,
  );
  void fillSites(site, state.filters.site, ctx.signal);

  const saveQuery = () => {
    const next = new URLSearchParams();
    if (state.filters.q) next.set('q', state.filters.q);
    if (state.online) next.set('online', state.online);
    if (state.status) next.set('status', state.status);
    if (state.filters.site) next.set('site', state.filters.site);
    if (state.filters.protocol) next.set('protocol', state.filters.protocol);
    if (state.sort !== 'id') next.set('sort', state.sort);
    ctx.setQuery(next);
  };

  const matching = () => sortStations(loaded.filter((s) => matchesFilters(s, state.filters)), state.sort);

  const render = () => {
    const rows = matching();
    replace(list, stationTable(rows));
    const done = cursor === null;
    summary.textContent = `${rows.length} shown of ${loaded.length} loaded${done ? '' : ' (more on the server)'}${state.sort !== 'id' && !done ? '; sorted among the loaded stations' : ''}`;
    more.hidden = done;
  };

  /** Fetches server pages until another screenful matches or the list ends. */
  const loadMore = async (reset = false) => {
    if (busy && !reset) return;
    const mine = reset ? ++generation : generation;
    busy = true;
    more.disabled = true;
    if (reset) {
      loaded = [];
      cursor = undefined;
      replace(list, loading());
    }
    try {
      const wanted = matching().length + kScreen;
      for (let pages = 0; pages < 10 && cursor !== null && matching().length < wanted; pages++) {
        // Whole stations (view=full, the default): the rows show their connectors.
        const page = (await apiGet('/api/v1/stations', {
          query: {
            limit: kServerPage,
            cursor: cursor ?? undefined,
            online: state.online === '' ? undefined : state.online === 'true',
            status: isConnectorStatus(state.status) ? state.status : undefined,
          },
          signal: ctx.signal,
        })) as StationPage;
        if (mine !== generation) return;
        loaded.push(...page.items);
        cursor = page.next_cursor;
      }
      render();
    } catch (error) {
      if (ctx.signal.aborted || isAbort(error) || mine !== generation) return;
      replace(list, errorBox(error));
    } finally {
      if (mine === generation) {
        busy = false;
        more.disabled = false;
      }
    }
  };

  const onServerFilter = () => {
    state.online = online.value;
    state.status = status.value;
    saveQuery();
    void loadMore(true);
  };
  const onClientFilter = () => {
    state.filters = { q: search.value, site: site.value, protocol: protocol.value };
    state.sort = sort.value as SortKey;
    saveQuery();
    render();
    // Too few matches among what is loaded: fetch more so the screen fills.
    if (cursor !== null && matching().length < kScreen) void loadMore();
  };
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(onClientFilter, 200);
  });
  online.addEventListener('change', onServerFilter);
  status.addEventListener('change', onServerFilter);
  for (const control of [site, protocol, sort]) control.addEventListener('change', onClientFilter);

  let frame = 0;
  live.onStation((event) => {
    if (event.kind === 'resync') return void loadMore(true);
    const station = loaded.find((s) => s.id === event.station_id);
    if (!station || !applyStationEvent(station, event)) return;
    // Several events often arrive together (a boot reports every connector): draw once.
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(render);
  }, ctx.signal);

  await loadMore(true);
}

async function fillSites(control: HTMLSelectElement, selected: string, signal: AbortSignal): Promise<void> {
  try {
    const answer = await apiGet('/api/v1/sites', { query: { limit: 500 }, signal });
    for (const item of answer.items) {
      const label = item.name ? `${item.name} (${item.id})` : item.id;
      control.append(h('option', { value: item.id, selected: item.id === selected }, label));
    }
  } catch (error) {
    if (!isAbort(error)) control.title = `Sites could not be loaded: ${errorText(error)}`;
  }
}

function connectorSummary(station: Station): string {
  const counts = new Map<string, number>();
  for (const evse of station.evses) for (const c of evse.connectors) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(' · ') || 'no connectors reported';
}

function stationTable(stations: Station[]): HTMLElement {
  const href = (s: Station) => `#/stations/${encodeURIComponent(s.id)}`;
  const element = table(
    [
      { header: 'Station', cell: (s) => h('a', { href: href(s) }, s.id) },
      { header: 'Name / location', cell: (s) => [s.name ?? '', s.location ? h('small', { class: 'block muted' }, s.location) : null] },
      { header: 'Connection', cell: (s) => onlineBadge(s.online) },
      { header: 'Status', cell: (s) => [statusBadge(summaryStatus(s)), h('small', { class: 'block muted' }, connectorSummary(s))] },
      { header: 'Protocol', cell: (s) => s.protocol ?? '—' },
      { header: 'Site', cell: (s) => s.site_id ?? '—' },
      { header: 'Last seen', cell: (s) => formatDateTime(s.last_seen_at, s.time_zone, { seconds: false }) },
      { header: 'Model', cell: (s) => [s.vendor, s.model].filter(Boolean).join(' ') || '—' },
    ],
    stations,
    (s) => ({ 'data-testid': 'station-row', 'data-station-id': s.id, 'data-online': String(s.online), class: 'clickable' }),
    { empty: 'No station matches.' },
  );
  // The whole row opens the station for a mouse; keyboard users use the link in the first cell.
  element.addEventListener('click', (event) => {
    const target = event.target as HTMLElement;
    if (target.closest('a, button, input, select')) return;
    const row = target.closest<HTMLElement>('tr[data-station-id]');
    if (row?.dataset.stationId) location.hash = `#/stations/${encodeURIComponent(row.dataset.stationId)}`;
  });
  return element;
}

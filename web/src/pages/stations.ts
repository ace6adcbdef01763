// The station list. The server filters (search, connection, status, site, protocol), sorts
// and pages with a cursor, so that every filter and order covers the whole fleet; "Load more"
// asks for the next page. Online state and connector status follow the live stream (the rows
// stay where they were: the order is the one of their loading).
import { apiGet, errorText, isAbort } from '../api/client';
import type { ConnectorStatus, Station, StationPage } from '../api/types';
import { h, replace } from '../lib/dom';
import { formatDateTime } from '../lib/format';
import { live } from '../live';
import type { PageContext } from '../router';
import { applyStationEvent, isConnectorStatus } from '../stations-live';
import { errorBox, field, loading, onlineBadge, pageHeader, select, statusBadge, table } from '../ui/widgets';
import { may } from '../lib/roles';
import { newStationDialog } from './station-actions';

const kServerPage = 100;
const kStatuses: ConnectorStatus[] = ['Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted', 'Occupied'];
const kSorts = [
  ['id', 'ID'],
  ['name', 'Name'],
  ['status', 'Status (worst first)'],
  ['last_seen', 'Last seen (newest first)'],
] as const;
type SortKey = (typeof kSorts)[number][0];
const kProtocols = ['ocpp1.6', 'ocpp2.0.1'] as const;

/** The list's filters and order as the address (and the server) name them. */
export interface StationQuery {
  q: string;
  online: '' | 'true' | 'false';
  status: string;
  site: string;
  protocol: string;
  sort: SortKey;
}

export function readStationQuery(params: URLSearchParams): StationQuery {
  const online = params.get('online');
  const sort = params.get('sort');
  const protocol = params.get('protocol') ?? '';
  const status = params.get('status') ?? '';
  return {
    q: (params.get('q') ?? '').slice(0, 100),
    online: online === 'true' || online === 'false' ? online : '',
    status: isConnectorStatus(status) ? status : '',
    site: params.get('site') ?? '',
    protocol: (kProtocols as readonly string[]).includes(protocol) ? protocol : '',
    sort: kSorts.some(([k]) => k === sort) ? (sort as SortKey) : 'id',
  };
}

/** The address's query for `query`: what differs from the defaults. */
export function stationQueryParams(query: StationQuery): URLSearchParams {
  const next = new URLSearchParams();
  for (const key of ['q', 'online', 'status', 'site', 'protocol'] as const) if (query[key].trim()) next.set(key, query[key].trim());
  if (query.sort !== 'id') next.set('sort', query.sort);
  return next;
}

/** The worst status of the station: Faulted beats Unavailable beats busy beats Available (the server's status order). */
function summaryStatus(station: Station): string {
  const statuses = [station.status, ...station.evses.flatMap((e) => e.connectors.map((c) => c.status))].filter(Boolean) as string[];
  for (const worst of ['Faulted', 'Unavailable', 'Charging', 'Occupied', 'Preparing', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved', 'Available'])
    if (statuses.includes(worst)) return worst;
  return 'unknown';
}

export async function renderStations(ctx: PageContext): Promise<void> {
  let query = readStationQuery(ctx.query);
  let loaded: Station[] = [];
  let cursor: string | null | undefined;
  let generation = 0;
  let busy = false;

  const search = h('input', { type: 'search', value: query.q, maxlength: 100, placeholder: 'ID, name, location, model, serial…', 'data-testid': 'stations-search' });
  const online = select([['', 'Any'], ['true', 'Online'], ['false', 'Offline']], { 'data-testid': 'stations-online' }, query.online);
  const status = select([['', 'Any'], ...kStatuses.map((s): [string, string] => [s, s])], { 'data-testid': 'stations-status' }, query.status);
  // The address's site stays chosen even before (or without) the site list.
  const site = select([['', 'Any'], ...(query.site ? [[query.site, query.site] as [string, string]] : [])], { 'data-testid': 'stations-site' }, query.site);
  const protocol = select([['', 'Any'], ['ocpp1.6', 'OCPP 1.6'], ['ocpp2.0.1', 'OCPP 2.0.1']], { 'data-testid': 'stations-protocol' }, query.protocol);
  const sort = select(kSorts.map(([k, l]): [string, string] => [k, l]), { 'data-testid': 'stations-sort' }, query.sort);
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const list = h('div');
  const more = h('button', { type: 'button', onClick: () => void loadMore() }, 'Load more');
  const footer = h('div', { class: 'list-footer' }, summary, more);

  replace(
    ctx.root,
    pageHeader('Stations', may(ctx.session.role, 'post /api/v1/stations')
      ? h('button', { type: 'button', class: 'primary', 'data-testid': 'station-new', onClick: () => newStationDialog((created) => { location.hash = `#/stations/${encodeURIComponent(created.id)}`; }) }, 'New station')
      : null),
    h('form', { class: 'filters', role: 'search', onSubmit: (e) => e.preventDefault() },
      field('Search', search), field('Connection', online), field('Status', status), field('Site', site), field('Protocol', protocol), field('Sort by', sort)),
    list,
    footer,
  );
  void fillSites(site, query.site, ctx.signal);

  const render = () => {
    replace(list, stationTable(loaded));
    const done = cursor === null;
    summary.textContent = `${loaded.length} ${loaded.length === 1 ? 'station' : 'stations'}${done ? '' : ' loaded, more on the server'}`;
    more.hidden = done;
  };

  /** The next page of the list; `reset` starts over (other filters or order). */
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
      // Whole stations (view=full, the default): the rows show their connectors.
      const page = (await apiGet('/api/v1/stations', {
        query: {
          limit: kServerPage,
          cursor: cursor ?? undefined,
          sort: query.sort,
          q: query.q.trim() || undefined,
          online: query.online === '' ? undefined : query.online === 'true',
          status: isConnectorStatus(query.status) ? query.status : undefined,
          site: query.site || undefined,
          protocol: query.protocol === 'ocpp1.6' || query.protocol === 'ocpp2.0.1' ? query.protocol : undefined,
        },
        signal: ctx.signal,
      })) as StationPage;
      if (mine !== generation) return;
      // By status or last seen a station can move between pages while they load: it is listed
      // once, with its newer document.
      const index = new Map(loaded.map((s, i) => [s.id, i]));
      for (const item of page.items) {
        const at = index.get(item.id);
        if (at === undefined) loaded.push(item);
        else loaded[at] = item;
      }
      cursor = page.next_cursor ?? null;
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

  const onChange = () => {
    query = readStationQuery(new URLSearchParams({ q: search.value, online: online.value, status: status.value, site: site.value, protocol: protocol.value, sort: sort.value }));
    ctx.setQuery(stationQueryParams(query));
    void loadMore(true);
  };
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(onChange, 300);
  });
  ctx.signal.addEventListener('abort', () => clearTimeout(searchTimer), { once: true });
  for (const control of [online, status, site, protocol, sort]) control.addEventListener('change', onChange);

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
      const present = [...control.options].find((o) => o.value === item.id);
      if (present) present.textContent = label;
      else control.append(h('option', { value: item.id, selected: item.id === selected }, label));
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

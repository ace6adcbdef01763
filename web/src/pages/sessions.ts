// Sessions (transactions): a filtered list paged by cursor, and a CSV of every matching one.
import { apiGet, errorText, fetchAll } from '../api/client';
import type { Cost, Transaction } from '../api/types';
import { allStations, withStations, zoneOf } from '../directory';
import { toCsv, downloadCsv, type Column } from '../lib/csv';
import { h, replace } from '../lib/dom';
import { formatDateTime, formatDuration, formatEnergy, formatMoney } from '../lib/format';
import { addDays, localMidnightIso } from '../lib/time';
import { live } from '../live';
import type { PageContext } from '../router';
import { pagedList } from '../ui/paged-list';
import { field, pageHeader, select, statusBadge, table } from '../ui/widgets';

const kPricing = ['running', 'pending', 'priced', 'no_tariff', 'no_tariff_in_force', 'no_energy_readings', 'invalid_tariff', 'unknown_start'] as const;
type PricingStatus = (typeof kPricing)[number];

export function durationSeconds(t: Pick<Transaction, 'started_at' | 'stopped_at'>, now = Date.now()): number | null {
  if (!t.started_at) return null;
  const end = t.stopped_at ? Date.parse(t.stopped_at) : now;
  const start = Date.parse(t.started_at);
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, (end - start) / 1000) : null;
}

function costOf(t: Transaction): Cost | null {
  return (t.cost as Cost | null) ?? null;
}

/** The CSV columns: the table's, with raw values (RFC 3339 times, Wh, decimal money). */
export const kSessionCsv: Column<Transaction>[] = [
  { header: 'transaction_id', value: (t) => t.id },
  { header: 'station_id', value: (t) => t.station_id },
  { header: 'evse_id', value: (t) => t.evse_id },
  { header: 'connector_id', value: (t) => t.connector_id },
  { header: 'id_token', value: (t) => t.id_token },
  { header: 'started_at', value: (t) => t.started_at },
  { header: 'stopped_at', value: (t) => t.stopped_at },
  { header: 'duration_s', value: (t) => { const d = durationSeconds(t); return d === null ? null : Math.round(d); } },
  { header: 'energy_wh', value: (t) => t.energy_wh },
  { header: 'currency', value: (t) => costOf(t)?.currency },
  { header: 'total_incl_vat', value: (t) => costOf(t)?.total_incl_vat },
  { header: 'pricing_status', value: (t) => t.pricing_status },
  { header: 'stop_reason', value: (t) => t.stop_reason },
  { header: 'state', value: (t) => t.state },
];

export function sessionsTable(rows: readonly Transaction[]): HTMLElement {
  return table(
    [
      { header: 'Session', cell: (t) => h('a', { href: `#/sessions/${t.id}` }, String(t.id)) },
      { header: 'Station', cell: (t) => [h('a', { href: `#/stations/${encodeURIComponent(t.station_id)}` }, t.station_id), t.evse_id ? ` · EVSE ${t.evse_id}` : ''] },
      { header: 'Id token', cell: (t) => t.id_token ?? '—' },
      { header: 'Started', cell: (t) => formatDateTime(t.started_at, zoneOf(t.station_id), { seconds: false }) },
      { header: 'Duration', cell: (t) => formatDuration(durationSeconds(t)), numeric: true },
      { header: 'Energy', cell: (t) => formatEnergy(t.energy_wh), numeric: true },
      { header: 'Cost', cell: (t) => { const c = costOf(t); return c?.total_incl_vat && c.currency ? formatMoney(c.total_incl_vat, c.currency) : '—'; }, numeric: true },
      { header: 'Pricing', cell: (t) => t.pricing_status },
      { header: 'State', cell: (t) => statusBadge(t.state === 'open' ? 'Charging' : 'closed') },
    ],
    rows,
    (t) => ({ 'data-testid': 'session-row', 'data-transaction-id': t.id }),
    { empty: 'No sessions match.' },
  );
}

/** At most this many sessions in the CSV (100 pages of 500). */
const kCsvMaxRows = 50_000;

export async function renderSessions(ctx: PageContext): Promise<void> {
  const q = ctx.query;
  const station = h('input', { type: 'text', value: q.get('station') ?? '', placeholder: 'Station id' });
  const token = h('input', { type: 'text', value: q.get('id_token') ?? '', placeholder: 'Id token' });
  const state = select([['', 'Any'], 'open', 'closed'], {}, q.get('state') ?? '');
  const pricing = select([['', 'Any'], ...kPricing], {}, q.get('pricing_status') ?? '');
  const from = h('input', { type: 'date', value: q.get('from') ?? '' });
  const to = h('input', { type: 'date', value: q.get('to') ?? '' });
  const summary = h('span', { class: 'muted' });
  const changed = h('button', { type: 'button', hidden: true, onClick: () => void reload() }, 'Sessions started or ended: reload');
  const query = (cursor: string | undefined, limit: number) => ({
    station: station.value.trim() || undefined,
    id_token: token.value.trim() || undefined,
    state: state.value === 'open' || state.value === 'closed' ? (state.value as 'open' | 'closed') : undefined,
    pricing_status: (kPricing as readonly string[]).includes(pricing.value) ? (pricing.value as PricingStatus) : undefined,
    from: from.value ? localMidnightIso(from.value) : undefined,
    to: to.value ? localMidnightIso(addDays(to.value, 1) ?? '') : undefined,
    limit,
    cursor,
  });
  /** The filters of the list on the screen (as last applied): the CSV holds the same sessions. */
  let applied = query(undefined, 100);
  const pager = pagedList<Transaction>({
    signal: ctx.signal,
    fetchPage: (cursor) =>
      withStations(apiGet('/api/v1/transactions', {
        query: { ...applied, cursor },
        signal: ctx.signal,
      }), ctx.signal),
    render: (rows, more) => {
      summary.textContent = `${rows.length} loaded${more ? ', more on the server' : ''}. The CSV holds every matching session (up to ${kCsvMaxRows.toLocaleString('en')}).`;
      return sessionsTable(rows);
    },
  });
  const csvNote = h('span', { class: 'muted', role: 'status', 'aria-live': 'polite', 'data-testid': 'sessions-csv-note' });
  // Every session the filters match, not only the rows on the screen (a page of 500 at a time).
  const csv = h('button', { type: 'button', 'data-testid': 'sessions-csv', onClick: async () => {
    csv.disabled = true;
    csvNote.textContent = 'Preparing the CSV…';
    try {
      const filters = applied;
      const all = await fetchAll((cursor) => apiGet('/api/v1/transactions', { query: { ...filters, limit: 500, cursor }, signal: ctx.signal }), kCsvMaxRows / 500);
      downloadCsv(toCsv(all.items, kSessionCsv), 'sessions.csv');
      csvNote.textContent = all.truncated
        ? `The CSV holds the first ${all.items.length.toLocaleString('en')} matching sessions; narrow the filters (or use Billing → CDR export) for the rest.`
        : `The CSV holds all ${all.items.length.toLocaleString('en')} matching sessions.`;
    } catch (error) {
      csvNote.textContent = `The CSV could not be made: ${errorText(error)}`;
    } finally {
      csv.disabled = false;
    }
  } }, 'Download CSV');
  replace(
    ctx.root,
    pageHeader('Sessions', changed, csv, csvNote),
    h('form', { class: 'filters', onSubmit: (e) => { e.preventDefault(); void reload(); } },
      field('Station', station), field('Id token', token), field('State', state), field('Pricing', pricing), field('Started from', from), field('Started until', to),
      h('button', { type: 'submit' }, 'Apply')),
    pager.list,
    h('div', { class: 'list-footer' }, summary, pager.more),
  );

  const reload = () => {
    changed.hidden = true;
    applied = query(undefined, 100);
    const next = new URLSearchParams();
    for (const [k, v] of [['station', station.value.trim()], ['id_token', token.value.trim()], ['state', state.value], ['pricing_status', pricing.value], ['from', from.value], ['to', to.value]] as const)
      if (v) next.set(k, v);
    ctx.setQuery(next);
    return pager.reload();
  };
  for (const control of [state, pricing, from, to]) control.addEventListener('change', () => void reload());
  live.onStation((event) => {
    // New or ended sessions would move the rows under the reader's eyes: offer a reload instead.
    if (event.kind === 'transaction.started' || event.kind === 'transaction.ended') changed.hidden = false;
  }, ctx.signal);
  void allStations(ctx.signal).then(() => pager.render(), () => undefined);
  await reload();
}

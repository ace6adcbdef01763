// One session: figures, the meter chart (live while it runs), the cost per priced line with
// totals, and the verdicts on its signed meter values.
import { apiGet, apiSend, isAbort } from '../api/client';
import type { Cost, CostLine, SignedVerdict, Transaction } from '../api/types';
import { allStations, zoneOf } from '../directory';
import { h, replace } from '../lib/dom';
import { formatCount, formatDateTime, formatDuration, formatEnergy, formatMoney } from '../lib/format';
import { may } from '../lib/roles';
import { live } from '../live';
import type { PageContext } from '../router';
import { powerChart } from '../ui/chart';
import { meterSeries } from '../lib/meter';
import { meterFeed, pollMeterChart } from '../ui/meter-poll';
import { badge, errorBox, loading, pageHeader, section, statusBadge, table } from '../ui/widgets';
import { durationSeconds } from './sessions';

export async function renderSession(ctx: PageContext): Promise<void> {
  const id = Number(ctx.params.id);
  if (!Number.isInteger(id)) {
    replace(ctx.root, pageHeader('Session'), errorBox(`“${ctx.params.id}” is not a session id.`));
    return;
  }
  replace(ctx.root, loading());
  // The samples load alongside the session (they only need its id): an ended session's chart
  // uses them as they are, a running one's poll goes on from them.
  const chartController = new AbortController();
  ctx.signal.addEventListener('abort', () => chartController.abort(), { once: true });
  const feed = meterFeed(id, chartController.signal);
  const firstSamples = feed.poll();
  firstSamples.catch(() => undefined); // reported where it is read
  let transaction: Transaction;
  try {
    [transaction] = await Promise.all([apiGet('/api/v1/transactions/{id}', { path: { id }, signal: ctx.signal }), allStations(ctx.signal).catch(() => null)]);
  } catch (error) {
    if (ctx.signal.aborted || isAbort(error)) return;
    replace(ctx.root, pageHeader(`Session ${id}`), errorBox(error));
    return;
  }
  const zone = zoneOf(transaction.station_id) ?? 'UTC';
  const facts = h('div');
  const costSlot = h('div');
  const problem = h('div');
  const chart = powerChart(zone, chartController.signal);
  const reprice = may(ctx.session.role, 'post /api/v1/transactions/{id}:reprice')
    ? h('button', { type: 'button', onClick: () => void doReprice() }, 'Price again')
    : null;

  replace(
    ctx.root,
    pageHeader(`Session ${transaction.id}`, reprice),
    facts,
    section('Power and energy', problem, chart.element),
    costSlot,
  );
  const render = () => {
    replace(facts, sessionFacts(transaction, zone));
    replace(costSlot, costSection(transaction, zone));
    if (reprice) reprice.hidden = transaction.state !== 'closed';
  };
  render();

  async function doReprice(): Promise<void> {
    try {
      transaction = await apiSend('post', '/api/v1/transactions/{id}:reprice', { path: { id } });
      render();
    } catch (error) {
      if (!isAbort(error)) replace(problem, errorBox(error));
    }
  }

  if (transaction.state === 'open') {
    void pollMeterChart(id, chart, chartController.signal, () => problem.replaceChildren(), (message) => replace(problem, errorBox(message)), { feed, first: firstSamples });
    live.onStation((event) => {
      if (event.kind !== 'transaction.ended' || event.transaction_id !== id) return;
      // The session is over: one last chart, then the priced document.
      chartController.abort();
      void apiGet('/api/v1/transactions/{id}', { path: { id }, signal: ctx.signal }).then((fresh) => {
        transaction = fresh;
        render();
      }, () => undefined);
    }, ctx.signal);
  } else {
    try {
      chart.update(meterSeries(await firstSamples));
    } catch (error) {
      if (!ctx.signal.aborted && !isAbort(error)) replace(problem, errorBox(error));
    }
  }
}

function sessionFacts(t: Transaction, zone: string): HTMLElement {
  const rows: [string, string | HTMLElement][] = [
    ['Station', h('a', { href: `#/stations/${encodeURIComponent(t.station_id)}` }, t.station_id)],
    ['EVSE / connector', `${t.evse_id ?? '—'} / ${t.connector_id ?? '—'}`],
    ['State', statusBadge(t.state === 'open' ? 'Charging' : 'closed')],
    ['Started', formatDateTime(t.started_at, zone)],
    ['Stopped', formatDateTime(t.stopped_at, zone)],
    ['Duration', formatDuration(durationSeconds(t))],
    ['Energy', formatEnergy(t.energy_wh)],
    ['Meter start / stop', `${formatEnergy(t.meter_start_wh)} / ${formatEnergy(t.meter_stop_wh)}`],
    ['Id token', `${t.id_token ?? '—'}${t.authorization_status ? ` (${t.authorization_status})` : ''}`],
    ['Stopped by', t.stop_id_token ?? '—'],
    ['Stop reason', t.stop_reason ?? '—'],
    ['Charging state', t.charging_state ?? '—'],
    ['Charger’s transaction id', t.ocpp_transaction_id],
    ['Protocol', t.protocol],
    ['Data quality', [...t.flags, ...(t.offline ? ['sent while offline'] : [])].join(', ') || 'no remarks'],
  ];
  return h('dl', { class: 'facts card' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function quantityText(line: CostLine): string {
  const q = line.quantity ?? 0;
  switch (line.dimension) {
    case 'ENERGY':
      // The quantity exactly as priced (Wh): rounding to kWh would hide why the amount is what it is.
      return `${formatCount(q)} Wh`;
    case 'TIME':
    case 'PARKING_TIME':
      return formatDuration(q);
    default:
      return String(q);
  }
}

function unitText(line: CostLine): string {
  return line.dimension === 'ENERGY' ? '/kWh' : line.dimension === 'TIME' || line.dimension === 'PARKING_TIME' ? '/h' : '';
}

function costSection(t: Transaction, zone: string): HTMLElement {
  const cost = t.cost;
  if (!cost) {
    return section('Cost', h('p', null, `Not priced: ${t.pricing_status}${t.pricing_detail ? ` — ${t.pricing_detail}` : ''}.`));
  }
  const currency = cost.currency ?? '';
  const money = (amount: string | undefined) => (amount === undefined ? '—' : formatMoney(amount, currency));
  const lines = table(
    [
      { header: 'Dimension', cell: (l: CostLine) => l.dimension ?? '—' },
      { header: 'Element', cell: (l: CostLine) => String(l.element_index ?? '—'), numeric: true },
      { header: 'Quantity', cell: quantityText, numeric: true },
      { header: 'Unit price', cell: (l: CostLine) => `${money(l.unit_price)}${unitText(l)}`, numeric: true },
      { header: 'Basis', cell: (l: CostLine) => `${l.basis ?? ''}${l.discount_percent ? ` (−${l.discount_percent} %)` : ''}` },
      { header: 'Amount', cell: (l: CostLine) => money(l.amount), numeric: true },
    ],
    cost.lines ?? [],
    () => ({ 'data-testid': 'cost-line' }),
    { empty: 'No priced lines.' },
  );
  const totals: [string, string][] = [
    ['Lines', money(cost.lines_total)],
    ['Total excl. VAT', money(cost.total_excl_vat)],
    [`VAT ${cost.vat_percent ?? '?'} %`, money(cost.vat)],
    ['Total incl. VAT', money(cost.total_incl_vat)],
  ];
  return h(
    'div',
    { class: 'grid-2' },
    section(
      t.state === 'open' ? 'Cost so far' : 'Cost',
      h('p', { class: 'muted' }, `Tariff ${cost.tariff_id ?? '?'} version ${cost.tariff_version ?? '?'}; priced ${formatDateTime(t.priced_at, zone)}`),
      lines,
      h('dl', { class: 'facts totals', 'data-testid': 'cost-totals' }, totals.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      cost.flags?.length ? h('p', null, 'Flags: ', cost.flags.map((f) => badge(f, 'warn'))) : null,
    ),
    section('Signed meter values', verdicts(cost.signed_meter_values, zone)),
  );
}

const kVerdictKinds: Record<string, string> = { verified: 'ok', invalid: 'bad', unparseable: 'bad', unsigned: 'muted', no_public_key: 'warn' };

function verdicts(signed: Cost['signed_meter_values'], zone: string): HTMLElement {
  const rows = (['start', 'stop'] as const).map((which) => ({ which, verdict: signed?.[which] ?? null }));
  return table(
    [
      { header: 'Reading', cell: (r) => r.which },
      { header: 'Verdict', cell: (r) => badge(r.verdict?.status ?? 'none', kVerdictKinds[r.verdict?.status ?? ''] ?? 'muted') },
      { header: 'Meter', cell: (r) => r.verdict?.meter_serial ?? '—' },
      { header: 'Value', cell: (r) => readingText(r.verdict, zone) },
      { header: 'Detail', cell: (r) => r.verdict?.detail ?? '' },
    ],
    rows,
    (r) => ({ 'data-testid': 'signed-verdict', 'data-status': r.verdict?.status ?? 'none' }),
  );
}

function readingText(verdict: SignedVerdict | null, zone: string): string {
  const reading = verdict?.reading;
  if (!reading) return '—';
  return `${reading.value ?? '?'} ${reading.unit ?? ''} at ${formatDateTime(reading.time, zone)}`;
}


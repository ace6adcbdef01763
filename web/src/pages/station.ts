// One station: identity, EVSEs and connectors with their live status, the session in
// progress with a live power/energy chart, recent sessions, alerts, the device model and the
// operator's commands.
import { apiGet, isAbort } from '../api/client';
import type { Alert, Station, StationReport, StationVariable, Transaction } from '../api/types';
import { append, h, replace } from '../lib/dom';
import { formatDateTime, formatDuration, formatEnergy, formatMoney, formatPower } from '../lib/format';
import { live } from '../live';
import type { PageContext } from '../router';
import { applyStationEvent } from '../stations-live';
import type { PowerChart } from '../ui/chart';
import { lastValue, pollMeterChart } from '../ui/meter-poll';
import { pagedList } from '../ui/paged-list';
import { errorBox, field, foldedCard, loadInto, loading, onlineBadge, pageHeader, section, select, statusBadge, table } from '../ui/widgets';
import { may, type Role } from '../lib/roles';
import { commandPanel } from './commands';
import { certificatesSection, localListSection, reservationTable, stationDialog } from './station-admin';
import { scheduleSection, stationActions, statusHistorySection } from './station-actions';
import { actorOf, alertTable } from './alerts';
import type { Cost } from '../api/types';

export async function renderStation(ctx: PageContext): Promise<void> {
  const id = ctx.params.id ?? '';
  replace(ctx.root, loading());
  // Everything the first screen needs starts at once: the lists are by station id, they do not
  // wait for the station document.
  const quiet = <T,>(promise: Promise<T>) => {
    promise.catch(() => undefined); // read (and reported) below; never an unhandled rejection
    return promise;
  };
  const first = {
    open: quiet(apiGet('/api/v1/transactions', { query: { station: id, state: 'open', limit: 20 }, signal: ctx.signal })),
    recent: quiet(apiGet('/api/v1/transactions', { query: { station: id, limit: 10 }, signal: ctx.signal })),
    alerts: quiet(apiGet('/api/v1/alerts', { query: { station: id, limit: 20 }, signal: ctx.signal })),
  };
  let station: Station;
  try {
    station = await apiGet('/api/v1/stations/{id}', { path: { id }, signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted || isAbort(error)) return;
    replace(ctx.root, pageHeader(`Station ${id}`), errorBox(error));
    return;
  }
  const zone = station.time_zone;
  const header = h('div');
  const connectors = h('div', { class: 'connectors' });
  const current = h('div', { class: 'current-sessions' });
  const recent = h('div');
  const alerts = h('div');
  const reservations = h('div');
  const commandLog = h('ul', { class: 'command-log' });
  const commandSlot = h('div');
  let openTransactions: Transaction[] = [];
  let commandsBuiltFor = '';
  const renderCommands = () => {
    // Again when the station connects: its OCPP version decides which commands apply.
    const key = `${station.protocol ?? ''}/${station.online}`;
    if (key === commandsBuiltFor) return;
    commandsBuiltFor = key;
    const commands = commandPanel(station, ctx.session.role, () => ({
      evseId: firstEvse(station),
      connectorId: 1,
      openTransactionId: openTransactions[0]?.id ?? null,
    }), commandLog, (name) => {
      if (name === 'reserve' || name === 'cancel-reservation') void loadReservations();
      if (kReportingCommands.has(name)) reports.refresh();
      if (kVariableCommands.has(name)) variables.refresh();
    });
    replace(commandSlot, commands ? section('Commands', commands) : null);
  };

  const reports = reportsSection(station, ctx.signal);
  const variables = variablesSection(station, ctx.signal);
  const page = h('div', { 'data-testid': 'station-page', 'data-station-id': station.id });
  replace(ctx.root, page);
  append(page, [
    header,
    section('EVSEs and connectors', connectors),
    section('Session in progress', current),
    commandSlot,
    h('div', { class: 'grid-2' }, section('Recent sessions', recent), section('Alerts', alerts)),
    section('Reservations', reservations),
    localListSection(station, ctx.signal),
    certificatesSection(station, ctx.session.role, ctx.signal),
    variables.details,
    reports.details,
    statusHistorySection(station, ctx.signal),
    scheduleSection(station, ctx.signal),
  ]);

  const renderStatic = () => {
    replace(header, stationHeader(station, ctx.session.role, (saved, zoneChanged) => {
      station = Object.assign(station, saved);
      // Every time on the page is in the station's zone: the router draws the page again.
      if (zoneChanged) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else renderStatic();
    }));
    replace(connectors, connectorCards(station));
    renderCommands();
  };
  renderStatic();

  const sessionViews = new Map<number, SessionView>();
  const showCurrent = (items: Transaction[]) => {
    openTransactions = items;
    for (const [tid, view] of sessionViews) {
      if (!openTransactions.some((t) => t.id === tid)) {
        view.stop();
        sessionViews.delete(tid);
      }
    }
    for (const t of openTransactions) if (!sessionViews.has(t.id)) sessionViews.set(t.id, currentSession(t, zone, ctx.signal));
    replace(current, openTransactions.length ? [...sessionViews.values()].map((v) => v.element) : h('p', { class: 'muted' }, 'No session in progress.'));
  };
  const loadCurrent = async (preloaded?: Promise<{ items: Transaction[] }>) => {
    try {
      const page = await (preloaded ?? apiGet('/api/v1/transactions', { query: { station: station.id, state: 'open', limit: 20 }, signal: ctx.signal }));
      if (!ctx.signal.aborted) showCurrent(page.items);
    } catch (error) {
      if (!ctx.signal.aborted && !isAbort(error)) replace(current, errorBox(error));
    }
  };
  const loadRecent = (preloaded?: Promise<{ items: Transaction[] }>) =>
    loadInto(recent, ctx.signal, () => preloaded ?? apiGet('/api/v1/transactions', { query: { station: station.id, limit: 10 }, signal: ctx.signal }), (p) => recentTable(p.items, zone), { quiet: recent.hasChildNodes() });
  const stationAlerts: Alert[] = [];
  const upsertAlert = (alert: Alert) => {
    const index = stationAlerts.findIndex((a) => a.id === alert.id);
    if (index >= 0) stationAlerts[index] = alert;
    else stationAlerts.unshift(alert);
    renderAlerts();
  };
  const alertView = () => alertTable(stationAlerts, ctx.session.role, { compact: true, onChange: upsertAlert, zoneOf: () => zone, actor: actorOf(ctx) });
  const renderAlerts = () => replace(alerts, alertView());
  const loadAlerts = (preloaded?: Promise<{ items: Alert[] }>) =>
    loadInto(alerts, ctx.signal, () => preloaded ?? apiGet('/api/v1/alerts', { query: { station: station.id, limit: 20 }, signal: ctx.signal }), (p) => {
      stationAlerts.splice(0, stationAlerts.length, ...p.items);
      return alertView();
    });
  const loadReservations = () =>
    loadInto(reservations, ctx.signal, () => apiGet('/api/v1/reservations', { query: { station: station.id, limit: 10 }, signal: ctx.signal }),
      (p) => reservationTable(p.items, station, ctx.session.role, () => void loadReservations()), { quiet: reservations.hasChildNodes() });

  void loadReservations();
  await Promise.all([loadCurrent(first.open), loadRecent(first.recent), loadAlerts(first.alerts)]);

  live.onStation((event) => {
    if (event.kind === 'resync') {
      void apiGet('/api/v1/stations/{id}', { path: { id }, signal: ctx.signal }).then((fresh) => {
        station = Object.assign(station, fresh);
        renderStatic();
      }, () => undefined);
      void loadCurrent();
      return;
    }
    if (event.station_id !== station.id) return;
    if (event.kind === 'transaction.started' || event.kind === 'transaction.ended') {
      void loadCurrent();
      void loadRecent();
      // A reservation is used by the session that names it.
      void loadReservations();
      return;
    }
    if (applyStationEvent(station, event)) renderStatic();
  }, ctx.signal);

  live.onAlert((event) => {
    if (event.kind === 'resync') return void loadAlerts();
    if (event.alert.station_id === station.id) upsertAlert(event.alert);
  }, ctx.signal);
}

function firstEvse(station: Station): number {
  const available = station.evses.find((e) => e.connectors.some((c) => c.status === 'Available'));
  return available?.evse_id ?? station.evses[0]?.evse_id ?? 1;
}

function stationHeader(station: Station, role: Role | null, onSaved: (saved: Station, zoneChanged: boolean) => void): HTMLElement {
  const zone = station.time_zone;
  const facts: [string, string][] = [
    ['Location', [station.location, station.latitude !== null && station.longitude !== null ? `(${station.latitude}, ${station.longitude})` : ''].filter(Boolean).join(' ') || '—'],
    ['Protocol', station.protocol ?? 'never connected'],
    ['Time zone', zone],
    ['Vendor / model', [station.vendor, station.model].filter(Boolean).join(' ') || '—'],
    ['Firmware', station.firmware_version ?? '—'],
    ['Serial', station.serial_number ?? '—'],
    ['Site', station.site_id ?? '—'],
    ['Tariff', station.tariff_id ?? 'default'],
    ['Max power', station.max_power_w === null ? '—' : formatPower(station.max_power_w)],
    ['Connected since', station.online ? formatDateTime(station.connected_at, zone) : '—'],
    ['Last seen', formatDateTime(station.last_seen_at, zone)],
    ['Last boot', `${formatDateTime(station.last_boot_at, zone)}${station.last_boot_reason ? ` (${station.last_boot_reason})` : ''}`],
    ['Registration', station.registration],
  ];
  const edit = may(role, 'patch /api/v1/stations/{id}')
    ? h('button', { type: 'button', 'data-testid': 'station-edit', onClick: () => stationDialog(station, onSaved) }, 'Edit station')
    : null;
  return h(
    'div',
    null,
    pageHeader(station.name ? `${station.id} · ${station.name}` : station.id, onlineBadge(station.online, 'station-online'), station.status ? statusBadge(station.status) : null, edit),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
    stationActions(station, role),
  );
}

function connectorCards(station: Station): HTMLElement {
  if (station.evses.length === 0) return h('p', { class: 'muted' }, 'The station has not reported any connector status yet.');
  return h(
    'div',
    { class: 'connector-grid' },
    station.evses.flatMap((evse) =>
      evse.connectors.map((c) =>
        h(
          'div',
          { class: `connector-card status-${c.status}`, 'data-testid': 'connector', 'data-evse-id': evse.evse_id, 'data-connector-id': c.connector_id, 'data-status': c.status },
          h('div', { class: 'connector-title' }, `EVSE ${evse.evse_id} · connector ${c.connector_id}`),
          statusBadge(c.status),
          c.error_code && c.error_code !== 'NoError' ? h('div', { class: 'bad-text' }, `${c.error_code}${c.vendor_error_code ? ` (${c.vendor_error_code})` : ''}`) : null,
          c.info ? h('div', { class: 'muted' }, c.info) : null,
          h('small', { class: 'muted' }, `since ${formatDateTime(c.status_at, station.time_zone, { seconds: false })}`),
        ),
      ),
    ),
  );
}

interface SessionView {
  element: HTMLElement;
  stop(): void;
}

/** The panel of a running session: figures, cost so far, and a chart polled every 2.5 s. */
function currentSession(transaction: Transaction, zone: string, pageSignal: AbortSignal): SessionView {
  const controller = new AbortController();
  const signal = controller.signal;
  pageSignal.addEventListener('abort', () => controller.abort(), { once: true });
  // The chart library is loaded with the first session shown, not with the page.
  const chartSlot = h('div', { class: 'chart-slot' });
  const figures = h('dl', { class: 'facts' });
  const problem = h('div');
  const element = h(
    'div',
    { class: 'current-session', 'data-testid': 'current-session', 'data-transaction-id': transaction.id },
    h('h3', null, h('a', { href: `#/sessions/${transaction.id}` }, `Session ${transaction.id}`), ` on EVSE ${transaction.evse_id ?? '?'}`),
    figures,
    problem,
    chartSlot,
  );
  let latest = transaction;
  let lastPowerW: number | null = null;
  const renderFigures = () => {
    const started = latest.started_at ? Date.parse(latest.started_at) : NaN;
    const cost = latest.cost as Cost | null;
    replace(
      figures,
      [
        ['Started', formatDateTime(latest.started_at, zone)],
        ['Duration', Number.isFinite(started) ? formatDuration((Date.now() - started) / 1000) : '—'],
        ['Id token', latest.id_token ?? '—'],
        ['Energy', formatEnergy(latest.energy_wh)],
        ['Power now', formatPower(lastPowerW)],
        ['State', latest.charging_state ?? '—'],
        ['Cost so far', cost?.total_incl_vat && cost.currency ? `${formatMoney(cost.total_incl_vat, cost.currency)} incl. VAT` : `not available${latest.pricing_detail ? ` (${latest.pricing_detail})` : ''}`],
      ].map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
    );
  };
  renderFigures();

  // The running cost is computed on each GET of the transaction: every 30 s, less often than the chart.
  const refreshTransaction = async () => {
    try {
      latest = await apiGet('/api/v1/transactions/{id}', { path: { id: transaction.id }, signal });
      renderFigures();
    } catch (error) {
      if (!signal.aborted && !isAbort(error)) replace(problem, errorBox(error));
    }
  };
  const costTimer = setInterval(() => void refreshTransaction(), 30_000);
  signal.addEventListener('abort', () => clearInterval(costTimer));
  void refreshTransaction();
  const followMeter = (chart: PowerChart) => pollMeterChart(
    transaction.id,
    chart,
    signal,
    (series) => {
      lastPowerW = lastValue(series.powerW);
      // Energy so far: the latest register reading against the start reading, as the server counts it.
      const start = latest.meter_start_wh;
      const energy = series.lastRegisterWh !== null && start !== null ? series.lastRegisterWh - start : lastValue(series.energyWh);
      if (energy !== null) latest = { ...latest, energy_wh: Math.round(energy) };
      renderFigures();
      problem.replaceChildren();
    },
    (message) => replace(problem, errorBox(message)),
  );
  void import('../ui/chart').then(({ powerChart }) => {
    if (signal.aborted) return;
    const chart = powerChart(zone, signal);
    chartSlot.replaceWith(chart.element);
    void followMeter(chart);
  }, (error) => replace(problem, errorBox(error)));
  return { element, stop: () => controller.abort() };
}

function recentTable(transactions: Transaction[], zone: string): HTMLElement {
  return table(
    [
      { header: 'Session', cell: (t) => h('a', { href: `#/sessions/${t.id}` }, String(t.id)) },
      { header: 'EVSE', cell: (t) => String(t.evse_id ?? '—') },
      { header: 'Started', cell: (t) => formatDateTime(t.started_at, zone, { seconds: false }) },
      { header: 'Energy', cell: (t) => formatEnergy(t.energy_wh), numeric: true },
      { header: 'State', cell: (t) => statusBadge(t.state === 'open' ? 'Charging' : t.stop_reason ?? 'closed') },
    ],
    transactions,
    (t) => ({ 'data-testid': 'session-row', 'data-transaction-id': t.id }),
    { empty: 'No sessions yet.' },
  );
}

/** Commands whose results arrive later as station reports (NotifyReport, ReportChargingProfiles, …). */
const kReportingCommands = new Set(['get-base-report', 'get-report', 'get-display-messages', 'get-charging-profiles', 'get-monitoring-report', 'customer-information', 'get-diagnostics', 'update-firmware', 'trigger-message', 'data-transfer']);
/** Commands that change or fill the device model shown under “Configuration and variables”. */
const kVariableCommands = new Set(['get-configuration', 'set-configuration', 'get-base-report', 'get-report']);

/** What the station sent besides its sessions and statuses (events, reports, notifications), newest first. */
function reportsSection(station: Station, signal: AbortSignal): { details: HTMLElement; refresh: () => void } {
  const kind = select([['', 'all messages'], ...['NotifyEvent', 'NotifyReport', 'NotifyMonitoringReport', 'ReportChargingProfiles', 'NotifyCustomerInformation', 'NotifyDisplayMessages', 'SecurityEventNotification', 'FirmwareStatusNotification', 'DiagnosticsStatusNotification', 'LogStatusNotification', 'DataTransfer'].map((k): [string, string] => [k, k])], { 'data-testid': 'reports-kind', 'aria-label': 'Only this message' });
  const refreshButton = h('button', { type: 'button', 'data-testid': 'reports-refresh' }, 'Refresh');
  const pager = pagedList<StationReport>({
    signal,
    fetchPage: (cursor) => apiGet('/api/v1/stations/{id}/reports', { path: { id: station.id }, query: { limit: 50, cursor, kind: kind.value || undefined }, signal }),
    render: (items) => table(
      [
        { header: 'Received', cell: (r) => formatDateTime(r.received_at, station.time_zone) },
        { header: 'Message', cell: (r) => [r.kind ?? '—', r.flags?.length ? h('small', { class: 'block muted' }, r.flags.join(', ')) : null] },
        { header: 'Content', cell: (r) => h('details', null, h('summary', null, reportSummary(r.payload)), h('pre', { class: 'code' }, JSON.stringify(r.payload, null, 2))) },
      ],
      items,
      (r) => ({ 'data-testid': 'report-row', 'data-kind': r.kind ?? '' }),
      { empty: 'Nothing reported yet.' },
    ),
  });
  const reload = () => pager.reload();
  kind.addEventListener('change', () => void reload());
  refreshButton.addEventListener('click', () => void reload());
  const card = foldedCard('Reports from the station', 'station-reports', [h('div', { class: 'filters' }, field('Show', kind), refreshButton), pager.list, pager.more], reload);
  return {
    details: card.details,
    // The reports a command asks for arrive after its answer: look again a moment later too.
    refresh: () => {
      card.refresh();
      setTimeout(() => {
        if (!signal.aborted) card.refresh();
      }, 2000);
    },
  };
}

/** A line about a report's payload: its first few fields, shortened. */
function reportSummary(payload: unknown): string {
  if (payload === null || typeof payload !== 'object') return String(payload ?? '—');
  const text = Object.entries(payload as Record<string, unknown>).slice(0, 3).map(([k, v]) => `${k}: ${typeof v === 'object' ? (Array.isArray(v) ? `[${v.length}]` : '{…}') : String(v)}`).join(' · ');
  return text.length > 120 ? `${text.slice(0, 119)}…` : text || '{}';
}

/** The device model, loaded when opened (it can be long). */
function variablesSection(station: Station, signal: AbortSignal): { details: HTMLElement; refresh: () => void } {
  const filter = h('input', { type: 'search', placeholder: 'Filter by component or variable', 'aria-label': 'Filter variables' });
  const pager = pagedList<StationVariable>({
    signal,
    fetchPage: (cursor) => apiGet('/api/v1/stations/{id}/variables', { path: { id: station.id }, query: { limit: 1000, cursor }, signal }),
    render: (items) => {
      const q = filter.value.trim().toLowerCase();
      const shown = items.filter((v) => !q || `${v.component}.${v.variable}`.toLowerCase().includes(q));
      return table(
        [
          { header: 'Component', cell: (v) => [v.component || '—', v.component_instance ? ` (${v.component_instance})` : '', v.evse_id ? ` EVSE ${v.evse_id}` : ''] },
          { header: 'Variable', cell: (v) => [v.variable, v.variable_instance ? ` (${v.variable_instance})` : ''] },
          { header: 'Attribute', cell: (v) => v.attribute_type },
          { header: 'Value', cell: (v) => h('code', null, v.value ?? '—') },
          { header: 'Mutability', cell: (v) => v.mutability ?? '—' },
          { header: 'Updated', cell: (v) => formatDateTime(v.updated_at, station.time_zone, { seconds: false }) },
        ],
        shown,
        () => ({}),
        { empty: 'No variables known yet: send get-configuration (1.6) or get-base-report (2.0.1).' },
      );
    },
  });
  filter.addEventListener('input', () => pager.render());
  return foldedCard('Configuration and variables', 'station-variables', [filter, pager.list, pager.more], () => pager.reload());
}

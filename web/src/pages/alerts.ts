// Alerts: a live list with filters, and acknowledge/resolve with a note for operators.
import { apiGet, apiSend, isAbort } from '../api/client';
import type { Alert } from '../api/types';
import { allStations, withStations, zoneOf } from '../directory';
import { h, replace } from '../lib/dom';
import { formatDateTime } from '../lib/format';
import { may, type Role } from '../lib/roles';
import { localMidnightIso, addDays } from '../lib/time';
import { live } from '../live';
import type { PageContext } from '../router';
import { pagedList } from '../ui/paged-list';
import { field, openDialog, pageHeader, select, statusBadge, table } from '../ui/widgets';

type AlertState = Alert['state'];
type Severity = Alert['severity'];

export interface AlertFilters {
  state: '' | AlertState;
  severity: '' | Severity;
  station: string;
  rule: string;
  from: string;
  to: string;
}

/** Whether an alert that arrives on the stream belongs in the filtered list. */
export function alertMatches(alert: Alert, f: AlertFilters): boolean {
  if (f.state && alert.state !== f.state) return false;
  if (f.severity && alert.severity !== f.severity) return false;
  if (f.station && alert.station_id !== f.station) return false;
  if (f.rule && alert.rule !== f.rule) return false;
  const from = f.from ? localMidnightIso(f.from) : undefined;
  const to = f.to ? localMidnightIso(addDays(f.to, 1) ?? '') : undefined;
  if (from && alert.opened_at < from) return false;
  if (to && alert.opened_at >= to) return false;
  return true;
}

function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

export interface AlertTableOptions {
  compact?: boolean;
  /** Who acts, as the audit log names the token (GET /api/v1/me); the server's default otherwise. */
  actor?: string;
  onChange?: (alert: Alert) => void;
  zoneOf?: (stationId: string) => string | undefined;
}

export function alertTable(alerts: readonly Alert[], role: Role | null, options: AlertTableOptions = {}): HTMLElement {
  const canAck = may(role, 'post /api/v1/alerts/{id}:acknowledge');
  const canResolve = may(role, 'post /api/v1/alerts/{id}:resolve');
  const zone = (a: Alert) => options.zoneOf?.(a.station_id) ?? zoneOf(a.station_id);
  const where = (a: Alert) => (a.evse_id ? ` EVSE ${a.evse_id}${a.connector_id ? `/${a.connector_id}` : ''}` : '');
  const columns = [
    { header: 'Severity', cell: (a: Alert) => statusBadge(a.severity) },
    { header: 'Rule', cell: (a: Alert) => [h('span', null, a.rule), options.compact ? null : h('small', { class: 'block muted' }, detailsText(a.details))] },
    ...(options.compact ? [] : [{ header: 'Station', cell: (a: Alert) => [h('a', { href: `#/stations/${encodeURIComponent(a.station_id)}` }, a.station_id), where(a)] }]),
    { header: 'State', cell: (a: Alert) => [statusBadge(a.state), stateNote(a, zone(a))] },
    { header: 'Opened', cell: (a: Alert) => [formatDateTime(a.opened_at, zone(a), { seconds: false }), a.occurrences && a.occurrences > 1 ? h('small', { class: 'block muted' }, `${a.occurrences}× · last ${formatDateTime(a.last_seen_at, zone(a), { seconds: false })}`) : null] },
  ];
  if (canAck || canResolve) {
    columns.push({
      header: 'Actions',
      cell: (a: Alert) => [
        canAck && a.state === 'open' ? h('button', { type: 'button', 'data-testid': 'alert-ack', onClick: () => actOn(a, 'acknowledge', options) }, 'Acknowledge') : null,
        canResolve && a.state !== 'resolved' ? h('button', { type: 'button', 'data-testid': 'alert-resolve', onClick: () => actOn(a, 'resolve', options) }, 'Resolve') : null,
      ],
    });
  }
  return table(columns, alerts, (a) => ({
    'data-testid': 'alert-row',
    'data-alert-id': a.id,
    'data-rule': a.rule,
    'data-station-id': a.station_id,
    'data-state': a.state,
    class: `severity-${a.severity}`,
  }), { empty: 'No alerts.' });
}

function stateNote(a: Alert, zone: string | undefined): HTMLElement | null {
  if (a.state === 'resolved') return h('small', { class: 'block muted' }, `by ${a.resolved_by ?? '?'} ${formatDateTime(a.resolved_at, zone, { seconds: false })}${a.resolution_note ? ` — ${a.resolution_note}` : ''}`);
  if (a.state === 'acknowledged') return h('small', { class: 'block muted' }, `by ${a.acknowledged_by ?? '?'} ${formatDateTime(a.acknowledged_at, zone, { seconds: false })}`);
  return null;
}

function actOn(alert: Alert, action: 'acknowledge' | 'resolve', options: AlertTableOptions): void {
  const note = h('textarea', { 'data-testid': 'alert-note', rows: 3, maxlength: 2000, placeholder: action === 'resolve' ? 'What was done' : 'Optional' });
  openDialog({
    title: `${action === 'acknowledge' ? 'Acknowledge' : 'Resolve'} alert ${alert.id} (${alert.rule}, ${alert.station_id})`,
    body: field('Note', note),
    submitLabel: action === 'acknowledge' ? 'Acknowledge' : 'Resolve',
    submitTestId: 'alert-confirm',
    onSubmit: async () => {
      const body = { ...(note.value.trim() ? { note: note.value.trim() } : {}), ...(options.actor ? { by: options.actor } : {}) };
      const changed =
        action === 'acknowledge'
          ? await apiSend('post', '/api/v1/alerts/{id}:acknowledge', { path: { id: alert.id }, body })
          : await apiSend('post', '/api/v1/alerts/{id}:resolve', { path: { id: alert.id }, body });
      options.onChange?.(changed);
      return 'close';
    },
  });
}

export async function renderAlerts(ctx: PageContext): Promise<void> {
  const q = ctx.query;
  const filters: AlertFilters = {
    state: (['open', 'acknowledged', 'resolved'].includes(q.get('state') ?? '') ? q.get('state') : '') as AlertFilters['state'],
    severity: (['info', 'warning', 'critical'].includes(q.get('severity') ?? '') ? q.get('severity') : '') as AlertFilters['severity'],
    station: q.get('station') ?? '',
    rule: q.get('rule') ?? '',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
  };
  const state = select([['', 'Any'], 'open', 'acknowledged', 'resolved'], { 'data-testid': 'alerts-state' }, filters.state);
  const severity = select([['', 'Any'], 'critical', 'warning', 'info'], { 'data-testid': 'alerts-severity' }, filters.severity);
  const station = h('input', { type: 'text', value: filters.station, placeholder: 'Station id', 'data-testid': 'alerts-station' });
  const rule = select([['', 'Any']], { 'data-testid': 'alerts-rule' }, filters.rule);
  const from = h('input', { type: 'date', value: filters.from });
  const to = h('input', { type: 'date', value: filters.to });
  const pager = pagedList<Alert>({
    signal: ctx.signal,
    // An alert the stream added while the page loaded is listed once.
    key: (a) => a.id,
    fetchPage: (cursor) =>
      withStations(apiGet('/api/v1/alerts', {
        query: {
          state: filters.state || undefined,
          severity: filters.severity || undefined,
          station: filters.station || undefined,
          rule: filters.rule || undefined,
          from: filters.from ? localMidnightIso(filters.from) : undefined,
          to: filters.to ? localMidnightIso(addDays(filters.to, 1) ?? '') : undefined,
          limit: 100,
          cursor,
        },
        signal: ctx.signal,
      }), ctx.signal),
    render: (alerts) => alertTable(alerts, ctx.session.role, { onChange: (a) => upsert(a, false), actor: actorOf(ctx) }),
  });
  const upsert = (alert: Alert, fresh: boolean) =>
    pager.update((alerts) => {
      const index = alerts.findIndex((a) => a.id === alert.id);
      if (index >= 0) alerts[index] = alert;
      else if (fresh && alertMatches(alert, filters)) alerts.unshift(alert);
      return alerts;
    });
  replace(
    ctx.root,
    pageHeader('Alerts'),
    h('form', { class: 'filters', onSubmit: (e) => { e.preventDefault(); apply(); } },
      field('State', state), field('Severity', severity), field('Station', station), field('Rule', rule), field('Opened from', from), field('Opened until', to),
      h('button', { type: 'submit' }, 'Apply')),
    pager.list,
    h('div', { class: 'list-footer' }, pager.more),
  );
  void fillRules(rule, filters.rule, ctx.signal);
  void allStations(ctx.signal).then(() => pager.render(), () => undefined); // station zones for the times

  const apply = () => {
    Object.assign(filters, {
      state: state.value,
      severity: severity.value,
      station: station.value.trim(),
      rule: rule.value,
      from: from.value,
      to: to.value,
    });
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) next.set(k, v);
    ctx.setQuery(next);
    void pager.reload();
  };
  for (const control of [state, severity, rule, from, to]) control.addEventListener('change', apply);

  live.onAlert((event) => {
    if (event.kind === 'resync') return void pager.reload();
    upsert(event.alert, true);
  }, ctx.signal);

  await pager.reload();
}

export function actorOf(ctx: PageContext): string | undefined {
  return ctx.session.roleUnknown ? undefined : ctx.session.actor.slice(0, 100);
}

async function fillRules(control: HTMLSelectElement, selected: string, signal: AbortSignal): Promise<void> {
  try {
    const rules = await apiGet('/api/v1/fault-rules', { signal });
    for (const r of rules.items ?? []) control.append(h('option', { value: r.name, selected: r.name === selected }, r.name));
  } catch (error) {
    if (!isAbort(error)) control.title = 'The rules could not be loaded';
  }
}

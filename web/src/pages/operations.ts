// Operations: the fleet's sites and their load, charging profiles, firmware images, the files
// stations uploaded or fetched, fleet jobs, maintenance windows and (admins) the audit log. Each
// tab lists what the server has and offers what the role may change.
import { apiGet, apiGetBlob, apiPutBytes, apiSend, errorText } from '../api/client';
import type { AuditEntry, ChargingProfile, FileTransfer, FirmwareImage, Job, JobInput, JobStation, MaintenanceWindow, Site, SiteInput, SiteLoad } from '../api/types';
import { downloadBlob } from '../lib/csv';
import { h, replace, type Child } from '../lib/dom';
import { formatDateTime, formatPercent } from '../lib/format';
import { may, type Role } from '../lib/roles';
import type { PageContext } from '../router';
import { checkResourceId, confirmDialog, fromLocalInput, intOrNull, numberOrNull, parseJsonObject, textOrNull, timeZoneInput, toLocalInput } from '../ui/forms';
import { paged, pagedList } from '../ui/paged-list';
import { badge, errorBox, field, loadInto, openDialog, pageHeader, select, table } from '../ui/widgets';
import { kCommands } from './commands';

const kTabs = [
  ['sites', 'Sites and load'],
  ['profiles', 'Charging profiles'],
  ['firmware', 'Firmware'],
  ['transfers', 'File transfers'],
  ['jobs', 'Fleet jobs'],
  ['maintenance', 'Maintenance windows'],
  ['audit', 'Audit log'],
] as const;
export type OperationsTab = (typeof kTabs)[number][0];

/** The tabs a role sees: the audit log is an admin's. */
export function operationsTabs(role: Role | null): OperationsTab[] {
  return kTabs.map(([key]) => key).filter((key) => key !== 'audit' || may(role, 'get /api/v1/audit'));
}

export async function renderOperations(ctx: PageContext): Promise<void> {
  const tabs = operationsTabs(ctx.session.role);
  const tab = tabs.find((t) => t === ctx.params.tab) ?? 'sites';
  if (ctx.params.tab !== tab) history.replaceState(null, '', `#/operations/${tab}`);
  const body = h('div');
  replace(
    ctx.root,
    pageHeader('Operations'),
    h('nav', { class: 'tabs', 'aria-label': 'Operations' },
      kTabs.filter(([key]) => tabs.includes(key)).map(([key, label]) => h('a', { href: `#/operations/${key}`, 'aria-current': key === tab ? 'page' : null, 'data-testid': `ops-tab-${key}` }, label))),
    body,
  );
  const pages: Record<OperationsTab, (ctx: PageContext, body: HTMLElement) => Promise<void>> = {
    sites: renderSites,
    profiles: renderProfiles,
    firmware: renderFirmware,
    transfers: renderTransfers,
    jobs: renderJobs,
    maintenance: renderMaintenance,
    audit: renderAudit,
  };
  await pages[tab](ctx, body);
}

const when = (value: string | null | undefined, zone: string | null = null) => formatDateTime(value ?? null, zone, { seconds: false });
const amps = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${Math.round(value * 10) / 10} A`);
const watts = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value >= 1000 ? `${Math.round(value / 100) / 10} kW` : `${value} W`);
const newButton = (testId: string, label: string, onClick: () => void) => h('div', { class: 'button-row' }, h('button', { type: 'button', class: 'primary', 'data-testid': testId, onClick }, label));
const notice = () => h('div', { role: 'status', 'aria-live': 'polite' });
const said = (slot: HTMLElement, text: string) => replace(slot, h('p', { class: 'ok-text', 'data-testid': 'ops-notice' }, text));

// ---- sites and their load

async function renderSites(ctx: PageContext, body: HTMLElement): Promise<void> {
  const canCreate = may(ctx.session.role, 'post /api/v1/sites');
  const canEdit = may(ctx.session.role, 'patch /api/v1/sites/{id}');
  const canDelete = may(ctx.session.role, 'delete /api/v1/sites/{id}');
  const done = notice();
  const load = h('div');
  const pager = pagedList<Site>({
    signal: ctx.signal,
    fetchPage: (cursor) => apiGet('/api/v1/sites', { query: { limit: 200, cursor }, signal: ctx.signal }),
    render: (rows) => table(
      [
        { header: 'Site', cell: (s: Site) => [h('strong', null, s.id), s.name ? ` ${s.name}` : ''] },
        { header: 'Limit', cell: (s: Site) => [s.limit_a !== null && s.limit_a !== undefined ? `${amps(s.limit_a)} per phase` : watts(s.limit_w),
          s.schedule?.length ? h('small', { class: 'block muted', 'data-testid': 'site-schedule' }, s.schedule.map((p) => `${p.from} ${p.limit_a !== undefined ? amps(p.limit_a) : watts(p.limit_w)}`).join(' · ')) : null], numeric: true },
        { header: 'Phases', cell: (s: Site) => `${s.phases ?? 3} × ${s.voltage_v ?? 230} V` },
        { header: 'Sharing', cell: (s: Site) => [s.strategy ?? 'equal_share', h('small', { class: 'block muted' }, `min ${amps(s.min_current_a)}, fallback ${amps(s.fallback_current_a)}`)] },
        { header: 'Load management', cell: (s: Site) => badge(s.load_management ? 'on' : 'off', s.load_management ? 'ok' : 'muted') },
        { header: 'Stations', cell: (s: Site) => String(s.stations?.length ?? 0), numeric: true },
        { header: 'Time zone', cell: (s: Site) => s.time_zone ?? 'UTC' },
        { header: '', cell: (s: Site) => [
          h('button', { type: 'button', 'data-testid': 'site-load', onClick: () => void showLoad(s) }, 'Load now'),
          canEdit ? h('button', { type: 'button', 'data-testid': 'site-edit', onClick: () => siteDialog(s, saved) }, 'Edit') : null,
          canDelete ? h('button', { type: 'button', 'data-testid': 'site-delete', onClick: () => confirmDialog({
            title: `Delete site ${s.id}`,
            text: 'Its stations keep running without a site: the load manager no longer limits them.',
            confirmLabel: 'Delete',
            testId: 'site-delete-confirm',
            onConfirm: async () => {
              await apiSend('delete', '/api/v1/sites/{id}', { path: { id: s.id } });
              pager.update((all) => all.filter((r) => r.id !== s.id));
              said(done, `Deleted site ${s.id}.`);
            },
          }) }, 'Delete') : null,
        ] },
      ],
      rows,
      (s) => ({ 'data-testid': 'site-row', 'data-site-id': s.id }),
      { empty: 'No sites yet: a site groups the stations behind one grid connection and shares its limit.' },
    ),
  });
  const saved = (site: Site) => {
    pager.update((all) => {
      const i = all.findIndex((r) => r.id === site.id);
      if (i >= 0) all[i] = site;
      else all.unshift(site);
      return all;
    });
    said(done, `Saved site ${site.id}.`);
  };
  const showLoad = (site: Site) => loadInto(load, ctx.signal, () => apiGet('/api/v1/sites/{id}/load', { path: { id: site.id }, signal: ctx.signal }), (l) => siteLoad(site, l));
  replace(body, canCreate ? newButton('site-new', 'New site', () => siteDialog(null, saved)) : null, done, pager.list, pager.more, load);
  await pager.reload();
}

function siteLoad(site: Site, l: SiteLoad): HTMLElement {
  const phases = (values: number[] | undefined) => (values?.length ? values.map((v) => amps(v)).join(' / ') : '—');
  return h('section', { class: 'card', 'data-testid': 'site-load-card', 'data-site-id': site.id },
    h('h2', null, `Load of ${site.id} now`),
    h('dl', { class: 'facts' },
      h('dt', null, 'Limit per phase'), h('dd', null, amps(l.limit_a)),
      h('dt', null, 'Allocated'), h('dd', { 'data-testid': 'site-allocated' }, phases(l.allocated_a)),
      h('dt', null, 'Worst case'), h('dd', null, phases(l.worst_case_a)),
      h('dt', null, 'Measured'), h('dd', null, phases(l.measured_a)),
      h('dt', null, 'Load management'), h('dd', null, l.load_management ? 'on' : 'off')),
    table(
      [
        { header: 'Session', cell: (s) => h('a', { href: `#/sessions/${s.transaction_id ?? ''}` }, String(s.transaction_id ?? '—')) },
        { header: 'Station', cell: (s) => h('a', { href: `#/stations/${encodeURIComponent(s.station_id ?? '')}` }, s.station_id ?? '—') },
        { header: 'EVSE', cell: (s) => String(s.evse_id ?? '—'), numeric: true },
        { header: 'Target', cell: (s) => amps(s.target_a), numeric: true },
        { header: 'In force', cell: (s) => amps(s.in_force_a), numeric: true },
        { header: 'Measured', cell: (s) => amps(s.measured_a), numeric: true },
        { header: 'Control', cell: (s) => badge(s.controlled ? (s.in_sync ? 'in sync' : 'sending') : 'not controlled', s.controlled ? (s.in_sync ? 'ok' : 'info') : 'bad') },
      ],
      l.sessions ?? [],
      () => ({}),
      { empty: 'No session at this site now.' },
    ));
}

/** The site form's values as the API takes them; throws naming the field that is wrong. */
export function siteFromForm(values: { id: string; name: string; time_zone: string; limit: string; unit: string; phases: string; voltage_v: string; min_current_a: string; fallback_current_a: string; strategy: string; load_management: boolean; schedule?: string }, creating: boolean): SiteInput {
  const number = (text: string, label: string, min: number, max: number) => numberOrNull({ value: text } as HTMLInputElement, label, min, max) ?? undefined;
  const out: SiteInput = {};
  if (creating) {
    const id = values.id.trim();
    if (!id) throw new Error('Id is required');
    checkResourceId(id);
    out.id = id;
  }
  const limit = number(values.limit, values.unit === 'W' ? 'Limit (W)' : 'Limit (A per phase)', values.unit === 'W' ? 100 : 1, values.unit === 'W' ? 1e9 : 100000);
  if (limit === undefined) {
    if (creating) throw new Error('Limit is required');
  } else if (values.unit === 'W') out.limit_w = limit;
  else out.limit_a = limit;
  if (values.name.trim()) out.name = values.name.trim();
  if (values.time_zone.trim()) out.time_zone = values.time_zone.trim();
  out.phases = values.phases === '1' ? 1 : 3;
  const voltage = number(values.voltage_v, 'Voltage', 100, 1000);
  if (voltage !== undefined) out.voltage_v = voltage;
  const min = number(values.min_current_a, 'Minimum current', 0, 100);
  if (min !== undefined) out.min_current_a = min;
  const fallback = number(values.fallback_current_a, 'Fallback current', 0, 1000);
  if (fallback !== undefined) out.fallback_current_a = fallback;
  out.strategy = values.strategy === 'priority' ? 'priority' : 'equal_share';
  out.load_management = values.load_management;
  if (values.schedule !== undefined) out.schedule = siteSchedule(values.schedule, values.unit === 'W' ? 'W' : 'A');
  return out;
}

/**
 * Time-of-day limits from lines "HH:MM limit" (in the limit's unit; empty: none), each from that
 * local time until the next. Throws naming the line that is wrong.
 */
export function siteSchedule(text: string, unit: 'A' | 'W'): NonNullable<SiteInput['schedule']> {
  const periods: NonNullable<SiteInput['schedule']> = [];
  const seen = new Set<string>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([01]\d|2[0-3]):([0-5]\d)\s+(\d+(?:[.,]\d+)?)$/.exec(line);
    if (!m) throw new Error(`Time-of-day limits, line ${i + 1}: “${line}” is not “HH:MM limit”, e.g. 22:00 63`);
    const from = `${m[1]}:${m[2]}`;
    if (seen.has(from)) throw new Error(`Time-of-day limits: ${from} is given twice`);
    seen.add(from);
    const limit = Number(m[3]!.replace(',', '.'));
    const [min, max] = unit === 'W' ? [100, 1e9] : [1, 100000];
    if (limit < min || limit > max) throw new Error(`Time-of-day limits, ${from}: the limit must be between ${min} and ${max} ${unit}`);
    periods.push(unit === 'W' ? { from, limit_w: limit } : { from, limit_a: limit });
  }
  if (periods.length > 48) throw new Error('Time-of-day limits: at most 48');
  return periods.sort((a, b) => a.from.localeCompare(b.from));
}

function siteDialog(existing: Site | null, onSaved: (site: Site) => void): void {
  const text = (name: string, value: string, attrs: Record<string, string | number | boolean> = {}) => h('input', { type: 'text', value, 'data-testid': `site-field-${name}`, autocomplete: 'off', ...attrs });
  const usesWatts = existing?.limit_w !== null && existing?.limit_w !== undefined;
  const inputs = {
    id: text('id', existing?.id ?? '', { required: true, maxlength: 48, disabled: Boolean(existing) }),
    name: text('name', existing?.name ?? '', { maxlength: 200 }),
    limit: text('limit', String((usesWatts ? existing?.limit_w : existing?.limit_a) ?? ''), { inputmode: 'decimal', required: true }),
    voltage_v: text('voltage_v', String(existing?.voltage_v ?? 230), { inputmode: 'decimal' }),
    min_current_a: text('min_current_a', String(existing?.min_current_a ?? 6), { inputmode: 'decimal' }),
    fallback_current_a: text('fallback_current_a', String(existing?.fallback_current_a ?? 0), { inputmode: 'decimal' }),
  };
  const unit = select([['A', 'A per phase'], ['W', 'W over all phases']], { 'data-testid': 'site-field-unit', 'aria-label': 'Limit unit' }, usesWatts ? 'W' : 'A');
  const phases = select([['3', '3 phases'], ['1', '1 phase']], { 'data-testid': 'site-field-phases' }, String(existing?.phases ?? 3));
  const strategy = select([['equal_share', 'Equal share'], ['priority', 'Priority first']], { 'data-testid': 'site-field-strategy' }, existing?.strategy ?? 'equal_share');
  const zone = timeZoneInput(existing?.time_zone ?? 'UTC', { 'data-testid': 'site-field-time_zone' });
  const managed = h('input', { type: 'checkbox', checked: existing?.load_management ?? true, 'data-testid': 'site-field-load_management' });
  const scheduleLines = (existing?.schedule ?? []).map((p) => `${p.from} ${p.limit_a ?? p.limit_w ?? ''}`).join('\n');
  const schedule = h('textarea', { rows: 3, class: 'code', spellcheck: 'false', placeholder: '22:00 63\n06:00 40', 'data-testid': 'site-field-schedule' }, scheduleLines);
  openDialog({
    title: existing ? `Edit site ${existing.id}` : 'New site',
    body: [
      field('Id', inputs.id, existing ? 'The id cannot change.' : 'Stations name it as their site (Edit station).'),
      field('Name', inputs.name),
      h('div', { class: 'field-row' }, field('Grid limit', inputs.limit), field('Unit', unit)),
      h('div', { class: 'field-row' }, field('Phases', phases), field('Voltage (V)', inputs.voltage_v)),
      h('div', { class: 'field-row' },
        field('Minimum current (A)', inputs.min_current_a, 'A session gets at least this, or waits.'),
        field('Fallback current (A)', inputs.fallback_current_a, 'The default profile stations get at boot; 0: a session waits for its own.')),
      field('Sharing', strategy),
      field('Time zone', zone, 'Time-of-day limits are in it.'),
      field('Time-of-day limits (optional)', schedule, 'A line “HH:MM limit” each, in the unit above: from that local time until the next line’s; the grid limit applies when there are none.'),
      h('label', { class: 'check' }, managed, ' Load management on (the server sends the sessions’ limits)'),
    ],
    submitLabel: existing ? 'Save' : 'Create',
    submitTestId: 'site-save',
    onSubmit: async () => {
      const input = siteFromForm({
        id: inputs.id.value, name: inputs.name.value, time_zone: zone.value, limit: inputs.limit.value, unit: unit.value, phases: phases.value,
        voltage_v: inputs.voltage_v.value, min_current_a: inputs.min_current_a.value, fallback_current_a: inputs.fallback_current_a.value,
        strategy: strategy.value, load_management: managed.checked, schedule: schedule.value,
      }, !existing);
      const site = existing
        ? await apiSend('patch', '/api/v1/sites/{id}', { path: { id: existing.id }, body: input })
        : await apiSend('post', '/api/v1/sites', { body: input as never });
      onSaved(site);
      return 'close';
    },
  });
}

// ---- charging profiles

type ProfilePage = { items: ChargingProfile[]; next_cursor?: string | null };
const kProfileStates: Record<string, string> = { pending: 'info', installed: 'ok', rejected: 'bad', clearing: 'info', cleared: 'muted' };

/** "16 A from 0 s, 10 A from 3600 s" */
export function scheduleText(profile: Pick<ChargingProfile, 'schedule'>): string {
  const unit = profile.schedule.charging_rate_unit;
  return profile.schedule.periods.map((p) => `${unit === 'W' ? watts(p.limit) : amps(p.limit)} from ${p.start_s} s`).join(', ');
}

async function renderProfiles(ctx: PageContext, body: HTMLElement): Promise<void> {
  const canInstall = may(ctx.session.role, 'post /api/v1/charging-profiles');
  const canClear = may(ctx.session.role, 'delete /api/v1/charging-profiles/{id}');
  const done = notice();
  const station = h('input', { type: 'search', value: ctx.query.get('station') ?? '', placeholder: 'Station id', 'data-testid': 'profiles-station', 'aria-label': 'Station' });
  const state = select([['', 'any state'], ...Object.keys(kProfileStates).map((s): [string, string] => [s, s])], { 'data-testid': 'profiles-state', 'aria-label': 'State' }, ctx.query.get('state') ?? '');
  const pager = pagedList<ChargingProfile>({
    signal: ctx.signal,
    fetchPage: async (cursor) => paged((await apiGet('/api/v1/charging-profiles', { query: { station: station.value.trim() || undefined, state: (state.value || undefined) as never, limit: 200, cursor }, signal: ctx.signal })) as unknown as ProfilePage),
    render: (rows) => table(
      [
        { header: 'Id', cell: (p: ChargingProfile) => String(p.id ?? '—'), numeric: true },
        { header: 'Station', cell: (p: ChargingProfile) => h('a', { href: `#/stations/${encodeURIComponent(p.station_id)}` }, p.station_id) },
        { header: 'EVSE', cell: (p: ChargingProfile) => (p.evse_id === 0 ? 'station' : String(p.evse_id)) },
        { header: 'Purpose', cell: (p: ChargingProfile) => [p.purpose, h('small', { class: 'block muted' }, `stack ${p.stack_level} · ${p.kind}${p.recurrency ? ` ${p.recurrency}` : ''}`)] },
        { header: 'Limits', cell: (p: ChargingProfile) => scheduleText(p) },
        { header: 'Valid', cell: (p: ChargingProfile) => (p.valid_from || p.valid_to ? `${when(p.valid_from)} → ${when(p.valid_to)}` : 'always') },
        { header: 'State', cell: (p: ChargingProfile) => [badge(p.state ?? '?', kProfileStates[p.state ?? ''] ?? 'muted'), p.status ? h('small', { class: 'block muted' }, String(p.status)) : null] },
        ...(canClear
          ? [{ header: '', cell: (p: ChargingProfile) => (p.state === 'installed' || p.state === 'pending' || p.state === 'rejected'
              ? h('button', { type: 'button', 'data-testid': 'profile-clear', onClick: () => confirmDialog({
                  title: `Clear profile ${p.id} from ${p.station_id}`,
                  text: 'Sends ClearChargingProfile now, or when the station is next reached.',
                  confirmLabel: 'Clear',
                  testId: 'profile-clear-confirm',
                  onConfirm: async () => {
                    const cleared = await apiSend('delete', '/api/v1/charging-profiles/{id}', { path: { id: p.id ?? 0 } });
                    pager.update((all) => all.map((r) => (r.id === cleared.id ? cleared : r)));
                    said(done, `Profile ${p.id}: ${cleared.state ?? 'cleared'}.`);
                  },
                }) }, 'Clear')
              : null) }]
          : []),
      ],
      rows,
      (p) => ({ 'data-testid': 'profile-row', 'data-profile-id': p.id ?? '', 'data-state': p.state ?? '' }),
      { empty: 'No charging profiles.' },
    ),
  });
  const reload = () => void pager.reload();
  station.addEventListener('change', reload);
  state.addEventListener('change', reload);
  replace(body,
    canInstall ? newButton('profile-new', 'Install a profile', () => profileDialog(station.value.trim(), (p) => {
      pager.update((all) => [p, ...all]);
      said(done, `Profile ${p.id} for ${p.station_id}: ${p.state ?? 'sent'}.`);
    })) : null,
    h('div', { class: 'filters' }, field('Station', station), field('State', state)),
    done, pager.list, pager.more);
  await pager.reload();
}

/** A profile with one limit from the form: what the API takes (it writes the station's version's shape). */
export function profileFromForm(values: { station_id: string; evse_id: string; purpose: string; stack_level: string; unit: string; limit: string; valid_to: string; transaction_id: string }): ChargingProfile {
  const station = values.station_id.trim();
  if (!station) throw new Error('Station is required');
  const whole = (text: string, label: string, min: number): number | undefined => {
    const t = text.trim();
    if (t === '') return undefined;
    if (!/^\d+$/.test(t) || Number(t) < min) throw new Error(`${label} must be a whole number of at least ${min}`);
    return Number(t);
  };
  const evse = whole(values.evse_id, 'EVSE', 0) ?? 0;
  const stack = whole(values.stack_level, 'Stack level', 0) ?? 0;
  const limit = Number(values.limit.trim().replace(',', '.'));
  if (!values.limit.trim() || !Number.isFinite(limit) || limit < 0) throw new Error('Limit must be a number of at least 0');
  const purpose = values.purpose as ChargingProfile['purpose'];
  const transaction = whole(values.transaction_id, 'Session', 1);
  if (purpose === 'TxProfile' && transaction === undefined) throw new Error('A TxProfile names the session it limits');
  const profile: ChargingProfile = {
    station_id: station,
    evse_id: evse,
    purpose,
    stack_level: stack,
    kind: 'Absolute',
    schedule: { charging_rate_unit: values.unit === 'W' ? 'W' : 'A', start_schedule: new Date().toISOString(), periods: [{ start_s: 0, limit }] },
  };
  if (transaction !== undefined) profile.transaction_id = transaction;
  if (values.valid_to) {
    const to = fromLocalInput(values.valid_to);
    if (!to) throw new Error('Valid until must be a date and time');
    profile.valid_to = to;
  }
  return profile;
}

function profileDialog(station: string, onSaved: (profile: ChargingProfile) => void): void {
  const text = (name: string, value: string, attrs: Record<string, string | number | boolean> = {}) => h('input', { type: 'text', value, 'data-testid': `profile-field-${name}`, autocomplete: 'off', ...attrs });
  const inputs = {
    station_id: text('station_id', station, { required: true }),
    evse_id: text('evse_id', '0', { inputmode: 'numeric' }),
    stack_level: text('stack_level', '0', { inputmode: 'numeric' }),
    limit: text('limit', '16', { inputmode: 'decimal', required: true }),
    transaction_id: text('transaction_id', '', { inputmode: 'numeric' }),
  };
  const purpose = select([['ChargingStationMaxProfile', 'Station maximum'], ['TxDefaultProfile', 'Default for sessions'], ['TxProfile', 'One session']], { 'data-testid': 'profile-field-purpose' }, 'ChargingStationMaxProfile');
  const unit = select([['A', 'A per phase'], ['W', 'W']], { 'data-testid': 'profile-field-unit' }, 'A');
  const validTo = h('input', { type: 'datetime-local', 'data-testid': 'profile-field-valid_to' });
  openDialog({
    title: 'Install a charging profile',
    body: [
      h('p', { class: 'muted' }, 'A limit from now on (an Absolute profile with one period). The server keeps it and sends it again when the station reconnects; Station → Set charging profile sends any profile as it is.'),
      h('div', { class: 'field-row' }, field('Station', inputs.station_id), field('EVSE', inputs.evse_id, '0: the whole station.')),
      h('div', { class: 'field-row' }, field('Purpose', purpose), field('Stack level', inputs.stack_level, 'Higher wins.')),
      h('div', { class: 'field-row' }, field('Limit', inputs.limit), field('Unit', unit)),
      field('Session (TxProfile only)', inputs.transaction_id, 'Our session id.'),
      field('Valid until (optional)', validTo, 'This browser’s time.'),
    ],
    submitLabel: 'Install',
    submitTestId: 'profile-save',
    onSubmit: async () => {
      const profile = profileFromForm({ station_id: inputs.station_id.value, evse_id: inputs.evse_id.value, purpose: purpose.value, stack_level: inputs.stack_level.value, unit: unit.value, limit: inputs.limit.value, valid_to: validTo.value, transaction_id: inputs.transaction_id.value });
      onSaved(await apiSend('post', '/api/v1/charging-profiles', { body: profile }));
      return 'close';
    },
  });
}

// ---- firmware images

async function renderFirmware(ctx: PageContext, body: HTMLElement): Promise<void> {
  const canCreate = may(ctx.session.role, 'post /api/v1/firmware') && may(ctx.session.role, 'put /api/v1/firmware/{id}/image');
  const canDelete = may(ctx.session.role, 'delete /api/v1/firmware/{id}');
  const done = notice();
  const pager = pagedList<FirmwareImage>({
    signal: ctx.signal,
    fetchPage: async (cursor) => paged(await apiGet('/api/v1/firmware', { query: { limit: 200, cursor }, signal: ctx.signal })),
    render: (rows) => table(
      [
        { header: 'Version', cell: (f: FirmwareImage) => [h('strong', null, f.version ?? '—'), h('small', { class: 'block muted' }, f.file_name ?? '')] },
        { header: 'For', cell: (f: FirmwareImage) => [f.vendor, f.model].filter(Boolean).join(' ') || 'any station' },
        { header: 'Size', cell: (f: FirmwareImage) => (f.size_bytes === null || f.size_bytes === undefined ? '—' : `${Math.round(f.size_bytes / 1024)} KiB`), numeric: true },
        { header: 'SHA-256', cell: (f: FirmwareImage) => h('code', { title: f.sha256 ?? '' }, f.sha256 ? `${f.sha256.slice(0, 12)}…` : '—') },
        { header: 'Signed', cell: (f: FirmwareImage) => (f.signature ? 'yes' : 'no') },
        { header: 'Uploaded', cell: (f: FirmwareImage) => (f.uploaded ? when(f.uploaded_at) : badge('no bytes yet', 'info')) },
        { header: '', cell: (f: FirmwareImage) => [
          f.uploaded ? h('button', { type: 'button', 'data-testid': 'firmware-download', onClick: () => void apiGetBlob('/api/v1/firmware/{id}/image', 'application/octet-stream', { path: { id: f.id ?? 0 } }).then(({ blob }) => downloadBlob(blob, f.file_name ?? 'firmware.bin'), (e: unknown) => replace(done, errorBox(e))) }, 'Download') : null,
          canCreate && !f.uploaded ? h('button', { type: 'button', 'data-testid': 'firmware-upload', onClick: () => uploadDialog(f, (saved) => { upsert(saved); said(done, `Uploaded ${saved.file_name} (${saved.size_bytes ?? 0} bytes).`); }) }, 'Upload bytes') : null,
          canDelete ? h('button', { type: 'button', 'data-testid': 'firmware-delete', onClick: () => confirmDialog({
            title: `Delete firmware ${f.version}`,
            text: 'The image and its bytes go; transfers already started keep their record.',
            confirmLabel: 'Delete',
            testId: 'firmware-delete-confirm',
            onConfirm: async () => {
              await apiSend('delete', '/api/v1/firmware/{id}', { path: { id: f.id ?? 0 } });
              pager.update((all) => all.filter((r) => r.id !== f.id));
              said(done, `Deleted firmware ${f.version}.`);
            },
          }) }, 'Delete') : null,
        ] },
      ],
      rows,
      (f) => ({ 'data-testid': 'firmware-row', 'data-firmware-id': f.id ?? '', 'data-uploaded': f.uploaded ? 'true' : 'false' }),
      { empty: 'No firmware images: add one, then send it with Update firmware (a station) or a fleet job.' },
    ),
  });
  const upsert = (image: FirmwareImage) => pager.update((all) => {
    const i = all.findIndex((r) => r.id === image.id);
    if (i >= 0) all[i] = image;
    else all.unshift(image);
    return all;
  });
  replace(body, canCreate ? newButton('firmware-new', 'Add an image', () => firmwareDialog((saved) => { upsert(saved); said(done, `Added ${saved.version}${saved.uploaded ? ` (${saved.size_bytes ?? 0} bytes)` : ''}.`); })) : null, done, pager.list, pager.more);
  await pager.reload();
}

function firmwareDialog(onSaved: (image: FirmwareImage) => void): void {
  const text = (name: string, attrs: Record<string, string | number | boolean> = {}) => h('input', { type: 'text', 'data-testid': `firmware-field-${name}`, autocomplete: 'off', ...attrs });
  const inputs = { version: text('version', { required: true, maxlength: 50 }), vendor: text('vendor', { maxlength: 50 }), model: text('model', { maxlength: 50 }) };
  const file = h('input', { type: 'file', 'data-testid': 'firmware-field-file', required: true });
  // Made once: pressing Add again after the bytes failed uploads them to the same image.
  let created: FirmwareImage | null = null;
  openDialog({
    title: 'Add a firmware image',
    body: [
      field('Version', inputs.version, 'Unique.'),
      h('div', { class: 'field-row' }, field('Vendor (optional)', inputs.vendor), field('Model (optional)', inputs.model)),
      field('Image file', file, 'Stations download it from this server under its file name.'),
    ],
    submitLabel: 'Add',
    submitTestId: 'firmware-save',
    onSubmit: async () => {
      const chosen = file.files?.[0];
      const version = inputs.version.value.trim();
      if (!version) throw new Error('Version is required');
      if (!chosen) throw new Error('Choose the image file');
      created ??= await apiSend('post', '/api/v1/firmware', { body: { version, file_name: firmwareFileName(chosen.name), ...(inputs.vendor.value.trim() ? { vendor: inputs.vendor.value.trim() } : {}), ...(inputs.model.value.trim() ? { model: inputs.model.value.trim() } : {}) } });
      try {
        onSaved(await apiPutBytes('/api/v1/firmware/{id}/image', chosen, { path: { id: created.id ?? 0 } }));
      } catch (error) {
        onSaved(created); // listed without bytes: Add again (or "Upload bytes") sends them again
        throw new Error(`The image ${created.version ?? version} was added, its bytes were not: ${errorText(error)}`);
      }
      return 'close';
    },
  });
}

/** The name stations see at the end of the download URL: the file's, in the letters the server serves, at most 128. */
export function firmwareFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_') || 'firmware.bin';
  if (safe.length <= 128) return safe;
  const dot = safe.lastIndexOf('.');
  const ext = dot > 0 && safe.length - dot <= 16 ? safe.slice(dot) : '';
  return safe.slice(0, 128 - ext.length) + ext;
}

function uploadDialog(image: FirmwareImage, onSaved: (image: FirmwareImage) => void): void {
  const file = h('input', { type: 'file', 'data-testid': 'firmware-field-file', required: true });
  openDialog({
    title: `Upload ${image.file_name}`,
    body: field('Image file', file),
    submitLabel: 'Upload',
    submitTestId: 'firmware-upload-save',
    onSubmit: async () => {
      const chosen = file.files?.[0];
      if (!chosen) throw new Error('Choose the image file');
      onSaved(await apiPutBytes('/api/v1/firmware/{id}/image', chosen, { path: { id: image.id ?? 0 } }));
      return 'close';
    },
  });
}

// ---- file transfers

const kTransferStates: Record<string, string> = { pending: 'info', accepted: 'info', in_progress: 'busy', succeeded: 'ok', rejected: 'bad', failed: 'bad', failed_to_send: 'bad' };

async function renderTransfers(ctx: PageContext, body: HTMLElement): Promise<void> {
  const failed = h('div');
  const station = h('input', { type: 'search', value: ctx.query.get('station') ?? '', placeholder: 'Station id', 'data-testid': 'transfers-station', 'aria-label': 'Station' });
  const kind = select([['', 'firmware and logs'], ['firmware', 'firmware downloads'], ['log', 'log uploads']], { 'data-testid': 'transfers-kind', 'aria-label': 'Kind' }, ctx.query.get('kind') ?? '');
  const pager = pagedList<FileTransfer>({
    signal: ctx.signal,
    fetchPage: async (cursor) => paged(await apiGet('/api/v1/file-transfers', { query: { station: station.value.trim() || undefined, kind: (kind.value || undefined) as never, limit: 200, cursor }, signal: ctx.signal })),
    render: (rows) => table(
      [
        { header: 'Id', cell: (t: FileTransfer) => String(t.id ?? '—'), numeric: true },
        { header: 'Station', cell: (t: FileTransfer) => h('a', { href: `#/stations/${encodeURIComponent(t.station_id ?? '')}` }, t.station_id ?? '—') },
        { header: 'Kind', cell: (t: FileTransfer) => (t.kind === 'log' ? 'log upload' : `firmware ${t.firmware_id ?? ''}`) },
        { header: 'State', cell: (t: FileTransfer) => [badge(t.state ?? '?', kTransferStates[t.state ?? ''] ?? 'muted'), t.status ? h('small', { class: 'block muted' }, `${t.status}${t.status_at ? ` · ${when(t.status_at)}` : ''}`) : null] },
        { header: 'File', cell: (t: FileTransfer) => (t.kind === 'log' ? (t.received_at ? `${t.file_name ?? 'upload'} · ${Math.max(1, Math.round((t.size_bytes ?? 0) / 1024))} KiB` : 'not received yet') : `fetched ${t.downloads ?? 0}×`) },
        { header: 'Started', cell: (t: FileTransfer) => [when(t.created_at), t.created_by ? h('small', { class: 'block muted' }, t.created_by) : null] },
        { header: '', cell: (t: FileTransfer) => (t.kind === 'log' && t.received_at
          ? h('button', { type: 'button', 'data-testid': 'transfer-download', onClick: () => void apiGetBlob('/api/v1/file-transfers/{id}/content', 'application/octet-stream', { path: { id: t.id ?? 0 } }).then(({ blob }) => downloadBlob(blob, t.file_name ?? `transfer-${t.id}.log`), (e: unknown) => replace(failed, errorBox(e))) }, 'Download')
          : null) },
      ],
      rows,
      (t) => ({ 'data-testid': 'transfer-row', 'data-transfer-id': t.id ?? '', 'data-state': t.state ?? '' }),
      { empty: 'No file transfers: Update firmware and Get diagnostics (station commands) start them.' },
    ),
  });
  station.addEventListener('change', () => void pager.reload());
  kind.addEventListener('change', () => void pager.reload());
  replace(body, h('div', { class: 'filters' }, field('Station', station), field('Kind', kind)), failed, pager.list, pager.more);
  await pager.reload();
}

// ---- fleet jobs

/** Commands a fleet job can send (the server refuses the per-session ones). */
export const kJobCommands = kCommands.map((c) => c.name).filter((n) => !['remote-start', 'remote-stop', 'reserve', 'cancel-reservation', 'get-transaction-status'].includes(n));
const kJobStates: Record<string, string> = { running: 'busy', completed: 'ok', halted: 'bad', cancelled: 'muted' };

/** The job form's values as the API takes them; throws naming what is wrong. */
export function jobFromForm(values: { command: string; body: string; stations: string; protocol: string; online: string; vendor: string; model: string; concurrency: string; wave_size: string; max_failure_percent: string }): JobInput {
  if (!kJobCommands.includes(values.command as never)) throw new Error(`${values.command || 'A command'} cannot be sent by a fleet job`);
  const body = values.body.trim() ? parseJsonObject(values.body, 'Body') : {};
  const whole = (text: string, label: string, min: number, max: number): number | undefined => {
    const t = text.trim();
    if (t === '') return undefined;
    if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) throw new Error(`${label} must be a whole number between ${min} and ${max}`);
    return Number(t);
  };
  // The server's defaults, said here because the form shows them: 10 at once, 3 attempts, a week.
  const job: JobInput = { command: values.command, body, concurrency: 10, max_attempts: 3, deadline_s: 7 * 24 * 3600 };
  const stations = values.stations.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  if (stations.length) job.stations = stations;
  else {
    const filter: NonNullable<JobInput['filter']> = {};
    if (values.protocol === 'ocpp1.6' || values.protocol === 'ocpp2.0.1') filter.protocol = values.protocol;
    if (values.online === 'true' || values.online === 'false') filter.online = values.online === 'true';
    if (values.vendor.trim()) filter.vendor = values.vendor.trim();
    if (values.model.trim()) filter.model = values.model.trim();
    job.filter = filter;
  }
  const concurrency = whole(values.concurrency, 'At once', 1, 1000);
  if (concurrency !== undefined) job.concurrency = concurrency;
  const wave = whole(values.wave_size, 'Wave size', 1, 100000);
  if (wave !== undefined) job.wave_size = wave;
  const failure = whole(values.max_failure_percent, 'Halt above failures %', 0, 100);
  if (failure !== undefined) job.max_failure_percent = failure;
  return job;
}

async function renderJobs(ctx: PageContext, body: HTMLElement): Promise<void> {
  const canStart = may(ctx.session.role, 'post /api/v1/jobs');
  const canCancel = may(ctx.session.role, 'post /api/v1/jobs/{id}:cancel');
  const done = notice();
  const detail = h('div');
  const pager = pagedList<Job>({
    signal: ctx.signal,
    fetchPage: async (cursor) => paged(await apiGet('/api/v1/jobs', { query: { limit: 100, cursor }, signal: ctx.signal })),
    render: (rows) => table(
      [
        { header: 'Job', cell: (j: Job) => [h('strong', null, String(j.id ?? '')), ` ${j.command ?? ''}`, h('small', { class: 'block muted' }, `${j.created_by ?? ''} · ${when(j.created_at)}`)] },
        { header: 'State', cell: (j: Job) => [badge(j.state ?? '?', kJobStates[j.state ?? ''] ?? 'muted'), j.detail ? h('small', { class: 'block muted' }, j.detail) : null] },
        { header: 'Progress', cell: (j: Job) => h('span', { 'data-testid': 'job-progress' }, `${formatPercent((j.progress ?? 0) * 100)} of ${j.stations ?? 0}`), numeric: true },
        { header: 'Stations', cell: (j: Job) => Object.entries(j.counts ?? {}).map(([k, v]) => `${k} ${v}`).join(' · ') || '—' },
        { header: '', cell: (j: Job) => [
          h('button', { type: 'button', 'data-testid': 'job-stations', onClick: () => void showStations(j) }, 'Stations'),
          canCancel && j.state === 'running' ? h('button', { type: 'button', 'data-testid': 'job-cancel', onClick: () => confirmDialog({
            title: `Cancel job ${j.id}`,
            text: 'Stations not yet sent to are not sent to; commands already sent run to their end.',
            confirmLabel: 'Cancel job',
            testId: 'job-cancel-confirm',
            onConfirm: async () => {
              const cancelled = await apiSend('post', '/api/v1/jobs/{id}:cancel', { path: { id: j.id ?? 0 } });
              pager.update((all) => all.map((r) => (r.id === cancelled.id ? cancelled : r)));
              said(done, `Job ${j.id}: ${cancelled.state ?? 'cancelled'}.`);
            },
          }) }, 'Cancel') : null,
        ] },
      ],
      rows,
      (j) => ({ 'data-testid': 'job-row', 'data-job-id': j.id ?? '', 'data-state': j.state ?? '' }),
      { empty: 'No fleet jobs: a job sends one command to many stations in waves (a firmware rollout, a configuration change).' },
    ),
  });
  const showStations = (job: Job) => loadInto(detail, ctx.signal, () => apiGet('/api/v1/jobs/{id}/stations', { path: { id: job.id ?? 0 }, query: { limit: 500 }, signal: ctx.signal }), (page) =>
    h('section', { class: 'card' }, h('h2', null, `Job ${job.id}: stations`), table(
      [
        { header: 'Station', cell: (s: JobStation) => h('a', { href: `#/stations/${encodeURIComponent(s.station_id ?? '')}` }, s.station_id ?? '—') },
        { header: 'Wave', cell: (s: JobStation) => String(s.wave ?? 0), numeric: true },
        { header: 'State', cell: (s: JobStation) => badge(s.state ?? '?', s.state === 'succeeded' ? 'ok' : s.state === 'failed' ? 'bad' : 'info') },
        { header: 'Answer', cell: (s: JobStation) => [s.status ?? '—', s.detail ? h('small', { class: 'block muted' }, s.detail) : null] },
        { header: 'Attempts', cell: (s: JobStation) => String(s.attempts ?? 0), numeric: true },
        { header: 'Updated', cell: (s: JobStation) => when(s.updated_at) },
      ],
      page.items ?? [],
      (s) => ({ 'data-testid': 'job-station-row', 'data-state': s.state ?? '' }),
      { empty: 'No stations.' },
    )));
  replace(body, canStart ? newButton('job-new', 'Start a fleet job', () => jobDialog((job) => {
    pager.update((all) => [job, ...all]);
    said(done, `Started job ${job.id}: ${job.command} to ${job.stations ?? 0} stations.`);
  })) : null, done, pager.list, pager.more, detail);
  await pager.reload();
  // While a job runs its progress is read again every few seconds (the rows in place, no "Loading…").
  const poll = async (): Promise<void> => {
    if (ctx.signal.aborted) return;
    if (pager.rows.some((j) => j.state === 'running')) {
      try {
        const fresh = paged(await apiGet('/api/v1/jobs', { query: { limit: 100 }, signal: ctx.signal })).items;
        pager.update((all) => mergeById(all, fresh));
      } catch {
        // the next round tries again; a 401/403 has already signed out
      }
    }
    if (!ctx.signal.aborted) setTimeout(() => void poll(), kJobPollMs);
  };
  setTimeout(() => void poll(), kJobPollMs);
}

const kJobPollMs = 2000;

/** `rows` with the items of `fresh` in place of those with the same id, and the new ones first. */
export function mergeById<T extends { id?: number }>(rows: T[], fresh: readonly T[]): T[] {
  const byId = new Map(fresh.map((item) => [item.id, item]));
  const merged = rows.map((row) => byId.get(row.id) ?? row);
  const known = new Set(rows.map((row) => row.id));
  return [...fresh.filter((item) => !known.has(item.id)), ...merged];
}

function jobDialog(onStarted: (job: Job) => void): void {
  const text = (name: string, value = '', attrs: Record<string, string | number | boolean> = {}) => h('input', { type: 'text', value, 'data-testid': `job-field-${name}`, autocomplete: 'off', ...attrs });
  const command = select(kJobCommands.map((n): [string, string] => [n, n]), { 'data-testid': 'job-field-command' }, 'trigger-message');
  const body = h('textarea', { rows: 5, class: 'code', spellcheck: 'false', 'data-testid': 'job-field-body' }, '{"message": "StatusNotification"}');
  const stations = h('textarea', { rows: 3, 'data-testid': 'job-field-stations', placeholder: 'CP-1, CP-2 … (empty: the filter below)' });
  const protocol = select([['', 'any version'], ['ocpp1.6', 'OCPP 1.6'], ['ocpp2.0.1', 'OCPP 2.0.1']], { 'data-testid': 'job-field-protocol' }, '');
  const online = select([['', 'online or not'], ['true', 'online now'], ['false', 'offline now']], { 'data-testid': 'job-field-online' }, '');
  const inputs = { vendor: text('vendor'), model: text('model'), concurrency: text('concurrency', '10', { inputmode: 'numeric' }), wave_size: text('wave_size', '', { inputmode: 'numeric' }), max_failure_percent: text('max_failure_percent', '', { inputmode: 'numeric' }) };
  openDialog({
    title: 'Start a fleet job',
    wide: true,
    body: [
      field('Command', command),
      field('Body (JSON)', body, 'As for one station’s command, e.g. {"firmware_id": 3} for update-firmware.'),
      field('Stations', stations, 'Ids separated by commas or spaces; empty: every station matching the filter.'),
      h('div', { class: 'field-row' }, field('Version', protocol), field('Connection', online)),
      h('div', { class: 'field-row' }, field('Vendor', inputs.vendor), field('Model', inputs.model)),
      h('div', { class: 'field-row' }, field('At once', inputs.concurrency), field('Wave size', inputs.wave_size, 'Empty: one wave.'), field('Halt above failures %', inputs.max_failure_percent, 'Per wave.')),
    ],
    submitLabel: 'Start',
    submitTestId: 'job-save',
    onSubmit: async () => {
      const job = jobFromForm({ command: command.value, body: body.value, stations: stations.value, protocol: protocol.value, online: online.value, vendor: inputs.vendor.value, model: inputs.model.value, concurrency: inputs.concurrency.value, wave_size: inputs.wave_size.value, max_failure_percent: inputs.max_failure_percent.value });
      onStarted(await apiSend('post', '/api/v1/jobs', { body: job }));
      return 'close';
    },
  });
}

// ---- maintenance windows

async function renderMaintenance(ctx: PageContext, body: HTMLElement): Promise<void> {
  const canCreate = may(ctx.session.role, 'post /api/v1/maintenance-windows');
  const canDelete = may(ctx.session.role, 'delete /api/v1/maintenance-windows/{id}');
  const done = notice();
  const station = h('input', { type: 'search', value: ctx.query.get('station') ?? '', placeholder: 'Station id', 'data-testid': 'maintenance-station', 'aria-label': 'Station' });
  const pager = pagedList<MaintenanceWindow>({
    signal: ctx.signal,
    fetchPage: async (cursor) => paged(await apiGet('/api/v1/maintenance-windows', { query: { station: station.value.trim() || undefined, limit: 200, cursor } as never, signal: ctx.signal })),
    render: (rows) => table(
      [
        { header: 'Station', cell: (w: MaintenanceWindow) => h('a', { href: `#/stations/${encodeURIComponent(w.station_id)}` }, w.station_id) },
        { header: 'EVSE', cell: (w: MaintenanceWindow) => (w.evse_id === null ? 'whole station' : String(w.evse_id)) },
        { header: 'From', cell: (w: MaintenanceWindow) => when(w.starts_at) },
        { header: 'Until', cell: (w: MaintenanceWindow) => when(w.ends_at) },
        { header: 'Reason', cell: (w: MaintenanceWindow) => w.reason ?? '—' },
        ...(canDelete
          ? [{ header: '', cell: (w: MaintenanceWindow) => h('button', { type: 'button', 'data-testid': 'maintenance-delete', onClick: () => confirmDialog({
              title: `Delete the maintenance window of ${w.station_id}`,
              text: 'Downtime in it counts against uptime again once the station’s history is rolled up.',
              confirmLabel: 'Delete',
              testId: 'maintenance-delete-confirm',
              onConfirm: async () => {
                await apiSend('delete', '/api/v1/maintenance-windows/{id}', { path: { id: w.id } });
                pager.update((all) => all.filter((r) => r.id !== w.id));
                said(done, `Deleted the window of ${w.station_id}.`);
              },
            }) }, 'Delete') }]
          : []),
      ],
      rows,
      (w) => ({ 'data-testid': 'maintenance-row', 'data-station-id': w.station_id }),
      { empty: 'No maintenance windows: downtime inside one is excused in the uptime figures and raises no alert.' },
    ),
  });
  station.addEventListener('change', () => void pager.reload());
  replace(body,
    canCreate ? newButton('maintenance-new', 'Record a window', () => maintenanceDialog(station.value.trim(), (w) => { pager.update((all) => [w, ...all]); said(done, `Recorded a window for ${w.station_id}.`); })) : null,
    h('div', { class: 'filters' }, field('Station', station)), done, pager.list, pager.more);
  await pager.reload();
}

function maintenanceDialog(station: string, onSaved: (w: MaintenanceWindow) => void): void {
  const now = new Date();
  const inputs = {
    station_id: h('input', { type: 'text', value: station, required: true, 'data-testid': 'maintenance-field-station_id', autocomplete: 'off' }),
    evse_id: h('input', { type: 'text', inputmode: 'numeric', 'data-testid': 'maintenance-field-evse_id', autocomplete: 'off' }),
    starts_at: h('input', { type: 'datetime-local', value: toLocalInput(now), required: true, 'data-testid': 'maintenance-field-starts_at' }),
    ends_at: h('input', { type: 'datetime-local', value: toLocalInput(new Date(now.getTime() + 2 * 3600_000)), required: true, 'data-testid': 'maintenance-field-ends_at' }),
    reason: h('input', { type: 'text', maxlength: 500, 'data-testid': 'maintenance-field-reason' }),
  };
  openDialog({
    title: 'Record a maintenance window',
    body: [
      h('div', { class: 'field-row' }, field('Station', inputs.station_id), field('EVSE (optional)', inputs.evse_id, 'Empty: the whole station.')),
      h('div', { class: 'field-row' }, field('From', inputs.starts_at, 'This browser’s time.'), field('Until', inputs.ends_at)),
      field('Reason', inputs.reason),
    ],
    submitLabel: 'Record',
    submitTestId: 'maintenance-save',
    onSubmit: async () => {
      const stationId = inputs.station_id.value.trim();
      if (!stationId) throw new Error('Station is required');
      const from = fromLocalInput(inputs.starts_at.value);
      const to = fromLocalInput(inputs.ends_at.value);
      if (!from || !to) throw new Error('From and Until are required');
      if (to <= from) throw new Error('Until must be after From');
      const evse = intOrNull(inputs.evse_id, 'EVSE', 1, 1000);
      const reason = textOrNull(inputs.reason);
      onSaved(await apiSend('post', '/api/v1/maintenance-windows', { body: { station_id: stationId, starts_at: from, ends_at: to, ...(evse !== null ? { evse_id: evse } : {}), ...(reason ? { reason } : {}) } }));
      return 'close';
    },
  });
}

// ---- audit log

async function renderAudit(ctx: PageContext, body: HTMLElement): Promise<void> {
  const actor = h('input', { type: 'search', value: ctx.query.get('actor') ?? '', placeholder: 'Actor', 'data-testid': 'audit-actor', 'aria-label': 'Actor' });
  const target = h('input', { type: 'search', value: ctx.query.get('target') ?? '', placeholder: 'Target, e.g. stations/CP-1 or sites', 'data-testid': 'audit-target', 'aria-label': 'Target' });
  const pager = pagedList<AuditEntry>({
    signal: ctx.signal,
    fetchPage: (cursor) => apiGet('/api/v1/audit', { query: { actor: actor.value.trim() || undefined, target: target.value.trim() || undefined, limit: 200, cursor }, signal: ctx.signal }),
    render: (rows) => table(
      [
        { header: 'When', cell: (a: AuditEntry) => formatDateTime(a.at, null) },
        { header: 'Who', cell: (a: AuditEntry) => [a.actor, h('small', { class: 'block muted' }, a.role)] },
        { header: 'Call', cell: (a: AuditEntry) => [h('code', null, `${a.method} ${a.path}`), a.action ? h('small', { class: 'block muted' }, a.action) : null] },
        { header: 'Target', cell: (a: AuditEntry) => a.target ?? '—' },
        { header: 'Answer', cell: (a: AuditEntry) => [badge(String(a.status), a.status < 400 ? 'ok' : 'bad'), a.detail ? h('small', { class: 'block muted' }, a.detail) : null] },
        { header: 'Body', cell: (a: AuditEntry): Child => (a.body === null || a.body === undefined ? '—' : h('details', null, h('summary', null, 'body'), h('pre', { class: 'code' }, JSON.stringify(a.body, null, 2)))) },
      ],
      rows,
      (a) => ({ 'data-testid': 'audit-row', 'data-status': a.status }),
      { empty: 'Nothing recorded for these filters.' },
    ),
  });
  actor.addEventListener('change', () => void pager.reload());
  target.addEventListener('change', () => void pager.reload());
  replace(body, h('p', { class: 'muted' }, 'Every REST call that changed something or sent a command, newest first; secrets in bodies are replaced.'), h('div', { class: 'filters' }, field('Actor', actor), field('Target', target)), pager.list, pager.more);
  await pager.reload();
}


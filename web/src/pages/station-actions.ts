// A station's life and its diagnostics: registering one ahead of its first connection, deleting
// it, rotating its password, raising its security profile, logging its frames (admins and
// operators as the server allows), and the folded sections of its page that read its status
// history and compare its charging schedule with the one its profiles should give.
import { apiGet, apiSend, errorText } from '../api/client';
import type { components } from '../api/schema';
import type { Station } from '../api/types';
import { h, replace, type Child } from '../lib/dom';
import { formatDateTime } from '../lib/format';
import { may, type Role } from '../lib/roles';
import { checkResourceId, confirmDialog, isTimeZone, timeZoneInput } from '../ui/forms';
import { paged, pagedList } from '../ui/paged-list';
import { badge, errorBox, field, foldedCard, loading, openDialog, select, setMessage, table } from '../ui/widgets';

type S = components['schemas'];
type StatusChange = S['StatusChange'];

/** The POST body for a new station; throws naming a bad field. */
export function newStationBody(form: { id: string; name: string; location: string; time_zone: string; registration: string; password: string }): S['StationInput'] & { id: string } {
  const id = form.id.trim();
  if (!id) throw new Error('Id is required: the identity the charger connects with');
  checkResourceId(id);
  const zone = form.time_zone.trim() || 'UTC';
  if (!isTimeZone(zone)) throw new Error(`Time zone: “${zone}” is not an IANA time zone such as Europe/Berlin`);
  if (!['Accepted', 'Pending', 'Rejected'].includes(form.registration)) throw new Error('Registration must be Accepted, Pending or Rejected');
  const body: S['StationInput'] & { id: string } = { id, time_zone: zone, registration: form.registration as 'Accepted' };
  if (form.name.trim()) body.name = form.name.trim();
  if (form.location.trim()) body.location = form.location.trim();
  if (form.password) {
    if (form.password.length < 16 || form.password.length > 40) throw new Error('Password: 16 to 40 characters (1.6: the AuthorizationKey as 32 to 40 hex digits)');
    body.password = form.password;
  }
  return body;
}

/** Registers a station ahead of its first connection (admins); `onCreated` gets it. */
export function newStationDialog(onCreated: (station: Station) => void): void {
  const input = (name: string, attrs: Record<string, string | number | boolean> = {}) => h('input', { type: 'text', 'data-testid': `station-new-${name}`, autocomplete: 'off', ...attrs });
  const inputs = { id: input('id', { required: true, maxlength: 48 }), name: input('name', { maxlength: 200 }), location: input('location', { maxlength: 500 }) };
  const zone = timeZoneInput(Intl.DateTimeFormat().resolvedOptions().timeZone, { 'data-testid': 'station-new-time_zone' });
  const registration = select(['Accepted', 'Pending', 'Rejected'], { 'data-testid': 'station-new-registration' }, 'Accepted');
  const password = h('input', { type: 'password', autocomplete: 'new-password', maxlength: 40, 'data-testid': 'station-new-password' });
  openDialog({
    title: 'New station',
    body: [
      field('Id', inputs.id, 'The identity the charger connects with: the last part of its OCPP URL.'),
      field('Name', inputs.name),
      field('Location', inputs.location, 'Address or description; analytics group stations by it.'),
      field('Time zone', zone),
      field('Registration', registration, 'What its BootNotification is answered with.'),
      field('Password (optional)', password, 'Security profiles 1 and 2: its HTTP basic auth password, 16 to 40 characters. Kept only as a hash.'),
    ],
    submitLabel: 'Create',
    submitTestId: 'station-new-save',
    onSubmit: async () => {
      const body = newStationBody({ id: inputs.id.value, name: inputs.name.value, location: inputs.location.value, time_zone: zone.value, registration: registration.value, password: password.value });
      onCreated(await apiSend('post', '/api/v1/stations', { body }));
      return 'close';
    },
  });
}

/** The station page's administrative buttons for this role (none for a viewer). */
export function stationActions(station: Station, role: Role | null): HTMLElement | null {
  const buttons: Child[] = [];
  if (may(role, 'post /api/v1/stations/{id}/password:rotate'))
    buttons.push(h('button', { type: 'button', 'data-testid': 'station-rotate-password', onClick: () => rotateDialog(station) }, 'Rotate password'));
  if (may(role, 'post /api/v1/stations/{id}/security-profile:upgrade'))
    buttons.push(h('button', { type: 'button', 'data-testid': 'station-security-profile', onClick: () => securityDialog(station) }, 'Raise security profile'));
  if (may(role, 'put /api/v1/stations/{id}/frame-logging'))
    buttons.push(h('button', { type: 'button', 'data-testid': 'station-frame-logging', onClick: () => frameLoggingDialog(station) }, 'Frame logging…'));
  if (may(role, 'delete /api/v1/stations/{id}'))
    buttons.push(h('button', { type: 'button', class: 'danger', 'data-testid': 'station-delete', onClick: () => confirmDialog({
      title: `Delete station ${station.id}`,
      text: 'The station goes with its connectors, status history, reports and sessions. A charger that connects with this id afterwards is treated as unknown.',
      confirmLabel: 'Delete station',
      testId: 'station-delete-confirm',
      onConfirm: async () => {
        await apiSend('delete', '/api/v1/stations/{id}', { path: { id: station.id } });
        location.hash = '#/stations';
      },
    }) }, 'Delete station'));
  return buttons.length ? h('div', { class: 'button-row', 'data-testid': 'station-actions' }, buttons) : null;
}

function rotateDialog(station: Station): void {
  openDialog({
    title: `Rotate the password of ${station.id}`,
    body: h('p', null, 'Sends the station a new 20-character password. The old one is accepted until it connects with the new one. The new password is shown here once.'),
    submitLabel: 'Rotate',
    submitTestId: 'station-rotate-confirm',
    onSubmit: async (dialog) => {
      const answer = await apiSend('post', '/api/v1/stations/{id}/password:rotate', { path: { id: station.id } });
      setMessage(dialog, h('div', { class: 'result ok', role: 'status', 'data-testid': 'station-rotate-result' },
        h('strong', null, answer.status ?? 'Accepted'),
        answer.password ? h('p', null, 'New password (shown once): ', h('code', { 'data-testid': 'station-new-password-value' }, answer.password)) : null,
        answer.detail ? h('p', { class: 'muted' }, answer.detail) : null));
      // Once only: a second press would replace the password just shown (hidden, since the
      // dialog enables its button again after each submit).
      const again = dialog.querySelector<HTMLButtonElement>('[data-testid="station-rotate-confirm"]');
      if (again) again.hidden = true;
    },
  });
}

function securityDialog(station: Station): void {
  const profile = select([['2', '2: TLS, password'], ['3', '3: TLS, client certificate']], { 'data-testid': 'station-security-field-profile' }, String(Math.min(3, Math.max(2, (station.security_profile ?? 1) + 1))));
  const url = h('input', { type: 'text', placeholder: 'wss://csms.example.com/ocpp', 'data-testid': 'station-security-field-csms_url', autocomplete: 'off' });
  openDialog({
    title: `Raise the security profile of ${station.id}`,
    body: [
      h('p', { class: 'muted' }, `Now: ${station.security_profile ?? 'unknown'}${station.pending_security_profile ? ` (raising to ${station.pending_security_profile})` : ''}. The new profile counts once the station connects with it; a profile is never lowered.`),
      field('Profile', profile),
      station.protocol === 'ocpp2.0.1' ? field('This server’s wss:// address', url, 'OCPP 2.0.1 stations get a network profile with it.') : null,
    ],
    submitLabel: 'Raise',
    submitTestId: 'station-security-save',
    onSubmit: async (dialog) => {
      const body: Record<string, unknown> = { profile: Number(profile.value) };
      if (station.protocol === 'ocpp2.0.1') {
        if (!/^wss:\/\/\S+$/.test(url.value.trim())) throw new Error('Give this server’s address as wss://…');
        body.csms_url = url.value.trim();
      }
      const answer = await apiSend('post', '/api/v1/stations/{id}/security-profile:upgrade', { path: { id: station.id }, body: body as never });
      setMessage(dialog, h('div', { class: 'result ok', role: 'status', 'data-testid': 'station-security-result' }, h('strong', null, answer.status ?? 'Accepted'), answer.detail ? ` ${answer.detail}` : ''));
    },
  });
}

function frameLoggingDialog(station: Station): void {
  const enabled = select([['true', 'on: log every frame'], ['false', 'off']], { 'data-testid': 'station-frame-logging-field' }, 'true');
  openDialog({
    title: `Frame logging for ${station.id}`,
    body: [h('p', { class: 'muted' }, 'Every OCPP frame to and from this station is written to the server’s log (info level, on the node that holds it) while on. For debugging one charger.'), field('Logging', enabled)],
    submitLabel: 'Apply',
    submitTestId: 'station-frame-logging-save',
    onSubmit: async (dialog) => {
      const answer = await apiSend('put', '/api/v1/stations/{id}/frame-logging', { path: { id: station.id }, body: { enabled: enabled.value === 'true' } });
      setMessage(dialog, h('p', { class: 'ok-text', 'data-testid': 'station-frame-logging-result' }, `Frame logging is ${answer.enabled ? 'on' : 'off'} for ${answer.station_id ?? station.id}.`));
    },
  });
}

/** Every connector status the station reported, newest first. */
export function statusHistorySection(station: Station, signal: AbortSignal): HTMLElement {
  const pager = pagedList<StatusChange>({
    signal,
    fetchPage: async (cursor) => paged(await apiGet('/api/v1/stations/{id}/status-history', { path: { id: station.id }, query: { limit: 100, cursor }, signal })),
    render: (rows) => table(
      [
        { header: 'At', cell: (c: StatusChange) => formatDateTime(c.status_at ?? null, station.time_zone) },
        { header: 'EVSE / connector', cell: (c: StatusChange) => `${c.evse_id ?? '—'} / ${c.connector_id ?? '—'}` },
        { header: 'Status', cell: (c: StatusChange) => badge(c.status ?? '?', c.status === 'Faulted' ? 'bad' : c.status === 'Available' ? 'ok' : 'info') },
        { header: 'Error', cell: (c: StatusChange) => [c.error_code && c.error_code !== 'NoError' ? c.error_code : '—', c.info ? h('small', { class: 'block muted' }, c.info) : null, c.vendor_error_code ? h('small', { class: 'block muted' }, `${c.vendor_id ?? ''} ${c.vendor_error_code}`) : null] },
        { header: 'Received', cell: (c: StatusChange) => [formatDateTime(c.received_at ?? null, station.time_zone), c.flags?.length ? h('small', { class: 'block muted' }, c.flags.join(', ')) : null] },
      ],
      rows,
      (c) => ({ 'data-testid': 'status-history-row', 'data-status': c.status ?? '' }),
      { empty: 'No status reported yet.' },
    ),
  });
  return foldedCard('Status history', 'station-status-history', [pager.list, pager.more], () => pager.reload()).details;
}

interface ScheduleCheck {
  in_sync?: boolean;
  expected?: unknown;
  reported?: unknown;
  differences?: { start_s: number; expected: number | null; reported: number | null }[];
}

/** The station's composite schedule against the one its profiles should give (asks the station). */
export function scheduleSection(station: Station, signal: AbortSignal): HTMLElement {
  const body = h('div');
  const evse = h('input', { type: 'text', inputmode: 'numeric', value: String(station.evses[0]?.evse_id ?? 1), 'data-testid': 'schedule-evse', 'aria-label': 'EVSE' });
  const check = async () => {
    const evseText = evse.value.trim();
    if (!/^\d+$/.test(evseText)) {
      replace(body, errorBox(`EVSE must be a whole number (0: the station), not “${evseText}”`));
      return;
    }
    replace(body, loading('Asking the station…'));
    try {
      const answer = (await apiGet('/api/v1/stations/{id}/charging-schedule', { path: { id: station.id }, query: { evse_id: Number(evseText) } as never, signal })) as unknown as ScheduleCheck;
      const differences = answer.differences ?? [];
      replace(body,
        h('p', { 'data-testid': 'schedule-verdict', 'data-in-sync': answer.in_sync ? 'true' : 'false' }, answer.in_sync ? badge('in sync', 'ok') : badge('differs', 'bad'), answer.in_sync ? ' The station applies the limits its profiles should give.' : ` ${differences.length} difference(s) between what the profiles should give and what the station reports.`),
        differences.length ? table(
          [
            { header: 'From (s)', cell: (d: { start_s: number }) => String(d.start_s), numeric: true },
            { header: 'Expected', cell: (d: { expected: number | null }) => (d.expected === null ? 'no limit' : String(d.expected)), numeric: true },
            { header: 'Reported', cell: (d: { reported: number | null }) => (d.reported === null ? 'no limit' : String(d.reported)), numeric: true },
          ],
          differences,
        ) : null,
        h('details', null, h('summary', null, 'Both schedules'), h('pre', { class: 'code' }, JSON.stringify({ expected: answer.expected, reported: answer.reported }, null, 2))));
    } catch (error) {
      replace(body, errorBox(`The schedule could not be checked: ${errorText(error)}`));
    }
  };
  const button = h('button', { type: 'button', 'data-testid': 'schedule-check', onClick: () => void check() }, 'Check again');
  return foldedCard('Charging schedule', 'station-schedule', [h('p', { class: 'muted' }, 'Asks the station for its composite schedule (GetCompositeSchedule) and compares it with what the charging profiles this server sent should give.'), h('div', { class: 'filters' }, field('EVSE', evse), button), body], check).details;
}

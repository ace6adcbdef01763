// The station page's administrative parts: editing the station (admins), its reservations,
// its local authorization list and its certificates (revoking: admins).
import { apiGet, apiSend, isAbort } from '../api/client';
import type { components } from '../api/schema';
import type { Station } from '../api/types';
import { h, replace } from '../lib/dom';
import { formatDateTime } from '../lib/format';
import { may, type Role } from '../lib/roles';
import { changedFields, confirmDialog, fillChoices, intOrNull, isTimeZone, numberOrNull, textOrNull, timeZoneInput } from '../ui/forms';
import { badge, errorBox, field, foldedCard, loading, openDialog, select, table } from '../ui/widgets';

type S = components['schemas'];
type Reservation = S['Reservation'];
type StationInput = S['StationInput'];
type StationCertificate = S['StationCertificate'];

// ---- editing

/** Adds the choices of a list (id, label) to a select, keeping what it has. */
/** The PATCH body for the form's values: only what differs from the station. Throws naming a bad field. */
export function stationPatch(station: Station, form: {
  name: string; location: string; latitude: string; longitude: string; time_zone: string; tariff_id: string;
  max_power_w: string; registration: string; site_id: string; meter_public_key: string; remove_meter_key: boolean;
}): StationInput {
  const text = (v: string) => (v.trim() === '' ? null : v.trim());
  const input = (value: string) => ({ value }) as HTMLInputElement;
  const zone = form.time_zone.trim();
  if (!isTimeZone(zone)) throw new Error(`Time zone: “${zone}” is not an IANA time zone such as Europe/Berlin`);
  const latitude = numberOrNull(input(form.latitude), 'Latitude', -90, 90);
  const longitude = numberOrNull(input(form.longitude), 'Longitude', -180, 180);
  if ((latitude === null) !== (longitude === null)) throw new Error('Give both latitude and longitude, or neither');
  const name = text(form.name);
  if (name && name.length > 200) throw new Error('Name must be at most 200 characters');
  const location = text(form.location);
  if (location && location.length > 500) throw new Error('Location must be at most 500 characters');
  if (!['Accepted', 'Pending', 'Rejected'].includes(form.registration)) throw new Error('Registration must be Accepted, Pending or Rejected');
  const next: StationInput = {
    name,
    location,
    latitude,
    longitude,
    time_zone: zone,
    tariff_id: text(form.tariff_id),
    max_power_w: intOrNull(input(form.max_power_w), 'Max power (W)', 0, 10_000_000),
    registration: form.registration as StationInput['registration'],
    site_id: text(form.site_id),
  };
  const patch = changedFields<Record<string, unknown>>(station, next) as StationInput;
  const key = form.meter_public_key.trim();
  if (form.remove_meter_key) patch.meter_public_key = null;
  else if (key) {
    if (key.length > 2000) throw new Error('Meter public key must be at most 2000 characters');
    patch.meter_public_key = key;
  }
  return patch;
}

export function stationDialog(station: Station, onSaved: (saved: Station, zoneChanged: boolean) => void): void {
  const v = (value: string | number | null | undefined) => (value === null || value === undefined ? '' : String(value));
  const inputs = {
    name: h('input', { type: 'text', maxlength: 200, value: v(station.name), 'data-testid': 'station-field-name' }),
    location: h('input', { type: 'text', maxlength: 500, value: v(station.location), 'data-testid': 'station-field-location' }),
    latitude: h('input', { type: 'text', inputmode: 'decimal', value: v(station.latitude), 'data-testid': 'station-field-latitude' }),
    longitude: h('input', { type: 'text', inputmode: 'decimal', value: v(station.longitude), 'data-testid': 'station-field-longitude' }),
    time_zone: timeZoneInput(station.time_zone, { required: true, 'data-testid': 'station-field-time_zone' }),
    max_power_w: h('input', { type: 'text', inputmode: 'numeric', value: v(station.max_power_w), 'data-testid': 'station-field-max_power_w' }),
    meter_public_key: h('textarea', { rows: 3, class: 'code', spellcheck: 'false', placeholder: 'Empty: keep the key it has', 'data-testid': 'station-field-meter_public_key' }),
  };
  const tariff = select([['', '(the default tariff)'], ...(station.tariff_id ? [[station.tariff_id, station.tariff_id] as [string, string]] : [])], { 'data-testid': 'station-field-tariff_id' }, station.tariff_id ?? '');
  const site = select([['', '(none)'], ...(station.site_id ? [[station.site_id, station.site_id] as [string, string]] : [])], { 'data-testid': 'station-field-site_id' }, station.site_id ?? '');
  const registration = select(['Accepted', 'Pending', 'Rejected'], { 'data-testid': 'station-field-registration' }, station.registration);
  const removeKey = h('input', { type: 'checkbox' });
  void fillChoices(tariff, async () => ((await apiGet('/api/v1/tariffs', { query: { limit: 500 } })).items ?? []).map((t): [string, string] => [t.id, t.is_default ? `${t.id} (default)` : t.id]), 'tariffs');
  void fillChoices(site, async () => (await apiGet('/api/v1/sites', { query: { limit: 500 } })).items.map((s): [string, string] => [s.id, s.name ? `${s.name} (${s.id})` : s.id]), 'sites');
  openDialog({
    title: `Edit station ${station.id}`,
    body: [
      field('Name', inputs.name),
      field('Location', inputs.location, 'Address or description; sites group stations by it.'),
      h('div', { class: 'field-row' }, field('Latitude', inputs.latitude), field('Longitude', inputs.longitude)),
      field('Time zone', inputs.time_zone, 'Times on its pages, analytics hours and tariff restrictions use it.'),
      field('Tariff', tariff),
      field('Site', site, 'The grid connection whose load manager shares power among its stations.'),
      field('Max power (W)', inputs.max_power_w, 'Empty: unknown.'),
      field('Registration', registration, 'What its BootNotification is answered with.'),
      field('Meter public key (write-only)', inputs.meter_public_key, 'Hex or base64 DER, or PEM: OCMF-signed readings are verified with it.'),
      h('label', { class: 'check' }, removeKey, 'Remove the meter key'),
      h('p', { class: 'muted' }, 'Password, security profile and certificate name change through their own actions (API: password:rotate, security-profile:upgrade).'),
    ],
    submitLabel: 'Save',
    submitTestId: 'station-save',
    onSubmit: async () => {
      const patch = stationPatch(station, {
        name: inputs.name.value, location: inputs.location.value, latitude: inputs.latitude.value, longitude: inputs.longitude.value,
        time_zone: inputs.time_zone.value, tariff_id: tariff.value, max_power_w: inputs.max_power_w.value, registration: registration.value,
        site_id: site.value, meter_public_key: inputs.meter_public_key.value, remove_meter_key: removeKey.checked,
      });
      if (Object.keys(patch).length === 0) return 'close';
      const saved = await apiSend('patch', '/api/v1/stations/{id}', { path: { id: station.id }, body: patch });
      onSaved(saved, saved.time_zone !== station.time_zone);
      return 'close';
    },
  });
}

// ---- reservations

const kReservationKinds: Record<string, string> = { pending: 'info', active: 'busy', used: 'ok', rejected: 'bad', failed: 'bad', cancelled: 'muted', removed: 'muted', expired: 'muted' };

export function reservationTable(items: Reservation[], station: Station, role: Role | null, reload: () => void): HTMLElement {
  const canCancel = may(role, 'post /api/v1/reservations/{id}:cancel');
  const zone = station.time_zone;
  return table(
    [
      { header: 'Id', cell: (r: Reservation) => String(r.id), numeric: true },
      { header: 'Id token', cell: (r: Reservation) => [r.id_token, r.group_id_token ? h('small', { class: 'block muted' }, `group ${r.group_id_token}`) : null] },
      { header: 'EVSE', cell: (r: Reservation) => (r.evse_id ? String(r.evse_id) : 'any') },
      { header: 'Until', cell: (r: Reservation) => formatDateTime(r.expires_at, zone, { seconds: false }) },
      { header: 'State', cell: (r: Reservation) => [badge(r.state, kReservationKinds[r.state] ?? 'muted'), r.station_status && (r.state === 'rejected' || r.state === 'failed') ? h('small', { class: 'block muted' }, `station: ${r.station_status}`) : null] },
      { header: 'Session', cell: (r: Reservation) => (r.transaction_id ? h('a', { href: `#/sessions/${r.transaction_id}` }, String(r.transaction_id)) : '—') },
      ...(canCancel
        ? [{ header: '', cell: (r: Reservation) => (r.state === 'active' || r.state === 'pending'
            ? h('button', { type: 'button', 'data-testid': 'reservation-cancel', onClick: () => confirmDialog({
                title: `Cancel reservation ${r.id}`,
                text: `Sends CancelReservation to ${station.id}; ${r.id_token} can no longer use the reservation.`,
                confirmLabel: 'Cancel reservation',
                testId: 'reservation-cancel-confirm',
                onConfirm: async () => {
                  await apiSend('post', '/api/v1/reservations/{id}:cancel', { path: { id: r.id } });
                  reload();
                },
              }) }, 'Cancel')
            : null) }]
        : []),
    ],
    items,
    (r) => ({ 'data-testid': 'reservation-row', 'data-reservation-id': r.id, 'data-state': r.state }),
    { empty: 'No reservations.' },
  );
}

// ---- lazily loaded sections

/** A <details> card whose body loads the first time it is opened. */
function lazySection(title: string, testId: string, load: (body: HTMLElement) => Promise<void>): { details: HTMLElement } {
  const body = h('div');
  return foldedCard(title, testId, [body], () => {
    replace(body, loading());
    return load(body);
  });
}

export function localListSection(station: Station, signal: AbortSignal): HTMLElement {
  return lazySection('Local authorization list', 'local-list', async (body) => {
    try {
      const list = await apiGet('/api/v1/stations/{id}/local-list', { path: { id: station.id }, signal });
      const tokens = Object.entries(list.tokens ?? {}) as [string, { status?: unknown; expires_at?: unknown; group?: unknown }][];
      const shown = tokens.slice(0, 500);
      replace(body,
        h('dl', { class: 'facts' },
          h('dt', null, 'Version'), h('dd', null, list.version === 0 ? '0 (never sent)' : String(list.version)),
          h('dt', null, 'Scope'), h('dd', null, list.group === null ? 'all id tokens' : `group ${list.group}`),
          h('dt', null, 'Entries'), h('dd', null, String(list.entries))),
        h('p', { class: 'muted' }, 'What the station last confirmed (SendLocalList accepted). Send or check it with the Authorization commands above.'),
        tokens.length
          ? table(
              [
                { header: 'Token', cell: ([token]) => h('code', null, token) },
                { header: 'Status', cell: ([, info]) => String(info.status ?? '—') },
                { header: 'Expires', cell: ([, info]) => (typeof info.expires_at === 'string' ? formatDateTime(info.expires_at, station.time_zone, { seconds: false }) : 'never') },
                { header: 'Group', cell: ([, info]) => (typeof info.group === 'string' ? info.group : '—') },
              ],
              shown,
              () => ({}),
            )
          : null,
        tokens.length > shown.length ? h('p', { class: 'muted' }, `The first ${shown.length} of ${tokens.length} tokens.`) : null);
    } catch (error) {
      if (!signal.aborted && !isAbort(error)) replace(body, errorBox(error));
    }
  }).details;
}

export function certificatesSection(station: Station, role: Role | null, signal: AbortSignal): HTMLElement {
  const canRevoke = may(role, 'post /api/v1/stations/{id}/certificates/{serial}:revoke');
  const show = (body: HTMLElement, items: StationCertificate[]) => {
    const short = (fp: string | null | undefined) => (fp ? `${fp.replace(/:/g, '').slice(0, 16)}…` : '—');
    replace(body,
      canRevoke ? h('div', { class: 'button-row' }, h('button', { type: 'button', 'data-testid': 'cert-revoke-serial', onClick: () => revokeDialog(station, null, (next) => show(body, next)) }, 'Revoke a serial…')) : null,
      table(
        [
          { header: 'Serial', cell: (c: StationCertificate) => h('code', null, c.serial ?? '—') },
          { header: 'Subject', cell: (c: StationCertificate) => [c.subject_cn ?? '—', c.subject_o ? h('small', { class: 'block muted' }, c.subject_o) : null] },
          { header: 'Issuer', cell: (c: StationCertificate) => c.issuer_cn ?? '—' },
          { header: 'Valid', cell: (c: StationCertificate) => `${formatDateTime(c.not_before, station.time_zone, { seconds: false })} → ${formatDateTime(c.not_after, station.time_zone, { seconds: false })}` },
          { header: 'Source', cell: (c: StationCertificate) => c.source ?? '—' },
          { header: 'Seen', cell: (c: StationCertificate) => (c.last_seen_at ? formatDateTime(c.last_seen_at, station.time_zone, { seconds: false }) : '—') },
          { header: 'SHA-256', cell: (c: StationCertificate) => h('code', { title: c.fingerprint_sha256 ?? '' }, short(c.fingerprint_sha256)) },
          { header: 'Revoked', cell: (c: StationCertificate) => (c.revoked_at ? [badge('revoked', 'bad'), h('small', { class: 'block muted' }, `${formatDateTime(c.revoked_at, station.time_zone, { seconds: false })}${c.revoked_reason ? ` — ${c.revoked_reason}` : ''}`)] : '—') },
          ...(canRevoke
            ? [{ header: '', cell: (c: StationCertificate) => (c.serial && !c.revoked_at
                ? h('button', { type: 'button', 'data-testid': 'cert-revoke', onClick: () => revokeDialog(station, c.serial ?? null, (next) => show(body, next)) }, 'Revoke')
                : null) }]
            : []),
        ],
        items,
        (c) => ({ 'data-testid': 'cert-row', 'data-serial': c.serial ?? '' }),
        { empty: 'No certificates: the station has not connected with a client certificate (profile 3) and none was signed for it.' },
      ));
  };
  return lazySection('Certificates', 'certificates', async (body) => {
    try {
      const answer = await apiGet('/api/v1/stations/{id}/certificates', { path: { id: station.id }, signal });
      show(body, answer.items);
    } catch (error) {
      if (!signal.aborted && !isAbort(error)) replace(body, errorBox(error));
    }
  }).details;
}

function revokeDialog(station: Station, serial: string | null, onRevoked: (items: StationCertificate[]) => void): void {
  const serialInput = h('input', { type: 'text', required: true, value: serial ?? '', disabled: serial !== null, autocomplete: 'off', spellcheck: 'false', 'data-testid': 'cert-field-serial' });
  const reason = h('input', { type: 'text', maxlength: 200, placeholder: 'e.g. key compromised', 'data-testid': 'cert-field-reason' });
  openDialog({
    title: serial ? `Revoke certificate ${serial}` : `Revoke a certificate of ${station.id}`,
    body: [
      h('p', { class: 'muted' }, 'A station presenting a certificate with this serial is refused from then on (also one not seen yet). This cannot be undone here.'),
      field('Serial', serialInput, serial ? undefined : 'As the certificate states it (hex).'),
      field('Reason (optional)', reason),
    ],
    submitLabel: 'Revoke',
    submitTestId: 'cert-revoke-confirm',
    onSubmit: async () => {
      const value = (serial ?? serialInput.value).trim();
      if (!value) throw new Error('Serial is required.');
      const text = textOrNull(reason);
      const answer = await apiSend('post', '/api/v1/stations/{id}/certificates/{serial}:revoke', {
        path: { id: station.id, serial: value },
        body: text ? { reason: text } : {},
      });
      onRevoked(answer.items);
      return 'close';
    },
  });
}

// Operator commands to a station (POST /api/v1/stations/{id}/commands/{name}): one form per
// command, fields named as the request body names them, sensible defaults, checked before
// sending. Commands are offered only to roles that may send them (not rendered at all for a
// viewer) and only for the station's OCPP version (none of the version-specific ones while the
// version is unknown: a station that never connected).
import { apiGet, apiSend, errorText } from '../api/client';
import type { components } from '../api/schema';
import type { CommandAnswer, CommandName, Station } from '../api/types';
import { h, replace, type Child } from '../lib/dom';
import { formatDateTime } from '../lib/format';
import { may, type Role } from '../lib/roles';
import { fromLocalInput, parseJsonObject } from '../ui/forms';
import { field, openDialog, select, setMessage } from '../ui/widgets';

type S = components['schemas'];
export type Protocol = 'ocpp1.6' | 'ocpp2.0.1';

/** Request bodies by command: the schema of POST /api/v1/stations/{id}/commands/{name} titled with its name. */
interface CommandBodies {
  'remote-start': S['RemoteStartCommand'];
  'remote-stop': S['RemoteStopCommand'];
  reset: S['ResetCommand'];
  unlock: S['UnlockCommand'];
  'change-availability': S['ChangeAvailabilityCommand'];
  'trigger-message': S['TriggerMessageCommand'];
  'get-configuration': S['GetConfigurationCommand'];
  'set-configuration': S['SetConfigurationCommand'];
  'clear-cache': S['ClearCacheCommand'];
  'data-transfer': S['DataTransferCommand'];
  'get-installed-certificate-ids': S['GetInstalledCertificateIdsCommand'];
  'renew-certificate': S['RenewCertificateCommand'];
  reserve: S['ReserveCommand'];
  'cancel-reservation': S['CancelReservationCommand'];
  'send-local-list': S['SendLocalListCommand'];
  'get-local-list-version': S['GetLocalListVersionCommand'];
  'update-firmware': S['UpdateFirmwareCommand'];
  'get-base-report': S['GetBaseReportCommand'];
  'get-report': S['GetReportCommand'];
  'set-display-message': S['SetDisplayMessageCommand'];
  'get-display-messages': S['GetDisplayMessagesCommand'];
  'clear-display-message': S['ClearDisplayMessageCommand'];
  'get-composite-schedule': S['GetCompositeScheduleCommand'];
  'clear-charging-profile': S['ClearChargingProfileCommand'];
  'get-transaction-status': S['GetTransactionStatusCommand'];
  'get-diagnostics': S['GetDiagnosticsCommand'];
  'install-certificate': S['InstallCertificateCommand'];
  'delete-certificate': S['DeleteCertificateCommand'];
  'set-charging-profile': S['SetChargingProfileCommand'];
  'get-charging-profiles': S['GetChargingProfilesCommand'];
  'customer-information': S['CustomerInformationCommand'];
  'get-monitoring-report': S['GetMonitoringReportCommand'];
  'set-variable-monitoring': S['SetVariableMonitoringCommand'];
  'clear-variable-monitoring': S['ClearVariableMonitoringCommand'];
  'set-monitoring-base': S['SetMonitoringBaseCommand'];
  'set-monitoring-level': S['SetMonitoringLevelCommand'];
}

export type OfferedCommand = keyof CommandBodies & CommandName;
// Every command the server takes has a form: one it adds breaks the build until it has one.
type Unoffered = Exclude<CommandName, keyof CommandBodies>;
export const kEveryCommandOffered: [Unoffered] extends [never] ? true : Unoffered = true;

export interface CommandDefaults {
  evseId: number;
  connectorId: number;
  openTransactionId: number | null;
}

/**
 * How a field's text becomes its JSON value:
 * text/select as is; int and int-list numbers; bool; list: comma-separated strings; id: our
 * transaction id as a number, the charger's as text; minutes: an instant that many minutes from
 * now; datetime: a datetime-local in this browser's zone; scope: see kScopeAll; number: a
 * decimal number; json: a JSON object typed in a text area; pem: text typed in a text area.
 */
export type FieldKind = 'text' | 'int' | 'number' | 'select' | 'bool' | 'list' | 'int-list' | 'id' | 'minutes' | 'datetime' | 'scope' | 'json' | 'pem';

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  options?: readonly string[] | ((protocol: Protocol | null) => readonly string[]);
  /** Choices loaded when the form opens (value, label); the first is preselected unless `initial` says. */
  load?: (station: Station, signal: AbortSignal) => Promise<[string, string][]>;
  initial?: (defaults: CommandDefaults, protocol: Protocol | null) => string;
  hint?: string;
  only?: Protocol;
  min?: number;
  max?: number;
  maxLength?: number;
  /** Allowed items of a list. */
  allowed?: readonly string[];
}

export interface CommandSpec {
  name: OfferedCommand;
  label: string;
  description: string;
  group: CommandGroup;
  fields: FieldSpec[];
  only?: Protocol;
  /** Checks across fields once the body is built; a message names what is wrong. */
  check?: (body: Record<string, unknown>) => string | null;
  /** The request body from the fields' values, when it nests them (set-variable-monitoring). */
  shape?: (fields: Record<string, unknown>) => Record<string, unknown>;
}

export const kGroups = ['Sessions', 'Reservations', 'Availability', 'Configuration', 'Authorization', 'Firmware and logs', 'Display messages', 'Smart charging', 'Monitoring', 'Security', 'Other'] as const;
export type CommandGroup = (typeof kGroups)[number];

/** A command whose field names are checked against its request body's type. */
interface TypedCommandSpec<N extends OfferedCommand> extends CommandSpec {
  name: N;
  fields: (FieldSpec & { name: keyof CommandBodies[N] & string })[];
}

/** The scope value of send-local-list that sends every id token (`"group": null`). */
export const kScopeAll = '*all*';

const kTrigger: Record<Protocol, readonly string[]> = {
  'ocpp1.6': ['StatusNotification', 'BootNotification', 'Heartbeat', 'MeterValues', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'LogStatusNotification', 'SignChargePointCertificate'],
  'ocpp2.0.1': ['StatusNotification', 'BootNotification', 'Heartbeat', 'MeterValues', 'TransactionEvent', 'LogStatusNotification', 'FirmwareStatusNotification', 'SignChargingStationCertificate', 'SignV2GCertificate', 'PublishFirmwareStatusNotification', 'SignCombinedCertificate'],
};
const kCertificateTypes: Record<Protocol, readonly string[]> = {
  'ocpp1.6': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate'],
  'ocpp2.0.1': ['', 'CSMSRootCertificate', 'ManufacturerRootCertificate', 'V2GRootCertificate', 'MORootCertificate', 'V2GCertificateChain'],
};
const kTokenTypes = ['', 'ISO14443', 'ISO15693', 'Central', 'eMAID', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'];
const kMessageStates = ['', 'Charging', 'Faulted', 'Idle', 'Unavailable'];
const kPriorities = ['NormalCycle', 'InFront', 'AlwaysFront'];

/** What both versions have (for a station whose version is not known yet). */
function common(lists: Record<Protocol, readonly string[]>): (p: Protocol | null) => readonly string[] {
  return (p) => (p ? lists[p] : lists['ocpp1.6'].filter((x) => lists['ocpp2.0.1'].includes(x)));
}

const evse = (required: boolean, label = 'EVSE'): FieldSpec & { name: 'evse_id' } => ({
  name: 'evse_id',
  label,
  kind: 'int',
  required,
  min: 0,
  ...(required ? { initial: (d: CommandDefaults) => String(d.evseId) } : { hint: 'Empty: the whole station.' }),
});

function spec<N extends OfferedCommand>(s: TypedCommandSpec<N>): CommandSpec {
  return s;
}

/** The station's reservations that can still be cancelled, newest first. */
async function openReservations(station: Station, signal: AbortSignal): Promise<[string, string][]> {
  const pages = await Promise.all((['active', 'pending'] as const).map((state) => apiGet('/api/v1/reservations', { query: { station: station.id, state, limit: 100 }, signal })));
  return pages.flatMap((p) => p.items).sort((a, b) => b.id - a.id).map((r) => [
    String(r.id),
    `${r.id} · ${r.id_token} · ${r.evse_id ? `EVSE ${r.evse_id}` : 'any EVSE'} · until ${formatDateTime(r.expires_at, station.time_zone, { seconds: false })} (${r.state})`,
  ]);
}

/** Uploaded firmware images, those for the station's vendor and model first. */
async function firmwareImages(station: Station, signal: AbortSignal): Promise<[string, string][]> {
  const page = await apiGet('/api/v1/firmware', { query: { limit: 500 }, signal });
  const fits = (f: S['FirmwareImage']) => (!f.vendor || f.vendor === station.vendor) && (!f.model || f.model === station.model);
  const images = (page.items ?? []).filter((f) => f.uploaded && f.id !== undefined);
  images.sort((a, b) => Number(fits(b)) - Number(fits(a)) || (b.id ?? 0) - (a.id ?? 0));
  return [
    ['', images.length ? '(none: give a URL below)' : '(no uploaded image: give a URL below)'],
    ...images.map((f): [string, string] => [
      String(f.id),
      `${f.version ?? '?'} · ${f.file_name ?? ''}${f.vendor || f.model ? ` · for ${[f.vendor, f.model].filter(Boolean).join(' ')}` : ''}${fits(f) ? '' : ' (other model)'}${f.signature ? ' · signed' : ''}`,
    ]),
  ];
}

/** A profile to start from: 16 A (1.6) or 11 kW (2.0.1) for the station, valid until replaced. */
export function sampleProfile(protocol: Protocol | null): Record<string, unknown> {
  if (protocol === 'ocpp2.0.1')
    return { id: 1, stackLevel: 0, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: [{ id: 1, chargingRateUnit: 'W', startSchedule: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] }] };
  return { chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: { chargingRateUnit: 'A', startSchedule: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] } };
}

const isUrl = (text: unknown) => typeof text === 'string' && /^(https?|ftps?|sftp):\/\/\S+$/i.test(text);

export const kCommands: readonly CommandSpec[] = [
  // Sessions
  spec({ name: 'remote-start', group: 'Sessions', label: 'Remote start', description: 'Starts a session for an id token (RemoteStartTransaction / RequestStartTransaction).', fields: [
    { name: 'id_token', label: 'Id token', kind: 'text', required: true, maxLength: 36 },
    { ...evse(false), initial: (d) => String(d.evseId), hint: '1.6: the connector id.' },
  ] }),
  spec({ name: 'remote-stop', group: 'Sessions', label: 'Remote stop', description: 'Stops a running session.', fields: [
    { name: 'transaction_id', label: 'Transaction', kind: 'id', required: true, initial: (d) => (d.openTransactionId === null ? '' : String(d.openTransactionId)), hint: 'Our id or the charger’s.' },
  ] }),
  spec({ name: 'get-transaction-status', group: 'Sessions', label: 'Transaction status', description: 'Whether the station still has messages of a session queued.', only: 'ocpp2.0.1', fields: [
    { name: 'transaction_id', label: 'Transaction', kind: 'id', initial: (d) => (d.openTransactionId === null ? '' : String(d.openTransactionId)) },
  ] }),
  // Reservations
  spec({ name: 'reserve', group: 'Reservations', label: 'Reserve', description: 'Reserves an EVSE (or any) for an id token until the expiry (ReserveNow); the reservation is listed below.', fields: [
    { name: 'id_token', label: 'Id token', kind: 'text', required: true, maxLength: 36 },
    { name: 'expires_at', label: 'Reserve for (minutes)', kind: 'minutes', required: true, min: 1, max: 7 * 24 * 60, initial: () => '30', hint: 'From now.' },
    { name: 'evse_id', label: 'EVSE', kind: 'int', min: 0, max: 1000, hint: 'Empty or 0: any EVSE (1.6: the connector id).' },
    { name: 'id_token_type', label: 'Id token type', kind: 'select', options: kTokenTypes, only: 'ocpp2.0.1', hint: 'Empty: ISO14443 (a card).' },
    { name: 'group_id_token', label: 'Group id token', kind: 'text', maxLength: 36, hint: 'Optional: any token of this group may use it.' },
  ] }),
  spec({ name: 'cancel-reservation', group: 'Reservations', label: 'Cancel reservation', description: 'Cancels one of the station’s active or pending reservations (CancelReservation).', fields: [
    { name: 'reservation_id', label: 'Reservation', kind: 'int', required: true, load: openReservations },
  ] }),
  // Availability
  spec({ name: 'reset', group: 'Availability', label: 'Reset', description: 'Restarts the station (2.0.1: Soft waits until idle).', fields: [
    { name: 'type', label: 'Type', kind: 'select', options: ['Soft', 'Hard'], required: true, initial: () => 'Soft' },
    { ...evse(false), only: 'ocpp2.0.1' },
  ] }),
  spec({ name: 'unlock', group: 'Availability', label: 'Unlock connector', description: 'Releases the cable of a connector.', fields: [
    evse(true),
    { name: 'connector_id', label: 'Connector', kind: 'int', min: 1, only: 'ocpp2.0.1', initial: (d) => String(d.connectorId) },
  ] }),
  spec({ name: 'change-availability', group: 'Availability', label: 'Change availability', description: 'Takes the station or an EVSE out of service, or back.', fields: [
    { name: 'operative', label: 'Availability', kind: 'bool', required: true, initial: () => 'false', options: ['false', 'true'], hint: 'false: Inoperative, true: Operative.' },
    evse(false),
    { name: 'connector_id', label: 'Connector', kind: 'int', min: 1, only: 'ocpp2.0.1' },
  ] }),
  spec({ name: 'trigger-message', group: 'Availability', label: 'Trigger message', description: 'Asks the station to send a message now.', fields: [
    { name: 'message', label: 'Message', kind: 'select', required: true, options: common(kTrigger), initial: () => 'StatusNotification' },
    evse(false),
  ] }),
  // Configuration
  spec({ name: 'get-configuration', group: 'Configuration', label: 'Get configuration', description: 'Reads configuration keys (2.0.1: variables); the answers fill the variables below.', fields: [
    { name: 'keys', label: 'Keys', kind: 'list', hint: 'Comma-separated; empty: all. 2.0.1: Component.Variable[.Instance].' },
  ] }),
  spec({ name: 'set-configuration', group: 'Configuration', label: 'Set configuration', description: 'Changes one configuration key (2.0.1: variable).', fields: [
    { name: 'key', label: 'Key', kind: 'text', required: true },
    { name: 'value', label: 'Value', kind: 'text', required: true },
  ] }),
  spec({ name: 'get-base-report', group: 'Configuration', label: 'Get base report', description: 'Asks for the device model; the reports fill the variables below.', only: 'ocpp2.0.1', fields: [
    { name: 'report_base', label: 'Report', kind: 'select', required: true, options: ['ConfigurationInventory', 'FullInventory', 'SummaryInventory'], initial: () => 'ConfigurationInventory' },
  ] }),
  spec({ name: 'get-report', group: 'Configuration', label: 'Get report', description: 'Asks for part of the device model (GetReport); the reports fill the variables below.', only: 'ocpp2.0.1', fields: [
    { name: 'keys', label: 'Variables', kind: 'list', hint: 'Comma-separated Component.Variable[.Instance], e.g. OCPPCommCtrlr.HeartbeatInterval; empty: all.' },
    { name: 'criteria', label: 'Components that are', kind: 'list', allowed: ['Active', 'Available', 'Enabled', 'Problem'], hint: 'Comma-separated: Active, Available, Enabled, Problem; empty: any.' },
  ] }),
  // Authorization
  spec({ name: 'clear-cache', group: 'Authorization', label: 'Clear cache', description: 'Empties the station’s authorization cache.', fields: [] }),
  spec({ name: 'send-local-list', group: 'Authorization', label: 'Send local list', description: 'Sends the station its local authorization list: the first time and after a scope change whole, then only what changed since the version it confirmed.', fields: [
    { name: 'update', label: 'Update', kind: 'select', options: ['differential', 'full'], initial: () => 'differential', hint: 'full: the whole list again.' },
    { name: 'group', label: 'Tokens', kind: 'scope', hint: 'At most 10,000 tokens: name a group beyond that.' },
  ] }),
  spec({ name: 'get-local-list-version', group: 'Authorization', label: 'Local list version', description: 'Asks for the version of the local authorization list.', fields: [] }),
  // Firmware and logs
  spec({
    name: 'update-firmware', group: 'Firmware and logs', label: 'Update firmware', description: 'Tells the station to download and install a firmware image: an uploaded one (served by this server) or one at a URL.', fields: [
      { name: 'firmware_id', label: 'Image', kind: 'int', load: firmwareImages, hint: 'Uploaded images (Firmware, API); those for this vendor and model first.' },
      { name: 'location', label: 'Or an image URL', kind: 'text', hint: 'Only without an image above.' },
      { name: 'retrieve_at', label: 'Download in (minutes)', kind: 'minutes', required: true, min: 0, max: 60 * 24 * 30, initial: () => '0', hint: '0: now.' },
      { name: 'retries', label: 'Retries', kind: 'int', min: 0, max: 100 },
      { name: 'retry_interval_s', label: 'Retry interval (s)', kind: 'int', min: 0, max: 86400 },
    ],
    check: (body) => {
      if (body.firmware_id === undefined && body.location === undefined) return 'Choose an image or give its URL';
      if (body.firmware_id !== undefined && body.location !== undefined) return 'Choose an image or give a URL, not both';
      if (body.location !== undefined && !isUrl(body.location)) return 'The image URL must start with http://, https://, ftp:// or sftp://';
      return null;
    },
  }),
  spec({ name: 'get-diagnostics', group: 'Firmware and logs', label: 'Get diagnostics', description: 'Asks for a log upload (to this server unless a location is given).', fields: [
    { name: 'log_type', label: 'Log', kind: 'select', options: ['DiagnosticsLog', 'SecurityLog'], initial: () => 'DiagnosticsLog' },
    { name: 'location', label: 'Upload URL', kind: 'text', hint: 'Empty: this server (see file transfers).' },
  ], check: (body) => (body.location !== undefined && !isUrl(body.location) ? 'The upload URL must start with http://, https://, ftp:// or sftp://' : null) }),
  // Display messages (2.0.1)
  spec({ name: 'set-display-message', group: 'Display messages', label: 'Set display message', description: 'Shows a message on the station’s display (SetDisplayMessage); the same id replaces it.', only: 'ocpp2.0.1', fields: [
    { name: 'id', label: 'Message id', kind: 'int', required: true, min: 0, initial: () => '1' },
    { name: 'message', label: 'Message', kind: 'text', required: true, maxLength: 512 },
    { name: 'priority', label: 'Priority', kind: 'select', options: kPriorities, initial: () => 'NormalCycle', hint: 'AlwaysFront: shown over everything else.' },
    { name: 'format', label: 'Format', kind: 'select', options: ['UTF8', 'ASCII', 'HTML', 'URI'], initial: () => 'UTF8' },
    { name: 'language', label: 'Language', kind: 'text', maxLength: 8, hint: 'RFC 5646, e.g. en or de; empty: the station’s.' },
    { name: 'state', label: 'Only while', kind: 'select', options: kMessageStates, hint: 'Empty: in any state.' },
    { name: 'start_at', label: 'From', kind: 'datetime', hint: 'This browser’s time; empty: now.' },
    { name: 'end_at', label: 'Until', kind: 'datetime', hint: 'Empty: until cleared.' },
    { name: 'transaction_id', label: 'Only during session', kind: 'id', hint: 'Our id or the charger’s; empty: any.' },
  ], check: (body) => (typeof body.start_at === 'string' && typeof body.end_at === 'string' && body.end_at <= body.start_at ? '“Until” must be after “From”' : null) }),
  spec({ name: 'get-display-messages', group: 'Display messages', label: 'Get display messages', description: 'Asks which messages the station shows (GetDisplayMessages); they arrive as a station report.', only: 'ocpp2.0.1', fields: [
    { name: 'ids', label: 'Message ids', kind: 'int-list', hint: 'Comma-separated; empty: all.' },
    { name: 'priority', label: 'Priority', kind: 'select', options: ['', ...kPriorities] },
    { name: 'state', label: 'State', kind: 'select', options: kMessageStates },
  ] }),
  spec({ name: 'clear-display-message', group: 'Display messages', label: 'Clear display message', description: 'Removes a message from the station’s display (ClearDisplayMessage).', only: 'ocpp2.0.1', fields: [
    { name: 'id', label: 'Message id', kind: 'int', required: true, min: 0, initial: () => '1' },
  ] }),
  // Smart charging
  spec({ name: 'get-composite-schedule', group: 'Smart charging', label: 'Composite schedule', description: 'The charging limits the station will apply.', fields: [
    evse(true),
    { name: 'duration_s', label: 'Duration (s)', kind: 'int', required: true, min: 1, initial: () => '3600' },
    { name: 'charging_rate_unit', label: 'Unit', kind: 'select', options: ['', 'A', 'W'] },
  ] }),
  spec({ name: 'clear-charging-profile', group: 'Smart charging', label: 'Clear charging profile', description: 'Removes charging profiles matching all the given criteria.', fields: [
    { name: 'profile_id', label: 'Profile id', kind: 'int' },
    evse(false),
    { name: 'purpose', label: 'Purpose', kind: 'select', options: ['', 'ChargePointMaxProfile', 'ChargingStationMaxProfile', 'TxDefaultProfile', 'TxProfile'] },
    { name: 'stack_level', label: 'Stack level', kind: 'int', min: 0 },
  ] }),
  spec({ name: 'set-charging-profile', group: 'Smart charging', label: 'Set charging profile', description: 'Sends a charging profile as it is (SetChargingProfile), in the station’s OCPP version’s shape. Profiles kept and re-sent by this server: Smart charging, API /charging-profiles.', fields: [
    { ...evse(true, 'EVSE (0: the station)'), hint: '1.6: the connector id.' },
    { name: 'charging_profile', label: 'Charging profile (JSON)', kind: 'json', required: true, initial: (_, protocol) => JSON.stringify(sampleProfile(protocol), null, 2), hint: '1.6: csChargingProfiles; 2.0.1: ChargingProfileType.' },
  ] }),
  spec({ name: 'get-charging-profiles', group: 'Smart charging', label: 'Get charging profiles', description: 'Asks which charging profiles the station has (GetChargingProfiles); they arrive as station reports (ReportChargingProfiles, below).', only: 'ocpp2.0.1', fields: [
    evse(false),
    { name: 'purpose', label: 'Purpose', kind: 'select', options: ['', 'ChargingStationExternalConstraints', 'ChargingStationMaxProfile', 'TxDefaultProfile', 'TxProfile'] },
    { name: 'stack_level', label: 'Stack level', kind: 'int', min: 0 },
    { name: 'profile_ids', label: 'Profile ids', kind: 'int-list', hint: 'Comma-separated; empty: any.' },
    { name: 'limit_sources', label: 'Limit sources', kind: 'list', allowed: ['EMS', 'Other', 'SO', 'CSO'], hint: 'Comma-separated: EMS, Other, SO, CSO; empty: any.' },
  ], check: (body) => (['purpose', 'stack_level', 'profile_ids', 'limit_sources'].some((k) => body[k] !== undefined) ? null : 'Give at least one of purpose, stack level, profile ids or limit sources (OCPP asks for a criterion)') }),
  // Monitoring (2.0.1)
  {
    // One monitor per form; the body nests it (`monitors: [...]`).
    name: 'set-variable-monitoring', group: 'Monitoring', label: 'Set variable monitor', description: 'Sets a monitor on a variable (SetVariableMonitoring); the events it triggers (NotifyEvent) feed the fault rules and the station reports.', only: 'ocpp2.0.1', fields: [
      { name: 'key', label: 'Variable', kind: 'text', required: true, hint: 'Component.Variable[.Instance], e.g. EVSE.Power or TempSensor.Temperature.' },
      { name: 'type', label: 'Monitor', kind: 'select', required: true, options: ['UpperThreshold', 'LowerThreshold', 'Delta', 'Periodic', 'PeriodicClockAligned'], initial: () => 'UpperThreshold' },
      { name: 'value', label: 'Value', kind: 'number', required: true, hint: 'The threshold, the change, or the period in seconds.' },
      { name: 'severity', label: 'Severity', kind: 'int', required: true, min: 0, max: 9, initial: () => '4', hint: '0 Danger … 4 Error … 9 Debug.' },
      { name: 'id', label: 'Replace monitor id', kind: 'int', min: 0, hint: 'Empty: a new monitor.' },
      { name: 'transaction', label: 'Only during sessions', kind: 'bool', options: ['false', 'true'], initial: () => 'false' },
    ],
    shape: (monitor) => ({ monitors: [monitor] }),
  } satisfies CommandSpec & { name: 'set-variable-monitoring' },
  spec({ name: 'clear-variable-monitoring', group: 'Monitoring', label: 'Clear variable monitors', description: 'Removes monitors by id (ClearVariableMonitoring).', only: 'ocpp2.0.1', fields: [
    { name: 'ids', label: 'Monitor ids', kind: 'int-list', required: true, hint: 'Comma-separated.' },
  ] }),
  spec({ name: 'get-monitoring-report', group: 'Monitoring', label: 'Get monitoring report', description: 'Asks which monitors are set (GetMonitoringReport); they arrive as station reports (NotifyMonitoringReport, below).', only: 'ocpp2.0.1', fields: [
    { name: 'keys', label: 'Variables', kind: 'list', hint: 'Comma-separated Component.Variable[.Instance]; empty: all.' },
    { name: 'criteria', label: 'Monitors of type', kind: 'list', allowed: ['ThresholdMonitoring', 'DeltaMonitoring', 'PeriodicMonitoring'], hint: 'Comma-separated: ThresholdMonitoring, DeltaMonitoring, PeriodicMonitoring; empty: any.' },
  ] }),
  spec({ name: 'set-monitoring-base', group: 'Monitoring', label: 'Set monitoring base', description: 'Which monitors are active: all, the factory defaults, or the hard-wired ones only (SetMonitoringBase).', only: 'ocpp2.0.1', fields: [
    { name: 'base', label: 'Base', kind: 'select', required: true, options: ['All', 'FactoryDefault', 'HardWiredOnly'], initial: () => 'All' },
  ] }),
  spec({ name: 'set-monitoring-level', group: 'Monitoring', label: 'Set monitoring level', description: 'Events of this severity and more severe are reported (SetMonitoringLevel): 0 Danger … 9 Debug.', only: 'ocpp2.0.1', fields: [
    { name: 'severity', label: 'Severity', kind: 'int', required: true, min: 0, max: 9, initial: () => '5', hint: '0 Danger, 1 Hardware failure, 2 System failure, 3 Critical, 4 Error, 5 Alert, 6 Warning, 7 Notice, 8 Informational, 9 Debug.' },
  ] }),
  // Security
  spec({ name: 'install-certificate', group: 'Security', label: 'Install CA certificate', description: 'Installs a CA certificate on the station (InstallCertificate).', fields: [
    { name: 'certificate_type', label: 'Type', kind: 'select', required: true, options: (p) => (p === 'ocpp1.6' ? ['CSMSRootCertificate', 'ManufacturerRootCertificate'] : ['CSMSRootCertificate', 'ManufacturerRootCertificate', 'V2GRootCertificate', 'MORootCertificate']), initial: () => 'CSMSRootCertificate', hint: '1.6: CSMSRootCertificate is sent as CentralSystemRootCertificate.' },
    { name: 'certificate', label: 'Certificate (PEM)', kind: 'pem', required: true, maxLength: 5500 },
  ], check: (body) => (typeof body.certificate === 'string' && !/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/.test(body.certificate) ? 'The certificate must be PEM: -----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----' : null) }),
  spec({ name: 'delete-certificate', group: 'Security', label: 'Delete CA certificate', description: 'Removes an installed CA certificate (DeleteCertificate), named by its hash data as “Installed certificates” answers it.', fields: [
    { name: 'hash_algorithm', label: 'Hash algorithm', kind: 'select', required: true, options: ['SHA256', 'SHA384', 'SHA512'], initial: () => 'SHA256' },
    { name: 'issuer_name_hash', label: 'Issuer name hash', kind: 'text', required: true, maxLength: 128 },
    { name: 'issuer_key_hash', label: 'Issuer key hash', kind: 'text', required: true, maxLength: 128 },
    { name: 'serial_number', label: 'Serial number', kind: 'text', required: true, maxLength: 40 },
  ] }),
  // Security
  spec({ name: 'get-installed-certificate-ids', group: 'Security', label: 'Installed certificates', description: 'Asks which CA certificates the station has installed (GetInstalledCertificateIds).', fields: [
    { name: 'certificate_type', label: 'Type', kind: 'select', options: (p) => (p ? kCertificateTypes[p] : kCertificateTypes['ocpp1.6']), hint: '2.0.1: empty for all types; 1.6 needs one.' },
  ] }),
  spec({ name: 'renew-certificate', group: 'Security', label: 'Renew certificate', description: 'Asks the station for a new client certificate signing request; the certificate this server signs is sent back (CertificateSigned).', fields: [] }),
  // Other
  spec({ name: 'customer-information', group: 'Other', label: 'Customer information', description: 'Asks the station for what it holds about a customer, and may clear it (CustomerInformation); the answers arrive as station reports (NotifyCustomerInformation, below).', only: 'ocpp2.0.1', fields: [
    { name: 'report', label: 'Report what it holds', kind: 'bool', required: true, options: ['true', 'false'], initial: () => 'true' },
    { name: 'clear', label: 'Clear it', kind: 'bool', required: true, options: ['false', 'true'], initial: () => 'false' },
    { name: 'id_token', label: 'Id token', kind: 'text', maxLength: 36 },
    { name: 'id_token_type', label: 'Id token type', kind: 'select', options: kTokenTypes, hint: 'Empty: ISO14443 (a card).' },
    { name: 'customer_identifier', label: 'Customer identifier', kind: 'text', maxLength: 64 },
  ], check: (body) => (body.id_token === undefined && body.customer_identifier === undefined ? 'Name the customer: an id token or a customer identifier' : null) }),
  spec({ name: 'data-transfer', group: 'Other', label: 'Data transfer', description: 'A vendor-specific message.', fields: [
    { name: 'vendor_id', label: 'Vendor id', kind: 'text', required: true },
    { name: 'message_id', label: 'Message id', kind: 'text' },
    { name: 'data', label: 'Data', kind: 'text' },
  ] }),
];

export function protocolOf(station: Pick<Station, 'protocol'>): Protocol | null {
  return station.protocol === 'ocpp2.0.1' || station.protocol === 'ocpp1.6' ? station.protocol : null;
}

/**
 * The commands a role may send to a station of this OCPP version; none for a viewer. A station
 * that never connected (no version yet) gets only the commands both versions have.
 */
export function commandsFor(role: Role | null, station: Pick<Station, 'protocol'>): CommandSpec[] {
  if (!may(role, 'post /api/v1/stations/{id}/commands/{name}')) return [];
  const protocol = protocolOf(station);
  return kCommands.filter((c) => !c.only || c.only === protocol);
}

export function fieldsFor(command: CommandSpec, station: Pick<Station, 'protocol'>): FieldSpec[] {
  const protocol = protocolOf(station);
  return command.fields.filter((f) => !f.only || f.only === protocol);
}

function optionsOf(f: FieldSpec, protocol: Protocol | null): readonly string[] {
  return typeof f.options === 'function' ? f.options(protocol) : (f.options ?? []);
}

/** A value the form cannot send; `field` names the control to put focus on. */
export class FieldError extends Error {
  constructor(
    message: string,
    readonly field: string | null,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

/**
 * The request body from the form's texts; throws a FieldError naming the field that is wrong.
 * `now` is when "in N minutes" counts from.
 */
export function buildCommandBody(
  fields: readonly FieldSpec[],
  values: Record<string, string>,
  options: { now?: Date; check?: CommandSpec['check']; shape?: CommandSpec['shape']; protocol?: Protocol | null } = {},
): Record<string, unknown> {
  const now = options.now ?? new Date();
  const body: Record<string, unknown> = {};
  const range = (f: FieldSpec, n: number) => {
    if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max))
      throw new Error(`${f.label} must be ${f.min !== undefined && f.max !== undefined ? `between ${f.min} and ${f.max}` : f.min !== undefined ? `at least ${f.min}` : `at most ${f.max}`}`);
  };
  for (const f of fields) {
    try {
      readField(f);
    } catch (error) {
      throw new FieldError(error instanceof Error ? error.message : String(error), f.name);
    }
  }
  const problem = options.check?.(body);
  if (problem) throw new FieldError(problem, null);
  return options.shape ? options.shape(body) : body;

  function readField(f: FieldSpec): void {
    const text = (values[f.name] ?? '').trim();
    if (text === '') {
      if (f.required) throw new Error(`${f.label} is required`);
      return;
    }
    if (f.maxLength !== undefined && text.length > f.maxLength) throw new Error(`${f.label} must be at most ${f.maxLength} characters`);
    switch (f.kind) {
      case 'int':
      case 'minutes': {
        if (!/^-?\d+$/.test(text)) throw new Error(`${f.label} must be a whole number, not “${text}”`);
        const n = Number(text);
        range(f, n);
        body[f.name] = f.kind === 'int' ? n : new Date(now.getTime() + n * 60_000).toISOString();
        break;
      }
      case 'number': {
        const n = Number(text);
        if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) throw new Error(`${f.label} must be a number, not “${text}”`);
        range(f, n);
        body[f.name] = n;
        break;
      }
      case 'json':
        body[f.name] = parseJsonObject(text, f.label);
        break;
      case 'pem':
        body[f.name] = `${text}\n`;
        break;
      case 'int-list': {
        const items = text.split(',').map((s) => s.trim()).filter(Boolean);
        const bad = items.find((s) => !/^\d+$/.test(s));
        if (bad !== undefined) throw new Error(`${f.label} must be whole numbers separated by commas, not “${bad}”`);
        body[f.name] = items.map(Number);
        break;
      }
      case 'bool':
        if (text !== 'true' && text !== 'false') throw new Error(`${f.label} must be true or false`);
        body[f.name] = text === 'true';
        break;
      case 'list': {
        const items = text.split(',').map((s) => s.trim()).filter(Boolean);
        const bad = f.allowed ? items.find((s) => !f.allowed?.includes(s)) : undefined;
        if (bad !== undefined) throw new Error(`${f.label}: “${bad}” is not one of ${f.allowed?.join(', ')}`);
        body[f.name] = items;
        break;
      }
      case 'id':
        // Our transaction ids are integers; anything else is the charger's own id, sent as text.
        body[f.name] = /^\d+$/.test(text) && text.length < 16 ? Number(text) : text;
        break;
      case 'datetime': {
        const iso = fromLocalInput(text);
        if (!iso) throw new Error(`${f.label} must be a date and time`);
        body[f.name] = iso;
        break;
      }
      case 'scope':
        // Empty: the scope as before; kScopeAll: every id token (null); else a group's id token.
        if (text === kScopeAll) body[f.name] = null;
        else if (text.length > 36) throw new Error(`${f.label}: a group id token has at most 36 characters`);
        else body[f.name] = text;
        break;
      case 'select':
        if (options.protocol !== undefined && f.options && !optionsOf(f, options.protocol).includes(text)) throw new Error(`${f.label}: “${text}” is not offered`);
        body[f.name] = text;
        break;
      case 'text':
        body[f.name] = text;
        break;
    }
  }
}

interface Control {
  element: HTMLElement;
  value(): string;
}

function control(f: FieldSpec, station: Station, defaults: CommandDefaults, signal: AbortSignal): Control {
  const attrs = { name: f.name, 'data-testid': `cmd-field-${f.name}`, required: Boolean(f.required) };
  const initial = f.initial?.(defaults, protocolOf(station)) ?? '';
  if (f.load) {
    const element = select([['', 'Loading…']], { ...attrs, disabled: true });
    void f.load(station, signal).then((choices) => {
      replace(element, choices.map(([value, label]) => h('option', { value, selected: value === initial }, label)));
      if (!f.required && !choices.some(([value]) => value === '')) element.prepend(h('option', { value: '', selected: !initial }, '(none)'));
      if (f.required && choices.length === 0) replace(element, h('option', { value: '' }, 'Nothing to choose'));
      element.disabled = false;
    }, (error: unknown) => {
      if (signal.aborted) return;
      replace(element, h('option', { value: '' }, 'Could not load the choices'));
      element.title = errorText(error);
    });
    return { element, value: () => element.value };
  }
  if (f.kind === 'select' || f.kind === 'bool') {
    const options = optionsOf(f, protocolOf(station));
    const element = select(options.map((o): [string, string] => [o, o === '' ? '(any)' : f.kind === 'bool' ? (o === 'true' ? 'true (Operative)' : 'false (Inoperative)') : o]), attrs, initial);
    return { element, value: () => element.value };
  }
  if (f.kind === 'scope') {
    const mode = select([['', 'as before (first time: all)'], [kScopeAll, 'all id tokens'], ['group', 'one group:']], { 'data-testid': `cmd-field-${f.name}-mode`, 'aria-label': `${f.label}: which` });
    const group = h('input', { ...attrs, type: 'text', maxlength: 36, autocomplete: 'off', placeholder: 'group id token', 'aria-label': `${f.label}: group id token`, disabled: true });
    mode.addEventListener('change', () => {
      group.disabled = mode.value !== 'group';
      if (!group.disabled) group.focus();
    });
    return { element: h('span', { class: 'inline-controls' }, mode, group), value: () => (mode.value === 'group' ? group.value : mode.value) };
  }
  if (f.kind === 'json' || f.kind === 'pem') {
    const element = h('textarea', { ...attrs, rows: f.kind === 'json' ? 12 : 8, class: 'code', spellcheck: 'false', maxlength: f.maxLength, placeholder: f.kind === 'pem' ? '-----BEGIN CERTIFICATE-----' : undefined }, initial);
    return { element, value: () => element.value };
  }
  if (f.kind === 'datetime') {
    const element = h('input', { ...attrs, type: 'datetime-local', value: initial });
    return { element, value: () => element.value };
  }
  const numeric = f.kind === 'int' || f.kind === 'minutes';
  const element = h('input', { ...attrs, type: 'text', inputmode: numeric ? 'numeric' : f.kind === 'number' ? 'decimal' : undefined, value: initial, autocomplete: 'off', maxlength: f.maxLength });
  return { element, value: () => element.value };
}

/** Opens the command's form; the charger's answer (or the problem) shows in cmd-result. */
export function openCommandDialog(station: Station, command: CommandSpec, defaults: CommandDefaults, onDone: (name: string, outcome: string, answer: CommandAnswer | null) => void): void {
  const fields = fieldsFor(command, station);
  const controller = new AbortController();
  const controls = fields.map((f) => ({ f, control: control(f, station, defaults, controller.signal) }));
  const result = (child: Child, ok: boolean) => h('div', { 'data-testid': 'cmd-result', class: `result ${ok ? 'ok' : 'bad'}`, role: ok ? 'status' : 'alert' }, child);
  openDialog({
    title: `${command.label} · ${station.id}`,
    body: [
      h('p', { class: 'muted' }, command.description),
      controls.map(({ f, control: c }) => field(`${f.label}${f.required ? '' : ' (optional)'}`, c.element, f.hint)),
    ],
    submitLabel: 'Send',
    submitTestId: 'cmd-submit',
    onClose: () => controller.abort(),
    // The form says what is wrong in cmd-result (and moves focus there), not in a browser bubble.
    nativeValidation: false,
    onSubmit: async (dialog) => {
      const values = Object.fromEntries(controls.map(({ f, control: c }) => [f.name, c.value()]));
      let body: Record<string, unknown>;
      try {
        body = buildCommandBody(fields, values, { check: command.check, shape: command.shape, protocol: protocolOf(station) });
      } catch (error) {
        setMessage(dialog, result(errorText(error), false));
        const wrong = error instanceof FieldError && error.field ? controls.find(({ f }) => f.name === error.field)?.control.element : null;
        (wrong?.matches('input, select, textarea') ? wrong : wrong?.querySelector<HTMLElement>('input:not(:disabled), select'))?.focus();
        return;
      }
      try {
        const answer = await apiSend('post', '/api/v1/stations/{id}/commands/{name}', {
          path: { id: station.id, name: command.name },
          // The document's body is a union of the command schemas; the form built this one.
          body: body as never,
        });
        setMessage(dialog, commandResult(answer, station));
        onDone(command.name, answer.status, answer);
      } catch (error) {
        setMessage(dialog, result(errorText(error), false));
        onDone(command.name, errorText(error), null);
      }
    },
  });
}

const kOkStatus = /^(Accepted|AcceptedCanceled|Unlocked|UpToDate|Scheduled)$/i;

/** What the answer adds beyond the charger's status, in words (reservation, list version, file transfer). */
export function answerFacts(answer: CommandAnswer, zone: string | null = null): [string, string][] {
  const response = answer.response ?? {};
  const facts: [string, string][] = [];
  const reservation = answer.reservation;
  if (reservation) {
    facts.push(['Reservation', `${reservation.id} (${reservation.state})${reservation.expires_at ? ` until ${formatDateTime(reservation.expires_at, zone, { seconds: false })}` : ''}`]);
  }
  if (answer.list_version !== undefined) facts.push(['List version', String(answer.list_version)]);
  if (answer.update_type !== undefined) facts.push(['Update', answer.update_type]);
  if (answer.entries_sent !== undefined) facts.push(['Entries sent', String(answer.entries_sent)]);
  // GetLocalListVersion: 1.6 listVersion, 2.0.1 versionNumber.
  const version = response.listVersion ?? response.versionNumber;
  if (version !== undefined && answer.list_version === undefined) facts.push(['List version on the station', String(version)]);
  const transfer = answer.file_transfer;
  if (transfer) facts.push(['File transfer', `${String(transfer.id ?? '?')}${transfer.state ? ` (${transfer.state})` : ''}`]);
  const info = response.statusInfo as { reasonCode?: unknown; additionalInfo?: unknown } | undefined;
  if (info && typeof info === 'object' && info.reasonCode) facts.push(['Reason', `${String(info.reasonCode)}${info.additionalInfo ? `: ${String(info.additionalInfo)}` : ''}`]);
  return facts;
}

function commandResult(answer: CommandAnswer, station: Station): HTMLElement {
  const ok = kOkStatus.test(answer.status);
  const facts = answerFacts(answer, station.time_zone);
  return h(
    'div',
    { 'data-testid': 'cmd-result', class: `result ${ok ? 'ok' : 'bad'}`, role: 'status' },
    h('strong', null, answer.status),
    facts.length ? h('dl', { class: 'facts compact' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])) : null,
    // A download or an upload goes on after the answer: where to follow it (and fetch the log).
    answer.file_transfer ? h('p', null, h('a', { href: `#/operations/transfers?station=${encodeURIComponent(station.id)}`, 'data-testid': 'cmd-transfer-link' }, 'Follow the file transfer (and download an uploaded log) under Operations → File transfers')) : null,
    h('details', null, h('summary', null, 'The charger’s full answer'), h('pre', null, JSON.stringify(answer.response, null, 2))),
  );
}

/** The command buttons by group; null for roles that may not send commands. */
export function commandPanel(station: Station, role: Role | null, defaults: () => CommandDefaults, log: HTMLElement, onAnswer?: (name: string, answer: CommandAnswer | null) => void): HTMLElement | null {
  const commands = commandsFor(role, station);
  if (commands.length === 0) return null;
  const onDone = (name: string, outcome: string, answer: CommandAnswer | null) => {
    log.prepend(h('li', null, `${formatDateTime(new Date(), station.time_zone)} ${name}: ${outcome}`));
    onAnswer?.(name, answer);
  };
  const offline = station.online ? null : h('p', { class: 'warning' }, 'The station is offline: commands fail until it connects.');
  const unknown = protocolOf(station) ? null : h('p', { class: 'muted' }, 'The station never connected, so its OCPP version is unknown: only the commands both versions have are offered.');
  const groups = kGroups.map((group) => {
    const inGroup = commands.filter((c) => c.group === group);
    if (inGroup.length === 0) return null;
    return h('div', { class: 'cmd-group', role: 'group', 'aria-label': group },
      h('h3', null, group),
      h('div', { class: 'button-row' }, inGroup.map((c) =>
        h('button', { type: 'button', 'data-testid': `cmd-${c.name}`, title: c.description, onClick: () => openCommandDialog(station, c, defaults(), onDone) }, c.label))));
  });
  const panel = h('div', { class: 'commands' }, offline, unknown, h('div', { class: 'cmd-groups' }, groups), h('h3', null, 'Sent from this page'), log);
  if (!log.firstChild) replace(log);
  return panel;
}

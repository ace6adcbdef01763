// Operator commands to a station (POST /api/v1/stations/{id}/commands/{name}): one form per
// command, fields named as the request body names them. Commands are offered only to roles
// that may send them (not rendered at all for a viewer) and only for the station's OCPP version.
import { apiSend, errorText } from '../api/client';
import type { components } from '../api/schema';
import type { CommandAnswer, CommandName, Station } from '../api/types';
import { h, replace } from '../lib/dom';
import { formatDateTime } from '../lib/format';
import { may, type Role } from '../lib/roles';
import { field, openDialog, select, setMessage } from '../ui/widgets';

type S = components['schemas'];
type Protocol = 'ocpp1.6' | 'ocpp2.0.1';

/**
 * Request bodies by command. The document has schemas for some; the others are described only
 * in the table of POST /api/v1/stations/{id}/commands/{name} and are written out here.
 */
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
  'get-local-list-version': Record<string, never>;
  'get-base-report': { report_base: string };
  'get-composite-schedule': { evse_id: number; duration_s: number; charging_rate_unit?: string };
  'clear-charging-profile': { profile_id?: number; evse_id?: number; purpose?: string; stack_level?: number };
  'get-transaction-status': { transaction_id?: string | number };
  'get-diagnostics': { location?: string; log_type?: string };
}

export type OfferedCommand = keyof CommandBodies & CommandName;

export interface CommandDefaults {
  evseId: number;
  connectorId: number;
  openTransactionId: number | null;
}

export interface FieldSpec {
  name: string;
  label: string;
  kind: 'text' | 'int' | 'select' | 'bool' | 'list' | 'id';
  required?: boolean;
  options?: readonly string[] | ((protocol: Protocol) => readonly string[]);
  initial?: (defaults: CommandDefaults) => string;
  hint?: string;
  only?: Protocol;
}

export interface CommandSpec {
  name: OfferedCommand;
  label: string;
  description: string;
  fields: FieldSpec[];
  only?: Protocol;
}

/** A command whose field names are checked against its request body's type. */
interface TypedCommandSpec<N extends OfferedCommand> extends CommandSpec {
  name: N;
  fields: (FieldSpec & { name: keyof CommandBodies[N] & string })[];
}

const kTrigger: Record<Protocol, readonly string[]> = {
  'ocpp1.6': ['StatusNotification', 'BootNotification', 'Heartbeat', 'MeterValues', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'LogStatusNotification', 'SignChargePointCertificate'],
  'ocpp2.0.1': ['StatusNotification', 'BootNotification', 'Heartbeat', 'MeterValues', 'TransactionEvent', 'LogStatusNotification', 'FirmwareStatusNotification', 'SignChargingStationCertificate', 'SignV2GCertificate', 'PublishFirmwareStatusNotification', 'SignCombinedCertificate'],
};

const evse = (required: boolean, label = 'EVSE'): FieldSpec & { name: 'evse_id' } => ({
  name: 'evse_id',
  label,
  kind: 'int',
  required,
  ...(required ? { initial: (d: CommandDefaults) => String(d.evseId) } : { hint: 'Empty: the whole station.' }),
});

function spec<N extends OfferedCommand>(s: TypedCommandSpec<N>): CommandSpec {
  return s;
}

export const kCommands: readonly CommandSpec[] = [
  spec({ name: 'remote-start', label: 'Remote start', description: 'Starts a session for an id token (RemoteStartTransaction / RequestStartTransaction).', fields: [
    { name: 'id_token', label: 'Id token', kind: 'text', required: true },
    { ...evse(false), initial: (d) => String(d.evseId), hint: '1.6: the connector id.' },
  ] }),
  spec({ name: 'remote-stop', label: 'Remote stop', description: 'Stops a running session.', fields: [
    { name: 'transaction_id', label: 'Transaction', kind: 'id', required: true, initial: (d) => (d.openTransactionId === null ? '' : String(d.openTransactionId)), hint: 'Our id or the charger’s.' },
  ] }),
  spec({ name: 'reset', label: 'Reset', description: 'Restarts the station (2.0.1: Soft waits until idle).', fields: [
    { name: 'type', label: 'Type', kind: 'select', options: ['Soft', 'Hard'], required: true, initial: () => 'Soft' },
    { ...evse(false), only: 'ocpp2.0.1' },
  ] }),
  spec({ name: 'unlock', label: 'Unlock connector', description: 'Releases the cable of a connector.', fields: [
    evse(true),
    { name: 'connector_id', label: 'Connector', kind: 'int', only: 'ocpp2.0.1', initial: (d) => String(d.connectorId) },
  ] }),
  spec({ name: 'change-availability', label: 'Change availability', description: 'Takes the station or an EVSE out of service, or back.', fields: [
    { name: 'operative', label: 'Availability', kind: 'bool', required: true, initial: () => 'false', options: ['false', 'true'], hint: 'false: Inoperative, true: Operative.' },
    evse(false),
    { name: 'connector_id', label: 'Connector', kind: 'int', only: 'ocpp2.0.1' },
  ] }),
  spec({ name: 'trigger-message', label: 'Trigger message', description: 'Asks the station to send a message now.', fields: [
    { name: 'message', label: 'Message', kind: 'select', required: true, options: (p) => kTrigger[p], initial: () => 'StatusNotification' },
    evse(false),
  ] }),
  spec({ name: 'get-configuration', label: 'Get configuration', description: 'Reads configuration keys (2.0.1: variables); the answers fill the variables below.', fields: [
    { name: 'keys', label: 'Keys', kind: 'list', hint: 'Comma-separated; empty: all. 2.0.1: Component.Variable[.Instance].' },
  ] }),
  spec({ name: 'set-configuration', label: 'Set configuration', description: 'Changes one configuration key (2.0.1: variable).', fields: [
    { name: 'key', label: 'Key', kind: 'text', required: true },
    { name: 'value', label: 'Value', kind: 'text', required: true },
  ] }),
  spec({ name: 'clear-cache', label: 'Clear cache', description: 'Empties the station’s authorization cache.', fields: [] }),
  spec({ name: 'get-local-list-version', label: 'Local list version', description: 'Asks for the version of the local authorization list.', fields: [] }),
  spec({ name: 'get-base-report', label: 'Get base report', description: 'Asks for the device model; the reports fill the variables below.', only: 'ocpp2.0.1', fields: [
    { name: 'report_base', label: 'Report', kind: 'select', required: true, options: ['ConfigurationInventory', 'FullInventory', 'SummaryInventory'], initial: () => 'ConfigurationInventory' },
  ] }),
  spec({ name: 'get-composite-schedule', label: 'Composite schedule', description: 'The charging limits the station will apply.', fields: [
    evse(true),
    { name: 'duration_s', label: 'Duration (s)', kind: 'int', required: true, initial: () => '3600' },
    { name: 'charging_rate_unit', label: 'Unit', kind: 'select', options: ['', 'A', 'W'] },
  ] }),
  spec({ name: 'clear-charging-profile', label: 'Clear charging profile', description: 'Removes charging profiles matching all the given criteria.', fields: [
    { name: 'profile_id', label: 'Profile id', kind: 'int' },
    evse(false),
    { name: 'purpose', label: 'Purpose', kind: 'select', options: ['', 'ChargePointMaxProfile', 'ChargingStationMaxProfile', 'TxDefaultProfile', 'TxProfile'] },
    { name: 'stack_level', label: 'Stack level', kind: 'int' },
  ] }),
  spec({ name: 'get-transaction-status', label: 'Transaction status', description: 'Whether the station still has messages of a session queued.', only: 'ocpp2.0.1', fields: [
    { name: 'transaction_id', label: 'Transaction', kind: 'id', initial: (d) => (d.openTransactionId === null ? '' : String(d.openTransactionId)) },
  ] }),
  spec({ name: 'data-transfer', label: 'Data transfer', description: 'A vendor-specific message.', fields: [
    { name: 'vendor_id', label: 'Vendor id', kind: 'text', required: true },
    { name: 'message_id', label: 'Message id', kind: 'text' },
    { name: 'data', label: 'Data', kind: 'text' },
  ] }),
  spec({ name: 'get-diagnostics', label: 'Get diagnostics', description: 'Asks for a log upload (to this server unless a location is given).', fields: [
    { name: 'log_type', label: 'Log', kind: 'select', options: ['DiagnosticsLog', 'SecurityLog'], initial: () => 'DiagnosticsLog' },
    { name: 'location', label: 'Upload URL', kind: 'text', hint: 'Empty: this server (see file transfers).' },
  ] }),
];

function protocolOf(station: Pick<Station, 'protocol'>): Protocol {
  return station.protocol === 'ocpp2.0.1' ? 'ocpp2.0.1' : 'ocpp1.6';
}

/** The commands a role may send to a station of this OCPP version; none for a viewer. */
export function commandsFor(role: Role | null, station: Pick<Station, 'protocol'>): CommandSpec[] {
  if (!may(role, 'post /api/v1/stations/{id}/commands/{name}')) return [];
  const protocol = protocolOf(station);
  return kCommands.filter((c) => !c.only || c.only === protocol);
}

export function fieldsFor(command: CommandSpec, station: Pick<Station, 'protocol'>): FieldSpec[] {
  const protocol = protocolOf(station);
  return command.fields.filter((f) => !f.only || f.only === protocol);
}

/** The request body from the form's texts; throws a message naming the field that is wrong. */
export function buildCommandBody(fields: readonly FieldSpec[], values: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const text = (values[f.name] ?? '').trim();
    if (text === '') {
      if (f.required) throw new Error(`${f.label} is required`);
      continue;
    }
    switch (f.kind) {
      case 'int':
        if (!/^-?\d+$/.test(text)) throw new Error(`${f.label} must be a whole number, not “${text}”`);
        body[f.name] = Number(text);
        break;
      case 'bool':
        if (text !== 'true' && text !== 'false') throw new Error(`${f.label} must be true or false`);
        body[f.name] = text === 'true';
        break;
      case 'list':
        body[f.name] = text.split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case 'id':
        // Our transaction ids are integers; anything else is the charger's own id, sent as text.
        body[f.name] = /^\d+$/.test(text) && text.length < 16 ? Number(text) : text;
        break;
      case 'text':
      case 'select':
        body[f.name] = text;
        break;
    }
  }
  return body;
}

function control(f: FieldSpec, station: Pick<Station, 'protocol'>, defaults: CommandDefaults): HTMLElement {
  const attrs = { name: f.name, 'data-testid': `cmd-field-${f.name}`, required: Boolean(f.required) };
  const initial = f.initial?.(defaults) ?? '';
  if (f.kind === 'select' || f.kind === 'bool') {
    const options = typeof f.options === 'function' ? f.options(protocolOf(station)) : (f.options ?? []);
    return select(options.map((o): [string, string] => [o, o === '' ? '(any)' : f.kind === 'bool' ? (o === 'true' ? 'true (Operative)' : 'false (Inoperative)') : o]), attrs, initial);
  }
  return h('input', { ...attrs, type: 'text', inputmode: f.kind === 'int' ? 'numeric' : undefined, value: initial, autocomplete: 'off' });
}

/** Opens the command's form; the charger's answer (or the problem) shows in cmd-result. */
export function openCommandDialog(station: Station, command: CommandSpec, defaults: CommandDefaults, onDone: (name: string, outcome: string) => void): void {
  const fields = fieldsFor(command, station);
  const controls = fields.map((f) => ({ f, element: control(f, station, defaults) }));
  openDialog({
    title: `${command.label} · ${station.id}`,
    body: [h('p', { class: 'muted' }, command.description), controls.map(({ f, element }) => field(`${f.label}${f.required ? '' : ' (optional)'}`, element, f.hint))],
    submitLabel: 'Send',
    submitTestId: 'cmd-submit',
    onSubmit: async (dialog) => {
      const values = Object.fromEntries(controls.map(({ f, element }) => [f.name, (element as HTMLInputElement).value]));
      let body: Record<string, unknown>;
      try {
        body = buildCommandBody(fields, values);
      } catch (error) {
        setMessage(dialog, h('div', { 'data-testid': 'cmd-result', class: 'result bad', role: 'alert' }, errorText(error)));
        return;
      }
      try {
        const answer = await apiSend('post', '/api/v1/stations/{id}/commands/{name}', {
          path: { id: station.id, name: command.name },
          // The document's body is a union of the command schemas; the form built this one.
          body: body as never,
        });
        setMessage(dialog, commandResult(answer));
        onDone(command.name, answer.status);
      } catch (error) {
        setMessage(dialog, h('div', { 'data-testid': 'cmd-result', class: 'result bad', role: 'alert' }, errorText(error)));
        onDone(command.name, errorText(error));
      }
    },
  });
}

function commandResult(answer: CommandAnswer): HTMLElement {
  const ok = /^(Accepted|Unlocked|UpToDate|Scheduled)$/i.test(answer.status);
  return h(
    'div',
    { 'data-testid': 'cmd-result', class: `result ${ok ? 'ok' : 'bad'}`, role: 'status' },
    h('strong', null, answer.status),
    h('details', null, h('summary', null, 'The charger’s full answer'), h('pre', null, JSON.stringify(answer.response, null, 2))),
  );
}

/** The command buttons; empty for roles that may not send commands. */
export function commandPanel(station: Station, role: Role | null, defaults: () => CommandDefaults, log: HTMLElement): HTMLElement | null {
  const commands = commandsFor(role, station);
  if (commands.length === 0) return null;
  const onDone = (name: string, outcome: string) => {
    log.prepend(h('li', null, `${formatDateTime(new Date(), station.time_zone)} ${name}: ${outcome}`));
  };
  const offline = station.online ? null : h('p', { class: 'warning' }, 'The station is offline: commands fail until it connects.');
  const buttons = commands.map((c) =>
    h('button', { type: 'button', 'data-testid': `cmd-${c.name}`, title: c.description, onClick: () => openCommandDialog(station, c, defaults(), onDone) }, c.label),
  );
  const panel = h('div', { class: 'commands' }, offline, h('div', { class: 'button-row' }, buttons), h('h3', null, 'Sent from this page'), log);
  if (!log.firstChild) replace(log);
  return panel;
}

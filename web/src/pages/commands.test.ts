import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerFacts, buildCommandBody, commandsFor, fieldsFor, kCommands, kScopeAll } from './commands';

const spec = (name: string) => {
  const found = kCommands.find((c) => c.name === name);
  if (!found) throw new Error(`no command ${name}`);
  return found;
};

describe('command gating', () => {
  it('offers no command at all to a viewer', () => {
    expect(commandsFor('viewer', { protocol: 'ocpp2.0.1' })).toEqual([]);
    expect(commandsFor(null, { protocol: 'ocpp1.6' })).toEqual([]);
  });

  it('offers operators the commands of the station’s OCPP version', () => {
    const v16 = commandsFor('operator', { protocol: 'ocpp1.6' }).map((c) => c.name);
    const v201 = commandsFor('admin', { protocol: 'ocpp2.0.1' }).map((c) => c.name);
    for (const name of ['remote-start', 'remote-stop', 'reset', 'unlock', 'change-availability', 'trigger-message']) {
      expect(v16).toContain(name);
      expect(v201).toContain(name);
    }
    expect(v16).not.toContain('get-base-report');
    expect(v201).toContain('get-base-report');
  });

  it('shows 2.0.1-only fields only for 2.0.1 stations', () => {
    expect(fieldsFor(spec('unlock'), { protocol: 'ocpp1.6' }).map((f) => f.name)).toEqual(['evse_id']);
    expect(fieldsFor(spec('unlock'), { protocol: 'ocpp2.0.1' }).map((f) => f.name)).toEqual(['evse_id', 'connector_id']);
  });
});

describe('buildCommandBody', () => {
  it('types the values and leaves out empty optional fields', () => {
    const fields = fieldsFor(spec('remote-start'), { protocol: 'ocpp1.6' });
    expect(buildCommandBody(fields, { id_token: ' TAG-1 ', evse_id: '2' })).toEqual({ id_token: 'TAG-1', evse_id: 2 });
    expect(buildCommandBody(fields, { id_token: 'TAG-1', evse_id: '' })).toEqual({ id_token: 'TAG-1' });
  });

  it('sends availability as a boolean and keys as a list', () => {
    expect(buildCommandBody(fieldsFor(spec('change-availability'), { protocol: 'ocpp1.6' }), { operative: 'false', evse_id: '1' })).toEqual({ operative: false, evse_id: 1 });
    expect(buildCommandBody(spec('get-configuration').fields, { keys: 'HeartbeatInterval, MeterValueSampleInterval,' })).toEqual({ keys: ['HeartbeatInterval', 'MeterValueSampleInterval'] });
  });

  it('sends our transaction id as a number and the charger’s as text', () => {
    const fields = spec('remote-stop').fields;
    expect(buildCommandBody(fields, { transaction_id: '42' })).toEqual({ transaction_id: 42 });
    expect(buildCommandBody(fields, { transaction_id: 'a1b2-c3' })).toEqual({ transaction_id: 'a1b2-c3' });
  });

  it('names the field that is missing or malformed', () => {
    const fields = fieldsFor(spec('remote-start'), { protocol: 'ocpp1.6' });
    expect(() => buildCommandBody(fields, { id_token: '' })).toThrow('Id token is required');
    expect(() => buildCommandBody(fields, { id_token: 'T', evse_id: 'one' })).toThrow(/EVSE must be a whole number/);
  });
});

describe('the commands added for reservations, local lists, firmware, display messages and reports', () => {
  const now = new Date('2026-03-01T10:00:00Z');

  it('hides 2.0.1-only commands from 1.6 stations and every version-specific one while the version is unknown', () => {
    const v16 = commandsFor('operator', { protocol: 'ocpp1.6' }).map((c) => c.name);
    const v201 = commandsFor('operator', { protocol: 'ocpp2.0.1' }).map((c) => c.name);
    const unknown = commandsFor('operator', { protocol: null }).map((c) => c.name);
    for (const name of ['set-display-message', 'get-display-messages', 'clear-display-message', 'get-report', 'get-base-report']) {
      expect(v16).not.toContain(name);
      expect(v201).toContain(name);
      expect(unknown).not.toContain(name);
    }
    for (const name of ['reserve', 'cancel-reservation', 'send-local-list', 'get-local-list-version', 'update-firmware']) {
      expect(v16).toContain(name);
      expect(v201).toContain(name);
    }
    expect(fieldsFor(spec('reserve'), { protocol: 'ocpp1.6' }).map((f) => f.name)).not.toContain('id_token_type');
    expect(fieldsFor(spec('reserve'), { protocol: 'ocpp2.0.1' }).map((f) => f.name)).toContain('id_token_type');
  });

  it('turns "reserve for N minutes" into an expiry instant', () => {
    const fields = fieldsFor(spec('reserve'), { protocol: 'ocpp1.6' });
    expect(buildCommandBody(fields, { id_token: 'TAG', expires_at: '30', evse_id: '' }, { now })).toEqual({ id_token: 'TAG', expires_at: '2026-03-01T10:30:00.000Z' });
    expect(() => buildCommandBody(fields, { id_token: 'TAG', expires_at: '0' }, { now })).toThrow(/Reserve for \(minutes\) must be between 1 and/);
  });

  it('needs an uploaded image or a URL for update-firmware, not both', () => {
    const c = spec('update-firmware');
    const build = (values: Record<string, string>) => buildCommandBody(c.fields, { retrieve_at: '0', ...values }, { now, check: c.check });
    expect(build({ firmware_id: '7', retries: '3' })).toEqual({ firmware_id: 7, retrieve_at: now.toISOString(), retries: 3 });
    expect(build({ location: 'https://fw.example.com/1.2.bin' })).toEqual({ location: 'https://fw.example.com/1.2.bin', retrieve_at: now.toISOString() });
    expect(() => build({})).toThrow('Choose an image or give its URL');
    expect(() => build({ firmware_id: '7', location: 'https://x/y' })).toThrow(/not both/);
    expect(() => build({ location: 'fw.bin' })).toThrow(/must start with/);
  });

  it('sends the local list scope as absent, null (all tokens) or a group', () => {
    const fields = spec('send-local-list').fields;
    expect(buildCommandBody(fields, { update: 'differential', group: '' })).toEqual({ update: 'differential' });
    expect(buildCommandBody(fields, { update: 'full', group: kScopeAll })).toEqual({ update: 'full', group: null });
    expect(buildCommandBody(fields, { update: 'full', group: 'FLEET-1' })).toEqual({ update: 'full', group: 'FLEET-1' });
  });

  it('checks display message ids, get-report criteria and offered choices', () => {
    expect(buildCommandBody(spec('get-display-messages').fields, { ids: '1, 2,3', priority: '', state: 'Charging' })).toEqual({ ids: [1, 2, 3], state: 'Charging' });
    expect(() => buildCommandBody(spec('get-display-messages').fields, { ids: '1, two' })).toThrow(/whole numbers/);
    expect(buildCommandBody(spec('get-report').fields, { keys: 'OCPPCommCtrlr.HeartbeatInterval', criteria: 'Problem' })).toEqual({ keys: ['OCPPCommCtrlr.HeartbeatInterval'], criteria: ['Problem'] });
    expect(() => buildCommandBody(spec('get-report').fields, { criteria: 'Broken' })).toThrow(/“Broken” is not one of/);
    expect(() => buildCommandBody(spec('set-display-message').fields, { id: '1', message: 'Hi', priority: 'Loud' }, { protocol: 'ocpp2.0.1' })).toThrow(/not offered/);
  });

  it('names what the answer adds', () => {
    expect(answerFacts({ status: 'Accepted', response: {}, reservation: { id: 12, state: 'active' } } as never)).toEqual([['Reservation', '12 (active)']]);
    expect(answerFacts({ status: 'Accepted', response: {}, list_version: 4, update_type: 'Differential', entries_sent: 2 } as never)).toEqual([
      ['List version', '4'], ['Update', 'Differential'], ['Entries sent', '2'],
    ]);
    expect(answerFacts({ status: 'Accepted', response: { listVersion: 3 } })).toEqual([['List version on the station', '3']]);
  });
});

describe('every command the server takes', () => {
  const doc = JSON.parse(readFileSync(new URL('../../../src/api/openapi.json', import.meta.url), 'utf8')) as { components: { schemas: { CommandName: { enum: string[] } } } };
  const server = doc.components.schemas.CommandName.enum;

  it('has a form, each once', () => {
    const offered = kCommands.map((c) => c.name);
    expect(new Set(offered).size).toBe(offered.length);
    expect([...offered].sort()).toEqual([...server].sort());
  });

  it('is offered to an operator of a 2.0.1 station, and the 1.6 ones of a 1.6 station', () => {
    // Only a command marked 1.6-only would be missing for 2.0.1; none is.
    expect(commandsFor('operator', { protocol: 'ocpp2.0.1' }).map((c) => c.name).sort()).toEqual([...server].sort());
    const v16 = commandsFor('operator', { protocol: 'ocpp1.6' }).map((c) => c.name);
    for (const name of ['install-certificate', 'delete-certificate', 'set-charging-profile']) expect(v16).toContain(name);
    for (const name of ['get-charging-profiles', 'customer-information', 'set-variable-monitoring', 'set-monitoring-level']) expect(v16).not.toContain(name);
  });
});

describe('the smart charging, monitoring, certificate and customer commands', () => {
  it('sends the charging profile typed in as an object, and names JSON that is not one', () => {
    const fields = spec('set-charging-profile').fields;
    const profile = { chargingProfileId: 3, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] } };
    expect(buildCommandBody(fields, { evse_id: '0', charging_profile: JSON.stringify(profile) })).toEqual({ evse_id: 0, charging_profile: profile });
    expect(() => buildCommandBody(fields, { evse_id: '1', charging_profile: '{"stackLevel": ' })).toThrow(/Charging profile \(JSON\) is not JSON/);
    expect(() => buildCommandBody(fields, { evse_id: '1', charging_profile: '[1, 2]' })).toThrow(/must be a JSON object/);
  });

  it('starts from a profile in the station’s version’s shape', () => {
    const fields = fieldsFor(spec('set-charging-profile'), { protocol: 'ocpp2.0.1' });
    const initial = fields.find((f) => f.name === 'charging_profile')?.initial;
    const v201 = JSON.parse(initial?.({ evseId: 1, connectorId: 1, openTransactionId: null }, 'ocpp2.0.1') ?? '{}') as Record<string, unknown>;
    const v16 = JSON.parse(initial?.({ evseId: 1, connectorId: 1, openTransactionId: null }, 'ocpp1.6') ?? '{}') as Record<string, unknown>;
    expect(v201).toMatchObject({ id: 1, chargingProfilePurpose: 'ChargingStationMaxProfile' });
    expect(Array.isArray(v201.chargingSchedule)).toBe(true);
    expect(v16).toMatchObject({ chargingProfileId: 1, chargingProfilePurpose: 'ChargePointMaxProfile' });
  });

  it('nests one variable monitor in `monitors`, with a decimal value', () => {
    const command = spec('set-variable-monitoring');
    const body = buildCommandBody(command.fields, { key: 'EVSE.Power', type: 'UpperThreshold', value: '22000.5', severity: '4', id: '', transaction: 'false' }, { shape: command.shape });
    expect(body).toEqual({ monitors: [{ key: 'EVSE.Power', type: 'UpperThreshold', value: 22000.5, severity: 4, transaction: false }] });
    expect(() => buildCommandBody(command.fields, { key: 'EVSE.Power', type: 'Delta', value: 'ten', severity: '4' })).toThrow(/Value must be a number/);
    expect(() => buildCommandBody(command.fields, { key: 'EVSE.Power', type: 'Delta', value: '1', severity: '12' })).toThrow(/Severity must be between 0 and 9/);
  });

  it('checks monitoring ids, levels and criteria', () => {
    expect(buildCommandBody(spec('clear-variable-monitoring').fields, { ids: '3, 4' })).toEqual({ ids: [3, 4] });
    expect(() => buildCommandBody(spec('clear-variable-monitoring').fields, { ids: '' })).toThrow('Monitor ids is required');
    expect(buildCommandBody(spec('set-monitoring-level').fields, { severity: '8' })).toEqual({ severity: 8 });
    expect(buildCommandBody(spec('get-monitoring-report').fields, { criteria: 'DeltaMonitoring' })).toEqual({ criteria: ['DeltaMonitoring'] });
    expect(() => buildCommandBody(spec('get-monitoring-report').fields, { criteria: 'Delta' })).toThrow(/not one of/);
  });

  it('asks get-charging-profiles and customer-information for a criterion', () => {
    const profiles = spec('get-charging-profiles');
    expect(() => buildCommandBody(profiles.fields, {}, { check: profiles.check })).toThrow(/at least one/);
    expect(buildCommandBody(profiles.fields, { purpose: 'TxProfile', limit_sources: 'CSO, EMS' }, { check: profiles.check })).toEqual({ purpose: 'TxProfile', limit_sources: ['CSO', 'EMS'] });
    const customer = spec('customer-information');
    expect(() => buildCommandBody(customer.fields, { report: 'true', clear: 'false' }, { check: customer.check })).toThrow(/Name the customer/);
    expect(buildCommandBody(customer.fields, { report: 'true', clear: 'true', id_token: 'TAG-9' }, { check: customer.check })).toEqual({ report: true, clear: true, id_token: 'TAG-9' });
  });

  it('takes a CA certificate as PEM only, and a certificate to delete by its hash data', () => {
    const install = spec('install-certificate');
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(buildCommandBody(install.fields, { certificate_type: 'CSMSRootCertificate', certificate: ` ${pem} ` }, { check: install.check })).toEqual({ certificate_type: 'CSMSRootCertificate', certificate: `${pem}\n` });
    expect(() => buildCommandBody(install.fields, { certificate_type: 'CSMSRootCertificate', certificate: 'MIIB' }, { check: install.check })).toThrow(/must be PEM/);
    expect(() => buildCommandBody(fieldsFor(install, { protocol: 'ocpp1.6' }), { certificate_type: 'V2GRootCertificate', certificate: pem }, { protocol: 'ocpp1.6' })).toThrow(/not offered/);
    expect(buildCommandBody(spec('delete-certificate').fields, { hash_algorithm: 'SHA256', issuer_name_hash: 'aa', issuer_key_hash: 'bb', serial_number: '01' })).toEqual({ hash_algorithm: 'SHA256', issuer_name_hash: 'aa', issuer_key_hash: 'bb', serial_number: '01' });
  });
});

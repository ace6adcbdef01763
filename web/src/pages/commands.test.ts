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

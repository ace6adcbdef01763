import { describe, expect, it } from 'vitest';
import { buildCommandBody, commandsFor, fieldsFor, kCommands } from './commands';

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

import { describe, expect, it } from 'vitest';
import { newStationBody } from './station-actions';
import { firmwareFileName, jobFromForm, kJobCommands, mergeById, operationsTabs, profileFromForm, scheduleText, siteFromForm, siteSchedule } from './operations';

const site = { id: 'DEPOT', name: '', time_zone: 'Europe/Berlin', limit: '63', unit: 'A', phases: '3', voltage_v: '230', min_current_a: '6', fallback_current_a: '0', strategy: 'equal_share', load_management: true };

describe('operations tabs', () => {
  it('shows the audit log to admins only', () => {
    expect(operationsTabs('admin')).toContain('audit');
    expect(operationsTabs('operator')).not.toContain('audit');
    expect(operationsTabs('viewer')).toEqual(['sites', 'profiles', 'firmware', 'transfers', 'jobs', 'maintenance']);
  });
});

describe('siteFromForm', () => {
  it('sends the limit in the unit chosen, and the id only when creating', () => {
    expect(siteFromForm(site, true)).toEqual({ id: 'DEPOT', time_zone: 'Europe/Berlin', limit_a: 63, phases: 3, voltage_v: 230, min_current_a: 6, fallback_current_a: 0, strategy: 'equal_share', load_management: true });
    expect(siteFromForm({ ...site, limit: '22000,5', unit: 'W', phases: '1', strategy: 'priority', load_management: false }, false)).toEqual({ time_zone: 'Europe/Berlin', limit_w: 22000.5, phases: 1, voltage_v: 230, min_current_a: 6, fallback_current_a: 0, strategy: 'priority', load_management: false });
  });

  it('names what is wrong', () => {
    expect(() => siteFromForm({ ...site, id: '' }, true)).toThrow('Id is required');
    expect(() => siteFromForm({ ...site, id: 'a/b' }, true)).toThrow(/without spaces/);
    expect(() => siteFromForm({ ...site, limit: '' }, true)).toThrow('Limit is required');
    expect(() => siteFromForm({ ...site, limit: 'lots' }, true)).toThrow(/must be a number/);
    expect(() => siteFromForm({ ...site, limit: '50', unit: 'W' }, true)).toThrow(/between 100/);
    expect(() => siteFromForm({ ...site, min_current_a: '200' }, true)).toThrow(/Minimum current must be between 0 and 100/);
    expect(siteFromForm({ ...site, limit: '' }, false)).not.toHaveProperty('limit_a');
  });
});

describe('profileFromForm', () => {
  const values = { station_id: 'CP-1', evse_id: '0', purpose: 'ChargingStationMaxProfile', stack_level: '1', unit: 'A', limit: '16', valid_to: '', transaction_id: '' };

  it('makes an Absolute profile with one period from now', () => {
    const p = profileFromForm(values);
    expect(p).toMatchObject({ station_id: 'CP-1', evse_id: 0, purpose: 'ChargingStationMaxProfile', stack_level: 1, kind: 'Absolute', schedule: { charging_rate_unit: 'A', periods: [{ start_s: 0, limit: 16 }] } });
    expect(Number.isNaN(Date.parse(p.schedule.start_schedule ?? ''))).toBe(false);
    expect(scheduleText(p)).toBe('16 A from 0 s');
    expect(scheduleText({ schedule: { charging_rate_unit: 'W', periods: [{ start_s: 0, limit: 11000 }, { start_s: 3600, limit: 500 }] } })).toBe('11 kW from 0 s, 500 W from 3600 s');
  });

  it('asks a TxProfile for its session and names wrong numbers', () => {
    expect(() => profileFromForm({ ...values, purpose: 'TxProfile' })).toThrow(/names the session/);
    expect(profileFromForm({ ...values, purpose: 'TxProfile', transaction_id: '42' }).transaction_id).toBe(42);
    expect(() => profileFromForm({ ...values, limit: '-1' })).toThrow(/Limit must be a number of at least 0/);
    expect(() => profileFromForm({ ...values, evse_id: 'x' })).toThrow(/EVSE must be a whole number/);
    expect(() => profileFromForm({ ...values, station_id: ' ' })).toThrow('Station is required');
  });
});

describe('jobFromForm', () => {
  const values = { command: 'trigger-message', body: '{"message": "Heartbeat"}', stations: '', protocol: '', online: '', vendor: '', model: '', concurrency: '', wave_size: '', max_failure_percent: '' };

  it('sends a list of stations, or else the filter', () => {
    expect(jobFromForm({ ...values, stations: 'CP-1, CP-2\nCP-3' })).toEqual({ command: 'trigger-message', body: { message: 'Heartbeat' }, concurrency: 10, max_attempts: 3, deadline_s: 604800, stations: ['CP-1', 'CP-2', 'CP-3'] });
    expect(jobFromForm({ ...values, protocol: 'ocpp2.0.1', online: 'true', vendor: 'ACME', wave_size: '50', max_failure_percent: '10', concurrency: '20' })).toEqual({
      command: 'trigger-message', body: { message: 'Heartbeat' }, concurrency: 20, max_attempts: 3, deadline_s: 604800, filter: { protocol: 'ocpp2.0.1', online: true, vendor: 'ACME' }, wave_size: 50, max_failure_percent: 10,
    });
  });

  it('refuses the per-session commands and bodies that are not objects', () => {
    expect(kJobCommands).not.toContain('remote-start');
    expect(kJobCommands).toContain('update-firmware');
    expect(() => jobFromForm({ ...values, command: 'remote-start' })).toThrow(/cannot be sent by a fleet job/);
    expect(() => jobFromForm({ ...values, body: '{"message": ' })).toThrow(/Body is not JSON/);
    expect(() => jobFromForm({ ...values, body: '"Heartbeat"' })).toThrow(/must be a JSON object/);
    expect(() => jobFromForm({ ...values, max_failure_percent: '150' })).toThrow(/between 0 and 100/);
  });
});

describe('mergeById', () => {
  it('replaces rows in place and puts new ones first', () => {
    const rows = [{ id: 2, state: 'running' }, { id: 1, state: 'completed' }];
    expect(mergeById(rows, [{ id: 3, state: 'running' }, { id: 2, state: 'completed' }])).toEqual([{ id: 3, state: 'running' }, { id: 2, state: 'completed' }, { id: 1, state: 'completed' }]);
  });
});

describe('newStationBody', () => {
  const form = { id: 'CP-9', name: ' Bay 9 ', location: '', time_zone: 'Europe/Berlin', registration: 'Pending', password: '' };
  it('sends what was given, trimmed', () => {
    expect(newStationBody(form)).toEqual({ id: 'CP-9', name: 'Bay 9', time_zone: 'Europe/Berlin', registration: 'Pending' });
    expect(newStationBody({ ...form, time_zone: '', password: 'a'.repeat(16) })).toMatchObject({ time_zone: 'UTC', password: 'a'.repeat(16) });
  });
  it('names a wrong id, zone or password', () => {
    expect(() => newStationBody({ ...form, id: 'CP 9' })).toThrow(/without spaces/);
    expect(() => newStationBody({ ...form, id: '' })).toThrow(/Id is required/);
    expect(() => newStationBody({ ...form, time_zone: 'Mars/Olympus' })).toThrow(/not an IANA time zone/);
    expect(() => newStationBody({ ...form, password: 'short' })).toThrow(/16 to 40 characters/);
  });
});

describe('firmwareFileName', () => {
  it('keeps the letters the server serves and at most 128 characters, the extension kept', () => {
    expect(firmwareFileName('ui fw 9.9.9.bin')).toBe('ui_fw_9.9.9.bin');
    expect(firmwareFileName('.hidden')).toBe('_hidden');
    const long = firmwareFileName(`${'a'.repeat(200)}.bin`);
    expect(long).toHaveLength(128);
    expect(long.endsWith('.bin')).toBe(true);
  });
});

describe('siteSchedule', () => {
  it('reads "HH:MM limit" lines in the limit unit, sorted, and names a wrong line', () => {
    expect(siteSchedule('22:00 63\n\n 06:00 40,5 ', 'A')).toEqual([{ from: '06:00', limit_a: 40.5 }, { from: '22:00', limit_a: 63 }]);
    expect(siteSchedule('18:30 22000', 'W')).toEqual([{ from: '18:30', limit_w: 22000 }]);
    expect(siteSchedule('', 'A')).toEqual([]);
    expect(() => siteSchedule('22:00 63\n6:00 40', 'A')).toThrow(/line 2: “6:00 40” is not “HH:MM limit”/);
    expect(() => siteSchedule('22:00 63\n22:00 40', 'A')).toThrow(/22:00 is given twice/);
    expect(() => siteSchedule('22:00 50', 'W')).toThrow(/between 100 and 1000000000 W/);
    expect(siteFromForm({ ...site, schedule: '22:00 20' }, true).schedule).toEqual([{ from: '22:00', limit_a: 20 }]);
  });
});

import { describe, expect, it } from 'vitest';
import type { FaultRule, Station } from '../api/types';
import { applyStationEvent } from '../stations-live';
import { joinCsvPages, nextLink } from './billing';
import { parseParam, rulePatch } from './rules';
import { readStationQuery, stationQueryParams } from './stations';

function station(overrides: Partial<Station> = {}): Station {
  return {
    id: 'CP-1', name: 'Depot bay 1', location: 'Hauptstrasse 1', latitude: null, longitude: null, time_zone: 'Europe/Berlin', tariff_id: null,
    max_power_w: null, registration: 'Accepted', auto_registered: false, password_set: true, online: false, connected_at: null, last_seen_at: null,
    protocol: 'ocpp1.6', vendor: 'ACME', model: 'Wallbox', serial_number: null, firmware_version: null, iccid: null, imsi: null, meter_type: null,
    meter_serial_number: null, last_boot_at: null, last_boot_reason: null, status: null, evses: [], created_at: '2026-01-01T00:00:00Z', site_id: 'depot',
    ...overrides,
  };
}

describe('station filters and live events', () => {
  it('reads the list query from the address, dropping what the server would refuse, and writes back only what is set', () => {
    const q = readStationQuery(new URLSearchParams('q=%20haupt%20&online=true&status=Faulted&site=depot&protocol=ocpp2.0.1&sort=last_seen'));
    expect(q).toEqual({ q: ' haupt ', online: 'true', status: 'Faulted', site: 'depot', protocol: 'ocpp2.0.1', sort: 'last_seen' });
    expect(stationQueryParams(q).toString()).toBe('q=haupt&online=true&status=Faulted&site=depot&protocol=ocpp2.0.1&sort=last_seen');
    const junk = readStationQuery(new URLSearchParams(`online=maybe&status=Broken&protocol=ocpp9&sort=colour&q=${'x'.repeat(150)}`));
    expect(junk).toEqual({ q: 'x'.repeat(100), online: '', status: '', site: '', protocol: '', sort: 'id' });
    expect(stationQueryParams(readStationQuery(new URLSearchParams(''))).toString()).toBe('');
  });

  it('applies connect, status and disconnect events', () => {
    const s = station();
    applyStationEvent(s, { kind: 'station.connected', station_id: 'CP-1', at: '2026-01-31T08:00:00Z' });
    expect(s.online).toBe(true);
    applyStationEvent(s, { kind: 'station.status', station_id: 'CP-1', evse_id: 2, connector_id: 1, status: 'Faulted', at: '2026-01-31T08:01:00Z' });
    expect(s.evses).toEqual([{ evse_id: 2, connectors: [expect.objectContaining({ connector_id: 1, status: 'Faulted' })] }]);
    expect(s.evses[0]?.connectors[0]?.status).toBe('Faulted');
    applyStationEvent(s, { kind: 'station.status', station_id: 'CP-1', evse_id: 2, connector_id: 1, status: 'Available', at: '2026-01-31T08:02:00Z' });
    expect(s.evses[0]?.connectors[0]?.status).toBe('Available');
    expect(applyStationEvent(s, { kind: 'station.status', station_id: 'CP-1', evse_id: 0, connector_id: 0, status: 'Bogus', at: '' })).toBe(false);
    applyStationEvent(s, { kind: 'station.disconnected', station_id: 'CP-1', at: '2026-01-31T09:00:00Z' });
    expect(s.online).toBe(false);
  });

  it('drops news older than what the station shows (events of another node come late)', () => {
    // The station left node B at 09:00:00.100 and was back on node A at 09:00:00.200; B's
    // disconnection arrives after A's connection.
    const s = station({ online: false, last_seen_at: '2026-01-31T08:59:00Z' });
    expect(applyStationEvent(s, { kind: 'station.connected', station_id: 'CP-1', at: '2026-01-31T09:00:00.200Z' })).toBe(true);
    expect(applyStationEvent(s, { kind: 'station.disconnected', station_id: 'CP-1', at: '2026-01-31T09:00:00.100Z' })).toBe(false);
    expect(s.online).toBe(true);
    // A later disconnection counts; a connection older than it does not.
    expect(applyStationEvent(s, { kind: 'station.disconnected', station_id: 'CP-1', at: '2026-01-31T09:05:00Z' })).toBe(true);
    expect(applyStationEvent(s, { kind: 'station.connected', station_id: 'CP-1', at: '2026-01-31T09:04:00Z' })).toBe(false);
    expect(s.online).toBe(false);
    // A connector's older status does not replace a newer one; one without a time is applied.
    applyStationEvent(s, { kind: 'station.status', station_id: 'CP-1', evse_id: 1, connector_id: 1, status: 'Charging', at: '2026-01-31T09:10:00Z' });
    expect(applyStationEvent(s, { kind: 'station.status', station_id: 'CP-1', evse_id: 1, connector_id: 1, status: 'Available', at: '2026-01-31T09:09:59Z' })).toBe(false);
    expect(s.evses[0]?.connectors[0]?.status).toBe('Charging');
    expect(applyStationEvent(s, { kind: 'station.status', station_id: 'CP-1', evse_id: 1, connector_id: 1, status: 'Finishing', at: '' })).toBe(true);
    expect(s.evses[0]?.connectors[0]?.status).toBe('Finishing');
  });

  it('keeps a station online when a late batch brings an older connection and its end', () => {
    // Connected to node B at 10:00:02; node A's late batch: connected 10:00:00, disconnected 10:00:01.
    const s = station({ online: false, last_seen_at: '2026-01-31T09:00:00Z' });
    applyStationEvent(s, { kind: 'station.connected', station_id: 'CP-1', at: '2026-01-31T10:00:02Z' });
    expect(applyStationEvent(s, { kind: 'station.connected', station_id: 'CP-1', at: '2026-01-31T10:00:00Z' })).toBe(false);
    expect(applyStationEvent(s, { kind: 'station.disconnected', station_id: 'CP-1', at: '2026-01-31T10:00:01Z' })).toBe(false);
    expect(s.online).toBe(true);
    expect(s.connected_at).toBe('2026-01-31T10:00:02Z');
  });
});

describe('fault rule patches', () => {
  const rule: FaultRule = { name: 'station_offline', enabled: true, severity: 'warning', params: { grace_s: 300 }, overrides: { 'CP-1': { grace_s: 600 } } };

  it('sends only what changed, null for a removed override', () => {
    expect(rulePatch(rule, { enabled: true, severity: 'warning', params: { grace_s: 300 }, overrides: {} })).toBeNull();
    expect(rulePatch(rule, { enabled: false, severity: 'critical', params: { grace_s: 120 }, overrides: { 'CP-1': null, 'CP-2': { grace_s: 60 } } })).toEqual({
      enabled: false, severity: 'critical', params: { grace_s: 120 }, overrides: { 'CP-1': null, 'CP-2': { grace_s: 60 } },
    });
  });

  it('keeps a numeric param numeric', () => {
    expect(parseParam(300, '120')).toBe(120);
    expect(() => parseParam(300, 'soon')).toThrow(/not a number/);
    expect(parseParam(true, 'false')).toBe(false);
    expect(parseParam(null, '')).toBeNull();
    expect(parseParam(null, '800')).toBe(800);
    expect(parseParam('none', 'reset')).toBe('reset');
  });
});

describe('CDR export paging', () => {
  it('follows rel="next" and drops repeated header lines', () => {
    expect(nextLink('</api/v1/cdrs?cursor=42&limit=10000>; rel="next"')).toBe('/api/v1/cdrs?cursor=42&limit=10000');
    expect(nextLink(null)).toBeNull();
    expect(joinCsvPages(['id,total\r\n1,2.00\r\n', 'id,total\r\n2,3.00\r\n'])).toBe('id,total\r\n1,2.00\r\n2,3.00\r\n');
  });
});

describe('CSV cells', () => {
  it('quotes separators and neutralises spreadsheet formulas but not numbers', async () => {
    const { csvCell, toCsv } = await import('../lib/csv');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-12.50')).toBe('-12.50');
    expect(csvCell(null)).toBe('');
    expect(toCsv([{ a: 1 }], [{ header: 'a', value: (r) => r.a }])).toBe('a\r\n1\r\n');
  });
});

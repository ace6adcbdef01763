import { describe, expect, it } from 'vitest';
import { parseAlertEvent, parseStationEvent } from './events';

describe('stream events', () => {
  it('reads the documented station events', () => {
    expect(parseStationEvent('station.status', '{"station_id":"CP-1","evse_id":1,"connector_id":1,"status":"Charging","at":"2026-01-31T08:00:00Z"}'))
      .toEqual({ kind: 'station.status', station_id: 'CP-1', evse_id: 1, connector_id: 1, status: 'Charging', at: '2026-01-31T08:00:00Z' });
    expect(parseStationEvent('transaction.started', '{"station_id":"CP-1","transaction_id":7,"evse_id":2,"at":"2026-01-31T08:00:00Z"}'))
      .toMatchObject({ kind: 'transaction.started', transaction_id: 7, evse_id: 2 });
  });

  it('drops unknown events and malformed data', () => {
    expect(parseStationEvent('station.exploded', '{"station_id":"CP-1"}')).toBeNull();
    expect(parseStationEvent('station.status', '{"station_id":"CP-1","evse_id":"1"}')).toBeNull();
    expect(parseStationEvent('station.connected', 'not json')).toBeNull();
    expect(parseAlertEvent('alert.opened', '{"id":"x"}')).toBeNull();
  });

  it('takes the change from the alert event name', () => {
    const event = parseAlertEvent('alert.acknowledged', '{"id":3,"rule":"station_offline","state":"acknowledged","station_id":"CP-1"}');
    expect(event?.change).toBe('acknowledged');
    expect(event?.alert.id).toBe(3);
  });
});

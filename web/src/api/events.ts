// The live event streams. Their data is documented in prose (the 200 answer is
// text/event-stream), so the types are here, and every event is checked before use: whatever
// a peer sends is input.
import type { Alert } from './types';

export interface StationPresenceEvent {
  kind: 'station.connected' | 'station.disconnected' | 'station.booted';
  station_id: string;
  at: string;
  protocol?: string;
}

export interface StationStatusEvent {
  kind: 'station.status';
  station_id: string;
  evse_id: number;
  connector_id: number;
  status: string;
  at: string;
}

export interface TransactionEvent {
  kind: 'transaction.started' | 'transaction.ended';
  station_id: string;
  transaction_id: number;
  evse_id?: number;
  at: string;
}

export type StationStreamEvent = StationPresenceEvent | StationStatusEvent | TransactionEvent;

export interface AlertStreamEvent {
  kind: 'alert';
  change: string;
  alert: Alert;
}

function record(data: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** The typed event, or null for an event we do not know or whose data is malformed. */
export function parseStationEvent(event: string, data: string): StationStreamEvent | null {
  const d = record(data);
  if (!d || !isString(d.station_id)) return null;
  const at = isString(d.at) ? d.at : new Date().toISOString();
  switch (event) {
    case 'station.connected':
    case 'station.disconnected':
    case 'station.booted':
      return { kind: event, station_id: d.station_id, at, ...(isString(d.protocol) ? { protocol: d.protocol } : {}) };
    case 'station.status':
      if (!isInt(d.evse_id) || !isInt(d.connector_id) || !isString(d.status)) return null;
      return { kind: event, station_id: d.station_id, evse_id: d.evse_id, connector_id: d.connector_id, status: d.status, at };
    case 'transaction.started':
    case 'transaction.ended': {
      // Our id is an integer; accept its decimal text too.
      const id = isInt(d.transaction_id) ? d.transaction_id : isString(d.transaction_id) && /^\d+$/.test(d.transaction_id) ? Number(d.transaction_id) : null;
      if (id === null) return null;
      return { kind: event, station_id: d.station_id, transaction_id: id, at, ...(isInt(d.evse_id) ? { evse_id: d.evse_id } : {}) };
    }
    default:
      return null;
  }
}

export function parseAlertEvent(event: string, data: string): AlertStreamEvent | null {
  if (!event.startsWith('alert.')) return null;
  const d = record(data);
  if (!d || !isInt(d.id) || !isString(d.rule) || !isString(d.state) || !isString(d.station_id)) return null;
  return { kind: 'alert', change: event.slice('alert.'.length), alert: d as unknown as Alert };
}

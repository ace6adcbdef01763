// Applying station stream events to Station documents, shared by the station list and the
// station page so that both agree on what an event means.
import type { StationStreamEvent } from './api/events';
import type { ConnectorStatus, Station } from './api/types';

const kStatuses: readonly string[] = [
  'Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted', 'Occupied',
];

export function isConnectorStatus(value: string): value is ConnectorStatus {
  return kStatuses.includes(value);
}

/** Whether `at` is known to be earlier than `than` (times the server wrote; a missing one is never later). */
function before(at: string, than: string | null | undefined): boolean {
  const a = Date.parse(at);
  const b = than ? Date.parse(than) : Number.NaN;
  return Number.isFinite(a) && Number.isFinite(b) && a < b;
}

/**
 * Changes `station` in place; returns whether anything shown may have changed. Another node's
 * events come up to a quarter second late (they travel in batches): an event older than what
 * the station shows is dropped, so that a station which left one node and came back on another
 * is not shown offline by the first node's late news.
 */
export function applyStationEvent(station: Station, event: StationStreamEvent): boolean {
  switch (event.kind) {
    case 'station.connected':
      // Older than the connection shown, or than the disconnection shown.
      if (before(event.at, station.connected_at) || (!station.online && before(event.at, station.last_seen_at))) return false;
      station.online = true;
      station.connected_at = event.at;
      station.last_seen_at = event.at;
      if (event.protocol === 'ocpp1.6' || event.protocol === 'ocpp2.0.1') station.protocol = event.protocol;
      return true;
    case 'station.disconnected':
      // The end of a connection older than the one shown.
      if (before(event.at, station.connected_at)) return false;
      station.online = false;
      station.last_seen_at = event.at;
      return true;
    case 'station.booted':
      station.last_boot_at = event.at;
      return true;
    case 'station.status':
      return applyStatus(station, event.evse_id, event.connector_id, event.status, event.at);
    case 'transaction.started':
    case 'transaction.ended':
      return false;
  }
}

function applyStatus(station: Station, evseId: number, connectorId: number, status: string, at: string): boolean {
  if (!isConnectorStatus(status)) return false;
  if (evseId === 0) {
    station.status = status;
    return true;
  }
  let evse = station.evses.find((e) => e.evse_id === evseId);
  if (!evse) {
    evse = { evse_id: evseId, connectors: [] };
    station.evses.push(evse);
    station.evses.sort((a, b) => a.evse_id - b.evse_id);
  }
  // The stream names connectors as the REST documents do (1.6 connector N is EVSE N, connector 1).
  const connector = evse.connectors.find((c) => c.connector_id === connectorId);
  if (connector) {
    if (before(at, connector.status_at)) return false;
    connector.status = status;
    connector.status_at = at;
  } else {
    evse.connectors.push({ connector_id: connectorId, status, error_code: null, info: null, vendor_error_code: null, status_at: at });
    evse.connectors.sort((a, b) => a.connector_id - b.connector_id);
  }
  return true;
}

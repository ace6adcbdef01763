// All stations, loaded once a minute at most and shared by the pages that need every station
// (time zones for lists of sessions and alerts, the analytics station picker), in brief.
import { apiGet, fetchAll } from './api/client';
import type { StationBrief, StationBriefPage } from './api/types';

interface Directory {
  loadedAt: number;
  stations: Map<string, StationBrief>;
  truncated: boolean;
}

let directory: Directory | null = null;
let pending: Promise<Directory> | null = null;

export async function allStations(signal?: AbortSignal, maxAgeMs = 60_000): Promise<Directory> {
  if (directory && Date.now() - directory.loadedAt < maxAgeMs) return directory;
  pending ??= load(signal).finally(() => {
    pending = null;
  });
  return pending;
}

async function load(signal?: AbortSignal): Promise<Directory> {
  // 100 pages of 500: far beyond a single operator's fleet; the rest is reported as truncated.
  const { items, truncated } = await fetchAll(
    // Brief: names and zones only (500 whole stations with their connectors are 591 kB).
    async (cursor) => (await apiGet('/api/v1/stations', { query: { limit: 500, cursor, view: 'brief' }, signal })) as StationBriefPage,
    100,
  );
  directory = { loadedAt: Date.now(), stations: new Map(items.map((s) => [s.id, s])), truncated };
  return directory;
}

/** The station's IANA zone if the directory has it (times then show in the station's zone). */
export function zoneOf(stationId: string | null | undefined): string | undefined {
  return stationId ? directory?.stations.get(stationId)?.time_zone : undefined;
}

export function forgetStations(): void {
  directory = null;
}

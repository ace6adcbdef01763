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
/** Bumped when the directory is forgotten (sign-out): a load started before is not kept. */
let generation = 0;

export async function allStations(signal?: AbortSignal, maxAgeMs = 60_000): Promise<Directory> {
  if (directory && Date.now() - directory.loadedAt < maxAgeMs) return directory;
  if (!pending) {
    const mine = load(signal, generation).finally(() => {
      if (pending === mine) pending = null;
    });
    pending = mine;
  }
  return pending;
}

async function load(signal: AbortSignal | undefined, loadedFor: number): Promise<Directory> {
  // 100 pages of 500: far beyond a single operator's fleet; the rest is reported as truncated.
  const { items, truncated } = await fetchAll(
    // Brief: names and zones only (500 whole stations with their connectors are 591 kB).
    async (cursor) => (await apiGet('/api/v1/stations', { query: { limit: 500, cursor, view: 'brief' }, signal })) as StationBriefPage,
    100,
  );
  const loaded = { loadedAt: Date.now(), stations: new Map(items.map((s) => [s.id, s])), truncated };
  if (loadedFor === generation) directory = loaded;
  return loaded;
}

/**
 * `answer` once the directory has loaded too (or failed, or `waitMs` passed): a list's first
 * rows then show their times in their station's zone from the first frame, instead of moving
 * from the browser's zone to the station's a moment later.
 */
export async function withStations<T>(answer: Promise<T>, signal?: AbortSignal, waitMs = 1500): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
  const stations = allStations(signal).then(
    () => undefined,
    () => undefined,
  );
  try {
    const [result] = await Promise.all([answer, Promise.race([stations, deadline])]);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** The station's IANA zone if the directory has it (times then show in the station's zone). */
export function zoneOf(stationId: string | null | undefined): string | undefined {
  return stationId ? directory?.stations.get(stationId)?.time_zone : undefined;
}

export function forgetStations(): void {
  directory = null;
  pending = null;
  generation++;
}

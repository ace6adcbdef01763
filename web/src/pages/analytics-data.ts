// Turning analytics report rows into what the charts and tables show. Kept apart from the page
// so that the arithmetic (weighted percentages, exact money sums, the 7×24 grid) is tested.
import type { ReportRow } from '../api/types';
import { addDecimals, formatDecimal, parseDecimal } from '../lib/decimal';
import { compareNatural } from '../lib/format';

/** Groups rows by their bucket's instant (seconds), in time order. */
export function byBucket<R extends { bucket_start: string }>(rows: readonly R[]): { time: number; rows: R[] }[] {
  const groups = new Map<number, R[]>();
  for (const row of rows) {
    const time = Date.parse(row.bucket_start) / 1000;
    if (!Number.isFinite(time)) continue;
    const group = groups.get(time);
    if (group) group.push(row);
    else groups.set(time, [row]);
  }
  return [...groups].sort(([a], [b]) => a - b).map(([time, grouped]) => ({ time, rows: grouped }));
}

/** Groups rows by station, in natural id order (rows of the whole fleet, station_id null, under ""). */
export function byStation<R extends { station_id: string | null }>(rows: readonly R[]): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const id = row.station_id ?? '';
    const group = groups.get(id);
    if (group) group.push(row);
    else groups.set(id, [row]);
  }
  return new Map([...groups].sort(([a], [b]) => compareNatural(a, b)));
}

/** Occupied and charging share of the connector time, weighted by each row's period. */
export function utilizationOf(rows: readonly ReportRow<'utilization'>[]): { occupied: number | null; charging: number | null; sessions: number } {
  const period = rows.reduce((s, r) => s + r.period_s, 0);
  const sessions = rows.reduce((s, r) => s + r.sessions, 0);
  if (period === 0) return { occupied: null, charging: null, sessions };
  return {
    occupied: (rows.reduce((s, r) => s + r.occupied_s, 0) / period) * 100,
    charging: (rows.reduce((s, r) => s + r.charging_s, 0) / period) * 100,
    sessions,
  };
}

/**
 * Uptime over several buckets as the server defines it: 1 − downtime / (connectors × period), the
 * report's downtime_s being what is left after maintenance windows.
 * Null when no connector time was in range.
 */
export function uptimeOf(rows: readonly ReportRow<'uptime'>[]): number | null {
  let available = 0;
  let lost = 0;
  for (const r of rows) {
    available += r.connectors * r.period_s;
    lost += r.downtime_s;  // already net of downtime inside maintenance windows
  }
  return available > 0 ? (1 - lost / available) * 100 : null;
}

/** Exact sums of decimal money strings per currency. */
export function moneyByCurrency<R>(rows: readonly R[], currency: (r: R) => string, amount: (r: R) => string): Map<string, string> {
  const groups = new Map<string, R[]>();
  for (const row of rows) groups.set(currency(row), [...(groups.get(currency(row)) ?? []), row]);
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([c, rs]) => [c, formatDecimal(addDecimals(rs.map((r) => parseDecimal(amount(r)))))]));
}

export type HeatMetric = 'avg_occupancy_percent' | 'sessions_started' | 'energy_wh';

export interface HeatCell {
  /** 0 = Monday … 6 = Sunday (the report's ISO weekday minus one). */
  dow: number;
  hour: number;
  value: number;
}

/** The full 7×24 grid; hours the report leaves out count as 0. */
export function heatGrid(rows: readonly ReportRow<'peak-hours'>[], metric: HeatMetric): HeatCell[] {
  const values = new Map<string, number>();
  for (const r of rows) {
    if (r.weekday < 1 || r.weekday > 7 || r.hour < 0 || r.hour > 23) continue;
    values.set(`${r.weekday - 1}:${r.hour}`, r[metric]);
  }
  const cells: HeatCell[] = [];
  for (let dow = 0; dow < 7; dow++) for (let hour = 0; hour < 24; hour++) cells.push({ dow, hour, value: values.get(`${dow}:${hour}`) ?? 0 });
  return cells;
}

const kWeekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** One of the report's `peaks` (documented only as objects), made readable. */
export interface Peak {
  rank: number;
  /** 0 = Monday … 6 = Sunday, as the heatmap's data-dow; null when the entry does not say. */
  dow: number | null;
  hour: number | null;
  /** "Wednesday 16:00–17:00" (local hour of each station's zone). */
  when: string;
  occupancyPercent: number | null;
  sessionsStarted: number | null;
  energyWh: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The busiest weekday-hours the server names (top three by average occupancy, ties by sessions
 * started), with that hour's energy from the grid's rows. Entries without weekday and hour keep
 * their label.
 */
export function describePeaks(peaks: readonly Record<string, unknown>[] | undefined, rows: readonly ReportRow<'peak-hours'>[]): Peak[] {
  return (peaks ?? []).map((peak, i) => {
    const weekday = num(peak.weekday);
    const hour = num(peak.hour);
    const known = weekday !== null && weekday >= 1 && weekday <= 7 && hour !== null && hour >= 0 && hour <= 23;
    const two = (n: number) => String(n).padStart(2, '0');
    const when = known
      ? `${kWeekdays[weekday - 1]} ${two(hour)}:00–${two((hour + 1) % 24)}:00`
      : typeof peak.label === 'string' ? peak.label : `peak ${i + 1}`;
    const row = known ? rows.find((r) => r.weekday === weekday && r.hour === hour) : undefined;
    return {
      rank: i + 1,
      dow: known ? weekday - 1 : null,
      hour: known ? hour : null,
      when,
      occupancyPercent: num(peak.avg_occupancy_percent) ?? row?.avg_occupancy_percent ?? null,
      sessionsStarted: num(peak.sessions_started) ?? row?.sessions_started ?? null,
      energyWh: row?.energy_wh ?? null,
    };
  });
}

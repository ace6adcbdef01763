import { describe, expect, it } from 'vitest';
import type { ReportRow } from '../api/types';
import { byBucket, describePeaks, heatGrid, moneyByCurrency, uptimeOf, utilizationOf } from './analytics-data';

describe('analytics arithmetic', () => {
  it('weights utilization by period, not by row', () => {
    // 1 h fully occupied + 3 h idle = 25 %, not the 50 % an average of rows would give.
    const rows = [
      { station_id: 'A', evse_id: 1, connector: 1, bucket_start: '2026-01-01T00:00:00Z', period_s: 3600, occupied_s: 3600, charging_s: 1800, utilization_percent: 100, charging_percent: 50, sessions: 1, connectors: 1 },
      { station_id: 'A', evse_id: 2, connector: 1, bucket_start: '2026-01-01T00:00:00Z', period_s: 10800, occupied_s: 0, charging_s: 0, utilization_percent: 0, charging_percent: 0, sessions: 0, connectors: 1 },
    ] satisfies ReportRow<'utilization'>[];
    expect(utilizationOf(rows)).toEqual({ occupied: 25, charging: 12.5, sessions: 1 });
  });

  it('computes uptime over buckets with excused downtime', () => {
    // 2 connectors × 2 days = 345600 s; 17280 s down of which 8640 s in maintenance → 97.5 %.
    // The report's downtime_s is already net of the excused part (its uptime_percent: 95 %).
    const rows = [
      { station_id: 'A', bucket_start: '2026-01-01T00:00:00+01:00', period_s: 86400, connectors: 2, downtime_s: 8640, excused_downtime_s: 8640, offline_s: 0, uptime_percent: 95, below_threshold: true },
      { station_id: 'A', bucket_start: '2026-01-02T00:00:00+01:00', period_s: 86400, connectors: 2, downtime_s: 0, excused_downtime_s: 0, offline_s: 0, uptime_percent: 100, below_threshold: false },
    ] satisfies ReportRow<'uptime'>[];
    expect(uptimeOf(rows)).toBeCloseTo(97.5, 10);
    expect(uptimeOf([])).toBeNull();
  });

  it('sums revenue exactly per currency', () => {
    const rows = [
      { currency: 'EUR', amount: '0.10' },
      { currency: 'EUR', amount: '0.20' },
      { currency: 'CHF', amount: '5' },
    ];
    expect(moneyByCurrency(rows, (r) => r.currency, (r) => r.amount)).toEqual(new Map([['CHF', '5'], ['EUR', '0.30']]));
  });

  it('fills the 7×24 grid with Monday as 0', () => {
    const rows = [
      { weekday: 1, hour: 8, sessions_started: 3, avg_occupancy_percent: 40, energy_wh: 1000 },
      { weekday: 7, hour: 23, sessions_started: 1, avg_occupancy_percent: 5, energy_wh: 10 },
    ] satisfies ReportRow<'peak-hours'>[];
    const grid = heatGrid(rows, 'sessions_started');
    expect(grid).toHaveLength(168);
    expect(grid.find((c) => c.dow === 0 && c.hour === 8)?.value).toBe(3);
    expect(grid.find((c) => c.dow === 6 && c.hour === 23)?.value).toBe(1);
    expect(grid.find((c) => c.dow === 3 && c.hour === 12)?.value).toBe(0);
  });

  it('orders buckets by their instant across offsets', () => {
    const groups = byBucket([{ bucket_start: '2026-03-29T03:00:00+02:00' }, { bucket_start: '2026-03-29T01:30:00+00:00' }]);
    expect(groups.map((g) => g.time)).toEqual([Date.parse('2026-03-29T01:00:00Z') / 1000, Date.parse('2026-03-29T01:30:00Z') / 1000]);
  });
});

describe('peak hours', () => {
  const rows = [
    { weekday: 3, hour: 16, sessions_started: 1, avg_occupancy_percent: 2.8, energy_wh: 7200 },
    { weekday: 5, hour: 23, sessions_started: 2, avg_occupancy_percent: 0.04, energy_wh: 10 },
  ] satisfies ReportRow<'peak-hours'>[];

  it('names weekday and local hour span, with the figures and the hour’s energy', () => {
    const peaks = describePeaks([
      { weekday: 3, hour: 16, label: 'Wednesday 16:00-17:00', avg_occupancy_percent: 2.8, sessions_started: 1 },
      { weekday: 5, hour: 23, label: 'Friday 23:00-00:00', avg_occupancy_percent: 0.04, sessions_started: 2 },
    ], rows);
    expect(peaks).toEqual([
      { rank: 1, dow: 2, hour: 16, when: 'Wednesday 16:00–17:00', occupancyPercent: 2.8, sessionsStarted: 1, energyWh: 7200 },
      { rank: 2, dow: 4, hour: 23, when: 'Friday 23:00–00:00', occupancyPercent: 0.04, sessionsStarted: 2, energyWh: 10 },
    ]);
  });

  it('keeps the label of an entry without weekday and hour, and copes with no peaks', () => {
    expect(describePeaks([{ label: 'evenings' }], rows)[0]).toMatchObject({ when: 'evenings', dow: null, occupancyPercent: null });
    expect(describePeaks(undefined, rows)).toEqual([]);
  });
});

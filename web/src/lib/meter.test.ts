import { describe, expect, it } from 'vitest';
import type { MeterSample } from '../api/types';
import { meterSeries } from './meter';

function sample(timestamp: string, measurand: string, value: number, unit: string, phase: string | null = null, flags: string[] = []): MeterSample {
  return { timestamp, measurand, phase, location: 'Outlet', context: 'Sample.Periodic', unit, value: String(value), canonical_unit: unit, canonical_value: value, signed_data: null, flags };
}

describe('meterSeries', () => {
  it('pairs total power with energy delivered since the first reading', () => {
    const series = meterSeries([
      sample('2026-01-31T08:00:00Z', 'Energy.Active.Import.Register', 10000, 'Wh'),
      sample('2026-01-31T08:00:00Z', 'Power.Active.Import', 7000, 'W'),
      sample('2026-01-31T08:01:00Z', 'Energy.Active.Import.Register', 10120, 'Wh'),
      sample('2026-01-31T08:01:00Z', 'Power.Active.Import', 7400, 'W'),
    ]);
    expect(series.times).toEqual([1769846400, 1769846460]);
    expect(series.powerW).toEqual([7000, 7400]);
    expect(series.energyWh).toEqual([0, 120]);
    expect(series.powerDerived).toBe(false);
    expect(series.lastRegisterWh).toBe(10120);
  });

  it('sums phases when there is no total, counting L1 and L1-N once', () => {
    const series = meterSeries([
      sample('2026-01-31T08:00:00Z', 'Power.Active.Import', 2300, 'W', 'L1'),
      sample('2026-01-31T08:00:00Z', 'Power.Active.Import', 2300, 'W', 'L1-N'),
      sample('2026-01-31T08:00:00Z', 'Power.Active.Import', 2200, 'W', 'L2'),
      sample('2026-01-31T08:00:00Z', 'Power.Active.Import', 2100, 'W', 'L3'),
    ]);
    expect(series.powerW).toEqual([6600]);
  });

  it('derives power from the energy register when the charger sends none', () => {
    // 500 Wh in 5 minutes is 6 kW.
    const series = meterSeries([
      sample('2026-01-31T08:00:00Z', 'Energy.Active.Import.Register', 1000, 'Wh'),
      sample('2026-01-31T08:05:00Z', 'Energy.Active.Import.Register', 1500, 'Wh'),
    ]);
    expect(series.powerDerived).toBe(true);
    expect(series.powerW).toEqual([null, 6000]);
  });

  it('skips unparseable values and converts kW', () => {
    const series = meterSeries([
      sample('2026-01-31T08:00:00Z', 'Power.Active.Import', 7.4, 'kW'),
      sample('2026-01-31T08:01:00Z', 'Power.Active.Import', 999, 'W', null, ['unparseable_value']),
    ]);
    expect(series.times).toHaveLength(1);
    expect(series.powerW[0]).toBeCloseTo(7400);
  });
});

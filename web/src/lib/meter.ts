// Meter samples → the power and energy series the session charts draw. Chargers differ: some
// send total power, some only per phase, some only the energy register; the rules below make
// one curve out of each of these.
import type { MeterSample } from '../api/types';

export interface MeterSeries {
  /** Seconds since the epoch (uPlot's x unit). */
  times: number[];
  powerW: (number | null)[];
  /** Energy delivered since the first register reading of the session. */
  energyWh: (number | null)[];
  /** No power samples: power is the energy register's slope between readings. */
  powerDerived: boolean;
  /** The last energy register reading itself (Wh), for "energy so far" against meter_start_wh. */
  lastRegisterWh: number | null;
}

const kPower = 'Power.Active.Import';
const kEnergy = 'Energy.Active.Import.Register';

/** The sample's value in W or Wh, or null when it is unusable. */
function valueOf(sample: MeterSample): number | null {
  if (sample.flags.length > 0 && sample.flags.includes('unparseable_value')) return null;
  const v = sample.canonical_value;
  if (!Number.isFinite(v)) return null;
  const unit = sample.canonical_unit;
  return unit === 'kW' || unit === 'kWh' ? v * 1000 : v;
}

export function meterSeries(samples: readonly MeterSample[]): MeterSeries {
  const totals = new Map<number, number>();
  const phases = new Map<number, Map<string, number>>();
  const energy = new Map<number, number>();
  for (const sample of samples) {
    const t = Date.parse(sample.timestamp);
    const value = valueOf(sample);
    if (!Number.isFinite(t) || value === null) continue;
    const phase = sample.phase ?? '';
    if (sample.measurand === kPower) {
      if (!phase) totals.set(t, value);
      else if (/^L[123](-N)?$/.test(phase)) {
        // L1 and L1-N are the same conductor: count each phase once.
        const perPhase = phases.get(t) ?? new Map<string, number>();
        perPhase.set(phase.slice(0, 2), value);
        phases.set(t, perPhase);
      }
    } else if (sample.measurand === kEnergy && !phase && !energy.has(t)) {
      energy.set(t, value);
    }
  }
  // A total beats the sum of phases sent at the same time.
  const power = new Map<number, number>(totals);
  for (const [t, perPhase] of phases) if (!power.has(t)) power.set(t, [...perPhase.values()].reduce((a, b) => a + b, 0));

  const times = [...new Set([...power.keys(), ...energy.keys()])].sort((a, b) => a - b);
  const energyTimes = [...energy.keys()].sort((a, b) => a - b);
  const first = energyTimes.length ? (energy.get(energyTimes[0]!) ?? 0) : 0;
  const powerDerived = power.size === 0 && energyTimes.length >= 2;
  const derived = new Map<number, number>();
  if (powerDerived) {
    for (let i = 1; i < energyTimes.length; i++) {
      const t0 = energyTimes[i - 1]!;
      const t1 = energyTimes[i]!;
      const hours = (t1 - t0) / 3_600_000;
      if (hours > 0) derived.set(t1, ((energy.get(t1) ?? 0) - (energy.get(t0) ?? 0)) / hours);
    }
  }
  return {
    times: times.map((t) => t / 1000),
    powerW: times.map((t) => (powerDerived ? derived.get(t) : power.get(t)) ?? null),
    energyWh: times.map((t) => (energy.has(t) ? (energy.get(t) ?? 0) - first : null)),
    powerDerived,
    lastRegisterWh: energyTimes.length ? (energy.get(energyTimes[energyTimes.length - 1]!) ?? null) : null,
  };
}

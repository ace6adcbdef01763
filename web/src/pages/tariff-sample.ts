// The sample session of the tariff editor's preview (POST /api/v1/tariffs:price): its form
// state, the checks that name a wrong field before anything is sent, and the words for the
// priced lines the server answers. No DOM here: all of it is unit-tested.
import type { BodyOf, Op } from '../api/client';
import type { CostLine, PricedSample } from '../api/types';
import { decimalSeparator, defaultLocale, numberFormat } from '../lib/format';
import { zonedDate, zonedInstant } from '../lib/zoned-time';
import { isTimeZone } from '../ui/forms';
import type { FieldErrors } from './tariff-form';

export type SampleSession = BodyOf<Op<'/api/v1/tariffs:price', 'post'>>['session'];
export type CostFlag = PricedSample['flags'][number];

/** The server's bounds (src/api/billing_routes.cpp price_sample). */
const kMaxDurationMin = 7 * 24 * 60;
const kMaxEnergyWh = 10_000_000;

export interface SampleForm {
  /** YYYY-MM-DD and HH:MM, read in `time_zone`. */
  date: string;
  time: string;
  time_zone: string;
  duration_min: string;
  energy_kwh: string;
  /** The last minutes of the plug-in time, not charging. */
  parking_min: string;
}

export type SampleField = keyof SampleForm;

/** The message key of a sample field, in the editor's FieldErrors next to the tariff's keys. */
export const sampleKey = (field: SampleField) => `sample-${field}`;

/** Today 18:00 in the zone, plugged in for 2 hours, 20 kWh, no parking. */
export function newSampleForm(now: Date, timeZone: string): SampleForm {
  return { date: zonedDate(now, timeZone), time: '18:00', time_zone: timeZone, duration_min: '120', energy_kwh: '20', parking_min: '0' };
}

/** Whole Wh of a kWh text ("12.5", "12,5", at most 3 decimals), exactly; undefined when malformed. */
export function whOfKwh(text: string): number | undefined {
  const m = /^(\d+)(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const wh = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
  return Number.isSafeInteger(wh) ? wh : undefined;
}

function wholeNumber(text: string): number | undefined {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : undefined;
}

/**
 * The session the server is asked to price, with the instant it starts, or what is wrong
 * (keys from sampleKey). The start is the wall-clock date and time in the chosen zone, daylight
 * saving time included (see zonedInstant for the hour that does not exist or occurs twice).
 */
export function sessionFromSample(form: SampleForm): { session?: SampleSession; start?: Date; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const zone = form.time_zone.trim();
  if (!isTimeZone(zone)) errors[sampleKey('time_zone')] = 'Time zone must be an IANA name such as Europe/Berlin.';
  const date = form.date.trim();
  const time = form.time.trim();
  if (!date) errors[sampleKey('date')] = 'Start date is required.';
  else if (!zonedInstant(date, '00:00', 'UTC')) errors[sampleKey('date')] = 'Start date must be a date YYYY-MM-DD.';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) errors[sampleKey('time')] = 'Start time must be HH:MM between 00:00 and 23:59.';

  const duration = wholeNumber(form.duration_min);
  if (duration === undefined || duration < 1 || duration > kMaxDurationMin) {
    errors[sampleKey('duration_min')] = `Plug-in time must be a whole number of minutes from 1 to ${kMaxDurationMin} (a week).`;
  }
  const energy = whOfKwh(form.energy_kwh);
  if (energy === undefined) errors[sampleKey('energy_kwh')] = 'Energy must be a number of kWh such as 12.5 (at most 3 decimals).';
  else if (energy > kMaxEnergyWh) errors[sampleKey('energy_kwh')] = `Energy must be at most ${kMaxEnergyWh / 1000} kWh.`;
  const parking = wholeNumber(form.parking_min);
  if (parking === undefined) errors[sampleKey('parking_min')] = 'Parking must be a whole number of minutes (0 or more).';
  else if (duration !== undefined && parking > duration) errors[sampleKey('parking_min')] = 'Parking must not be longer than the plug-in time.';
  else if (duration !== undefined && parking === duration && energy) errors[sampleKey('parking_min')] = 'Parking must leave some charging time for the energy.';

  if (Object.keys(errors).length || duration === undefined || energy === undefined || parking === undefined) return { errors };
  const start = zonedInstant(date, time, zone);
  if (!start) return { errors: { [sampleKey('date')]: 'Start date must be a date YYYY-MM-DD.' } };
  return {
    session: { start: start.toISOString().replace('.000Z', 'Z'), duration_s: duration * 60, energy_wh: energy, parking_s: parking * 60, time_zone: zone },
    start,
    errors,
  };
}

/** The sample field a server message names ("session.duration_s must be …"), if any. */
export function sampleFieldOfServerMessage(detail: string): string | undefined {
  const named = /^session\.(start|duration_s|energy_wh|parking_s|time_zone)\b/.exec(detail)?.[1];
  const fields: Record<string, SampleField> = { start: 'date', duration_s: 'duration_min', energy_wh: 'energy_kwh', parking_s: 'parking_min', time_zone: 'time_zone' };
  if (named) return sampleKey(fields[named]!);
  // The pricing's own zone check: "the tariff cannot price this session: unknown time zone …".
  if (/unknown time zone/.test(detail)) return sampleKey('time_zone');
  return undefined;
}

/** Average charging power in W (energy over the time not parked); null when nothing charges. */
export function averagePowerW(session: SampleSession): number | null {
  const charging = session.duration_s - (session.parking_s ?? 0);
  return charging > 0 && session.energy_wh > 0 ? (session.energy_wh * 3600) / charging : null;
}

// ---- the priced lines in words

/** Wh → kWh exactly: "7.30 kWh", "7.305 kWh" (a Wh is the third decimal; none is rounded away). */
export function kwhText(wh: number, locale = defaultLocale()): string {
  const whole = numberFormat(locale, { maximumFractionDigits: 0 }).format(Math.floor(wh / 1000));
  const fraction = String(wh % 1000).padStart(3, '0').replace(/0$/, '');
  return `${whole}${decimalSeparator(locale)}${fraction} kWh`;
}

/** Seconds → "2 h", "1 h 30 min", "45 min", "1 h 5 s": exact, unlike formatDuration which shows the two largest units. */
export function durationText(seconds: number): string {
  if (seconds === 0) return '0 min';
  const parts: string[] = [];
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h) parts.push(`${h} h`);
  if (min) parts.push(`${min} min`);
  if (s) parts.push(`${s} s`);
  return parts.join(' ');
}

/** What a line counts: kWh for energy, hours and minutes for time, "once" for the flat fee. */
export function quantityText(line: CostLine, locale = defaultLocale()): string {
  switch (line.dimension) {
    case 'ENERGY':
      return kwhText(line.quantity, locale);
    case 'TIME':
    case 'PARKING_TIME':
      return durationText(line.quantity);
    case 'FLAT':
      return line.quantity === 1 ? 'once' : `${line.quantity} times`;
  }
}

/** What the unit price is per ('' for the flat fee: the price is the fee). */
export function unitText(dimension: CostLine['dimension']): string {
  switch (dimension) {
    case 'ENERGY':
      return 'per kWh';
    case 'TIME':
    case 'PARKING_TIME':
      return 'per hour';
    case 'FLAT':
      return '';
  }
}

const kFlagTexts: Record<CostFlag, string> = {
  min_price_applied: 'The minimum price applies: the lines come to less.',
  max_price_applied: 'The maximum price applies: the lines come to more.',
  conflicting_readings: 'Meter readings conflicted at one instant (the highest was kept).',
  meter_regression: 'The meter went backwards (that step is not billed).',
  no_readings: 'Fewer than two meter readings: no energy is billed.',
  readings_out_of_order: 'Meter readings came out of order (they were sorted).',
  readings_outside_session: 'Meter readings outside the session are not billed.',
  stop_before_start: 'The stop lay before the start.',
  stop_from_last_reading: 'The stop time came from the last meter reading.',
};

/** A flag of the cost in words; an unknown one (a newer server) as it is, underscores as spaces. */
export function flagText(flag: string): string {
  return kFlagTexts[flag as CostFlag] ?? flag.replace(/_/g, ' ');
}

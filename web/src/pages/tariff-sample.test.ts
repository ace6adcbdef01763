import { describe, expect, it } from 'vitest';
import type { CostLine } from '../api/types';
import {
  averagePowerW, durationText, flagText, kwhText, newSampleForm, quantityText, sampleFieldOfServerMessage, sessionFromSample, unitText, whOfKwh,
  type SampleForm,
} from './tariff-sample';

function sample(overrides: Partial<SampleForm> = {}): SampleForm {
  return { date: '2026-01-31', time: '18:00', time_zone: 'Europe/Berlin', duration_min: '120', energy_kwh: '20', parking_min: '0', ...overrides };
}

const line = (dimension: CostLine['dimension'], quantity: number): CostLine =>
  ({ dimension, element_index: 0, quantity, unit_price: '0.40', amount: '0.00', basis: 'TARIFF' });

describe('the sample session', () => {
  it('starts today at 18:00 in the chosen zone', () => {
    // 23:30 UTC on 31 January is already 1 February in Berlin (UTC+1).
    expect(newSampleForm(new Date('2026-01-31T23:30:00Z'), 'Europe/Berlin')).toEqual(sample({ date: '2026-02-01' }));
  });

  it('becomes the body the server prices, the start read in the zone', () => {
    // 18:00 in Berlin in winter (UTC+1) is 17:00 UTC; 150 min = 9000 s, 30 min = 1800 s, 7.305 kWh = 7305 Wh.
    expect(sessionFromSample(sample({ duration_min: '150', energy_kwh: '7,305', parking_min: '30' }))).toEqual({
      session: { start: '2026-01-31T17:00:00Z', duration_s: 9000, energy_wh: 7305, parking_s: 1800, time_zone: 'Europe/Berlin' },
      start: new Date('2026-01-31T17:00:00Z'),
      errors: {},
    });
    // In summer Berlin is UTC+2; in New York 18:00 is 23:00 UTC.
    expect(sessionFromSample(sample({ date: '2026-07-15' })).session?.start).toBe('2026-07-15T16:00:00Z');
    expect(sessionFromSample(sample({ time_zone: 'America/New_York' })).session?.start).toBe('2026-01-31T23:00:00Z');
  });

  it('names each wrong field by its key', () => {
    expect(sessionFromSample(sample({ date: '', time: '25:00', time_zone: 'Mars/Olympus', duration_min: '0', energy_kwh: '1.2345', parking_min: '-5' })).errors).toEqual({
      'sample-date': 'Start date is required.',
      'sample-time': 'Start time must be HH:MM between 00:00 and 23:59.',
      'sample-time_zone': 'Time zone must be an IANA name such as Europe/Berlin.',
      'sample-duration_min': 'Plug-in time must be a whole number of minutes from 1 to 10080 (a week).',
      'sample-energy_kwh': 'Energy must be a number of kWh such as 12.5 (at most 3 decimals).',
      'sample-parking_min': 'Parking must be a whole number of minutes (0 or more).',
    });
    expect(sessionFromSample(sample({ date: '2026-02-30', duration_min: '10081', energy_kwh: '10000.001' })).errors).toEqual({
      'sample-date': 'Start date must be a date YYYY-MM-DD.',
      'sample-duration_min': 'Plug-in time must be a whole number of minutes from 1 to 10080 (a week).',
      'sample-energy_kwh': 'Energy must be at most 10000 kWh.',
    });
    expect(sessionFromSample(sample({ parking_min: '121' })).errors).toEqual({ 'sample-parking_min': 'Parking must not be longer than the plug-in time.' });
    expect(sessionFromSample(sample({ parking_min: '120' })).errors).toEqual({ 'sample-parking_min': 'Parking must leave some charging time for the energy.' });
    // Without energy the whole session may be parking.
    expect(sessionFromSample(sample({ parking_min: '120', energy_kwh: '0' })).errors).toEqual({});
  });

  it('reads kWh into whole Wh exactly', () => {
    expect(whOfKwh('20')).toBe(20_000);
    expect(whOfKwh('0.001')).toBe(1);
    expect(whOfKwh('1.005')).toBe(1_005); // 1.005 * 1000 in binary floating point is 1004.999…
    expect(whOfKwh('1.2345')).toBeUndefined();
    expect(whOfKwh('1e3')).toBeUndefined();
  });

  it('finds the field of a server message about the session', () => {
    expect(sampleFieldOfServerMessage('session.duration_s must be an integer from 1 to 604800')).toBe('sample-duration_min');
    expect(sampleFieldOfServerMessage('session.start must be an RFC 3339 time with an offset')).toBe('sample-date');
    expect(sampleFieldOfServerMessage('session.time_zone must be an IANA time zone such as Europe/Berlin')).toBe('sample-time_zone');
    expect(sampleFieldOfServerMessage('the tariff cannot price this session: unknown time zone "X/Y"')).toBe('sample-time_zone');
    expect(sampleFieldOfServerMessage('invalid tariff: tariff.currency: expected an ISO 4217 code such as EUR, got "eu"')).toBeUndefined();
  });

  it('tells the average charging power', () => {
    // 20 kWh in 120 − 30 = 90 min: 20000 Wh × 3600 / 5400 s = 13 333.3 W.
    expect(averagePowerW({ start: '', duration_s: 7200, energy_wh: 20_000, parking_s: 1800 })).toBeCloseTo(13_333.33, 2);
    expect(averagePowerW({ start: '', duration_s: 7200, energy_wh: 0 })).toBeNull();
  });
});

describe('priced lines in words', () => {
  it('shows energy in kWh without rounding a Wh away', () => {
    expect(kwhText(7300, 'en-US')).toBe('7.30 kWh');
    expect(kwhText(7305, 'en-US')).toBe('7.305 kWh');
    expect(kwhText(0, 'en-US')).toBe('0.00 kWh');
    expect(kwhText(1_234_567, 'de-DE')).toBe('1.234,567 kWh');
  });

  it('shows time in hours, minutes and seconds, all of them', () => {
    expect(durationText(7200)).toBe('2 h');
    expect(durationText(5400)).toBe('1 h 30 min');
    expect(durationText(2700)).toBe('45 min');
    expect(durationText(3605)).toBe('1 h 5 s');
    expect(durationText(0)).toBe('0 min');
  });

  it('gives each dimension its quantity and unit', () => {
    expect(quantityText(line('ENERGY', 20_000), 'en-US')).toBe('20.00 kWh');
    expect(quantityText(line('TIME', 5400))).toBe('1 h 30 min');
    expect(quantityText(line('PARKING_TIME', 1800))).toBe('30 min');
    expect(quantityText(line('FLAT', 1))).toBe('once');
    expect([unitText('ENERGY'), unitText('TIME'), unitText('PARKING_TIME'), unitText('FLAT')]).toEqual(['per kWh', 'per hour', 'per hour', '']);
  });

  it('says the flags in words', () => {
    expect(flagText('min_price_applied')).toBe('The minimum price applies: the lines come to less.');
    expect(flagText('some_new_flag')).toBe('some new flag');
  });
});

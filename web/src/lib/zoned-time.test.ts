import { describe, expect, it } from 'vitest';
import { zoneOffsetMs, zonedDate, zonedInstant } from './zoned-time';

const iso = (date: string, time: string, zone: string) => zonedInstant(date, time, zone)?.toISOString();

// Expected instants worked out from the zones' rules: Berlin is UTC+1 in winter and UTC+2 from
// the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (2026: 29 March
// and 25 October); New York is UTC−5, UTC−4 from the second Sunday of March (8 March 2026)
// at 02:00 local; Kolkata is UTC+5:30 all year; Auckland is UTC+13 in January.
describe('zonedInstant', () => {
  it('reads the wall-clock time with the offset of that day', () => {
    expect(iso('2026-01-31', '18:00', 'Europe/Berlin')).toBe('2026-01-31T17:00:00.000Z');
    expect(iso('2026-07-15', '18:00', 'Europe/Berlin')).toBe('2026-07-15T16:00:00.000Z');
    expect(iso('2026-01-31', '18:00', 'America/New_York')).toBe('2026-01-31T23:00:00.000Z');
    expect(iso('2026-06-01', '18:00', 'Asia/Kolkata')).toBe('2026-06-01T12:30:00.000Z');
    expect(iso('2026-06-01', '18:00:30', 'UTC')).toBe('2026-06-01T18:00:30.000Z');
  });

  it('crosses the date line backwards for zones ahead of UTC', () => {
    expect(iso('2026-01-01', '09:00', 'Pacific/Auckland')).toBe('2025-12-31T20:00:00.000Z');
  });

  it('moves a time that does not exist (clocks jump forward) past the jump', () => {
    // Berlin 29 March: 01:59 is still winter time, 02:00–02:59 never show, 03:00 is summer time.
    expect(iso('2026-03-29', '01:59', 'Europe/Berlin')).toBe('2026-03-29T00:59:00.000Z');
    expect(iso('2026-03-29', '02:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z'); // = 03:30 summer time
    expect(iso('2026-03-29', '03:00', 'Europe/Berlin')).toBe('2026-03-29T01:00:00.000Z');
    // New York 8 March: 02:30 EST does not exist; read with −5 it is 07:30 UTC = 03:30 EDT.
    expect(iso('2026-03-08', '02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
  });

  it('takes the earlier of a time that occurs twice (clocks fall back)', () => {
    // Berlin 25 October: 02:00–02:59 occur in summer time (UTC+2) and again in winter time (UTC+1).
    expect(iso('2026-10-25', '01:59', 'Europe/Berlin')).toBe('2026-10-24T23:59:00.000Z');
    expect(iso('2026-10-25', '02:30', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    expect(iso('2026-10-25', '03:00', 'Europe/Berlin')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('refuses impossible dates and times and unknown zones', () => {
    expect(zonedInstant('2026-02-29', '18:00', 'UTC')).toBeUndefined();
    expect(zonedInstant('2026-04-31', '18:00', 'UTC')).toBeUndefined();
    expect(zonedInstant('2026-01-31', '24:00', 'UTC')).toBeUndefined();
    expect(zonedInstant('31.01.2026', '18:00', 'UTC')).toBeUndefined();
    expect(zonedInstant('2026-01-31', '18:00', 'Europe/Atlantis')).toBeUndefined();
  });
});

describe('zonedDate and zoneOffsetMs', () => {
  it('gives the day an instant falls on in the zone', () => {
    expect(zonedDate(new Date('2026-01-31T23:30:00Z'), 'Europe/Berlin')).toBe('2026-02-01');
    expect(zonedDate(new Date('2026-01-31T23:30:00Z'), 'America/New_York')).toBe('2026-01-31');
  });

  it('gives the offset in force at an instant', () => {
    expect(zoneOffsetMs(Date.parse('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(zoneOffsetMs(Date.parse('2026-06-01T00:00:00Z'), 'Asia/Kolkata')).toBe(19_800_000);
    expect(zoneOffsetMs(Date.parse('2026-06-01T00:00:00Z'), 'UTC')).toBe(0);
  });
});

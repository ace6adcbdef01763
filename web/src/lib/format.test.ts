import { describe, expect, it } from 'vitest';
import { compareNatural, decimalSeparator, formatDateTime, formatDuration, formatEnergy, formatMoney, formatPercent, formatPower, numberFormat } from './format';

const nbsp = '\u00a0';

describe('formatMoney', () => {
  it('pads to the currency minor unit and groups the whole part', () => {
    expect(formatMoney('1234.5', 'EUR', 'en-US')).toBe('€1,234.50');
    expect(formatMoney('0.1', 'EUR', 'de-DE')).toBe(`0,10${nbsp}€`);
    expect(formatMoney('1234', 'JPY', 'en-US')).toBe('¥1,234');
  });

  it('never rounds: extra digits of a unit price stay', () => {
    expect(formatMoney('0.3456', 'EUR', 'en-US')).toBe('€0.3456');
    expect(formatMoney('2.005', 'EUR', 'en-US')).toBe('€2.005');
  });

  it('keeps digits a double would lose and the sign of amounts under one', () => {
    expect(formatMoney('90071992547409.93', 'EUR', 'en-US')).toBe('€90,071,992,547,409.93');
    expect(formatMoney('-0.50', 'EUR', 'en-US')).toBe('-€0.50');
    expect(formatMoney(-12, 'USD', 'en-US')).toBe('-$12.00');
  });

  it('shows a dash for no amount and the code for an unknown currency', () => {
    expect(formatMoney(null, 'EUR', 'en-US')).toBe('—');
    expect(formatMoney('1.5', 'EURO', 'en-US')).toBe('1.5 EURO');
  });
});

describe('formatEnergy and formatPower', () => {
  it('turns Wh into kWh, rounding half up on integers', () => {
    expect(formatEnergy(12345, 'en-US')).toBe('12.35 kWh');
    // 1.005 as a double is 1.00499..., so float rounding would print 1.00.
    expect(formatEnergy(1005, 'en-US')).toBe('1.01 kWh');
    expect(formatEnergy(0, 'en-US')).toBe('0.00 kWh');
    expect(formatEnergy(1234567, 'de-DE')).toBe('1.234,57 kWh');
    expect(formatEnergy(null, 'en-US')).toBe('—');
  });

  it('turns W into kW with two digits below 10 kW and one above', () => {
    expect(formatPower(7405, 'en-US')).toBe('7.41 kW');
    expect(formatPower(850, 'en-US')).toBe('0.85 kW');
    expect(formatPower(150000, 'en-US')).toBe('150.0 kW');
    expect(formatPower(9996, 'en-US')).toBe('10.0 kW');
  });

  it('formats percentages with a unit', () => {
    expect(formatPercent(97.456, 1, 'en-US')).toBe('97.5 %');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('uses the two largest units', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(725)).toBe('12 min 05 s');
    expect(formatDuration(3 * 3600 + 7 * 60 + 59)).toBe('3 h 07 min');
    expect(formatDuration(2 * 86400 + 4 * 3600)).toBe('2 d 4 h');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('formatDateTime', () => {
  it('shows the time in the station zone with its offset', () => {
    expect(formatDateTime('2026-01-31T08:00:00Z', 'Europe/Berlin')).toBe('2026-01-31 09:00:00 GMT+1');
    expect(formatDateTime('2026-01-31T08:00:00Z', 'America/New_York', { seconds: false })).toBe('2026-01-31 03:00 GMT-5');
    expect(formatDateTime('2026-01-31T08:00:00Z', 'UTC')).toBe('2026-01-31 08:00:00 UTC');
  });

  it('jumps an hour where summer time begins (Berlin, 2026-03-29 at 01:00 UTC)', () => {
    expect(formatDateTime('2026-03-29T00:59:59Z', 'Europe/Berlin')).toBe('2026-03-29 01:59:59 GMT+1');
    expect(formatDateTime('2026-03-29T01:00:00Z', 'Europe/Berlin')).toBe('2026-03-29 03:00:00 GMT+2');
  });

  it('tells the two 02:30 apart where summer time ends (Berlin, 2026-10-25)', () => {
    expect(formatDateTime('2026-10-25T00:30:00Z', 'Europe/Berlin')).toBe('2026-10-25 02:30:00 GMT+2');
    expect(formatDateTime('2026-10-25T01:30:00Z', 'Europe/Berlin')).toBe('2026-10-25 02:30:00 GMT+1');
  });

  it('falls back to UTC for a zone Intl does not know', () => {
    expect(formatDateTime('2026-01-31T08:00:00Z', 'Europe/Atlantis')).toBe('2026-01-31 08:00:00 UTC');
    expect(formatDateTime(null, 'UTC')).toBe('—');
  });
});

describe('compareNatural, numberFormat and decimalSeparator', () => {
  it('orders station names by their numbers, not digit by digit', () => {
    expect(['CP-10', 'CP-2', 'CP-1', 'AB-3'].sort(compareNatural)).toEqual(['AB-3', 'CP-1', 'CP-2', 'CP-10']);
  });
  it('makes one formatter per locale and options and keeps using it', () => {
    expect(numberFormat('en-US', { maximumFractionDigits: 0 })).toBe(numberFormat('en-US', { maximumFractionDigits: 0 }));
    expect(numberFormat('en-US', { maximumFractionDigits: 0 })).not.toBe(numberFormat('en-US', { maximumFractionDigits: 1 }));
    expect(numberFormat('de-DE', { maximumFractionDigits: 0 }).format(1234)).toBe('1.234');
  });
  it('gives the locale\'s decimal separator', () => {
    expect(decimalSeparator('en-US')).toBe('.');
    expect(decimalSeparator('de-DE')).toBe(',');
  });
});

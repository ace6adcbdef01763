import { describe, expect, it } from 'vitest';
import { formatDecimal, parseDecimal, sumDecimalTexts } from './decimal';

describe('decimal', () => {
  it('sums money strings exactly where binary floats drift', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floats; ten times 0.10 must be exactly 1.00.
    expect(sumDecimalTexts(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimalTexts(Array(10).fill('0.10'))).toBe('1.00');
  });

  it('keeps the widest scale and the sign', () => {
    expect(sumDecimalTexts(['12.5', '-0.125'])).toBe('12.375');
    expect(sumDecimalTexts(['-0.50', '0.25'])).toBe('-0.25');
  });

  it('keeps every digit of amounts beyond 2^53', () => {
    // 90071992547409.93 as a double is 90071992547409.9375, which prints as ...409.94.
    expect(sumDecimalTexts(['90071992547409.93', '0.00'])).toBe('90071992547409.93');
  });

  it('reads JSON numbers by their text and rejects what is not a decimal', () => {
    expect(formatDecimal(parseDecimal(0.1))).toBe('0.1');
    expect(formatDecimal(parseDecimal(1e-7))).toBe('0.0000001');
    expect(() => parseDecimal('1,5')).toThrow(/not a decimal/);
    expect(() => parseDecimal('')).toThrow(/not a decimal/);
  });
});

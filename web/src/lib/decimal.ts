// Exact decimal arithmetic for money. The server sends amounts as decimal strings
// ("12.34", "0.3456") precisely so that no one rounds them through binary floating point;
// sums (revenue of several rows) are done here on scaled BigInts for the same reason.

export interface Decimal {
  /** The value times 10^scale. */
  units: bigint;
  scale: number;
}

const kDecimalText = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * Reads a decimal string or a JSON number. A number is taken by its shortest round-trip text,
 * which is the text the JSON carried (e.g. 0.1 → "0.1").
 */
export function parseDecimal(value: string | number): Decimal {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const match = kDecimalText.exec(text);
  if (!match) throw new Error(`not a decimal number: ${JSON.stringify(value)}`);
  const [, sign, whole = '0', fraction = ''] = match;
  const magnitude = BigInt(whole + fraction);
  return { units: sign === '-' ? -magnitude : magnitude, scale: fraction.length };
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a decimal number: ${value}`);
  // Very small or large numbers print with an exponent; spell them out.
  return /e/i.test(String(value))
    ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 })
    : String(value);
}

export function rescale(value: Decimal, scale: number): Decimal {
  if (scale < value.scale) throw new Error(`rescaling ${formatDecimal(value)} to ${scale} digits would round it`);
  return { units: value.units * 10n ** BigInt(scale - value.scale), scale };
}

export function addDecimals(values: readonly Decimal[]): Decimal {
  const scale = Math.max(0, ...values.map((v) => v.scale));
  let units = 0n;
  for (const value of values) units += rescale(value, scale).units;
  return { units, scale };
}

export function sumDecimalTexts(values: readonly (string | number)[]): string {
  return formatDecimal(addDecimals(values.map(parseDecimal)));
}

/** Plain text with a '.' and exactly `scale` fraction digits ("-0.50"). */
export function formatDecimal(value: Decimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = digits.slice(digits.length - value.scale);
  return (negative ? '-' : '') + whole + (value.scale > 0 ? '.' + fraction : '');
}

export function isZero(value: Decimal): boolean {
  return value.units === 0n;
}

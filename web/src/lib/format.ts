// How the dashboard shows numbers and times. Money is exact (decimal strings, never floats);
// energy arrives in Wh and power in W; times are shown in the station's IANA zone with the
// offset, because the same wall-clock time occurs twice when daylight saving time ends.
import { formatDecimal, parseDecimal, rescale } from './decimal';

export const kMissing = '—';

export function defaultLocale(): string {
  return typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-GB';
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * One Intl.NumberFormat per locale and options, made on first use: making one costs about as
 * much as formatting a hundred numbers with it, and a report table formats hundreds.
 */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

const naturalCollator = new Intl.Collator(undefined, { numeric: true });

/**
 * Orders names as people read them: "CP-2" before "CP-10". One collator for every comparison
 * (localeCompare with options makes a new one per call: sorting 500 stations took 45 ms).
 */
export function compareNatural(a: string, b: string): number {
  return naturalCollator.compare(a, b);
}

const decimalSeparators = new Map<string, string>();

/** The locale's decimal separator ("." in en, "," in de). */
export function decimalSeparator(locale: string): string {
  let separator = decimalSeparators.get(locale);
  if (separator === undefined) {
    separator = numberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
    decimalSeparators.set(locale, separator);
  }
  return separator;
}

const currencyDigitsCache = new Map<string, number | null>();

/** The currency's minor-unit digits (EUR 2, JPY 0), or null for a code Intl does not know. */
export function currencyDigits(currency: string): number | null {
  let digits = currencyDigitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = null;
    }
    currencyDigitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * "€1,234.50" from "1234.5" and "EUR". Shows at least the currency's minor digits and every
 * digit the server sent (a unit price of "0.3456" stays 0.3456): money is never rounded here.
 */
export function formatMoney(amount: string | number | null | undefined, currency: string, locale = defaultLocale()): string {
  if (amount === null || amount === undefined || amount === '') return kMissing;
  const value = parseDecimal(amount);
  const minor = currencyDigits(currency);
  const shown = formatDecimal(minor !== null && value.scale < minor ? rescale(value, minor) : value);
  const negative = shown.startsWith('-');
  const [whole = '0', fraction = ''] = shown.replace('-', '').split('.');
  if (minor === null) return `${shown} ${currency}`;

  const wholeFormat = numberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: 0,
    maximumFractionDigits: 0,
  });
  // BigInt keeps every digit of the whole part; -0 keeps the sign of "-0.50".
  const magnitude = BigInt(whole);
  const signed: number | bigint = negative ? (magnitude === 0n ? -0 : -magnitude) : magnitude;
  const parts = wholeFormat.formatToParts(signed);
  const lastInteger = parts.map((p) => p.type).lastIndexOf('integer');
  if (fraction) {
    parts.splice(lastInteger + 1, 0, { type: 'decimal', value: decimalSeparator(locale) }, { type: 'fraction', value: fraction });
  }
  return parts.map((p) => p.value).join('');
}

/**
 * `value / 10^shift` with `digits` fraction digits, rounded half away from zero on integers
 * (1005 Wh is 1.01 kWh; 1.005 as a double would print 1.00).
 */
function scaledFixed(value: number, shift: number, digits: number, locale: string): string {
  const dropped = shift - digits;
  const magnitude = Math.round(Math.abs(value) / 10 ** dropped);
  const sign = value < 0 && magnitude !== 0 ? '-' : '';
  const whole = Math.floor(magnitude / 10 ** digits);
  const fraction = String(magnitude % 10 ** digits).padStart(digits, '0');
  const wholeText = numberFormat(locale, { maximumFractionDigits: 0 }).format(whole);
  return sign + wholeText + (digits > 0 ? decimalSeparator(locale) + fraction : '');
}

/** Wh → "12.35 kWh". */
export function formatEnergy(wh: number | null | undefined, locale = defaultLocale()): string {
  if (wh === null || wh === undefined || !Number.isFinite(wh)) return kMissing;
  return `${scaledFixed(wh, 3, 2, locale)} kWh`;
}

/** W → "7.40 kW" (one digit from 10 kW on, where the second says nothing). */
export function formatPower(w: number | null | undefined, locale = defaultLocale()): string {
  if (w === null || w === undefined || !Number.isFinite(w)) return kMissing;
  return `${scaledFixed(w, 3, Math.abs(w) < 9995 ? 2 : 1, locale)} kW`;
}

export function formatPercent(value: number | null | undefined, digits = 1, locale = defaultLocale()): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return kMissing;
  return `${numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)} %`;
}

export function formatCount(value: number | null | undefined, locale = defaultLocale()): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return kMissing;
  return numberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

/** Seconds → "45 s", "12 min 05 s", "3 h 07 min", "2 d 4 h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return kMissing;
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${two(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${two(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timeZone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${seconds}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
    dateFormats.set(key, format);
  }
  return format;
}

/** A zone Intl accepts, else UTC (a station configured with a typo still shows its times). */
export function usableTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    dateFormat(timeZone, true);
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/**
 * "2026-03-29 03:30:00 GMT+2": ISO-like order whatever the locale, in `timeZone`, with the
 * offset so that the repeated hour at the end of summer time stays unambiguous.
 */
export function formatDateTime(
  value: string | Date | null | undefined,
  timeZone: string | null | undefined,
  options: { seconds?: boolean } = {},
): string {
  if (value === null || value === undefined || value === '') return kMissing;
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return typeof value === 'string' ? value : kMissing;
  const parts = Object.fromEntries(
    dateFormat(usableTimeZone(timeZone), options.seconds ?? true)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  // ICU writes offset zero as "GMT" or "GMT+0" depending on its version.
  const zone = /^GMT([+-]0)?$/.test(parts.timeZoneName ?? '') ? 'UTC' : (parts.timeZoneName ?? '');
  const time = [parts.hour, parts.minute, parts.second].filter((x) => x !== undefined).join(':');
  return `${parts.year}-${parts.month}-${parts.day} ${time} ${zone}`.trim();
}

// Wall-clock times in a named IANA zone (a station's), where lib/time.ts works in the
// browser's own zone. The tariff preview needs them: a sample session "today at 18:00" must
// start at 18:00 where the station is, since that is where tariff restrictions are read.
// Offsets come from Intl, so daylight saving time follows the browser's tz database.

const kDay = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

/** The zone's offset from UTC at an instant, in milliseconds (Berlin in summer: +7 200 000). Throws RangeError for a zone Intl does not know. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const w = wallClock(whole, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

/** The calendar day (YYYY-MM-DD) of an instant in the zone: what "today" is there. */
export function zonedDate(instant: Date, timeZone: string): string {
  const w = wallClock(instant.getTime(), timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/**
 * The instant at which the zone's clocks show `date` (YYYY-MM-DD) and `time` (HH:MM or
 * HH:MM:SS); undefined for a malformed or impossible date or time, or an unknown zone.
 * Where the clocks jump forward the time does not exist: it is read with the offset before the
 * jump, which lands as far past the jump as the time was (Berlin 02:30 on the spring day is
 * 03:30 summer time). Where they fall back the time occurs twice: the earlier is taken. Both as
 * JavaScript's Temporal does by default ("compatible").
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(time);
  if (!d || !t) return undefined;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const wall = Date.UTC(year, month - 1, day, Number(t[1]), Number(t[2]), Number(t[3] ?? 0));
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  let before: number;
  let after: number;
  try {
    // Offsets never exceed a day, and real zones change theirs at most once in two days.
    before = zoneOffsetMs(wall - kDay, timeZone);
    after = zoneOffsetMs(wall + kDay, timeZone);
  } catch {
    return undefined;
  }
  const matches = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wall - zoneOffsetMs(instant, timeZone) === instant)
    .sort((a, b) => a - b);
  return new Date(matches[0] ?? wall - before);
}

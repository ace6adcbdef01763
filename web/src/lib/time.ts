// Day boundaries for "today vs the same weekday last week", in the browser's zone (the
// operator's day). Calendar arithmetic through Date keeps 23- and 25-hour days right.

export interface Range {
  from: Date;
  to: Date;
}

/** Today from local midnight to `now`, and the same stretch of the same weekday a week before. */
export function todayAndLastWeek(now: Date): { today: Range; lastWeek: Range } {
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const weekAgoMidnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 7);
  const elapsed = now.getTime() - midnight.getTime();
  return {
    today: { from: midnight, to: now },
    lastWeek: { from: weekAgoMidnight, to: new Date(weekAgoMidnight.getTime() + elapsed) },
  };
}

/** "+21 %" / "−5 %"; null when there is nothing to compare with. */
export function changePercent(now: number, before: number): number | null {
  if (!Number.isFinite(now) || !Number.isFinite(before) || before === 0) return null;
  return ((now - before) / before) * 100;
}

/** A date input's value (YYYY-MM-DD, local) for a Date. */
export function dateInputValue(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

/** Local midnight of a date input's value, as RFC 3339 with the browser's offset converted to UTC. */
export function localMidnightIso(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).toISOString();
}

export function addDays(value: string, days: number): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  return dateInputValue(new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days));
}

// A running session's meter samples, read incrementally.
//
// With `from` (GET .../meter-samples?from=: samples taken at or after a time) each poll asks for
// what was taken since a second before the newest sample it has, drops its own samples from
// that second on and appends the answer: a poll transfers the newest message's samples and
// what is new, not the whole list.
//
// A server without `from` ignores it and answers from the start; the feed notices (a sample
// older than asked for) and falls back to the keyset cursor: it keeps every sample of the full
// pages it has read with the `next_cursor` after them, and each poll reads on from there (the
// last, partial page again plus whatever is new). Walking to the end takes large pages; the last
// stretch is read again in small ones, so the cursor kept ends up fewer than `pageSize` samples
// from the end.
//
// A sample that arrives late with a time before what the feed asks from (a charger's
// out-of-order queue) would be missed: every `resyncEvery` polls the feed reads everything again.
import type { MeterSample } from '../api/types';

export interface SamplePage {
  items: MeterSample[];
  next_cursor?: string | null;
}

export interface SampleQuery {
  cursor?: string;
  limit: number;
  /** RFC 3339: only samples taken at or after it. */
  from?: string;
}

export type FetchSamples = (query: SampleQuery) => Promise<SamplePage>;

export interface MeterFeedOptions {
  /** Full reads take pages this big (the first chart should not wait for many requests). */
  firstPageSize?: number;
  /** Cursor mode: the partial page read again is smaller than this. */
  pageSize?: number;
  /** Cursor mode: pages of a walk far from the end. */
  walkPageSize?: number;
  resyncEvery?: number;
  /** At most this many pages per poll (the rest follows at the next). */
  maxPages?: number;
  /** `from` mode: how far before the newest sample each poll asks from (ms), for rounding of times. */
  overlapMs?: number;
}

const timeOf = (s: MeterSample) => Date.parse(s.timestamp);

export class MeterFeed {
  /** 'from' until the server shows it ignores the parameter. */
  mode: 'from' | 'cursor' = 'from';
  /** Samples the last poll transferred (for tests and curiosity). */
  lastTransferred = 0;
  /** Requests the last poll made. */
  lastRequests = 0;
  private samples: MeterSample[] = [];
  private polls = 0;
  // cursor mode
  private committed: MeterSample[] = [];
  private cursor: string | undefined;
  private tail: MeterSample[] = [];
  private readonly firstPageSize: number;
  private readonly pageSize: number;
  private readonly walkPageSize: number;
  private readonly resyncEvery: number;
  private readonly maxPages: number;
  private readonly overlapMs: number;

  constructor(
    private readonly fetchPage: FetchSamples,
    options: MeterFeedOptions = {},
  ) {
    this.firstPageSize = options.firstPageSize ?? 10000;
    this.pageSize = options.pageSize ?? 50;
    this.walkPageSize = Math.max(this.pageSize, options.walkPageSize ?? 1000);
    this.resyncEvery = options.resyncEvery ?? 120;
    this.maxPages = options.maxPages ?? 50;
    this.overlapMs = options.overlapMs ?? 1000;
  }

  /** Every sample known after one more read, in the server's order (time first). */
  async poll(): Promise<MeterSample[]> {
    const first = this.polls === 0;
    const resync = !first && this.polls % this.resyncEvery === 0;
    this.polls++;
    if (this.mode === 'cursor') return this.pollByCursor(first, resync);
    const newest = this.samples.length ? timeOf(this.samples[this.samples.length - 1]!) : NaN;
    if (first || resync || !Number.isFinite(newest)) {
      const { items } = await this.readAll({ limit: this.firstPageSize });
      this.samples = items;
      return this.samples.slice();
    }
    const since = newest - this.overlapMs;
    let answer: { items: MeterSample[] };
    try {
      answer = await this.readAll({ limit: this.firstPageSize, from: new Date(since).toISOString() });
    } catch (error) {
      // A server that refuses the parameter (400): read by cursor from now on.
      if ((error as { status?: unknown } | null)?.status !== 400) throw error;
      this.mode = 'cursor';
      this.tail = this.samples;
      return this.pollByCursor(false, true);
    }
    if (answer.items.some((s) => timeOf(s) < since)) {
      // The server ignored `from` and answered from the start: that answer is the whole list.
      this.mode = 'cursor';
      this.samples = answer.items;
      this.committed = [];
      this.cursor = undefined;
      this.tail = answer.items;
      return this.samples.slice();
    }
    this.samples = [...this.samples.filter((s) => timeOf(s) < since), ...answer.items];
    return this.samples.slice();
  }

  /** Every page of a query, following next_cursor (at most maxPages). */
  private async readAll(query: SampleQuery): Promise<{ items: MeterSample[] }> {
    const items: MeterSample[] = [];
    let cursor: string | undefined;
    let requests = 0;
    for (let page = 0; page < this.maxPages; page++) {
      const answer = await this.fetchPage({ ...query, cursor });
      requests++;
      items.push(...answer.items);
      if (!answer.next_cursor) break;
      cursor = answer.next_cursor;
    }
    this.lastRequests = requests;
    this.lastTransferred = items.length;
    return { items };
  }

  private async pollByCursor(first: boolean, resync: boolean): Promise<MeterSample[]> {
    if (resync) {
      this.committed = [];
      this.cursor = undefined;
    }
    // Far from the end (only the first read done, or starting over): large pages first.
    let limit = first ? this.firstPageSize : resync || this.tail.length > this.pageSize ? this.walkPageSize : this.pageSize;
    let transferred = 0;
    let requests = 0;
    let tail: MeterSample[] | null = null;
    // Pages fetched in this poll that end with a cursor: kept only once the poll succeeds.
    const committed: MeterSample[] = [];
    let cursor = this.cursor;
    for (let page = 0; page < this.maxPages; page++) {
      const answer = await this.fetchPage({ cursor, limit });
      requests++;
      transferred += answer.items.length;
      if (answer.next_cursor) {
        committed.push(...answer.items);
        cursor = answer.next_cursor;
      } else if (!first && limit > this.pageSize && answer.items.length > this.pageSize) {
        // The end is in this large page: read it again in small ones to get a cursor near it.
        limit = this.pageSize;
      } else {
        tail = answer.items;
        break;
      }
    }
    this.committed.push(...committed);
    this.cursor = cursor;
    // Ran out of pages before the end: what was read is all committed, no tail yet.
    this.tail = tail ?? [];
    this.lastTransferred = transferred;
    this.lastRequests = requests;
    this.samples = this.tail.length ? [...this.committed, ...this.tail] : this.committed.slice();
    return this.samples.slice();
  }
}

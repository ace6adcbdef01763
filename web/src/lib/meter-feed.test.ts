import { describe, expect, it } from 'vitest';
import type { MeterSample } from '../api/types';
import { MeterFeed, type SamplePage, type SampleQuery } from './meter-feed';

const t0 = Date.UTC(2026, 0, 1);
/** Sample i is taken at t0 + i seconds. */
const sample = (i: number): MeterSample => ({
  timestamp: new Date(t0 + i * 1000).toISOString(),
  measurand: 'Energy.Active.Import.Register', phase: null, location: 'Outlet', context: 'Sample.Periodic',
  unit: 'Wh', value: String(i), canonical_unit: 'Wh', canonical_value: i, signed_data: null, flags: [],
});

/**
 * A server with `n` samples that pages like the real one (next_cursor only after a full page)
 * and knows `from` unless told otherwise.
 */
function server(initial: number, { knowsFrom = true } = {}) {
  const samples = Array.from({ length: initial }, (_, i) => sample(i));
  const calls: SampleQuery[] = [];
  const fetchPage = async (q: SampleQuery): Promise<SamplePage> => {
    calls.push(q);
    const fromIndex = knowsFrom && q.from ? samples.findIndex((s) => Date.parse(s.timestamp) >= Date.parse(q.from!)) : 0;
    const start = q.cursor === undefined ? (fromIndex < 0 ? samples.length : fromIndex) : Number(q.cursor) + 1;
    const rows = samples.slice(start, start + q.limit + 1);
    const more = rows.length > q.limit;
    return { items: rows.slice(0, q.limit), next_cursor: more ? String(start + q.limit - 1) : null };
  };
  return { samples, calls, fetchPage, add: (k: number) => { for (let j = 0; j < k; j++) samples.push(sample(samples.length)); } };
}

const values = (xs: MeterSample[]) => xs.map((x) => x.canonical_value);

describe('MeterFeed with from', () => {
  it('reads everything once, then from a second before its newest sample', async () => {
    const s = server(25);
    const feed = new MeterFeed(s.fetchPage, { firstPageSize: 100 });
    expect(values(await feed.poll())).toEqual(values(s.samples));
    expect(s.calls).toEqual([{ limit: 100, cursor: undefined }]);

    s.add(3);
    expect(values(await feed.poll())).toEqual(values(s.samples));
    expect(s.calls.at(-1)).toEqual({ limit: 100, cursor: undefined, from: new Date(t0 + 23_000).toISOString() });
    expect(feed.lastTransferred).toBe(5); // 23, 24 again and the 3 new ones
    expect(feed.mode).toBe('from');

    expect(values(await feed.poll())).toEqual(values(s.samples)); // nothing new: 2 again, no duplicates
    expect(feed.lastTransferred).toBe(2);
  });

  it('reads everything again every resyncEvery polls', async () => {
    const s = server(5);
    const feed = new MeterFeed(s.fetchPage, { resyncEvery: 3 });
    await feed.poll();
    await feed.poll();
    await feed.poll();
    expect(s.calls.at(-1)?.from).toBeDefined();
    await feed.poll();
    expect(s.calls.at(-1)?.from).toBeUndefined();
    expect(feed.lastTransferred).toBe(5);
  });

  it('falls back to the cursor when the server ignores from', async () => {
    const s = server(30, { knowsFrom: false });
    const feed = new MeterFeed(s.fetchPage, { firstPageSize: 100, pageSize: 10, walkPageSize: 20 });
    await feed.poll();
    s.add(2);
    expect(values(await feed.poll())).toEqual(values(s.samples));
    expect(feed.mode).toBe('cursor');
    s.add(1);
    expect(values(await feed.poll())).toEqual(values(s.samples));
    expect(s.calls.at(-1)?.from).toBeUndefined();
  });

  it('falls back to the cursor when the server refuses from', async () => {
    const s = server(8);
    const feed = new MeterFeed(async (q) => {
      if (q.from) throw Object.assign(new Error('bad query'), { status: 400 });
      return s.fetchPage(q);
    }, { pageSize: 5, walkPageSize: 5 });
    await feed.poll();
    s.add(1);
    expect(values(await feed.poll())).toEqual(values(s.samples));
    expect(feed.mode).toBe('cursor');
  });
});

describe('MeterFeed by cursor', () => {
  /** A feed already in cursor mode (its server ignores from). */
  async function cursorFeed(s: ReturnType<typeof server>, options: ConstructorParameters<typeof MeterFeed>[1]) {
    const feed = new MeterFeed(s.fetchPage, options);
    feed.mode = 'cursor';
    return feed;
  }

  it('reads everything once, then only the partial page and what is new', async () => {
    const s = server(25, { knowsFrom: false });
    const feed = await cursorFeed(s, { firstPageSize: 100, pageSize: 10, walkPageSize: 20 });
    expect(values(await feed.poll())).toEqual(values(s.samples));

    // Second poll walks the list once in large pages to find a cursor near the end.
    s.add(3);
    expect((await feed.poll()).length).toBe(28);
    expect(s.calls.slice(1)).toEqual([{ cursor: undefined, limit: 20 }, { cursor: '19', limit: 20 }]);

    // From then on: one request with fewer than pageSize + new samples.
    s.add(2);
    expect(values(await feed.poll())).toEqual(values(s.samples));
    expect(feed.lastRequests).toBe(1);
    expect(feed.lastTransferred).toBe(10);
    expect(s.calls.at(-1)).toEqual({ cursor: '19', limit: 10 });

    expect((await feed.poll()).length).toBe(30);
    expect(feed.lastRequests).toBe(1);
    s.add(4);
    expect((await feed.poll()).length).toBe(34);
    expect(feed.lastRequests).toBe(2); // a full page of 10 (committed) and the 4 after it
    expect(s.calls.at(-1)).toEqual({ cursor: '29', limit: 10 });
  });

  it('reads the end of a long walk again in small pages', async () => {
    const s = server(57, { knowsFrom: false });
    const feed = await cursorFeed(s, { firstPageSize: 1000, pageSize: 5, walkPageSize: 20 });
    await feed.poll();
    expect((await feed.poll()).length).toBe(57);
    // 0-19, 20-39 in large pages; 40-56 has the end: again as 40-44, 45-49, 50-54, 55-56.
    expect(s.calls.slice(1).map((c) => `${c.cursor ?? '-'}/${c.limit}`)).toEqual(['-/20', '19/20', '39/20', '39/5', '44/5', '49/5', '54/5']);
    expect((await feed.poll()).length).toBe(57);
    expect(s.calls.at(-1)).toEqual({ cursor: '54', limit: 5 });
  });

  it('keeps its state when a poll fails and reads everything again every resyncEvery polls', async () => {
    const s = server(12, { knowsFrom: false });
    let fail = false;
    const feed = new MeterFeed(async (q) => {
      if (fail) throw new Error('network');
      return s.fetchPage(q);
    }, { firstPageSize: 100, pageSize: 5, walkPageSize: 10, resyncEvery: 4 });
    feed.mode = 'cursor';
    await feed.poll();
    await feed.poll();
    fail = true;
    await expect(feed.poll()).rejects.toThrow('network');
    fail = false;
    s.add(1);
    expect((await feed.poll()).length).toBe(13); // poll 4 goes on from the cursor of poll 2
    expect(feed.lastRequests).toBe(1);
    expect((await feed.poll()).length).toBe(13); // poll 5: read again from the start
    expect(feed.lastRequests).toBe(2);
    expect(s.calls.at(-2)?.cursor).toBeUndefined();
    expect((await feed.poll()).length).toBe(13);
    expect(feed.lastRequests).toBe(1);
  });
});

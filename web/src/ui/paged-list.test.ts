import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { PageLoader, type Page, type PageView } from './paged-list';

interface Row {
  id: number;
}

/** A server whose answers the test releases one by one, in any order. */
function fakeServer() {
  const calls: { cursor: string | undefined; resolve: (page: Page<Row>) => void; reject: (error: unknown) => void }[] = [];
  const fetchPage = (cursor: string | undefined) =>
    new Promise<Page<Row>>((resolve, reject) => {
      calls.push({ cursor, resolve, reject });
    });
  return { calls, fetchPage };
}

function loader(options: { key?: boolean; signal?: AbortSignal } = {}) {
  const server = fakeServer();
  const views: PageView<Row>[] = [];
  const busy: boolean[] = [];
  const list = new PageLoader<Row>({
    fetchPage: server.fetchPage,
    signal: options.signal ?? new AbortController().signal,
    key: options.key ? (r) => r.id : undefined,
    show: (view) => views.push(view.kind === 'rows' ? { ...view, rows: [...view.rows] } : view),
    onBusy: (b) => busy.push(b),
  });
  const last = () => views[views.length - 1];
  return { server, views, busy, list, last };
}

const rows = (...ids: number[]) => ids.map((id) => ({ id }));

describe('paged list', () => {
  it('shows loading, then the first page, then appends the next one', async () => {
    const { server, list, last, busy } = loader();
    const first = list.reload();
    expect(last()).toEqual({ kind: 'loading' });
    server.calls[0]!.resolve({ items: rows(1, 2), next_cursor: 'c2' });
    await first;
    expect(last()).toEqual({ kind: 'rows', rows: rows(1, 2), more: true });

    const second = list.loadMore();
    void list.loadMore(); // a double click asks once
    expect(server.calls.map((c) => c.cursor)).toEqual([undefined, 'c2']);
    server.calls[1]!.resolve({ items: rows(3), next_cursor: null });
    await second;
    expect(last()).toEqual({ kind: 'rows', rows: rows(1, 2, 3), more: false });
    await list.loadMore(); // nothing more to ask for
    expect(server.calls).toHaveLength(2);
    expect(busy).toEqual([true, false, true, false]);
  });

  it('drops the answer of a load that a reload replaced', async () => {
    const { server, list, last } = loader();
    const stale = list.reload();
    const fresh = list.reload();
    server.calls[1]!.resolve({ items: rows(7), next_cursor: null });
    await fresh;
    server.calls[0]!.resolve({ items: rows(1, 2), next_cursor: 'x' });
    await stale;
    expect(last()).toEqual({ kind: 'rows', rows: rows(7), more: false });
    expect(list.rows).toEqual(rows(7));
  });

  it('keeps a row added while the first page loads, once', async () => {
    const { server, list, last, views } = loader({ key: true });
    const first = list.reload();
    list.update((r) => [{ id: 2 }, ...r]);
    expect(views).toHaveLength(1); // still "loading"
    server.calls[0]!.resolve({ items: rows(1, 2, 3), next_cursor: null });
    await first;
    expect(last()).toEqual({ kind: 'rows', rows: rows(2, 1, 3), more: false });
  });

  it('a first page of its own (an exact lookup) ends the list', async () => {
    const { list, last } = loader();
    await list.reload(async () => ({ items: rows(42), next_cursor: null }));
    expect(last()).toEqual({ kind: 'rows', rows: rows(42), more: false });
    expect(list.hasMore).toBe(false);
  });

  it('shows an error, but not a cancelled request, a lost session or a left page', async () => {
    const { server, list, last } = loader();
    const failing = list.reload();
    server.calls[0]!.reject(new ApiError(500, 'Internal Server Error', 'boom'));
    await failing;
    expect(last()).toMatchObject({ kind: 'error' });

    const signed = list.reload();
    server.calls[1]!.reject(new ApiError(401, 'Unauthorized', 'token expired'));
    await signed;
    const aborted = list.reload();
    server.calls[2]!.reject(new DOMException('gone', 'AbortError'));
    await aborted;
    expect(last()).toEqual({ kind: 'loading' });

    const page = new AbortController();
    const left = loader({ signal: page.signal });
    const pending = left.list.reload();
    page.abort();
    left.server.calls[0]!.resolve({ items: rows(1), next_cursor: null });
    await pending;
    expect(left.last()).toEqual({ kind: 'loading' });
  });
});

// A list read page by page with the API's cursor (`{items, next_cursor}`): a loading state
// while the first page comes, the rows, a "Load more" button while the server has more, and
// the error in place of the list. A reload (new filters) makes the answers of earlier requests
// stale: they are dropped instead of mixing two filters' rows. Rows the page changes itself (a
// live event, a dialog's result) go through update().
import { ApiError, isAbort } from '../api/client';
import { h, replace, type Child } from '../lib/dom';
import { errorBox, loading } from './widgets';

export interface Page<T> {
  items: readonly T[];
  next_cursor?: string | null;
}

/** One page of the list; `cursor` is undefined for the first. */
export type FetchPage<T> = (cursor: string | undefined) => Promise<Page<T>>;

export type PageView<T> =
  | { kind: 'loading' }
  | { kind: 'rows'; rows: readonly T[]; more: boolean }
  | { kind: 'error'; error: unknown };

export interface PageLoaderOptions<T> {
  fetchPage: FetchPage<T>;
  /** The page was left: answers and errors after that are dropped. */
  signal: AbortSignal;
  /** Rows already listed (added by update() while a page was on its way) are not listed twice. */
  key?: (row: T) => unknown;
  show: (view: PageView<T>) => void;
  onBusy?: (busy: boolean) => void;
}

/** The list's state without the DOM: which rows, whether there are more, which answer counts. */
export class PageLoader<T> {
  private items: T[] = [];
  // undefined: the first page of the current load has not come yet; null: no more pages.
  private cursor: string | null | undefined = undefined;
  private generation = 0;
  private busy = false;

  constructor(private readonly options: PageLoaderOptions<T>) {}

  get rows(): readonly T[] {
    return this.items;
  }

  get hasMore(): boolean {
    return Boolean(this.cursor);
  }

  /** Whether the first page of the current load has come (rows are shown, not "Loading…"). */
  get loaded(): boolean {
    return this.cursor !== undefined;
  }

  /** Starts over: drops the rows and any load in flight. `first` replaces fetchPage for the first page (an exact lookup). */
  reload(first?: FetchPage<T>): Promise<void> {
    const mine = ++this.generation;
    this.items = [];
    this.cursor = undefined;
    this.options.show({ kind: 'loading' });
    return this.fetch(mine, first ?? this.options.fetchPage);
  }

  /** The next page, appended; nothing when there is none or one is on its way. */
  loadMore(): Promise<void> {
    if (this.busy || !this.cursor) return Promise.resolve();
    return this.fetch(this.generation, this.options.fetchPage);
  }

  /** Changes the rows (upsert, delete) and shows them; while the first page loads the change waits for it. */
  update(change: (rows: T[]) => T[]): void {
    this.items = change([...this.items]);
    this.render();
  }

  /** Shows the rows again (something they are drawn with changed); nothing while loading. */
  render(): void {
    if (this.cursor === undefined) return;
    this.options.show({ kind: 'rows', rows: this.items, more: this.hasMore });
  }

  private async fetch(mine: number, fetchPage: FetchPage<T>): Promise<void> {
    this.setBusy(true);
    try {
      const page = await fetchPage(this.cursor ?? undefined);
      if (mine !== this.generation || this.options.signal.aborted) return;
      const key = this.options.key;
      let fresh = page.items;
      if (key) {
        const listed = new Set(this.items.map(key));
        fresh = page.items.filter((row) => !listed.has(key(row)));
      }
      this.items = [...this.items, ...fresh];
      this.cursor = page.next_cursor ?? null;
      this.render();
    } catch (error) {
      // A 401/403 ends the session: the sign-in page is replacing this one.
      if (mine !== this.generation || this.options.signal.aborted || isAbort(error) || (error instanceof ApiError && error.isAuth)) return;
      this.options.show({ kind: 'error', error });
    } finally {
      if (mine === this.generation) this.setBusy(false);
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.options.onBusy?.(busy);
  }
}

export interface PagedListOptions<T> {
  fetchPage: FetchPage<T>;
  signal: AbortSignal;
  /** Draws the rows loaded so far; `more` tells whether the server has more. */
  render: (rows: readonly T[], more: boolean) => Child;
  key?: (row: T) => unknown;
}

export interface PagedList<T> {
  /** Where the rows, "Loading…" or the error go. */
  readonly list: HTMLElement;
  /** "Load more": hidden when the server has no more. */
  readonly more: HTMLButtonElement;
  readonly rows: readonly T[];
  readonly hasMore: boolean;
  reload(first?: FetchPage<T>): Promise<void>;
  loadMore(): Promise<void>;
  update(change: (rows: T[]) => T[]): void;
  render(): void;
}

/** A list slot and its "Load more" button; the page places both and calls reload() to start. */
export function pagedList<T>(options: PagedListOptions<T>): PagedList<T> {
  const list = h('div');
  const more = h('button', { type: 'button', hidden: true, onClick: () => void loader.loadMore() }, 'Load more');
  const loader: PageLoader<T> = new PageLoader<T>({
    fetchPage: options.fetchPage,
    signal: options.signal,
    key: options.key,
    show: (view) => {
      if (view.kind === 'loading') replace(list, loading());
      else if (view.kind === 'error') replace(list, errorBox(view.error));
      else replace(list, options.render(view.rows, view.more));
      more.hidden = !loader.hasMore;
    },
    onBusy: (busy) => {
      more.disabled = busy;
    },
  });
  return {
    list,
    more,
    get rows() {
      return loader.rows;
    },
    get hasMore() {
      return loader.hasMore;
    },
    reload: (first) => loader.reload(first),
    loadMore: () => loader.loadMore(),
    update: (change) => loader.update(change),
    render: () => loader.render(),
  };
}

/** A list answer with its items always present (the API's pages may leave out an empty list). */
export function paged<T>(page: { items?: T[]; next_cursor?: string | null }): { items: T[]; next_cursor: string | null } {
  return { items: page.items ?? [], next_cursor: page.next_cursor ?? null };
}

// Hash routing (#/stations/CP-1?online=true): the server only serves files, so every page
// lives under /ui/ and the part after # picks it. Each render gets an AbortSignal that fires
// when the user leaves the page: fetches, polls and stream listeners end with it.
import { errorText, isAbort, ApiError } from './api/client';
import type { Session } from './session';
import { closeDialogs, errorBox } from './ui/widgets';
import { replace } from './lib/dom';

export interface PageContext {
  root: HTMLElement;
  signal: AbortSignal;
  params: Record<string, string>;
  query: URLSearchParams;
  session: Session;
  /** Rewrites the query of the current address without rendering again (filters in the URL). */
  setQuery(query: URLSearchParams): void;
}

export type PageFn = (ctx: PageContext) => void | Promise<void>;

export interface Route {
  path: string;
  title: string;
  page: PageFn;
  /** The nav entry to mark as current. */
  nav: string;
  /** Starts fetching the page's code (a lazy page's chunk) before it is rendered. */
  preload?: () => void;
  /** Sends the page's first requests at the dashboard's start, beside its code (client.prefetchGet). */
  prefetch?: (query: URLSearchParams) => void;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  keys: string[];
}

export function compile(route: Route): CompiledRoute {
  const keys: string[] = [];
  const source = route.path.replace(/:([a-z]+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}$`), keys };
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

export function parseHash(hash: string): Location {
  const text = hash.replace(/^#/, '') || '/';
  const mark = text.indexOf('?');
  const path = mark < 0 ? text : text.slice(0, mark);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(mark < 0 ? '' : text.slice(mark + 1)) };
}

export function match(routes: readonly CompiledRoute[], path: string): { route: CompiledRoute; params: Record<string, string> } | null {
  for (const route of routes) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    route.keys.forEach((key, i) => {
      params[key] = decodeURIComponent(found[i + 1] ?? '');
    });
    return { route, params };
  }
  return null;
}

export class Router {
  private readonly routes: CompiledRoute[];
  private controller: AbortController | null = null;
  private rendered = false;

  constructor(
    routes: Route[],
    private readonly root: () => HTMLElement | null,
    private readonly session: () => Session | null,
    private readonly onRoute: (route: Route | null) => void,
  ) {
    this.routes = routes.map(compile);
  }

  /** Fetches the code and the first data of the page the address names, while the session is still checked. */
  preloadCurrent(): void {
    const { path, query } = parseHash(location.hash);
    const route = match(this.routes, path === '/' ? '/overview' : path)?.route;
    route?.preload?.();
    route?.prefetch?.(query);
  }

  start(): void {
    window.addEventListener('hashchange', () => void this.render());
    void this.render();
  }

  async render(): Promise<void> {
    this.controller?.abort();
    // A dialog belongs to the page it was opened on.
    closeDialogs();
    const controller = new AbortController();
    this.controller = controller;
    const { path, query } = parseHash(location.hash);
    const found = match(this.routes, path);
    const current = this.session();
    const root = this.root();
    // Without a session main.ts shows the sign-in page, whatever the address says.
    if (!current || !root) return;
    if (!found) {
      location.replace('#/overview');
      return;
    }
    document.title = `${found.route.title} · CSMS`;
    this.onRoute(found.route);
    root.replaceChildren();
    // Moving between pages puts focus on the new page (screen readers announce it); a fresh
    // load leaves it at the top, so that Tab reaches the skip link and the navigation first.
    if (this.rendered) root.focus({ preventScroll: true });
    this.rendered = true;
    const ctx: PageContext = {
      root,
      signal: controller.signal,
      params: found.params,
      query,
      session: current,
      setQuery: (next) => {
        const text = next.toString();
        history.replaceState(null, '', `#${path}${text ? `?${text}` : ''}`);
      },
    };
    try {
      await found.route.page(ctx);
    } catch (error) {
      if (controller.signal.aborted || isAbort(error) || (error instanceof ApiError && error.isAuth)) return;
      replace(root, errorBox(`This page could not be shown: ${errorText(error)}`));
    }
  }
}

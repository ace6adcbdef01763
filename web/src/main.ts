// Starts the dashboard: restores the tab's session or shows the sign-in page, then routes.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { configureClient } from './api/client';
import { forgetStations } from './directory';
import { h } from './lib/dom';
import { live } from './live';
import { drawsChart, prefetchAnalytics } from './pages/analytics-query';
import { renderSignIn } from './pages/signin';
import { Router, type PageFn, type Route } from './router';
import { onSessionChange, restoreSession, session, signOut, storedToken } from './session';
import { buildLayout, type Layout } from './ui/layout';
import { loading } from './ui/widgets';

// Each page is its own chunk, fetched when first shown: the first screen evaluates only the
// shell and its own page (the charts' library comes with the pages that draw charts).
// `preload` starts the fetch early; the module is fetched once either way.
const lazy = <M>(load: () => Promise<M>, pick: (module: M) => PageFn): Pick<Route, 'page' | 'preload'> => ({
  page: async (ctx) => pick(await load())(ctx),
  preload: () => void load().catch(() => undefined),
});

const routes: Route[] = [
  { path: '/overview', title: 'Overview', nav: 'overview', ...lazy(() => import('./pages/overview'), (m) => m.renderOverview) },
  { path: '/stations', title: 'Stations', nav: 'stations', ...lazy(() => import('./pages/stations'), (m) => m.renderStations) },
  { path: '/stations/:id', title: 'Station', nav: 'stations', ...lazy(() => import('./pages/station'), (m) => m.renderStation) },
  { path: '/sessions', title: 'Sessions', nav: 'sessions', ...lazy(() => import('./pages/sessions'), (m) => m.renderSessions) },
  { path: '/sessions/:id', title: 'Session', nav: 'sessions', ...lazy(() => import('./pages/session'), (m) => m.renderSession) },
  { path: '/id-tokens', title: 'Id tokens', nav: 'id-tokens', ...lazy(() => import('./pages/id-tokens'), (m) => m.renderIdTokens) },
  { path: '/alerts', title: 'Alerts', nav: 'alerts', ...lazy(() => import('./pages/alerts'), (m) => m.renderAlerts) },
  { path: '/rules', title: 'Fault rules', nav: 'rules', ...lazy(() => import('./pages/rules'), (m) => m.renderRules) },
  { path: '/billing', title: 'Billing', nav: 'billing', ...lazy(() => import('./pages/billing'), (m) => m.renderBilling) },
  { path: '/billing/:tab', title: 'Billing', nav: 'billing', ...lazy(() => import('./pages/billing'), (m) => m.renderBilling) },
  { path: '/operations', title: 'Operations', nav: 'operations', ...lazy(() => import('./pages/operations'), (m) => m.renderOperations) },
  { path: '/operations/:tab', title: 'Operations', nav: 'operations', ...lazy(() => import('./pages/operations'), (m) => m.renderOperations) },
  {
    path: '/analytics',
    title: 'Analytics',
    nav: 'analytics',
    ...lazy(() => import('./pages/analytics'), (m) => m.renderAnalytics),
    prefetch: (query) => {
      prefetchAnalytics(query);
      // The charts' library travels beside the page's code, not after it.
      if (drawsChart(query)) void import('./ui/chart').catch(() => undefined);
    },
  },
  { path: '/signin', title: 'Sign in', nav: '', page: () => location.replace('#/overview') },
];

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
let layout: Layout | null = null;
let layoutController: AbortController | null = null;
/** Where the user was going when asked to sign in. */
let returnTo = '';

configureClient({ token: storedToken, onAuthFailure: (detail) => signOut(detail) });

const router = new Router(
  routes,
  () => layout?.main ?? null,
  session,
  (route) => layout?.setCurrent(route?.nav ?? null),
);

onSessionChange((current) => {
  layoutController?.abort();
  layout = null;
  if (current) {
    showApp();
  } else {
    live.stop();
    forgetStations();
    showSignIn();
  }
});

function showApp(): void {
  const current = session();
  if (!current) return;
  layoutController = new AbortController();
  layout = buildLayout(app, current, () => signOut(), layoutController.signal);
  live.start(storedToken, (detail) => signOut(detail));
  const target = returnTo || (location.hash.startsWith('#/signin') || !location.hash ? '#/overview' : location.hash);
  returnTo = '';
  if (location.hash !== target) location.hash = target;
  else void router.render();
}

function showSignIn(): void {
  if (location.hash && !location.hash.startsWith('#/signin')) {
    returnTo = location.hash;
    history.replaceState(null, '', '#/signin');
  }
  document.title = 'Sign in · CSMS';
  renderSignIn(app, () => undefined);
}

async function boot(): Promise<void> {
  app.replaceChildren(loading('Starting…'));
  // The page's code and the session check (GET /me) travel side by side.
  if (storedToken()) router.preloadCurrent();
  router.start();
  const restored = await restoreSession();
  if (!restored) showSignIn();
}

void boot();

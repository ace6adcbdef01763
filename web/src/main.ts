// Starts the dashboard: restores the tab's session or shows the sign-in page, then routes.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { configureClient } from './api/client';
import { forgetStations } from './directory';
import { h } from './lib/dom';
import { live } from './live';
import { renderAlerts } from './pages/alerts';
import { renderAnalytics } from './pages/analytics';
import { renderBilling } from './pages/billing';
import { renderIdTokens } from './pages/id-tokens';
import { renderOverview } from './pages/overview';
import { renderRules } from './pages/rules';
import { renderSession } from './pages/session';
import { renderSessions } from './pages/sessions';
import { renderSignIn } from './pages/signin';
import { renderStation } from './pages/station';
import { renderStations } from './pages/stations';
import { Router, type Route } from './router';
import { onSessionChange, restoreSession, session, signOut, storedToken } from './session';
import { buildLayout, type Layout } from './ui/layout';
import { loading } from './ui/widgets';

const routes: Route[] = [
  { path: '/overview', title: 'Overview', nav: 'overview', page: renderOverview },
  { path: '/stations', title: 'Stations', nav: 'stations', page: renderStations },
  { path: '/stations/:id', title: 'Station', nav: 'stations', page: renderStation },
  { path: '/sessions', title: 'Sessions', nav: 'sessions', page: renderSessions },
  { path: '/sessions/:id', title: 'Session', nav: 'sessions', page: renderSession },
  { path: '/id-tokens', title: 'Id tokens', nav: 'id-tokens', page: renderIdTokens },
  { path: '/alerts', title: 'Alerts', nav: 'alerts', page: renderAlerts },
  { path: '/rules', title: 'Fault rules', nav: 'rules', page: renderRules },
  { path: '/billing', title: 'Billing', nav: 'billing', page: renderBilling },
  { path: '/billing/:tab', title: 'Billing', nav: 'billing', page: renderBilling },
  { path: '/analytics', title: 'Analytics', nav: 'analytics', page: renderAnalytics },
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
  router.start();
  const restored = await restoreSession();
  if (!restored) showSignIn();
}

void boot();

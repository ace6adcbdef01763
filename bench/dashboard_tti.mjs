// node bench/dashboard_tti.mjs <ui base url> <token> <station id> <runs>: opens each page of
// the dashboard RUNS times each of four ways (below) and prints, as JSON, the median and the
// slowest time from navigation start (or the move) to the first frame with the page's data
// (the page's element present, nothing loading). TTI_PAGES and TTI_MODES (regular
// expressions) pick pages and ways. Driven by playwright-core from tests/ui (npm ci there) and
// Debian's chromium (CSMS_CHROMIUM names another binary).
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/ui/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [base, token, station, runsText] = process.argv.slice(2);
const runs = Number(runsText || 5);
const kOverview = { page: 'overview', route: '/overview', ready: '[data-testid="ov-online"]' };
const kRules = { page: 'fault rules', route: '/rules', ready: '[data-testid="rule-card"]' };
const pages = [
  kOverview,
  { page: 'stations', route: '/stations', ready: '[data-testid="station-row"]' },
  { page: 'station', route: `/stations/${encodeURIComponent(station)}`, ready: '[data-testid="station-page"]' },
  { page: 'sessions', route: '/sessions', ready: '[data-testid="session-row"]' },
  { page: 'alerts', route: '/alerts', ready: '[data-testid="alerts-state"]' },
  kRules,
  { page: 'billing', route: '/billing', ready: '[data-testid="invoice-generate"]' },
  { page: 'operations', route: '/operations/sites', ready: '[data-testid="site-new"] ~ div table, main table' },
  { page: 'analytics (utilization)', route: '/analytics', ready: '[data-testid="analytics-csv"]' },
  { page: 'analytics (peak hours)', route: '/analytics?report=peak-hours', ready: '[data-testid="heat-cell"]' },
  ...['energy', 'uptime', 'faults', 'sessions', 'revenue', 'expansion', 'maintenance'].map((report) => ({
    page: `analytics (${report})`,
    route: `/analytics?report=${report}`,
    ready: '[data-testid="analytics-csv"]',
  })),
].filter((p) => !process.env.TTI_PAGES || new RegExp(process.env.TTI_PAGES).test(p.page));

const browser = await chromium.launch({
  executablePath: process.env.CSMS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

// Timed inside the page, from its navigation start: a MutationObserver installed before any of
// the page's scripts notes the first moment the page's element is present and nothing shows
// "loading" (polling from outside would add the driver's own delay), then the next frame.
function watch({ token: t, selector }) {
  sessionStorage.setItem('csms.token', t);
  const observer = new MutationObserver(() => {
    if (window.__csmsReady !== undefined) return;
    if (document.querySelector(selector) && !document.querySelector('[data-testid="loading"]')) {
      window.__csmsReady = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => {
        window.__csmsPainted = performance.now();
      });
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

async function timed(page, p, url) {
  await page.goto(url, { waitUntil: 'commit' });
  try {
    await page.waitForFunction(() => window.__csmsPainted !== undefined, null, { timeout: 30_000 });
    return await page.evaluate(() => window.__csmsPainted);
  } catch {
    const text = (await page.locator('main').textContent().catch(() => '')).slice(0, 300);
    console.error(`${p.page}: ${p.ready} not shown within 30 s: ${text}`);
    return 30_000;
  }
}

// In the open tab: the time from a move to the page's address (the hash the nav links set) to
// the first frame with the page's data, timed inside the page as `watch` does.
async function moved(page, p) {
  try {
    return await page.evaluate(
      ({ route, selector }) =>
        new Promise((resolve, reject) => {
          const start = performance.now();
          const ready = () => document.querySelector(selector) && !document.querySelector('[data-testid="loading"]');
          const observer = new MutationObserver(() => {
            if (!ready()) return;
            observer.disconnect();
            clearTimeout(timer);
            requestAnimationFrame(() => resolve(performance.now() - start));
          });
          const timer = setTimeout(() => {
            observer.disconnect();
            reject(new Error('not shown within 30 s'));
          }, 30_000);
          observer.observe(document, { childList: true, subtree: true, attributes: true });
          location.hash = `#${route}`;
        }),
      { route: p.route, selector: p.ready },
    );
  } catch (error) {
    console.error(`${p.page} (in the app): ${error.message}`);
    return 30_000;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));
const newContext = () => browser.newContext({ viewport: { width: 1280, height: 800 } });

// Four ways to open a page, RUNS times each (TTI_MODES, a regular expression, picks some):
// - first visit: a new browser context (a new renderer process; nothing cached: no file, no
//   compiled code, no role);
// - new tab: a tab opened from the open one, as a middle click on a nav link does: a new
//   renderer process with the browser's cache, and the opener's sessionStorage (the token and
//   the role it was last seen with), which Chromium copies into a tab opened from a page;
// - reload: the operator's open tab loading the page again, the HTTP cache disabled (every
//   file and every API call fetched again, but no process start-up);
// - in the app: the open tab moving to the page from the overview, as a nav link does (every
//   API call made again; the code already loaded). The overview is moved to from the fault rules.
// Each way starts after a second's pause, so that the tabs of the one before have closed.
const kModes = ['first', 'tab', 'reload', 'app'].filter((m) => !process.env.TTI_MODES || new RegExp(process.env.TTI_MODES).test(m));
const summary = (values) => (values.length ? { median_ms: Math.round(median(values)), max_ms: Math.round(Math.max(...values)) } : null);
// For scale: the same two ways of opening a page that has no script at all (the server's
// /healthz, a JSON text), on the first frame with its text.
async function floor() {
  const url = new URL('/healthz', base).href;
  const selector = { ready: 'pre' };
  const times = { first: [], tab: [] };
  const context = await newContext();
  await context.addInitScript(watch, { token, selector: 'pre' });
  for (let i = 0; i < runs; ++i) {
    const fresh = await newContext();
    await fresh.addInitScript(watch, { token, selector: 'pre' });
    times.first.push(await timed(await fresh.newPage(), selector, url));
    await fresh.close();
    const tab = await context.newPage();
    times.tab.push(await timed(tab, selector, url));
    await tab.close();
  }
  await context.close();
  return { page: '(no script: /healthz)', first: summary(times.first), tab: summary(times.tab) };
}

const results = [];
try {
  if (kModes.includes('first') || kModes.includes('tab')) results.push(await floor());
  for (const p of pages) {
    const times = { first: [], tab: [], reload: [], app: [] };
    if (kModes.includes('first')) {
      for (let i = 0; i < runs; ++i) {
        const context = await newContext();
        await context.addInitScript(watch, { token, selector: p.ready });
        times.first.push(await timed(await context.newPage(), p, `${base}#${p.route}`));
        await context.close();
      }
      await settle();
    }
    const context = await newContext();
    await context.addInitScript(watch, { token, selector: p.ready });
    const page = await context.newPage();
    await timed(page, p, `${base}?warm-up#${p.route}`);
    if (kModes.includes('tab')) {
      // What Chromium copies into a tab opened from this one.
      const stored = await page.evaluate(() => Object.fromEntries(Object.entries(sessionStorage)));
      for (let i = 0; i < runs; ++i) {
        const tab = await context.newPage();
        await tab.addInitScript((entries) => {
          for (const [key, value] of Object.entries(entries)) sessionStorage.setItem(key, value);
        }, stored);
        times.tab.push(await timed(tab, p, `${base}?tab=${i}#${p.route}`));
        await tab.close();
      }
      await settle();
    }
    if (kModes.includes('reload')) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await timed(page, p, `${base}?warm-up=reload#${p.route}`);
      for (let i = 0; i < runs; ++i) times.reload.push(await timed(page, p, `${base}?run=${i}#${p.route}`));
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
      await cdp.detach();
    }
    if (kModes.includes('app')) {
      // From the overview, or to the overview from the fault rules.
      const origin = p.route === '/overview' ? kRules : kOverview;
      for (let i = 0; i <= runs; ++i) {
        await moved(page, origin);
        const t = await moved(page, p);
        if (i > 0) times.app.push(t); // the first move loads the page's code
      }
    }
    await context.close();
    results.push({ page: p.page, ...Object.fromEntries(kModes.map((m) => [m, summary(times[m])])) });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));

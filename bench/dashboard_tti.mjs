// node bench/dashboard_tti.mjs <ui base url> <token> <station id> <runs>: opens each page of
// the dashboard RUNS times in a fresh browser tab, RUNS times again in an open tab with the
// cache disabled, and RUNS times by moving to it from the overview inside the app, and prints,
// as JSON, the median times from navigation start (or the move) to the first frame with the
// page's data (the page's element present, nothing loading). Driven by playwright-core from
// tests/ui (npm ci there) and Debian's chromium.
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

// Three ways to open a page, RUNS times each:
// - new tab: a new browser context (a new tab with its own renderer process, nothing cached);
// - reload: the operator's open tab loading the page again, the HTTP cache disabled (every
//   file and every API call fetched again, but no process start-up);
// - in the app: the open tab moving to the page from the overview, as a nav link does (every
//   API call made again; the code already loaded). The overview is moved to from the fault rules.
// Each way starts after a second's pause, so that the tabs of the one before have closed.
const results = [];
try {
  for (const p of pages) {
    const cold = [];
    for (let i = 0; i < runs; ++i) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript(watch, { token, selector: p.ready });
      cold.push(await timed(await context.newPage(), p, `${base}#${p.route}`));
      await context.close();
    }
    await settle();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(watch, { token, selector: p.ready });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await timed(page, p, `${base}?warm-up#${p.route}`);
    const warm = [];
    for (let i = 0; i < runs; ++i) warm.push(await timed(page, p, `${base}?run=${i}#${p.route}`));
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    // From the overview, or to the overview from the fault rules.
    const origin = p.route === '/overview' ? kRules : kOverview;
    const app = [];
    for (let i = 0; i <= runs; ++i) {
      await moved(page, origin);
      const t = await moved(page, p);
      if (i > 0) app.push(t); // the first move loads the page's code
    }
    await context.close();
    results.push({
      page: p.page,
      median_ms: Math.round(median(cold)),
      max_ms: Math.round(Math.max(...cold)),
      warm_median_ms: Math.round(median(warm)),
      warm_max_ms: Math.round(Math.max(...warm)),
      app_median_ms: Math.round(median(app)),
      app_max_ms: Math.round(Math.max(...app)),
    });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));

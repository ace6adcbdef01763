// node bench/dashboard_tti.mjs <ui base url> <token> <station id> <runs>: opens each page of
// the dashboard in a fresh browser tab RUNS times and prints, as JSON, the median time from
// navigation start to the page showing its data (the page's element present, nothing
// loading). Driven by playwright-core from tests/ui (npm ci there) and Debian's chromium.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/ui/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [base, token, station, runsText] = process.argv.slice(2);
const runs = Number(runsText || 5);
const pages = [
  { page: 'overview', route: '/overview', ready: '[data-testid="ov-online"]' },
  { page: 'stations', route: '/stations', ready: '[data-testid="station-row"]' },
  { page: 'station', route: `/stations/${encodeURIComponent(station)}`, ready: '[data-testid="station-page"]' },
  { page: 'sessions', route: '/sessions', ready: '[data-testid="session-row"]' },
  { page: 'alerts', route: '/alerts', ready: '[data-testid="alerts-state"]' },
  { page: 'fault rules', route: '/rules', ready: '[data-testid="rule-card"]' },
  { page: 'billing', route: '/billing', ready: '[data-testid="invoice-generate"]' },
  { page: 'analytics (utilization)', route: '/analytics', ready: '[data-testid="analytics-csv"]' },
  { page: 'analytics (peak hours)', route: '/analytics?report=peak-hours', ready: '[data-testid="heat-cell"]' },
];

const browser = await chromium.launch({
  executablePath: process.env.CSMS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const results = [];
try {
  for (const p of pages) {
    const times = [];
    for (let i = 0; i < runs; ++i) {
      // A new context each time: nothing cached, as when an operator opens the page.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript((t) => sessionStorage.setItem('csms.token', t), token);
      const page = await context.newPage();
      await page.goto(`${base}#${p.route}`, { waitUntil: 'commit' });
      try {
        const ms = await (
          await page.waitForFunction(
            (selector) =>
              document.querySelector(selector) && !document.querySelector('[data-testid="loading"]')
                ? performance.now()
                : false,
            p.ready,
            { timeout: 30_000, polling: 'raf' },
          )
        ).jsonValue();
        times.push(ms);
      } catch (err) {
        const text = (await page.locator('main').textContent().catch(() => '')).slice(0, 300);
        console.error(`${p.page}: ${p.ready} not shown within 30 s: ${text}`);
        times.push(30_000);
      }
      await context.close();
    }
    results.push({ page: p.page, median_ms: Math.round(median(times)), max_ms: Math.round(Math.max(...times)) });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));

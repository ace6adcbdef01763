// Browser tests of the operator dashboard: the real csms binary serves the built front end at
// /ui/ and its REST API; Debian's chromium, driven by playwright-core, is the operator; ocpp-rpc
// clients (strict mode, through ../e2e/node/harness.mjs) are the chargers.
//
// Environment:
//   CSMS_BINARY             the csms server binary (required)
//   CSMS_TEST_DATABASE_URL  a PostgreSQL where the test may create databases
//                           (default postgresql://csms@127.0.0.1:54339/csms)
//   CSMS_UI_DB              the database it (re)creates (default csms_ui)
//   CSMS_UI_DIR             the built front end (default <repo>/web/dist)
//   CSMS_CHROMIUM           the browser (default /usr/bin/chromium)
//   CSMS_UI_ARTIFACTS       where screenshots go (default <repo>/build/ui-artifacts)
//   CSMS_UI_URL             development only: the dashboard's URL when something else serves
//                           it (e.g. `vite preview` proxying /api to this csms); default
//                           http://127.0.0.1:<api port>/ui/
//   CSMS_E2E_VERBOSE=1      copy the server's stderr to this process's stderr
//
// Needs `npm ci` here (playwright-core) and in ../e2e/node (the harness's ocpp-rpc).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, existsSync, writeFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import {
  server, startServer, stopServer, api, createIdToken, psql, connectStation, call, isoNow, tail, API_TOKEN,
} from '../e2e/node/harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
// Paths given relative to where the test was started (csms then runs in a scratch directory).
if (process.env.CSMS_BINARY) process.env.CSMS_BINARY = path.resolve(process.env.CSMS_BINARY);
const UI_DIR = path.resolve(process.env.CSMS_UI_DIR || path.join(REPO, 'web/dist'));
const ARTIFACTS = path.resolve(process.env.CSMS_UI_ARTIFACTS || path.join(REPO, 'build/ui-artifacts'));
const CHROMIUM = path.resolve(process.env.CSMS_CHROMIUM || '/usr/bin/chromium');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
// How long the UI may take to show what the server knows (it streams or polls).
const LIVE_MS = 20_000;

const TOKENS = {
  admin: API_TOKEN,
  operator: 'ui-test-operator-token',
  viewer: 'ui-test-viewer-token',
};

// ---------------------------------------------------------------------------------------
// Small helpers

// Polls `fn` until it returns something truthy (returned); `what` names it on timeout.
async function waitFor(what, fn, timeoutMs = LIVE_MS, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const shown = last instanceof Error ? last.message : JSON.stringify(last);
      throw new assert.AssertionError({ message: `timed out after ${timeoutMs} ms waiting for ${what} (last: ${shown})` });
    }
    await sleep(intervalMs);
  }
}

// A CSS selector for a data-testid with data-* attributes: tid('alert-row', {state: 'open'}).
function tid(testid, attrs = {}) {
  const esc = (v) => String(v).replace(/["\\]/g, '\\$&');
  return `[data-testid="${esc(testid)}"]` +
    Object.entries(attrs).map(([k, v]) => `[data-${k}="${esc(v)}"]`).join('');
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

// Wall-clock fields of `date` in `timeZone`; weekday ISO (Monday = 1).
function localParts(date, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',
  }).formatToParts(date).map((p) => [p.type, p.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  return { year: +parts.year, month: +parts.month, day: +parts.day, hour: +parts.hour, minute: +parts.minute, weekday };
}

// The instant at which it is y-m-d h:min in `timeZone` (no DST transition near it).
function zonedInstant(timeZone, y, m, d, h, min) {
  const guess = Date.UTC(y, m - 1, d, h, min);
  const p = localParts(new Date(guess), timeZone);
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - guess;
  return new Date(guess - offset);
}

// ---------------------------------------------------------------------------------------
// Chargers (ocpp-rpc in strict mode through the e2e harness)

class Charger {
  constructor(id, protocol) {
    this.id = id;
    this.protocol = protocol;
    this.v16 = protocol === 'ocpp1.6';
    this.remoteStarts = [];
    this.remoteStops = [];
    this.live = null; // the transaction a remote start began, with its meter timer
  }

  async connect() {
    this.station = await connectStation(this.id, this.protocol);
    this.client = this.station.client;
    // What the server may send on its own: a 2.0.1 charger hears the session's cost.
    if (!this.v16) this.client.handle('CostUpdated', () => ({}));
    return this;
  }

  call(method, params) {
    return call(this.station, method, params);
  }

  boot() {
    return this.call('BootNotification', this.v16
      ? { chargePointVendor: 'UiTestVendor', chargePointModel: `UiModel-${this.protocol}`, firmwareVersion: '1.0.0-ui' }
      : { reason: 'PowerUp', chargingStation: { vendorName: 'UiTestVendor', model: `UiModel-${this.protocol}`, firmwareVersion: '1.0.0-ui' } });
  }

  // 1.6 statuses for 1.6 (connector 0 is the station); 2.0.1 ConnectorStatus for 2.0.1.
  status(connectorId, status, timestamp = isoNow()) {
    return this.call('StatusNotification', this.v16
      ? { connectorId, errorCode: status === 'Faulted' ? 'GroundFailure' : 'NoError', status, timestamp }
      : { timestamp, connectorStatus: status, evseId: 1, connectorId });
  }

  #sampled(energyWh, powerW, context) {
    if (this.v16) {
      const s = [{ value: String(Math.round(energyWh)), context, measurand: 'Energy.Active.Import.Register', unit: 'Wh' }];
      if (powerW !== undefined) s.push({ value: String(Math.round(powerW)), context, measurand: 'Power.Active.Import', unit: 'W' });
      return s;
    }
    const s = [{ value: Math.round(energyWh), context, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }];
    if (powerW !== undefined) s.push({ value: Math.round(powerW), context, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } });
    return s;
  }

  // Starts a transaction on connector / EVSE 1; returns its handle.
  async startTx({ idToken, at = isoNow(), meterStartWh = 0, remoteStartId } = {}) {
    if (this.v16) {
      const res = await this.call('StartTransaction', { connectorId: 1, idTag: idToken, meterStart: meterStartWh, timestamp: at });
      assert.equal(res.idTagInfo.status, 'Accepted', `StartTransaction of ${idToken}: ${JSON.stringify(res)}`);
      return { id: res.transactionId, idToken, seq: 0 };
    }
    const tx = { id: randomUUID(), idToken, seq: 0 };
    const res = await this.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: at,
      triggerReason: remoteStartId !== undefined ? 'RemoteStart' : 'Authorized',
      seqNo: tx.seq++,
      transactionInfo: { transactionId: tx.id, chargingState: 'Charging', ...(remoteStartId !== undefined ? { remoteStartId } : {}) },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken, type: 'ISO14443' },
      meterValue: [{ timestamp: at, sampledValue: this.#sampled(meterStartWh, undefined, 'Transaction.Begin') }],
    });
    assert.equal(res.idTokenInfo?.status, 'Accepted', `TransactionEvent Started of ${idToken}: ${JSON.stringify(res)}`);
    return tx;
  }

  meter(tx, { at = isoNow(), energyWh, powerW }) {
    if (this.v16) {
      return this.call('MeterValues', {
        connectorId: 1, transactionId: tx.id,
        meterValue: [{ timestamp: at, sampledValue: this.#sampled(energyWh, powerW, 'Sample.Periodic') }],
      });
    }
    return this.call('TransactionEvent', {
      eventType: 'Updated', timestamp: at, triggerReason: 'MeterValuePeriodic', seqNo: tx.seq++,
      transactionInfo: { transactionId: tx.id, chargingState: 'Charging' },
      meterValue: [{ timestamp: at, sampledValue: this.#sampled(energyWh, powerW, 'Sample.Periodic') }],
    });
  }

  stopTx(tx, { at = isoNow(), energyWh }) {
    if (this.v16) {
      return this.call('StopTransaction', { transactionId: tx.id, idTag: tx.idToken, meterStop: Math.round(energyWh), timestamp: at, reason: 'Local' });
    }
    return this.call('TransactionEvent', {
      eventType: 'Ended', timestamp: at, triggerReason: 'StopAuthorized', seqNo: tx.seq++,
      transactionInfo: { transactionId: tx.id, chargingState: 'Idle', stoppedReason: 'Local' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: tx.idToken, type: 'ISO14443' },
      meterValue: [{ timestamp: at, sampledValue: this.#sampled(energyWh, undefined, 'Transaction.End') }],
    });
  }

  // Answers remote starts with Accepted and then really charges: the transaction starts and
  // meter values (energy register, power) follow every second until stopped.
  acceptRemoteStarts() {
    const method = this.v16 ? 'RemoteStartTransaction' : 'RequestStartTransaction';
    this.client.handle(method, ({ params }) => {
      this.remoteStarts.push(params);
      setTimeout(() => this.#charge(params).catch((err) => { this.chargeError = err; }), 100);
      return { status: 'Accepted' };
    });
    this.client.handle(this.v16 ? 'RemoteStopTransaction' : 'RequestStopTransaction', ({ params }) => {
      this.remoteStops.push(params);
      setTimeout(() => this.stopLive().catch((err) => { this.chargeError = err; }), 100);
      return { status: 'Accepted' };
    });
  }

  async #charge(params) {
    const idToken = this.v16 ? params.idTag : params.idToken.idToken;
    await this.status(1, this.v16 ? 'Preparing' : 'Occupied');
    const tx = await this.startTx({ idToken, meterStartWh: 1000, remoteStartId: this.v16 ? undefined : params.remoteStartId });
    if (this.v16) await this.status(1, 'Charging');
    const live = { tx, energyWh: 1000, timer: null, busy: false };
    this.live = live;
    const tick = async () => {
      if (live.busy || this.live !== live) return;
      live.busy = true;
      try {
        const powerW = 7200 + Math.round(400 * Math.sin(Date.now() / 3000));
        live.energyWh += powerW / 3600;
        await this.meter(tx, { energyWh: live.energyWh, powerW });
      } catch (err) {
        this.chargeError = err;
      } finally {
        live.busy = false;
      }
    };
    live.timer = setInterval(tick, 1000);
    await tick();
  }

  async stopLive() {
    const live = this.live;
    if (!live) return;
    this.live = null;
    clearInterval(live.timer);
    await waitFor('the last meter value to be answered', () => !live.busy, 5000, 20);
    await this.stopTx(live.tx, { energyWh: live.energyWh });
    await this.status(1, this.v16 ? 'Finishing' : 'Available');
  }

  async close() {
    await this.stopLive().catch(() => {});
    await this.client?.close({ code: 1000 }).catch(() => {});
  }
}

async function createStation(id, extra = {}) {
  const r = await api('POST', '/stations', { id, name: `UI test ${id}`, ...extra });
  assert.equal(r.status, 201, r.describe);
  return r.json;
}

async function charger(id, protocol, { create = {} } = {}) {
  if (create) await createStation(id, create);
  const c = new Charger(id, protocol);
  chargers.push(c);
  await c.connect();
  const boot = await c.boot();
  assert.equal(boot.status, 'Accepted', JSON.stringify(boot));
  if (c.v16) await c.status(0, 'Available');
  await c.status(1, 'Available');
  return c;
}

// ---------------------------------------------------------------------------------------
// The browser

let browser;
let workDir; // csms's working directory
let uiBase; // ends with /ui/
let uiProblem = null; // why the dashboard cannot be tested at all
const chargers = [];
const failures = [];
const openContexts = new Set();
const timings = []; // time to interactive per page

function uiUrl(route = '/') {
  return `${uiBase}#${route}`;
}

// A browser tab of its own (own sessionStorage); `role` (or a literal token) is signed in
// before the app loads, once per tab.
async function openTab({ role, token, viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  context.setDefaultTimeout(LIVE_MS); // an action that cannot happen fails instead of hanging
  openContexts.add(context);
  const seed = token ?? (role ? TOKENS[role] : null);
  if (seed) {
    await context.addInitScript((t) => {
      if (!sessionStorage.getItem('csms.ui-test.seeded')) {
        sessionStorage.setItem('csms.token', t);
        sessionStorage.setItem('csms.ui-test.seeded', '1');
      }
    }, seed);
  }
  const page = await context.newPage();
  watchPage(page);
  context.on('page', watchPage);
  return page;
}

function watchPage(page) {
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') page.problems.push(`console: ${msg.text()}`); });
  page.on('requestfailed', (req) => {
    const failure = req.failure()?.errorText ?? '';
    if (!/ERR_ABORTED/.test(failure)) page.problems.push(`requestfailed: ${req.method()} ${req.url()} ${failure}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) page.problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
}

async function describePage(page) {
  try {
    const errorText = await page.locator(tid('error')).allInnerTexts().catch(() => []);
    const body = (await page.locator('body').innerText({ timeout: 1000 }).catch(() => '')).replace(/\s+/g, ' ').slice(0, 600);
    return `url ${page.url()}; error: ${JSON.stringify(errorText)}; page text: ${JSON.stringify(body)}; ` +
      `browser problems: ${JSON.stringify(page.problems.slice(-12))}`;
  } catch (err) {
    return `(page not readable: ${err.message})`;
  }
}

// Waits until `selector` is in `state` (default visible); on timeout the assertion names what
// the page showed instead.
async function expectState(page, selector, what, { state = 'visible', timeout = LIVE_MS } = {}) {
  try {
    await page.locator(selector).first().waitFor({ state, timeout });
  } catch (err) {
    throw new assert.AssertionError({ message: `${what}: ${selector} not ${state} within ${timeout} ms. ${await describePage(page)}` });
  }
}

async function expectText(page, selector, pattern, what, timeout = LIVE_MS) {
  await expectState(page, selector, what, { timeout });
  try {
    await page.waitForFunction(([sel, src, flags]) => {
      const el = document.querySelector(sel);
      return el && new RegExp(src, flags).test(el.textContent);
    }, [selector, pattern.source, pattern.flags], { timeout });
  } catch {
    const text = await page.locator(selector).first().innerText().catch(() => '(gone)');
    throw new assert.AssertionError({ message: `${what}: ${selector} text ${JSON.stringify(text)} does not match ${pattern}. ${await describePage(page)}` });
  }
}

// Fills a form control whatever it is: input, textarea or select.
async function setField(locator, value) {
  const tag = await locator.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'select') await locator.selectOption(String(value));
  else await locator.fill(String(value));
}

// A marker that survives only while the document lives: proves "without a reload".
async function markDocument(page) {
  await page.evaluate(() => { window.__uiTestMarker = 'kept'; });
}
async function assertNotReloaded(page) {
  assert.equal(await page.evaluate(() => window.__uiTestMarker), 'kept', 'the page was reloaded');
}

async function screenshot(page, name, { fullPage = true } = {}) {
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage });
}

// node:test `it` with the browser plumbing: skips with a reason when the dashboard cannot be
// reached, takes a screenshot of every open tab on failure and closes the tabs.
function uiTest(name, fn, timeout = 120_000) {
  it(name, { timeout }, async () => {
    if (uiProblem) assert.fail(uiProblem);
    try {
      await fn();
    } catch (err) {
      failures.push(name);
      let n = 0;
      for (const context of openContexts) {
        for (const page of context.pages()) {
          await page.screenshot({ path: path.join(ARTIFACTS, `failed-${slug(name)}-${n++}.png`), fullPage: true }).catch(() => {});
        }
      }
      throw err;
    } finally {
      for (const context of openContexts) await context.close().catch(() => {});
      openContexts.clear();
    }
  });
}

// ---------------------------------------------------------------------------------------

describe('operator dashboard in chromium', { timeout: 900_000 }, () => {
  before(async () => {
    try {
      await setUp();
    } catch (err) {
      failures.push('start-up');
      throw err;
    }
  });
  async function setUp() {
    // csms keeps its spool and files under its working directory: not in the source tree.
    workDir = mkdtempSync(path.join(tmpdir(), 'csms-ui-'));
    process.chdir(workDir);
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const name of readdirSync(ARTIFACTS)) if (/^failed-.*\.png$/.test(name)) rmSync(path.join(ARTIFACTS, name));
    await startServer({
      dbName: process.env.CSMS_UI_DB || 'csms_ui',
      env: {
        CSMS_API_TOKENS: Object.entries(TOKENS).map(([role, token]) => `${token}:${role}`).join(','),
        CSMS_API_UI_DIR: UI_DIR,
        CSMS_ANALYTICS_TICK_MS: '200',
      },
    });
    await waitFor('GET /readyz to answer 200', async () => {
      const r = await fetch(`${server.apiBase}/readyz`).catch(() => null);
      return r?.status === 200;
    }, 30_000);
    uiBase = process.env.CSMS_UI_URL || `${server.apiBase}/ui/`;
    if (!uiBase.endsWith('/')) uiBase += '/';

    if (!process.env.CSMS_UI_URL && !existsSync(path.join(UI_DIR, 'index.html'))) {
      uiProblem = `no built front end: ${UI_DIR}/index.html does not exist (build web/ or set CSMS_UI_DIR)`;
    } else {
      const r = await fetch(uiBase).catch((err) => ({ status: 0, statusText: err.message, headers: new Headers() }));
      const type = r.headers.get('content-type') ?? '';
      if (r.status !== 200 || !type.startsWith('text/html')) {
        uiProblem = `server gap: GET ${uiBase} -> ${r.status} ${type} (csms does not serve the dashboard from ${UI_DIR})`;
      }
    }
    const me = await fetch(`${server.apiBase}/api/v1/me`, { headers: { Authorization: `Bearer ${TOKENS.viewer}` } });
    if (me.status !== 200) console.log(`note: GET /api/v1/me -> ${me.status} (the UI learns the role from it)`);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }

  after(async () => {
    for (const c of chargers) await c.close();
    await browser?.close().catch(() => {});
    if (server.child && !server.exit) {
      const timer = setTimeout(() => server.child.kill('SIGKILL'), 20_000);
      await stopServer();
      clearTimeout(timer);
    }
    if (timings.length) {
      const rows = timings.map((t) => `  ${t.page.padEnd(10)} ${t.route.padEnd(32)} ${t.ms === null ? 'n/a' : `${Math.round(t.ms)} ms`.padStart(8)}  ${t.ready}`);
      console.log(['time to interactive (navigation start -> main content with data):', ...rows].join('\n'));
      writeFileSync(path.join(ARTIFACTS, 'time-to-interactive.json'), JSON.stringify(timings, null, 2));
    }
    const badExit = server.exit && server.exit.code !== 0;
    if (failures.length || badExit) {
      const log = server.stderr.split('\n').filter((line) => !/applied migration/.test(line)).join('\n');
      console.log(`csms exit ${JSON.stringify(server.exit)}; stderr tail:\n${tail(log, 80)}`);
    }
    process.chdir(HERE);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    for (const c of chargers) {
      if (c.station?.failures.length) console.log(`strict-mode failures at ${c.id}: ${JSON.stringify(c.station.failures)}`);
    }
  });

  // 1 -----------------------------------------------------------------------------------
  uiTest('sign in: the admin token shows whoami admin; a wrong token shows signin-message and stays on sign-in', async () => {
    const page = await openTab();
    await page.goto(uiUrl('/overview'));
    await expectState(page, tid('signin-token'), 'the sign-in form without a token');
    await screenshot(page, 'signin.png');

    await page.locator(tid('signin-token')).fill('certainly-not-a-valid-token');
    await page.locator(tid('signin-submit')).click();
    await expectText(page, tid('signin-message'), /^(?!\s*Checking)\s*\S/, 'the message after a wrong token');
    assert.ok(await page.locator(tid('signin-token')).isVisible(), 'still on the sign-in form');
    assert.equal(await page.locator(tid('whoami')).count(), 0, 'no whoami after a wrong token');
    await screenshot(page, 'signin-wrong-token.png');

    await page.locator(tid('signin-token')).fill(TOKENS.admin);
    await page.locator(tid('signin-submit')).click();
    await expectText(page, tid('whoami'), /\badmin\b/, 'whoami after signing in as admin');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('csms.token')), TOKENS.admin, 'token kept in sessionStorage csms.token');
    assert.equal(await page.locator(tid('signin-token')).count(), 0, 'the sign-in form is gone');
  });

  // 2 -----------------------------------------------------------------------------------
  uiTest('a charger connecting turns its row online without a reload', async () => {
    const id = 'UI-ONLINE-201';
    await createStation(id, { location: 'Depot A' });
    const page = await openTab({ role: 'admin' });
    await page.goto(uiUrl('/stations'));
    await expectState(page, tid('station-row', { 'station-id': id, online: 'false' }), 'the registered station offline');
    await markDocument(page);
    // The overview, open in another tab, counts it online as well, without a reload.
    const overview = await openTab({ role: 'admin' });
    await overview.goto(uiUrl('/overview'));
    await expectState(overview, tid('ov-online'), 'the overview');
    const count = async (testid) => Number(await overview.locator(tid(testid)).getAttribute('data-count'));
    const [online, offline] = [await count('ov-online'), await count('ov-offline')];
    assert.ok(offline >= 1, `the registered station counts offline (${offline})`);
    await markDocument(overview);

    await charger(id, 'ocpp2.0.1', { create: null });
    await expectState(page, tid('station-row', { 'station-id': id, online: 'true' }), 'the row online after BootNotification + StatusNotification', { timeout: LIVE_MS });
    await assertNotReloaded(page);
    await expectState(overview, tid('ov-online', { count: online + 1 }), `the overview's online count ${online} -> ${online + 1}`);
    assert.equal(await count('ov-offline'), offline - 1, 'and its offline count one less');
    await assertNotReloaded(overview);
    assert.equal(await page.locator(tid('station-row', { 'station-id': id })).count(), 1, 'one row for the station');

    // The server searches (here the location) and orders the whole fleet: the address keeps both.
    await page.locator(tid('stations-search')).fill('depot a');
    await page.locator(tid('stations-sort')).selectOption('last_seen');
    await page.waitForFunction((sel) => {
      const rows = [...document.querySelectorAll(sel)];
      return rows.length === 1 && rows[0].dataset.stationId === 'UI-ONLINE-201';
    }, tid('station-row'), { timeout: LIVE_MS });
    assert.match(await page.evaluate(() => location.hash), /q=depot\+a.*sort=last_seen|sort=last_seen.*q=depot\+a/, 'search and order in the address');
    await page.locator(tid('stations-search')).fill('no station is called this');
    await expectText(page, 'main table', /No station matches/, 'an empty result says so');
  });

  // 3 -----------------------------------------------------------------------------------
  const liveStation = 'UI-CP-16';
  uiTest('a remote start from the station page reaches the charger and the session appears with a live chart', async () => {
    const tag = 'UI-REMOTE-TAG';
    await createIdToken(tag);
    const cp = await charger(liveStation, 'ocpp1.6', { create: { location: 'Hauptstrasse 1, Berlin', max_power_w: 22000 } });
    cp.acceptRemoteStarts();

    const page = await openTab({ role: 'admin' });
    await page.goto(uiUrl(`/stations/${liveStation}`));
    await expectState(page, tid('station-page', { 'station-id': liveStation }), 'the station page');
    await expectState(page, tid('station-online', { online: 'true' }), 'the station shown online');
    await expectState(page, tid('connector', { 'evse-id': 1, 'connector-id': 1 }), 'connector 1 of EVSE 1');
    await markDocument(page);

    await page.locator(tid('cmd-remote-start')).click();
    await expectState(page, tid('cmd-field-id_token'), 'the remote start form');
    await setField(page.locator(tid('cmd-field-id_token')), tag);
    const evseField = page.locator(tid('cmd-field-evse_id'));
    if (await evseField.count()) await setField(evseField, 1);
    await page.locator(tid('cmd-submit')).click();
    await expectText(page, tid('cmd-result'), /Accepted/, 'the command result');

    assert.equal(cp.remoteStarts.length, 1, 'the charger got one RemoteStartTransaction');
    assert.equal(cp.remoteStarts[0].idTag, tag, JSON.stringify(cp.remoteStarts[0]));

    await expectState(page, tid('current-session'), 'the current session', { timeout: LIVE_MS });
    const txAttr = await page.locator(tid('current-session')).getAttribute('data-transaction-id');
    assert.ok(txAttr, 'current-session names its transaction');
    const list = await api('GET', `/transactions?station=${liveStation}`);
    const tx = list.json.items[0];
    assert.ok([String(tx.id), String(tx.ocpp_transaction_id)].includes(txAttr), `data-transaction-id ${txAttr} vs ${list.describe}`);

    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-points')) >= 2,
      tid('power-chart'), { timeout: 30_000 }).catch(async () => {
      const pts = await page.locator(tid('power-chart')).getAttribute('data-points').catch(() => '(no chart)');
      assert.fail(`power-chart data-points ${pts} did not reach 2 while meter values arrived every second. ${await describePage(page)}`);
    });
    await expectState(page, tid('connector', { 'evse-id': 1, 'connector-id': 1, status: 'Charging' }), 'connector 1 Charging');
    await assertNotReloaded(page);
    assert.equal(cp.chargeError, undefined, `the charger's own messages failed: ${cp.chargeError?.message}`);
  });

  // 4 -----------------------------------------------------------------------------------
  uiTest('a Faulted status shows an alert that the operator acknowledges and resolves', async () => {
    const id = 'UI-FAULT-201';
    const cp = await charger(id, 'ocpp2.0.1', { create: { location: 'Depot B' } });
    const page = await openTab({ role: 'operator' });
    await page.goto(uiUrl('/alerts'));
    await expectState(page, `${tid('nav-alerts')}`, 'the alerts page');
    await page.locator(tid('loading')).first().waitFor({ state: 'detached', timeout: LIVE_MS }).catch(() => {});
    await markDocument(page);

    await cp.status(1, 'Faulted');
    const rowSel = tid('alert-row', { 'station-id': id });
    await expectState(page, `${rowSel}[data-state="open"]`, 'the open alert row, live', { timeout: LIVE_MS });
    await assertNotReloaded(page);
    const row = page.locator(rowSel).first();
    const alertId = await row.getAttribute('data-alert-id');
    assert.equal(await row.getAttribute('data-rule'), 'connector_faulted');
    assert.match(alertId ?? '', /^\d+$/, 'data-alert-id');
    const rowById = tid('alert-row', { 'alert-id': alertId });

    await page.locator(rowById).locator(tid('alert-ack')).click();
    await expectState(page, tid('alert-note'), 'the note dialog for acknowledge');
    await page.locator(tid('alert-note')).fill('Looking into it (UI test)');
    await page.locator(tid('alert-confirm')).click();
    await expectState(page, `${rowById}[data-state="acknowledged"]`, 'the row acknowledged');

    const resolveNote = 'Replaced the RCD, connector tested (UI test)';
    await page.locator(rowById).locator(tid('alert-resolve')).click();
    await expectState(page, tid('alert-note'), 'the note dialog for resolve');
    await page.locator(tid('alert-note')).fill(resolveNote);
    await page.locator(tid('alert-confirm')).click();
    await expectState(page, `${rowById}[data-state="resolved"]`, 'the row resolved');

    const r = await api('GET', `/alerts/${alertId}`);
    assert.equal(r.status, 200, r.describe);
    assert.equal(r.json.state, 'resolved', r.describe);
    assert.equal(r.json.resolution_note, resolveNote, r.describe);
    assert.ok(r.json.acknowledged_at && r.json.acknowledged_by, `acknowledged recorded: ${r.describe}`);
    assert.ok(r.json.resolved_by, r.describe);
    await screenshot(page, 'alerts-resolved.png');
  });

  // 5 -----------------------------------------------------------------------------------
  const customer = { id: 'UI-C1', name: 'Ada Lovelace', email: 'ada@example.com', time_zone: 'UTC' };
  uiTest('an invoice is generated from the billing page and its HTML opens', async () => {
    // A default tariff valid long before last month: 0.30 EUR/kWh + 1.00 per session, 19 % VAT.
    const tariff = await api('POST', '/tariffs', {
      id: 'UI-STANDARD', currency: 'EUR', vat_percent: '19', is_default: true, start_date_time: '2020-01-01T00:00:00Z',
      elements: [{ price_components: [{ type: 'ENERGY', price: '0.30', step_size: 1 }, { type: 'FLAT', price: '1.00', step_size: 1 }] }],
    });
    assert.equal(tariff.status, 201, tariff.describe);
    const c = await api('POST', '/customers', customer);
    assert.equal(c.status, 201, c.describe);
    const tag = 'UI-INV-TAG';
    const t = await api('POST', '/id-tokens', { token: tag, status: 'Accepted', customer_id: customer.id });
    assert.equal(t.status, 201, t.describe);

    // A finished session on the 2nd of last month, 08:00 to 09:00 UTC, 6 kWh.
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 2, 8, 0));
    const month = lastMonth.toISOString().slice(0, 7);
    const at = (min) => new Date(lastMonth.getTime() + min * 60_000).toISOString();
    const cp = await charger('UI-INV-16', 'ocpp1.6', { create: { location: 'Depot C' } });
    const tx = await cp.startTx({ idToken: tag, at: at(0), meterStartWh: 0 });
    await cp.meter(tx, { at: at(30), energyWh: 3000, powerW: 6000 });
    await cp.stopTx(tx, { at: at(60), energyWh: 6000 });
    const priced = await waitFor('the session to be priced', async () => {
      const r = await api('GET', '/transactions?station=UI-INV-16&state=closed');
      return r.json?.items?.[0]?.cost ? r.json.items[0] : null;
    }, 15_000);

    const page = await openTab({ role: 'admin' });
    // The session's own page: its meter chart and its cost per priced line (6 kWh at 0.30 plus 1.00 once, 19 % VAT).
    await page.goto(uiUrl(`/sessions/${priced.id}`));
    await expectState(page, `${tid('power-chart')}:not([data-points="0"])`, 'the session\'s meter chart');
    assert.equal(await page.locator(tid('cost-line')).count(), priced.cost.lines.length, 'one row per priced line');
    await expectText(page, tid('cost-totals'), /3[.,]33/, 'the total incl. VAT (2.80 + 19 %)');
    await page.goto(uiUrl('/billing'));
    // Billing opens on its first tab; invoices are a tab of their own.
    await expectState(page, `${tid('billing-tab-invoices')}, ${tid('invoice-generate')}`, 'the billing page');
    if (!(await page.locator(tid('invoice-generate')).count())) await page.locator(tid('billing-tab-invoices')).click();
    await expectState(page, tid('invoice-generate'), 'the generate button');
    await page.locator(tid('invoice-generate')).click();
    await expectState(page, tid('invoice-field-customer_id'), 'the invoice form');
    await setField(page.locator(tid('invoice-field-customer_id')), customer.id);
    await setField(page.locator(tid('invoice-field-month')), month);
    await page.locator(tid('invoice-submit')).click();
    // The dialog closes by itself; the page says what was issued and lists the new row.
    await expectText(page, tid('invoice-result'), /INV-\d{4}-\d{6}/, 'the issued invoice above the list');
    await page.locator('dialog').waitFor({ state: 'detached' });

    await expectState(page, tid('invoice-row'), 'the new invoice row');
    const list = await api('GET', `/invoices?customer=${customer.id}`);
    assert.equal(list.status, 200, list.describe);
    assert.equal(list.json.items.length, 1, list.describe);
    const invoice = list.json.items[0];
    assert.match(invoice.number, /^INV-\d{4}-\d{6}$/);
    const row = page.locator(tid('invoice-row', { 'invoice-id': invoice.id }));
    await expectState(page, tid('invoice-row', { 'invoice-id': invoice.id }), `the row of invoice ${invoice.id}`);
    await screenshot(page, 'invoice-generated.png');

    const [htmlPage] = await Promise.all([
      page.context().waitForEvent('page', { timeout: LIVE_MS }),
      row.locator(tid('invoice-html')).click(),
    ]);
    await htmlPage.waitForLoadState('load');
    await waitFor('the invoice HTML to show its number and customer', async () => {
      const text = await htmlPage.locator('body').innerText().catch(() => '');
      return text.includes(invoice.number) && text.includes(customer.name);
    }, LIVE_MS).catch(async (err) => {
      throw new assert.AssertionError({ message: `${err.message}. ${await describePage(htmlPage)}` });
    });
    await screenshot(htmlPage, 'invoice.png');
  });

  // 5a ----------------------------------------------------------------------------------
  uiTest('an admin creates a tariff in the form: the preview prices a sample session, wrong values are named, the saved tariff is listed', async () => {
    const now = new Date();
    const day = (d) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, d)).toISOString().slice(0, 10);
    const page = await openTab({ role: 'admin' });
    await page.goto(uiUrl('/billing/tariffs'));
    await expectState(page, tid('tariff-new'), 'the New tariff button');
    await page.locator(tid('tariff-new')).click();
    await expectState(page, tid('tariff-field-id'), 'the tariff form');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'tariff-field-id', 'focus on the first field');
    assert.deepEqual(await page.locator('dialog input:not([type=hidden]), dialog textarea').evaluateAll((els) =>
      els.filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.dataset.testid ?? el.id)), [], 'controls without a label');

    await setField(page.locator(tid('tariff-field-id')), 'UI-FORM');
    await setField(page.locator(tid('tariff-field-e0-ENERGY-price')), '0.40');
    // The sample session starts at 02:30 in Berlin on the day summer time begins (2026-03-29,
    // clocks jump from 02:00 to 03:00): that wall-clock time does not exist, so it is read as
    // 03:30 summer time (01:30 UTC). Plugged in 150 min, the last 30 parked, 7.3 kWh.
    await setField(page.locator(tid('tariff-sample-date')), '2026-03-29');
    await setField(page.locator(tid('tariff-sample-time')), '02:30');
    await setField(page.locator(tid('tariff-sample-time_zone')), 'Europe/Berlin');
    await setField(page.locator(tid('tariff-sample-duration_min')), '150');
    await setField(page.locator(tid('tariff-sample-energy_kwh')), '7.3');
    await setField(page.locator(tid('tariff-sample-parking_min')), '30');
    await expectText(page, tid('tariff-sample-start'), /2026-03-29 03:30 GMT\+2 \(2026-03-29 01:30 UTC\)/, 'the start in the station zone');
    // The tariff prices energy only: 7300 Wh × 0.40 EUR/kWh = 2.92 excl. VAT (parking is free);
    // VAT 19 % × 2.92 = 0.5548, rounded half-up to 0.55; 2.92 + 0.55 = 3.47 incl. VAT.
    await expectText(page, tid('tariff-preview-total'), /\b3[.,]47\b.*incl\. VAT.*\b2[.,]92\b.*excl\. VAT/, 'the preview total');
    await expectText(page, tid('tariff-preview-line', { dimension: 'ENERGY' }), /Energy.*7[.,]30 kWh.*0[.,]40 per kWh.*2[.,]92/, 'the energy line');
    await expectText(page, tid('tariff-preview-totals'), /VAT \(19 %\)\D*0[.,]55/, 'the VAT with its rate');
    assert.equal(await page.locator(tid('tariff-preview-line')).count(), 1, 'one priced line');

    // The comparison with real sessions runs on request: the ended session of the invoice test,
    // 6 kWh on the 2nd of last month: 6 × 0.40 = 2.40 excl. VAT; 19 % of it is 0.456, rounded
    // to 0.46: 2.86 incl. VAT.
    await setField(page.locator(tid('tariff-compare-from')), day(1));
    await setField(page.locator(tid('tariff-compare-to')), day(3));
    await page.locator(tid('tariff-compare')).click();
    await expectText(page, tid('tariff-compare-total'), /\b1 session: \D*2[.,]86\b.*incl\. VAT/, 'the comparison total');
    // Tall enough for the whole dialog in the picture.
    await page.setViewportSize({ width: DESKTOP.width, height: 2400 });
    await screenshot(page, 'tariff-form.png', { fullPage: false });
    await page.setViewportSize(DESKTOP);

    // The form names a wrong value beside its field, tied to it for screen readers.
    const price = page.locator(tid('tariff-field-e0-ENERGY-price'));
    await setField(price, '-1');
    await expectText(page, tid('tariff-error-e0-ENERGY-price'), /must not be negative/, "the form's message");
    const errorId = await page.locator(tid('tariff-error-e0-ENERGY-price')).getAttribute('id');
    assert.equal(await price.getAttribute('aria-invalid'), 'true');
    assert.ok((await price.getAttribute('aria-describedby'))?.split(' ').includes(errorId), 'the message describes the field');
    await setField(price, '0.40');

    // What the JSON view sends unchecked, the server judges: its problem detail is shown.
    await page.locator(tid('tariff-json-toggle')).click();
    const json = JSON.parse(await page.locator(tid('tariff-json')).inputValue());
    assert.equal(json.elements[0].price_components[0].price, '0.40', 'the JSON view shows the form');
    json.elements[0].restrictions = { min_kwh: '5', max_kwh: '2' };
    await setField(page.locator(tid('tariff-json')), JSON.stringify(json, null, 2));
    await expectText(page, tid('tariff-server-error'), /min_kwh must be less than max_kwh/, "the server's message");
    // Back in the form the restriction is a field of its own, with the form's message.
    await page.locator(tid('tariff-json-toggle')).click();
    await expectText(page, tid('tariff-error-e0-max_kwh'), /more than min/, 'the message of the restriction');
    await setField(page.locator(tid('tariff-field-e0-min_kwh')), '');
    await setField(page.locator(tid('tariff-field-e0-max_kwh')), '');
    await expectText(page, tid('tariff-preview-total'), /3[.,]47/, 'the preview after the fix');
    await expectState(page, tid('tariff-server-error'), 'the server message gone', { state: 'hidden' });

    await page.locator(tid('tariff-save')).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    await expectText(page, tid('tariff-saved'), /UI-FORM, version 1/, 'the saved notice');
    await expectState(page, tid('tariff-row', { 'tariff-id': 'UI-FORM' }), 'the new tariff in the list');
    const saved = await api('GET', '/tariffs/UI-FORM');
    assert.equal(saved.status, 200, saved.describe);
    assert.equal(saved.json.currency, 'EUR', saved.describe);
    assert.equal(saved.json.vat_percent, '19', saved.describe);
    assert.deepEqual(saved.json.elements, [{ price_components: [{ type: 'ENERGY', price: '0.40', step_size: 1 }] }], saved.describe);

    // And deleted again, after a question.
    await page.locator(tid('tariff-row', { 'tariff-id': 'UI-FORM' })).locator(tid('tariff-delete')).click();
    await page.locator(tid('tariff-delete-confirm')).click();
    await expectText(page, tid('tariff-deleted'), /Deleted tariff UI-FORM/, 'the deleted notice');
    await expectState(page, tid('tariff-row', { 'tariff-id': 'UI-FORM' }), 'the tariff gone from the list', { state: 'detached' });
    assert.equal((await api('GET', '/tariffs/UI-FORM')).status, 404, 'the tariff is gone');
  });

  // 5b ----------------------------------------------------------------------------------
  uiTest('an admin edits a station, reserves and cancels by keyboard-friendly dialogs, and manages id tokens', async () => {
    const id = 'UI-ADMIN-16';
    const tag = 'UI-RESERVE-TAG';
    await createIdToken(tag);
    const cp = await charger(id, 'ocpp1.6', { create: { location: 'Depot E' } });
    const reserved = [];
    cp.client.handle('ReserveNow', ({ params }) => { reserved.push(params); return { status: 'Accepted' }; });
    cp.client.handle('CancelReservation', () => ({ status: 'Accepted' }));

    const page = await openTab({ role: 'admin' });
    await page.goto(uiUrl(`/stations/${id}`));
    await expectState(page, tid('station-page', { 'station-id': id }), 'the station page');
    await expectState(page, tid('station-online', { online: 'true' }), 'the station online');

    // A dialog takes focus when it opens, Escape closes it and focus returns to its opener.
    await page.locator(tid('station-edit')).click();
    await expectState(page, tid('station-field-name'), 'the edit form');
    assert.ok(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog'))), 'focus moved into the dialog');
    await page.keyboard.press('Escape');
    await page.locator('dialog').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'station-edit', 'focus back on the opener');

    await page.locator(tid('station-edit')).click();
    await setField(page.locator(tid('station-field-name')), 'Bay 5 (edited)');
    await setField(page.locator(tid('station-field-time_zone')), 'Europe/Berlin');
    await page.locator(tid('station-save')).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    await expectText(page, 'h1', /Bay 5 \(edited\)/, 'the new name in the header');
    const station = await api('GET', `/stations/${id}`);
    assert.equal(station.json.name, 'Bay 5 (edited)', station.describe);
    assert.equal(station.json.time_zone, 'Europe/Berlin', station.describe);
    assert.equal(station.json.location, 'Depot E', 'fields not in the form stay');

    // Reserve: the answer names the reservation and the list shows it active; cancel it.
    await page.locator(tid('cmd-reserve')).click();
    await setField(page.locator(tid('cmd-field-id_token')), tag);
    await page.locator(tid('cmd-submit')).click();
    await expectText(page, tid('cmd-result'), /Accepted[\s\S]*Reservation/, 'the reserve result');
    assert.equal(reserved.length, 1, 'the charger got one ReserveNow');
    assert.equal(reserved[0].idTag, tag, JSON.stringify(reserved[0]));
    await page.keyboard.press('Escape');
    await page.locator('dialog').waitFor({ state: 'detached' });
    const row = `${tid('reservation-row')}[data-state="active"]`;
    await expectState(page, row, 'the active reservation');
    await page.locator(row).locator(tid('reservation-cancel')).click();
    await page.locator(tid('reservation-cancel-confirm')).click();
    await expectState(page, `${tid('reservation-row')}[data-state="cancelled"]`, 'the reservation cancelled');
    await screenshot(page, 'station-admin.png');

    // Plans: a form (not JSON); a wrong field is named, the plan saved is what the form says.
    await page.goto(uiUrl('/billing/plans'));
    await expectState(page, tid('plan-new'), 'the plans tab');
    await page.locator(tid('plan-new')).click();
    await setField(page.locator(tid('plan-field-id')), 'UI-P1');
    await setField(page.locator(tid('plan-field-name')), 'Commuter');
    await setField(page.locator(tid('plan-field-monthlyFee')), '9.90');
    await setField(page.locator(tid('plan-field-currency')), 'EUR');
    await setField(page.locator(tid('plan-field-includedKwh')), '50.5');
    await setField(page.locator(tid('plan-field-discountPercent')), '150');
    await page.locator(tid('plan-save')).click();
    await expectText(page, '.dialog-message', /Discount is a percentage from 0 to 100/, 'the discount refused');
    await setField(page.locator(tid('plan-field-discountPercent')), '12.5');
    await page.locator(tid('plan-save')).click();
    await expectState(page, tid('plan-row', { 'plan-id': 'UI-P1' }), 'the new plan row');
    const plan = await api('GET', '/plans/UI-P1');
    assert.equal(plan.status, 200, plan.describe);
    assert.equal(plan.json.name, 'Commuter', plan.describe);
    assert.equal(plan.json.included_energy_wh, 50500, plan.describe);
    assert.equal(Number(plan.json.discount_percent), 12.5, plan.describe);
    assert.equal(Number(plan.json.monthly_fee), 9.9, plan.describe);
    assert.equal(plan.json.tariff_id ?? null, null, plan.describe);
    await page.locator(tid('plan-row', { 'plan-id': 'UI-P1' })).locator(tid('plan-edit')).click();
    assert.equal(await page.locator(tid('plan-field-includedKwh')).inputValue(), '50.5', 'the form shows the stored kWh');
    await setField(page.locator(tid('plan-field-includedKwh')), '75');
    await page.locator(tid('plan-save')).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    const edited = await api('GET', '/plans/UI-P1');
    assert.equal(edited.json.included_energy_wh, 75000, edited.describe);
    assert.equal(edited.json.name, 'Commuter', 'the fields not changed stay');

    // Id tokens: the nav entry, create, edit.
    const owner = await api('POST', '/customers', { id: 'UI-C2', name: 'Grace Hopper', time_zone: 'UTC' });
    assert.equal(owner.status, 201, owner.describe);
    await page.locator(tid('nav-id-tokens')).click();
    await expectState(page, tid('id-token-new'), 'the id tokens page');
    await page.locator(tid('id-token-new')).click();
    await setField(page.locator(tid('id-token-field-token')), 'UI-NEW-CARD');
    await setField(page.locator(tid('id-token-field-customer_id')), 'UI-C2');
    await page.locator(tid('id-token-save')).click();
    await expectState(page, tid('id-token-row', { token: 'UI-NEW-CARD', status: 'Accepted' }), 'the new token row');
    await page.locator(tid('id-token-row', { token: 'UI-NEW-CARD' })).locator(tid('id-token-edit')).click();
    await setField(page.locator(tid('id-token-field-status')), 'Blocked');
    await page.locator(tid('id-token-save')).click();
    await expectState(page, tid('id-token-row', { token: 'UI-NEW-CARD', status: 'Blocked' }), 'the token blocked');
    const token = await api('GET', '/id-tokens/UI-NEW-CARD');
    assert.equal(token.json.status, 'Blocked', token.describe);
    assert.equal(token.json.customer_id, 'UI-C2', token.describe);
    assert.equal(token.json.max_concurrent_sessions, 1, token.describe);

    // The navigation is reachable by keyboard: Tab from the top of a freshly loaded page reaches it.
    await page.reload();
    await expectState(page, tid('id-token-row'), 'the id tokens after a reload');
    let reached = false;
    for (let i = 0; i < 6 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => (document.activeElement?.getAttribute('data-testid') ?? '').startsWith('nav-'));
    }
    assert.ok(reached, 'a nav link takes focus within a few Tabs');
    assert.equal(cp.chargeError, undefined);
  });

  // 6 -----------------------------------------------------------------------------------
  uiTest('the analytics heatmap renders the seeded session in its local hour', async () => {
    const id = 'UI-BERLIN-201';
    const zone = 'Europe/Berlin';
    const tag = 'UI-HEAT-TAG';
    await createIdToken(tag);
    // Two days ago, 16:10 to 16:50 Berlin time (15:10 or 14:10 UTC): no DST change near it.
    const day = localParts(new Date(Date.now() - 2 * 86_400_000), zone);
    const start = zonedInstant(zone, day.year, day.month, day.day, 16, 10);
    const at = (min) => new Date(start.getTime() + min * 60_000).toISOString();
    const local = localParts(start, zone);
    const utcHour = start.getUTCHours();
    const utcDow = ((start.getUTCDay() + 6) % 7) + 1;
    assert.equal(local.hour, 16);

    const cp = await charger(id, 'ocpp2.0.1', { create: { time_zone: zone, location: 'Alexanderplatz, Berlin' } });
    await cp.status(1, 'Occupied', at(0));
    const tx = await cp.startTx({ idToken: tag, at: at(0), meterStartWh: 500 });
    for (let m = 10; m <= 30; m += 10) await cp.meter(tx, { at: at(m), energyWh: 500 + m * 180, powerW: 10800 });
    await cp.stopTx(tx, { at: at(40), energyWh: 500 + 40 * 180 });
    await cp.status(1, 'Available', at(40));

    // The rollup has it (what the heatmap reads).
    const from = new Date(start.getTime() - 86_400_000).toISOString();
    const report = await waitFor('the peak-hours rollup of the seeded session', async () => {
      const r = await api('GET', `/analytics/peak-hours?station=${id}&from=${encodeURIComponent(from)}`);
      return r.json?.rows?.find((row) => row.weekday === local.weekday && row.hour === 16 && row.sessions_started > 0) ? r : null;
    }, 20_000);
    assert.ok(report);

    // The heatmap's data-dow: 0 = Monday ... 6 = Sunday (the report's ISO weekday minus one).
    const dow = local.weekday - 1;
    const page = await openTab({ role: 'admin' });
    await page.goto(uiUrl('/analytics'));
    await expectState(page, tid('analytics-report'), 'the report picker');
    if (!(await page.locator(tid('heatmap')).count())) await page.locator(tid('analytics-report')).selectOption('peak-hours');
    await expectState(page, tid('heatmap'), 'the heatmap');
    const cell = tid('heat-cell', { dow, hour: local.hour });
    await expectState(page, cell, `the cell of dow ${dow} hour ${local.hour}`);
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-value')) > 0, cell, { timeout: LIVE_MS })
      .catch(async () => {
        const v = await page.locator(cell).getAttribute('data-value');
        const hot = await page.locator(`${tid('heat-cell')}:not([data-value="0"])`).evaluateAll((els) =>
          els.map((e) => `${e.dataset.dow}/${e.dataset.hour}=${e.dataset.value}`));
        assert.fail(`heat cell ${dow}/${local.hour} (Berlin local) has data-value ${v}; non-zero cells: ${hot.join(' ')}`);
      });
    if (utcHour !== local.hour || utcDow !== local.weekday) {
      const utcCell = tid('heat-cell', { dow: utcDow - 1, hour: utcHour });
      const v = await page.locator(utcCell).getAttribute('data-value');
      assert.equal(Number(v), 0, `the UTC hour's cell ${utcDow - 1}/${utcHour} must stay empty, has ${v}`);
    }
    await screenshot(page, 'analytics-heatmap.png');

    // The energy and utilization reports: the fleet chart and each station's row over the
    // range, both summed by the server (group=fleet, group=station): 40 minutes x 180 Wh.
    const ymd = (d) => d.toISOString().slice(0, 10);  // the browser runs in UTC here
    const range = `station=${id}&from=${ymd(new Date(start.getTime() - 86_400_000))}&to=${ymd(new Date())}`;
    const requests = [];
    page.on('request', (r) => { if (r.url().includes('/api/v1/analytics/')) requests.push(r.url()); });
    await page.goto(uiUrl(`/analytics?report=energy&${range}`));
    const energyRow = `${tid('analytics-table')} tbody tr:has-text("${id}")`;
    await expectState(page, energyRow, 'the station\'s energy row');
    const energyText = await page.locator(energyRow).first().textContent();
    assert.match(energyText, /7\.20\s*kWh/, 'the station\'s energy over the range');
    assert.ok(requests.some((u) => u.includes('/energy?') && u.includes('group=fleet')), requests.join('\n'));
    assert.ok(requests.some((u) => u.includes('/energy?') && u.includes('group=station')), requests.join('\n'));
    await page.goto(uiUrl(`/analytics?report=utilization&${range}`));
    const utilizationRow = `${tid('analytics-table')} tbody tr:has-text("${id}")`;
    await expectState(page, utilizationRow, 'the station\'s utilization row');
    const cells = await page.locator(utilizationRow).first().locator('td').allTextContents();
    assert.equal(cells[1], '1', `one connector: ${cells.join(' | ')}`);  // Station, Connectors, Occupied, Charging, Sessions
    assert.equal(cells[4], '1', `one session: ${cells.join(' | ')}`);
    assert.notEqual(cells[2], '0.0 %', `occupied 40 minutes: ${cells.join(' | ')}`);
  });

  // 7 -----------------------------------------------------------------------------------
  uiTest('an operator sets a variable monitor from the station page, and the monitoring report the station sends shows under its reports', async () => {
    const id = 'UI-MON-201';
    const cp = await charger(id, 'ocpp2.0.1', { create: { location: 'Depot M' } });
    const monitors = [];
    cp.client.handle('SetVariableMonitoring', ({ params }) => {
      monitors.push(...params.setMonitoringData);
      return { setMonitoringResult: params.setMonitoringData.map((m, i) => ({ id: 40 + i, status: 'Accepted', type: m.type, severity: m.severity, component: m.component, variable: m.variable })) };
    });
    const asked = [];
    cp.client.handle('GetMonitoringReport', ({ params }) => {
      asked.push(params);
      // The report follows the answer, as a station sends it.
      setTimeout(() => cp.call('NotifyMonitoringReport', {
        requestId: params.requestId, seqNo: 0, generatedAt: new Date().toISOString(),
        monitor: [{ component: { name: 'EVSE' }, variable: { name: 'Power' }, variableMonitoring: [{ id: 40, transaction: false, value: 22000.5, type: 'UpperThreshold', severity: 4 }] }],
      }).catch((err) => { cp.reportError = err; }), 200);
      return { status: 'Accepted' };
    });

    const page = await openTab({ role: 'operator' });
    await page.goto(uiUrl(`/stations/${id}`));
    await expectState(page, tid('station-online', { online: 'true' }), 'the station online');
    await page.locator(`${tid('station-reports')} > summary`).click();
    await expectText(page, tid('station-reports'), /Nothing reported yet/, 'the empty reports');

    await page.locator(tid('cmd-set-variable-monitoring')).click();
    await setField(page.locator(tid('cmd-field-key')), 'EVSE.Power');
    await setField(page.locator(tid('cmd-field-value')), 'lots');
    await page.locator(tid('cmd-submit')).click();
    await expectText(page, tid('cmd-result'), /Value must be a number/, 'a wrong value named before sending');
    assert.equal(monitors.length, 0, 'nothing sent while the form is wrong');
    await setField(page.locator(tid('cmd-field-value')), '22000.5');
    await page.locator(tid('cmd-submit')).click();
    await expectText(page, tid('cmd-result'), /Accepted/, 'the monitor result');
    assert.deepEqual(monitors.map((m) => [m.component.name, m.variable.name, m.type, m.value, m.severity]), [['EVSE', 'Power', 'UpperThreshold', 22000.5, 4]], JSON.stringify(monitors));
    await page.keyboard.press('Escape');
    await page.locator('dialog').waitFor({ state: 'detached' });

    await page.locator(tid('cmd-get-monitoring-report')).click();
    await page.locator(tid('cmd-submit')).click();
    await expectText(page, tid('cmd-result'), /Accepted/, 'the report request result');
    assert.equal(asked.length, 1, 'the charger got one GetMonitoringReport');
    await page.keyboard.press('Escape');
    await page.locator('dialog').waitFor({ state: 'detached' });
    // The report arrives after the answer; the section looks again by itself.
    await expectState(page, `${tid('report-row')}[data-kind="NotifyMonitoringReport"]`, 'the monitoring report under the station reports');
    assert.equal(cp.reportError, undefined, `NotifyMonitoringReport: ${cp.reportError?.message}`);
    await expectText(page, `${tid('report-row')}[data-kind="NotifyMonitoringReport"]`, /requestId/, 'the report content');
    await screenshot(page, 'station-reports.png');

    // A log upload: asked from the station page, uploaded by the station, followed and downloaded
    // from Operations → File transfers.
    const logs = [];
    cp.client.handle('GetLog', ({ params }) => { logs.push(params); return { status: 'Accepted', filename: 'diag.log' }; });
    await page.locator(tid('cmd-get-diagnostics')).click();
    await page.locator(tid('cmd-submit')).click();
    await expectText(page, tid('cmd-result'), /Accepted[\s\S]*File transfer/, 'the log request result');
    assert.equal(logs.length, 1, 'the charger got one GetLog');
    const upload = await fetch(`${logs[0].log.remoteLocation.replace(/\/$/, '')}/diag.log`, { method: 'PUT', body: 'boot ok\nmeter ok\n' });
    assert.ok(upload.ok, `the upload: HTTP ${upload.status}`);
    await cp.call('LogStatusNotification', { status: 'Uploaded', requestId: logs[0].requestId });
    await page.locator(tid('cmd-transfer-link')).click();
    const transfer = `${tid('transfer-row')}[data-state="succeeded"]`;
    await expectState(page, transfer, 'the succeeded log transfer');
    const [log] = await Promise.all([page.waitForEvent('download'), page.locator(transfer).locator(tid('transfer-download')).click()]);
    assert.equal(readFileSync(await log.path(), 'utf8'), 'boot ok\nmeter ok\n', 'the uploaded log, downloaded');
  });

  uiTest('an admin runs operations: a site and its load, a charging profile installed and cleared, a maintenance window, a firmware image, a fleet job, the audit log', async () => {
    const id = 'UI-OPS-201';
    const cp = await charger(id, 'ocpp2.0.1', { create: { location: 'Depot O' } });
    const profiles = [];
    cp.client.handle('SetChargingProfile', ({ params }) => { profiles.push(params); return { status: 'Accepted' }; });
    cp.client.handle('ClearChargingProfile', () => ({ status: 'Accepted' }));
    const triggered = [];
    cp.client.handle('TriggerMessage', ({ params }) => { triggered.push(params); return { status: 'Accepted' }; });

    const page = await openTab({ role: 'admin' });
    await page.goto(uiUrl('/operations'));
    await expectState(page, `${tid('ops-tab-sites')}[aria-current="page"]`, 'the sites tab by default');

    // A site: the form names a wrong limit, then creates it; its load shows.
    await page.locator(tid('site-new')).click();
    await setField(page.locator(tid('site-field-id')), 'UI-SITE');
    await setField(page.locator(tid('site-field-limit')), 'lots');
    await page.locator(tid('site-save')).click();
    await expectText(page, 'dialog', /must be a number/, 'a wrong limit named');
    await setField(page.locator(tid('site-field-limit')), '32');
    await setField(page.locator(tid('site-field-schedule')), '22:00 40\n7:00 25');
    await page.locator(tid('site-save')).click();
    await expectText(page, 'dialog', /line 2: “7:00 25” is not/, 'a wrong time-of-day line named');
    await setField(page.locator(tid('site-field-schedule')), '22:00 40\n07:00 25');
    await page.locator(tid('site-save')).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    await expectState(page, tid('site-row', { 'site-id': 'UI-SITE' }), 'the new site');
    await expectText(page, tid('site-row', { 'site-id': 'UI-SITE' }), /07:00 25 A · 22:00 40 A/, 'its time-of-day limits');
    const siteDoc = await api('GET', '/sites/UI-SITE');
    assert.equal(siteDoc.json?.limit_a, 32, siteDoc.describe);
    assert.deepEqual(siteDoc.json?.schedule, [{ from: '07:00', limit_a: 25 }, { from: '22:00', limit_a: 40 }], siteDoc.describe);
    await page.locator(tid('site-row', { 'site-id': 'UI-SITE' })).locator(tid('site-load')).click();
    // The limit in force now (the site's zone is UTC): 25 A from 07:00 (a drop applies 2 minutes
    // early), 40 A from 22:00.
    const minute = new Date().getUTCHours() * 60 + new Date().getUTCMinutes();
    const now = minute >= 7 * 60 - 2 && minute < 22 * 60 ? 25 : 40;
    await expectText(page, tid('site-load-card', { 'site-id': 'UI-SITE' }), new RegExp(`Limit per phase\\s*${now} A`), 'the site load with the limit in force now');

    // A charging profile for the station, accepted by it, then cleared.
    await page.locator(tid('ops-tab-profiles')).click();
    await page.locator(tid('profile-new')).click();
    await setField(page.locator(tid('profile-field-station_id')), id);
    await setField(page.locator(tid('profile-field-limit')), '10');
    await page.locator(tid('profile-save')).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    const installed = `${tid('profile-row')}[data-state="installed"]`;
    await expectState(page, installed, 'the installed profile');
    assert.equal(profiles.length, 1, 'the charger got one SetChargingProfile');
    assert.equal(profiles[0].chargingProfile.chargingSchedule[0].chargingSchedulePeriod[0].limit, 10, JSON.stringify(profiles[0]));
    await page.locator(installed).locator(tid('profile-clear')).click();
    await page.locator(tid('profile-clear-confirm')).click();
    await expectState(page, `${tid('profile-row')}[data-state="cleared"]`, 'the cleared profile');

    // A maintenance window for the station.
    await page.locator(tid('ops-tab-maintenance')).click();
    await page.locator(tid('maintenance-new')).click();
    await setField(page.locator(tid('maintenance-field-station_id')), id);
    await setField(page.locator(tid('maintenance-field-reason')), 'connector swap');
    await page.locator(tid('maintenance-save')).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    await expectText(page, tid('maintenance-row', { 'station-id': id }), /connector swap/, 'the maintenance window');

    // A firmware image: its metadata and bytes in one form.
    await page.locator(tid('ops-tab-firmware')).click();
    await page.locator(tid('firmware-new')).click();
    await setField(page.locator(tid('firmware-field-version')), 'ui-9.9.9');
    await page.locator(tid('firmware-field-file')).setInputFiles({ name: 'ui fw 9.9.9.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4096, 7) });
    await page.locator(tid('firmware-save')).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    await expectState(page, `${tid('firmware-row')}[data-uploaded="true"]`, 'the uploaded firmware image');
    const images = await api('GET', '/firmware');
    const image = images.json?.items?.find((f) => f.version === 'ui-9.9.9');
    assert.equal(image?.size_bytes, 4096, images.describe);
    assert.equal(image?.file_name, 'ui_fw_9.9.9.bin', 'the file name as the server serves names');

    // A fleet job: one command to a list of stations, followed to its end.
    await page.locator(tid('ops-tab-jobs')).click();
    await page.locator(tid('job-new')).click();
    await setField(page.locator(tid('job-field-body')), '{"message": "Heartbeat"}');
    await setField(page.locator(tid('job-field-stations')), id);
    await page.locator(tid('job-save')).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    await expectState(page, tid('job-row'), 'the new job');
    // The list follows a running job by itself.
    await markDocument(page);
    await expectState(page, `${tid('job-row')}[data-state="completed"]`, 'the job completed, without a reload');
    await assertNotReloaded(page);
    await expectText(page, `${tid('job-row')}[data-state="completed"] ${tid('job-progress')}`, /100\.0 % of 1/, 'the job\'s progress');
    assert.deepEqual(triggered.map((t) => t.requestedMessage), ['Heartbeat'], 'the charger got the job\'s TriggerMessage');
    await page.locator(`${tid('job-row')}[data-state="completed"]`).first().locator(tid('job-stations')).click();
    await expectState(page, tid('job-station-row', { state: 'succeeded' }), 'the station succeeded in the job');
    await screenshot(page, 'operations-jobs.png');

    // The audit log has the site's creation.
    await page.locator(tid('ops-tab-audit')).click();
    await expectText(page, tid('audit-row'), /\/api\/v1\//, 'the audit log');
    await setField(page.locator(tid('audit-target')), 'sites');
    await page.locator(tid('audit-target')).press('Enter');
    await expectText(page, tid('audit-row'), /POST \/api\/v1\/sites/, 'the site creation in the audit log');

    // The station's own actions: a new password (shown once), frame logging, its status history.
    cp.client.handle('SetVariables', ({ params }) => ({ setVariableResult: params.setVariableData.map((v) => ({ attributeStatus: 'Accepted', component: v.component, variable: v.variable })) }));
    await page.goto(uiUrl(`/stations/${id}`));
    await expectState(page, tid('station-online', { online: 'true' }), 'the station online');
    await page.locator(tid('station-rotate-password')).click();
    await page.locator(tid('station-rotate-confirm')).click();
    await expectText(page, tid('station-new-password-value'), /^\S{20}$/, 'the new password, shown once');
    await page.keyboard.press('Escape');
    await page.locator('dialog').waitFor({ state: 'detached' });
    // The new password counts once the station connects with it.
    assert.equal((await api('GET', `/stations/${id}`)).json?.password_rotation_pending, true, 'the rotation waits for the station to connect with it');
    await page.locator(tid('station-frame-logging')).click();
    await page.locator(tid('station-frame-logging-save')).click();
    await expectText(page, tid('station-frame-logging-result'), /is on for/, 'frame logging on');
    await page.keyboard.press('Escape');
    await page.locator('dialog').waitFor({ state: 'detached' });
    await page.locator(`${tid('station-status-history')} > summary`).click();
    await expectState(page, tid('status-history-row', { status: 'Available' }), 'the status history');

    // A station registered ahead of its first connection, then deleted.
    await page.goto(uiUrl('/stations'));
    await page.locator(tid('station-new')).click();
    await setField(page.locator(tid('station-new-id')), 'UI NEW');
    await page.locator(tid('station-new-save')).click();
    await expectText(page, 'dialog', /without spaces/, 'a wrong id named');
    await setField(page.locator(tid('station-new-id')), 'UI-NEW-1');
    await setField(page.locator(tid('station-new-name')), 'Bay to be');
    await page.locator(tid('station-new-save')).click();
    await expectState(page, tid('station-page', { 'station-id': 'UI-NEW-1' }), 'the new station\'s page');
    await page.locator(tid('station-delete')).click();
    await page.locator(tid('station-delete-confirm')).click();
    await expectState(page, tid('station-row'), 'back on the station list');
    assert.equal((await api('GET', '/stations/UI-NEW-1')).status, 404, 'the station is gone');
  });

  uiTest('a viewer sees no command buttons and no alert buttons', async () => {
    const id = 'UI-VIEW-16';
    const cp = await charger(id, 'ocpp1.6', { create: { location: 'Depot D' } });
    await cp.status(1, 'Faulted');
    await waitFor('the open alert of the viewer test', async () => {
      const r = await api('GET', `/alerts?station=${id}`);
      return r.json?.items?.some((a) => a.station_id === id && a.state === 'open');
    });

    const page = await openTab({ role: 'viewer' });
    await page.goto(uiUrl(`/stations/${id}`));
    await expectText(page, tid('whoami'), /\bviewer\b/, 'whoami of the viewer');
    await expectState(page, tid('station-page', { 'station-id': id }), 'the station page');
    await expectState(page, tid('connector', { 'evse-id': 1, 'connector-id': 1, status: 'Faulted' }), 'the faulted connector');
    // The station's own alert list shows the alert, without buttons.
    await expectState(page, tid('alert-row', { 'station-id': id, state: 'open' }), 'the alert on the station page');
    await page.locator(tid('loading')).first().waitFor({ state: 'detached', timeout: LIVE_MS }).catch(() => {});
    const commands = await page.locator('[data-testid^="cmd-"]').evaluateAll((els) => els.map((e) => e.dataset.testid));
    assert.deepEqual(commands, [], 'command elements a viewer must not see');
    assert.equal(await page.locator(`${tid('alert-ack')}, ${tid('alert-resolve')}`).count(), 0, 'alert buttons on the station page');
    // Every folded section opened (certificates, local list, variables...): still nothing that writes.
    await page.locator('details.card:not([open]) > summary').evaluateAll((els) => els.forEach((el) => el.click()));
    await expectState(page, `${tid('certificates')}[open] table`, 'the certificates section, opened and loaded');
    await page.locator(tid('loading')).first().waitFor({ state: 'detached', timeout: LIVE_MS });
    const writes = (ids) => ids.map((t) => tid(t)).join(', ');
    assert.equal(await page.locator(writes(['station-edit', 'cert-revoke', 'cert-revoke-serial', 'reservation-cancel', 'station-actions', 'station-delete', 'station-rotate-password', 'station-frame-logging'])).count(), 0,
      'station edit, action, certificate and reservation buttons for a viewer');
    await screenshot(page, 'station-viewer.png');

    await page.goto(uiUrl('/stations'));
    await expectState(page, tid('station-row'), 'the station list');
    assert.equal(await page.locator(tid('station-new')).count(), 0, 'no New station for a viewer');

    // The sessions CSV holds every matching session, not only the rows on the screen: 620
    // ended sessions of one station (the list shows 100, the CSV asks 500 at a time).
    assert.equal((await api('POST', '/stations', { id: 'UI-CSV-16' })).status, 201, 'the CSV station');
    psql(server.dbUrl, `INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, connector_id, started_at, stopped_at, meter_start_wh, meter_stop_wh)
      SELECT 'UI-CSV-16', 'ocpp1.6', 'csv-' || i, 1, 1, now() - make_interval(hours => i + 1), now() - make_interval(hours => i) - interval '30 minutes', 0, 1000 * i
      FROM generate_series(1, 620) i`);
    await page.goto(uiUrl('/sessions?station=UI-CSV-16'));
    await expectState(page, tid('session-row'), 'the sessions');
    assert.equal(await page.locator(tid('session-row')).count(), 100, 'the list shows a page of 100');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid('sessions-csv')).click()]);
    const text = readFileSync(await download.path(), 'utf8');
    const lines = text.trim().split(/\r?\n/);
    assert.match(lines[0], /^[a-z_]+(,[a-z_]+)+$/, 'a header of column names');
    assert.equal(lines.length - 1, 620, `one CSV row per matching session: ${text.slice(0, 300)}`);
    assert.equal(new Set(lines.slice(1).map((l) => l.split(',')[0])).size, 620, 'each session once');
    await expectText(page, tid('sessions-csv-note'), /all 620 matching/, 'what the CSV holds');

    await page.goto(uiUrl('/alerts'));
    await expectState(page, tid('alert-row', { 'station-id': id, state: 'open' }), 'the open alert row');
    assert.equal(await page.locator(`${tid('alert-ack')}, ${tid('alert-resolve')}`).count(), 0, 'alert buttons for a viewer');

    await page.goto(uiUrl('/id-tokens'));
    await expectState(page, tid('id-token-row'), 'the id tokens, read-only');
    assert.equal(await page.locator(`${tid('id-token-new')}, ${tid('id-token-edit')}, ${tid('id-token-delete')}`).count(), 0, 'id token buttons for a viewer');

    await page.goto(uiUrl('/billing/tariffs'));
    await expectState(page, tid('tariff-row'), 'the tariffs, read-only');
    assert.equal(await page.locator(`${tid('tariff-new')}, ${tid('tariff-edit')}`).count(), 0, 'tariff buttons for a viewer');
    for (const [tab, row, buttons] of [['plans', 'plan-row', ['plan-new', 'plan-edit']],
      ['customers', 'customer-row', ['customer-new', 'customer-edit', 'customer-delete']],
      ['invoices', 'invoice-row', ['invoice-generate']]]) {
      await page.goto(uiUrl(`/billing/${tab}`));
      await expectState(page, tid(row), `the ${tab}, read-only`);
      assert.equal(await page.locator(writes(buttons)).count(), 0, `${tab} buttons for a viewer`);
    }

    await page.goto(uiUrl('/rules'));
    await expectState(page, tid('rule-card'), 'the fault rules, read-only');
    assert.equal(await page.locator(tid('rule-save')).count(), 0, 'rule save buttons for a viewer');

    // The tariff what-if is an operator's: a viewer is told so, and has nothing to press (its
    // request would be refused, and a 403 ends the session).
    await page.goto(uiUrl('/analytics?report=what-if'));
    await expectText(page, tid('whatif-role'), /operators and admins/, 'the what-if note for a viewer');
    assert.equal(await page.locator(tid('whatif-run')).count(), 0, 'the what-if button for a viewer');
    await expectText(page, tid('whoami'), /\bviewer\b/, 'still signed in');

    // Operations: every list, nothing to create, change or delete; no audit log.
    for (const [tab, buttons] of [['sites', ['site-new', 'site-edit', 'site-delete']], ['profiles', ['profile-new', 'profile-clear']],
      ['firmware', ['firmware-new', 'firmware-upload', 'firmware-delete']], ['jobs', ['job-new', 'job-cancel']], ['maintenance', ['maintenance-new', 'maintenance-delete']]]) {
      await page.goto(uiUrl(`/operations/${tab}`));
      await expectState(page, `${tid(`ops-tab-${tab}`)}[aria-current="page"]`, `the ${tab} tab`);
      await page.locator(tid('loading')).first().waitFor({ state: 'detached', timeout: LIVE_MS });
      assert.equal(await page.locator(writes(buttons)).count(), 0, `${tab} buttons for a viewer`);
    }
    assert.equal(await page.locator(tid('ops-tab-audit')).count(), 0, 'no audit tab for a viewer');
  });

  // 8 -----------------------------------------------------------------------------------
  uiTest('the API reference at /api/docs renders from this server alone', async () => {
    const page = await openTab({ role: 'viewer' });
    // Every request the page starts, and how it ended: Redoc's bundle names a logo on its CDN,
    // which the server's Content-Security-Policy must block before it leaves the browser.
    const asked = [];
    page.on('request', (request) => asked.push(request));
    await page.goto(`${server.apiBase}/api/docs`);
    await expectText(page, 'h1', /CSMS admin API/, 'the reference\'s title');
    await expectText(page, 'body', /List stations/, 'an operation of the document');
    await sleep(500);
    const elsewhere = asked.filter((r) => !r.url().startsWith('data:') && new URL(r.url()).origin !== server.apiBase);
    const reached = [];
    for (const r of elsewhere) {
      const failure = r.failure()?.errorText ?? '';
      if (!/^csp$|BLOCKED_BY_CSP/i.test(failure)) reached.push(`${r.url()} (${failure || 'not blocked'})`);
    }
    assert.deepEqual(reached, [], 'no request to another origin got past the CSP (no CDN)');
    await screenshot(page, 'api-docs.png');
  });

  uiTest('a 401 takes the user back to sign-in with a message', async () => {
    const page = await openTab({ token: 'expired-or-revoked-token' });
    await page.goto(uiUrl('/stations'));
    await expectState(page, tid('signin-token'), 'the sign-in form after a 401');
    await expectText(page, tid('signin-message'), /\S/, 'the sign-in message after a 401');
    assert.equal(await page.locator(tid('whoami')).count(), 0, 'no whoami');
    assert.equal(await page.locator(tid('station-row')).count(), 0, 'no station rows');
  });

  // Figures and screenshots ---------------------------------------------------------------
  const pages = [
    { page: 'overview', route: '/overview', ready: `${tid('ov-online')}`, shot: 'overview.png', text: /\d/ },
    { page: 'stations', route: '/stations', ready: tid('station-row'), shot: 'stations.png' },
    { page: 'station', route: `/stations/${liveStation}`, ready: `${tid('power-chart')}:not([data-points="0"])`, shot: 'station.png' },
    { page: 'sessions', route: '/sessions', ready: tid('session-row'), shot: 'sessions.png' },
    { page: 'alerts', route: '/alerts', ready: tid('alert-row'), shot: 'alerts.png' },
    { page: 'rules', route: '/rules', ready: tid('rule-card'), shot: 'rules.png' },
    { page: 'billing', route: '/billing/invoices', ready: tid('invoice-row'), shot: 'billing.png' },
    { page: 'analytics', route: '/analytics?report=peak-hours', ready: `${tid('heat-cell')}:not([data-value="0"])`, shot: 'analytics.png' },
  ];
  uiTest('time to interactive of each page, and screenshots', async () => {
    for (const p of pages) {
      const page = await openTab({ role: 'admin' });
      let ms = null;
      try {
        await page.goto(uiUrl(p.route), { waitUntil: 'commit' });
        ms = await (await page.waitForFunction(([sel, src]) => {
          const el = document.querySelector(sel);
          if (!el) return false;
          if (src && !new RegExp(src).test(el.textContent)) return false;
          if (document.querySelector('[data-testid="loading"]')) return false;
          return performance.now();
        }, [p.ready, p.text?.source ?? null], { timeout: 30_000, polling: 'raf' })).jsonValue();
      } catch (err) {
        console.log(`${p.page}: ${p.ready} never rendered: ${await describePage(page)}`);
      }
      timings.push({ page: p.page, route: p.route, ms, ready: p.ready });
      await sleep(700); // let charts finish their transition
      await screenshot(page, p.shot);
      if (p.page === 'overview') {
        const phone = await openTab({ role: 'admin', viewport: PHONE });
        await phone.goto(uiUrl('/overview'));
        await expectState(phone, tid('ov-online'), 'the overview on a phone', { timeout: 30_000 });
        await sleep(700);
        await screenshot(phone, 'overview-phone.png');
        // Readable on a phone: the page fits the screen's width (no sideways scrolling).
        const widths = await phone.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
        assert.ok(widths.page <= widths.screen, `the overview is ${widths.page} px wide on a ${widths.screen} px phone`);
      }
      await page.context().close();
      openContexts.delete(page.context());
    }
    const missing = timings.filter((t) => t.ms === null).map((t) => t.page);
    assert.deepEqual(missing, [], 'pages that never showed their data');
  }, 300_000);
});

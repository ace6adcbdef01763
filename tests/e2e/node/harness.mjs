// What the node end-to-end tests share: the csms process, its REST API, and stations as
// ocpp-rpc (strict mode) sees them.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
function loadOcppRpc() {
  try {
    return require('ocpp-rpc');
  } catch (err) {
    throw new Error(`ocpp-rpc is not installed: run \`npm ci\` in ${new URL('.', import.meta.url).pathname} (${err.message})`);
  }
}
export const { RPCClient } = loadOcppRpc();

export const API_TOKEN = 'e2e-node-admin-token';

const BASE_DB_URL = process.env.CSMS_TEST_DATABASE_URL || 'postgresql://csms@127.0.0.1:54339/csms';
const STARTUP_TIMEOUT_MS = 30_000;
export const SHUTDOWN_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------
// The server process

export function databaseUrl(name) {
  const url = new URL(BASE_DB_URL);
  url.pathname = '/' + name;
  return url.toString();
}

export function psql(url, sql) {
  return execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function recreateDatabase(name) {
  const admin = databaseUrl('postgres');
  psql(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  psql(admin, `CREATE DATABASE "${name}"`);
}

export const server = {
  child: null,
  stderr: '',
  exit: null, // {code, signal} once it has exited
  exited: null, // promise resolved with `exit`
  ocppEndpoint: null, // ws://host:port/ocpp (the identity is appended by ocpp-rpc)
  tlsEndpoint: null, // wss://host:port/ocpp when the server has a TLS listener
  dbUrl: null,
  apiBase: null, // http://host:port
};

export function tail(text, lines = 60) {
  return text.split('\n').slice(-lines).join('\n');
}

// `dbName`: the database it (re)creates (kept with `keepDatabase`, for a restart); `env`:
// more CSMS_* settings.
export async function startServer({ dbName = 'csms_e2e_node', env = {}, keepDatabase = false } = {}) {
  const binary = process.env.CSMS_BINARY;
  assert.ok(binary, 'CSMS_BINARY must name the csms binary to test');
  assert.ok(existsSync(binary), `CSMS_BINARY=${binary} does not exist`);
  if (!keepDatabase) recreateDatabase(dbName);
  server.stderr = '';
  server.exit = null;
  server.dbUrl = databaseUrl(dbName);

  const child = spawn(binary, [], {
    env: {
      ...process.env,
      CSMS_DATABASE_URL: databaseUrl(dbName),
      CSMS_OCPP_LISTEN: '127.0.0.1:0',
      CSMS_API_LISTEN: '127.0.0.1:0',
      CSMS_API_TOKENS: `${API_TOKEN}:admin`,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  server.child = child;
  server.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      server.exit = { code, signal };
      resolve(server.exit);
    });
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    server.stderr += chunk;
    if (process.env.CSMS_E2E_VERBOSE === '1') process.stderr.write(chunk);
  });

  const ready = /ready: OCPP on (ws:\/\/\S+?)\/<stationId>(?: and (wss:\/\/\S+?)\/<stationId>)?, API on (https?:\/\/\S+)/;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`csms did not print its ready line within ${STARTUP_TIMEOUT_MS} ms; stderr:\n${tail(server.stderr)}`));
    }, STARTUP_TIMEOUT_MS);
    const onData = () => {
      const m = ready.exec(server.stderr);
      if (!m) return;
      server.ocppEndpoint = m[1];
      server.tlsEndpoint = m[2] ?? null;
      server.apiBase = m[3].replace(/\/+$/, '');
      cleanup();
      resolve();
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`csms exited during start-up (code ${code}, signal ${signal}); stderr:\n${tail(server.stderr)}`));
    };
    const onError = (err) => {
      cleanup();
      reject(new Error(`cannot start ${binary}: ${err.message}`));
    };
    function cleanup() {
      clearTimeout(timer);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.stderr.on('data', onData);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}

// ---------------------------------------------------------------------------------------
// REST

// SIGTERM, and waits for the exit.
export async function stopServer() {
  if (!server.child || server.exit) return;
  server.child.kill('SIGTERM');
  await server.exited;
}

export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${API_TOKEN}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${server.apiBase}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(45_000),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // left null: the assertion below shows the raw text
  }
  return { status: res.status, json, text, describe: `${method} ${path} -> ${res.status} ${text}` };
}

export async function createIdToken(token) {
  const r = await api('POST', '/id-tokens', { token, status: 'Accepted' });
  assert.equal(r.status, 201, r.describe);
  assert.equal(r.json.token, token, r.describe);
  assert.equal(r.json.status, 'Accepted', r.describe);
}

// ---------------------------------------------------------------------------------------
// OCPP

// A charger as ocpp-rpc sees it, recording every strict-mode failure (in either direction)
// so that tests can show the exact message the server got wrong.
// `options`: endpoint (default the ws:// one), password (HTTP Basic), wsOpts (TLS options
// of Node's https.request: ca, cert, key, ...).
export async function connectStation(identity, protocol, options = {}) {
  const client = new RPCClient({
    endpoint: options.endpoint ?? server.ocppEndpoint,
    identity,
    protocols: [protocol],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 15_000,
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.wsOpts ? { wsOpts: options.wsOpts } : {}),
  });
  const failures = [];
  client.on('strictValidationFailure', (e) => {
    failures.push({
      method: e.method,
      direction: e.outbound ? 'outbound' : 'inbound',
      kind: e.isCall ? 'CALL' : 'CALLRESULT',
      params: e.params,
      result: e.result,
      error: String(e.error?.message ?? e.error),
      details: e.error?.details,
    });
  });
  const badMessages = [];
  client.on('badMessage', (e) => badMessages.push({ buffer: e.buffer?.toString(), error: String(e.error) }));
  await client.connect();
  assert.equal(client.protocol, protocol, 'negotiated subprotocol');
  return { client, failures, badMessages };
}

// Calls `method`; a rejection (CALLERROR, or a reply that fails the official schema) is
// turned into an assertion error naming the request and what strict mode reported.
export async function call(station, method, params) {
  const before = station.failures.length;
  try {
    return await station.client.call(method, params);
  } catch (err) {
    const strict = station.failures.slice(before);
    const detail = {
      request: { method, params },
      error: { name: err.name, code: err.rpcErrorCode, message: err.message, details: err.details },
      strictValidationFailures: strict,
    };
    throw new assert.AssertionError({
      message: `${station.client.protocol} ${method} failed: ${JSON.stringify(detail, null, 2)}`,
    });
  }
}

export function isoNow() {
  return new Date().toISOString();
}

export function connectorStatus(station, evseId, connectorId) {
  const evse = (station.evses || []).find((e) => e.evse_id === evseId);
  const connector = evse?.connectors?.find((c) => c.connector_id === connectorId);
  return connector?.status;
}

export function assertNoProtocolViolations(station) {
  assert.deepEqual(station.failures, [], 'strict-mode validation failures');
  assert.deepEqual(station.badMessages, [], 'malformed RPC messages from the server');
}

// ---------------------------------------------------------------------------------------

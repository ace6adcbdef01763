// Opens N OCPP 1.6 connections to URL (ws:// or wss://, trusting CA), each sending one
// BootNotification, with at most CONCURRENCY handshakes in flight; keeps them open for HOLD
// seconds after the last one, then closes them. Prints one JSON line: how many were
// established and answered, the handshake rate (connect + TLS + upgrade + first answer), and
// per-connection handshake latency percentiles. Used by bench/connections_tls.sh.
//   node bench/tls_client.mjs URL N CONCURRENCY HOLD [CA_FILE]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/e2e/node/', import.meta.url));
const WebSocket = require('ws');
const [url, n, concurrency, hold, caFile] = process.argv.slice(2);
const N = Number(n);
const C = Number(concurrency);
const ca = caFile ? readFileSync(caFile) : undefined;

const sockets = [];
const latencies = [];
let failed = 0;
let next = 0;
const started = process.hrtime.bigint();

function open(i) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const ws = new WebSocket(`${url}/tlsb-${i}`, ['ocpp1.6'], { ca, perMessageDeflate: false });
    ws.on('open', () => {
      ws.send(JSON.stringify([2, `b${i}`, 'BootNotification', { chargePointVendor: 'B', chargePointModel: 'T' }]));
    });
    ws.once('message', () => {
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      sockets.push(ws);
      resolve();
    });
    ws.on('error', () => {
      failed += 1;
      resolve();
    });
  });
}

async function worker() {
  while (next < N) await open(next++);
}
await Promise.all(Array.from({ length: C }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] : 0);
console.error(`established ${sockets.length}, failed ${failed}, in ${seconds.toFixed(1)} s; holding ${hold} s`);
// The caller measures the server while they are open: it waits for this line on stdout.
console.log(JSON.stringify({
  established: sockets.length, failed, seconds,
  per_second: sockets.length / seconds,
  latency_ms: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) },
}));
await new Promise((r) => setTimeout(r, Number(hold) * 1000));
for (const ws of sockets) ws.terminate();

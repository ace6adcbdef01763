// Checks a running csms container from the host: /healthz and /readyz answer, a charger
// boots over OCPP 1.6 (ocpp-rpc in strict mode) and the REST API shows it online, which
// proves the container talks to its PostgreSQL; the dashboard and the API reference are served
// from the image's share/csms/ui. Usage: node docker/probe.mjs <api port> <ocpp port> <token>
import { createRequire } from 'node:module';
const require = createRequire(new URL('../tests/e2e/node/package.json', import.meta.url));
const { RPCClient } = require('ocpp-rpc');

const [apiPort, ocppPort, token] = process.argv.slice(2);
const api = (path) => fetch(`http://127.0.0.1:${apiPort}${path}`, { headers: { Authorization: `Bearer ${token}` } });

async function waitReady() {
  for (let i = 0; i < 60; i++) {
    try {
      if ((await api('/readyz')).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the container never became ready');
}

await waitReady();
if (!(await api('/healthz')).ok) throw new Error('/healthz failed');
const client = new RPCClient({ endpoint: `ws://127.0.0.1:${ocppPort}/ocpp`, identity: 'DOCKER-PROBE', protocols: ['ocpp1.6'], strictMode: true, reconnect: false });
await client.connect();
const boot = await client.call('BootNotification', { chargePointVendor: 'Probe', chargePointModel: 'Container' });
if (boot.status !== 'Accepted') throw new Error(`boot answered ${JSON.stringify(boot)}`);
const station = await (await api('/api/v1/stations/DOCKER-PROBE')).json();
if (!station.online || station.vendor !== 'Probe') throw new Error(`station not recorded: ${JSON.stringify(station)}`);
await client.close();

// The dashboard: its page, one hashed asset it names, and the API reference.
const page = await api('/ui/');
const html = await page.text();
if (!page.ok || !html.includes('<div id="app"')) throw new Error(`/ui/ answered ${page.status}: ${html.slice(0, 200)}`);
const asset = html.match(/assets\/[A-Za-z0-9._-]+\.js/);
if (!asset) throw new Error('/ui/ names no script under assets/');
const script = await api(`/ui/${asset[0]}`);
if (!script.ok || !(script.headers.get('content-type') ?? '').includes('javascript'))
  throw new Error(`/ui/${asset[0]} answered ${script.status} ${script.headers.get('content-type')}`);
const docs = await api('/api/docs');
if (!docs.ok) throw new Error(`/api/docs answered ${docs.status}`);
console.log('probe ok: healthz, readyz, charger booted and recorded in PostgreSQL, dashboard and API reference served');

// Security profiles 2 and 3 over wss:// against the real csms binary, with ocpp-rpc as the
// charger (strict mode) and Node's TLS stack: a CA, server (RSA and ECDSA) and station
// certificates are made here with the openssl command.
//
// Environment: as ocpp_rpc.test.mjs (CSMS_BINARY, CSMS_TEST_DATABASE_URL).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import net from 'node:net';
import crypto from 'node:crypto';
import https from 'node:https';
import {
  server, startServer, stopServer, api, connectStation, call, assertNoProtocolViolations, tail,
} from './harness.mjs';

const CSO = 'ACME Charging';
const dir = mkdtempSync(join(tmpdir(), 'csms-tls-'));
const file = (name) => join(dir, name);
const read = (name) => readFileSync(file(name), 'utf8');

function openssl(...args) {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// A CA of our own (`openssl ca`, so that validity dates in the past can be given).
function makeCa(name, cn) {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`,
    '-days', '3650', '-subj', `/CN=${cn}/O=${CSO}`);
  writeFileSync(file(`${name}.index`), '');
  writeFileSync(file(`${name}.serial`), '1000\n');
  writeFileSync(file(`${name}.cnf`), [
    '[ca]', `default_ca = ${name}`,
    `[${name}]`, `database = ${file(`${name}.index`)}`, `new_certs_dir = ${dir}`, `serial = ${file(`${name}.serial`)}`,
    'default_md = sha256', 'policy = any', 'copy_extensions = copy', 'unique_subject = no',
    '[any]', 'commonName = supplied', 'organizationName = optional',
  ].join('\n'));
}

// A key pair and a certificate for `subject` signed by `ca`; `dates`: [start, end] as
// YYMMDDHHMMSSZ, else valid for `days` from now (400: beyond certificate_expiring's 30). Returns the certificate's serial (hex).
function issue(ca, name, subject, { ec = false, san = null, dates = null, days = 400 } = {}) {
  if (ec) openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`,
    '-out', `${name}.csr`, '-subj', subject, ...(san ? ['-addext', `subjectAltName=${san}`] : []));
  else openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject,
    ...(san ? ['-addext', `subjectAltName=${san}`] : []));
  openssl('ca', '-batch', '-config', `${ca}.cnf`, '-cert', `${ca}.pem`, '-keyfile', `${ca}.key`, '-in', `${name}.csr`,
    '-out', `${name}.pem`, '-notext', ...(dates ? ['-startdate', dates[0], '-enddate', dates[1]] : ['-days', String(days)]));
  return openssl('x509', '-in', `${name}.pem`, '-noout', '-serial').trim().replace('serial=', '').replace(/^0+/, '');
}

const serials = {};
function makePki() {
  makeCa('ca', 'CSMS Test CA');
  makeCa('other', 'Someone Else CA');
  issue('ca', 'server', '/CN=localhost', { san: 'DNS:localhost,IP:127.0.0.1' });
  issue('ca', 'server-ec', '/CN=localhost', { ec: true, san: 'DNS:localhost,IP:127.0.0.1' });
  serials.p3_16 = issue('ca', 'p3-16', `/CN=TLS3-16/O=${CSO}`);
  serials.p3_201 = issue('ca', 'p3-201', `/CN=TLS3-201/O=${CSO}`);
  issue('ca', 'wrong-o', '/CN=TLS3-16/O=Other Co');
  issue('other', 'foreign', `/CN=TLS3-16/O=${CSO}`);
  issue('ca', 'expired', `/CN=TLS3-16/O=${CSO}`, { dates: ['200101000000Z', '200201000000Z'] });
  serials.revoked = issue('ca', 'to-revoke', `/CN=TLS3-16/O=${CSO}`);
}

// A key and a CSR as a station makes them for renewal; the chain CertificateSigned brings is
// written beside the key, its first certificate alone to <name>.leaf.pem.
function makeCsr(name, cn) {
  openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`,
    '-out', `${name}.csr`, '-subj', `/CN=${cn}/O=${CSO}`);
  return read(`${name}.csr`);
}
function keepChain(name, chain) {
  writeFileSync(file(`${name}.pem`), chain);
  const leaf = chain.slice(0, chain.indexOf('-----END CERTIFICATE-----') + '-----END CERTIFICATE-----'.length) + '\n';
  writeFileSync(file(`${name}.leaf.pem`), leaf);
  assert.match(openssl('verify', '-CAfile', 'ca.pem', `${name}.leaf.pem`), /OK/);
  return openssl('x509', '-in', `${name}.leaf.pem`, '-noout', '-subject', '-serial');
}
// Answers the next `action` CALL the station gets with `answer`, resolving with its params.
function nextCall(station, action, answer) {
  return new Promise((resolve) => station.client.handle(action, ({ params }) => {
    resolve(params);
    return answer;
  }));
}

// The server's TLS settings: the listener, both server certificates, the test CA for station
// certificates and for signing their CSRs.
const tlsEnv = () => ({
  CSMS_OCPP_TLS_LISTEN: '127.0.0.1:0',
  CSMS_TLS_CERT_FILE: file('server.pem'),
  CSMS_TLS_KEY_FILE: file('server.key'),
  CSMS_TLS_ECDSA_CERT_FILE: file('server-ec.pem'),
  CSMS_TLS_ECDSA_KEY_FILE: file('server-ec.key'),
  CSMS_TLS_CLIENT_CA_FILE: file('ca.pem'),
  CSMS_TLS_CSO_NAME: CSO,
  CSMS_TLS_SIGNING_CA_CERT_FILE: file('ca.pem'),
  CSMS_TLS_SIGNING_CA_KEY_FILE: file('ca.key'),
});

const wsOpts = (cert) => ({
  ca: read('ca.pem'),
  ...(cert ? { cert: read(`${cert}.pem`), key: read(`${cert}.key`) } : {}),
});
const wss = (identity, protocol, { cert = null, password } = {}) =>
  connectStation(identity, protocol, { endpoint: server.tlsEndpoint, wsOpts: wsOpts(cert), password });

// A connection attempt that must fail (TLS alert, or an HTTP refusal of the upgrade).
async function refused(promise, what) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, `${what}: ${err}`);
    return true;
  }, `${what} was let in`);
}

async function session16(station, tag) {
  const boot = await call(station, 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
  assert.equal(boot.status, 'Accepted');
  const start = await call(station, 'StartTransaction', {
    connectorId: 1, idTag: tag, meterStart: 0, timestamp: new Date().toISOString(),
  });
  assert.ok(start.transactionId > 0);
  await call(station, 'StopTransaction', {
    transactionId: start.transactionId, meterStop: 1500, timestamp: new Date().toISOString(),
  });
  return start.transactionId;
}

async function session201(station, id, serialNumber) {
  const boot = await call(station, 'BootNotification', {
    reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V', ...(serialNumber ? { serialNumber } : {}) },
  });
  assert.equal(boot.status, 'Accepted');
  const info = { transactionId: `${id}-TX` };
  const base = { timestamp: new Date().toISOString(), triggerReason: 'Authorized', transactionInfo: info };
  await call(station, 'TransactionEvent', { ...base, eventType: 'Started', seqNo: 0, evse: { id: 1, connectorId: 1 } });
  await call(station, 'TransactionEvent', { ...base, eventType: 'Ended', seqNo: 1, triggerReason: 'EVDeparted' });
}

// A WebSocket client written by hand over Node's TLS, for what ocpp-rpc cannot do: pipeline
// calls, never read. Frames out are masked text frames; frames in are parsed as they come.
function maskedFrame(text) {
  const payload = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  const length = payload.length;
  const head = length < 126 ? Buffer.from([0x81, 0x80 | length])
    : length < 65536 ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff])
      : (() => { const h = Buffer.alloc(10); h[0] = 0x81; h[1] = 0x80 | 127; h.writeBigUInt64BE(BigInt(length), 2); return h; })();
  const body = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([head, mask, body]);
}
function parseFrames(buffer, out) {
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const opcode = buffer[offset] & 0x0f;
    let length = buffer[offset + 1] & 0x7f;
    let at = offset + 2;
    if (length === 126) { if (buffer.length < at + 2) break; length = buffer.readUInt16BE(at); at += 2; }
    else if (length === 127) { if (buffer.length < at + 8) break; length = Number(buffer.readBigUInt64BE(at)); at += 8; }
    if (buffer.length < at + length) break;
    if (opcode === 1) out.push(buffer.subarray(at, at + length).toString());
    offset = at + length;
  }
  return buffer.subarray(offset);
}
async function rawWss(identity, password) {
  const { port } = new URL(server.tlsEndpoint);
  const socket = tls.connect({ host: '127.0.0.1', port: Number(port), ca: read('ca.pem') });
  await new Promise((resolve, reject) => { socket.once('secureConnect', resolve); socket.once('error', reject); });
  const auth = Buffer.from(`${identity}:${password}`).toString('base64');
  socket.write(`GET /ocpp/${identity} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n`
    + `Sec-WebSocket-Protocol: ocpp1.6\r\nAuthorization: Basic ${auth}\r\n\r\n`);
  const raw = { socket, texts: [], rest: Buffer.alloc(0), head: null };
  await new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0);
    const onData = (chunk) => {
      if (raw.head === null) {
        pending = Buffer.concat([pending, chunk]);
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        raw.head = pending.subarray(0, end).toString();
        chunk = pending.subarray(end + 4);
        if (!raw.head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${raw.head}`));
        resolve();
      }
      raw.rest = parseFrames(Buffer.concat([raw.rest, chunk]), raw.texts);
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
  return raw;
}
const closedWithin = (socket, ms) => new Promise((resolve) => {
  if (socket.destroyed) return resolve(true);
  const timer = setTimeout(() => resolve(false), ms);
  const done = () => { clearTimeout(timer); resolve(true); };
  socket.once('close', done);
  socket.once('error', done);
});

describe('security profiles 2 and 3 over wss://', { timeout: 240_000 }, () => {
  before(async () => {
    makePki();
    await startServer({
      dbName: 'csms_e2e_node_tls',
      // Short handshake and write deadlines for the stream test below.
      env: { ...tlsEnv(), CSMS_FAULTS_CERTIFICATE_CHECK_S: '1', CSMS_OCPP_HANDSHAKE_TIMEOUT_S: '3',
        CSMS_OCPP_WRITE_TIMEOUT_S: '3' },
    });
    assert.ok(server.tlsEndpoint?.startsWith('wss://'), `no wss:// endpoint in the ready line:\n${tail(server.stderr)}`);
    for (const [id, body] of [
      ['TLS2-16', { password: 'profile-two-secret-16', security_profile: 2 }],
      ['TLS2-201', { password: 'profile-two-secret-201', security_profile: 2 }],
      ['TLS3-16', { security_profile: 3 }],
      ['TLS3-201', { security_profile: 3 }],
      ['TLS2-RAW', { password: 'profile-two-secret-raw', security_profile: 2 }],
    ]) {
      const r = await api('POST', '/stations', { id, ...body });
      assert.equal(r.status, 201, r.describe);
      assert.equal(r.json.security_profile, body.security_profile, r.describe);
    }
  });

  after(async () => {
    if (server.child && !server.exit) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('TLS 1.2 with the suites OCPP requires (ECDSA and RSA certificates), TLS 1.1 refused, sessions resumed', async () => {
    const { port } = new URL(server.tlsEndpoint);
    const hello = (options) => new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: Number(port), ca: read('ca.pem'), ...options }, () => {
        const out = {
          protocol: socket.getProtocol(), cipher: socket.getCipher().standardName,
          key: socket.getPeerCertificate().asn1Curve ?? 'RSA',
          session: socket.getSession(), reused: socket.isSessionReused(),
        };
        socket.end();
        resolve(out);
      });
      socket.on('error', reject);
    });
    for (const [cipher, standard, key] of [
      ['ECDHE-ECDSA-AES128-GCM-SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'prime256v1'],
      ['ECDHE-ECDSA-AES256-GCM-SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'prime256v1'],
      ['AES128-GCM-SHA256', 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'RSA'],
      ['AES256-GCM-SHA384', 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'RSA'],
    ]) {
      const got = await hello({ maxVersion: 'TLSv1.2', ciphers: cipher });
      assert.equal(got.protocol, 'TLSv1.2');
      assert.equal(got.cipher, standard);
      assert.equal(got.key, key, cipher);
    }
    assert.equal((await hello({})).protocol, 'TLSv1.3');
    await assert.rejects(hello({ maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' }));
    const first = await hello({ maxVersion: 'TLSv1.2' });
    const again = await hello({ maxVersion: 'TLSv1.2', session: first.session });
    assert.equal(again.reused, true, 'a TLS 1.2 session is resumed');
  });

  it('profile 2, OCPP 1.6: a session over wss:// with the password; plain ws:// and a wrong password refused', async () => {
    const station = await wss('TLS2-16', 'ocpp1.6', { password: 'profile-two-secret-16' });
    await session16(station, 'TAG-TLS2');
    assertNoProtocolViolations(station);
    await station.client.close({ code: 1000 });
    await refused(connectStation('TLS2-16', 'ocpp1.6', { password: 'profile-two-secret-16' }), 'plain ws:// for profile 2');
    await refused(wss('TLS2-16', 'ocpp1.6', { password: 'not-the-secret-at-all' }), 'a wrong password');
    await refused(wss('TLS2-16', 'ocpp1.6'), 'no password');
  });

  it('profile 2, OCPP 2.0.1: a session over wss://', async () => {
    const station = await wss('TLS2-201', 'ocpp2.0.1', { password: 'profile-two-secret-201' });
    await session201(station, 'TLS2-201');
    assertNoProtocolViolations(station);
    await station.client.close({ code: 1000 });
  });

  it('profile 3, OCPP 1.6: a session with the client certificate, which the station record keeps', async () => {
    const station = await wss('TLS3-16', 'ocpp1.6', { cert: 'p3-16' });
    await session16(station, 'TAG-TLS3');
    assertNoProtocolViolations(station);
    await station.client.close({ code: 1000 });
    const certs = await api('GET', '/stations/TLS3-16/certificates');
    assert.equal(certs.status, 200, certs.describe);
    const seen = certs.json.items.find((c) => c.serial === serials.p3_16);
    assert.ok(seen, certs.describe);
    assert.equal(seen.subject_cn, 'TLS3-16');
    assert.equal(seen.source, 'connected');
    assert.ok(Date.parse(seen.not_after) > Date.now());
    const st = await api('GET', '/stations/TLS3-16');
    assert.equal(st.json.connected_profile, 3, st.describe);
  });

  it('profile 3 refusals: no certificate, another CA, another O, another station\'s CN, expired, revoked', async () => {
    await refused(wss('TLS3-16', 'ocpp1.6'), 'no client certificate');
    await refused(wss('TLS3-16', 'ocpp1.6', { cert: 'foreign' }), 'a certificate of another CA');
    await refused(wss('TLS3-16', 'ocpp1.6', { cert: 'wrong-o' }), 'a certificate of another organisation');
    await refused(wss('TLS3-16', 'ocpp1.6', { cert: 'p3-201' }), 'the CN of another station');
    await refused(wss('TLS3-16', 'ocpp1.6', { cert: 'expired' }), 'an expired certificate');
    const ok = await wss('TLS3-16', 'ocpp1.6', { cert: 'to-revoke' });
    await ok.client.close({ code: 1000 });
    // As openssl prints it (whole bytes, any case): the stored form has no leading zeros.
    const revoked = await api('POST', `/stations/TLS3-16/certificates/0${serials.revoked.toLowerCase()}:revoke`,
      { reason: 'stolen' });
    assert.equal(revoked.status, 200, revoked.describe);
    assert.ok(revoked.json.items.some((c) => c.serial === serials.revoked && c.revoked_at), revoked.describe);
    await refused(wss('TLS3-16', 'ocpp1.6', { cert: 'to-revoke' }), 'a revoked certificate');
    for (let i = 0; i < 50 && !/client certificate serial [0-9A-F]+ is revoked/.test(server.stderr); ++i)
      await new Promise((r) => setTimeout(r, 50));  // the log line may come after the refusal
    assert.match(server.stderr, /client certificate serial [0-9A-F]+ is revoked/);
  });

  it('profile 3, OCPP 2.0.1: a session; a boot whose serialNumber is not the certificate\'s CN is closed', async () => {
    const station = await wss('TLS3-201', 'ocpp2.0.1', { cert: 'p3-201' });
    await session201(station, 'TLS3-201', 'TLS3-201');
    assertNoProtocolViolations(station);
    await station.client.close({ code: 1000 });
    const other = await wss('TLS3-201', 'ocpp2.0.1', { cert: 'p3-201' });
    const closed = new Promise((resolve) => other.client.once('close', resolve));
    await assert.rejects(other.client.call('BootNotification', {
      reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V', serialNumber: 'NOT-TLS3-201' },
    }), (err) => err.rpcErrorCode === 'SecurityError');
    await closed;
  });

  it('new certificates are used after SIGHUP without dropping open connections', async () => {
    const station = await wss('TLS3-16', 'ocpp1.6', { cert: 'p3-16' });
    await call(station, 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    const newSerial = issue('ca', 'server2', '/CN=localhost', { san: 'DNS:localhost,IP:127.0.0.1' });
    copyFileSync(file('server2.pem'), file('server.pem'));
    copyFileSync(file('server2.key'), file('server.key'));
    server.child.kill('SIGHUP');
    const { port } = new URL(server.tlsEndpoint);
    let seen = '';
    for (let i = 0; i < 50 && seen !== newSerial; ++i) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await new Promise((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: Number(port), ca: read('ca.pem'), maxVersion: 'TLSv1.2',
          ciphers: 'AES128-GCM-SHA256' }, () => {
          const serial = socket.getPeerCertificate().serialNumber.replace(/^0+/, '');
          socket.end();
          resolve(serial);
        });
        socket.on('error', reject);
      });
    }
    assert.equal(seen, newSerial, 'the reloaded RSA certificate is served');
    // The connection made before the reload still works.
    const beat = await call(station, 'Heartbeat', {});
    assert.ok(beat.currentTime);
    await station.client.close({ code: 1000 });
  });

  it('renewal, 2.0.1: TriggerMessage, SignCertificate with a CSR made here, CertificateSigned by our CA; the station reconnects with it', async () => {
    const station = await wss('TLS3-201', 'ocpp2.0.1', { cert: 'p3-201' });
    await call(station, 'BootNotification', {
      reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V', serialNumber: 'TLS3-201' },
    });
    const triggered = nextCall(station, 'TriggerMessage', { status: 'Accepted' });
    const signed = nextCall(station, 'CertificateSigned', { status: 'Accepted' });
    const renew = await api('POST', '/stations/TLS3-201/commands/renew-certificate', {});
    assert.equal(renew.status, 200, renew.describe);
    assert.equal(renew.json.status, 'Accepted', renew.describe);
    assert.equal((await triggered).requestedMessage, 'SignChargingStationCertificate');
    const other = await call(station, 'SignCertificate', { csr: makeCsr('other-201', 'TLS3-16') });
    assert.equal(other.status, 'Rejected');
    assert.match(other.statusInfo.additionalInfo, /CN 'TLS3-16' is not 'TLS3-201'/);
    const answer = await call(station, 'SignCertificate', {
      csr: makeCsr('renewed-201', 'TLS3-201'), certificateType: 'ChargingStationCertificate',
    });
    assert.equal(answer.status, 'Accepted');
    const params = await signed;
    assert.equal(params.certificateType, 'ChargingStationCertificate');
    const subject = keepChain('renewed-201', params.certificateChain);
    assert.match(subject, /CN ?= ?TLS3-201/);
    assertNoProtocolViolations(station);
    await station.client.close({ code: 1000 });
    const again = await wss('TLS3-201', 'ocpp2.0.1', { cert: 'renewed-201' });
    const boot = await call(again, 'BootNotification', {
      reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V', serialNumber: 'TLS3-201' },
    });
    assert.equal(boot.status, 'Accepted');
    await again.client.close({ code: 1000 });
    const certs = await api('GET', '/stations/TLS3-201/certificates');
    const serial = subject.match(/serial=([0-9A-F]+)/)[1].replace(/^0+/, '');
    const kept = certs.json.items.find((c) => c.serial === serial);
    assert.ok(kept, certs.describe);
    assert.ok(['signed', 'connected'].includes(kept.source), certs.describe);
  });

  it('renewal, 1.6 security extension: ExtendedTriggerMessage, SignCertificate, CertificateSigned', async () => {
    const station = await wss('TLS3-16', 'ocpp1.6', { cert: 'p3-16' });
    await call(station, 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    const triggered = nextCall(station, 'ExtendedTriggerMessage', { status: 'Accepted' });
    const signed = nextCall(station, 'CertificateSigned', { status: 'Accepted' });
    const renew = await api('POST', '/stations/TLS3-16/commands/renew-certificate', {});
    assert.equal(renew.status, 200, renew.describe);
    assert.equal((await triggered).requestedMessage, 'SignChargePointCertificate');
    const answer = await call(station, 'SignCertificate', { csr: makeCsr('renewed-16', 'TLS3-16') });
    assert.equal(answer.status, 'Accepted');
    assert.match(keepChain('renewed-16', (await signed).certificateChain), /CN ?= ?TLS3-16/);
    assertNoProtocolViolations(station);
    await station.client.close({ code: 1000 });
  });

  it('certificate_expiring opens for a certificate within 30 days of its end and asks for a new one; resolves once renewed', async () => {
    issue('ca', 'short-201', `/CN=TLS3-201/O=${CSO}`, { days: 10 });
    const station = await wss('TLS3-201', 'ocpp2.0.1', { cert: 'short-201' });
    const triggered = nextCall(station, 'TriggerMessage', { status: 'Accepted' });
    await call(station, 'BootNotification', {
      reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V', serialNumber: 'TLS3-201' },
    });
    assert.equal((await triggered).requestedMessage, 'SignChargingStationCertificate');
    const open = (await api('GET', '/alerts?rule=certificate_expiring&station=TLS3-201&state=open')).json.items;
    assert.equal(open.length, 1, JSON.stringify(open));
    assert.equal(open[0].severity, 'warning');
    assert.ok([9, 10].includes(open[0].details.days_left), JSON.stringify(open[0]));
    await station.client.close({ code: 1000 });
    const renewed = await wss('TLS3-201', 'ocpp2.0.1', { cert: 'renewed-201' });
    let state;
    for (let i = 0; i < 60; ++i) {
      state = (await api('GET', `/alerts/${open[0].id}`)).json.state;
      if (state === 'resolved') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state, 'resolved');
    await renewed.client.close({ code: 1000 });
  });

  it('install-certificate, get-installed-certificate-ids and delete-certificate reach the station in its version', async () => {
    const hash = { hash_algorithm: 'SHA256', issuer_name_hash: 'aa', issuer_key_hash: 'bb', serial_number: '1A2B' };
    for (const [id, protocol, cert, installType] of [
      ['TLS3-201', 'ocpp2.0.1', 'renewed-201', 'CSMSRootCertificate'],
      ['TLS3-16', 'ocpp1.6', 'p3-16', 'CentralSystemRootCertificate'],
    ]) {
      const station = await wss(id, protocol, { cert });
      await call(station, 'BootNotification', protocol === 'ocpp1.6'
        ? { chargePointVendor: 'V', chargePointModel: 'M' }
        : { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V', serialNumber: id } });
      const installed = nextCall(station, 'InstallCertificate', { status: 'Accepted' });
      const r1 = await api('POST', `/stations/${id}/commands/install-certificate`,
        { certificate_type: 'CSMSRootCertificate', certificate: read('ca.pem') });
      assert.equal(r1.status, 200, r1.describe);
      assert.equal((await installed).certificateType, installType);
      const listed = nextCall(station, 'GetInstalledCertificateIds', { status: 'NotFound' });
      const r2 = await api('POST', `/stations/${id}/commands/get-installed-certificate-ids`,
        { certificate_type: 'CSMSRootCertificate' });
      assert.equal(r2.status, 200, r2.describe);
      assert.equal(r2.json.status, 'NotFound');
      const asked = await listed;
      assert.deepEqual(asked.certificateType, protocol === 'ocpp1.6' ? installType : [installType]);
      const deleted = nextCall(station, 'DeleteCertificate', { status: 'Accepted' });
      const r3 = await api('POST', `/stations/${id}/commands/delete-certificate`, hash);
      assert.equal(r3.status, 200, r3.describe);
      assert.deepEqual((await deleted).certificateHashData,
        { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '1A2B' });
      assertNoProtocolViolations(station);
      await station.client.close({ code: 1000 });
    }
  });

  it('password rotation (A01): the new password works once the station took it, then the old one is refused', async () => {
    const station = await wss('TLS2-201', 'ocpp2.0.1', { password: 'profile-two-secret-201' });
    const setVariables = (status) => ({ setVariableResult: [{
      attributeStatus: status, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' },
    }] });
    const asked = nextCall(station, 'SetVariables', setVariables('Accepted'));
    const rotated = await api('POST', '/stations/TLS2-201/password:rotate', {});
    assert.equal(rotated.status, 200, rotated.describe);
    const password = rotated.json.password;
    assert.match(password, /^[A-Za-z0-9]{20}$/);
    const sent = await asked;
    assert.deepEqual(sent.setVariableData[0].component, { name: 'SecurityCtrlr' });
    assert.equal(sent.setVariableData[0].attributeValue, password);
    assert.equal((await api('GET', '/stations/TLS2-201')).json.password_rotation_pending, true);
    await station.client.close({ code: 1000 });
    // Until the station connects with the new one, the old one still works.
    const old = await wss('TLS2-201', 'ocpp2.0.1', { password: 'profile-two-secret-201' });
    await old.client.close({ code: 1000 });
    const fresh = await wss('TLS2-201', 'ocpp2.0.1', { password });
    for (let i = 0; i < 50 && (await api('GET', '/stations/TLS2-201')).json.password_rotation_pending; ++i)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal((await api('GET', '/stations/TLS2-201')).json.password_rotation_pending, false);
    await refused(wss('TLS2-201', 'ocpp2.0.1', { password: 'profile-two-secret-201' }), 'the old password after the new one');
    // A rotation the station refuses changes nothing.
    const rejected = nextCall(fresh, 'SetVariables', setVariables('Rejected'));
    const refusedRotation = await api('POST', '/stations/TLS2-201/password:rotate', {});
    await rejected;
    assert.equal(refusedRotation.status, 409, refusedRotation.describe);
    assert.equal((await api('GET', '/stations/TLS2-201')).json.password_rotation_pending, false);
    await fresh.client.close({ code: 1000 });
    const still = await wss('TLS2-201', 'ocpp2.0.1', { password });
    await still.client.close({ code: 1000 });
  });

  it('profile upgrade (A05), 1.6: SecurityProfile 2 is sent, the station comes back over wss:// and ws:// is refused after', async () => {
    const created = await api('POST', '/stations', { id: 'UP-16', password: 'upgrade-me-secret-16', security_profile: 1 });
    assert.equal(created.status, 201, created.describe);
    const station = await connectStation('UP-16', 'ocpp1.6', { password: 'upgrade-me-secret-16' });
    await call(station, 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    const asked = nextCall(station, 'ChangeConfiguration', { status: 'Accepted' });
    const down = await api('POST', '/stations/UP-16/security-profile:upgrade', { profile: 1 });
    assert.equal(down.status, 400, down.describe);
    const up = await api('POST', '/stations/UP-16/security-profile:upgrade', { profile: 2 });
    assert.equal(up.status, 200, up.describe);
    assert.deepEqual(await asked, { key: 'SecurityProfile', value: '2' });
    assert.equal((await api('GET', '/stations/UP-16')).json.pending_security_profile, 2);
    await station.client.close({ code: 1000 });
    const secured = await wss('UP-16', 'ocpp1.6', { password: 'upgrade-me-secret-16' });
    let record;
    for (let i = 0; i < 50; ++i) {
      record = (await api('GET', '/stations/UP-16')).json;
      if (record.security_profile === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(record.security_profile, 2, JSON.stringify(record));
    assert.equal(record.pending_security_profile, null);
    await secured.client.close({ code: 1000 });
    await refused(connectStation('UP-16', 'ocpp1.6', { password: 'upgrade-me-secret-16' }), 'ws:// after the upgrade');
    const again = await api('POST', '/stations/UP-16/security-profile:upgrade', { profile: 2 });
    assert.equal(again.status, 409, again.describe);
  });

  it('profile upgrade (A05), 2.0.1: SetNetworkProfile, NetworkConfigurationPriority and a reset; recorded once the station is back over wss://', async () => {
    const created = await api('POST', '/stations', { id: 'UP-201', password: 'upgrade-me-secret-201', security_profile: 1 });
    assert.equal(created.status, 201, created.describe);
    const station = await connectStation('UP-201', 'ocpp2.0.1', { password: 'upgrade-me-secret-201' });
    await call(station, 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    const incomplete = await api('POST', '/stations/UP-201/security-profile:upgrade', { profile: 2 });
    assert.equal(incomplete.status, 400, incomplete.describe);
    const profileSet = nextCall(station, 'SetNetworkProfile', { status: 'Accepted' });
    const priority = nextCall(station, 'SetVariables', {
      setVariableResult: [{
        attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' },
      }],
    });
    const reset = nextCall(station, 'Reset', { status: 'Accepted' });
    const up = await api('POST', '/stations/UP-201/security-profile:upgrade',
      { profile: 2, csms_url: server.tlsEndpoint, configuration_slot: 2, priority: '2,1' });
    assert.equal(up.status, 200, up.describe);
    const network = await profileSet;
    assert.equal(network.configurationSlot, 2);
    assert.equal(network.connectionData.securityProfile, 2);
    assert.equal(network.connectionData.ocppCsmsUrl, server.tlsEndpoint);
    assert.equal(network.connectionData.ocppVersion, 'OCPP20');
    assert.equal(network.connectionData.ocppTransport, 'JSON');
    const set = (await priority).setVariableData;
    assert.equal(set.length, 1);
    assert.equal(set[0].component.name, 'OCPPCommCtrlr');
    assert.equal(set[0].variable.name, 'NetworkConfigurationPriority');
    assert.equal(set[0].attributeValue, '2,1');
    assert.ok(['Immediate', 'OnIdle'].includes((await reset).type));
    assert.equal((await api('GET', '/stations/UP-201')).json.pending_security_profile, 2);
    assertNoProtocolViolations(station);
    await station.client.close({ code: 1000 });
    // The station restarts on its new slot: wss:// with its password.
    const secured = await wss('UP-201', 'ocpp2.0.1', { password: 'upgrade-me-secret-201' });
    await call(secured, 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    let record;
    for (let i = 0; i < 50; ++i) {
      record = (await api('GET', '/stations/UP-201')).json;
      if (record.security_profile === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(record.security_profile, 2, JSON.stringify(record));
    assert.equal(record.pending_security_profile, null);
    await secured.client.close({ code: 1000 });
    await refused(connectStation('UP-201', 'ocpp2.0.1', { password: 'upgrade-me-secret-201' }), 'ws:// after the upgrade');
  });

  it('the wss:// stream: frames over many TLS records both ways, a burst of calls answered in order, silent and half-sent handshakes closed at the deadline, a peer that never reads closed', async () => {
    // 60 kB frames (the limit is 64 KiB) span four TLS records each way.
    const station = await wss('TLS2-16', 'ocpp1.6', { password: 'profile-two-secret-16' });
    await call(station, 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    const big = 'x'.repeat(60_000).replace(/x/g, (_, i) => String.fromCharCode(97 + (i % 26)));
    const echoed = nextCall(station, 'DataTransfer', { status: 'Accepted', data: 'ok' });
    const sent = await api('POST', '/stations/TLS2-16/commands/data-transfer', { vendor_id: 'com.example', data: big });
    assert.equal(sent.status, 200, sent.describe);
    assert.equal((await echoed).data, big, 'the server\'s 60 kB CALL arrives whole');
    const up = await call(station, 'DataTransfer', { vendorId: 'com.example', data: big });
    assert.ok(up.status, 'the charger\'s 60 kB CALL is read and answered');
    await station.client.close({ code: 1000 });

    // 100 calls in one write: every answer comes, in order.
    const raw = await rawWss('TLS2-RAW', 'profile-two-secret-raw');
    raw.socket.write(Buffer.concat(Array.from({ length: 100 }, (_, i) => maskedFrame(`[2,"b${i}","Heartbeat",{}]`))));
    for (let i = 0; i < 200 && raw.texts.length < 100; ++i) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(raw.texts.map((t) => JSON.parse(t)[1]), Array.from({ length: 100 }, (_, i) => `b${i}`));
    raw.socket.destroy();

    // Nothing, or five bytes of a ClientHello: closed at the 3 s handshake deadline.
    const { port } = new URL(server.tlsEndpoint);
    const silent = net.connect(Number(port), '127.0.0.1');
    const half = net.connect(Number(port), '127.0.0.1', () => half.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])));
    silent.on('error', () => {});
    half.on('error', () => {});
    const [silentClosed, halfClosed] = await Promise.all([closedWithin(silent, 10_000), closedWithin(half, 10_000)]);
    assert.ok(silentClosed, 'a silent TLS connection is closed');
    assert.ok(halfClosed, 'a half-sent ClientHello is closed');

    // A peer that writes and never reads: its answers stall in TCP and the 3 s write deadline
    // ends the connection (the records we produce wait for the socket, as on ws://).
    const metric = async () => {
      const text = await (await fetch(`${server.apiBase}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('csms_ocpp_connections_dropped_total{reason="write_stalled"}'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const stalledBefore = await metric();
    const flooder = await rawWss('TLS2-RAW', 'profile-two-secret-raw');
    flooder.socket.pause();
    flooder.socket.on('error', () => {});
    const beat = maskedFrame('[2,"f","Heartbeat",{}]');
    const chunk = Buffer.concat(Array.from({ length: 500 }, () => beat));
    const closed = closedWithin(flooder.socket, 30_000);
    let ended = false;
    closed.then(() => { ended = true; });
    while (!ended) {
      if (!flooder.socket.write(chunk)) await Promise.race([new Promise((r) => flooder.socket.once('drain', r)), closed]);
    }
    assert.ok(await closed, 'the non-reader is closed');
    assert.equal(await metric(), stalledBefore + 1, 'closed for its stalled writes');
    // The server carries on.
    const after = await wss('TLS2-16', 'ocpp1.6', { password: 'profile-two-secret-16' });
    assert.ok((await call(after, 'Heartbeat', {})).currentTime);
    await after.client.close({ code: 1000 });
  });

  it('with tls.expired_certificates: pending, an expired certificate gets in as Pending and is renewed at once; HTTPS API and https:// webhooks', async () => {
    // A webhook receiver over https:// with a certificate of the test CA.
    const hooks = [];
    const receiver = https.createServer({ cert: read('server.pem'), key: read('server.key') }, (req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { hooks.push(JSON.parse(body)); res.writeHead(204).end(); });
    });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    await stopServer();
    await startServer({
      dbName: 'csms_e2e_node_tls',
      keepDatabase: true,
      env: {
        ...tlsEnv(),
        CSMS_TLS_EXPIRED_CERTIFICATES: 'pending',
        CSMS_API_TLS: 'true',
        CSMS_FAULTS_WEBHOOK_URLS: `https://127.0.0.1:${receiver.address().port}/hook`,
        CSMS_FAULTS_WEBHOOK_CA_FILE: file('ca.pem'),
      },
    });
    assert.ok(server.apiBase.startsWith('https://'), server.apiBase);
    const health = await new Promise((resolve, reject) => {
      https.get(`${server.apiBase}/healthz`, { ca: read('ca.pem') }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject);
    });
    assert.equal(health, 200);
    const station = await wss('TLS3-16', 'ocpp1.6', { cert: 'expired' });
    const triggered = nextCall(station, 'ExtendedTriggerMessage', { status: 'Accepted' });
    const signed = nextCall(station, 'CertificateSigned', { status: 'Accepted' });
    const boot = await call(station, 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot.status, 'Pending');
    assert.equal((await triggered).requestedMessage, 'SignChargePointCertificate');
    // Pending, yet the renewal it was asked for goes through.
    const answer = await call(station, 'SignCertificate', { csr: makeCsr('after-expiry', 'TLS3-16') });
    assert.equal(answer.status, 'Accepted');
    keepChain('after-expiry', (await signed).certificateChain);
    await station.client.close({ code: 1000 });
    const renewed = await wss('TLS3-16', 'ocpp1.6', { cert: 'after-expiry' });
    const accepted = await call(renewed, 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(accepted.status, 'Accepted');
    // A fault raises an alert; its webhook goes to the https:// receiver, checked against the CA.
    await call(renewed, 'StatusNotification', {
      connectorId: 1, errorCode: 'GroundFailure', status: 'Faulted', timestamp: new Date().toISOString(),
    });
    for (let i = 0; i < 100 && !hooks.some((h) => h.event === 'alert.opened'); ++i)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok(hooks.some((h) => h.event === 'alert.opened' && h.alert.rule === 'connector_faulted'),
      `no webhook over https://: ${JSON.stringify(hooks)}\n${tail(server.stderr)}`);
    await renewed.client.close({ code: 1000 });
    receiver.close();
  });
});

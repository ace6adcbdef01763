// Independent end-to-end test of the real csms binary with ocpp-rpc, a third-party OCPP-J
// implementation, in strict mode: every reply the server sends is validated against the
// official OCPP 1.6 / 2.0.1 JSON schemas that ship inside ocpp-rpc, so a schema violation
// fails the call that received it.
//
// Environment:
//   CSMS_BINARY             path of the csms server binary (required)
//   CSMS_TEST_DATABASE_URL  libpq URI of a PostgreSQL where this test may create databases
//                           (default postgresql://csms@127.0.0.1:54339/csms)
//   CSMS_E2E_NODE_DB        name of the database it (re)creates (default csms_e2e_node)
//   CSMS_E2E_VERBOSE=1      copy the server's stderr to this process's stderr
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import {
  server, startServer, api, createIdToken, connectStation, call, isoNow, connectorStatus,
  assertNoProtocolViolations, tail, SHUTDOWN_TIMEOUT_MS, API_TOKEN,
} from './harness.mjs';


describe('csms end-to-end with ocpp-rpc (strict mode)', { timeout: 300_000 }, () => {
  before(() => startServer({ dbName: process.env.CSMS_E2E_NODE_DB || 'csms_e2e_node' }));

  after(async () => {
    if (server.child && !server.exit) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });

  describe('OCPP 1.6 charging session', () => {
    const id = 'NODE-E2E-16';
    const knownTag = 'NODE16-TAG-1';
    const unknownTag = 'NODE16-UNKNOWN';
    const remoteTag = 'NODE16-REMOTE';
    const t0 = new Date(Date.now() - 10 * 60_000);
    const at = (min) => new Date(t0.getTime() + min * 60_000).toISOString();
    let station;
    let transactionId;
    // Samples sent with the transaction: MeterValues (8 + 3) and transactionData (2).
    const sentSamples = 13;

    before(async () => {
      station = await connectStation(id, 'ocpp1.6');
    });
    after(async () => {
      await station?.client.close({ code: 1000 });
    });

    it('BootNotification is accepted', async () => {
      const res = await call(station, 'BootNotification', {
        chargePointVendor: 'NodeVendor',
        chargePointModel: 'NodeModel-16',
        chargePointSerialNumber: 'SN-16-0001',
        firmwareVersion: '1.6.0-e2e',
      });
      assert.equal(res.status, 'Accepted');
      assert.ok(Number.isInteger(res.interval) && res.interval > 0, `interval ${res.interval}`);
      assert.ok(!Number.isNaN(Date.parse(res.currentTime)), `currentTime ${res.currentTime}`);
    });

    it('StatusNotification for the station and connector 1', async () => {
      assert.deepEqual(await call(station, 'StatusNotification', {
        connectorId: 0, errorCode: 'NoError', status: 'Available', timestamp: isoNow(),
      }), {});
      assert.deepEqual(await call(station, 'StatusNotification', {
        connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: at(0),
      }), {});
    });

    it('Authorize: a token created through REST is Accepted, an unknown one Invalid', async () => {
      await createIdToken(knownTag);
      const known = await call(station, 'Authorize', { idTag: knownTag });
      assert.equal(known.idTagInfo.status, 'Accepted');
      const unknown = await call(station, 'Authorize', { idTag: unknownTag });
      assert.equal(unknown.idTagInfo.status, 'Invalid');
    });

    it('StartTransaction returns a positive transaction id', async () => {
      const res = await call(station, 'StartTransaction', {
        connectorId: 1, idTag: knownTag, meterStart: 1000, timestamp: at(0),
      });
      assert.equal(res.idTagInfo.status, 'Accepted');
      assert.ok(Number.isInteger(res.transactionId) && res.transactionId > 0, `transactionId ${res.transactionId}`);
      transactionId = res.transactionId;
      assert.deepEqual(await call(station, 'StatusNotification', {
        connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: at(0),
      }), {});
    });

    it('MeterValues with several measurands and phases', async () => {
      assert.ok(transactionId, 'needs the transaction started above');
      const res = await call(station, 'MeterValues', {
        connectorId: 1,
        transactionId,
        meterValue: [
          {
            timestamp: at(1),
            sampledValue: [
              { value: '1500', context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' },
              { value: '7200', context: 'Sample.Periodic', measurand: 'Power.Active.Import', location: 'Outlet', unit: 'W' },
              { value: '230.1', context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L1-N', location: 'Outlet', unit: 'V' },
              { value: '229.8', context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L2-N', location: 'Outlet', unit: 'V' },
              { value: '231.0', context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L3-N', location: 'Outlet', unit: 'V' },
              { value: '16.0', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L1', location: 'Outlet', unit: 'A' },
              { value: '15.9', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L2', location: 'Outlet', unit: 'A' },
              { value: '42', context: 'Sample.Periodic', measurand: 'SoC', location: 'EV', unit: 'Percent' },
            ],
          },
          {
            timestamp: at(2),
            sampledValue: [
              // kWh: the server normalizes to Wh.
              { value: '3.0', context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
              { value: '7.1', context: 'Sample.Periodic', measurand: 'Power.Active.Import', unit: 'kW' },
              { value: '230.4', context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L1-N', unit: 'V' },
            ],
          },
        ],
      });
      assert.deepEqual(res, {});
    });

    it('StopTransaction with transactionData', async () => {
      assert.ok(transactionId, 'needs the transaction started above');
      const res = await call(station, 'StopTransaction', {
        transactionId,
        idTag: knownTag,
        meterStop: 5500,
        timestamp: at(3),
        reason: 'Local',
        transactionData: [
          { timestamp: at(0), sampledValue: [{ value: '1000', context: 'Transaction.Begin', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] },
          { timestamp: at(3), sampledValue: [{ value: '5500', context: 'Transaction.End', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] },
        ],
      });
      assert.equal(res.idTagInfo?.status, 'Accepted');
      assert.deepEqual(await call(station, 'StatusNotification', {
        connectorId: 1, errorCode: 'NoError', status: 'Finishing', timestamp: at(3),
      }), {});
    });

    it('Heartbeat returns the server time', async () => {
      const res = await call(station, 'Heartbeat', {});
      const skew = Math.abs(Date.parse(res.currentTime) - Date.now());
      assert.ok(skew < 60_000, `currentTime ${res.currentTime} is ${skew} ms off`);
    });

    it('DataTransfer to an unknown vendor is answered UnknownVendorId', async () => {
      const res = await call(station, 'DataTransfer', { vendorId: 'com.example.e2e', messageId: 'Ping', data: 'hello' });
      assert.equal(res.status, 'UnknownVendorId');
    });

    it('firmware, diagnostics and security notifications are acknowledged', async () => {
      assert.deepEqual(await call(station, 'FirmwareStatusNotification', { status: 'Downloading' }), {});
      assert.deepEqual(await call(station, 'FirmwareStatusNotification', { status: 'Installed' }), {});
      assert.deepEqual(await call(station, 'DiagnosticsStatusNotification', { status: 'Uploaded' }), {});
      assert.deepEqual(await call(station, 'SecurityEventNotification', {
        type: 'SettingSystemTime', timestamp: isoNow(), techInfo: 'e2e',
      }), {});
      assert.deepEqual(await call(station, 'LogStatusNotification', { status: 'Uploaded', requestId: 7 }), {});
      assert.deepEqual(await call(station, 'SignedFirmwareStatusNotification', { status: 'SignatureVerified', requestId: 8 }), {});
    });

    it('REST shows the station online with its boot data and connector status', async () => {
      const r = await api('GET', `/stations/${encodeURIComponent(id)}`);
      assert.equal(r.status, 200, r.describe);
      const s = r.json;
      assert.equal(s.id, id);
      assert.equal(s.vendor, 'NodeVendor');
      assert.equal(s.model, 'NodeModel-16');
      assert.equal(s.firmware_version, '1.6.0-e2e');
      assert.equal(s.protocol, 'ocpp1.6');
      assert.equal(s.online, true);
      assert.equal(connectorStatus(s, 1, 1), 'Finishing', r.describe);
    });

    it('REST lists and returns the finished transaction with its meter samples', async () => {
      assert.ok(transactionId, 'needs the transaction started above');
      const list = await api('GET', `/transactions?station=${encodeURIComponent(id)}`);
      assert.equal(list.status, 200, list.describe);
      assert.equal(list.json.items.length, 1, list.describe);
      const item = list.json.items[0];
      assert.equal(item.station_id, id);
      assert.equal(item.ocpp_transaction_id, String(transactionId));

      const r = await api('GET', `/transactions/${item.id}`);
      assert.equal(r.status, 200, r.describe);
      const tx = r.json;
      assert.equal(tx.id, item.id);
      assert.equal(tx.evse_id, 1);
      assert.equal(tx.connector_id, 1);
      assert.equal(tx.id_token, knownTag);
      assert.equal(tx.meter_start_wh, 1000);
      assert.equal(tx.meter_stop_wh, 5500);
      assert.equal(tx.energy_wh, 4500);
      assert.equal(tx.stop_reason, 'Local');
      assert.equal(tx.state, 'closed');
      assert.ok(tx.started_at && tx.stopped_at, 'started_at and stopped_at set');
      assert.equal(tx.meter_samples.length, sentSamples, JSON.stringify(tx.meter_samples));
      const voltages = tx.meter_samples.filter((m) => m.measurand === 'Voltage').map((m) => m.phase).sort();
      assert.deepEqual(voltages, ['L1-N', 'L1-N', 'L2-N', 'L3-N']);
      const kwh = tx.meter_samples.find((m) => m.unit === 'kWh');
      assert.equal(kwh?.canonical_value, 3000, 'kWh register normalized to Wh');
      assert.equal(kwh?.value, '3.0', 'value kept as sent');
    });

    it('REST remote-start reaches the charger as RemoteStartTransaction', async () => {
      const seen = [];
      station.client.handle('RemoteStartTransaction', ({ params }) => {
        seen.push(params);
        return { status: 'Accepted' };
      });
      const r = await api('POST', `/stations/${encodeURIComponent(id)}/commands/remote-start`, { id_token: remoteTag });
      assert.equal(r.status, 200, `${r.describe}; strict failures: ${JSON.stringify(station.failures)}`);
      assert.equal(r.json.status, 'Accepted', r.describe);
      assert.deepEqual(r.json.response, { status: 'Accepted' }, r.describe);
      assert.equal(seen.length, 1);
      assert.equal(seen[0].idTag, remoteTag);
    });

    it('the server never violated the OCPP 1.6 schemas', () => {
      assertNoProtocolViolations(station);
    });
  });

  describe('OCPP 2.0.1 charging session', () => {
    const id = 'NODE-E2E-201';
    const knownToken = 'NODE201-TAG-1';
    const unknownToken = 'NODE201-UNKNOWN';
    const remoteToken = 'NODE201-REMOTE';
    const txId = randomUUID(); // 36 characters, the schema maximum
    const t0 = new Date(Date.now() - 10 * 60_000);
    const at = (min) => new Date(t0.getTime() + min * 60_000).toISOString();
    const idToken = (token) => ({ idToken: token, type: 'ISO14443' });
    // Samples sent in the TransactionEvents: 1 + 6 + 2 + 1.
    const sentSamples = 10;
    let station;

    before(async () => {
      station = await connectStation(id, 'ocpp2.0.1');
    });
    after(async () => {
      await station?.client.close({ code: 1000 });
    });

    it('BootNotification is accepted', async () => {
      const res = await call(station, 'BootNotification', {
        reason: 'PowerUp',
        chargingStation: {
          vendorName: 'NodeVendor',
          model: 'NodeModel-201',
          serialNumber: 'SN-201-0001',
          firmwareVersion: '2.0.1-e2e',
        },
      });
      assert.equal(res.status, 'Accepted');
      assert.ok(Number.isInteger(res.interval) && res.interval > 0, `interval ${res.interval}`);
      assert.ok(!Number.isNaN(Date.parse(res.currentTime)), `currentTime ${res.currentTime}`);
    });

    it('StatusNotification for EVSE 1 connector 1', async () => {
      assert.deepEqual(await call(station, 'StatusNotification', {
        timestamp: at(0), connectorStatus: 'Available', evseId: 1, connectorId: 1,
      }), {});
    });

    it('Authorize: a token created through REST is Accepted, an unknown one is not', async () => {
      await createIdToken(knownToken);
      const known = await call(station, 'Authorize', { idToken: idToken(knownToken) });
      assert.equal(known.idTokenInfo.status, 'Accepted');
      const unknown = await call(station, 'Authorize', { idToken: idToken(unknownToken) });
      assert.ok(['Invalid', 'Unknown'].includes(unknown.idTokenInfo.status), `status ${unknown.idTokenInfo.status}`);
    });

    it('TransactionEvent Started / Updated / Ended', async () => {
      const started = await call(station, 'TransactionEvent', {
        eventType: 'Started',
        timestamp: at(0),
        triggerReason: 'Authorized',
        seqNo: 0,
        transactionInfo: { transactionId: txId, chargingState: 'EVConnected' },
        evse: { id: 1, connectorId: 1 },
        idToken: idToken(knownToken),
        meterValue: [{
          timestamp: at(0),
          sampledValue: [{ value: 2000, context: 'Transaction.Begin', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }],
        }],
      });
      assert.equal(started.idTokenInfo?.status, 'Accepted');

      assert.deepEqual(await call(station, 'StatusNotification', {
        timestamp: at(0), connectorStatus: 'Occupied', evseId: 1, connectorId: 1,
      }), {});

      const updated = await call(station, 'TransactionEvent', {
        eventType: 'Updated',
        timestamp: at(1),
        triggerReason: 'MeterValuePeriodic',
        seqNo: 1,
        transactionInfo: { transactionId: txId, chargingState: 'Charging' },
        meterValue: [{
          timestamp: at(1),
          sampledValue: [
            { value: 3500, context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unitOfMeasure: { unit: 'Wh' } },
            { value: 11000, context: 'Sample.Periodic', measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
            { value: 230.5, context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L1-N', unitOfMeasure: { unit: 'V' } },
            { value: 229.5, context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L2-N', unitOfMeasure: { unit: 'V' } },
            { value: 231.5, context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L3-N', unitOfMeasure: { unit: 'V' } },
            { value: 16, context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L1', unitOfMeasure: { unit: 'A' } },
          ],
        }],
      });
      assert.equal(typeof updated, 'object');

      const updated2 = await call(station, 'TransactionEvent', {
        eventType: 'Updated',
        timestamp: at(2),
        triggerReason: 'MeterValuePeriodic',
        seqNo: 2,
        transactionInfo: { transactionId: txId, chargingState: 'Charging' },
        meterValue: [{
          timestamp: at(2),
          sampledValue: [
            // kWh with the default measurand: normalized to 5200 Wh.
            { value: 5.2, context: 'Sample.Periodic', unitOfMeasure: { unit: 'kWh' } },
            { value: 10.9, context: 'Sample.Periodic', measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 3 } },
          ],
        }],
      });
      assert.equal(typeof updated2, 'object');

      const ended = await call(station, 'TransactionEvent', {
        eventType: 'Ended',
        timestamp: at(3),
        triggerReason: 'EVDeparted',
        seqNo: 3,
        transactionInfo: { transactionId: txId, chargingState: 'Idle', stoppedReason: 'EVDisconnected' },
        evse: { id: 1, connectorId: 1 },
        idToken: idToken(knownToken),
        meterValue: [{
          timestamp: at(3),
          sampledValue: [{ value: 7.25, context: 'Transaction.End', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } }],
        }],
      });
      assert.equal(ended.idTokenInfo?.status, 'Accepted');
    });

    it('MeterValues outside a transaction', async () => {
      assert.deepEqual(await call(station, 'MeterValues', {
        evseId: 1,
        meterValue: [{
          timestamp: at(5),
          sampledValue: [
            { value: 7250, context: 'Sample.Clock', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
            { value: 0, context: 'Sample.Clock', measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
            { value: 230.2, context: 'Sample.Clock', measurand: 'Voltage', phase: 'L1-N', unitOfMeasure: { unit: 'V' } },
          ],
        }],
      }), {});
      assert.deepEqual(await call(station, 'StatusNotification', {
        timestamp: at(5), connectorStatus: 'Unavailable', evseId: 1, connectorId: 1,
      }), {});
    });

    it('Heartbeat returns the server time', async () => {
      const res = await call(station, 'Heartbeat', {});
      const skew = Math.abs(Date.parse(res.currentTime) - Date.now());
      assert.ok(skew < 60_000, `currentTime ${res.currentTime} is ${skew} ms off`);
    });

    it('DataTransfer to an unknown vendor is answered UnknownVendorId', async () => {
      const res = await call(station, 'DataTransfer', { vendorId: 'com.example.e2e', messageId: 'Ping', data: { hello: 'world' } });
      assert.equal(res.status, 'UnknownVendorId');
    });

    it('NotifyEvent and NotifyReport are acknowledged', async () => {
      assert.deepEqual(await call(station, 'NotifyEvent', {
        generatedAt: isoNow(),
        seqNo: 0,
        eventData: [{
          eventId: 1,
          timestamp: isoNow(),
          trigger: 'Alerting',
          actualValue: 'Faulted',
          techCode: 'E42',
          eventNotificationType: 'HardWiredNotification',
          component: { name: 'Connector', evse: { id: 1, connectorId: 1 } },
          variable: { name: 'AvailabilityState' },
        }],
      }), {});
      assert.deepEqual(await call(station, 'NotifyReport', {
        requestId: 1,
        generatedAt: isoNow(),
        seqNo: 0,
        tbc: false,
        reportData: [{
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          variableAttribute: [{ type: 'Actual', value: '300', mutability: 'ReadWrite' }],
          variableCharacteristics: { dataType: 'integer', supportsMonitoring: false, unit: 's' },
        }],
      }), {});
    });

    it('security, firmware and log notifications are acknowledged', async () => {
      assert.deepEqual(await call(station, 'SecurityEventNotification', {
        type: 'SettingSystemTime', timestamp: isoNow(), techInfo: 'e2e',
      }), {});
      assert.deepEqual(await call(station, 'FirmwareStatusNotification', { status: 'Downloading', requestId: 3 }), {});
      assert.deepEqual(await call(station, 'FirmwareStatusNotification', { status: 'Installed', requestId: 3 }), {});
      assert.deepEqual(await call(station, 'LogStatusNotification', { status: 'Uploaded', requestId: 4 }), {});
      assert.deepEqual(await call(station, 'PublishFirmwareStatusNotification', { status: 'Idle' }), {});
    });

    it('other station-initiated messages get schema-valid answers', async () => {
      assert.deepEqual(await call(station, 'ReservationStatusUpdate', { reservationId: 5, reservationUpdateStatus: 'Expired' }), {});
      assert.deepEqual(await call(station, 'NotifyChargingLimit', {
        evseId: 1,
        chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: false },
        chargingSchedule: [{
          id: 1,
          chargingRateUnit: 'W',
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }],
        }],
      }), {});
      assert.deepEqual(await call(station, 'ClearedChargingLimit', { chargingLimitSource: 'EMS', evseId: 1 }), {});
      assert.deepEqual(await call(station, 'NotifyMonitoringReport', {
        requestId: 2,
        seqNo: 0,
        generatedAt: isoNow(),
        monitor: [{
          component: { name: 'EVSE', evse: { id: 1 } },
          variable: { name: 'AvailabilityState' },
          variableMonitoring: [{ id: 1, transaction: false, value: 1, type: 'Delta', severity: 5 }],
        }],
      }), {});
      assert.deepEqual(await call(station, 'NotifyCustomerInformation', {
        data: 'no data', seqNo: 0, generatedAt: isoNow(), requestId: 3,
      }), {});
      assert.deepEqual(await call(station, 'NotifyDisplayMessages', { requestId: 4 }), {});
      assert.deepEqual(await call(station, 'ReportChargingProfiles', {
        requestId: 5,
        chargingLimitSource: 'CSO',
        evseId: 1,
        chargingProfile: [{
          id: 10,
          stackLevel: 0,
          chargingProfilePurpose: 'TxDefaultProfile',
          chargingProfileKind: 'Absolute',
          chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }],
        }],
      }), {});
      const needs = await call(station, 'NotifyEVChargingNeeds', {
        evseId: 1,
        chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', acChargingParameters: { energyAmount: 20000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } },
      });
      assert.ok(['Accepted', 'Rejected', 'Processing'].includes(needs.status), `status ${needs.status}`);
      const schedule = await call(station, 'NotifyEVChargingSchedule', {
        timeBase: isoNow(),
        evseId: 1,
        chargingSchedule: { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] },
      });
      assert.ok(['Accepted', 'Rejected'].includes(schedule.status), `status ${schedule.status}`);
    });

    it('certificate requests get schema-valid refusals', async () => {
      const sign = await call(station, 'SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----' });
      assert.ok(['Accepted', 'Rejected'].includes(sign.status), `status ${sign.status}`);
      const status = await call(station, 'GetCertificateStatus', {
        ocspRequestData: {
          hashAlgorithm: 'SHA256',
          issuerNameHash: 'a'.repeat(64),
          issuerKeyHash: 'b'.repeat(64),
          serialNumber: '01',
          responderURL: 'http://ocsp.example.invalid',
        },
      });
      assert.ok(['Accepted', 'Failed'].includes(status.status), `status ${status.status}`);
      const ev = await call(station, 'Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAAA' });
      assert.ok(['Accepted', 'Failed'].includes(ev.status), `status ${ev.status}`);
    });

    it('REST shows the station online with its boot data and connector status', async () => {
      const r = await api('GET', `/stations/${encodeURIComponent(id)}`);
      assert.equal(r.status, 200, r.describe);
      const s = r.json;
      assert.equal(s.id, id);
      assert.equal(s.vendor, 'NodeVendor');
      assert.equal(s.model, 'NodeModel-201');
      assert.equal(s.firmware_version, '2.0.1-e2e');
      assert.equal(s.protocol, 'ocpp2.0.1');
      assert.equal(s.online, true);
      assert.equal(connectorStatus(s, 1, 1), 'Unavailable', r.describe);
    });

    it('REST lists and returns the finished transaction with its meter samples', async () => {
      const list = await api('GET', `/transactions?station=${encodeURIComponent(id)}`);
      assert.equal(list.status, 200, list.describe);
      assert.equal(list.json.items.length, 1, list.describe);
      const item = list.json.items[0];
      assert.equal(item.station_id, id);
      assert.equal(item.ocpp_transaction_id, txId);

      const r = await api('GET', `/transactions/${item.id}`);
      assert.equal(r.status, 200, r.describe);
      const tx = r.json;
      assert.equal(tx.evse_id, 1);
      assert.equal(tx.connector_id, 1);
      assert.equal(tx.id_token, knownToken);
      assert.equal(tx.meter_start_wh, 2000);
      assert.equal(tx.meter_stop_wh, 7250);
      assert.equal(tx.energy_wh, 5250);
      assert.equal(tx.stop_reason, 'EVDisconnected');
      assert.equal(tx.state, 'closed');
      assert.equal(tx.last_seq_no, 3);
      assert.ok(tx.started_at && tx.stopped_at, 'started_at and stopped_at set');
      assert.equal(tx.meter_samples.length, sentSamples, JSON.stringify(tx.meter_samples));
      const voltages = tx.meter_samples.filter((m) => m.measurand === 'Voltage').map((m) => m.phase).sort();
      assert.deepEqual(voltages, ['L1-N', 'L2-N', 'L3-N']);
      const power = tx.meter_samples.find((m) => m.measurand === 'Power.Active.Import' && m.timestamp.startsWith(at(2).slice(0, 16)));
      assert.equal(power?.canonical_value, 10900, 'W with multiplier 3 normalized');
    });

    it('REST remote-start reaches the charger as RequestStartTransaction', async () => {
      const seen = [];
      station.client.handle('RequestStartTransaction', ({ params }) => {
        seen.push(params);
        return { status: 'Accepted' };
      });
      const r = await api('POST', `/stations/${encodeURIComponent(id)}/commands/remote-start`, { id_token: remoteToken });
      assert.equal(r.status, 200, `${r.describe}; strict failures: ${JSON.stringify(station.failures)}`);
      assert.equal(r.json.status, 'Accepted', r.describe);
      assert.deepEqual(r.json.response, { status: 'Accepted' }, r.describe);
      assert.equal(seen.length, 1);
      assert.equal(seen[0].idToken?.idToken, remoteToken);
      assert.ok(Number.isInteger(seen[0].remoteStartId), `remoteStartId ${seen[0].remoteStartId}`);
    });

    it('the server never violated the OCPP 2.0.1 schemas', () => {
      assertNoProtocolViolations(station);
    });
  });

  // Station operations (issue 16) against strict-mode chargers: every command family the
  // REST API sends reaches each version's charger as a schema-valid CALL, its answer comes
  // back through REST, and firmware / logs move through the server's own file endpoint.
  for (const protocol of ['ocpp1.6', 'ocpp2.0.1']) {
    describe(`station operations over ${protocol}`, () => {
      const v16 = protocol === 'ocpp1.6';
      const id = v16 ? 'NODE-OPS-16' : 'NODE-OPS-201';
      const tag = v16 ? 'NODE-OPS-TAG-16' : 'NODE-OPS-TAG-201';
      let station;
      const seen = [];
      const answer = (method, reply) => station.client.handle(method, ({ params }) => {
        seen.push({ method, params });
        return typeof reply === 'function' ? reply(params) : reply;
      });

      before(async () => {
        await createIdToken(tag);
        station = await connectStation(id, protocol);
        const boot = v16
          ? { chargePointVendor: 'NodeVendor', chargePointModel: 'Ops' }
          : { reason: 'PowerUp', chargingStation: { vendorName: 'NodeVendor', model: 'Ops' } };
        await call(station, 'BootNotification', boot);
      });
      after(async () => {
        await station?.client.close({ code: 1000 });
      });

      const profile = v16
        ? { chargingProfileId: 7, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
            chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] } }
        : { id: 7, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
            chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }] };
      const common = [
        ['set-charging-profile', { evse_id: 1, charging_profile: profile }, 'SetChargingProfile', { status: 'Accepted' }],
        ['clear-charging-profile', { profile_id: 7 }, 'ClearChargingProfile', { status: 'Accepted' }],
        ['get-composite-schedule', { evse_id: 1, duration_s: 3600 }, 'GetCompositeSchedule', { status: 'Rejected' }],
        ['get-local-list-version', {}, 'GetLocalListVersion', v16 ? { listVersion: 0 } : { versionNumber: 0 }],
        ['send-local-list', { update: 'full' }, 'SendLocalList', { status: 'Accepted' }],
        ['trigger-message', { message: 'Heartbeat' }, 'TriggerMessage', { status: 'Accepted' }],
        ['change-availability', { operative: true, evse_id: 1 }, 'ChangeAvailability', { status: 'Accepted' }],
      ];
      const only201 = [
        ['get-charging-profiles', { evse_id: 1 }, 'GetChargingProfiles', { status: 'NoProfiles' }],
        ['get-base-report', { report_base: 'FullInventory' }, 'GetBaseReport', { status: 'Accepted' }],
        ['set-variable-monitoring', { monitors: [{ key: 'EVSE.Temperature', type: 'UpperThreshold', value: 70, severity: 4 }] },
          'SetVariableMonitoring', { setMonitoringResult: [{ status: 'Accepted', type: 'UpperThreshold', severity: 4,
            component: { name: 'EVSE' }, variable: { name: 'Temperature' } }] }],
        ['set-monitoring-base', { base: 'All' }, 'SetMonitoringBase', { status: 'Accepted' }],
        ['customer-information', { report: true, clear: false, id_token: tag }, 'CustomerInformation', { status: 'Accepted' }],
        ['set-display-message', { id: 1, message: 'Welcome' }, 'SetDisplayMessage', { status: 'Accepted' }],
        ['get-transaction-status', {}, 'GetTransactionStatus', { messagesInQueue: false }],
      ];
      for (const [name, body, method, reply] of v16 ? common : [...common, ...only201]) {
        it(`${name} reaches the charger as ${method}`, async () => {
          answer(method, reply);
          const before = seen.length;
          const r = await api('POST', `/stations/${encodeURIComponent(id)}/commands/${name}`, body);
          assert.equal(r.status, 200, `${r.describe}; strict failures: ${JSON.stringify(station.failures)}`);
          assert.equal(seen.length, before + 1, `${method} not received`);
          assert.equal(seen.at(-1).method, method);
        });
      }

      it('update-firmware with an uploaded image: the charger downloads it through its URL', async () => {
        const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 13) % 256));
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const created = await api('POST', '/firmware', { version: `ops-${protocol}`, file_name: 'ops.bin', sha256 });
        assert.equal(created.status, 201, created.describe);
        const put = await fetch(`${server.apiBase}/api/v1/firmware/${created.json.id}/image`, {
          method: 'PUT', headers: { Authorization: `Bearer ${API_TOKEN}`, 'Content-Type': 'application/octet-stream' }, body: bytes,
        });
        assert.equal(put.status, 200, await put.text());
        answer('UpdateFirmware', v16 ? {} : { status: 'Accepted' });
        const r = await api('POST', `/stations/${encodeURIComponent(id)}/commands/update-firmware`, { firmware_id: created.json.id });
        assert.equal(r.status, 200, `${r.describe}; strict failures: ${JSON.stringify(station.failures)}`);
        const params = seen.at(-1).params;
        const location = v16 ? params.location : params.firmware.location;
        const download = await fetch(location);
        assert.equal(download.status, 200);
        const got = Buffer.from(await download.arrayBuffer());
        assert.equal(createHash('sha256').update(got).digest('hex'), sha256, 'the bytes match the SHA-256');
        if (v16) {
          await call(station, 'FirmwareStatusNotification', { status: 'Installed' });
        } else {
          await call(station, 'FirmwareStatusNotification', { status: 'Installed', requestId: params.requestId });
        }
        const transfer = await api('GET', `/file-transfers/${r.json.file_transfer.id}`);
        assert.equal(transfer.json.state, 'succeeded', transfer.describe);
        const wrong = await fetch(location.replace(/\/files\/[0-9a-f]/, (m) => m.slice(0, -1) + (m.endsWith('0') ? '1' : '0')));
        assert.equal(wrong.status, 404);
      });

      it('get-diagnostics: the charger uploads its log and REST gives it back byte for byte', async () => {
        answer(v16 ? 'GetDiagnostics' : 'GetLog', v16 ? { fileName: 'diag.txt' } : { status: 'Accepted', filename: 'diag.txt' });
        const r = await api('POST', `/stations/${encodeURIComponent(id)}/commands/get-diagnostics`, {});
        assert.equal(r.status, 200, `${r.describe}; strict failures: ${JSON.stringify(station.failures)}`);
        const params = seen.at(-1).params;
        const location = v16 ? params.location : params.log.remoteLocation;
        const content = `log of ${id}\n`.repeat(100);
        const up = await fetch(`${location}diag.txt`, { method: 'PUT', body: content });
        assert.equal(up.status, 201, await up.text());
        const back = await fetch(`${server.apiBase}/api/v1/file-transfers/${r.json.file_transfer.id}/content`, {
          headers: { Authorization: `Bearer ${API_TOKEN}` },
        });
        assert.equal(back.status, 200);
        assert.equal(await back.text(), content);
      });

      it(`the server never violated the ${protocol} schemas`, () => {
        assertNoProtocolViolations(station);
      });
    });
  }

  // Smart charging (issue 17) with strict-mode chargers of both versions on one 20 A site: the
  // load manager's fallback and TxProfiles, an operator's profile and the composite schedule
  // check reach them as schema-valid CALLs, and the shares stay within the site's limit.
  describe('site load management and charging profiles over both versions', () => {
    const stations = {};
    const limits = {};  // station -> { fallback, tx }
    const waitFor = async (what, check) => {
      for (let i = 0; i < 200; i += 1) {
        if (check()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail(`timed out waiting for ${what}: ${JSON.stringify(limits)}`);
    };

    before(async () => {
      assert.equal((await api('POST', '/sites', { id: 'NODE-SITE', limit_a: 20 })).status, 201);
      for (const [id, protocol] of [['NODE-LM-16', 'ocpp1.6'], ['NODE-LM-201', 'ocpp2.0.1']]) {
        assert.equal((await api('POST', '/stations', { id, site_id: 'NODE-SITE' })).status, 201);
        await createIdToken(`${id}-TAG`);
        const station = await connectStation(id, protocol);
        const v16 = protocol === 'ocpp1.6';
        limits[id] = {};
        station.client.handle('SetChargingProfile', ({ params }) => {
          const profile = v16 ? params.csChargingProfiles : params.chargingProfile;
          const schedule = v16 ? profile.chargingSchedule : profile.chargingSchedule[0];
          const limit = schedule.chargingSchedulePeriod[0].limit;
          if (profile.chargingProfilePurpose === 'TxDefaultProfile') limits[id].fallback = limit;
          if (profile.chargingProfilePurpose === 'TxProfile') limits[id].tx = limit;
          return { status: 'Accepted' };
        });
        station.client.handle('GetCompositeSchedule', ({ params }) => (v16
          ? { status: 'Accepted', connectorId: params.connectorId, scheduleStart: isoNow(),
              chargingSchedule: { duration: params.duration, chargingRateUnit: 'A',
                chargingSchedulePeriod: [{ startPeriod: 0, limit: limits[id].tx ?? 0 }] } }
          : { status: 'Accepted', schedule: { evseId: params.evseId, duration: params.duration, scheduleStart: isoNow(),
              chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: limits[id].tx ?? 0 }] } }));
        await call(station, 'BootNotification', v16
          ? { chargePointVendor: 'NodeVendor', chargePointModel: 'LM' }
          : { reason: 'PowerUp', chargingStation: { vendorName: 'NodeVendor', model: 'LM' } });
        stations[id] = station;
      }
    });
    after(async () => {
      for (const station of Object.values(stations)) await station.client.close({ code: 1000 });
    });

    it('every station of the site gets its fallback (TxDefaultProfile, 0 A)', async () => {
      await waitFor('the fallbacks', () => limits['NODE-LM-16'].fallback === 0 && limits['NODE-LM-201'].fallback === 0);
    });

    it('two sessions share the 20 A: 10 A each, through TxProfiles', async () => {
      const start = await call(stations['NODE-LM-16'], 'StartTransaction', {
        connectorId: 1, idTag: 'NODE-LM-16-TAG', meterStart: 0, timestamp: isoNow(),
      });
      assert.equal(start.idTagInfo.status, 'Accepted');
      await waitFor('the first share', () => limits['NODE-LM-16'].tx === 20);
      await call(stations['NODE-LM-201'], 'TransactionEvent', {
        eventType: 'Started', timestamp: isoNow(), triggerReason: 'Authorized', seqNo: 0,
        transactionInfo: { transactionId: 'NODE-LM-T1', chargingState: 'Charging' },
        evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'NODE-LM-201-TAG', type: 'ISO14443' },
      });
      await waitFor('the shares', () => limits['NODE-LM-16'].tx === 10 && limits['NODE-LM-201'].tx === 10);
      const load = await api('GET', '/sites/NODE-SITE/load');
      assert.equal(load.status, 200, load.describe);
      assert.equal(load.json.limit_a, 20);
      assert.deepEqual(load.json.allocated_a, [20, 20, 20]);
    });

    it('the EV\'s charging needs are accepted at a load-managed site', async () => {
      const res = await call(stations['NODE-LM-201'], 'NotifyEVChargingNeeds', {
        evseId: 1,
        chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', departureTime: new Date(Date.now() + 3_600_000).toISOString(),
          acChargingParameters: { energyAmount: 10000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } },
      });
      assert.equal(res.status, 'Accepted');
    });

    for (const id of ['NODE-LM-16', 'NODE-LM-201']) {
      it(`an operator's profile and the composite schedule check reach ${id}`, async () => {
        const created = await api('POST', '/charging-profiles', {
          station_id: id, evse_id: 0, purpose: 'ChargingStationMaxProfile', stack_level: 0, kind: 'Absolute',
          schedule: { charging_rate_unit: 'A', start_schedule: new Date(Date.now() - 60_000).toISOString(),
            periods: [{ start_s: 0, limit: 32 }] },
        });
        assert.equal(created.status, 201, `${created.describe}; strict failures: ${JSON.stringify(stations[id].failures)}`);
        assert.equal(created.json.state, 'installed');
        // Its TxProfiles and TxDefaultProfile are the load manager's.
        const refused = await api('POST', '/charging-profiles', {
          station_id: id, evse_id: 1, purpose: 'TxDefaultProfile', stack_level: 5, kind: 'Relative',
          schedule: { charging_rate_unit: 'A', periods: [{ start_s: 0, limit: 32 }] },
        });
        assert.equal(refused.status, 409, refused.describe);
        const schedule = await api('GET', `/stations/${id}/charging-schedule?evse_id=1&duration_s=600`);
        assert.equal(schedule.status, 200, schedule.describe);
        assert.equal(schedule.json.in_sync, true, schedule.describe);
      });
    }

    it('the server never violated the schemas of either version', () => {
      for (const station of Object.values(stations)) assertNoProtocolViolations(station);
    });
  });

  it('the server exits 0 on SIGTERM', async () => {
    assert.ok(server.child && !server.exit, `server not running: ${JSON.stringify(server.exit)}\n${tail(server.stderr)}`);
    server.child.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS, 'timeout'); });
    const outcome = await Promise.race([server.exited, timeout]);
    clearTimeout(timer);
    assert.notEqual(outcome, 'timeout', `csms did not exit within ${SHUTDOWN_TIMEOUT_MS} ms of SIGTERM\n${tail(server.stderr)}`);
    assert.deepEqual(server.exit, { code: 0, signal: null }, tail(server.stderr));
  });
});

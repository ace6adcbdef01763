#include "csms/ocpp/translate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <variant>

#include "csms/ocpp/validator.hpp"
#include "printers.hpp"

namespace csms::ocpp {
namespace {

using domain::AuthorizationStatus;
using domain::Timestamp;
using nlohmann::json;
using namespace std::chrono;

constexpr auto kV16 = Version::V16;
constexpr auto kV201 = Version::V201;

Timestamp at(int y, unsigned mo, unsigned d, int h, int mi, int s, int ms = 0) {
  return Timestamp{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} + seconds{s} +
         milliseconds{ms};
}

// Stands in for omitted timestamps.
const Timestamp kNow = at(2024, 3, 1, 12, 0, 0);

bool has_flag(const domain::MeterSample& sample, std::string_view flag) {
  return std::find(sample.flags.begin(), sample.flags.end(), flag) != sample.flags.end();
}

// The golden request must be one a station may send (strictly valid), as the translator only
// ever sees validated payloads.
json request_payload(Version version, std::string_view action, const char* text) {
  auto payload = json::parse(text);
  const auto* schema = find_schema(version, action, Direction::Request);
  EXPECT_NE(schema, nullptr) << action;
  if (schema != nullptr) {
    auto violation = validate_strict(*schema, payload);
    EXPECT_FALSE(violation.has_value())
        << "golden " << action << " is invalid: " << ::testing::PrintToString(violation);
  }
  return payload;
}

template <typename T>
T translate(Version version, std::string_view action, const char* text) {
  auto request = to_request(version, action, request_payload(version, action, text), kNow);
  EXPECT_TRUE(std::holds_alternative<T>(request)) << action << " became alternative " << request.index();
  return std::get<T>(request);
}

// What we send back must pass the official response schema unchanged, and serialize.
::testing::AssertionResult valid_reply(Version version, std::string_view action, const json& reply) {
  const auto* schema = find_schema(version, action, Direction::Response);
  if (schema == nullptr) return ::testing::AssertionFailure() << "no response schema for " << action;
  if (auto violation = validate_strict(*schema, reply))
    return ::testing::AssertionFailure()
           << action << " reply " << reply.dump() << ": " << ::testing::PrintToString(*violation);
  try {
    (void)reply.dump();
  } catch (const json::exception& e) {
    return ::testing::AssertionFailure() << action << " reply does not serialize: " << e.what();
  }
  return ::testing::AssertionSuccess();
}

domain::Authorization authorization(AuthorizationStatus status) {
  domain::Authorization result;
  result.status = status;
  return result;
}

// ---------------------------------------------------------------------------------------
// OCPP 1.6 requests

TEST(V16Translate, BootNotification_MapsChargePointFields) {
  auto boot = translate<domain::BootRequest>(kV16, "BootNotification", R"({
      "chargePointVendor":"Acme","chargePointModel":"Fast 22","chargePointSerialNumber":"CP-1",
      "chargeBoxSerialNumber":"CB-1","firmwareVersion":"1.2.3","iccid":"8949","imsi":"2620",
      "meterType":"DZG","meterSerialNumber":"M-9"})");
  EXPECT_EQ(boot.vendor, "Acme");
  EXPECT_EQ(boot.model, "Fast 22");
  EXPECT_EQ(boot.serial_number, "CP-1");  // the charge point's serial wins over the box's
  EXPECT_EQ(boot.firmware_version, "1.2.3");
  EXPECT_EQ(boot.iccid, "8949");
  EXPECT_EQ(boot.imsi, "2620");
  EXPECT_EQ(boot.meter_type, "DZG");
  EXPECT_EQ(boot.meter_serial_number, "M-9");
  EXPECT_EQ(boot.reason, std::nullopt);  // 1.6 has no boot reason
}

TEST(V16Translate, BootNotification_WithOnlyChargeBoxSerial_UsesIt) {
  auto boot = translate<domain::BootRequest>(
      kV16, "BootNotification",
      R"({"chargePointVendor":"A","chargePointModel":"B","chargeBoxSerialNumber":"CB-7"})");
  EXPECT_EQ(boot.serial_number, "CB-7");
  EXPECT_EQ(boot.firmware_version, std::nullopt);
}

TEST(V16Translate, StatusNotification_ConnectorN_IsEvseNConnector1) {
  auto status = translate<domain::StatusRequest>(kV16, "StatusNotification", R"({
      "connectorId":2,"errorCode":"GroundFailure","status":"Faulted","info":"RCD",
      "vendorId":"Acme","vendorErrorCode":"E42","timestamp":"2024-03-01T11:59:30Z"})");
  EXPECT_EQ(status.evse_id, 2);
  EXPECT_EQ(status.connector_id, 1);
  EXPECT_EQ(status.status, domain::ConnectorStatus::Faulted);
  EXPECT_EQ(status.error_code, "GroundFailure");
  EXPECT_EQ(status.info, "RCD");
  EXPECT_EQ(status.vendor_id, "Acme");
  EXPECT_EQ(status.vendor_error_code, "E42");
  EXPECT_EQ(status.timestamp, at(2024, 3, 1, 11, 59, 30));
}

TEST(V16Translate, StatusNotification_ConnectorZero_IsTheStation) {
  auto status = translate<domain::StatusRequest>(
      kV16, "StatusNotification", R"({"connectorId":0,"errorCode":"NoError","status":"Unavailable"})");
  EXPECT_EQ(status.evse_id, 0);
  EXPECT_EQ(status.connector_id, 0);
  EXPECT_EQ(status.status, domain::ConnectorStatus::Unavailable);
}

TEST(V16Translate, StatusNotification_WithoutTimestamp_IsStampedNow) {
  auto status = translate<domain::StatusRequest>(
      kV16, "StatusNotification", R"({"connectorId":1,"errorCode":"NoError","status":"SuspendedEV"})");
  EXPECT_EQ(status.status, domain::ConnectorStatus::SuspendedEV);
  EXPECT_EQ(status.timestamp, kNow);
  EXPECT_EQ(status.info, std::nullopt);
}

TEST(V16Translate, Authorize_IdTagBecomesTokenWithoutType) {
  auto authorize = translate<domain::AuthorizeRequest>(kV16, "Authorize", R"({"idTag":"04A2B3C4"})");
  EXPECT_EQ(authorize.id_token.value, "04A2B3C4");
  EXPECT_EQ(authorize.id_token.type, "");
}

TEST(V16Translate, StartTransaction_MapsConnectorToEvse) {
  auto start = translate<domain::StartTransactionRequest>(kV16, "StartTransaction", R"({
      "connectorId":3,"idTag":"TAG1","meterStart":1500,"reservationId":7,
      "timestamp":"2024-03-01T11:00:00.250Z"})");
  EXPECT_EQ(start.evse_id, 3);
  EXPECT_EQ(start.connector_id, 1);
  EXPECT_EQ(start.id_token.value, "TAG1");
  EXPECT_EQ(start.meter_start_wh, 1500);
  EXPECT_EQ(start.reservation_id, 7);
  EXPECT_EQ(start.timestamp, at(2024, 3, 1, 11, 0, 0, 250));
}

TEST(V16Translate, StartTransaction_OnConnectorZero_IsPropertyConstraintViolation) {
  auto payload = request_payload(
      kV16, "StartTransaction",
      R"({"connectorId":0,"idTag":"TAG1","meterStart":0,"timestamp":"2024-03-01T11:00:00Z"})");
  try {
    (void)to_request(kV16, "StartTransaction", payload, kNow);
    FAIL() << "a transaction on the station itself was accepted";
  } catch (const TranslateError& e) {
    EXPECT_EQ(e.code(), ErrorCode::PropertyConstraintViolation);
  }
}

TEST(V16Translate, StopTransaction_WithoutReason_IsLocal) {
  auto stop = translate<domain::StopTransactionRequest>(
      kV16, "StopTransaction", R"({"transactionId":17,"meterStop":9000,"timestamp":"2024-03-01T11:30:00Z"})");
  EXPECT_EQ(stop.transaction_id, 17);
  EXPECT_EQ(stop.reason, "Local");  // OCPP 1.6 StopTransaction.req: absent means Local
  EXPECT_EQ(stop.meter_stop_wh, 9000);
  EXPECT_EQ(stop.id_token, std::nullopt);
  EXPECT_TRUE(stop.samples.empty());
}

TEST(V16Translate, StopTransaction_WithTransactionData_MapsSamplesAtTheirTimestamps) {
  auto stop = translate<domain::StopTransactionRequest>(kV16, "StopTransaction", R"({
      "transactionId":17,"idTag":"TAG1","meterStop":9000,"timestamp":"2024-03-01T11:30:00Z",
      "reason":"EVDisconnected","transactionData":[
        {"timestamp":"2024-03-01T11:00:00Z","sampledValue":[
          {"value":"1500","context":"Transaction.Begin"}]},
        {"timestamp":"2024-03-01T11:30:00Z","sampledValue":[
          {"value":"9.0","unit":"kWh","context":"Transaction.End"},
          {"value":"16","measurand":"Current.Import","phase":"L1","unit":"A","context":"Transaction.End"}]}]})");
  EXPECT_EQ(stop.reason, "EVDisconnected");
  ASSERT_TRUE(stop.id_token.has_value());
  EXPECT_EQ(stop.id_token->value, "TAG1");
  ASSERT_EQ(stop.samples.size(), 3u);

  EXPECT_EQ(stop.samples[0].timestamp, at(2024, 3, 1, 11, 0, 0));
  EXPECT_EQ(stop.samples[0].context, "Transaction.Begin");
  EXPECT_EQ(stop.samples[0].canonical_value, 1500);

  EXPECT_EQ(stop.samples[1].timestamp, at(2024, 3, 1, 11, 30, 0));
  EXPECT_EQ(stop.samples[1].unit, "kWh");
  EXPECT_EQ(stop.samples[1].value, 9);
  EXPECT_EQ(stop.samples[1].canonical_unit, "Wh");
  EXPECT_EQ(stop.samples[1].canonical_value, 9000);  // 9.0 kWh

  EXPECT_EQ(stop.samples[2].measurand, "Current.Import");
  EXPECT_EQ(stop.samples[2].phase, "L1");
  EXPECT_EQ(stop.samples[2].canonical_unit, "A");
  EXPECT_EQ(stop.samples[2].canonical_value, 16);
}

TEST(V16Translate, MeterValues_WithOnlyAValue_TakesTheSpecDefaults) {
  auto values = translate<domain::MeterValuesRequest>(kV16, "MeterValues", R"({
      "connectorId":1,"meterValue":[{"timestamp":"2024-03-01T11:15:00Z","sampledValue":[{"value":"4200"}]}]})");
  ASSERT_EQ(values.samples.size(), 1u);
  const auto& sample = values.samples[0];
  // OCPP 1.6 §7.43 SampledValue defaults.
  EXPECT_EQ(sample.measurand, "Energy.Active.Import.Register");
  EXPECT_EQ(sample.unit, "Wh");
  EXPECT_EQ(sample.location, "Outlet");
  EXPECT_EQ(sample.context, "Sample.Periodic");
  EXPECT_EQ(sample.phase, "");
  EXPECT_EQ(sample.raw_value, "4200");
  EXPECT_EQ(sample.value, 4200);
  EXPECT_EQ(sample.canonical_unit, "Wh");
  EXPECT_EQ(sample.canonical_value, 4200);
  EXPECT_EQ(sample.timestamp, at(2024, 3, 1, 11, 15, 0));
  EXPECT_TRUE(sample.flags.empty());
}

TEST(V16Translate, MeterValues_ConnectorAndTransactionId_BecomeEvseAndTextId) {
  auto values = translate<domain::MeterValuesRequest>(kV16, "MeterValues", R"({
      "connectorId":2,"transactionId":42,
      "meterValue":[{"timestamp":"2024-03-01T11:15:00Z","sampledValue":[{"value":"1"}]}]})");
  EXPECT_EQ(values.evse_id, 2);
  EXPECT_EQ(values.transaction_id, "42");
}

TEST(V16Translate, MeterValues_WithoutTransactionId_HasNone) {
  auto values = translate<domain::MeterValuesRequest>(kV16, "MeterValues", R"({
      "connectorId":0,"meterValue":[{"timestamp":"2024-03-01T11:15:00Z","sampledValue":[{"value":"1"}]}]})");
  EXPECT_EQ(values.evse_id, 0);
  EXPECT_EQ(values.transaction_id, std::nullopt);
}

TEST(V16Translate, MeterValues_FractionalRegister_IsParsed) {
  auto values = translate<domain::MeterValuesRequest>(kV16, "MeterValues", R"({
      "connectorId":1,"meterValue":[{"timestamp":"2024-03-01T11:15:00Z","sampledValue":[{"value":"1234.5"}]}]})");
  ASSERT_EQ(values.samples.size(), 1u);
  EXPECT_EQ(values.samples[0].value, 1234.5);
  EXPECT_EQ(values.samples[0].canonical_value, 1234.5);
  EXPECT_EQ(values.samples[0].raw_value, "1234.5");
  EXPECT_FALSE(has_flag(values.samples[0], domain::flag::kUnparseableValue));
}

TEST(V16Translate, MeterValues_KilowattHours_AreCanonicalWattHours) {
  auto values = translate<domain::MeterValuesRequest>(kV16, "MeterValues", R"({
      "connectorId":1,"meterValue":[{"timestamp":"2024-03-01T11:15:00Z","sampledValue":[
        {"value":"12.25","unit":"kWh"},{"value":"7.4","measurand":"Power.Active.Import","unit":"kW"}]}]})");
  ASSERT_EQ(values.samples.size(), 2u);
  EXPECT_EQ(values.samples[0].unit, "kWh");  // as sent
  EXPECT_EQ(values.samples[0].value, 12.25);
  EXPECT_EQ(values.samples[0].canonical_unit, "Wh");
  EXPECT_EQ(values.samples[0].canonical_value, 12250);  // 12.25 * 1000
  EXPECT_EQ(values.samples[1].canonical_unit, "W");
  EXPECT_DOUBLE_EQ(values.samples[1].canonical_value, 7400);  // 7.4 * 1000
}

TEST(V16Translate, MeterValues_Temperatures_AreCanonicalCelsius) {
  auto values = translate<domain::MeterValuesRequest>(kV16, "MeterValues", R"({
      "connectorId":1,"meterValue":[{"timestamp":"2024-03-01T11:15:00Z","sampledValue":[
        {"value":"212","measurand":"Temperature","unit":"Fahrenheit"},
        {"value":"300","measurand":"Temperature","unit":"K"},
        {"value":"21.5","measurand":"Temperature","unit":"Celcius"}]}]})");
  ASSERT_EQ(values.samples.size(), 3u);
  EXPECT_EQ(values.samples[0].canonical_unit, "Celsius");
  EXPECT_DOUBLE_EQ(values.samples[0].canonical_value, 100);  // (212 - 32) * 5 / 9
  EXPECT_EQ(values.samples[1].canonical_unit, "Celsius");
  EXPECT_NEAR(values.samples[1].canonical_value, 26.85, 1e-9);  // 300 - 273.15
  EXPECT_EQ(values.samples[2].canonical_unit, "Celsius");       // 1.6's spelling read right
  EXPECT_EQ(values.samples[2].canonical_value, 21.5);
}

TEST(V16Translate, MeterValues_NonNumericValue_IsKeptAndFlaggedUnparseable) {
  auto values = translate<domain::MeterValuesRequest>(kV16, "MeterValues", R"({
      "connectorId":1,"meterValue":[{"timestamp":"2024-03-01T11:15:00Z","sampledValue":[
        {"value":"n/a"},{"value":"12kWh"},{"value":""}]}]})");
  ASSERT_EQ(values.samples.size(), 3u);
  for (const auto& sample : values.samples) {
    EXPECT_TRUE(has_flag(sample, domain::flag::kUnparseableValue)) << sample.raw_value;
    EXPECT_EQ(sample.value, 0) << sample.raw_value;
  }
  EXPECT_EQ(values.samples[0].raw_value, "n/a");
  EXPECT_EQ(values.samples[1].raw_value, "12kWh");
}

TEST(V16Translate, MeterValues_SignedData_IsKeptVerbatim) {
  auto values = translate<domain::MeterValuesRequest>(kV16, "MeterValues", R"({
      "connectorId":1,"meterValue":[{"timestamp":"2024-03-01T11:15:00Z","sampledValue":[
        {"value":"AP;0;3;ALCV3ABBBISHMA2RYEGAZE3HV5YQBQRQAEHAR","format":"SignedData"}]}]})");
  ASSERT_EQ(values.samples.size(), 1u);
  EXPECT_EQ(values.samples[0].signed_data, "AP;0;3;ALCV3ABBBISHMA2RYEGAZE3HV5YQBQRQAEHAR");
  EXPECT_TRUE(has_flag(values.samples[0], domain::flag::kUnparseableValue));
}

TEST(V16Translate, Handles_StationMessagesOfTheVersionOnly) {
  EXPECT_TRUE(handles(kV16, "StartTransaction"));
  EXPECT_TRUE(handles(kV16, "DiagnosticsStatusNotification"));
  EXPECT_FALSE(handles(kV16, "TransactionEvent"));
  EXPECT_FALSE(handles(kV16, "RemoteStartTransaction"));  // CSMS to station
}

TEST(V16Translate, UnknownAction_IsNotImplemented) {
  try {
    (void)to_request(kV16, "TransactionEvent", json::object(), kNow);
    FAIL() << "a 2.0.1 action was translated on 1.6";
  } catch (const TranslateError& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotImplemented);
  }
}

TEST(V16Translate, SecurityEventNotification_IsAReportAtItsTimestamp) {
  auto report = translate<domain::StationReport>(
      kV16, "SecurityEventNotification", R"({"type":"FirmwareUpdated","timestamp":"2024-03-01T10:00:00Z"})");
  EXPECT_EQ(report.kind, "SecurityEventNotification");
  EXPECT_EQ(report.timestamp, at(2024, 3, 1, 10, 0, 0));
  EXPECT_EQ(json::parse(report.payload_json)["type"], "FirmwareUpdated");
}

// ---------------------------------------------------------------------------------------
// OCPP 2.0.1 requests

TEST(V201Translate, BootNotification_MapsStationModemAndReason) {
  auto boot = translate<domain::BootRequest>(kV201, "BootNotification", R"({
      "reason":"PowerUp","chargingStation":{"vendorName":"Acme","model":"Fast 22",
      "serialNumber":"CS-1","firmwareVersion":"2.0","modem":{"iccid":"8949","imsi":"2620"}}})");
  EXPECT_EQ(boot.vendor, "Acme");
  EXPECT_EQ(boot.model, "Fast 22");
  EXPECT_EQ(boot.serial_number, "CS-1");
  EXPECT_EQ(boot.firmware_version, "2.0");
  EXPECT_EQ(boot.iccid, "8949");
  EXPECT_EQ(boot.imsi, "2620");
  EXPECT_EQ(boot.reason, "PowerUp");
  EXPECT_EQ(boot.meter_type, std::nullopt);
}

TEST(V201Translate, StatusNotification_KeepsEvseAndConnector) {
  auto status = translate<domain::StatusRequest>(kV201, "StatusNotification", R"({
      "timestamp":"2024-03-01T11:59:00Z","connectorStatus":"Occupied","evseId":2,"connectorId":3})");
  EXPECT_EQ(status.evse_id, 2);
  EXPECT_EQ(status.connector_id, 3);
  EXPECT_EQ(status.status, domain::ConnectorStatus::Occupied);
  EXPECT_EQ(status.timestamp, at(2024, 3, 1, 11, 59, 0));
  EXPECT_EQ(status.error_code, std::nullopt);
}

TEST(V201Translate, Authorize_KeepsTokenType) {
  auto authorize = translate<domain::AuthorizeRequest>(
      kV201, "Authorize", R"({"idToken":{"idToken":"04A2B3C4","type":"ISO14443"}})");
  EXPECT_EQ(authorize.id_token.value, "04A2B3C4");
  EXPECT_EQ(authorize.id_token.type, "ISO14443");
}

TEST(V201Translate, TransactionEventStarted_MapsEverything) {
  auto event = translate<domain::TransactionEventRequest>(kV201, "TransactionEvent", R"({
      "eventType":"Started","timestamp":"2024-03-01T11:00:00Z","triggerReason":"Authorized",
      "seqNo":0,"transactionInfo":{"transactionId":"tx-1","chargingState":"EVConnected","remoteStartId":5},
      "evse":{"id":1,"connectorId":2},"idToken":{"idToken":"TAG1","type":"ISO14443"},
      "meterValue":[{"timestamp":"2024-03-01T11:00:00Z","sampledValue":[
        {"value":1.5,"context":"Transaction.Begin","unitOfMeasure":{"unit":"kWh","multiplier":3}}]}]})");
  EXPECT_EQ(event.kind, domain::TransactionEventKind::Started);
  EXPECT_EQ(event.timestamp, at(2024, 3, 1, 11, 0, 0));
  EXPECT_EQ(event.trigger_reason, "Authorized");
  EXPECT_EQ(event.seq_no, 0);
  EXPECT_EQ(event.transaction_id, "tx-1");
  EXPECT_EQ(event.charging_state, domain::ChargingState::EVConnected);
  EXPECT_EQ(event.remote_start_id, 5);
  EXPECT_EQ(event.evse_id, 1);
  EXPECT_EQ(event.connector_id, 2);
  ASSERT_TRUE(event.id_token.has_value());
  EXPECT_EQ(event.id_token->value, "TAG1");
  EXPECT_EQ(event.id_token->type, "ISO14443");
  EXPECT_FALSE(event.offline);
  ASSERT_EQ(event.samples.size(), 1u);
  const auto& sample = event.samples[0];
  // 1.5 kWh * 10^3 = 1500 kWh, which is 1 500 000 Wh.
  EXPECT_EQ(sample.unit, "kWh");
  EXPECT_DOUBLE_EQ(sample.value, 1500);
  EXPECT_EQ(sample.canonical_unit, "Wh");
  EXPECT_DOUBLE_EQ(sample.canonical_value, 1500000);
  EXPECT_EQ(sample.context, "Transaction.Begin");
  EXPECT_EQ(sample.measurand, "Energy.Active.Import.Register");
}

TEST(V201Translate, TransactionEventUpdated_WithoutEvseOrToken_LeavesThemEmpty) {
  auto event = translate<domain::TransactionEventRequest>(kV201, "TransactionEvent", R"({
      "eventType":"Updated","timestamp":"2024-03-01T11:10:00Z","triggerReason":"ChargingStateChanged",
      "seqNo":3,"transactionInfo":{"transactionId":"tx-1","chargingState":"SuspendedEV"}})");
  EXPECT_EQ(event.kind, domain::TransactionEventKind::Updated);
  EXPECT_EQ(event.seq_no, 3);
  EXPECT_EQ(event.charging_state, domain::ChargingState::SuspendedEV);
  EXPECT_EQ(event.evse_id, std::nullopt);
  EXPECT_EQ(event.connector_id, std::nullopt);
  EXPECT_EQ(event.id_token, std::nullopt);
  EXPECT_EQ(event.remote_start_id, std::nullopt);
  EXPECT_TRUE(event.samples.empty());
}

TEST(V201Translate, TransactionEventEnded_MapsReasonOfflineAndDefaultUnit) {
  auto event = translate<domain::TransactionEventRequest>(kV201, "TransactionEvent", R"({
      "eventType":"Ended","timestamp":"2024-03-01T11:30:00Z","triggerReason":"EVDeparted",
      "seqNo":4,"offline":true,"transactionInfo":{"transactionId":"tx-1","stoppedReason":"EVDisconnected"},
      "meterValue":[{"timestamp":"2024-03-01T11:30:00Z","sampledValue":[
        {"value":9000,"context":"Transaction.End"},
        {"value":2305,"measurand":"Voltage","phase":"L1-N","unitOfMeasure":{"unit":"V","multiplier":-1}}]}]})");
  EXPECT_EQ(event.kind, domain::TransactionEventKind::Ended);
  EXPECT_EQ(event.stopped_reason, "EVDisconnected");
  EXPECT_TRUE(event.offline);
  EXPECT_EQ(event.charging_state, std::nullopt);
  ASSERT_EQ(event.samples.size(), 2u);
  EXPECT_EQ(event.samples[0].unit, "Wh");  // UnitOfMeasureType default
  EXPECT_EQ(event.samples[0].canonical_value, 9000);
  EXPECT_EQ(event.samples[0].raw_value, "9000");
  EXPECT_EQ(event.samples[1].phase, "L1-N");
  EXPECT_DOUBLE_EQ(event.samples[1].value, 230.5);  // 2305 * 10^-1
  EXPECT_EQ(event.samples[1].canonical_unit, "V");
}

TEST(V201Translate, MeterValues_MapsEvseAndSamples) {
  auto values = translate<domain::MeterValuesRequest>(kV201, "MeterValues", R"({
      "evseId":2,"meterValue":[
        {"timestamp":"2024-03-01T11:15:00Z","sampledValue":[{"value":1234.5}]},
        {"timestamp":"2024-03-01T11:16:00Z","sampledValue":[
          {"value":11,"measurand":"Power.Active.Import","location":"EV","context":"Trigger",
           "unitOfMeasure":{"unit":"kW"}}]}]})");
  EXPECT_EQ(values.evse_id, 2);
  EXPECT_EQ(values.transaction_id, std::nullopt);
  ASSERT_EQ(values.samples.size(), 2u);
  EXPECT_EQ(values.samples[0].timestamp, at(2024, 3, 1, 11, 15, 0));
  EXPECT_EQ(values.samples[0].measurand, "Energy.Active.Import.Register");
  EXPECT_EQ(values.samples[0].location, "Outlet");
  EXPECT_EQ(values.samples[0].context, "Sample.Periodic");
  EXPECT_EQ(values.samples[0].canonical_value, 1234.5);
  EXPECT_EQ(values.samples[1].timestamp, at(2024, 3, 1, 11, 16, 0));
  EXPECT_EQ(values.samples[1].location, "EV");
  EXPECT_EQ(values.samples[1].context, "Trigger");
  EXPECT_EQ(values.samples[1].canonical_unit, "W");
  EXPECT_EQ(values.samples[1].canonical_value, 11000);  // 11 kW
}

TEST(V201Translate, MeterValues_CustomUnit_IsKeptAndFlaggedUnknown) {
  auto values = translate<domain::MeterValuesRequest>(kV201, "MeterValues", R"({
      "evseId":1,"meterValue":[{"timestamp":"2024-03-01T11:15:00Z","sampledValue":[
        {"value":3,"measurand":"Current.Offered","unitOfMeasure":{"unit":"mA"}}]}]})");
  ASSERT_EQ(values.samples.size(), 1u);
  EXPECT_EQ(values.samples[0].canonical_unit, "mA");
  EXPECT_EQ(values.samples[0].canonical_value, 3);
  EXPECT_TRUE(has_flag(values.samples[0], domain::flag::kUnknownUnit));
}

TEST(V201Translate, Handles_StationMessagesOfTheVersionOnly) {
  EXPECT_TRUE(handles(kV201, "TransactionEvent"));
  EXPECT_TRUE(handles(kV201, "NotifyReport"));
  EXPECT_FALSE(handles(kV201, "StartTransaction"));
  EXPECT_FALSE(handles(kV201, "RequestStartTransaction"));  // CSMS to station
}

TEST(V201Translate, UnknownAction_IsNotImplemented) {
  try {
    (void)to_request(kV201, "StopTransaction", json::object(), kNow);
    FAIL() << "a 1.6 action was translated on 2.0.1";
  } catch (const TranslateError& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotImplemented);
  }
}

TEST(V201Translate, NotifyReport_IsAReportAtGeneratedAt) {
  auto report = translate<domain::StationReport>(kV201, "NotifyReport", R"({
      "requestId":1,"generatedAt":"2024-03-01T10:00:00Z","seqNo":0})");
  EXPECT_EQ(report.kind, "NotifyReport");
  EXPECT_EQ(report.timestamp, at(2024, 3, 1, 10, 0, 0));
}

// ---------------------------------------------------------------------------------------
// Replies

TEST(V16Reply, Authorize_CarriesStatusExpiryAndParent) {
  domain::Authorization auth = authorization(AuthorizationStatus::Accepted);
  auth.expires_at = at(2024, 12, 31, 23, 59, 59);
  auth.group = "FLEET-7";
  auto reply = to_reply(kV16, "Authorize", domain::AuthorizeResponse{auth});
  EXPECT_EQ(reply, json::parse(R"({"idTagInfo":{"status":"Accepted","expiryDate":"2024-12-31T23:59:59Z",
                                   "parentIdTag":"FLEET-7"}})"));
  EXPECT_TRUE(valid_reply(kV16, "Authorize", reply));
}

struct StatusMapping {
  AuthorizationStatus status;
  const char* v16;
};

void PrintTo(const StatusMapping& m, std::ostream* out) { *out << domain::to_string(m.status); }

class V16IdTagInfo : public ::testing::TestWithParam<StatusMapping> {};

// 1.6 knows five statuses; refusals that only 2.0.1 can name read as Blocked (the token
// is known but may not charge here or now), Unknown as Invalid.
INSTANTIATE_TEST_SUITE_P(AllStatuses, V16IdTagInfo,
                         ::testing::Values(StatusMapping{AuthorizationStatus::Accepted, "Accepted"},
                                           StatusMapping{AuthorizationStatus::Blocked, "Blocked"},
                                           StatusMapping{AuthorizationStatus::Expired, "Expired"},
                                           StatusMapping{AuthorizationStatus::Invalid, "Invalid"},
                                           StatusMapping{AuthorizationStatus::ConcurrentTx, "ConcurrentTx"},
                                           StatusMapping{AuthorizationStatus::NoCredit, "Blocked"},
                                           StatusMapping{AuthorizationStatus::NotAllowedTypeEVSE, "Blocked"},
                                           StatusMapping{AuthorizationStatus::NotAtThisLocation, "Blocked"},
                                           StatusMapping{AuthorizationStatus::NotAtThisTime, "Blocked"},
                                           StatusMapping{AuthorizationStatus::Unknown, "Invalid"}),
                         [](const auto& param_info) {
                           return std::string(domain::to_string(param_info.param.status));
                         });

TEST_P(V16IdTagInfo, Authorize_MapsStatusToA16Status) {
  auto reply = to_reply(kV16, "Authorize", domain::AuthorizeResponse{authorization(GetParam().status)});
  EXPECT_EQ(reply, (json{{"idTagInfo", {{"status", GetParam().v16}}}}));
  EXPECT_TRUE(valid_reply(kV16, "Authorize", reply));
}

TEST_P(V16IdTagInfo, StartTransaction_MapsStatusToA16Status) {
  auto reply = to_reply(kV16, "StartTransaction",
                        domain::StartTransactionResponse{42, authorization(GetParam().status)});
  EXPECT_EQ(reply, (json{{"transactionId", 42}, {"idTagInfo", {{"status", GetParam().v16}}}}));
  EXPECT_TRUE(valid_reply(kV16, "StartTransaction", reply));
}

TEST_P(V16IdTagInfo, StopTransaction_MapsStatusToA16Status) {
  auto reply =
      to_reply(kV16, "StopTransaction", domain::StopTransactionResponse{authorization(GetParam().status)});
  EXPECT_EQ(reply, (json{{"idTagInfo", {{"status", GetParam().v16}}}}));
  EXPECT_TRUE(valid_reply(kV16, "StopTransaction", reply));
}

TEST(V16Reply, StartTransaction_CarriesTheTransactionId) {
  domain::StartTransactionResponse response{1234567, authorization(AuthorizationStatus::Accepted)};
  auto reply = to_reply(kV16, "StartTransaction", response);
  EXPECT_EQ(reply["transactionId"], 1234567);
  EXPECT_EQ(reply["idTagInfo"]["status"], "Accepted");
  EXPECT_TRUE(valid_reply(kV16, "StartTransaction", reply));
}

TEST(V16Reply, StopTransaction_WithoutIdTag_IsEmpty) {
  auto reply = to_reply(kV16, "StopTransaction", domain::StopTransactionResponse{});
  EXPECT_EQ(reply, json::object());
  EXPECT_TRUE(valid_reply(kV16, "StopTransaction", reply));
}

TEST(V16Reply, ParentIdTagLongerThan20_IsCutTo20Characters) {
  domain::Authorization auth = authorization(AuthorizationStatus::Accepted);
  auth.group = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";  // 26 characters; CiString20Type
  auto reply = to_reply(kV16, "Authorize", domain::AuthorizeResponse{auth});
  EXPECT_EQ(reply["idTagInfo"]["parentIdTag"], "ABCDEFGHIJKLMNOPQRST");
  EXPECT_TRUE(valid_reply(kV16, "Authorize", reply));
}

TEST(V16Reply, NonAsciiParentIdTag_IsCutByCharactersNotBytes) {
  domain::Authorization auth = authorization(AuthorizationStatus::Accepted);
  // "Flotte-Müller-Größe" is 19 characters (22 bytes): it fits and is sent whole.
  auth.group =
      "Flotte-M\xC3\xBCller-Gr\xC3\xB6\xC3\x9F"
      "e";
  auto reply = to_reply(kV16, "Authorize", domain::AuthorizeResponse{auth});
  EXPECT_EQ(reply["idTagInfo"]["parentIdTag"], *auth.group);
  EXPECT_TRUE(valid_reply(kV16, "Authorize", reply));

  // 21 two-byte characters: the first 20 of them, never half a character.
  std::string umlauts;
  for (int i = 0; i < 21; ++i) umlauts += "\xC3\xA4";
  auth.group = umlauts;
  reply = to_reply(kV16, "Authorize", domain::AuthorizeResponse{auth});
  EXPECT_EQ(reply["idTagInfo"]["parentIdTag"], umlauts.substr(0, 40));
  EXPECT_TRUE(valid_reply(kV16, "Authorize", reply));
}

TEST(V16Reply, BootNotification_CarriesStatusTimeAndInterval) {
  domain::BootResponse response{domain::RegistrationStatus::Pending, 60, at(2024, 3, 1, 12, 0, 0, 5)};
  auto reply = to_reply(kV16, "BootNotification", response);
  EXPECT_EQ(reply,
            json::parse(R"({"status":"Pending","currentTime":"2024-03-01T12:00:00.005Z","interval":60})"));
  EXPECT_TRUE(valid_reply(kV16, "BootNotification", reply));
}

TEST(V201Reply, Authorize_CarriesGroupIdTokenAndCacheExpiry) {
  domain::Authorization auth = authorization(AuthorizationStatus::Accepted);
  auth.expires_at = at(2024, 12, 31, 0, 0, 0);
  auth.group = "FLEET-7";
  auto reply = to_reply(kV201, "Authorize", domain::AuthorizeResponse{auth});
  EXPECT_EQ(reply,
            json::parse(R"({"idTokenInfo":{"status":"Accepted","cacheExpiryDateTime":"2024-12-31T00:00:00Z",
                                   "groupIdToken":{"idToken":"FLEET-7","type":"Central"}}})"));
  EXPECT_TRUE(valid_reply(kV201, "Authorize", reply));
}

TEST(V201Reply, Authorize_EveryStatusIsSentAsIs) {
  for (auto status :
       {AuthorizationStatus::Accepted, AuthorizationStatus::Blocked, AuthorizationStatus::Expired,
        AuthorizationStatus::Invalid, AuthorizationStatus::ConcurrentTx, AuthorizationStatus::NoCredit,
        AuthorizationStatus::NotAllowedTypeEVSE, AuthorizationStatus::NotAtThisLocation,
        AuthorizationStatus::NotAtThisTime, AuthorizationStatus::Unknown}) {
    auto reply = to_reply(kV201, "Authorize", domain::AuthorizeResponse{authorization(status)});
    EXPECT_EQ(reply["idTokenInfo"]["status"], domain::to_string(status));
    EXPECT_TRUE(valid_reply(kV201, "Authorize", reply));
  }
}

TEST(V201Reply, TransactionEvent_WithAuthorization_CarriesIdTokenInfo) {
  domain::Authorization auth = authorization(AuthorizationStatus::NoCredit);
  auth.group = "G";
  auto reply = to_reply(kV201, "TransactionEvent",
                        domain::TransactionEventResponse{auth, 0, std::nullopt, std::nullopt, {}});
  EXPECT_EQ(reply,
            json::parse(
                R"({"idTokenInfo":{"status":"NoCredit","groupIdToken":{"idToken":"G","type":"Central"}}})"));
  EXPECT_TRUE(valid_reply(kV201, "TransactionEvent", reply));
}

TEST(V201Reply, TransactionEvent_WithoutAuthorization_IsEmpty) {
  auto reply = to_reply(kV201, "TransactionEvent", domain::TransactionEventResponse{});
  EXPECT_EQ(reply, json::object());
  EXPECT_TRUE(valid_reply(kV201, "TransactionEvent", reply));
}

TEST(V201Reply, TransactionEvent_CarriesTheTotalCostAsASchemaValidNumber) {
  auto reply = to_reply(kV201, "TransactionEvent",
                        domain::TransactionEventResponse{std::nullopt, 7, "7.62", std::nullopt, {}});
  EXPECT_EQ(reply, json::parse(R"({"totalCost":7.62})"));
  EXPECT_TRUE(valid_reply(kV201, "TransactionEvent", reply));
}

TEST(V201Reply, GroupIdTokenLongerThan36_IsCutTo36Characters) {
  domain::Authorization auth = authorization(AuthorizationStatus::Accepted);
  auth.group = std::string(40, 'g');
  auto reply = to_reply(kV201, "Authorize", domain::AuthorizeResponse{auth});
  EXPECT_EQ(reply["idTokenInfo"]["groupIdToken"]["idToken"], std::string(36, 'g'));
  EXPECT_TRUE(valid_reply(kV201, "Authorize", reply));
}

TEST(V201Reply, BootNotification_CarriesStatusTimeAndInterval) {
  domain::BootResponse response{domain::RegistrationStatus::Rejected, 300, at(2024, 3, 1, 12, 0, 0)};
  auto reply = to_reply(kV201, "BootNotification", response);
  EXPECT_EQ(reply,
            json::parse(R"({"status":"Rejected","currentTime":"2024-03-01T12:00:00Z","interval":300})"));
  EXPECT_TRUE(valid_reply(kV201, "BootNotification", reply));
}

// The response alternative the charging service answers an action with; reports and
// notifications get an EmptyResponse.
domain::Response service_response_for(std::string_view action) {
  if (action == "BootNotification")
    return domain::BootResponse{domain::RegistrationStatus::Accepted, 300, kNow};
  if (action == "Heartbeat") return domain::HeartbeatResponse{kNow};
  if (action == "Authorize") return domain::AuthorizeResponse{authorization(AuthorizationStatus::Accepted)};
  if (action == "StartTransaction")
    return domain::StartTransactionResponse{1, authorization(AuthorizationStatus::Accepted)};
  if (action == "StopTransaction") return domain::StopTransactionResponse{};
  if (action == "TransactionEvent") return domain::TransactionEventResponse{};
  if (action == "DataTransfer") return domain::DataTransferResponse{};
  return domain::EmptyResponse{};
}

// Every message we take gets a reply its response schema accepts.
TEST(Reply, EveryHandledAction_GetsASchemaValidReply) {
  for (auto version : {kV16, kV201}) {
    for (auto action : known_actions(version)) {
      if (!handles(version, action)) continue;
      auto reply = to_reply(version, action, service_response_for(action));
      EXPECT_TRUE(valid_reply(version, action, reply)) << subprotocol(version) << " " << action;
    }
  }
}

}  // namespace
}  // namespace csms::ocpp

namespace csms::ocpp {
namespace {

TEST(V201Translate, ReservationIds_FromTransactionEventAndReservationStatusUpdate) {
  auto event = translate<domain::TransactionEventRequest>(kV201, "TransactionEvent", R"({
    "eventType":"Started","timestamp":"2024-03-01T11:00:00Z","triggerReason":"Authorized","seqNo":0,
    "reservationId":42,"transactionInfo":{"transactionId":"tx-r"}})");
  EXPECT_EQ(event.reservation_id, 42);
  for (const auto& [status, state] : {std::pair{"Expired", "expired"}, std::pair{"Removed", "removed"}}) {
    const auto text = std::string(R"({"reservationId":7,"reservationUpdateStatus":")") + status + "\"}";
    auto report = translate<domain::StationReport>(kV201, "ReservationStatusUpdate", text.c_str());
    ASSERT_TRUE(report.reservation_ended.has_value()) << status;
    EXPECT_EQ(report.reservation_ended->first, 7);
    EXPECT_EQ(report.reservation_ended->second, state);
  }
}

}  // namespace
}  // namespace csms::ocpp

// What csms-loadgen sends must pass the server's strict validation, or the benchmarks would
// measure CALLERRORs. The schemas come from the server's generated definitions; the load
// generator itself does not depend on them.
#include "loadgen/messages.hpp"

#include <gtest/gtest.h>

#include <string>

#include "csms/ocpp/validator.hpp"

namespace csms::loadgen::messages {
namespace {

using ocpp::Direction;

ocpp::Version version_of(Protocol p) {
  return p == Protocol::V201 ? ocpp::Version::V201 : ocpp::Version::V16;
}

void expect_valid(Protocol p, std::string_view action, Direction direction, const json& payload) {
  const auto* schema = ocpp::find_schema(version_of(p), action, direction);
  ASSERT_NE(schema, nullptr) << action;
  auto violation = ocpp::validate_strict(*schema, payload);
  EXPECT_FALSE(violation.has_value()) << action << " " << payload.dump() << ": "
                                      << (violation ? violation->path + " " + violation->detail : "");
}

const TimePoint kT = TimePoint(std::chrono::milliseconds(1'790'000'000'123));

Meter meter() { return Meter{123456, 7400, 32.2, 229.8}; }

TEST(LoadgenMessages, TimesAreUtcWithMilliseconds) {
  // 1790000000 s after the epoch is 2026-09-21T14:13:20Z (worked out with `date -u -d @1790000000`).
  EXPECT_EQ(format_time(kT), "2026-09-21T14:13:20.123Z");
}

TEST(LoadgenMessages, V16RequestsAreSchemaValid) {
  const auto p = Protocol::V16;
  expect_valid(p, "BootNotification", Direction::Request, boot_notification(p, "lg-000001"));
  expect_valid(p, "Heartbeat", Direction::Request, heartbeat());
  expect_valid(p, "StatusNotification", Direction::Request, status_notification(p, 1, "Charging", kT));
  expect_valid(p, "Authorize", Direction::Request, authorize(p, "LOADGEN01"));
  expect_valid(p, "StartTransaction", Direction::Request, start_transaction(1, "LOADGEN01", 1000, kT));
  expect_valid(p, "StopTransaction", Direction::Request, stop_transaction(7, 1200, kT, "LOADGEN01"));
  for (int k = 1; k <= kMaxSamples; ++k)
    expect_valid(p, "MeterValues", Direction::Request, meter_values_v16(1, 7, kT, meter(), k));
}

TEST(LoadgenMessages, V201RequestsAreSchemaValid) {
  const auto p = Protocol::V201;
  expect_valid(p, "BootNotification", Direction::Request, boot_notification(p, "lg-000001"));
  expect_valid(p, "Heartbeat", Direction::Request, heartbeat());
  expect_valid(p, "StatusNotification", Direction::Request, status_notification(p, 1, "Charging", kT));
  expect_valid(p, "Authorize", Direction::Request, authorize(p, "LOADGEN01"));
  for (int k = 1; k <= kMaxSamples; ++k)
    expect_valid(p, "MeterValues", Direction::Request, meter_values_v201(1, kT, meter(), k));
  TransactionEvent e{
      EventType::Started, 0, "0a1b2c3d-0000-4000-8000-000000000001", 1, kT, "LOADGEN01", meter(), 4};
  expect_valid(p, "TransactionEvent", Direction::Request, transaction_event(e));
  e.type = EventType::Updated;
  e.seq_no = 1;
  e.id_token.clear();
  expect_valid(p, "TransactionEvent", Direction::Request, transaction_event(e));
  e.type = EventType::Ended;
  e.seq_no = 2;
  expect_valid(p, "TransactionEvent", Direction::Request, transaction_event(e));
}

TEST(LoadgenMessages, SampledValuesStartWithTheFourAskedFor) {
  auto v = sampled_values(Protocol::V16, meter(), 4);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0]["measurand"], "Energy.Active.Import.Register");
  EXPECT_EQ(v[0]["value"], "123456");
  EXPECT_EQ(v[1]["measurand"], "Power.Active.Import");
  EXPECT_EQ(v[2]["measurand"], "Current.Import");
  EXPECT_EQ(v[2]["value"], "32.2");
  EXPECT_EQ(v[3]["measurand"], "Voltage");
  auto w = sampled_values(Protocol::V201, meter(), 4);
  EXPECT_EQ(w[3]["value"], 229.8);
  EXPECT_EQ(w[3]["unitOfMeasure"]["unit"], "V");
}

TEST(LoadgenMessages, AnswersToCsmsCallsAreSchemaValid) {
  const char* v16[] = {"RemoteStartTransaction",
                       "RemoteStopTransaction",
                       "Reset",
                       "ChangeAvailability",
                       "ChangeConfiguration",
                       "ClearCache",
                       "DataTransfer",
                       "SetChargingProfile",
                       "ClearChargingProfile",
                       "ReserveNow",
                       "CancelReservation",
                       "SendLocalList",
                       "TriggerMessage",
                       "GetCompositeSchedule",
                       "UnlockConnector",
                       "GetLocalListVersion",
                       "UpdateFirmware",
                       "GetDiagnostics",
                       "GetConfiguration"};
  for (const char* action : v16) {
    auto reply = answer(Protocol::V16, action, json{{"key", {"HeartbeatInterval", "Nope"}}});
    ASSERT_TRUE(reply.has_value()) << action;
    expect_valid(Protocol::V16, action, Direction::Response, *reply);
  }
  const char* v201[] = {"RequestStartTransaction",
                        "RequestStopTransaction",
                        "Reset",
                        "ChangeAvailability",
                        "ClearCache",
                        "DataTransfer",
                        "SetChargingProfile",
                        "ClearChargingProfile",
                        "ReserveNow",
                        "CancelReservation",
                        "SendLocalList",
                        "GetBaseReport",
                        "GetReport",
                        "UpdateFirmware",
                        "GetLog",
                        "CustomerInformation",
                        "SetMonitoringLevel",
                        "TriggerMessage",
                        "GetCompositeSchedule",
                        "SetDisplayMessage",
                        "UnlockConnector",
                        "GetLocalListVersion",
                        "GetTransactionStatus",
                        "GetChargingProfiles",
                        "GetVariables",
                        "SetVariables"};
  const json variables = {
      {"getVariableData",
       {{{"component", {{"name", "OCPPCommCtrlr"}}}, {"variable", {{"name", "HeartbeatInterval"}}}},
        {{"component", {{"name", "X"}}}, {"variable", {{"name", "Y"}}}}}},
      {"setVariableData",
       {{{"component", {{"name", "OCPPCommCtrlr"}}},
         {"variable", {{"name", "HeartbeatInterval"}}},
         {"attributeValue", "60"}}}}};
  for (const char* action : v201) {
    auto reply = answer(Protocol::V201, action, variables);
    ASSERT_TRUE(reply.has_value()) << action;
    expect_valid(Protocol::V201, action, Direction::Response, *reply);
  }
  EXPECT_FALSE(answer(Protocol::V16, "Frobnicate", json::object()).has_value());
  EXPECT_FALSE(answer(Protocol::V16, "GetVariables", json::object()).has_value());
}

TEST(LoadgenMessages, FramesRoundTrip) {
  auto call = parse_frame(call_frame("17", "Heartbeat", json::object()));
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->type, 2);
  EXPECT_EQ(call->id, "17");
  EXPECT_EQ(call->action, "Heartbeat");
  auto result = parse_frame(R"([3,"17",{"currentTime":"2026-01-01T00:00:00Z"}])");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->type, 3);
  EXPECT_EQ(result->payload["currentTime"], "2026-01-01T00:00:00Z");
  auto error = parse_frame(error_frame("18", "FormationViolation", "bad"));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->type, 4);
  EXPECT_EQ(error->error_code, "FormationViolation");
  EXPECT_FALSE(parse_frame("not json").has_value());
  EXPECT_FALSE(parse_frame(R"({"a":1})").has_value());
  EXPECT_FALSE(parse_frame(R"([2,"1","Heartbeat"])").has_value());
}

// The text builders of the busiest payloads write exactly what the document builders do:
// the same members and values, numbers with the same digits (compared as text too, since the
// server stores a 2.0.1 value as it was written).
TEST(LoadgenMessages, TextPayloadsEqualTheDocuments) {
  Meter odd{98765.4321, 7000.25, 0.1 + 0.2, 1e21};
  for (const auto& m : {meter(), odd}) {
    for (int samples : {1, 4, 7, kMaxSamples}) {
      auto v16 = json::parse(meter_values_v16_text(2, 987654321, kT, m, samples));
      EXPECT_EQ(v16, meter_values_v16(2, 987654321, kT, m, samples));
      EXPECT_EQ(v16.dump(), meter_values_v16(2, 987654321, kT, m, samples).dump());
      TransactionEvent e{EventType::Updated, 41, "tx-\"quoted\"\\\n", 3, kT, "", m, samples};
      auto updated = json::parse(transaction_updated_text(e));
      EXPECT_EQ(updated.dump(), transaction_event(e).dump());
      e.id_token = "TOKEN\t1";
      EXPECT_EQ(json::parse(transaction_updated_text(e)).dump(), transaction_event(e).dump());
      e.meter.reset();
      EXPECT_EQ(json::parse(transaction_updated_text(e)).dump(), transaction_event(e).dump());
    }
  }
  expect_valid(Protocol::V16, "MeterValues", Direction::Request,
               json::parse(meter_values_v16_text(1, 5, kT, meter(), 4)));
  auto frame = parse_frame(call_frame_text("7\"", "MeterValues", R"({"a":[1,2]})"));
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->id, "7\"");
  EXPECT_EQ(frame->action, "MeterValues");
  EXPECT_EQ(frame->payload, json::parse(R"({"a":[1,2]})"));
}

}  // namespace
}  // namespace csms::loadgen::messages

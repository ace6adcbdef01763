// The device model (issue 16): a three-part NotifyReport is assembled into the station's
// variables; SetVariables and GetVariables answers keep them current; a 1.6 station's
// GetConfiguration keys are kept the same way.

#include <gtest/gtest.h>

#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;

json attribute(const char* component, const char* variable, const char* value,
               const char* mutability = "ReadWrite") {
  return {{"component", {{"name", component}}},
          {"variable", {{"name", variable}}},
          {"variableAttribute",
           json::array({{{"type", "Actual"}, {"value", value}, {"mutability", mutability}}})},
          {"variableCharacteristics", {{"dataType", "string"}, {"supportsMonitoring", false}}}};
}

TEST(DeviceModelE2e, ThreePartNotifyReport_IsAssembled_AnswersToSetAndGetKeepItCurrent) {
  if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
  auto url = fresh_database("csms_e2e_device_model");
  CsmsProcess server(url);
  auto api = [&](const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt) {
    return http(server.api_port(), method, target, body);
  };
  OcppClient cs(server.ocpp_port(), "DM-201", {"ocpp2.0.1"});
  cs.call("BootNotification",
          {{"reason", "PowerUp"}, {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}});

  auto evse_variable = attribute("EVSE", "Power", "22000", "ReadOnly");
  evse_variable["component"]["evse"] = {{"id", 1}};
  const std::vector<json> parts = {
      {{"requestId", 5},
       {"generatedAt", "2026-03-01T10:00:00Z"},
       {"seqNo", 0},
       {"tbc", true},
       {"reportData", json::array({attribute("OCPPCommCtrlr", "HeartbeatInterval", "300"),
                                   attribute("SecurityCtrlr", "SecurityProfile", "1", "ReadOnly")})}},
      {{"requestId", 5},
       {"generatedAt", "2026-03-01T10:00:01Z"},
       {"seqNo", 1},
       {"tbc", true},
       {"reportData", json::array({evse_variable})}},
      {{"requestId", 5},
       {"generatedAt", "2026-03-01T10:00:02Z"},
       {"seqNo", 2},
       {"reportData", json::array({attribute("OCPPCommCtrlr", "HeartbeatInterval", "600")})}},
  };
  for (const auto& part : parts) {
    auto answer = cs.call("NotifyReport", part);
    ASSERT_EQ(answer[0], 3) << answer.dump();
  }
  EXPECT_EQ(
      query_value(url,
                  "SELECT parts || '/' || complete FROM device_model_reports WHERE station_id = 'DM-201' "
                  "AND request_id = 5"),
      "3/true");
  auto all = api("GET", "/api/v1/stations/DM-201/variables");
  ASSERT_EQ(all.status, 200) << all.raw;
  ASSERT_EQ(all.body["items"].size(), 3u) << all.raw;
  auto heartbeat =
      api("GET", "/api/v1/stations/DM-201/variables?component=OCPPCommCtrlr&variable=HeartbeatInterval");
  ASSERT_EQ(heartbeat.body["items"].size(), 1u);
  EXPECT_EQ(heartbeat.body["items"][0]["value"], "600") << "the later part counts";
  EXPECT_EQ(heartbeat.body["items"][0]["mutability"], "ReadWrite");
  EXPECT_EQ(heartbeat.body["items"][0]["characteristics"]["dataType"], "string");
  auto power = api("GET", "/api/v1/stations/DM-201/variables?variable=Power");
  EXPECT_EQ(power.body["items"][0]["evse_id"], 1);
  EXPECT_EQ(power.body["items"][0]["mutability"], "ReadOnly");

  // SetVariables through set-configuration: the value the station took is kept.
  std::thread station([&] {
    auto frame = json::parse(cs.receive());
    EXPECT_EQ(frame[2], "SetVariables");
    cs.send_text(
        json::array({3,
                     frame[1],
                     {{"setVariableResult", json::array({{{"attributeStatus", "Accepted"},
                                                          {"component", {{"name", "OCPPCommCtrlr"}}},
                                                          {"variable", {{"name", "HeartbeatInterval"}}}}})}}})
            .dump());
  });
  auto set = api("POST", "/api/v1/stations/DM-201/commands/set-configuration",
                 json{{"key", "OCPPCommCtrlr.HeartbeatInterval"}, {"value", "900"}});
  station.join();
  EXPECT_EQ(set.status, 200) << set.raw;
  heartbeat =
      api("GET", "/api/v1/stations/DM-201/variables?component=OCPPCommCtrlr&variable=HeartbeatInterval");
  EXPECT_EQ(heartbeat.body["items"][0]["value"], "900");
  EXPECT_EQ(heartbeat.body["items"][0]["source"], "SetVariables");

  // A 1.6 station's keys.
  OcppClient cp(server.ocpp_port(), "DM-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}});
  std::thread charger([&] {
    auto frame = json::parse(cp.receive());
    EXPECT_EQ(frame[2], "GetConfiguration");
    cp.send_text(
        json::array({3,
                     frame[1],
                     {{"configurationKey",
                       json::array({{{"key", "HeartbeatInterval"}, {"readonly", false}, {"value", "120"}},
                                    {{"key", "NumberOfConnectors"}, {"readonly", true}, {"value", "2"}}})}}})
            .dump());
  });
  auto got = api("POST", "/api/v1/stations/DM-16/commands/get-configuration", json::object());
  charger.join();
  EXPECT_EQ(got.status, 200) << got.raw;
  auto keys = api("GET", "/api/v1/stations/DM-16/variables");
  ASSERT_EQ(keys.body["items"].size(), 2u) << keys.raw;
  auto connectors = api("GET", "/api/v1/stations/DM-16/variables?variable=NumberOfConnectors");
  EXPECT_EQ(connectors.body["items"][0]["value"], "2");
  EXPECT_EQ(connectors.body["items"][0]["mutability"], "ReadOnly");
  EXPECT_EQ(connectors.body["items"][0]["source"], "GetConfiguration");
  EXPECT_EQ(api("GET", "/api/v1/stations/NOBODY/variables").status, 404);
}

TEST(DeviceModelE2e, Monitoring_SetThroughRest_ItsAlertingEventOpensAnAlert_ClearedResolvesIt) {
  if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
  auto url = fresh_database("csms_e2e_monitoring");
  CsmsProcess server(url);
  auto api = [&](const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt) {
    return http(server.api_port(), method, target, body);
  };
  OcppClient cs(server.ocpp_port(), "MON-201", {"ocpp2.0.1"});
  cs.call("BootNotification",
          {{"reason", "PowerUp"}, {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}});
  // The station answers the monitor it is given as a real one does.
  std::thread charger([&] {
    auto frame = json::parse(cs.receive());
    EXPECT_EQ(frame[2], "SetVariableMonitoring");
    const auto& data = frame[3]["setMonitoringData"];
    EXPECT_EQ(data.size(), 1u) << frame.dump();
    EXPECT_EQ(data[0]["component"]["name"], "EVSE");
    EXPECT_EQ(data[0]["variable"]["name"], "Temperature");
    EXPECT_EQ(data[0]["type"], "UpperThreshold");
    EXPECT_EQ(data[0]["value"], 70);
    cs.send_text(json::array({3,
                              frame[1],
                              {{"setMonitoringResult", json::array({{{"id", 17},
                                                                     {"status", "Accepted"},
                                                                     {"type", "UpperThreshold"},
                                                                     {"severity", 4},
                                                                     {"component", data[0]["component"]},
                                                                     {"variable", data[0]["variable"]}}})}}})
                     .dump());
  });
  auto set = api("POST", "/api/v1/stations/MON-201/commands/set-variable-monitoring",
                 json{{"monitors", json::array({{{"key", "EVSE.Temperature"},
                                                 {"type", "UpperThreshold"},
                                                 {"value", 70},
                                                 {"severity", 4}}})}});
  charger.join();
  ASSERT_EQ(set.status, 200) << set.raw;
  EXPECT_EQ(set.body["response"]["setMonitoringResult"][0]["id"], 17);

  // The monitor trips: the station's NotifyEvent opens an alert; its clearing resolves it.
  auto event = [](bool cleared) {
    json data = {{"eventId", cleared ? 2 : 1},
                 {"timestamp", "2026-03-01T10:00:00Z"},
                 {"trigger", "Alerting"},
                 {"actualValue", cleared ? "65" : "74"},
                 {"eventNotificationType", "CustomMonitor"},
                 {"variableMonitoringId", 17},
                 {"component", {{"name", "EVSE"}, {"evse", {{"id", 1}}}}},
                 {"variable", {{"name", "Temperature"}}}};
    if (cleared) data["cleared"] = true;
    return json{{"generatedAt", "2026-03-01T10:00:00Z"}, {"seqNo", 0}, {"eventData", json::array({data})}};
  };
  cs.call("NotifyEvent", event(false));
  json alerts;
  for (int i = 0; i < 50; ++i) {
    alerts = api("GET", "/api/v1/alerts?station=MON-201&state=open").body["items"];
    if (!alerts.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(alerts.size(), 1u) << "the tripped monitor raises an alert";
  EXPECT_EQ(alerts[0]["rule"], "charger_reported");
  cs.call("NotifyEvent", event(true));
  for (int i = 0; i < 50; ++i) {
    alerts = api("GET", "/api/v1/alerts?station=MON-201&state=open").body["items"];
    if (alerts.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(alerts.empty()) << "the station's all-clear resolves it: " << alerts.dump();

  // 1.6 has no monitoring: refused before anything is sent.
  OcppClient cp(server.ocpp_port(), "MON-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}});
  EXPECT_EQ(api("POST", "/api/v1/stations/MON-16/commands/set-monitoring-base", json{{"base", "All"}}).status,
            400);
}

}  // namespace
}  // namespace csms::testing

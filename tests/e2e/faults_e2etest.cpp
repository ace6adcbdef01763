// Fault detection on the real server: alerts over REST and the live stream within a second,
// webhooks delivered and signed, and alerts resolved when the charger recovers.

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"
#include "support/webhook_receiver.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kSecret = "webhook-secret";

std::string hmac_hex(const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret, 14, reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest,
       &length);
  std::string out = "sha256=";
  char hex[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

class FaultsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    receiver_ = std::make_unique<WebhookReceiver>();
    url_ = fresh_database("csms_e2e_faults");
    server_ = std::make_unique<CsmsProcess>(
        url_,
        std::map<std::string, std::string>{
            {"CSMS_FAULTS_WEBHOOK_URLS", "http://127.0.0.1:" + std::to_string(receiver_->port()) + "/hook"},
            {"CSMS_FAULTS_WEBHOOK_SECRET", kSecret},
            {"CSMS_FAULTS_TICK_MS", "200"}});
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
  }

  HttpResult api(const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt) {
    return http(server_->api_port(), method, target, body);
  }

  // Polls GET /alerts?... until one item matches (or ~5 s pass); returns the items.
  json wait_alerts(const std::string& query, std::size_t count) {
    json items = json::array();
    for (int i = 0; i < 100; ++i) {
      items = api("GET", "/api/v1/alerts?" + query).body["items"];
      if (items.size() >= count) break;
      std::this_thread::sleep_for(50ms);
    }
    return items;
  }

  std::unique_ptr<WebhookReceiver> receiver_;
  std::string url_;
  std::unique_ptr<CsmsProcess> server_;
};

TEST_F(FaultsE2e, Ocpp16_FaultedConnector_AlertsRestStreamAndWebhook_AvailableResolves) {
  EventStreamClient stream(server_->api_port(), "/api/v1/alerts/stream");
  OcppClient cp(server_->ocpp_port(), "FLT-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  auto started = std::chrono::steady_clock::now();
  cp.call("StatusNotification", {{"connectorId", 1},
                                 {"errorCode", "GroundFailure"},
                                 {"status", "Faulted"},
                                 {"vendorErrorCode", "E12"}});
  auto open = wait_alerts("state=open&rule=connector_faulted&station=FLT-16", 1);
  auto latency = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(open.size(), 1u);
  EXPECT_LT(latency, 1s) << "visible over REST within a second";
  EXPECT_EQ(open[0]["severity"], "critical");
  EXPECT_EQ(open[0]["evse_id"], 1);
  EXPECT_EQ(open[0]["connector_id"], 1);
  EXPECT_EQ(open[0]["details"]["error_code"], "GroundFailure");
  EXPECT_EQ(open[0]["details"]["vendor_error_code"], "E12");

  auto live = stream.read_until("alert.opened");
  EXPECT_NE(live.find("text/event-stream"), std::string::npos);
  EXPECT_NE(live.find("connector_faulted"), std::string::npos);

  auto hooks = receiver_->wait_for(1);
  ASSERT_GE(hooks.size(), 1u);
  auto hook = json::parse(hooks[0].body);
  EXPECT_EQ(hook["event"], "alert.opened");
  EXPECT_EQ(hook["alert"]["rule"], "connector_faulted");
  EXPECT_EQ(hooks[0].headers["x-csms-signature"], hmac_hex(hooks[0].body));

  cp.call("StatusNotification", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Available"}});
  auto resolved = wait_alerts("state=resolved&station=FLT-16", 1);
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0]["resolved_by"], "system");
  hooks = receiver_->wait_for(2);
  ASSERT_GE(hooks.size(), 2u);
  EXPECT_EQ(json::parse(hooks[1].body)["event"], "alert.resolved");
  EXPECT_TRUE(wait_alerts("state=open&station=FLT-16", 0).empty()) << "a healthy charger has no open alerts";
}

TEST_F(FaultsE2e, SaggingVoltage_OpensVoltageOutOfRange_NormalSamplesClearIt) {
  OcppClient cp(server_->ocpp_port(), "FLT-V", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  auto voltage = [&](const std::string& volts, const std::string& at) {
    cp.call("MeterValues",
            {{"connectorId", 1},
             {"meterValue",
              {{{"timestamp", at},
                {"sampledValue",
                 {{{"value", volts}, {"measurand", "Voltage"}, {"phase", "L1-N"}, {"unit", "V"}}}}}}}});
  };
  voltage("180", "2026-03-01T10:00:00Z");  // 21.7 % below 230 V: critical
  auto open = wait_alerts("state=open&rule=voltage_out_of_range&station=FLT-V", 1);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["severity"], "critical");
  voltage("229", "2026-03-01T10:01:00Z");
  voltage("231", "2026-03-01T10:02:00Z");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(wait_alerts("state=open&rule=voltage_out_of_range&station=FLT-V", 1).size(), 1u)
      << "two normal samples are not enough (hysteresis)";
  voltage("230", "2026-03-01T10:03:00Z");
  EXPECT_EQ(wait_alerts("state=resolved&rule=voltage_out_of_range&station=FLT-V", 1).size(), 1u);
}

TEST_F(FaultsE2e, Ocpp201_LowPowerWhileCharging_OpensUnderDelivery) {
  auto patched = api("PATCH", "/api/v1/fault-rules/under_delivery", json{{"params", {{"duration_s", 1}}}});
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.body["params"]["duration_s"], 1);
  EXPECT_EQ(patched.body["params"]["ratio"], 0.5) << "PATCH merges params";
  OcppClient cs(server_->ocpp_port(), "FLT-201", {"ocpp2.0.1"});
  cs.call("BootNotification",
          {{"reason", "PowerUp"}, {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}});
  cs.call("TransactionEvent",
          {{"eventType", "Started"},
           {"timestamp", "2026-03-01T10:00:00Z"},
           {"triggerReason", "ChargingStateChanged"},
           {"seqNo", 0},
           {"transactionInfo", {{"transactionId", "UD-1"}, {"chargingState", "Charging"}}},
           {"evse", {{"id", 1}, {"connectorId", 1}}}});
  auto low = [&](int seq) {
    return cs.call(
        "TransactionEvent",
        {{"eventType", "Updated"},
         {"timestamp", "2026-03-01T10:0" + std::to_string(seq) + ":00Z"},
         {"triggerReason", "MeterValuePeriodic"},
         {"seqNo", seq},
         {"transactionInfo", {{"transactionId", "UD-1"}}},
         {"meterValue",
          {{{"timestamp", "2026-03-01T10:0" + std::to_string(seq) + ":00Z"},
            {"sampledValue",
             {{{"value", 11000}, {"measurand", "Power.Offered"}, {"unitOfMeasure", {{"unit", "W"}}}},
              {{"value", 2000}, {"measurand", "Power.Active.Import"}, {"unitOfMeasure", {{"unit", "W"}}}},
              {{"value", 40}, {"measurand", "SoC"}, {"unitOfMeasure", {{"unit", "Percent"}}}}}}}}}});
  };
  low(1);
  std::this_thread::sleep_for(1200ms);
  low(2);
  auto open = wait_alerts("state=open&rule=under_delivery&station=FLT-201", 1);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["evse_id"], 1);
  EXPECT_EQ(open[0]["severity"], "warning");
}

TEST_F(FaultsE2e, DroppedConnection_OpensStationOfflineAfterGrace_ReconnectResolves) {
  ASSERT_EQ(api("PATCH", "/api/v1/fault-rules/station_offline", json{{"params", {{"grace_s", 1}}}}).status,
            200);
  {
    OcppClient cp(server_->ocpp_port(), "FLT-OFF", {"ocpp1.6"});
    cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  }  // the socket closes here
  auto open = wait_alerts("state=open&rule=station_offline&station=FLT-OFF", 1);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["severity"], "critical");
  // Acknowledged by an operator, then the charger comes back.
  auto ack =
      api("POST", "/api/v1/alerts/" + open[0]["id"].dump() + ":acknowledge", json{{"by", "night shift"}});
  EXPECT_EQ(ack.status, 200) << ack.raw;
  EXPECT_EQ(ack.body["state"], "acknowledged");
  EXPECT_EQ(ack.body["acknowledged_by"], "night shift");
  OcppClient back(server_->ocpp_port(), "FLT-OFF", {"ocpp1.6"});
  back.call("Heartbeat", json::object());
  auto resolved = wait_alerts("state=resolved&rule=station_offline&station=FLT-OFF", 1);
  ASSERT_EQ(resolved.size(), 1u);
}

TEST_F(FaultsE2e, Remediation_FaultedWithoutSession_SendsOneSoftResetAndRecordsIt) {
  auto patched =
      api("PATCH", "/api/v1/fault-rules/connector_faulted",
          json{{"overrides", {{"FLT-FIX", {{"remediation", "reset"}, {"remediation_after_s", 1}}}}}});
  ASSERT_EQ(patched.status, 200) << patched.raw;
  OcppClient cp(server_->ocpp_port(), "FLT-FIX", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  cp.call("StatusNotification", {{"connectorId", 2}, {"errorCode", "OtherError"}, {"status", "Faulted"}});
  auto reset = json::parse(cp.receive(std::chrono::seconds(5)));
  EXPECT_EQ(reset[0], 2);
  EXPECT_EQ(reset[2], "Reset");
  EXPECT_EQ(reset[3]["type"], "Soft");
  cp.send_text(json::array({3, reset[1], {{"status", "Accepted"}}}).dump());
  EXPECT_TRUE(cp.silent_for(1500ms)) << "remediation is sent once";
  json actions;
  for (int i = 0; i < 50 && actions.empty(); ++i) {
    actions = wait_alerts("rule=connector_faulted&station=FLT-FIX", 1)[0]["actions"];
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["action"], "reset");
  EXPECT_EQ(actions[0]["outcome"]["status"], "Accepted");
}

TEST_F(FaultsE2e, FaultRulesApi_ValidatesAndAlertsApiAnswersProblems) {
  auto rules = api("GET", "/api/v1/fault-rules");
  ASSERT_EQ(rules.status, 200);
  EXPECT_GE(rules.body["items"].size(), 15u);
  EXPECT_EQ(api("GET", "/api/v1/fault-rules/zero_power").body["params"]["min_power_w"], 100);
  EXPECT_EQ(api("GET", "/api/v1/fault-rules/nope").status, 404);
  EXPECT_EQ(api("PATCH", "/api/v1/fault-rules/zero_power", json{{"params", {{"min_power_w", "x"}}}}).status,
            400);
  EXPECT_EQ(api("PATCH", "/api/v1/fault-rules/zero_power", json{{"colour", "red"}}).status, 400);
  auto overridden = api("PATCH", "/api/v1/fault-rules/over_temperature",
                        json{{"enabled", false}, {"overrides", {{"HOT-1", {{"max_c", 60}}}}}});
  EXPECT_EQ(overridden.status, 200);
  EXPECT_EQ(overridden.body["enabled"], false);
  EXPECT_EQ(overridden.body["overrides"]["HOT-1"]["max_c"], 60);
  EXPECT_EQ(api("GET", "/api/v1/alerts/999999").status, 404);
  EXPECT_EQ(api("POST", "/api/v1/alerts/999999:resolve", json{{"note", "x"}}).status, 404);
  EXPECT_EQ(api("GET", "/api/v1/alerts?state=sleeping").status, 400);
}

}  // namespace
}  // namespace csms::testing

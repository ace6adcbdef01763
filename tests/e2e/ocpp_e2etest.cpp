// The real csms process over real WebSockets and HTTP, for both OCPP versions.

#include <gtest/gtest.h>

#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class E2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    url_ = new std::string(fresh_database("csms_e2e"));
    server_ = new CsmsProcess(*url_, {{"CSMS_OCPP_CALL_TIMEOUT_S", "2"}});
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << "clean shutdown exits 0\n" << server_->log();
    delete server_;
    delete url_;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
  }

  static std::unique_ptr<OcppClient> connect(const std::string& id, const std::string& protocol) {
    auto client = std::make_unique<OcppClient>(server_->ocpp_port(), id, std::vector<std::string>{protocol});
    EXPECT_EQ(client->protocol(), protocol);
    return client;
  }
  static HttpResult api(const std::string& method, const std::string& target,
                        std::optional<json> body = std::nullopt) {
    return http(server_->api_port(), method, target, body);
  }
  static std::string sql(const std::string& query) { return query_value(*url_, query); }

  static std::string* url_;
  static CsmsProcess* server_;
};
std::string* E2e::url_ = nullptr;
CsmsProcess* E2e::server_ = nullptr;

json result_of(const json& frame) {
  EXPECT_EQ(frame[0], 3) << frame.dump();
  return frame.size() > 2 ? frame[2] : json();
}

TEST_F(E2e, Ocpp16_FullChargingSession_IsStoredAndReadableThroughRest) {
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "RFID-16"}, {"status", "Accepted"}}).status, 201);
  auto cp = connect("E2E-16", "ocpp1.6");
  auto boot = result_of(cp->call("BootNotification", {{"chargePointVendor", "ACME"},
                                                      {"chargePointModel", "AC-22"},
                                                      {"firmwareVersion", "4.2"},
                                                      {"chargePointSerialNumber", "SN1"}}));
  EXPECT_EQ(boot["status"], "Accepted");
  EXPECT_EQ(boot["interval"], 300);
  result_of(cp->call("StatusNotification", {{"connectorId", 1},
                                            {"errorCode", "NoError"},
                                            {"status", "Preparing"},
                                            {"timestamp", "2026-03-01T09:59:00Z"}}));
  EXPECT_EQ(result_of(cp->call("Authorize", {{"idTag", "RFID-16"}}))["idTagInfo"]["status"], "Accepted");
  EXPECT_EQ(result_of(cp->call("Authorize", {{"idTag", "NOPE"}}))["idTagInfo"]["status"], "Invalid");
  auto start = result_of(cp->call("StartTransaction", {{"connectorId", 1},
                                                       {"idTag", "RFID-16"},
                                                       {"meterStart", 10000},
                                                       {"timestamp", "2026-03-01T10:00:00Z"}}));
  EXPECT_EQ(start["idTagInfo"]["status"], "Accepted");
  long long tx = start["transactionId"];
  EXPECT_GT(tx, 0);
  result_of(cp->call("StatusNotification", {{"connectorId", 1},
                                            {"errorCode", "NoError"},
                                            {"status", "Charging"},
                                            {"timestamp", "2026-03-01T10:00:01Z"}}));
  result_of(
      cp->call("MeterValues",
               {{"connectorId", 1},
                {"transactionId", tx},
                {"meterValue",
                 {{{"timestamp", "2026-03-01T10:15:00Z"},
                   {"sampledValue",
                    {{{"value", "12.5"}, {"unit", "kWh"}},
                     {{"value", "7200"}, {"measurand", "Power.Active.Import"}, {"unit", "W"}},
                     {{"value", "229.5"}, {"measurand", "Voltage"}, {"phase", "L1-N"}, {"unit", "V"}}}}}}}}));
  auto stop = result_of(cp->call(
      "StopTransaction", {{"transactionId", tx},
                          {"idTag", "RFID-16"},
                          {"meterStop", 15000},
                          {"timestamp", "2026-03-01T10:30:00Z"},
                          {"reason", "EVDisconnected"},
                          {"transactionData",
                           {{{"timestamp", "2026-03-01T10:30:00Z"},
                             {"sampledValue", {{{"value", "15000"}, {"context", "Transaction.End"}}}}}}}}));
  EXPECT_EQ(stop["idTagInfo"]["status"], "Accepted");

  result_of(cp->call("FirmwareStatusNotification", {{"status", "Installed"}}));
  auto reports = api("GET", "/api/v1/stations/E2E-16/reports?kind=FirmwareStatusNotification");
  ASSERT_EQ(reports.status, 200) << reports.raw;
  ASSERT_EQ(reports.body["items"].size(), 1u);
  EXPECT_EQ(reports.body["items"][0]["payload"]["status"], "Installed");
  auto history = api("GET", "/api/v1/stations/E2E-16/status-history");
  ASSERT_EQ(history.status, 200) << history.raw;
  ASSERT_EQ(history.body["items"].size(), 2u);
  EXPECT_EQ(history.body["items"][0]["status"], "Charging");
  EXPECT_EQ(history.body["items"][1]["status"], "Preparing");
  EXPECT_EQ(history.body["items"][1]["status_at"], "2026-03-01T09:59:00Z");
  EXPECT_EQ(api("GET", "/api/v1/stations/NOPE/reports").status, 404);

  auto station = api("GET", "/api/v1/stations/E2E-16");
  ASSERT_EQ(station.status, 200) << station.raw;
  EXPECT_EQ(station.body["vendor"], "ACME");
  EXPECT_EQ(station.body["firmware_version"], "4.2");
  EXPECT_EQ(station.body["protocol"], "ocpp1.6");
  EXPECT_EQ(station.body["online"], true);
  EXPECT_EQ(station.body["evses"][0]["evse_id"], 1);
  EXPECT_EQ(station.body["evses"][0]["connectors"][0]["status"], "Charging");

  auto list = api("GET", "/api/v1/transactions?station=E2E-16&state=closed");
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["items"].size(), 1u);
  auto id = list.body["items"][0]["id"].get<long long>();
  auto detail = api("GET", "/api/v1/transactions/" + std::to_string(id));
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.body["ocpp_transaction_id"], std::to_string(tx));
  EXPECT_EQ(detail.body["meter_start_wh"], 10000);
  EXPECT_EQ(detail.body["meter_stop_wh"], 15000);
  EXPECT_EQ(detail.body["energy_wh"], 5000);
  EXPECT_EQ(detail.body["stop_reason"], "EVDisconnected");
  EXPECT_EQ(detail.body["id_token"], "RFID-16");
  ASSERT_EQ(detail.body["meter_samples"].size(), 4u);
  // 12.5 kWh is kept as sent and normalized to Wh.
  bool found = false;
  for (const auto& s : detail.body["meter_samples"])
    if (s["unit"] == "kWh")
      found = s["value"] == "12.5" && s["canonical_value"] == 12500 && s["canonical_unit"] == "Wh";
  EXPECT_TRUE(found) << detail.raw;
}

TEST_F(E2e, Ocpp201_FullChargingSession_IsStoredAndReadableThroughRest) {
  ASSERT_EQ(api("POST", "/api/v1/id-tokens",
                json{{"token", "RFID-201"}, {"status", "Accepted"}, {"group", "FLEET"}})
                .status,
            201);
  auto cs = connect("E2E-201", "ocpp2.0.1");
  auto boot = result_of(cs->call(
      "BootNotification",
      {{"reason", "PowerUp"},
       {"chargingStation", {{"model", "DC-150"}, {"vendorName", "Volt"}, {"firmwareVersion", "9"}}}}));
  EXPECT_EQ(boot["status"], "Accepted");
  result_of(cs->call("StatusNotification", {{"timestamp", "2026-03-01T10:00:00Z"},
                                            {"connectorStatus", "Occupied"},
                                            {"evseId", 1},
                                            {"connectorId", 1}}));
  auto auth =
      result_of(cs->call("Authorize", {{"idToken", {{"idToken", "RFID-201"}, {"type", "ISO14443"}}}}));
  EXPECT_EQ(auth["idTokenInfo"]["status"], "Accepted");
  EXPECT_EQ(auth["idTokenInfo"]["groupIdToken"]["idToken"], "FLEET");
  json meter = {
      {{"timestamp", "2026-03-01T10:00:00Z"},
       {"sampledValue",
        {{{"value", 2.5}, {"context", "Transaction.Begin"}, {"unitOfMeasure", {{"unit", "kWh"}}}}}}}};
  auto started =
      result_of(cs->call("TransactionEvent",
                         {{"eventType", "Started"},
                          {"timestamp", "2026-03-01T10:00:00Z"},
                          {"triggerReason", "Authorized"},
                          {"seqNo", 0},
                          {"transactionInfo", {{"transactionId", "TX-201-A"}, {"chargingState", "Charging"}}},
                          {"evse", {{"id", 1}, {"connectorId", 1}}},
                          {"idToken", {{"idToken", "RFID-201"}, {"type", "ISO14443"}}},
                          {"meterValue", meter}}));
  EXPECT_EQ(started["idTokenInfo"]["status"], "Accepted");
  auto updated = result_of(cs->call("TransactionEvent", {{"eventType", "Updated"},
                                                         {"timestamp", "2026-03-01T10:10:00Z"},
                                                         {"triggerReason", "MeterValuePeriodic"},
                                                         {"seqNo", 1},
                                                         {"transactionInfo", {{"transactionId", "TX-201-A"}}},
                                                         {"meterValue",
                                                          {{{"timestamp", "2026-03-01T10:10:00Z"},
                                                            {"sampledValue",
                                                             {{{"value", 10000}},
                                                              {{"value", 50},
                                                               {"measurand", "Power.Active.Import"},
                                                               {"unitOfMeasure", {{"unit", "kW"}}}}}}}}}}));
  EXPECT_FALSE(updated.contains("idTokenInfo")) << "no idToken in the request, none in the answer";
  result_of(cs->call(
      "TransactionEvent",
      {{"eventType", "Ended"},
       {"timestamp", "2026-03-01T10:20:00Z"},
       {"triggerReason", "EVCommunicationLost"},
       {"seqNo", 2},
       {"transactionInfo", {{"transactionId", "TX-201-A"}, {"stoppedReason", "EVDisconnected"}}},
       {"meterValue",
        {{{"timestamp", "2026-03-01T10:20:00Z"},
          {"sampledValue",
           {{{"value", 20.5}, {"context", "Transaction.End"}, {"unitOfMeasure", {{"unit", "kWh"}}}}}}}}}}));

  auto list = api("GET", "/api/v1/transactions?station=E2E-201");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["items"].size(), 1u);
  auto detail = api("GET", "/api/v1/transactions/" + list.body["items"][0]["id"].dump());
  EXPECT_EQ(detail.body["ocpp_transaction_id"], "TX-201-A");
  EXPECT_EQ(detail.body["started_at"], "2026-03-01T10:00:00Z");
  EXPECT_EQ(detail.body["stopped_at"], "2026-03-01T10:20:00Z");
  EXPECT_EQ(detail.body["meter_start_wh"], 2500);
  EXPECT_EQ(detail.body["meter_stop_wh"], 20500);
  EXPECT_EQ(detail.body["energy_wh"], 18000);
  EXPECT_EQ(detail.body["stop_reason"], "EVDisconnected");
  EXPECT_EQ(detail.body["meter_samples"].size(), 4u);
  EXPECT_EQ(sql("SELECT count(*) FROM transaction_events e JOIN transactions t ON t.id = e.transaction_id "
                "WHERE t.ocpp_transaction_id = 'TX-201-A'"),
            "3");
  std::this_thread::sleep_for(300ms);  // fault detection runs on its own thread
  EXPECT_TRUE(api("GET", "/api/v1/alerts?state=open&station=E2E-201").body["items"].empty())
      << "a healthy session raises no alert";
  auto station = api("GET", "/api/v1/stations/E2E-201");
  EXPECT_EQ(station.body["protocol"], "ocpp2.0.1");
  EXPECT_EQ(station.body["evses"][0]["connectors"][0]["status"], "Occupied");
}

TEST_F(E2e, IdTokens_CaseInsensitive_MaxConcurrentSessions_AuthorizeNeverConcurrentTx) {
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "Fleet-Card-7"}}).status, 201);
  auto collision = api("POST", "/api/v1/id-tokens", json{{"token", "FLEET-CARD-7"}});
  EXPECT_EQ(collision.status, 409) << "the same token in another case: " << collision.raw;
  auto fleet = api("GET", "/api/v1/id-tokens/Fleet-Card-7");
  EXPECT_EQ(fleet.body["max_concurrent_sessions"], 1) << fleet.raw;
  EXPECT_EQ(api("PATCH", "/api/v1/id-tokens/Fleet-Card-7", json{{"max_concurrent_sessions", 0}}).status, 400);
  auto patched = api("PATCH", "/api/v1/id-tokens/Fleet-Card-7", json{{"max_concurrent_sessions", 2}});
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.body["max_concurrent_sessions"], 2);

  auto cp = connect("CP-FLEET", "ocpp1.6");
  result_of(cp->call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}}));
  auto start = [&](int connector, const char* tag) {
    return result_of(cp->call("StartTransaction",
                              {{"connectorId", connector},
                               {"idTag", tag},
                               {"meterStart", 0},
                               {"timestamp", "2026-03-01T10:00:0" + std::to_string(connector) + "Z"}}));
  };
  auto first = start(1, "fleet-card-7");  // as a station may send it
  EXPECT_EQ(first["idTagInfo"]["status"], "Accepted");
  EXPECT_EQ(start(2, "FLEET-CARD-7")["idTagInfo"]["status"], "Accepted") << "two at once are allowed";
  EXPECT_EQ(start(3, "Fleet-Card-7")["idTagInfo"]["status"], "ConcurrentTx") << "the third is one too many";
  EXPECT_EQ(result_of(cp->call("Authorize", {{"idTag", "fleet-card-7"}}))["idTagInfo"]["status"], "Accepted")
      << "Authorize never answers ConcurrentTx";
  auto stored = api("GET", "/api/v1/transactions/" + std::to_string(first["transactionId"].get<long long>()));
  EXPECT_EQ(stored.body["id_token"], "Fleet-Card-7") << "kept under the stored spelling: " << stored.raw;

  auto unlimited = api("PATCH", "/api/v1/id-tokens/Fleet-Card-7", json{{"max_concurrent_sessions", nullptr}});
  EXPECT_TRUE(unlimited.body["max_concurrent_sessions"].is_null()) << unlimited.raw;
  EXPECT_EQ(start(4, "fleet-card-7")["idTagInfo"]["status"], "Accepted") << "no limit";
}

TEST_F(E2e, LostStop_IsClosedWhenTheRebootedStationShowsTheConnectorFree_ALateRealStopReplacesTheClose) {
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "STALE-TAG"}}).status, 201);
  auto cp = connect("CP-STALE", "ocpp1.6");
  auto boot = [&] {
    return result_of(cp->call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}}));
  };
  boot();
  auto started = result_of(cp->call("StartTransaction", {{"connectorId", 1},
                                                         {"idTag", "STALE-TAG"},
                                                         {"meterStart", 1000},
                                                         {"timestamp", "2026-03-01T10:00:00Z"}}));
  const auto tx = started["transactionId"].get<long long>();
  result_of(
      cp->call("MeterValues",
               {{"connectorId", 1},
                {"transactionId", tx},
                {"meterValue", json::array({{{"timestamp", "2026-03-01T10:20:00Z"},
                                             {"sampledValue", json::array({{{"value", "4000"}}})}}})}}));
  // The charger reboots; its StopTransaction is lost; it shows connector 1 free.
  boot();
  auto now = sql("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
  result_of(
      cp->call("StatusNotification",
               {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Available"}, {"timestamp", now}}));
  auto closed = api("GET", "/api/v1/transactions/" + std::to_string(tx));
  ASSERT_EQ(closed.status, 200);
  EXPECT_EQ(closed.body["stopped_at"], "2026-03-01T10:20:00Z") << "at its last activity: " << closed.raw;
  EXPECT_EQ(closed.body["meter_stop_wh"], 4000) << "its last register reading";
  EXPECT_EQ(closed.body["stop_reason"], "Reboot");
  EXPECT_NE(closed.raw.find("closed_by_status"), std::string::npos) << closed.raw;
  auto again = result_of(
      cp->call("StartTransaction",
               {{"connectorId", 2}, {"idTag", "STALE-TAG"}, {"meterStart", 0}, {"timestamp", now}}));
  EXPECT_EQ(again["idTagInfo"]["status"], "Accepted") << "the driver is not locked out";

  // The lost StopTransaction arrives after all (a queue flushed late): the real stop wins.
  result_of(cp->call("StopTransaction",
                     {{"transactionId", tx}, {"meterStop", 5200}, {"timestamp", "2026-03-01T10:30:00Z"}}));
  auto replaced = api("GET", "/api/v1/transactions/" + std::to_string(tx));
  EXPECT_EQ(replaced.body["stopped_at"], "2026-03-01T10:30:00Z") << replaced.raw;
  EXPECT_EQ(replaced.body["meter_stop_wh"], 5200);
  EXPECT_EQ(replaced.raw.find("\"closed_by_status\""), std::string::npos) << replaced.raw;
  EXPECT_NE(replaced.raw.find("status_close_replaced"), std::string::npos) << replaced.raw;
}

TEST_F(E2e, LostEnded_201_IsClosedByTheFreeStatusAfterAReboot_TheLateEndedEventReplacesTheClose) {
  auto cs = connect("CS-STALE", "ocpp2.0.1");
  auto boot = [&] {
    return result_of(
        cs->call("BootNotification",
                 {{"reason", "PowerUp"}, {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}}));
  };
  auto event = [&](const char* type, int seq, const char* at) {
    json payload = {{"eventType", type},
                    {"timestamp", at},
                    {"triggerReason", "Authorized"},
                    {"seqNo", seq},
                    {"transactionInfo", {{"transactionId", "STALE-201"}}}};
    if (seq == 0) payload["evse"] = {{"id", 1}, {"connectorId", 1}};
    return result_of(cs->call("TransactionEvent", payload));
  };
  boot();
  event("Started", 0, "2026-03-01T10:00:00Z");
  boot();
  auto now = sql("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
  result_of(
      cs->call("StatusNotification",
               {{"timestamp", now}, {"connectorStatus", "Available"}, {"evseId", 1}, {"connectorId", 1}}));
  auto id = sql("SELECT id FROM transactions WHERE ocpp_transaction_id = 'STALE-201'");
  auto closed = api("GET", "/api/v1/transactions/" + id);
  EXPECT_EQ(closed.body["stopped_at"], "2026-03-01T10:00:00Z") << closed.raw;
  EXPECT_EQ(closed.body["stop_reason"], "Reboot");
  event("Ended", 1, "2026-03-01T10:45:00Z");
  auto replaced = api("GET", "/api/v1/transactions/" + id);
  EXPECT_EQ(replaced.body["stopped_at"], "2026-03-01T10:45:00Z") << replaced.raw;
  EXPECT_NE(replaced.body["stop_reason"], "Reboot");
  EXPECT_NE(replaced.raw.find("status_close_replaced"), std::string::npos) << replaced.raw;
}

TEST_F(E2e, EveryContractCommandName_IsKnown_AnOfflineStationGets409) {
  // DESIGN.md section 2 (set-charging-profile and clear-charging-profile come with smart
  // charging), plus the commands added since.
  ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", "CMD-OFF"}}).status, 201);
  const std::map<std::string, json> bodies = {
      {"remote-start", {{"id_token", "T"}}},
      {"remote-stop", {{"transaction_id", "1"}}},
      {"reset", {{"type", "Soft"}}},
      {"unlock", {{"evse_id", 1}}},
      {"change-availability", {{"operative", true}}},
      {"get-configuration", json::object()},
      {"set-configuration", {{"key", "K"}, {"value", "V"}}},
      {"trigger-message", {{"message", "Heartbeat"}}},
      {"clear-cache", json::object()},
      {"reserve", {{"id_token", "T"}, {"expires_at", "2099-01-01T00:00:00Z"}}},
      {"cancel-reservation", {{"reservation_id", 1}}},
      {"update-firmware", {{"location", "https://fw.example/fw.bin"}}},
      {"get-diagnostics", {{"location", "https://logs.example/up"}}},
      {"send-local-list", json::object()},
      {"get-local-list-version", json::object()},
      {"data-transfer", {{"vendor_id", "v"}}},
  };
  for (const auto& [name, body] : bodies) {
    auto result = api("POST", "/api/v1/stations/CMD-OFF/commands/" + name, body);
    // cancel-reservation names a reservation that does not exist: 404 for it, not the name.
    if (name == "cancel-reservation") {
      EXPECT_EQ(result.status, 404) << name << ": " << result.raw;
      EXPECT_NE(result.raw.find("reservation"), std::string::npos) << result.raw;
      continue;
    }
    EXPECT_EQ(result.status, 409) << name << ": " << result.raw;
  }
}

TEST_F(E2e, MalformedInput_GetsTheVersionsErrorCode_AndTheConnectionStaysUsable) {
  auto v16 = connect("E2E-BAD-16", "ocpp1.6");
  v16->send_text("this is not json");
  auto broken = json::parse(v16->receive());
  EXPECT_EQ(broken[0], 4);
  EXPECT_EQ(broken[1], "-1");
  EXPECT_EQ(broken[2], "FormationViolation");
  v16->send_text(R"({"not":"an array"})");
  EXPECT_EQ(json::parse(v16->receive())[1], "-1");
  auto unknown = v16->call("MakeCoffee", json::object());
  EXPECT_EQ(unknown[0], 4);
  EXPECT_EQ(unknown[2], "NotImplemented");
  auto missing = v16->call("BootNotification", {{"chargePointVendor", "ACME"}});
  EXPECT_EQ(missing[2], "OccurenceConstraintViolation") << "1.6 keeps the spec's spelling";
  auto wrong_type = v16->call("StatusNotification",
                              {{"connectorId", "one"}, {"errorCode", "NoError"}, {"status", "Available"}});
  EXPECT_EQ(wrong_type[2], "TypeConstraintViolation");
  auto bad_enum =
      v16->call("StatusNotification", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Sleeping"}});
  EXPECT_EQ(bad_enum[2], "PropertyConstraintViolation");
  EXPECT_EQ(result_of(v16->call("Heartbeat", json::object())).contains("currentTime"), true);

  auto v201 = connect("E2E-BAD-201", "ocpp2.0.1");
  v201->send_text("[2, \"x\"");
  auto broken201 = json::parse(v201->receive());
  EXPECT_EQ(broken201[1], "-1");
  EXPECT_EQ(broken201[2], "RpcFrameworkError");
  auto missing201 = v201->call("BootNotification", {{"reason", "PowerUp"}});
  EXPECT_EQ(missing201[2], "OccurrenceConstraintViolation");
  auto not_object = v201->call("Heartbeat", json::array());
  EXPECT_EQ(not_object[2], "FormatViolation");
  EXPECT_EQ(result_of(v201->call("Heartbeat", json::object())).contains("currentTime"), true);
}

TEST_F(E2e, Handshake_WithoutOcppSubprotocol_IsRefusedWith400) {
  try {
    OcppClient client(server_->ocpp_port(), "E2E-NOPROTO", {});
    FAIL() << "upgraded without a subprotocol";
  } catch (const HandshakeRefused& e) {
    EXPECT_EQ(e.status(), 400);
  }
  try {
    OcppClient client(server_->ocpp_port(), "E2E-NOPROTO", {"ocpp1.5"});
    FAIL() << "upgraded with an unsupported subprotocol";
  } catch (const HandshakeRefused& e) {
    EXPECT_EQ(e.status(), 400);
  }
  // The charger's first supported choice wins.
  OcppClient both(server_->ocpp_port(), "E2E-PREF", {"ocpp2.1", "ocpp1.6", "ocpp2.0.1"});
  EXPECT_EQ(both.protocol(), "ocpp1.6");
}

TEST_F(E2e, DuplicateIdentity_NewConnectionReplacesTheOld) {
  auto first = connect("E2E-DUP", "ocpp1.6");
  result_of(first->call("Heartbeat", json::object()));
  auto second = connect("E2E-DUP", "ocpp1.6");
  EXPECT_TRUE(first->closed_by_server());
  EXPECT_EQ(result_of(second->call("BootNotification",
                                   {{"chargePointVendor", "A"}, {"chargePointModel", "B"}}))["status"],
            "Accepted");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(api("GET", "/api/v1/stations/E2E-DUP").body["online"], true)
      << "the old socket's close must not mark it offline";
}

TEST_F(E2e, SecurityProfile1_PasswordRequiresBasicCredentials) {
  ASSERT_EQ(
      api("POST", "/api/v1/stations", json{{"id", "E2E-SEC"}, {"password", "s3cret-passw0rd-2026"}}).status,
      201);
  EXPECT_EQ(sql("SELECT password_hash LIKE 'pbkdf2-sha256$%' FROM stations WHERE id = 'E2E-SEC'"), "t");
  auto refused = [](std::optional<std::pair<std::string, std::string>> credentials) {
    try {
      OcppClient client(server_->ocpp_port(), "E2E-SEC", {"ocpp1.6"}, credentials);
      return 0;
    } catch (const HandshakeRefused& e) {
      return e.status();
    }
  };
  EXPECT_EQ(refused(std::nullopt), 401);
  EXPECT_EQ(refused(std::pair{std::string("E2E-SEC"), std::string("wrong")}), 401);
  EXPECT_EQ(refused(std::pair{std::string("OTHER"), std::string("s3cret-passw0rd-2026")}), 401);
  EXPECT_EQ(refused(std::pair{std::string("E2E-SEC"), std::string("s3cret-passw0rd-2026")}), 0);
}

TEST_F(E2e, RemoteStart_ReachesTheChargerAndReturnsItsAnswer) {
  auto cp = connect("E2E-RS", "ocpp1.6");
  result_of(cp->call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}}));
  std::thread charger([&] {
    auto frame = json::parse(cp->receive());
    EXPECT_EQ(frame[0], 2);
    EXPECT_EQ(frame[2], "RemoteStartTransaction");
    EXPECT_EQ(frame[3]["idTag"], "RFID-RS");
    EXPECT_EQ(frame[3]["connectorId"], 1);
    cp->send_text(json::array({3, frame[1], {{"status", "Accepted"}}}).dump());
  });
  auto answer = api("POST", "/api/v1/stations/E2E-RS/commands/remote-start",
                    json{{"id_token", "RFID-RS"}, {"evse_id", 1}});
  charger.join();
  EXPECT_EQ(answer.status, 200) << answer.raw;
  EXPECT_EQ(answer.body["status"], "Accepted");
  EXPECT_EQ(answer.body["response"]["status"], "Accepted");

  auto v201 = connect("E2E-RS2", "ocpp2.0.1");
  std::thread station([&] {
    auto frame = json::parse(v201->receive());
    EXPECT_EQ(frame[2], "RequestStartTransaction");
    EXPECT_EQ(frame[3]["idToken"]["idToken"], "RFID-RS");
    EXPECT_TRUE(frame[3].contains("remoteStartId"));
    v201->send_text(json::array({4, frame[1], "NotSupported", "no", json::object()}).dump());
  });
  auto refused = api("POST", "/api/v1/stations/E2E-RS2/commands/remote-start", json{{"id_token", "RFID-RS"}});
  station.join();
  EXPECT_EQ(refused.status, 502);
  EXPECT_EQ(refused.body["error_code"], "NotSupported");
}

TEST_F(E2e, Commands_UnknownOfflineAndSilentStations) {
  EXPECT_EQ(api("POST", "/api/v1/stations/NOBODY/commands/reset", json{{"type", "Soft"}}).status, 404);
  ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", "E2E-OFF"}}).status, 201);
  EXPECT_EQ(api("POST", "/api/v1/stations/E2E-OFF/commands/reset", json{{"type", "Soft"}}).status, 409);
  auto cp = connect("E2E-SILENT", "ocpp1.6");
  auto timed_out = api("POST", "/api/v1/stations/E2E-SILENT/commands/reset", json{{"type", "Hard"}});
  EXPECT_EQ(timed_out.status, 504);
  EXPECT_EQ(timed_out.content_type, "application/problem+json");
  auto bad = api("POST", "/api/v1/stations/E2E-SILENT/commands/reset", json{{"type", "Sideways"}});
  EXPECT_EQ(bad.status, 400) << bad.raw;
}

TEST_F(E2e, Rest_ErrorsAreProblemJson_AndTokensAreChecked) {
  auto unauthenticated = http(server_->api_port(), "GET", "/api/v1/stations", std::nullopt, "");
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_EQ(unauthenticated.content_type, "application/problem+json");
  EXPECT_EQ(unauthenticated.body["status"], 401);
  EXPECT_EQ(api("GET", "/api/v1/stations/NOPE").status, 404);
  EXPECT_EQ(api("POST", "/api/v1/stations", json{{"id", "bad:id"}}).status, 400);
  EXPECT_EQ(api("POST", "/api/v1/stations", json{{"id", "TZ"}, {"time_zone", "Mars/Olympus"}}).status, 400);
  ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", "DUP"}}).status, 201);
  EXPECT_EQ(api("POST", "/api/v1/stations", json{{"id", "DUP"}}).status, 409);
  auto patched = api("PATCH", "/api/v1/stations/DUP",
                     json{{"name", "Depot"}, {"time_zone", "Europe/Berlin"}, {"max_power_w", 22000}});
  EXPECT_EQ(patched.status, 200);
  EXPECT_EQ(patched.body["time_zone"], "Europe/Berlin");
  EXPECT_EQ(api("GET", "/api/v1/transactions?from=yesterday").status, 400);
  EXPECT_EQ(http(server_->api_port(), "GET", "/healthz", std::nullopt, "").status, 200);
  EXPECT_EQ(http(server_->api_port(), "GET", "/readyz", std::nullopt, "").status, 200);
  auto cp = connect("E2E-METRICS", "ocpp1.6");
  result_of(cp->call("Heartbeat", json::object()));
  auto metrics = http(server_->api_port(), "GET", "/metrics", std::nullopt, "");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4");
  for (const char* series :
       {"csms_build_info{version=", "csms_stations_connected{protocol=\"ocpp1.6\"}",
        "csms_db_batch_units_count", "csms_db_queue_depth", "csms_alerts_open{rule=\"station_offline\"}",
        "csms_ocpp_handler_seconds_bucket{action=\"Heartbeat\",le=\"0.0005\"}"})
    EXPECT_NE(metrics.raw.find(series), std::string::npos) << series;
  auto openapi = http(server_->api_port(), "GET", "/api/v1/openapi.json", std::nullopt, "");
  EXPECT_EQ(openapi.status, 200);
  EXPECT_EQ(openapi.body["openapi"].get<std::string>().substr(0, 3), "3.1");
}

TEST_F(E2e, FrameLogging_IsSwitchedPerStationAtRunTime) {
  auto cp = connect("E2E-TRACE", "ocpp1.6");
  cp->call("Heartbeat", json::object());
  EXPECT_EQ(server_->log().find("E2E-TRACE -> [2"), std::string::npos) << "off by default";
  auto on = api("PUT", "/api/v1/stations/E2E-TRACE/frame-logging", json{{"enabled", true}});
  EXPECT_EQ(on.status, 200) << on.raw;
  cp->call("Heartbeat", json::object());
  auto log = server_->log();
  EXPECT_NE(log.find("station E2E-TRACE -> [2,"), std::string::npos) << "the frame received";
  EXPECT_NE(log.find("station E2E-TRACE <- [3,"), std::string::npos) << "the answer sent";
  EXPECT_EQ(api("PUT", "/api/v1/stations/E2E-TRACE/frame-logging", json{{"enabled", "yes"}}).status, 400);
  api("PUT", "/api/v1/stations/E2E-TRACE/frame-logging", json{{"enabled", false}});
}

TEST_F(E2e, CsmsInitiatedCalls_OneOutstandingPerConnection_OthersQueue) {
  auto cp = connect("E2E-QUEUE", "ocpp1.6");
  result_of(cp->call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}}));
  HttpResult first;
  HttpResult second;
  std::thread a(
      [&] { first = api("POST", "/api/v1/stations/E2E-QUEUE/commands/clear-cache", json::object()); });
  auto call1 = json::parse(cp->receive());
  std::thread b([&] {
    second = api("POST", "/api/v1/stations/E2E-QUEUE/commands/reset", json{{"type", "Soft"}});
  });
  // While the first is unanswered the second must not arrive.
  EXPECT_TRUE(cp->silent_for(500ms));
  cp->send_text(json::array({3, call1[1], {{"status", "Accepted"}}}).dump());
  auto call2 = json::parse(cp->receive());
  cp->send_text(json::array({3, call2[1], {{"status", "Rejected"}}}).dump());
  a.join();
  b.join();
  EXPECT_EQ(call1[2], "ClearCache");
  EXPECT_EQ(call2[2], "Reset");
  EXPECT_NE(call1[1], call2[1]) << "each call has its own message id";
  EXPECT_EQ(first.status, 200) << first.raw;
  EXPECT_EQ(first.body["status"], "Accepted");
  EXPECT_EQ(second.status, 200) << second.raw;
  EXPECT_EQ(second.body["status"], "Rejected");
}

TEST(E2eLimits, DeadPeerIsDroppedAndOversizedFramesCloseTheConnection) {
  auto url = fresh_database("csms_e2e_limits");
  CsmsProcess server(url, {{"CSMS_OCPP_PING_INTERVAL_S", "1"}, {"CSMS_OCPP_MAX_FRAME_BYTES", "4096"}});
  {
    OcppClient quiet(server.ocpp_port(), "E2E-QUIET", {"ocpp1.6"});
    // Not reading means not answering pings: after two intervals the server gives up.
    std::this_thread::sleep_for(3500ms);
    auto station = http(server.api_port(), "GET", "/api/v1/stations/E2E-QUIET");
    EXPECT_EQ(station.body["online"], false) << station.raw;
  }
  {
    OcppClient big(server.ocpp_port(), "E2E-BIG", {"ocpp1.6"});
    std::string vendor(5000, 'v');
    big.send_text(json::array({2, "1", "DataTransfer", {{"vendorId", "V"}, {"data", vendor}}}).dump());
    EXPECT_TRUE(big.closed_by_server());
  }
  {
    OcppClient fine(server.ocpp_port(), "E2E-FINE", {"ocpp1.6"});
    EXPECT_EQ(fine.call("Heartbeat", json::object())[0], 3) << "other stations are unaffected";
  }
  EXPECT_EQ(server.stop(), 0);
}

TEST(E2ePending, UnknownStationsPending_BootIsPendingAndOtherCallsGetSecurityError) {
  auto url = fresh_database("csms_e2e_pending");
  CsmsProcess server(url, {{"CSMS_OCPP_UNKNOWN_STATIONS", "pending"}});
  OcppClient cs(server.ocpp_port(), "E2E-PENDING", {"ocpp2.0.1"});
  auto boot = cs.call("BootNotification",
                      {{"reason", "PowerUp"}, {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}});
  EXPECT_EQ(boot[2]["status"], "Pending");
  auto status = cs.call("StatusNotification", {{"timestamp", "2026-03-01T10:00:00Z"},
                                               {"connectorStatus", "Available"},
                                               {"evseId", 1},
                                               {"connectorId", 1}});
  EXPECT_EQ(status[0], 4);
  EXPECT_EQ(status[2], "SecurityError");
  // The operator accepts the station; its next boot is Accepted.
  EXPECT_EQ(
      http(server.api_port(), "PATCH", "/api/v1/stations/E2E-PENDING", json{{"registration", "Accepted"}})
          .status,
      200);
  auto again = cs.call("BootNotification",
                       {{"reason", "PowerUp"}, {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}});
  EXPECT_EQ(again[2]["status"], "Accepted");
  EXPECT_EQ(cs.call("StatusNotification", {{"timestamp", "2026-03-01T10:00:00Z"},
                                           {"connectorStatus", "Available"},
                                           {"evseId", 1},
                                           {"connectorId", 1}})[0],
            3);
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace csms::testing

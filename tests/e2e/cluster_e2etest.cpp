// Two csms nodes on one PostgreSQL: a command sent to one node's API reaches a charger held
// by the other; when that node crashes, its charger reconnects to the survivor and carries
// on with its open transaction, its alerts are still cleared, and the station it left
// behind is taken offline and watched by one node.

#include <gtest/gtest.h>

#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

json result_of(const json& frame) {
  EXPECT_EQ(frame[0], 3) << frame.dump();
  return frame.size() > 2 ? frame[2] : json();
}

std::map<std::string, std::string> node(const std::string& id) {
  return {{"CSMS_CLUSTER_NODE_ID", id},
          {"CSMS_CLUSTER_HEARTBEAT_MS", "200"},
          {"CSMS_CLUSTER_NODE_TIMEOUT_S", "5"},
          {"CSMS_OCPP_CALL_TIMEOUT_S", "5"}};
}

// Polls a SQL value until it equals `want` (or 15 s pass); returns the last value read.
std::string wait_for(const std::string& url, const std::string& sql, const std::string& want) {
  std::string value;
  for (int i = 0; i < 150; ++i) {
    value = query_value(url, sql);
    if (value == want) break;
    std::this_thread::sleep_for(100ms);
  }
  return value;
}

TEST(Cluster, CommandRoutedToTheHoldingNode_AndAChargerSurvivesItsNodeCrashing) {
  auto url = fresh_database("csms_e2e_cluster");
  CsmsProcess a(url, node("node-a"));
  CsmsProcess b(url, node("node-b"));
  // A rule's settings saved through one node apply on the other too (node A watches the
  // station left offline below and must report it within the test's patience).
  ASSERT_EQ(
      http(b.api_port(), "PATCH", "/api/v1/fault-rules/station_offline", json{{"params", {{"grace_s", 1}}}})
          .status,
      200);
  // Node A's live alert stream carries the alerts node B raises.
  EventStreamClient stream(a.api_port(), "/api/v1/alerts/stream");
  // And its station stream what node B's stations do.
  EventStreamClient stations(a.api_port(), "/api/v1/stations/stream");
  EXPECT_NE(a.log().find("node node-a, leader"), std::string::npos) << a.log();
  EXPECT_NE(b.log().find("(node node-b)"), std::string::npos) << b.log();
  ASSERT_EQ(
      http(a.api_port(), "POST", "/api/v1/id-tokens", json{{"token", "RFID-CL"}, {"status", "Accepted"}})
          .status,
      201);

  // Two chargers on node B.
  auto cp = std::make_unique<OcppClient>(b.ocpp_port(), "CL-1", std::vector<std::string>{"ocpp1.6"});
  result_of(cp->call("BootNotification", {{"chargePointVendor", "ACME"}, {"chargePointModel", "AC-22"}}));
  OcppClient left(b.ocpp_port(), "CL-LEFT", {"ocpp1.6"});
  result_of(left.call("BootNotification", {{"chargePointVendor", "ACME"}, {"chargePointModel", "AC-22"}}));
  EXPECT_EQ(query_value(url, "SELECT node_id || ' ' || online FROM stations WHERE id = 'CL-1'"),
            "node-b true");

  // A remote start sent to node A's API reaches the charger on node B; its answer comes back.
  std::thread charger([&] {
    try {
      auto frame = json::parse(cp->receive(std::chrono::seconds(8)));
      EXPECT_EQ(frame[2], "RemoteStartTransaction");
      EXPECT_EQ(frame[3]["idTag"], "RFID-CL");
      cp->send_text(json::array({3, frame[1], {{"status", "Accepted"}}}).dump());
    } catch (const std::exception& e) {
      ADD_FAILURE() << "the charger on node B got no command: " << e.what();
    }
  });
  auto answer = http(a.api_port(), "POST", "/api/v1/stations/CL-1/commands/remote-start",
                     json{{"id_token", "RFID-CL"}, {"evse_id", 1}});
  charger.join();
  EXPECT_EQ(answer.status, 200) << answer.raw << "\n" << a.log();
  EXPECT_EQ(answer.body["status"], "Accepted");
  EXPECT_NE(b.log().find("command remote-start for station CL-1 from node node-a"), std::string::npos);
  // A command for a station no node holds is still answered at once.
  EXPECT_EQ(
      http(a.api_port(), "POST", "/api/v1/stations/NOBODY/commands/reset", json{{"type", "Soft"}}).status,
      404);

  // The charger starts a transaction on node B, and its connector faults.
  auto start = result_of(cp->call("StartTransaction", {{"connectorId", 1},
                                                       {"idTag", "RFID-CL"},
                                                       {"meterStart", 10000},
                                                       {"timestamp", "2026-03-01T10:00:00Z"}}));
  long long tx = start["transactionId"];
  ASSERT_GT(tx, 0);
  result_of(cp->call("MeterValues", {{"connectorId", 1},
                                     {"transactionId", tx},
                                     {"meterValue",
                                      {{{"timestamp", "2026-03-01T10:10:00Z"},
                                        {"sampledValue", {{{"value", "12000"}, {"unit", "Wh"}}}}}}}}));
  result_of(cp->call("StatusNotification", {{"connectorId", 2},
                                            {"errorCode", "GroundFailure"},
                                            {"status", "Faulted"},
                                            {"timestamp", "2026-03-01T10:11:00Z"}}));
  EXPECT_EQ(wait_for(url,
                     "SELECT count(*) FROM alerts WHERE rule = 'connector_faulted' AND station_id = 'CL-1' "
                     "AND state = 'open'",
                     "1"),
            "1");
  EXPECT_NE(stream.read_until("connector_faulted").find("connector_faulted"), std::string::npos);
  auto seen = stations.read_until(R"("status":"Faulted")");
  EXPECT_NE(seen.find("event: station.connected\ndata: {\"at\""), std::string::npos) << seen;
  EXPECT_NE(seen.find(R"("station_id":"CL-LEFT")"), std::string::npos) << seen;
  EXPECT_NE(seen.find("event: transaction.started"), std::string::npos) << seen;
  EXPECT_NE(seen.find(R"("connector_id":1,"evse_id":2,"station_id":"CL-1","status":"Faulted")"),
            std::string::npos)
      << seen;

  // Node B crashes. Node A (the leader) sees it gone at once and takes over what it held.
  b.kill_hard();
  EXPECT_TRUE(cp->closed_by_server(5s));
  cp.reset();
  EXPECT_EQ(
      wait_for(url, "SELECT node_id || ' ' || online FROM stations WHERE id = 'CL-LEFT'", "node-a false"),
      "node-a false");
  EXPECT_EQ(query_value(url, "SELECT count(*) FROM cluster_nodes"), "1");

  // The charger reconnects to node A and goes on with the same transaction.
  OcppClient again(a.ocpp_port(), "CL-1", {"ocpp1.6"});
  result_of(again.call("BootNotification", {{"chargePointVendor", "ACME"}, {"chargePointModel", "AC-22"}}));
  EXPECT_EQ(wait_for(url, "SELECT node_id || ' ' || online FROM stations WHERE id = 'CL-1'", "node-a true"),
            "node-a true");
  result_of(again.call("MeterValues", {{"connectorId", 1},
                                       {"transactionId", tx},
                                       {"meterValue",
                                        {{{"timestamp", "2026-03-01T10:20:00Z"},
                                          {"sampledValue", {{{"value", "14000"}, {"unit", "Wh"}}}}}}}}));
  auto stop = result_of(again.call("StopTransaction", {{"transactionId", tx},
                                                       {"idTag", "RFID-CL"},
                                                       {"meterStop", 15000},
                                                       {"timestamp", "2026-03-01T10:30:00Z"}}));
  EXPECT_EQ(stop["idTagInfo"]["status"], "Accepted");
  EXPECT_EQ(query_value(url, "SELECT count(*) FROM transactions"), "1");
  EXPECT_EQ(
      query_value(url, "SELECT meter_stop_wh::bigint FROM transactions WHERE id = " + std::to_string(tx)),
      "15000");
  EXPECT_EQ(query_value(url, "SELECT count(*) FROM meter_samples WHERE transaction_id = " +
                                 std::to_string(tx) + " AND measurand = 'Energy.Active.Import.Register'"),
            "2");

  // The fault opened on node B is cleared on node A.
  result_of(again.call("StatusNotification", {{"connectorId", 2},
                                              {"errorCode", "NoError"},
                                              {"status", "Available"},
                                              {"timestamp", "2026-03-01T10:31:00Z"}}));
  EXPECT_EQ(wait_for(url, "SELECT state FROM alerts WHERE rule = 'connector_faulted' AND station_id = 'CL-1'",
                     "resolved"),
            "resolved")
      << a.log();

  // The station left behind is offline and reported once, by the node that watches it now.
  EXPECT_EQ(wait_for(url,
                     "SELECT count(*) FROM alerts WHERE rule = 'station_offline' AND station_id = 'CL-LEFT' "
                     "AND state = 'open'",
                     "1"),
            "1")
      << a.log();
  EXPECT_EQ(
      query_value(url, "SELECT count(*) FROM alerts WHERE rule = 'station_offline' AND station_id = 'CL-1'"),
      "0");
  auto metrics = http(a.api_port(), "GET", "/metrics").raw;
  EXPECT_NE(metrics.find("csms_cluster_leader 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("csms_cluster_remote_commands_total{result=\"answered\"} 1"), std::string::npos);
  EXPECT_EQ(a.stop(), 0) << a.log();
}

TEST(Cluster, SecondNodeWithTheSameId_IsRefused) {
  auto url = fresh_database("csms_e2e_cluster_id");
  CsmsProcess a(url, node("same"));
  EXPECT_THROW(CsmsProcess(url, node("same")), std::runtime_error);
}

}  // namespace
}  // namespace csms::testing

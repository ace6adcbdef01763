// PostgreSQL stopped for 30 s under load (issue 14): chargers keep their connections, every
// transaction message is acknowledged from the spool, and once the database is back every
// acknowledged message is found in it, nothing twice.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/private_postgres.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// What a charger was told was stored.
struct Acknowledged {
  std::mutex mutex;
  std::vector<std::pair<std::string, long long>> starts16;           // station, transactionId
  std::vector<std::pair<std::string, long long>> stops16;            // station, transactionId
  std::vector<std::tuple<std::string, long long, double>> meter16;   // station, transactionId, Wh
  std::vector<std::tuple<std::string, std::string, int>> events201;  // station, transactionId, seqNo
  std::vector<std::string> refused;                                  // CALLERRORs to transaction messages
  std::atomic<int> heartbeats{0};
  std::atomic<int> authorized{0};
};

std::string stamp(int n) {
  char text[32];
  std::snprintf(text, sizeof text, "2026-06-01T%02d:%02d:%02dZ", 8 + n / 3600, (n / 60) % 60, n % 60);
  return text;
}

class Outage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
    pg_ = std::make_unique<PrivatePostgres>();
    server_ = std::make_unique<CsmsProcess>(pg_->url(),
                                            std::map<std::string, std::string>{{"CSMS_LOG_LEVEL", "info"}});
    // One token per charger: a token in use elsewhere would be ConcurrentTx.
    for (const std::string token : {"OUTAGE-TAG", "OUT16-0", "OUT16-1", "OUT16-2"})
      ASSERT_EQ(http(server_->api_port(), "POST", "/api/v1/id-tokens",
                     json{{"token", token}, {"status", "Accepted"}})
                    .status,
                201);
  }
  void TearDown() override {
    if (HasFailure() && server_) {
      auto log = server_->log();
      std::cerr << "---- csms log (tail) ----\n"
                << (log.size() > 30000 ? log.substr(log.size() - 30000) : log) << "\n";
    }
  }

  // A 1.6 charger: sessions of start, three meter values and stop, until `done`.
  void charger16(const std::string& id, Acknowledged& ack, std::atomic<bool>& done) {
    OcppClient cp(server_->ocpp_port(), id, {"ocpp1.6"});
    ASSERT_EQ(
        cp.call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}})[2]["status"],
        "Accepted");
    // Seen once while the database is up: Authorize is answered from the cache later.
    ASSERT_EQ(cp.call("Authorize", {{"idTag", id}})[2]["idTagInfo"]["status"], "Accepted");
    int clock = 0;
    while (!done) {
      auto start =
          cp.call("StartTransaction",
                  {{"connectorId", 1}, {"idTag", id}, {"meterStart", 0}, {"timestamp", stamp(clock++)}});
      if (start[0] != 3) {
        std::lock_guard lock(ack.mutex);
        ack.refused.push_back(id + " StartTransaction " + start.dump());
        std::this_thread::sleep_for(200ms);
        continue;
      }
      long long tx = start[2]["transactionId"];
      {
        std::lock_guard lock(ack.mutex);
        ack.starts16.emplace_back(id, tx);
      }
      for (int i = 1; i <= 3; ++i) {
        std::this_thread::sleep_for(100ms);
        json sample = {{"value", std::to_string(i * 100)}, {"measurand", "Energy.Active.Import.Register"}};
        auto values = cp.call(
            "MeterValues",
            {{"connectorId", 1},
             {"transactionId", tx},
             {"meterValue",
              json::array({{{"timestamp", stamp(clock++)}, {"sampledValue", json::array({sample})}}})}});
        std::lock_guard lock(ack.mutex);
        if (values[0] == 3)
          ack.meter16.emplace_back(id, tx, i * 100.0);
        else
          ack.refused.push_back(id + " MeterValues " + values.dump());
      }
      if (cp.call("Heartbeat", json::object())[0] == 3) ++ack.heartbeats;
      if (cp.call("Authorize", {{"idTag", id}})[2]["idTagInfo"]["status"] == "Accepted") ++ack.authorized;
      auto stop = cp.call("StopTransaction",
                          {{"transactionId", tx}, {"meterStop", 300}, {"timestamp", stamp(clock++)}});
      std::lock_guard lock(ack.mutex);
      if (stop[0] == 3)
        ack.stops16.emplace_back(id, tx);
      else
        ack.refused.push_back(id + " StopTransaction " + stop.dump());
    }
  }

  // A 2.0.1 charger: Started, three Updated and Ended events per transaction, until `done`.
  void charger201(const std::string& id, Acknowledged& ack, std::atomic<bool>& done) {
    OcppClient cp(server_->ocpp_port(), id, {"ocpp2.0.1"});
    ASSERT_EQ(cp.call("BootNotification",
                      {{"reason", "PowerUp"},
                       {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}})[2]["status"],
              "Accepted");
    int clock = 0;
    for (int n = 0; !done; ++n) {
      auto tx = id + "-T" + std::to_string(n);
      for (int seq = 0; seq <= 4; ++seq) {
        std::string type = seq == 0 ? "Started" : seq == 4 ? "Ended" : "Updated";
        json event = {{"eventType", type},
                      {"timestamp", stamp(clock++)},
                      {"triggerReason", seq == 0   ? "Authorized"
                                        : seq == 4 ? "EVCommunicationLost"
                                                   : "MeterValuePeriodic"},
                      {"seqNo", seq},
                      {"transactionInfo", {{"transactionId", tx}}},
                      {"evse", {{"id", 1}, {"connectorId", 1}}}};
        if (seq == 0) event["idToken"] = {{"idToken", "OUTAGE-TAG"}, {"type", "ISO14443"}};
        json sample = {{"value", seq * 100}, {"measurand", "Energy.Active.Import.Register"}};
        event["meterValue"] =
            json::array({{{"timestamp", stamp(clock++)}, {"sampledValue", json::array({sample})}}});
        auto answer = cp.call("TransactionEvent", event);
        std::lock_guard lock(ack.mutex);
        if (answer[0] == 3)
          ack.events201.emplace_back(id, tx, seq);
        else
          ack.refused.push_back(id + " TransactionEvent " + answer.dump());
        std::this_thread::sleep_for(100ms);
      }
    }
  }

  std::string sql(const std::string& query) { return query_value(pg_->url(), query); }

  std::unique_ptr<PrivatePostgres> pg_;
  std::unique_ptr<CsmsProcess> server_;
};

TEST_F(Outage, PostgresStoppedFor30s_EveryAcknowledgedMessageIsStoredOnce_ConnectionsStayUp) {
  Acknowledged ack;
  std::atomic<bool> done{false};
  std::vector<std::thread> chargers;
  for (int i = 0; i < 3; ++i) {
    chargers.emplace_back([&, i] { charger16("OUT16-" + std::to_string(i), ack, done); });
    chargers.emplace_back([&, i] { charger201("OUT201-" + std::to_string(i), ack, done); });
  }
  std::this_thread::sleep_for(3s);
  pg_->stop();
  std::size_t acked_before;
  {
    std::lock_guard lock(ack.mutex);
    acked_before = ack.starts16.size() + ack.meter16.size() + ack.stops16.size() + ack.events201.size();
  }
  std::this_thread::sleep_for(30s);
  auto ready = http(server_->api_port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 503) << "readyz reports the outage: " << ready.raw;
  auto metrics = http(server_->api_port(), "GET", "/metrics").raw;
  EXPECT_EQ(metrics.find("csms_spool_bytes 0\n"), std::string::npos) << "messages wait in the spool";
  EXPECT_NE(metrics.find("csms_database_up 0\n"), std::string::npos) << "the metric shows the outage";
  pg_->start();
  std::this_thread::sleep_for(3s);
  done = true;
  for (auto& t : chargers) t.join();

  // The spool drains through the normal path.
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline &&
         http(server_->api_port(), "GET", "/metrics").raw.find("csms_spool_bytes 0\n") == std::string::npos)
    std::this_thread::sleep_for(200ms);
  ASSERT_NE(http(server_->api_port(), "GET", "/metrics").raw.find("csms_spool_bytes 0\n"), std::string::npos)
      << "the spool was replayed within 60 s";
  EXPECT_EQ(http(server_->api_port(), "GET", "/readyz").status, 200);
  EXPECT_NE(http(server_->api_port(), "GET", "/metrics").raw.find("csms_database_up 1\n"), std::string::npos);

  // The outage is on record: database_unavailable opened at the first failure and resolved.
  nlohmann::json alerts;
  for (int i = 0; i < 100; ++i) {
    alerts = http(server_->api_port(), "GET", "/api/v1/alerts?rule=database_unavailable").body["items"];
    if (!alerts.empty() && alerts[0]["state"] == "resolved") break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(alerts.size(), 1u) << alerts.dump();
  EXPECT_EQ(alerts[0]["state"], "resolved") << alerts.dump();
  EXPECT_EQ(alerts[0]["severity"], "critical");
  EXPECT_LT(alerts[0]["opened_at"].get<std::string>(), alerts[0]["resolved_at"].get<std::string>());
  // Every session that ended has been through pricing (without a tariff here: it says so).
  for (int i = 0;
       i < 100 && sql("SELECT count(*) FROM transactions WHERE stopped_at IS NOT NULL AND cost IS NULL "
                      "AND pricing_status IS NULL") != "0";
       ++i)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(sql("SELECT count(*) FROM transactions WHERE stopped_at IS NOT NULL AND pricing_status IS NULL"),
            "0");
  EXPECT_NE(sql("SELECT count(*) FROM transactions WHERE pricing_status = 'no_tariff'"), "0");

  std::lock_guard lock(ack.mutex);
  EXPECT_TRUE(ack.refused.empty()) << ack.refused.size() << " refused, first: " << ack.refused.front();
  const auto total = ack.starts16.size() + ack.meter16.size() + ack.stops16.size() + ack.events201.size();
  EXPECT_GT(total, acked_before + 100) << "messages kept being acknowledged during the outage";
  EXPECT_GT(ack.heartbeats, 0);
  EXPECT_GT(ack.authorized, 0);

  for (const auto& [station, tx] : ack.starts16)
    ASSERT_EQ(sql("SELECT count(*) FROM transactions WHERE station_id = '" + station +
                  "' AND ocpp_transaction_id = '" + std::to_string(tx) + "'"),
              "1")
        << station << " transaction " << tx;
  for (const auto& [station, tx] : ack.stops16)
    ASSERT_EQ(sql("SELECT count(*) FROM transactions WHERE station_id = '" + station +
                  "' AND ocpp_transaction_id = '" + std::to_string(tx) +
                  "' AND stopped_at IS NOT NULL AND meter_stop_wh = 300"),
              "1")
        << station << " transaction " << tx << " stopped";
  for (const auto& [station, tx, wh] : ack.meter16)
    ASSERT_EQ(sql("SELECT count(*) FROM meter_samples s JOIN transactions t ON t.id = s.transaction_id WHERE "
                  "t.station_id = '" +
                  station + "' AND t.ocpp_transaction_id = '" + std::to_string(tx) +
                  "' AND s.value = " + std::to_string(wh)),
              "1")
        << station << " transaction " << tx << " reading " << wh;
  for (const auto& [station, tx, seq] : ack.events201)
    ASSERT_EQ(
        sql("SELECT count(*) FROM transaction_events e JOIN transactions t ON t.id = e.transaction_id WHERE "
            "t.station_id = '" +
            station + "' AND t.ocpp_transaction_id = '" + tx + "' AND e.seq_no = " + std::to_string(seq)),
        "1")
        << station << " " << tx << " seqNo " << seq;
  EXPECT_EQ(sql("SELECT count(*) FROM (SELECT 1 FROM transaction_events GROUP BY transaction_id, seq_no "
                "HAVING count(*) > 1) d"),
            "0");
  EXPECT_EQ(sql("SELECT count(*) FROM transactions WHERE protocol = 'ocpp1.6'"),
            std::to_string(ack.starts16.size()))
      << "no 1.6 transaction twice";
  std::cout << "acknowledged: " << total << " (" << acked_before << " before the outage), heartbeats "
            << ack.heartbeats << ", authorized from the cache " << ack.authorized << "\n";
  EXPECT_EQ(server_->stop(), 0);
}

}  // namespace
}  // namespace csms::testing

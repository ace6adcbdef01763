// Alerts on a real PostgreSQL: one active alert per key, repeats and escalation, the
// lifecycle, the webhook outbox written with the change, a restart that neither
// raises an alert twice nor forgets to clear it, and stations handed between nodes.

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "csms/faults/fault_service.hpp"
#include "csms/store/database.hpp"
#include "csms/store/migrations.hpp"
#include "support/outage_runner.hpp"
#include "support/test_database.hpp"

namespace csms {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class ManualClock final : public domain::Clock {
 public:
  domain::Timestamp now() const override { return now_.load(); }
  void set(const char* text) { now_ = *domain::parse_timestamp(text); }

 private:
  std::atomic<domain::Timestamp> now_{*domain::parse_timestamp("2026-03-01T12:00:00Z")};
};

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::fresh_database("csms_pg_faults");
    store::migrate(url_);
    db_ = std::make_unique<store::Database>(store::DatabaseSettings{url_, 2, 64});
    db_->start();
  }
  void TearDown() override {
    if (service_) service_->stop();
    if (db_) db_->stop();
  }

  template <typename T>
  T run(std::function<T(domain::Repositories&)> work) {
    std::promise<T> done;
    auto result = std::make_shared<T>();
    db_->run([result, work](domain::Repositories& repos) { *result = work(repos); },
             [&done, result](std::exception_ptr error) {
               if (error)
                 done.set_exception(error);
               else
                 done.set_value(*result);
             });
    return done.get_future().get();
  }

  std::string value(const std::string& sql) { return testing::query_value(url_, sql); }

  void start_service() { service_ = start_node(""); }

  // A service as one node of several on the database ("": the only node).
  std::unique_ptr<faults::FaultService> start_node(const std::string& node_id) {
    faults::FaultServiceSettings settings;
    settings.webhook_urls = {"http://127.0.0.1:1/hook"};
    settings.tick = 50ms;
    settings.node_id = node_id;
    auto service = std::make_unique<faults::FaultService>(settings, *db_, clock_);
    service->start();
    return service;
  }

  // Waits until `done` holds (the service works on its own thread).
  static bool eventually_true(const std::function<bool()>& done) {
    for (int i = 0; i < 100; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return done();
  }

  // Waits until `sql` yields `expected` (the service works on its own thread).
  void eventually(const std::string& sql, const std::string& expected) {
    for (int i = 0; i < 100; ++i) {
      if (value(sql) == expected) return;
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(value(sql), expected) << sql;
  }

  domain::ConnectorStatusChanged status(domain::ConnectorStatus s, const char* at) {
    domain::ConnectorStatusChanged event;
    event.station_id = "CP-F";
    event.evse_id = 1;
    event.connector_id = 1;
    event.status = s;
    bool faulted = s == domain::ConnectorStatus::Faulted;
    event.error_code = faulted ? "GroundFailure" : "NoError";
    if (faulted) event.info = "ground", event.vendor_error_code = "E12";
    event.at = *domain::parse_timestamp(at);
    return event;
  }

  std::string url_;
  ManualClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<faults::FaultService> service_;
};

TEST_F(FaultsTest, Repository_OneActiveAlertPerKey_RepeatsCountAndEscalate) {
  auto at = *domain::parse_timestamp("2026-03-01T12:00:00Z");
  auto first = run<domain::AlertChange>([&](auto& r) {
    return r.faults().open_alert("voltage_out_of_range", "CP-F", 1, 0, "warning", at, R"({"voltage_v":205})");
  });
  auto again = run<domain::AlertChange>([&](auto& r) {
    return r.faults().open_alert("voltage_out_of_range", "CP-F", 1, 0, "warning", at, R"({"voltage_v":204})");
  });
  auto worse = run<domain::AlertChange>([&](auto& r) {
    return r.faults().open_alert("voltage_out_of_range", "CP-F", 1, 0, "critical", at,
                                 R"({"voltage_v":180})");
  });
  EXPECT_EQ(first.event, "opened");
  EXPECT_EQ(again.event, "repeated");
  EXPECT_EQ(worse.event, "escalated");
  EXPECT_EQ(first.id, worse.id);
  auto doc = json::parse(worse.document_json);
  EXPECT_EQ(doc["occurrences"], 3);
  EXPECT_EQ(doc["severity"], "critical");
  EXPECT_EQ(doc["details"]["voltage_v"], 180);
  auto cleared = run<std::optional<domain::AlertChange>>(
      [&](auto& r) { return r.faults().clear_alert("voltage_out_of_range", "CP-F", 1, 0, at + 1min, "{}"); });
  ASSERT_TRUE(cleared);
  EXPECT_EQ(json::parse(cleared->document_json)["state"], "resolved");
  EXPECT_EQ(json::parse(cleared->document_json)["resolved_by"], "system");
  // Resolved, a new occurrence is a new alert.
  auto next = run<domain::AlertChange>([&](auto& r) {
    return r.faults().open_alert("voltage_out_of_range", "CP-F", 1, 0, "warning", at + 2min, "{}");
  });
  EXPECT_EQ(next.event, "opened");
  EXPECT_NE(next.id, first.id);
}

TEST_F(FaultsTest, Service_FaultedOpensWithWebhook_AcknowledgeThenAvailableResolves) {
  start_service();
  service_->on_event(status(domain::ConnectorStatus::Faulted, "2026-03-01T12:00:00Z"));
  eventually("SELECT state FROM alerts WHERE rule = 'connector_faulted'", "open");
  EXPECT_EQ(value("SELECT details->>'error_code' FROM alerts"), "GroundFailure");
  EXPECT_EQ(value("SELECT count(*) FROM webhook_outbox"), "1");
  EXPECT_EQ(value("SELECT body::jsonb->>'event' FROM webhook_outbox"), "alert.opened");

  auto id = std::stoll(value("SELECT id FROM alerts"));
  auto [result, change] = service_->acknowledge(id, "alice");
  EXPECT_EQ(result, domain::WriteResult::Done);
  EXPECT_EQ(json::parse(change->document_json)["acknowledged_by"], "alice");
  EXPECT_EQ(service_->acknowledge(id, "bob").first, domain::WriteResult::Conflict);

  service_->on_event(status(domain::ConnectorStatus::Available, "2026-03-01T12:05:00Z"));
  eventually("SELECT state FROM alerts", "resolved");
  EXPECT_EQ(value("SELECT count(*) FROM webhook_outbox"), "3");  // opened, acknowledged, resolved
}

TEST_F(FaultsTest, Service_AfterRestart_DoesNotRaiseTwiceAndStillClears) {
  start_service();
  service_->on_event(status(domain::ConnectorStatus::Faulted, "2026-03-01T12:00:00Z"));
  eventually("SELECT count(*) FROM alerts WHERE state = 'open'", "1");
  service_->stop();
  service_.reset();

  start_service();  // a new process: state comes from the database
  service_->on_event(status(domain::ConnectorStatus::Faulted, "2026-03-01T12:01:00Z"));
  service_->on_event(status(domain::ConnectorStatus::Available, "2026-03-01T12:02:00Z"));
  eventually("SELECT count(*) FROM alerts WHERE state = 'resolved'", "1");
  EXPECT_EQ(value("SELECT count(*) FROM alerts"), "1") << "no second alert for the same fault";
}

// Decisions taken while the database is out of reach used to be dropped while the engine
// counted the alert as open: the fault below was never written.
TEST_F(FaultsTest, Service_DatabaseOutage_DecisionsAreHeldAndWritten_DatabaseUnavailableOpensAndResolves) {
  testing::OutageRunner outage(*db_);
  faults::FaultServiceSettings settings;
  settings.webhook_urls = {"http://127.0.0.1:1/hook"};
  settings.tick = 50ms;
  service_ = std::make_unique<faults::FaultService>(settings, outage, clock_);
  service_->start();

  outage.down = true;
  clock_.set("2026-03-01T12:00:00Z");
  service_->database_state(false, "connection refused");
  service_->on_event(status(domain::ConnectorStatus::Faulted, "2026-03-01T12:00:30Z"));
  std::this_thread::sleep_for(300ms);  // several ticks, each failing to write
  EXPECT_EQ(value("SELECT count(*) FROM alerts"), "0");

  clock_.set("2026-03-01T12:01:00Z");
  outage.down = false;
  service_->database_state(true, "");
  eventually("SELECT state FROM alerts WHERE rule = 'database_unavailable'", "resolved");
  EXPECT_EQ(
      value("SELECT csms_ts(opened_at) || ' ' || csms_ts(resolved_at) || ' ' || severity || ' ' || "
            "(details->>'error') || ' ' || (details #>> '{cleared,unavailable_s}') || '|' || station_id "
            "FROM alerts WHERE rule = 'database_unavailable'"),
      "2026-03-01T12:00:00Z 2026-03-01T12:01:00Z critical connection refused 60|");
  EXPECT_EQ(value("SELECT state || ' ' || csms_ts(opened_at) FROM alerts WHERE rule = 'connector_faulted'"),
            "open 2026-03-01T12:00:00Z");  // judged at 12:00 (the engine's clock), written at 12:01
  EXPECT_EQ(value("SELECT string_agg(body::jsonb->>'event', ',' ORDER BY id) FROM webhook_outbox"),
            "alert.opened,alert.opened,alert.resolved");

  // The engine counts the fault as open: Available clears it.
  service_->on_event(status(domain::ConnectorStatus::Available, "2026-03-01T12:02:00Z"));
  eventually("SELECT state FROM alerts WHERE rule = 'connector_faulted'", "resolved");
}

TEST_F(FaultsTest, Nodes_StationMovedToAnotherNode_ItsAlertIsClearedThere) {
  value(
      "INSERT INTO stations (id, online, last_seen_at, node_id) "
      "VALUES ('CP-F', true, '2026-03-01T12:00:00Z', 'a')");
  auto a = start_node("a");
  a->on_event(status(domain::ConnectorStatus::Faulted, "2026-03-01T12:00:00Z"));
  eventually("SELECT state FROM alerts WHERE rule = 'connector_faulted'", "open");
  EXPECT_EQ(a->open_by_rule()["connector_faulted"], 1);

  auto b = start_node("b");
  EXPECT_EQ(b->open_by_rule()["connector_faulted"], 0) << "CP-F is a's: b restores none of its alerts";

  // The station connects to b: b claims it, a lets go.
  value("UPDATE stations SET node_id = 'b' WHERE id = 'CP-F'");
  a->release("CP-F");
  EXPECT_TRUE(eventually_true([&] { return a->open_by_rule()["connector_faulted"] == 0; }));
  b->on_event(domain::StationConnected{"CP-F", "ocpp1.6", *domain::parse_timestamp("2026-03-01T12:01:00Z")});
  b->on_event(status(domain::ConnectorStatus::Available, "2026-03-01T12:01:00Z"));
  // Only possible when b took over the alert a opened.
  eventually("SELECT state FROM alerts WHERE rule = 'connector_faulted'", "resolved");
  EXPECT_EQ(value("SELECT count(*) FROM alerts"), "1");
  EXPECT_EQ(b->open_by_rule()["connector_faulted"], 0);
}

TEST_F(FaultsTest, Nodes_AdoptedOfflineStation_IsWatchedByTheAdopter) {
  // Offline for an hour, watched by node c, which has crashed.
  value(
      "INSERT INTO stations (id, online, last_seen_at, node_id) "
      "VALUES ('CP-O', false, '2026-03-01T11:00:00Z', 'c')");
  auto b = start_node("b");
  std::this_thread::sleep_for(300ms);  // several ticks
  EXPECT_EQ(value("SELECT count(*) FROM alerts"), "0") << "not b's station yet";

  // The leader hands c's stations to b.
  value("UPDATE stations SET node_id = 'b' WHERE id = 'CP-O'");
  auto all = run<std::vector<domain::StationLiveness>>(
      [](domain::Repositories& r) { return r.faults().station_liveness(); });
  std::vector<domain::StationLiveness> stations;
  std::copy_if(all.begin(), all.end(), std::back_inserter(stations),
               [](const auto& s) { return s.station_id == "CP-O"; });
  ASSERT_EQ(stations.size(), 1u);
  EXPECT_EQ(stations[0].node_id.value_or(""), "b");
  b->adopt(stations);
  // Offline since 11:00, now 12:00: 3600 s > grace 120 s.
  eventually("SELECT state FROM alerts WHERE rule = 'station_offline' AND station_id = 'CP-O'", "open");
  EXPECT_EQ(value("SELECT details->>'reason' FROM alerts"), "disconnected");
}

TEST_F(FaultsTest, Service_PatchedRule_IsSavedAndValidated) {
  start_service();
  auto bad = service_->patch_rule("over_temperature", json{{"params", {{"max_c", "hot"}}}});
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_NE(std::get<std::string>(bad).find("max_c"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(
      service_->patch_rule("over_temperature", json{{"params", {{"max_f", 1}}}})));
  auto ok = service_->patch_rule(
      "over_temperature", json{{"params", {{"max_c", 70}}}, {"overrides", {{"CP-F", {{"max_c", 60}}}}}});
  ASSERT_TRUE(std::holds_alternative<faults::RuleSettings>(ok));
  EXPECT_EQ(std::get<faults::RuleSettings>(ok).params_for("CP-F")["max_c"], 60);
  EXPECT_EQ(std::get<faults::RuleSettings>(ok).params_for("OTHER")["max_c"], 70);
  EXPECT_EQ(value("SELECT settings->'params'->>'max_c' FROM fault_rules WHERE name = 'over_temperature'"),
            "70");
  service_->stop();
  service_.reset();
  start_service();
  for (const auto& rule : service_->rules()) {
    if (rule.name == "over_temperature") {
      EXPECT_EQ(rule.params_for("CP-F")["max_c"], 60) << "kept across a restart";
    }
  }
}

}  // namespace
}  // namespace csms

// Alerts on a real PostgreSQL: one active alert per key, repeats and escalation, the
// lifecycle, the webhook outbox written with the change, and a restart that neither
// raises an alert twice nor forgets to clear it.

#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "csms/faults/fault_service.hpp"
#include "csms/store/database.hpp"
#include "csms/store/migrations.hpp"
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

  void start_service() {
    faults::FaultServiceSettings settings;
    settings.webhook_urls = {"http://127.0.0.1:1/hook"};
    settings.tick = 50ms;
    service_ = std::make_unique<faults::FaultService>(settings, *db_, clock_);
    service_->start();
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

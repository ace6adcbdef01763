// Analytics rollups and reports on a real PostgreSQL, against hand-computed figures: a
// session across hours in Europe/Berlin, overlapping sessions on two connectors
// (saturation), an offline period partly inside a maintenance window, and a late status
// that changes a past day through the incremental path.

#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "csms/analytics/analytics_service.hpp"
#include "csms/analytics/session_index.hpp"
#include "csms/store/database.hpp"
#include "csms/store/migrations.hpp"
#include "support/outage_runner.hpp"
#include "support/test_database.hpp"

namespace csms {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class FixedClock final : public domain::Clock {
 public:
  domain::Timestamp now() const override { return *domain::parse_timestamp("2026-01-17T00:00:00Z"); }
};

domain::Timestamp at(const char* text) { return *domain::parse_timestamp(text); }

class AnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::fresh_database("csms_pg_analytics");
    store::migrate(url_);
    db_ = std::make_unique<store::Database>(store::DatabaseSettings{url_, 2, 64});
    db_->start();
    // Station A1 in Berlin (UTC+1 in January), two connectors, online since Jan 10 except
    // 12:00-12:30Z on Jan 15; maintenance 12:00-12:20Z.
    sql("INSERT INTO stations (id, time_zone) VALUES ('A1', 'Europe/Berlin')");
    sql("INSERT INTO connectors (station_id, evse_id, connector_id, status, status_at) VALUES "
        "('A1', 1, 1, 'Available', '2026-01-10T00:00:00Z'), ('A1', 2, 1, 'Available', "
        "'2026-01-10T00:00:00Z')");
    sql("INSERT INTO station_connectivity (station_id, connected_at, disconnected_at) VALUES "
        "('A1', '2026-01-10T00:00:00Z', '2026-01-15T12:00:00Z'), ('A1', '2026-01-15T12:30:00Z', NULL)");
    sql("INSERT INTO maintenance_windows (station_id, starts_at, ends_at, reason) VALUES "
        "('A1', '2026-01-15T12:00:00Z', '2026-01-15T12:20:00Z', 'firmware update')");
    // Connector 1 charges 09:40Z-11:20Z (10,000 Wh from start/stop meter values only);
    // connector 2 is occupied 10:00Z-10:30Z.
    sql("INSERT INTO status_history (station_id, evse_id, connector_id, status, status_at, received_at) "
        "VALUES "
        "('A1', 1, 1, 'Charging', '2026-01-15T09:40:00Z', now()), "
        "('A1', 1, 1, 'Available', '2026-01-15T11:20:00Z', now()), "
        "('A1', 2, 1, 'Preparing', '2026-01-15T10:00:00Z', now()), "
        "('A1', 2, 1, 'Available', '2026-01-15T10:30:00Z', now())");
    sql("INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, connector_id, "
        "id_token, "
        "started_at, stopped_at, meter_start_wh, meter_stop_wh) VALUES ('A1', 'ocpp1.6', '1', 1, 1, 'TAG', "
        "'2026-01-15T09:40:00Z', '2026-01-15T11:20:00Z', 1000, 11000)");
  }
  void TearDown() override {
    if (service_) service_->stop();
    if (db_) db_->stop();
  }

  void sql(const std::string& statement) { testing::query_value(url_, statement); }

  json report(const std::string& name, const char* from, const char* to, const std::string& bucket) {
    std::string fn = name == "peak-hours" ? "peak_hours" : name;
    std::string args = "'" + std::string(from) + "', '" + to + "'";
    if (name != "peak-hours" && name != "sessions" && name != "faults" && name != "expansion" &&
        name != "maintenance")
      args += ", '" + bucket + "'";
    args += ", ARRAY['A1']";
    if (name == "uptime") args += ", 97";
    return json::parse(testing::query_value(
        url_, "SELECT coalesce(json_agg(r), '[]')::text FROM csms_report_" + fn + "(" + args + ") r"));
  }

  std::size_t rebuild() {
    return analytics::AnalyticsService::rebuild(*db_, clock_, {}, at("2026-01-14T00:00:00Z"),
                                                at("2026-01-16T00:00:00Z"), {});
  }

  json row_at(const json& rows, const std::string& bucket_start, int evse = -1) {
    for (const auto& r : rows) {
      if (r["bucket_start"] == bucket_start && (evse < 0 || r["evse_id"] == evse)) return r;
    }
    ADD_FAILURE() << "no row at " << bucket_start << " in " << rows.dump();
    return json::object();
  }

  std::string url_;
  FixedClock clock_;
  analytics::SessionIndex index_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<analytics::AnalyticsService> service_;
};

TEST_F(AnalyticsTest, HourlyUtilizationInLocalTime) {
  rebuild();
  auto rows = report("utilization", "2026-01-15T09:00:00Z", "2026-01-15T12:00:00Z", "hour");
  ASSERT_EQ(rows.size(), 6u);  // 2 connectors x 3 hours
  EXPECT_EQ(row_at(rows, "2026-01-15T10:00:00+01:00", 1)["occupied_s"], 20 * 60);
  EXPECT_EQ(row_at(rows, "2026-01-15T10:00:00+01:00", 1)["sessions"], 1);
  EXPECT_EQ(row_at(rows, "2026-01-15T11:00:00+01:00", 1)["occupied_s"], 3600);
  EXPECT_EQ(row_at(rows, "2026-01-15T11:00:00+01:00", 1)["utilization_percent"], 100.0);
  EXPECT_EQ(row_at(rows, "2026-01-15T11:00:00+01:00", 2)["occupied_s"], 30 * 60);
  EXPECT_EQ(row_at(rows, "2026-01-15T12:00:00+01:00", 1)["occupied_s"], 20 * 60);
  EXPECT_EQ(row_at(rows, "2026-01-15T12:00:00+01:00", 2)["occupied_s"], 0);
  // Saturation: both connectors busy 10:00Z-10:30Z.
  EXPECT_EQ(
      testing::query_value(url_,
                           "SELECT all_busy_s FROM analytics_hourly WHERE station_id = 'A1' AND evse_id = 0 "
                           "AND hour_start = '2026-01-15T10:00:00Z'"),
      "1800");
}

TEST_F(AnalyticsTest, EnergySpreadOverHoursAndSummedPerLocalDay) {
  rebuild();
  auto hours = report("energy", "2026-01-15T09:00:00Z", "2026-01-15T12:00:00Z", "hour");
  EXPECT_EQ(row_at(hours, "2026-01-15T10:00:00+01:00")["energy_wh"], 2000);
  EXPECT_EQ(row_at(hours, "2026-01-15T11:00:00+01:00")["energy_wh"], 6000);
  EXPECT_EQ(row_at(hours, "2026-01-15T12:00:00+01:00")["energy_wh"], 2000);
  // The local day Jan 15 is [Jan 14 23:00Z, Jan 15 23:00Z).
  auto days = report("energy", "2026-01-14T23:00:00Z", "2026-01-15T23:00:00Z", "day");
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0]["bucket_start"], "2026-01-15T00:00:00+01:00");
  EXPECT_EQ(days[0]["energy_wh"], 10000);
  EXPECT_EQ(days[0]["sessions"], 1);
  // A range that starts mid-day reads that day's hours, not the whole day.
  auto partial = report("energy", "2026-01-15T10:00:00Z", "2026-01-16T23:00:00Z", "day");
  EXPECT_EQ(row_at(partial, "2026-01-15T00:00:00+01:00")["energy_wh"], 8000);
}

TEST_F(AnalyticsTest, OfflineInsideMaintenanceIsExcusedAndLateFaultChangesThePastDay) {
  rebuild();
  auto uptime = report("uptime", "2026-01-14T23:00:00Z", "2026-01-15T23:00:00Z", "day");
  ASSERT_EQ(uptime.size(), 1u);
  // 30 min offline x 2 connectors = 3600 connector-seconds, 2400 of them excused.
  EXPECT_EQ(uptime[0]["downtime_s"], 1200);
  EXPECT_EQ(uptime[0]["excused_downtime_s"], 2400);
  EXPECT_DOUBLE_EQ(uptime[0]["uptime_percent"].get<double>(), 99.306);  // 1 - 1200 / 172800
  EXPECT_EQ(uptime[0]["below_threshold"], false);

  // Hours later the charger reports that connector 2 was Faulted 15:00Z-16:00Z. The
  // incremental path (events -> marks -> recomputation) corrects the past day.
  analytics::AnalyticsSettings settings;
  settings.tick = 50ms;
  service_ = std::make_unique<analytics::AnalyticsService>(settings, *db_, clock_);
  service_->start();
  sql("INSERT INTO status_history (station_id, evse_id, connector_id, status, status_at, received_at) VALUES "
      "('A1', 2, 1, 'Faulted', '2026-01-15T15:00:00Z', now()), "
      "('A1', 2, 1, 'Available', '2026-01-15T16:00:00Z', now())");
  domain::ConnectorStatusChanged faulted;
  faulted.station_id = "A1";
  faulted.evse_id = 2;
  faulted.connector_id = 1;
  faulted.status = domain::ConnectorStatus::Faulted;
  faulted.at = at("2026-01-15T15:00:00Z");
  service_->on_event(faulted);
  json after;
  for (int i = 0; i < 100; ++i) {
    after = report("uptime", "2026-01-14T23:00:00Z", "2026-01-15T23:00:00Z", "day");
    if (after[0]["downtime_s"] != 1200) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(after[0]["downtime_s"], 1200 + 3600);
  EXPECT_DOUBLE_EQ(after[0]["uptime_percent"].get<double>(), 97.222);
  EXPECT_EQ(testing::query_value(url_, "SELECT count(*) FROM analytics_dirty"), "0");
}

// Marks taken while the database is out of reach used to be dropped from memory before they
// were written: the late fault below was then never rolled up.
TEST_F(AnalyticsTest, MarksTakenWhileTheDatabaseIsDown_AreKeptAndRolledUpWhenItIsBack) {
  rebuild();
  testing::OutageRunner outage(*db_);
  outage.down = true;
  analytics::AnalyticsSettings settings;
  settings.tick = 50ms;
  service_ = std::make_unique<analytics::AnalyticsService>(settings, outage, clock_);
  service_->start();
  sql("INSERT INTO status_history (station_id, evse_id, connector_id, status, status_at, received_at) VALUES "
      "('A1', 2, 1, 'Faulted', '2026-01-15T15:00:00Z', now()), "
      "('A1', 2, 1, 'Available', '2026-01-15T16:00:00Z', now())");
  domain::ConnectorStatusChanged faulted;
  faulted.station_id = "A1";
  faulted.evse_id = 2;
  faulted.connector_id = 1;
  faulted.status = domain::ConnectorStatus::Faulted;
  faulted.at = at("2026-01-15T15:00:00Z");
  service_->on_event(faulted);
  std::this_thread::sleep_for(300ms);  // several ticks, each failing to write the marks
  EXPECT_EQ(report("uptime", "2026-01-14T23:00:00Z", "2026-01-15T23:00:00Z", "day")[0]["downtime_s"], 1200);
  EXPECT_EQ(testing::query_value(url_, "SELECT count(*) FROM analytics_dirty"), "0");

  outage.down = false;
  json after;
  for (int i = 0; i < 100; ++i) {
    after = report("uptime", "2026-01-14T23:00:00Z", "2026-01-15T23:00:00Z", "day");
    if (after[0]["downtime_s"] != 1200) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(after[0]["downtime_s"], 1200 + 3600);
  service_->stop();
}

TEST_F(AnalyticsTest, PeakHoursAndSessions) {
  rebuild();
  auto peaks = report("peak-hours", "2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z", "");
  ASSERT_EQ(peaks.size(), 7u * 24u);
  // Thursday Jan 15, local 11:00: connector 1 the whole hour, connector 2 half of it, over
  // one Thursday with two connectors: 5400 / 7200.
  const auto& thu11 = peaks[(4 - 1) * 24 + 11];
  EXPECT_EQ(thu11["weekday"], 4);
  EXPECT_EQ(thu11["hour"], 11);
  EXPECT_DOUBLE_EQ(thu11["avg_occupancy_percent"].get<double>(), 75.0);
  EXPECT_EQ(peaks[(4 - 1) * 24 + 10]["sessions_started"], 1);

  auto sessions = report("sessions", "2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z", "");
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0]["sessions"], 1);
  EXPECT_EQ(sessions[0]["duration_p50_s"], 6000);
  EXPECT_EQ(sessions[0]["energy_max_wh"], 10000);
  EXPECT_EQ(sessions[0]["unique_id_tokens"], 1);
}

TEST_F(AnalyticsTest, WholeMonthsReadTheMonthlyRollupWithTheSameFigures) {
  rebuild();
  EXPECT_EQ(testing::query_value(url_,
                                 "SELECT round(energy_wh) || '/' || array_length(profile_occupied, 1) FROM "
                                 "analytics_monthly WHERE station_id = 'A1' AND local_month = '2026-01-01' "
                                 "AND evse_id = 0"),
            "0/168");
  EXPECT_EQ(testing::query_value(url_,
                                 "SELECT sum(energy_wh) FROM analytics_monthly WHERE station_id = 'A1' "
                                 "AND local_month = '2026-01-01' AND evse_id > 0"),
            "10000");
  // January in Berlin, as a whole month: the monthly row.
  auto month = report("energy", "2025-12-31T23:00:00Z", "2026-01-31T23:00:00Z", "month");
  ASSERT_EQ(month.size(), 1u);
  EXPECT_EQ(month[0]["bucket_start"], "2026-01-01T00:00:00+01:00");
  EXPECT_EQ(month[0]["energy_wh"], 10000);
  // December 2025 and January 2026: nine Thursdays of two connectors; 11:00 was occupied
  // 5400 s on one of them: 5400 / (9 x 7200) = 8.33 %. Energy and sessions as before.
  auto peaks = report("peak-hours", "2025-11-30T23:00:00Z", "2026-01-31T23:00:00Z", "");
  const auto& thu11 = peaks[(4 - 1) * 24 + 11];
  EXPECT_DOUBLE_EQ(thu11["avg_occupancy_percent"].get<double>(), 8.33);
  EXPECT_EQ(thu11["energy_wh"], 6000);
  EXPECT_EQ(peaks[(4 - 1) * 24 + 10]["sessions_started"], 1);
  // Day and week buckets over a range holding whole months still put the energy on its day
  // and week (not on the month's first day).
  auto days = report("energy", "2025-11-30T23:00:00Z", "2026-01-31T23:00:00Z", "day");
  EXPECT_EQ(row_at(days, "2026-01-15T00:00:00+01:00")["energy_wh"], 10000);
  EXPECT_EQ(row_at(days, "2026-01-01T00:00:00+01:00")["energy_wh"], 0);
  auto weeks = report("energy", "2025-11-30T23:00:00Z", "2026-01-31T23:00:00Z", "week");
  EXPECT_EQ(row_at(weeks, "2026-01-12T00:00:00+01:00")["energy_wh"], 10000);
  auto uptime_days = report("uptime", "2025-11-30T23:00:00Z", "2026-01-31T23:00:00Z", "day");
  EXPECT_EQ(row_at(uptime_days, "2026-01-15T00:00:00+01:00")["downtime_s"], 1200);
  // Expansion over whole months finds the same busiest hour from the monthly profile.
  auto expansion = report("expansion", "2025-11-30T23:00:00Z", "2026-01-31T23:00:00Z", "");
  EXPECT_EQ(expansion[0]["busiest_hour"], 11);
  // Mixed: from mid-December (days and hours) to the end of January (the month).
  auto mixed = report("utilization", "2025-12-15T10:00:00Z", "2026-01-31T23:00:00Z", "month");
  EXPECT_EQ(row_at(mixed, "2026-01-01T00:00:00+01:00", 1)["occupied_s"], 6000);
  EXPECT_EQ(row_at(mixed, "2026-01-01T00:00:00+01:00", 2)["occupied_s"], 1800);
}

TEST_F(AnalyticsTest, RevenueFromTheDailyRollupAndFromSessionsAtTheEdgesAgree) {
  sql("UPDATE transactions SET cost = '{\"currency\":\"EUR\",\"tariff_id\":\"T\",\"total_excl_vat\":\"2.50\","
      "\"total_incl_vat\":\"2.98\",\"energy_wh\":10000}'");
  rebuild();
  EXPECT_EQ(testing::query_value(url_,
                                 "SELECT excl || '/' || incl || '/' || sessions FROM analytics_revenue_daily "
                                 "WHERE station_id = 'A1' AND local_day = '2026-01-15'"),
            "2.50/2.98/1");
  // A whole local day (the rollup) and a range starting mid-day (the session itself).
  auto whole = report("revenue", "2026-01-14T23:00:00Z", "2026-01-15T23:00:00Z", "day");
  auto part = report("revenue", "2026-01-15T10:00:00Z", "2026-01-15T23:00:00Z", "day");
  ASSERT_EQ(whole.size(), 1u);
  ASSERT_EQ(part.size(), 1u);
  for (const auto& rows : {whole, part}) {
    EXPECT_EQ(rows[0]["bucket_start"], "2026-01-15T00:00:00+01:00");
    EXPECT_EQ(rows[0]["tariff_id"], "T");
    EXPECT_EQ(rows[0]["revenue_excl_vat"], "2.50");
    EXPECT_EQ(rows[0]["revenue_incl_vat"], "2.98");
    EXPECT_EQ(rows[0]["sessions"], 1);
  }
  // Stopped at 11:20Z: a range ending before that has none.
  EXPECT_TRUE(report("revenue", "2026-01-15T00:00:00Z", "2026-01-15T11:00:00Z", "hour").empty());
  // A whole local month reads the monthly rollup; a month cut at the range's start reads days.
  EXPECT_EQ(testing::query_value(url_,
                                 "SELECT excl || '/' || sessions FROM analytics_revenue_monthly "
                                 "WHERE station_id = 'A1' AND local_month = '2026-01-01'"),
            "2.50/1");
  for (const char* from : {"2025-12-31T23:00:00Z", "2026-01-10T23:00:00Z"}) {
    auto month = report("revenue", from, "2026-01-31T23:00:00Z", "month");
    ASSERT_EQ(month.size(), 1u) << from;
    EXPECT_EQ(month[0]["bucket_start"], "2026-01-01T00:00:00+01:00");
    EXPECT_EQ(month[0]["revenue_excl_vat"], "2.50");
    EXPECT_EQ(month[0]["sessions"], 1);
  }
  // Without the rollup the whole month has nothing: the monthly row is what the report read.
  sql("DELETE FROM analytics_revenue_monthly");
  EXPECT_TRUE(report("revenue", "2025-12-31T23:00:00Z", "2026-01-31T23:00:00Z", "month").empty());
}

TEST_F(AnalyticsTest, DenseReadingsGiveTheSameHourlyEnergy) {
  // Connector 2, 09:30Z-11:30Z, a reading every 10 s at 1 Wh/s (721 readings): the
  // repository reads only the readings around hour boundaries, with the same result.
  sql("INSERT INTO transactions (id, station_id, protocol, ocpp_transaction_id, evse_id, connector_id, "
      "started_at, stopped_at, meter_start_wh, meter_stop_wh) VALUES (500, 'A1', 'ocpp2.0.1', 'dense', 2, 1, "
      "'2026-01-15T09:30:00Z', '2026-01-15T11:30:00Z', 0, 7200)");
  sql("INSERT INTO meter_samples (station_id, evse_id, transaction_id, sampled_at, measurand, location, "
      "context, "
      "unit, raw_value, value, canonical_unit, canonical_value, received_at) "
      "SELECT 'A1', 2, 500, '2026-01-15T09:30:00Z'::timestamptz + s * interval '1 second', "
      "'Energy.Active.Import.Register', 'Outlet', 'Sample.Periodic', 'Wh', s::text, s, 'Wh', s, now() "
      "FROM generate_series(0, 7200, 10) s");
  rebuild();
  auto hours = report("energy", "2026-01-15T09:00:00Z", "2026-01-15T12:00:00Z", "hour");
  // Both sessions: connector 1's 2000/6000/2000 plus connector 2's 1800/3600/1800.
  EXPECT_EQ(row_at(hours, "2026-01-15T10:00:00+01:00")["energy_wh"], 2000 + 1800);
  EXPECT_EQ(row_at(hours, "2026-01-15T11:00:00+01:00")["energy_wh"], 6000 + 3600);
  EXPECT_EQ(row_at(hours, "2026-01-15T12:00:00+01:00")["energy_wh"], 2000 + 1800);
}

TEST_F(AnalyticsTest, ExpansionRanksBusiestHourAndSaturation) {
  rebuild();
  auto rows = report("expansion", "2026-01-14T23:00:00Z", "2026-01-15T23:00:00Z", "");
  ASSERT_EQ(rows.size(), 2u);  // the station and its site
  const auto& station = rows[0];
  EXPECT_EQ(station["level"], "station");
  EXPECT_EQ(station["site"], "A1");
  // Occupied 6000 + 1800 s of 2 x 86400: 4.51 %, under-used; busiest local hour 11:00 with
  // 5400 of 7200 connector-seconds; both busy 1800 s of the day.
  EXPECT_DOUBLE_EQ(station["occupancy_percent"].get<double>(), 4.51);
  EXPECT_EQ(station["busiest_hour"], 11);
  EXPECT_DOUBLE_EQ(station["busiest_hour_occupancy_percent"].get<double>(), 75.0);
  EXPECT_DOUBLE_EQ(station["saturation_percent"].get<double>(), 2.08);
  EXPECT_EQ(station["needs_capacity"], false);
  EXPECT_EQ(station["under_used"], true);
  EXPECT_EQ(station["energy_wh"], 10000);
  EXPECT_EQ(rows[1]["level"], "site");
  EXPECT_EQ(rows[1]["connectors"], 2);
}

TEST_F(AnalyticsTest, MaintenanceFlagsRisingAlerts) {
  // One alert in the eleven weeks before the last four, six in the last four.
  sql("INSERT INTO alerts (rule, station_id, severity, opened_at, last_seen_at) VALUES "
      "('connector_faulted', 'A1', 'critical', '2025-11-01T00:00:00Z', '2025-11-01T00:00:00Z')");
  for (int day = 1; day <= 6; ++day) {
    sql("INSERT INTO alerts (rule, station_id, severity, state, opened_at, last_seen_at, resolved_at) VALUES "
        "('connector_faulted', 'A1', 'critical', 'resolved', '2026-01-0" +
        std::to_string(day) + "T00:00:00Z', '2026-01-0" + std::to_string(day) + "T00:00:00Z', '2026-01-0" +
        std::to_string(day) + "T01:00:00Z')");
  }
  auto rows = report("maintenance", "2025-10-01T00:00:00Z", "2026-01-16T00:00:00Z", "");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["candidate"], true);
  EXPECT_EQ(rows[0]["reasons"], "alerts rising");
  EXPECT_DOUBLE_EQ(rows[0]["recent_alerts_per_week"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(rows[0]["baseline_alerts_per_week"].get<double>(), 0.09);  // 1 in 11.29 weeks
}

TEST_F(AnalyticsTest, FailedStartsCountFromTheDailyRollupAndFromSessionsAtTheEdges) {
  // Besides the 10,000 Wh session of Jan 15: Dec 10 (an edge day of the range: the sessions
  // themselves) one good session; Dec 12 (a whole day: the rollup) one not authorized and one
  // good; Jan 15 one of 90 s (failed); Jan 16 one of 10 Wh (failed).
  sql("INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, connector_id, "
      "started_at, "
      "stopped_at, meter_start_wh, meter_stop_wh, authorization_status) VALUES "
      "('A1', 'ocpp1.6', '2', 1, 1, '2025-12-10T09:00:00Z', '2025-12-10T10:00:00Z', 0, 5000, NULL), "
      "('A1', 'ocpp1.6', '3', 1, 1, '2025-12-12T09:00:00Z', '2025-12-12T10:00:00Z', 0, 5000, 'Blocked'), "
      "('A1', 'ocpp1.6', '4', 2, 1, '2025-12-12T11:00:00Z', '2025-12-12T12:00:00Z', 0, 5000, 'Accepted'), "
      "('A1', 'ocpp1.6', '5', 2, 1, '2026-01-15T13:00:00Z', '2026-01-15T13:01:30Z', 0, 300, NULL), "
      "('A1', 'ocpp1.6', '6', 2, 1, '2026-01-16T11:00:00Z', '2026-01-16T12:00:00Z', 0, 10, NULL)");
  sql("INSERT INTO station_connectivity (station_id, connected_at, disconnected_at) VALUES "
      "('A1', '2025-12-01T00:00:00Z', '2026-01-09T00:00:00Z')");
  analytics::AnalyticsService::rebuild(*db_, clock_, {}, at("2025-12-01T00:00:00Z"),
                                       at("2026-01-17T00:00:00Z"), {});
  EXPECT_EQ(testing::query_value(url_,
                                 "SELECT ended || '/' || failed FROM analytics_sessions_daily "
                                 "WHERE station_id = 'A1' AND local_day = '2025-12-12'"),
            "2/1");
  // Recent: the four weeks before Jan 17 (3 sessions, 2 failed); baseline from Dec 10 05:00Z:
  // the edge day read from the sessions (1 good) and Dec 12 from the rollup (1 of 2 failed).
  auto rows = report("maintenance", "2025-12-10T05:00:00Z", "2026-01-17T00:00:00Z", "");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["recent_sessions"], 3);
  EXPECT_DOUBLE_EQ(rows[0]["recent_failed_start_percent"].get<double>(), 66.7);
  EXPECT_DOUBLE_EQ(rows[0]["baseline_failed_start_percent"].get<double>(), 33.3);
  EXPECT_EQ(rows[0]["candidate"], false) << "fewer than five recent sessions: " << rows.dump();
  // A range starting after Dec 10's session leaves it out: 1 of 2 failed.
  rows = report("maintenance", "2025-12-10T10:30:00Z", "2026-01-17T00:00:00Z", "");
  EXPECT_DOUBLE_EQ(rows[0]["baseline_failed_start_percent"].get<double>(), 50.0);
}

TEST_F(AnalyticsTest, SessionsFromTheInMemoryCopyMatchTheSqlReport) {
  // Two stations, tokens with and without a customer, one token twice, a session without
  // energy readings, one still open, and ties in the percentiles.
  sql("INSERT INTO stations (id, time_zone) VALUES ('B1', 'America/New_York')");
  sql("INSERT INTO customers (id) VALUES ('C1'), ('C2')");
  sql("INSERT INTO id_tokens (token, customer_id) VALUES ('T2', 'C1'), ('T3', 'C1'), ('T4', 'C2')");
  sql("INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, connector_id, id_token, "
      "started_at, stopped_at, meter_start_wh, meter_stop_wh) VALUES "
      "('A1', 'ocpp1.6', '2', 2, 1, 'T2', '2026-01-15T12:00:00Z', '2026-01-15T12:30:00.500Z', 0, 2500.5), "
      "('A1', 'ocpp1.6', '3', 2, 1, 'T2', '2026-01-15T13:00:00Z', '2026-01-15T13:10:00Z', 100, 1100), "
      "('A1', 'ocpp1.6', '4', 1, 1, NULL, '2026-01-15T14:00:00Z', '2026-01-15T14:10:00Z', NULL, NULL), "
      "('B1', 'ocpp1.6', '1', 1, 1, 'T3', '2026-01-15T15:00:00Z', '2026-01-15T17:00:00Z', 0, 20000), "
      "('B1', 'ocpp1.6', '2', 1, 1, 'T4', '2026-01-15T18:00:00Z', '2026-01-15T19:00:00Z', 0, 10000), "
      "('B1', 'ocpp1.6', '3', 1, 1, 'T4', '2026-01-15T20:00:00Z', NULL, 500, NULL)");
  auto sql_rows = [&](const char* from, const char* to) {
    return json::parse(testing::query_value(
        url_, std::string("SELECT coalesce(json_agg(r), '[]')::text FROM csms_report_sessions('") + from +
                  "', '" + to + "', NULL) r"));
  };
  auto index_rows = [&](const char* from, const char* to) {
    domain::AnalyticsQuery q;
    q.from = at(from);
    q.to = at(to);
    domain::ReportTable table;
    db_->run_and_wait([&](domain::Repositories& repos) { table = index_.report(repos.analytics(), q); });
    return json::parse(domain::report_rows_json(table, table.columns));
  };
  rebuild();
  for (auto [from, to] : {std::pair{"2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z"},
                          std::pair{"2026-01-15T12:30:00Z", "2026-01-15T19:00:00Z"}}) {
    auto expected = sql_rows(from, to);
    auto actual = index_rows(from, to);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(actual, expected) << from;
  }
  EXPECT_EQ(index_.size(), 6u) << "five ended here and the fixture's one";
  auto rows = index_rows("2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z");
  EXPECT_EQ(rows[0]["station_id"], "A1");
  EXPECT_EQ(rows[0]["sessions"], 4);
  EXPECT_EQ(rows[0]["repeat_percent"], 50.0);  // TAG once, T2 twice
  EXPECT_EQ(rows[1]["station_id"], "B1");
  EXPECT_EQ(rows[1]["unique_customers"], 2);

  // A session ending later, and one whose stop is corrected, reach the copy.
  sql("UPDATE transactions SET stopped_at = '2026-01-15T21:00:00Z', meter_stop_wh = 4500 "
      "WHERE station_id = 'B1' AND ocpp_transaction_id = '3'");
  sql("UPDATE transactions SET stopped_at = '2026-01-15T13:40:00Z' WHERE station_id = 'A1' AND "
      "ocpp_transaction_id = '3'");
  auto expected = sql_rows("2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z");
  EXPECT_EQ(index_rows("2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z"), expected);
  EXPECT_EQ(index_.size(), 7u);
}

// The copy of the ended sessions used to be read at the first sessions report after a start:
// that request waited for it (1.1 s for 915,000 sessions). The service reads it when it starts.
TEST_F(AnalyticsTest, TheServiceReadsTheEndedSessionsWhenItStarts_NotAtTheFirstReport) {
  analytics::AnalyticsSettings settings;
  settings.tick = 50ms;
  service_ = std::make_unique<analytics::AnalyticsService>(settings, *db_, clock_);
  EXPECT_EQ(service_->sessions_in_memory(), 0u);
  service_->start();
  for (int i = 0; i < 100 && service_->sessions_in_memory() == 0; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(service_->sessions_in_memory(), 1u) << "the fixture's one ended session, with no report asked";
  // A session that ends afterwards is caught up by the next report, as before.
  sql("INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, connector_id, "
      "started_at, stopped_at, meter_start_wh, meter_stop_wh) VALUES ('A1', 'ocpp1.6', '2', 2, 1, "
      "'2026-01-15T12:00:00Z', '2026-01-15T12:30:00Z', 0, 100)");
  domain::AnalyticsQuery q;
  q.from = at("2026-01-15T00:00:00Z");
  q.to = at("2026-01-16T00:00:00Z");
  domain::ReportTable table;
  db_->run_and_wait([&](domain::Repositories& repos) { table = service_->sessions_report(repos, q); });
  auto rows = json::parse(domain::report_rows_json(table, table.columns));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["sessions"], 2);
  EXPECT_EQ(service_->sessions_in_memory(), 2u);
}

// A load the process stops in the middle of leaves nothing behind, and the next load reads all.
TEST_F(AnalyticsTest, ALoadOfTheEndedSessionsThatIsCancelledIsDoneAgainByTheNext) {
  bool loaded = true;
  db_->run_and_wait(
      [&](domain::Repositories& repos) { loaded = index_.load(repos.analytics(), [] { return true; }); });
  EXPECT_FALSE(loaded);
  EXPECT_EQ(index_.size(), 0u);
  db_->run_and_wait([&](domain::Repositories& repos) { loaded = index_.load(repos.analytics(), {}); });
  EXPECT_TRUE(loaded);
  EXPECT_EQ(index_.size(), 1u) << "the fixture's one ended session";
  // Loaded once: a later load (cancelled or not) keeps the copy.
  db_->run_and_wait(
      [&](domain::Repositories& repos) { loaded = index_.load(repos.analytics(), [] { return true; }); });
  EXPECT_TRUE(loaded);
  EXPECT_EQ(index_.size(), 1u);
}

TEST_F(AnalyticsTest, APartialLastMonthIsTheMonthLessItsDaysAfterTheRange) {
  // Connector 2 is occupied again on Saturday Jan 17, 00:10-00:40 local (before the clock's
  // now), after the ranges below end (Jan 17 00:00 local): January's row holds it, the
  // reports must not.
  sql("INSERT INTO status_history (station_id, evse_id, connector_id, status, status_at, received_at) VALUES "
      "('A1', 2, 1, 'Preparing', '2026-01-16T23:10:00Z', now()), "
      "('A1', 2, 1, 'Available', '2026-01-16T23:40:00Z', now())");
  analytics::AnalyticsService::rebuild(*db_, clock_, {}, at("2026-01-14T00:00:00Z"),
                                       at("2026-01-17T00:00:00Z"), {});
  auto whole = report("utilization", "2025-12-31T23:00:00Z", "2026-01-31T23:00:00Z", "month");
  EXPECT_EQ(row_at(whole, "2026-01-01T00:00:00+01:00", 2)["occupied_s"], 3600);
  // Jan 1-16 local: 16 days, 15 after: the monthly row less Jan 17-31.
  for (const char* from : {"2025-12-31T23:00:00Z", "2026-01-10T23:00:00Z"}) {
    auto part = report("utilization", from, "2026-01-16T23:00:00Z", "month");
    EXPECT_EQ(row_at(part, "2026-01-01T00:00:00+01:00", 2)["occupied_s"], 1800) << from;
    EXPECT_EQ(row_at(part, "2026-01-01T00:00:00+01:00", 1)["occupied_s"], 6000) << from;
  }
  const int saturday_0 = (6 - 1) * 24 + 0;
  auto peaks = report("peak-hours", "2025-12-31T23:00:00Z", "2026-01-16T23:00:00Z", "");
  EXPECT_EQ(peaks[saturday_0]["avg_occupancy_percent"], 0) << "Saturday 00:00 is after the range";
  auto peaks_whole = report("peak-hours", "2025-12-31T23:00:00Z", "2026-01-31T23:00:00Z", "");
  EXPECT_GT(peaks_whole[saturday_0]["avg_occupancy_percent"].get<double>(), 0);
  auto expansion = report("expansion", "2025-12-31T23:00:00Z", "2026-01-16T23:00:00Z", "");
  EXPECT_EQ(expansion[0]["busiest_hour"], 11);
  // 6,000 + 1,800 occupied seconds of 2 connectors x 16 days (0.28 %; with Jan 17 it would be 0.35 %).
  EXPECT_DOUBLE_EQ(expansion[0]["occupancy_percent"].get<double>(), 0.28);
}

TEST_F(AnalyticsTest, TheInMemoryCopyMissesNoSessionCommittedOutOfOrder) {
  auto sessions_of = [&]() {
    domain::AnalyticsQuery q;
    q.from = at("2026-01-15T00:00:00Z");
    q.to = at("2026-01-16T00:00:00Z");
    domain::ReportTable table;
    db_->run_and_wait([&](domain::Repositories& repos) { table = index_.report(repos.analytics(), q); });
    auto rows = json::parse(domain::report_rows_json(table, table.columns));
    return rows.empty() ? 0 : rows[0]["sessions"].get<int>();
  };
  EXPECT_EQ(sessions_of(), 1);
  // Session 2's fact is written first (the lower seq) but committed last; session 3's is
  // written and committed while 2's transaction is still open, and the copy reads then.
  pqxx::connection slow(url_);
  pqxx::work slow_txn(slow);
  slow_txn.exec(
      "INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, connector_id, "
      "started_at, "
      "stopped_at, meter_start_wh, meter_stop_wh) VALUES ('A1', 'ocpp1.6', '2', 2, 1, "
      "'2026-01-15T12:00:00Z', "
      "'2026-01-15T12:30:00Z', 0, 100)");
  sql("INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, connector_id, "
      "started_at, "
      "stopped_at, meter_start_wh, meter_stop_wh) VALUES ('A1', 'ocpp1.6', '3', 2, 1, "
      "'2026-01-15T13:00:00Z', "
      "'2026-01-15T13:30:00Z', 0, 100)");
  EXPECT_EQ(testing::query_value(url_,
                                 "SELECT count(*) FROM analytics_session_facts WHERE seq > "
                                 "(SELECT seq FROM analytics_session_facts f JOIN transactions t ON "
                                 "t.id = f.transaction_id WHERE t.ocpp_transaction_id = '3')"),
            "0")
      << "3's seq is the highest";
  EXPECT_EQ(sessions_of(), 2);
  slow_txn.commit();
  EXPECT_EQ(sessions_of(), 3) << "a fact committed after a later-numbered one is still read";
  EXPECT_EQ(sessions_of(), 3) << "and counted once";
}

}  // namespace
}  // namespace csms

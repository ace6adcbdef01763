// The fleet's zone rollups (migration 0039: hourly, daily, revenue) on a real PostgreSQL: a seeded network in
// five time zones, rolled up, then changed the ways a fleet changes (a rollup replacing days, a station
// moving to another zone, a station deleted, a connector only a session names). After each, the zone rows
// must be exactly the stations' rows summed per zone, and every fleet report over all stations (read from the
// zone rows) the same as over the list of all stations (read from the stations' rows).

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "csms/analytics/analytics_service.hpp"
#include "csms/store/database.hpp"
#include "csms/store/migrations.hpp"
#include "csms/store/seed.hpp"
#include "support/test_database.hpp"

namespace csms {
namespace {

class FixedClock final : public domain::Clock {
 public:
  domain::Timestamp now() const override { return *domain::parse_timestamp("2026-02-20T00:00:00Z"); }
};

domain::Timestamp at(const char* text) { return *domain::parse_timestamp(text); }

// Rows of `a` not in `b` and of `b` not in `a` (each as a multiset), as text for a message.
constexpr const char* kDifference =
    "SELECT coalesce(string_agg(d::text, E'\\n'), '') FROM ("
    "(SELECT 'zone only' AS side, * FROM ({A}) a EXCEPT ALL SELECT 'zone only', * FROM ({B}) b) UNION ALL "
    "(SELECT 'stations only', * FROM ({B}) b EXCEPT ALL SELECT 'stations only', * FROM ({A}) a)) d";

constexpr const char* kColumns =
    "occupied_s, charging_s, down_s, excused_down_s, offline_s, energy_wh, sessions_started";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

class AnalyticsZoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::fresh_database("csms_pg_analytics_zones");
    store::migrate(url_);
    db_ = std::make_unique<store::Database>(store::DatabaseSettings{url_, 2, 64});
    db_->start();
    store::SeedOptions seed;
    seed.stations = 7;
    seed.days = 45;
    seed.start = at("2026-01-01T00:00:00Z");
    seed.prefix = "Z-";
    store::seed_history(url_, seed);
    rebuild(at("2025-12-31T00:00:00Z"), at("2026-02-16T00:00:00Z"));
  }
  void TearDown() override {
    if (db_) db_->stop();
  }

  std::string sql(const std::string& statement) { return testing::query_value(url_, statement); }

  void rebuild(domain::Timestamp from, domain::Timestamp to, std::vector<std::string> only = {}) {
    analytics::AnalyticsService::rebuild(*db_, clock_, only, from, to, {});
  }

  std::string difference(const std::string& a, const std::string& b) {
    return sql(replace_all(replace_all(kDifference, "{A}", a), "{B}", b));
  }

  // The zone rows against the stations' rows summed per zone (their zone now).
  void expect_zone_rows_are_the_sums(const std::string& when) {
    const std::string sums =
        "coalesce(sum(r.occupied_s) FILTER (WHERE r.evse_id > 0), 0) AS occupied_s, "
        "coalesce(sum(r.charging_s) FILTER (WHERE r.evse_id > 0), 0) AS charging_s, "
        "coalesce(sum(r.down_s) FILTER (WHERE r.evse_id > 0), 0) AS down_s, "
        "coalesce(sum(r.excused_down_s) FILTER (WHERE r.evse_id > 0), 0) AS excused_down_s, "
        "coalesce(sum(r.offline_s) FILTER (WHERE r.evse_id = 0), 0) AS offline_s, "
        "coalesce(sum(r.energy_wh::numeric) FILTER (WHERE r.evse_id > 0), 0) AS energy_wh, "
        "coalesce(sum(r.sessions_started) FILTER (WHERE r.evse_id > 0), 0) AS sessions_started";
    // Rows whose sums are all zero are left out on both sides: a zone row stays behind when
    // what it summed is gone (a moved or deleted station's hours).
    const std::string nonzero =
        " WHERE (occupied_s, charging_s, down_s, excused_down_s, offline_s, energy_wh, sessions_started) <> "
        "(0, 0, 0, 0, 0, 0, 0)";
    EXPECT_EQ(
        difference("SELECT time_zone, hour_start, " + std::string(kColumns) + " FROM analytics_zone_hourly" +
                       nonzero,
                   "SELECT * FROM (SELECT s.time_zone, r.hour_start, " + sums +
                       " FROM analytics_hourly r JOIN stations s ON s.id = r.station_id GROUP BY 1, 2) t" +
                       nonzero),
        "")
        << when << ": hourly";
    EXPECT_EQ(
        difference(
            "SELECT time_zone, local_day, " + std::string(kColumns) + " FROM analytics_zone_daily" + nonzero,
            "SELECT * FROM (SELECT s.time_zone, r.local_day, " + sums +
                " FROM analytics_daily r JOIN stations s ON s.id = r.station_id GROUP BY 1, 2) t" + nonzero),
        "")
        << when << ": daily";
    EXPECT_EQ(
        difference(
            "SELECT time_zone, local_day, tariff_id, currency, sessions, excl, incl, energy_wh FROM "
            "analytics_zone_revenue_daily WHERE (sessions, excl, incl, energy_wh) <> (0, 0, 0, 0)",
            "SELECT * FROM (SELECT s.time_zone, r.local_day, r.tariff_id, r.currency, sum(r.sessions) AS "
            "sessions, sum(r.excl) AS excl, sum(r.incl) AS incl, sum(r.energy_wh) AS energy_wh FROM "
            "analytics_revenue_daily r JOIN stations s ON s.id = r.station_id GROUP BY 1, 2, 3, 4) t "
            "WHERE (sessions, excl, incl, energy_wh) <> (0, 0, 0, 0)"),
        "")
        << when << ": revenue";
    EXPECT_EQ(
        sql("SELECT count(*) FROM analytics_zone_hourly h WHERE h.local_hour <> h.hour_start AT TIME ZONE "
            "h.time_zone"),
        "0")
        << when;
  }

  // Every fleet report over all stations (zone rows) against the same over the list of them.
  void expect_fleet_reports_agree(const std::string& when) {
    const std::string all = "(SELECT array_agg(id) FROM stations)";
    struct Range {
      const char* from;
      const char* to;
      std::vector<const char*> buckets;
    };
    const std::vector<Range> ranges = {
        {"2026-01-05T00:00:00Z", "2026-02-04T00:00:00Z", {"day", "week", "month"}},  // UTC midnights
        {"2026-01-10T13:30:00Z", "2026-02-12T07:00:00Z", {"day", "week", "month"}},  // mid-day both ends
        {"2025-12-20T00:00:00Z", "2026-03-01T00:00:00Z", {"day", "month"}},          // beyond the history
        {"2026-01-14T22:00:00Z", "2026-01-17T05:00:00Z", {"hour", "day"}},           // a few days
        {"2026-01-31T23:00:00Z", "2026-02-01T01:00:00Z", {"hour", "day", "month"}},  // across a month
    };
    for (const auto& r : ranges) {
      for (const char* bucket : r.buckets) {
        const std::string args = std::string("'") + r.from + "', '" + r.to + "', '" + bucket + "', ";
        for (const std::string report : {"utilization", "energy", "uptime", "revenue"}) {
          const std::string tail = report == "uptime" ? ", 97)" : ")";
          const std::string zone = "SELECT * FROM csms_fleet_" + report + "(" + args + "NULL" + tail;
          const std::string stations = "SELECT * FROM csms_fleet_" + report + "(" + args + all + tail;
          EXPECT_EQ(difference(zone, stations), "")
              << when << ": " << report << " " << r.from << " - " << r.to << " by " << bucket;
          EXPECT_NE(sql("SELECT count(*) FROM (" + zone + ") x"), "0") << report << " " << bucket;
        }
      }
    }
  }

  std::string url_;
  FixedClock clock_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(AnalyticsZoneTest, ZoneRowsAreTheStationsSumsThroughRollupsMovesAndDeletions) {
  ASSERT_EQ(sql("SELECT count(DISTINCT time_zone) FROM stations"), "5");
  ASSERT_NE(sql("SELECT count(*) FROM analytics_zone_daily WHERE energy_wh > 0"), "0");
  ASSERT_NE(sql("SELECT count(*) FROM analytics_zone_revenue_daily WHERE incl > 0"), "0");
  expect_zone_rows_are_the_sums("after the rebuild");
  expect_fleet_reports_agree("after the rebuild");

  // A rollup that replaces some stations' days (new readings change a past week).
  sql("UPDATE transactions SET meter_stop_wh = meter_stop_wh + 5000 WHERE station_id = 'Z-1' AND started_at "
      ">= "
      "'2026-01-20' AND started_at < '2026-01-27'");
  rebuild(at("2026-01-20T00:00:00Z"), at("2026-01-27T00:00:00Z"), {"Z-1", "Z-2"});
  expect_zone_rows_are_the_sums("after replacing a week of two stations");

  // A station is deleted: its sums leave its zone.
  sql("DELETE FROM stations WHERE id = 'Z-4'");
  expect_zone_rows_are_the_sums("after a deletion");
  expect_fleet_reports_agree("after a deletion");

  // A station moves to another zone: its sums go with it at once. Its rows were made in its
  // old zone's local days until they are rolled up again (as the README says, after a move),
  // so the reports are compared after that.
  const auto moved_from = sql("SELECT time_zone FROM stations WHERE id = 'Z-3'");
  sql("UPDATE stations SET time_zone = 'America/Sao_Paulo' WHERE id = 'Z-3'");
  expect_zone_rows_are_the_sums("after a move from " + moved_from);
  rebuild(at("2026-01-01T00:00:00Z"), at("2026-02-16T00:00:00Z"), {"Z-3"});
  expect_zone_rows_are_the_sums("after a move and a rebuild");
  // And back.
  sql("UPDATE stations SET time_zone = '" + moved_from + "' WHERE id = 'Z-3'");
  rebuild(at("2026-01-01T00:00:00Z"), at("2026-02-16T00:00:00Z"), {"Z-3"});
  expect_zone_rows_are_the_sums("after moving back and a rebuild");
  expect_fleet_reports_agree("after moving back and a rebuild");
  EXPECT_EQ(sql("SELECT count(*) FROM analytics_zone_hourly WHERE time_zone = 'America/Sao_Paulo' AND "
                "(occupied_s, charging_s, down_s, offline_s, energy_wh) <> (0, 0, 0, 0, 0)"),
            "0");
}

TEST_F(AnalyticsZoneTest, AConnectorOnlyASessionNamesCountsForTheStationAndTheFleetInEveryRange) {
  // Z-5 never reported connector 7 of EVSE 7; a session on it names it to the rollups.
  sql("INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, connector_id, id_token, "
      "started_at, stopped_at, meter_start_wh, meter_stop_wh) VALUES ('Z-5', 'ocpp1.6', 'extra-7', 7, 7, "
      "'TAG', "
      "'2026-02-10T10:00:00Z', '2026-02-10T11:00:00Z', 0, 7000)");
  rebuild(at("2026-02-10T00:00:00Z"), at("2026-02-11T00:00:00Z"), {"Z-5"});
  EXPECT_EQ(sql("SELECT count(*) FROM analytics_connectors WHERE station_id = 'Z-5' AND evse_id = 7"), "1");
  const auto reported = sql("SELECT count(*) FROM connectors WHERE station_id = 'Z-5' AND evse_id > 0");
  const auto expected = std::to_string(std::stoi(reported) + 1);
  // In a range with the session and in one long before it: the same connectors.
  for (const char* from : {"2026-02-01T00:00:00Z", "2026-01-02T00:00:00Z"}) {
    const std::string range = std::string("'") + from + "', '" + from + "'::timestamptz + interval '3 days'";
    EXPECT_EQ(sql("SELECT min(connectors) || '/' || max(connectors) FROM csms_report_utilization_stations(" +
                  range + ", 'day', ARRAY['Z-5'])"),
              expected + "/" + expected)
        << from;
    EXPECT_EQ(sql("SELECT count(DISTINCT (evse_id, connector)) FROM csms_report_utilization(" + range +
                  ", 'day', ARRAY['Z-5'])"),
              expected)
        << from;
  }
  expect_zone_rows_are_the_sums("after the extra connector's session");
  // The fleet counts it too, from the zone rows as from the stations' rows.
  const std::string range = "'2026-02-01T00:00:00Z', '2026-02-15T00:00:00Z', 'day', ";
  EXPECT_EQ(
      difference("SELECT * FROM csms_fleet_utilization(" + range + "NULL)",
                 "SELECT * FROM csms_fleet_utilization(" + range + "(SELECT array_agg(id) FROM stations))"),
      "");
  // Each zone's row of a local day counts its stations' connectors.
  EXPECT_EQ(sql("SELECT sum(connectors) FROM csms_fleet_utilization(" + range +
                "NULL) WHERE bucket_start LIKE '2026-02-05T%'"),
            sql("SELECT count(*) FROM csms_station_connectors(NULL)"));
}

TEST_F(AnalyticsZoneTest, AStationMovedWhileARollupRewritesItsRowsMovesTheNewRows_ThenEmptiedAndRebuilt) {
  // A rollup's transaction has rewritten Z-2's hours but not committed when the station is
  // moved to another zone: the move waits for it and moves the rows it wrote, not the ones
  // it replaced.
  pqxx::connection rollup(url_);
  pqxx::work writing(rollup);
  writing.exec(
      "UPDATE analytics_hourly SET occupied_s = occupied_s + 100 WHERE station_id = 'Z-2' AND evse_id > 0 "
      "AND "
      "hour_start >= '2026-01-20' AND hour_start < '2026-01-21'");
  auto moved = std::async(std::launch::async, [&] {
    sql("UPDATE stations SET time_zone = 'Pacific/Auckland' WHERE id = 'Z-2'");
  });
  EXPECT_EQ(moved.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "the move waits for the rollup";
  writing.commit();
  moved.get();
  expect_zone_rows_are_the_sums("after a move that waited for a rollup");

  // Emptied and rebuilt, as an operator might after a bad import.
  sql("TRUNCATE analytics_hourly, analytics_daily, analytics_revenue_daily");
  EXPECT_EQ(sql("SELECT (SELECT count(*) FROM analytics_zone_hourly) + (SELECT count(*) FROM "
                "analytics_zone_daily) + "
                "(SELECT count(*) FROM analytics_zone_revenue_daily)"),
            "0");
  rebuild(at("2026-01-01T00:00:00Z"), at("2026-02-16T00:00:00Z"));
  expect_zone_rows_are_the_sums("after emptying and a rebuild");
  EXPECT_NE(sql("SELECT count(*) FROM analytics_zone_daily"), "0");
}

}  // namespace
}  // namespace csms

// Hourly rollups computed by hand: hour and day boundaries in a non-UTC zone, a DST day,
// overlapping sessions (saturation), maintenance windows, offline time, late data.
#include "csms/analytics/rollup.hpp"
#include "csms/analytics/analytics_service.hpp"

#include <gtest/gtest.h>

#include <map>

namespace csms::analytics {
namespace {

using domain::ConnectorStatus;
using domain::HourRollup;
using domain::RollupInput;

Timestamp at(const char* text) { return *domain::parse_timestamp(text); }

// Rows by (evse, connector, local hour).
std::map<std::tuple<int, int, std::string>, HourRollup> by_key(const std::vector<HourRollup>& rows) {
  std::map<std::tuple<int, int, std::string>, HourRollup> out;
  for (const auto& r : rows) out[{r.evse_id, r.connector_id, r.local_hour}] = r;
  return out;
}

RollupInput berlin_station(const char* from, const char* to) {
  RollupInput in;
  in.station_id = "CS1";
  in.time_zone = "Europe/Berlin";
  in.from = at(from);
  in.to = at(to);
  in.connectors = {{1, 1}, {2, 1}};
  in.online = {{at("2026-01-01T00:00:00Z"), std::nullopt}};
  in.first_connected = at("2026-01-01T00:00:00Z");
  return in;
}

TEST(LocalHours, BerlinWinterHoursStartOnTheUtcHour) {
  auto hours = local_hour_starts(at("2026-01-15T22:00:00Z"), at("2026-01-16T01:00:00Z"), "Europe/Berlin");
  ASSERT_EQ(hours.size(), 3u);
  EXPECT_EQ(local_time_text(hours[0], "Europe/Berlin"), "2026-01-15 23:00:00");
  EXPECT_EQ(local_time_text(hours[1], "Europe/Berlin"), "2026-01-16 00:00:00");
}

TEST(LocalHours, IndiaHalfHourOffsetStartsAtHalfPast) {
  auto hours = local_hour_starts(at("2026-01-15T00:00:00Z"), at("2026-01-15T02:00:00Z"), "Asia/Kolkata");
  ASSERT_EQ(hours.size(), 2u);
  EXPECT_EQ(hours[0], at("2026-01-15T00:30:00Z"));
  EXPECT_EQ(local_time_text(hours[0], "Asia/Kolkata"), "2026-01-15 06:00:00");
  EXPECT_EQ(floor_local_hour(at("2026-01-15T00:10:00Z"), "Asia/Kolkata"), at("2026-01-14T23:30:00Z"));
}

TEST(LocalHours, SpringForwardDayHasTwentyThreeHours) {
  // Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST.
  auto hours = local_hour_starts(at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z"), "Europe/Berlin");
  ASSERT_EQ(hours.size(), 23u);
  EXPECT_EQ(local_time_text(hours[1], "Europe/Berlin"), "2026-03-29 01:00:00");
  EXPECT_EQ(local_time_text(hours[2], "Europe/Berlin"), "2026-03-29 03:00:00");
}

TEST(LocalHours, FallBackDayHasTwentyFiveHours) {
  // Berlin 2026-10-25: 03:00 CEST falls back to 02:00 CET; the 02:00 hour happens twice.
  auto hours = local_hour_starts(at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z"), "Europe/Berlin");
  ASSERT_EQ(hours.size(), 25u);
  EXPECT_EQ(local_time_text(hours[2], "Europe/Berlin"), "2026-10-25 02:00:00");
  EXPECT_EQ(local_time_text(hours[3], "Europe/Berlin"), "2026-10-25 02:00:00");
  EXPECT_EQ(hours[3] - hours[2], std::chrono::hours(1));
}

TEST(Rollup, SessionAcrossHourAndMidnightInBerlin) {
  // 22:40 local (21:40Z) to 00:20 local next day (23:20Z): 100 min, 10,000 Wh evenly.
  auto in = berlin_station("2026-01-15T21:00:00Z", "2026-01-16T00:00:00Z");
  in.statuses = {{1, 1, at("2026-01-15T21:40:00Z"), ConnectorStatus::Charging},
                 {1, 1, at("2026-01-15T23:20:00Z"), ConnectorStatus::Available}};
  in.sessions = {{7,
                  1,
                  1,
                  at("2026-01-15T21:40:00Z"),
                  at("2026-01-15T23:20:00Z"),
                  {{at("2026-01-15T21:40:00Z"), 1000.0}, {at("2026-01-15T23:20:00Z"), 11000.0}},
                  {}}};
  auto rows = by_key(compute_hours(in, at("2026-01-17T00:00:00Z")));

  const auto& h22 = rows.at({1, 1, "2026-01-15 22:00:00"});
  EXPECT_EQ(h22.occupied_s, 20 * 60);
  EXPECT_EQ(h22.charging_s, 20 * 60);
  EXPECT_NEAR(h22.energy_wh, 2000.0, 1e-6);  // 20 of 100 minutes
  EXPECT_EQ(h22.sessions_started, 1);
  const auto& h23 = rows.at({1, 1, "2026-01-15 23:00:00"});
  EXPECT_EQ(h23.occupied_s, 3600);
  EXPECT_NEAR(h23.energy_wh, 6000.0, 1e-6);
  const auto& h00 = rows.at({1, 1, "2026-01-16 00:00:00"});
  EXPECT_EQ(h00.occupied_s, 20 * 60);
  EXPECT_NEAR(h00.energy_wh, 2000.0, 1e-6);
  EXPECT_EQ(h00.sessions_started, 0);
  // Connector 2 idle all the time: no rows; never all busy.
  EXPECT_EQ(rows.count({2, 1, "2026-01-15 23:00:00"}), 0u);
  EXPECT_EQ(rows.count({0, 0, "2026-01-15 23:00:00"}), 0u);
}

TEST(Rollup, EnergyOnTheSpringForwardNightSplitsByRealTime) {
  // 01:30 CET (00:30Z) to 03:30 CEST (01:30Z): one real hour, 3,000 Wh.
  auto in = berlin_station("2026-03-29T00:00:00Z", "2026-03-29T02:00:00Z");
  in.sessions = {{1,
                  1,
                  1,
                  at("2026-03-29T00:30:00Z"),
                  at("2026-03-29T01:30:00Z"),
                  {{at("2026-03-29T00:30:00Z"), 0.0}, {at("2026-03-29T01:30:00Z"), 3000.0}},
                  {}}};
  auto rows = by_key(compute_hours(in, at("2026-04-01T00:00:00Z")));
  EXPECT_NEAR(rows.at({1, 1, "2026-03-29 01:00:00"}).energy_wh, 1500.0, 1e-6);
  EXPECT_NEAR(rows.at({1, 1, "2026-03-29 03:00:00"}).energy_wh, 1500.0, 1e-6);
  EXPECT_EQ(rows.count({1, 1, "2026-03-29 02:00:00"}), 0u);
}

TEST(Rollup, OverlappingSessionsOnTwoConnectorsAreAllBusyOnlyTogether) {
  // Connector 1 occupied 10:00-10:40 local, connector 2 10:30-11:00: both 10:30-10:40.
  auto in = berlin_station("2026-01-15T09:00:00Z", "2026-01-15T10:00:00Z");
  in.statuses = {{1, 1, at("2026-01-15T09:00:00Z"), ConnectorStatus::Preparing},
                 {1, 1, at("2026-01-15T09:40:00Z"), ConnectorStatus::Available},
                 {2, 1, at("2026-01-15T09:30:00Z"), ConnectorStatus::SuspendedEV},
                 {2, 1, at("2026-01-15T10:00:00Z"), ConnectorStatus::Available}};
  auto rows = by_key(compute_hours(in, at("2026-01-16T00:00:00Z")));
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).occupied_s, 40 * 60);
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).charging_s, 0);
  EXPECT_EQ(rows.at({2, 1, "2026-01-15 10:00:00"}).occupied_s, 30 * 60);
  EXPECT_EQ(rows.at({0, 0, "2026-01-15 10:00:00"}).all_busy_s, 10 * 60);
}

TEST(Rollup, OfflineInsideAMaintenanceWindowIsExcusedOutsideItIsNot) {
  // Offline 10:00-10:30 local and 10:45-11:00; maintenance window 09:50-10:30.
  auto in = berlin_station("2026-01-15T09:00:00Z", "2026-01-15T10:00:00Z");
  in.connectors = {{1, 1}};
  in.online = {{at("2026-01-01T00:00:00Z"), at("2026-01-15T09:00:00Z")},
               {at("2026-01-15T09:30:00Z"), at("2026-01-15T09:45:00Z")}};
  in.maintenance = {{std::nullopt, at("2026-01-15T08:50:00Z"), at("2026-01-15T09:30:00Z")}};
  auto rows = by_key(compute_hours(in, at("2026-01-16T00:00:00Z")));
  const auto& c = rows.at({1, 1, "2026-01-15 10:00:00"});
  EXPECT_EQ(c.down_s, 45 * 60);
  EXPECT_EQ(c.excused_down_s, 30 * 60);
  EXPECT_EQ(c.offline_s, 45 * 60);
  EXPECT_EQ(rows.at({0, 0, "2026-01-15 10:00:00"}).offline_s, 45 * 60);
}

TEST(Rollup, FaultedConnectorAndUnavailableStationAreDown) {
  auto in = berlin_station("2026-01-15T09:00:00Z", "2026-01-15T10:00:00Z");
  in.statuses = {{1, 1, at("2026-01-15T09:10:00Z"), ConnectorStatus::Faulted},
                 {0, 0, at("2026-01-15T09:50:00Z"), ConnectorStatus::Unavailable}};
  auto rows = by_key(compute_hours(in, at("2026-01-16T00:00:00Z")));
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).down_s, 50 * 60);
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).occupied_s, 0);
  EXPECT_EQ(rows.at({2, 1, "2026-01-15 10:00:00"}).down_s, 10 * 60);
}

TEST(Rollup, ReservedTimeCountsAsOccupiedNotCharging) {
  // Reserved 10:10-10:40 (a reservation the station took), then free again.
  auto in = berlin_station("2026-01-15T09:00:00Z", "2026-01-15T10:00:00Z");
  in.connectors = {{1, 1}};
  in.statuses = {{1, 1, at("2026-01-15T08:59:00Z"), ConnectorStatus::Available},
                 {1, 1, at("2026-01-15T09:10:00Z"), ConnectorStatus::Reserved},
                 {1, 1, at("2026-01-15T09:40:00Z"), ConnectorStatus::Available}};
  auto rows = by_key(compute_hours(in, at("2026-01-16T00:00:00Z")));
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).occupied_s, 30 * 60);
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).charging_s, 0);
}

TEST(Rollup, TwoZeroOneChargingStateDecidesChargingTime) {
  // Occupied all hour; charging 10:00-10:15, suspended by the EV until 10:45, charging again.
  auto in = berlin_station("2026-01-15T09:00:00Z", "2026-01-15T10:00:00Z");
  in.connectors = {{1, 1}};
  in.statuses = {{1, 1, at("2026-01-15T08:59:00Z"), ConnectorStatus::Occupied}};
  in.sessions = {{3,
                  1,
                  1,
                  at("2026-01-15T08:59:00Z"),
                  std::nullopt,
                  {},
                  {{at("2026-01-15T08:59:00Z"), true},
                   {at("2026-01-15T09:15:00Z"), false},
                   {at("2026-01-15T09:45:00Z"), true}}}};
  auto rows = by_key(compute_hours(in, at("2026-01-16T00:00:00Z")));
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).occupied_s, 3600);
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).charging_s, 30 * 60);
}

TEST(Rollup, BeforeTheFirstConnectionAStationIsNotOffline) {
  // Connected for the first time at 10:30 local; it reports a session from 10:00 it had
  // queued. Before 10:30 it was not in service: occupied, not down.
  auto in = berlin_station("2026-01-15T09:00:00Z", "2026-01-15T10:00:00Z");
  in.connectors = {{1, 1}};
  in.online = {{at("2026-01-15T09:30:00Z"), std::nullopt}};
  in.first_connected = at("2026-01-15T09:30:00Z");
  in.statuses = {{1, 1, at("2026-01-15T09:00:00Z"), ConnectorStatus::Charging}};
  auto rows = by_key(compute_hours(in, at("2026-01-16T00:00:00Z")));
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).occupied_s, 3600);
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).down_s, 0);
  EXPECT_EQ(rows.at({0, 0, "2026-01-15 10:00:00"}).offline_s, 0);
  EXPECT_EQ(rows.at({0, 0, "2026-01-15 10:00:00"}).all_busy_s, 3600);  // its only connector
}

TEST(Rollup, NothingIsCountedAfterNow) {
  auto in = berlin_station("2026-01-15T09:00:00Z", "2026-01-15T10:00:00Z");
  in.connectors = {{1, 1}};
  in.statuses = {{1, 1, at("2026-01-15T09:00:00Z"), ConnectorStatus::Charging}};
  auto rows = by_key(compute_hours(in, at("2026-01-15T09:20:00Z")));
  EXPECT_EQ(rows.at({1, 1, "2026-01-15 10:00:00"}).occupied_s, 20 * 60);
}

TEST(Rollup, RegisterGoingBackwardsAddsNothingForThatStep) {
  auto in = berlin_station("2026-01-15T09:00:00Z", "2026-01-15T10:00:00Z");
  in.connectors = {{1, 1}};
  in.sessions = {{1,
                  1,
                  1,
                  at("2026-01-15T09:00:00Z"),
                  at("2026-01-15T09:40:00Z"),
                  // out of order and with a duplicate: 0 → 500 → (back to 100) → 400
                  {{at("2026-01-15T09:20:00Z"), 500.0},
                   {at("2026-01-15T09:00:00Z"), 0.0},
                   {at("2026-01-15T09:40:00Z"), 400.0},
                   {at("2026-01-15T09:30:00Z"), 100.0},
                   {at("2026-01-15T09:20:00Z"), 500.0}},
                  {}}};
  auto rows = by_key(compute_hours(in, at("2026-01-16T00:00:00Z")));
  EXPECT_NEAR(rows.at({1, 1, "2026-01-15 10:00:00"}).energy_wh, 500.0 + 300.0, 1e-6);
}

TEST(Rollup, LateReadingWidensTheWindowToTheEarlierReading) {
  // A reading at 12:10 local arrives late; the previous one was at 09:50: the interval
  // spreads over four hours, so the caller must recompute from 09:00.
  auto in = berlin_station("2026-01-15T11:00:00Z", "2026-01-15T12:00:00Z");
  in.sessions = {{1,
                  1,
                  1,
                  at("2026-01-15T08:00:00Z"),
                  std::nullopt,
                  {{at("2026-01-15T08:50:00Z"), 0.0}, {at("2026-01-15T11:10:00Z"), 1400.0}},
                  {}}};
  auto [lo, hi] = energy_reach(in);
  EXPECT_EQ(lo, at("2026-01-15T08:50:00Z"));
  EXPECT_EQ(hi, in.to);
  in.from = floor_local_hour(lo, in.time_zone);
  auto rows = by_key(compute_hours(in, at("2026-01-16T00:00:00Z")));
  EXPECT_NEAR(rows.at({1, 1, "2026-01-15 09:00:00"}).energy_wh, 100.0, 1e-6);  // 10 of 140 min
  EXPECT_NEAR(rows.at({1, 1, "2026-01-15 10:00:00"}).energy_wh, 600.0, 1e-6);
  EXPECT_NEAR(rows.at({1, 1, "2026-01-15 11:00:00"}).energy_wh, 600.0, 1e-6);
  EXPECT_NEAR(rows.at({1, 1, "2026-01-15 12:00:00"}).energy_wh, 100.0, 1e-6);
}

}  // namespace
}  // namespace csms::analytics

namespace csms::analytics {
namespace {

TEST(MarkWindow, AChargerClockYearsAheadMarksOnlyUpToAnHourPastNow) {
  const auto now = *domain::parse_timestamp("2026-11-27T10:00:00Z");
  auto [from, to] = mark_window(*domain::parse_timestamp("2036-01-01T00:00:00Z"),
                                *domain::parse_timestamp("2036-01-01T00:00:01Z"), now);
  EXPECT_EQ(from, now + std::chrono::hours(1));
  EXPECT_EQ(to, now + std::chrono::hours(1) + std::chrono::milliseconds(1));
}

TEST(MarkWindow, LateDataOlderThanFortyDaysIsCutThereAndAnEmptySpanGetsAMillisecond) {
  const auto now = *domain::parse_timestamp("2026-11-27T10:00:00Z");
  auto [from, to] = mark_window(*domain::parse_timestamp("2026-01-01T00:00:00Z"), now, now);
  EXPECT_EQ(from, now - std::chrono::days(40));
  EXPECT_EQ(to, now);
  auto [a, b] = mark_window(now, now, now);
  EXPECT_EQ(b - a, std::chrono::milliseconds(1));
}

}  // namespace
}  // namespace csms::analytics

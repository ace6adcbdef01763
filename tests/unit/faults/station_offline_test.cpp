#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

// Defaults: grace_s 120; silent_heartbeats 2.5 x heartbeat 300 s (no profile) = 750 s.

TEST(StationOffline, DisconnectedLongerThanGrace_OpensCriticalOnTick) {
  RuleHarness rule("station_offline");
  rule.on(connected("CS1", 0), 0);
  rule.on(disconnected("CS1", 10), 10);
  // 130 - 10 = 120 s: exactly the grace, not longer.
  EXPECT_EQ(rule.tick(130), Summaries{});
  // 131 - 10 = 121 s > 120 s.
  EXPECT_EQ(rule.tick(131), Summaries{"open CS1 0/0 critical"});
  EXPECT_EQ(rule.details()["reason"], "disconnected");
  EXPECT_EQ(rule.details()["offline_s"], 121);
  EXPECT_EQ(rule.details()["last_seen"], "2024-03-01T12:00:00Z");
}

TEST(StationOffline, StillOffline_IsNotReopenedOnEveryTick) {
  RuleHarness rule("station_offline");
  rule.on(connected("CS1", 0), 0);
  rule.on(disconnected("CS1", 10), 10);
  rule.tick(131);
  EXPECT_EQ(rule.tick(141), Summaries{});
  EXPECT_EQ(rule.tick(600), Summaries{});
}

TEST(StationOffline, Reconnect_Clears) {
  RuleHarness rule("station_offline");
  rule.on(connected("CS1", 0), 0);
  rule.on(disconnected("CS1", 10), 10);
  rule.tick(131);
  EXPECT_EQ(rule.on(connected("CS1", 200), 200), Summaries{"clear CS1 0/0"});
}

TEST(StationOffline, ReconnectWithinGrace_RaisesNothing) {
  RuleHarness rule("station_offline");
  rule.on(connected("CS1", 0), 0);
  rule.on(disconnected("CS1", 10), 10);
  EXPECT_EQ(rule.on(connected("CS1", 100), 100), Summaries{});
  EXPECT_EQ(rule.tick(500), Summaries{});
}

TEST(StationOffline, ConnectedButSilent_OpensAfterTwoAndAHalfHeartbeats) {
  RuleHarness rule("station_offline");
  rule.on(connected("CS1", 0), 0);
  rule.on(heard("CS1", 100), 100);
  // 850 - 100 = 750 s: exactly 2.5 x 300 s.
  EXPECT_EQ(rule.tick(850), Summaries{});
  EXPECT_EQ(rule.tick(851), Summaries{"open CS1 0/0 critical"});
  EXPECT_EQ(rule.details()["reason"], "silent");
  EXPECT_EQ(rule.details()["silent_s"], 751);
  EXPECT_EQ(rule.on(heard("CS1", 900), 900), Summaries{"clear CS1 0/0"});
}

TEST(StationOffline, AnyEventFromTheStation_CountsAsLife) {
  RuleHarness rule("station_offline");
  rule.on(connected("CS1", 0), 0);
  rule.on(meter("CS1", 1, {power(7000, 700)}), 700);
  // Last heard at 700: 1450 - 700 = 750 s, not more.
  EXPECT_EQ(rule.tick(1450), Summaries{});
}

TEST(StationOffline, ProfileHeartbeatInterval_SetsTheSilenceLimit) {
  RuleHarness rule("station_offline");
  rule.engine().set_profile("CS1", StationProfile{std::nullopt, 60});
  rule.on(connected("CS1", 0), 0);
  // 2.5 x 60 s = 150 s.
  EXPECT_EQ(rule.tick(150), Summaries{});
  EXPECT_EQ(rule.tick(151), Summaries{"open CS1 0/0 critical"});
  EXPECT_EQ(rule.details()["limit_s"], 150.0);
}

TEST(StationOffline, EventArrivingAfterTheDisconnect_IsNoSignOfLife) {
  RuleHarness rule("station_offline");
  rule.on(connected("CS1", 0), 0);
  rule.on(disconnected("CS1", 10), 10);
  EXPECT_EQ(rule.on(meter("CS1", 1, {power(7000, 5)}), 20), Summaries{});
  EXPECT_EQ(rule.tick(131), Summaries{"open CS1 0/0 critical"});
}

TEST(StationOffline, PerStationGraceOverride_AppliesToThatStationOnly) {
  RuleHarness rule("station_offline");
  rule.override_for("CS2", {{"grace_s", 600}});
  rule.on(connected("CS1", 0), 0);
  rule.on(connected("CS2", 0), 0);
  rule.on(disconnected("CS1", 0), 0);
  rule.on(disconnected("CS2", 0), 0);
  EXPECT_EQ(rule.tick(121), Summaries{"open CS1 0/0 critical"});
  EXPECT_EQ(rule.tick(600), Summaries{});
  EXPECT_EQ(rule.tick(601), Summaries{"open CS2 0/0 critical"});
}

TEST(StationOffline, Disabled_EmitsNothing) {
  RuleHarness rule("station_offline");
  rule.disable();
  rule.on(connected("CS1", 0), 0);
  rule.on(disconnected("CS1", 10), 10);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(StationOffline, RestoredOfflineStation_GraceCountsFromLastSeen) {
  RuleHarness rule("station_offline");
  rule.engine().restore_station("CS1", false, at(0));
  EXPECT_EQ(rule.tick(120), Summaries{});
  EXPECT_EQ(rule.tick(121), Summaries{"open CS1 0/0 critical"});
}

TEST(StationOffline, RestoredOnlineStation_SilenceCountsFromLastSeen) {
  RuleHarness rule("station_offline");
  rule.engine().restore_station("CS1", true, at(0));
  EXPECT_EQ(rule.tick(750), Summaries{});
  EXPECT_EQ(rule.tick(751), Summaries{"open CS1 0/0 critical"});
}

TEST(StationOffline, RestoredOpen_IsNotOpenedTwiceAndReconnectClears) {
  RuleHarness rule("station_offline");
  rule.restore_open("CS1", 0, 0);
  rule.engine().restore_station("CS1", false, at(0));
  EXPECT_EQ(rule.tick(500), Summaries{});
  EXPECT_EQ(rule.on(connected("CS1", 510), 510), Summaries{"clear CS1 0/0"});
}

TEST(StationOffline, ResolvedByOperator_StaysQuietUntilTheStationGoesOfflineAgain) {
  RuleHarness rule("station_offline");
  rule.on(connected("CS1", 0), 0);
  rule.on(disconnected("CS1", 0), 0);
  rule.tick(121);
  rule.forget("CS1", 0, 0);
  EXPECT_EQ(rule.tick(300), Summaries{});
  // Nothing to clear: the operator already closed it.
  EXPECT_EQ(rule.on(connected("CS1", 400), 400), Summaries{});
  rule.on(disconnected("CS1", 500), 500);
  EXPECT_EQ(rule.tick(621), Summaries{"open CS1 0/0 critical"});
}

}  // namespace
}  // namespace csms::faults::testing

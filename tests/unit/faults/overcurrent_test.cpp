#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

// Defaults: more than 10 % above the limit; clear after 3 consecutive normal readings.

domain::Event offered_and_drawn(double offered_a, double drawn_a, int seconds, std::string station = "CS1") {
  return meter(std::move(station), 1, {current_offered(offered_a, seconds), current(drawn_a, seconds)});
}

domain::Event drawn(double a, int seconds) { return meter("CS1", 1, {current(a, seconds)}); }

TEST(Overcurrent, MoreThanTenPercentAboveTheOffer_OpensCritical) {
  RuleHarness rule("overcurrent");
  // (23 - 20) / 20 = 15 %.
  EXPECT_EQ(rule.on(offered_and_drawn(20, 23, 0), 0), Summaries{"open CS1 1/0 critical"});
  EXPECT_EQ(rule.details()["current_a"], 23.0);
  EXPECT_EQ(rule.details()["limit_a"], 20.0);
  EXPECT_EQ(rule.details()["limit_source"], "current_offered");
  EXPECT_EQ(rule.details()["phase"], "L1");
}

TEST(Overcurrent, ExactlyTenPercentAbove_DoesNotTrigger) {
  RuleHarness rule("overcurrent");
  // (22 - 20) / 20 = 10 % exactly.
  EXPECT_EQ(rule.on(offered_and_drawn(20, 22, 0), 0), Summaries{});
}

TEST(Overcurrent, OfferFromAnEarlierMessage_IsTheLimit) {
  RuleHarness rule("overcurrent");
  rule.on(meter("CS1", 1, {current_offered(20, 0)}), 0);
  EXPECT_EQ(rule.on(drawn(23, 60), 60), Summaries{"open CS1 1/0 critical"});
}

TEST(Overcurrent, LoweredOfferInTheSameReading_IsTheLimitAtThatInstant) {
  RuleHarness rule("overcurrent");
  rule.on(offered_and_drawn(32, 30, 0), 0);
  EXPECT_EQ(rule.on(offered_and_drawn(16, 30, 60), 60), Summaries{"open CS1 1/0 critical"});
}

TEST(Overcurrent, WithoutOffer_RatedPowerOverThreePhasesIsTheLimit) {
  RuleHarness rule("overcurrent");
  // 11040 W / (230 V x 3) = 16 A per phase.
  rule.engine().set_profile("CS1", StationProfile{11040, 300});
  // (17.5 - 16) / 16 = 9.4 %.
  EXPECT_EQ(rule.on(drawn(17.5, 0), 0), Summaries{});
  // (18 - 16) / 16 = 12.5 %.
  EXPECT_EQ(rule.on(drawn(18, 60), 60), Summaries{"open CS1 1/0 critical"});
  EXPECT_EQ(rule.details()["limit_a"], 16.0);
  EXPECT_EQ(rule.details()["limit_source"], "max_power_w");
}

TEST(Overcurrent, NoOfferAndNoRatedPower_RuleIsInactive) {
  RuleHarness rule("overcurrent");
  EXPECT_EQ(rule.on(drawn(100, 0), 0), Summaries{});
}

TEST(Overcurrent, ZeroAmpsOffered_IsNotJudged) {
  RuleHarness rule("overcurrent");
  EXPECT_EQ(rule.on(offered_and_drawn(0, 2, 0), 0), Summaries{});
}

TEST(Overcurrent, ThreeConsecutiveNormalReadings_Clear) {
  RuleHarness rule("overcurrent");
  rule.on(offered_and_drawn(20, 23, 0), 0);
  EXPECT_EQ(rule.on(drawn(20, 60), 60), Summaries{});
  EXPECT_EQ(rule.on(drawn(20, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(drawn(20, 180), 180), Summaries{"clear CS1 1/0"});
}

TEST(Overcurrent, OneNormalReadingBetweenHighOnes_DoesNotClear) {
  RuleHarness rule("overcurrent");
  rule.on(offered_and_drawn(20, 23, 0), 0);
  EXPECT_EQ(rule.on(drawn(20, 60), 60), Summaries{});
  EXPECT_EQ(rule.on(drawn(23, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(drawn(20, 180), 180), Summaries{});
  EXPECT_EQ(rule.on(drawn(20, 240), 240), Summaries{});
  EXPECT_EQ(rule.on(drawn(20, 300), 300), Summaries{"clear CS1 1/0"});
}

TEST(Overcurrent, OnePhaseHigh_OthersNormalDoNotClearIt) {
  RuleHarness rule("overcurrent");
  rule.on(meter("CS1", 1, {current_offered(20, 0), current(23, 0, "L1"), current(20, 0, "L2")}), 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {current(23, 60, "L1"), current(20, 60, "L2")}), 60), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {current(23, 120, "L1"), current(20, 120, "L2")}), 120), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {current(23, 180, "L1"), current(20, 180, "L2")}), 180), Summaries{});
  EXPECT_TRUE(rule.is_open("CS1", 1, 0));
}

TEST(Overcurrent, PerStationToleranceOverride_AppliesToThatStationOnly) {
  RuleHarness rule("overcurrent");
  rule.override_for("CS1", {{"tolerance_percent", 20}});
  EXPECT_EQ(rule.on(offered_and_drawn(20, 23, 0, "CS1"), 0), Summaries{});
  EXPECT_EQ(rule.on(offered_and_drawn(20, 23, 0, "CS2"), 0), Summaries{"open CS2 1/0 critical"});
}

TEST(Overcurrent, Disabled_EmitsNothing) {
  RuleHarness rule("overcurrent");
  rule.disable();
  EXPECT_EQ(rule.on(offered_and_drawn(20, 40, 0), 0), Summaries{});
}

TEST(Overcurrent, RestoredOpen_IsNotOpenedTwiceAndClearsAfterThreeNormalReadings) {
  RuleHarness rule("overcurrent");
  rule.restore_open("CS1", 1, 0);
  EXPECT_EQ(rule.on(offered_and_drawn(20, 23, 0), 0), Summaries{});
  EXPECT_EQ(rule.on(drawn(16, 60), 60), Summaries{});
  EXPECT_EQ(rule.on(drawn(16, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(drawn(16, 180), 180), Summaries{"clear CS1 1/0"});
}

TEST(Overcurrent, ResolvedByOperator_StaysQuietWhileTheCurrentStaysHigh) {
  RuleHarness rule("overcurrent");
  rule.on(offered_and_drawn(20, 23, 0), 0);
  rule.forget("CS1", 1, 0);
  EXPECT_EQ(rule.on(drawn(23, 60), 60), Summaries{});
}

}  // namespace
}  // namespace csms::faults::testing

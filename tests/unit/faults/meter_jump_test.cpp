#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

// CS1 is rated 11 kW; default ratio 1.5, so the limit is 16500 W. Over 60 s a step of
// Δ Wh implies Δ x 3600 / 60 = 60 x Δ W: 275 Wh is exactly the limit.

RuleHarness rated_11kw() {
  RuleHarness rule("meter_jump");
  rule.engine().set_profile("CS1", StationProfile{11000, 300});
  rule.on(started("CS1", 1, 1, 0, 10000.0), 0);
  return rule;
}

TEST(MeterJump, ImpliedPowerAboveOneAndAHalfTimesTheRating_OpensWarning) {
  auto rule = rated_11kw();
  // 300 Wh in 60 s = 18000 W.
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(10300, 60)}, 1), 60), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.details()["implied_power_w"], 18000.0);
  EXPECT_EQ(rule.details()["previous_wh"], 10000.0);
  EXPECT_EQ(rule.details()["current_wh"], 10300.0);
  EXPECT_EQ(rule.details()["interval_s"], 60.0);
}

TEST(MeterJump, ImpliedPowerExactlyAtTheLimit_DoesNotTrigger) {
  auto rule = rated_11kw();
  // 275 Wh in 60 s = 16500 W.
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(10275, 60)}, 1), 60), Summaries{});
}

TEST(MeterJump, KilowattHoursSentAsWattHours_IsCaught) {
  auto rule = rated_11kw();
  rule.on(meter("CS1", 1, {energy(10100, 60)}, 1), 60);
  // 10.2 kWh reported as 10200 -> 10200000 "Wh" after a unit mix-up.
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(10200000, 120)}, 1), 120), Summaries{"open CS1 1/0 warning"});
}

TEST(MeterJump, TwoReadingsOfOneInstant_ImplyNoPower) {
  auto rule = rated_11kw();
  rule.on(meter("CS1", 1, {energy(10100, 60)}, 1), 60);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(10150, 60)}, 1), 60), Summaries{});
}

TEST(MeterJump, StationWithoutRating_RuleIsInactive) {
  RuleHarness rule("meter_jump");
  rule.on(started("CS1", 1, 1, 0, 10000.0), 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(90000, 60)}, 1), 60), Summaries{});
}

TEST(MeterJump, SecondJump_IsARepeat) {
  auto rule = rated_11kw();
  rule.on(meter("CS1", 1, {energy(10300, 60)}, 1), 60);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(10400, 120)}, 1), 120), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(20000, 180)}, 1), 180), Summaries{"open CS1 1/0 warning"});
}

TEST(MeterJump, TransactionEnding_Clears) {
  auto rule = rated_11kw();
  rule.on(meter("CS1", 1, {energy(10300, 60)}, 1), 60);
  EXPECT_EQ(rule.on(ended("CS1", 1, 120, 10400.0), 120), Summaries{"clear CS1 1/0"});
}

TEST(MeterJump, PerStationRatioOverride_AppliesToThatStationOnly) {
  auto rule = rated_11kw();
  // 2.0 x 11000 = 22000 W: 18000 W is within.
  rule.override_for("CS1", {{"ratio", 2.0}});
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(10300, 60)}, 1), 60), Summaries{});
}

TEST(MeterJump, Disabled_EmitsNothing) {
  auto rule = rated_11kw();
  rule.disable();
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(90000, 60)}, 1), 60), Summaries{});
}

TEST(MeterJump, RestoredOpen_ClearsWhenItsTransactionEnds) {
  RuleHarness rule("meter_jump");
  rule.engine().set_profile("CS1", StationProfile{11000, 300});
  rule.restore_open("CS1", 1, 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(2000, 0)}, 9), 0), Summaries{});
  EXPECT_EQ(rule.on(ended("CS1", 9, 60, 2100.0), 60), Summaries{"clear CS1 1/0"});
}

}  // namespace
}  // namespace csms::faults::testing

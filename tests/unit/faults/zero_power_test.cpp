#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

using domain::ChargingState;
using domain::ConnectorStatus;

// Defaults: charging below 100 W for more than 600 s.

RuleHarness charging() {
  RuleHarness rule("zero_power");
  rule.on(connected("CS1", 0), 0);
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  rule.on(status("CS1", 1, 1, ConnectorStatus::Charging), 0);
  return rule;
}

TEST(ZeroPower, ChargingWithNoPowerForLongerThanTheDuration_OpensCritical) {
  auto rule = charging();
  EXPECT_EQ(rule.on(meter("CS1", 1, {power(0, 0)}, 1), 0), Summaries{});
  // Low since 0: 600 s is not longer than the duration.
  EXPECT_EQ(rule.tick(600), Summaries{});
  EXPECT_EQ(rule.tick(601), Summaries{"open CS1 1/0 critical"});
  EXPECT_EQ(rule.details()["power_w"], 0.0);
  EXPECT_EQ(rule.tick(611), Summaries{});
}

TEST(ZeroPower, PowerExactlyAtTheMinimum_DoesNotTrigger) {
  auto rule = charging();
  rule.on(meter("CS1", 1, {power(100, 0)}, 1), 0);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(ZeroPower, SuspendedSession_DoesNotTrigger) {
  auto rule = charging();
  rule.on(status("CS1", 1, 1, ConnectorStatus::SuspendedEVSE), 0);
  rule.on(meter("CS1", 1, {power(0, 0)}, 1), 0);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(ZeroPower, ChargingWithoutAnyPowerSample_HasNoEvidence) {
  auto rule = charging();
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(ZeroPower, PowerReturning_Clears) {
  auto rule = charging();
  rule.on(meter("CS1", 1, {power(0, 0)}, 1), 0);
  rule.tick(601);
  EXPECT_EQ(rule.on(meter("CS1", 1, {power(5000, 700)}, 1), 700), Summaries{"clear CS1 1/0"});
}

TEST(ZeroPower, TransactionEnding_Clears) {
  auto rule = charging();
  rule.on(meter("CS1", 1, {power(0, 0)}, 1), 0);
  rule.tick(601);
  EXPECT_EQ(rule.on(ended("CS1", 1, 700, 1000.0), 700), Summaries{"clear CS1 1/0"});
}

TEST(ZeroPower, PowerFromThePreviousSession_IsForgotten) {
  auto rule = charging();
  rule.on(meter("CS1", 1, {power(0, 0)}, 1), 0);
  rule.on(status("CS1", 1, 1, ConnectorStatus::Finishing), 100);
  rule.on(status("CS1", 1, 1, ConnectorStatus::Charging), 200);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(ZeroPower, Version201ChargingState_IsFollowedThroughTheTransaction) {
  RuleHarness rule("zero_power");
  rule.on(started("CS1", 9, 2, 0, std::nullopt, ChargingState::EVConnected), 0);
  rule.on(meter("CS1", 0, {power(0, 0)}, 9), 0);
  // Not charging yet.
  EXPECT_EQ(rule.tick(1000), Summaries{});
  rule.on(updated("CS1", 9, ChargingState::Charging, 1000), 1000);
  EXPECT_EQ(rule.tick(1600), Summaries{});
  EXPECT_EQ(rule.tick(1601), Summaries{"open CS1 2/0 critical"});
}

TEST(ZeroPower, PerStationMinimumOverride_AppliesToThatStationOnly) {
  auto rule = charging();
  rule.override_for("CS1", {{"min_power_w", 500}});
  rule.on(meter("CS1", 1, {power(300, 0)}, 1), 0);
  EXPECT_EQ(rule.tick(601), Summaries{"open CS1 1/0 critical"});
}

TEST(ZeroPower, Disabled_EmitsNothing) {
  auto rule = charging();
  rule.disable();
  rule.on(meter("CS1", 1, {power(0, 0)}, 1), 0);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(ZeroPower, RestoredOpen_IsNotOpenedTwiceAndClearsWhenPowerReturns) {
  auto rule = charging();
  rule.restore_open("CS1", 1, 0);
  rule.on(meter("CS1", 1, {power(0, 0)}, 1), 0);
  EXPECT_EQ(rule.tick(700), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {power(5000, 710)}, 1), 710), Summaries{"clear CS1 1/0"});
}

TEST(ZeroPower, ResolvedByOperator_StaysQuietUntilPowerReturnsAndDropsAgain) {
  auto rule = charging();
  rule.on(meter("CS1", 1, {power(0, 0)}, 1), 0);
  rule.tick(601);
  rule.forget("CS1", 1, 0);
  EXPECT_EQ(rule.tick(2000), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {power(5000, 2100)}, 1), 2100), Summaries{});
  rule.on(meter("CS1", 1, {power(0, 2200)}, 1), 2200);
  EXPECT_EQ(rule.tick(2801), Summaries{"open CS1 1/0 critical"});
}

}  // namespace
}  // namespace csms::faults::testing

#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

using domain::ChargingState;
using domain::ConnectorStatus;

// Defaults: below 0.5 x reference for more than 300 s; not while SoC >= 80 %.
// CS1 is rated 11 kW, so without Power.Offered the limit is 0.5 x 11000 = 5500 W.

RuleHarness charging_at_11kw() {
  RuleHarness rule("under_delivery");
  rule.engine().set_profile("CS1", StationProfile{11000, 300});
  rule.on(connected("CS1", 0), 0);
  rule.on(status("CS1", 1, 1, ConnectorStatus::Charging), 0);
  return rule;
}

TEST(UnderDelivery, PowerBelowHalfTheRatedPowerForLongerThanTheDuration_OpensWarning) {
  auto rule = charging_at_11kw();
  EXPECT_EQ(rule.on(meter("CS1", 1, {power(3000, 0)}), 0), Summaries{});
  // Low since 0: 300 s is not longer than the duration.
  EXPECT_EQ(rule.tick(300), Summaries{});
  EXPECT_EQ(rule.tick(301), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.details()["power_w"], 3000.0);
  EXPECT_EQ(rule.details()["reference_w"], 11000.0);
  EXPECT_EQ(rule.details()["reference"], "max_power_w");
  EXPECT_EQ(rule.tick(311), Summaries{});
}

TEST(UnderDelivery, PowerExactlyAtTheRatio_DoesNotTrigger) {
  auto rule = charging_at_11kw();
  rule.on(meter("CS1", 1, {power(5500, 0)}), 0);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(UnderDelivery, PowerOffered_IsTheReferenceWhenSent) {
  auto rule = charging_at_11kw();
  // The EVSE offers 4000 W: 3000 W is above 0.5 x 4000 = 2000 W.
  rule.on(meter("CS1", 1, {power_offered(4000, 0), power(3000, 0)}), 0);
  EXPECT_EQ(rule.tick(1000), Summaries{});
  // Offered 8000 W: 3000 W < 4000 W, low from 1000 on.
  rule.on(meter("CS1", 1, {power_offered(8000, 1000), power(3000, 1000)}), 1000);
  EXPECT_EQ(rule.tick(1301), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.details()["reference"], "power_offered");
  EXPECT_EQ(rule.details()["reference_w"], 8000.0);
}

TEST(UnderDelivery, PowerPerPhase_IsAddedUp) {
  auto rule = charging_at_11kw();
  // 3 x 2000 W = 6000 W > 5500 W.
  rule.on(meter("CS1", 1,
                {sample("Power.Active.Import", 2000, "W", 0, "L1"),
                 sample("Power.Active.Import", 2000, "W", 0, "L2"),
                 sample("Power.Active.Import", 2000, "W", 0, "L3")}),
          0);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(UnderDelivery, SocAtEightyPercent_DoesNotTrigger) {
  auto rule = charging_at_11kw();
  rule.on(meter("CS1", 1, {power(3000, 0), soc(80, 0)}), 0);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(UnderDelivery, SocBelowEightyPercent_StillTriggers) {
  auto rule = charging_at_11kw();
  rule.on(meter("CS1", 1, {power(3000, 0), soc(79, 0)}), 0);
  EXPECT_EQ(rule.tick(301), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.details()["soc_percent"], 79.0);
}

TEST(UnderDelivery, SocReachingEightyPercent_Clears) {
  auto rule = charging_at_11kw();
  rule.on(meter("CS1", 1, {power(3000, 0), soc(70, 0)}), 0);
  rule.tick(301);
  EXPECT_EQ(rule.on(meter("CS1", 1, {power(3000, 400), soc(80, 400)}), 400), Summaries{"clear CS1 1/0"});
}

TEST(UnderDelivery, SuspendedEv_DoesNotTrigger) {
  RuleHarness rule("under_delivery");
  rule.engine().set_profile("CS1", StationProfile{11000, 300});
  rule.on(status("CS1", 1, 1, ConnectorStatus::SuspendedEV), 0);
  rule.on(meter("CS1", 1, {power(0, 0)}), 0);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(UnderDelivery, PowerBackAboveTheRatio_Clears) {
  auto rule = charging_at_11kw();
  rule.on(meter("CS1", 1, {power(3000, 0)}), 0);
  rule.tick(301);
  EXPECT_EQ(rule.on(meter("CS1", 1, {power(6000, 400)}), 400), Summaries{"clear CS1 1/0"});
}

TEST(UnderDelivery, ChargingStopping_Clears) {
  auto rule = charging_at_11kw();
  rule.on(meter("CS1", 1, {power(3000, 0)}), 0);
  rule.tick(301);
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Finishing), 400), Summaries{"clear CS1 1/0"});
}

TEST(UnderDelivery, BriefRecovery_RestartsTheDuration) {
  auto rule = charging_at_11kw();
  rule.on(meter("CS1", 1, {power(3000, 0)}), 0);
  rule.on(meter("CS1", 1, {power(6000, 200)}), 200);
  rule.on(meter("CS1", 1, {power(3000, 250)}), 250);
  // Low again since 250: 550 - 250 = 300 s, not longer.
  EXPECT_EQ(rule.tick(550), Summaries{});
  EXPECT_EQ(rule.tick(551), Summaries{"open CS1 1/0 warning"});
}

TEST(UnderDelivery, Version201ChargingState_IsFollowedThroughTheTransaction) {
  RuleHarness rule("under_delivery");
  rule.engine().set_profile("CS1", StationProfile{11000, 300});
  rule.on(started("CS1", 5, 1, 0, 0.0, ChargingState::Charging), 0);
  // Later events of a 2.0.1 transaction name no EVSE.
  rule.on(meter("CS1", 0, {power(3000, 0)}, 5), 0);
  EXPECT_EQ(rule.tick(301), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.on(updated("CS1", 5, ChargingState::SuspendedEV, 400), 400), Summaries{"clear CS1 1/0"});
}

TEST(UnderDelivery, NoPowerOfferedAndNoRatedPower_RuleIsInactive) {
  RuleHarness rule("under_delivery");
  rule.on(status("CS1", 1, 1, ConnectorStatus::Charging), 0);
  rule.on(meter("CS1", 1, {power(100, 0)}), 0);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(UnderDelivery, DisconnectedStation_RestartsTheDurationOnReconnect) {
  auto rule = charging_at_11kw();
  rule.on(meter("CS1", 1, {power(3000, 0)}), 0);
  rule.on(disconnected("CS1", 100), 100);
  EXPECT_EQ(rule.tick(400), Summaries{});
  rule.on(connected("CS1", 500), 500);
  // Low again from the first check after the reconnect (500): 800 - 500 = 300 s.
  EXPECT_EQ(rule.tick(500), Summaries{});
  EXPECT_EQ(rule.tick(800), Summaries{});
  EXPECT_EQ(rule.tick(801), Summaries{"open CS1 1/0 warning"});
}

TEST(UnderDelivery, PerStationDurationOverride_AppliesToThatStationOnly) {
  auto rule = charging_at_11kw();
  rule.override_for("CS1", {{"duration_s", 60}});
  rule.on(meter("CS1", 1, {power(3000, 0)}), 0);
  EXPECT_EQ(rule.tick(61), Summaries{"open CS1 1/0 warning"});
}

TEST(UnderDelivery, Disabled_EmitsNothing) {
  auto rule = charging_at_11kw();
  rule.disable();
  rule.on(meter("CS1", 1, {power(3000, 0)}), 0);
  EXPECT_EQ(rule.tick(1000), Summaries{});
}

TEST(UnderDelivery, RestoredOpen_IsNotOpenedTwiceAndClearsWhenPowerRecovers) {
  auto rule = charging_at_11kw();
  rule.restore_open("CS1", 1, 0);
  rule.on(meter("CS1", 1, {power(3000, 0)}), 0);
  EXPECT_EQ(rule.tick(400), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {power(6000, 410)}), 410), Summaries{"clear CS1 1/0"});
}

TEST(UnderDelivery, ResolvedByOperator_StaysQuietWhileThePowerStaysLow) {
  auto rule = charging_at_11kw();
  rule.on(meter("CS1", 1, {power(3000, 0)}), 0);
  rule.tick(301);
  rule.forget("CS1", 1, 0);
  EXPECT_EQ(rule.tick(311), Summaries{});
  EXPECT_EQ(rule.tick(2000), Summaries{});
}

}  // namespace
}  // namespace csms::faults::testing

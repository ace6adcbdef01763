#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

using domain::ChargingState;

TEST(MeterRegression, RegisterGoingBackwardsInATransaction_OpensWarning) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(1500, 60)}, 1), 60), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(1400, 120)}, 1), 120), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.details()["previous_wh"], 1500.0);
  EXPECT_EQ(rule.details()["current_wh"], 1400.0);
  EXPECT_EQ(rule.details()["transaction_id"], 1);
}

TEST(MeterRegression, FirstReadingBelowMeterStart_OpensWarning) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(900, 60)}, 1), 60), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.details()["previous_wh"], 1000.0);
}

TEST(MeterRegression, UnchangedRegister_IsFine) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(1000, 60)}, 1), 60), Summaries{});
}

TEST(MeterRegression, UnparseableReading_IsIgnored) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  // An unparseable value reads as 0 Wh: it must not look like a fall from 1000 Wh.
  EXPECT_EQ(rule.on(meter("CS1", 1, {unparseable(energy(0, 60))}, 1), 60), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(1100, 120)}, 1), 120), Summaries{});
}

TEST(MeterRegression, InletAndOutletRegisters_AreNotCompared) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0), 0);
  rule.on(meter("CS1", 1, {energy(1500, 60, "Outlet")}, 1), 60);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(1450, 120, "Inlet")}, 1), 120), Summaries{});
}

TEST(MeterRegression, PhaseRegisters_AreNotTheTotal) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0, 3000.0), 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {sample("Energy.Active.Import.Register", 1000, "Wh", 60, "L1")}, 1), 60),
            Summaries{});
}

TEST(MeterRegression, NextTransactionStartingLower_IsNotComparedWithThePrevious) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  rule.on(meter("CS1", 1, {energy(5000, 60)}, 1), 60);
  rule.on(ended("CS1", 1, 120, 5000.0), 120);
  rule.on(started("CS1", 2, 1, 200, 100.0), 200);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(200, 260)}, 2), 260), Summaries{});
}

TEST(MeterRegression, ValuesOutsideATransaction_AreNotJudged) {
  RuleHarness rule("meter_regression");
  rule.on(meter("CS1", 1, {energy(5000, 0)}), 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(4000, 60)}), 60), Summaries{});
}

TEST(MeterRegression, LateReadingOlderThanTheLast_IsNotReadAsGoingBackwards) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  rule.on(meter("CS1", 1, {energy(1500, 120)}, 1), 120);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(1200, 60)}, 1), 130), Summaries{});
}

TEST(MeterRegression, SecondFallInTheTransaction_IsARepeat) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  rule.on(meter("CS1", 1, {energy(1500, 60)}, 1), 60);
  rule.on(meter("CS1", 1, {energy(1400, 120)}, 1), 120);
  // Compared with the last reading (1400): rising again is fine, falling again is new.
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(1450, 180)}, 1), 180), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(1300, 240)}, 1), 240), Summaries{"open CS1 1/0 warning"});
}

TEST(MeterRegression, TransactionEnding_Clears) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  rule.on(meter("CS1", 1, {energy(900, 60)}, 1), 60);
  EXPECT_EQ(rule.on(ended("CS1", 1, 120, 950.0), 120), Summaries{"clear CS1 1/0"});
}

TEST(MeterRegression, NextTransactionOnTheEvse_ClearsWhenTheEndWasMissed) {
  RuleHarness rule("meter_regression");
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  rule.on(meter("CS1", 1, {energy(900, 60)}, 1), 60);
  EXPECT_EQ(rule.on(started("CS1", 2, 1, 600, 950.0), 600), Summaries{"clear CS1 1/0"});
}

TEST(MeterRegression, Version201ValuesBeforeTheStartedEvent_StayWithTheirTransaction) {
  // 2.0.1 publishes a Started event's meter values before the event; later values name no EVSE.
  RuleHarness rule("meter_regression");
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(1000, 0)}, 4), 0), Summaries{});
  EXPECT_EQ(rule.on(started("CS1", 4, 1, 0, 1000.0, ChargingState::Charging), 0), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 0, {energy(800, 60)}, 4), 60), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.on(ended("CS1", 4, 120), 120), Summaries{"clear CS1 1/0"});
}

TEST(MeterRegression, Disabled_EmitsNothing) {
  RuleHarness rule("meter_regression");
  rule.disable();
  rule.on(started("CS1", 1, 1, 0, 1000.0), 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(900, 60)}, 1), 60), Summaries{});
}

TEST(MeterRegression, RestoredOpen_ClearsWhenItsTransactionEnds) {
  RuleHarness rule("meter_regression");
  rule.restore_open("CS1", 1, 0);
  // The transaction began before the restart: its next values tell its EVSE.
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(2000, 0)}, 9), 0), Summaries{});
  EXPECT_EQ(rule.on(ended("CS1", 9, 60, 2100.0), 60), Summaries{"clear CS1 1/0"});
}

}  // namespace
}  // namespace csms::faults::testing

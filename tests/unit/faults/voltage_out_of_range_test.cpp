#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

// Defaults: nominal 230 V phase / 400 V line, warning beyond ±10 %, critical beyond ±20 %,
// clear after 3 consecutive normal samples, readings below 50 V are "no voltage".

domain::Event volts(double v, int seconds, std::string phase = "L1-N", std::string station = "CS1") {
  return meter(std::move(station), 1, {voltage(v, seconds, std::move(phase))});
}

TEST(VoltageOutOfRange, PhaseVoltageMoreThanTenPercentLow_OpensWarning) {
  RuleHarness rule("voltage_out_of_range");
  // (200 - 230) / 230 = -13.0 %.
  EXPECT_EQ(rule.on(volts(200, 0), 0), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.details()["voltage_v"], 200.0);
  EXPECT_EQ(rule.details()["nominal_v"], 230.0);
  EXPECT_EQ(rule.details()["phase"], "L1-N");
  EXPECT_NEAR(rule.details()["deviation_percent"].get<double>(), -13.04, 0.01);
}

TEST(VoltageOutOfRange, MoreThanTwentyPercentOff_OpensCritical) {
  RuleHarness rule("voltage_out_of_range");
  // (280 - 230) / 230 = +21.7 %.
  EXPECT_EQ(rule.on(volts(280, 0), 0), Summaries{"open CS1 1/0 critical"});
}

TEST(VoltageOutOfRange, ExactlyTenPercentOff_DoesNotTrigger) {
  RuleHarness rule("voltage_out_of_range");
  // 253 V = 230 + 23 (+10 %); 207 V = 230 - 23 (-10 %).
  EXPECT_EQ(rule.on(volts(253, 0), 0), Summaries{});
  EXPECT_EQ(rule.on(volts(207, 60), 60), Summaries{});
}

TEST(VoltageOutOfRange, WarningThenCritical_ReopensAsCriticalOnceAndNeverDowngrades) {
  RuleHarness rule("voltage_out_of_range");
  EXPECT_EQ(rule.on(volts(200, 0), 0), Summaries{"open CS1 1/0 warning"});
  // 180 V: -21.7 %.
  EXPECT_EQ(rule.on(volts(180, 60), 60), Summaries{"open CS1 1/0 critical"});
  EXPECT_EQ(rule.on(volts(180, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(volts(200, 180), 180), Summaries{});
}

TEST(VoltageOutOfRange, LineVoltage_IsJudgedAgainstTheLineNominal) {
  RuleHarness rule("voltage_out_of_range");
  // 380 V on 400 V: -5 %.
  EXPECT_EQ(rule.on(volts(380, 0, "L1-L2"), 0), Summaries{});
  // 355 V on 400 V: -11.25 %.
  EXPECT_EQ(rule.on(volts(355, 60, "L2-L3"), 60), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.details()["nominal_v"], 400.0);
}

TEST(VoltageOutOfRange, PhaseWithoutNeutralSuffix_IsAPhaseVoltage) {
  RuleHarness rule("voltage_out_of_range");
  EXPECT_EQ(rule.on(volts(231, 0, "L3"), 0), Summaries{});
  EXPECT_EQ(rule.on(volts(200, 60, "L3"), 60), Summaries{"open CS1 1/0 warning"});
}

TEST(VoltageOutOfRange, SampleWithoutPhase_IsAnAcPhaseVoltageByDefault) {
  RuleHarness rule("voltage_out_of_range");
  // A DC output of 400 V read against 230 V: +73.9 %.
  EXPECT_EQ(rule.on(volts(400, 0, ""), 0), Summaries{"open CS1 1/0 critical"});
}

TEST(VoltageOutOfRange, SampleWithoutPhase_UsesTheStationsDcNominalWhenSet) {
  RuleHarness rule("voltage_out_of_range");
  rule.override_for("CS1", {{"nominal_dc_v", 400}});
  EXPECT_EQ(rule.on(volts(400, 0, ""), 0), Summaries{});
  // 350 V on 400 V: -12.5 %.
  EXPECT_EQ(rule.on(volts(350, 60, ""), 60), Summaries{"open CS1 1/0 warning"});
}

TEST(VoltageOutOfRange, ThreeConsecutiveNormalSamples_Clear) {
  RuleHarness rule("voltage_out_of_range");
  rule.on(volts(200, 0), 0);
  EXPECT_EQ(rule.on(volts(230, 60), 60), Summaries{});
  EXPECT_EQ(rule.on(volts(230, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(volts(230, 180), 180), Summaries{"clear CS1 1/0"});
}

TEST(VoltageOutOfRange, OneNoisySampleInsideTheBand_DoesNotClear) {
  RuleHarness rule("voltage_out_of_range");
  rule.on(volts(200, 0), 0);
  EXPECT_EQ(rule.on(volts(230, 60), 60), Summaries{});
  // Low again while open: neither a repeat nor a clear; the count starts over.
  EXPECT_EQ(rule.on(volts(200, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(volts(230, 180), 180), Summaries{});
  EXPECT_EQ(rule.on(volts(230, 240), 240), Summaries{});
  EXPECT_EQ(rule.on(volts(230, 300), 300), Summaries{"clear CS1 1/0"});
}

TEST(VoltageOutOfRange, ValueHoveringAtTheLimit_OpensOnceAndDoesNotFlap) {
  RuleHarness rule("voltage_out_of_range");
  // 253.5 V = +10.2 % (out); 253 V = +10 % exactly (in).
  EXPECT_EQ(rule.on(volts(253.5, 0), 0), Summaries{"open CS1 1/0 warning"});
  for (int i = 1; i <= 6; ++i)
    EXPECT_EQ(rule.on(volts(i % 2 == 1 ? 253 : 253.5, 60 * i), 60 * i), Summaries{});
}

TEST(VoltageOutOfRange, OtherPhasesNormal_DoNotClearABadPhase) {
  RuleHarness rule("voltage_out_of_range");
  auto reading = [](double l1, int t) {
    return meter("CS1", 1, {voltage(l1, t, "L1-N"), voltage(230, t, "L2-N"), voltage(230, t, "L3-N")});
  };
  EXPECT_EQ(rule.on(reading(200, 0), 0), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.on(reading(200, 60), 60), Summaries{});
  EXPECT_EQ(rule.on(reading(200, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(reading(200, 180), 180), Summaries{});
  EXPECT_EQ(rule.on(reading(230, 240), 240), Summaries{});
  EXPECT_EQ(rule.on(reading(230, 300), 300), Summaries{});
  EXPECT_EQ(rule.on(reading(230, 360), 360), Summaries{"clear CS1 1/0"});
}

TEST(VoltageOutOfRange, NoVoltageOnAPhase_IsNotOutOfRange) {
  // An unused phase or an open contactor reads 0 V.
  RuleHarness rule("voltage_out_of_range");
  EXPECT_EQ(rule.on(volts(0, 0, "L2-N"), 0), Summaries{});
}

TEST(VoltageOutOfRange, UnparseableSample_IsIgnored) {
  RuleHarness rule("voltage_out_of_range");
  EXPECT_EQ(rule.on(meter("CS1", 1, {unparseable(voltage(120, 0))}), 0), Summaries{});
}

TEST(VoltageOutOfRange, TransactionValuesWithoutEvse_BelongToTheTransactionsEvse) {
  // 2.0.1 names the EVSE only in a transaction's first event.
  RuleHarness rule("voltage_out_of_range");
  rule.on(started("CS1", 7, 2, 0), 0);
  EXPECT_EQ(rule.on(meter("CS1", 0, {voltage(200, 60)}, 7), 60), Summaries{"open CS1 2/0 warning"});
}

TEST(VoltageOutOfRange, PerStationWarningOverride_AppliesToThatStationOnly) {
  RuleHarness rule("voltage_out_of_range");
  rule.override_for("CS2", {{"warning_percent", 5}});
  // 215 V: -6.5 %.
  EXPECT_EQ(rule.on(volts(215, 0, "L1-N", "CS1"), 0), Summaries{});
  EXPECT_EQ(rule.on(volts(215, 0, "L1-N", "CS2"), 0), Summaries{"open CS2 1/0 warning"});
}

TEST(VoltageOutOfRange, Disabled_EmitsNothing) {
  RuleHarness rule("voltage_out_of_range");
  rule.disable();
  EXPECT_EQ(rule.on(volts(150, 0), 0), Summaries{});
}

TEST(VoltageOutOfRange, RestoredOpen_IsNotOpenedTwiceAndClearsAfterThreeNormalSamples) {
  RuleHarness rule("voltage_out_of_range");
  rule.restore_open("CS1", 1, 0);
  EXPECT_EQ(rule.on(volts(200, 0), 0), Summaries{});
  EXPECT_EQ(rule.on(volts(230, 60), 60), Summaries{});
  EXPECT_EQ(rule.on(volts(230, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(volts(230, 180), 180), Summaries{"clear CS1 1/0"});
}

TEST(VoltageOutOfRange, RestoredOpen_CriticalSampleEscalates) {
  // The restored alert's severity is unknown: it counts as the configured one (warning).
  RuleHarness rule("voltage_out_of_range");
  rule.restore_open("CS1", 1, 0);
  EXPECT_EQ(rule.on(volts(180, 0), 0), Summaries{"open CS1 1/0 critical"});
}

TEST(VoltageOutOfRange, ResolvedByOperator_StaysQuietUnlessItEscalates) {
  RuleHarness rule("voltage_out_of_range");
  rule.on(volts(200, 0), 0);
  rule.forget("CS1", 1, 0);
  EXPECT_EQ(rule.on(volts(200, 60), 60), Summaries{});
  EXPECT_EQ(rule.on(volts(180, 120), 120), Summaries{"open CS1 1/0 critical"});
}

}  // namespace
}  // namespace csms::faults::testing

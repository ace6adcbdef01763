#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

// Defaults: hot above 80 °C, cool again below 80 - 5 = 75 °C.

domain::Event celsius(double c, int seconds, std::string station = "CS1") {
  return meter(std::move(station), 1, {temperature(c, seconds)});
}

TEST(OverTemperature, AboveTheLimit_OpensCritical) {
  RuleHarness rule("over_temperature");
  EXPECT_EQ(rule.on(celsius(81, 0), 0), Summaries{"open CS1 1/0 critical"});
  EXPECT_EQ(rule.details()["temperature_c"], 81.0);
  EXPECT_EQ(rule.details()["max_c"], 80.0);
  EXPECT_EQ(rule.details()["location"], "Body");
}

TEST(OverTemperature, ExactlyAtTheLimit_DoesNotTrigger) {
  RuleHarness rule("over_temperature");
  EXPECT_EQ(rule.on(celsius(80, 0), 0), Summaries{});
}

TEST(OverTemperature, StillHot_IsNotARepeat) {
  RuleHarness rule("over_temperature");
  rule.on(celsius(81, 0), 0);
  EXPECT_EQ(rule.on(celsius(90, 60), 60), Summaries{});
}

TEST(OverTemperature, InsideTheHysteresisBand_StaysOpenAndBelowItClears) {
  RuleHarness rule("over_temperature");
  rule.on(celsius(81, 0), 0);
  EXPECT_EQ(rule.on(celsius(78, 60), 60), Summaries{});
  // 75 °C is not below 75 °C.
  EXPECT_EQ(rule.on(celsius(75, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(celsius(74.5, 180), 180), Summaries{"clear CS1 1/0"});
}

TEST(OverTemperature, ValueHoveringAtTheLimit_OpensOnceAndDoesNotFlap) {
  RuleHarness rule("over_temperature");
  EXPECT_EQ(rule.on(celsius(80.5, 0), 0), Summaries{"open CS1 1/0 critical"});
  EXPECT_EQ(rule.on(celsius(79.5, 60), 60), Summaries{});
  EXPECT_EQ(rule.on(celsius(80.5, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(celsius(79.5, 180), 180), Summaries{});
}

TEST(OverTemperature, OneSensorCoolingDown_DoesNotClearAnotherHotOne) {
  RuleHarness rule("over_temperature");
  EXPECT_EQ(rule.on(meter("CS1", 1, {temperature(85, 0, "Body"), temperature(60, 0, "Cable")}), 0),
            Summaries{"open CS1 1/0 critical"});
  EXPECT_EQ(rule.on(meter("CS1", 1, {temperature(70, 60, "Body"), temperature(82, 60, "Cable")}), 60),
            Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {temperature(70, 120, "Body"), temperature(70, 120, "Cable")}), 120),
            Summaries{"clear CS1 1/0"});
}

TEST(OverTemperature, ValuesWithoutTemperature_ChangeNothing) {
  RuleHarness rule("over_temperature");
  rule.on(celsius(81, 0), 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {power(7000, 60)}), 60), Summaries{});
}

TEST(OverTemperature, PerStationLimitOverride_AppliesToThatStationOnly) {
  RuleHarness rule("over_temperature");
  rule.override_for("CS2", {{"max_c", 60}});
  EXPECT_EQ(rule.on(celsius(65, 0, "CS1"), 0), Summaries{});
  EXPECT_EQ(rule.on(celsius(65, 0, "CS2"), 0), Summaries{"open CS2 1/0 critical"});
  // CS2 cools below 60 - 5 = 55 °C.
  EXPECT_EQ(rule.on(celsius(56, 60, "CS2"), 60), Summaries{});
  EXPECT_EQ(rule.on(celsius(54, 120, "CS2"), 120), Summaries{"clear CS2 1/0"});
}

TEST(OverTemperature, Disabled_EmitsNothing) {
  RuleHarness rule("over_temperature");
  rule.disable();
  EXPECT_EQ(rule.on(celsius(95, 0), 0), Summaries{});
}

TEST(OverTemperature, RestoredOpen_IsNotOpenedTwice) {
  RuleHarness rule("over_temperature");
  rule.restore_open("CS1", 1, 0);
  EXPECT_EQ(rule.on(celsius(85, 0), 0), Summaries{});
}

TEST(OverTemperature, RestoredOpen_StaysOpenInTheBandAndClearsBelowIt) {
  RuleHarness rule("over_temperature");
  rule.restore_open("CS1", 1, 0);
  EXPECT_EQ(rule.on(celsius(78, 0), 0), Summaries{});
  EXPECT_EQ(rule.on(celsius(74, 60), 60), Summaries{"clear CS1 1/0"});
}

TEST(OverTemperature, ResolvedByOperator_StaysQuietUntilItHasCooledDown) {
  RuleHarness rule("over_temperature");
  rule.on(celsius(85, 0), 0);
  rule.forget("CS1", 1, 0);
  EXPECT_EQ(rule.on(celsius(86, 60), 60), Summaries{});
  EXPECT_EQ(rule.on(celsius(70, 120), 120), Summaries{});
  EXPECT_EQ(rule.on(celsius(85, 180), 180), Summaries{"open CS1 1/0 critical"});
}

}  // namespace
}  // namespace csms::faults::testing

#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

domain::ReportedProblem cleared(domain::ReportedProblem p) {
  p.cleared = true;
  return p;
}

TEST(ChargerReported, Problem_OpensWithTheChargersSeverityAndDetails) {
  RuleHarness rule("charger_reported");
  auto p = problem("Connector", "Problem", "critical", 1, 1);
  p.code = "E17";
  p.info = "lock motor";
  EXPECT_EQ(rule.on(reported("CS1", {p}), 0), Summaries{"open CS1 1/1 critical"});
  EXPECT_EQ(rule.details()["component"], "Connector");
  EXPECT_EQ(rule.details()["variable"], "Problem");
  EXPECT_EQ(rule.details()["code"], "E17");
  EXPECT_EQ(rule.details()["info"], "lock motor");
}

TEST(ChargerReported, InfoSeverity_OpensAsInfo) {
  RuleHarness rule("charger_reported");
  EXPECT_EQ(rule.on(reported("CS1", {problem("Firmware", "Update", "info")}), 0),
            Summaries{"open CS1 0/0 info"});
}

TEST(ChargerReported, UnknownSeverity_UsesTheConfiguredOne) {
  RuleHarness rule("charger_reported");
  EXPECT_EQ(rule.on(reported("CS1", {problem("Firmware", "Update", "urgent")}), 0),
            Summaries{"open CS1 0/0 warning"});
}

TEST(ChargerReported, SameProblemReportedAgain_IsNotARepeat) {
  RuleHarness rule("charger_reported");
  rule.on(reported("CS1", {problem("Connector", "Problem", "critical", 1, 1)}), 0);
  EXPECT_EQ(rule.on(reported("CS1", {problem("Connector", "Problem", "critical", 1, 1)}), 60), Summaries{});
}

TEST(ChargerReported, ClearedProblem_Clears) {
  RuleHarness rule("charger_reported");
  auto p = problem("Connector", "Problem", "critical", 1, 1);
  rule.on(reported("CS1", {p}), 0);
  EXPECT_EQ(rule.on(reported("CS1", {cleared(p)}), 60), Summaries{"clear CS1 1/1"});
}

TEST(ChargerReported, TwoProblemsOnOneKey_ClearOnlyWhenBothAreCleared) {
  RuleHarness rule("charger_reported");
  auto lock = problem("ConnectorLock", "Problem", "warning", 1, 1);
  auto relay = problem("PowerContactor", "Tripped", "critical", 1, 1);
  EXPECT_EQ(rule.on(reported("CS1", {lock}), 0), Summaries{"open CS1 1/1 warning"});
  // Another problem on the same key is new: a repeat with its own severity.
  EXPECT_EQ(rule.on(reported("CS1", {relay}), 10), Summaries{"open CS1 1/1 critical"});
  EXPECT_EQ(rule.on(reported("CS1", {cleared(lock)}), 20), Summaries{});
  EXPECT_EQ(rule.on(reported("CS1", {cleared(relay)}), 30), Summaries{"clear CS1 1/1"});
}

TEST(ChargerReported, ProblemsOnDifferentEvses_AreSeparateAlerts) {
  RuleHarness rule("charger_reported");
  EXPECT_EQ(rule.on(reported("CS1", {problem("Connector", "Problem", "critical", 1, 1),
                                     problem("Connector", "Problem", "critical", 2, 1)}),
                    0),
            (Summaries{"open CS1 1/1 critical", "open CS1 2/1 critical"}));
  EXPECT_EQ(rule.on(reported("CS1", {cleared(problem("Connector", "Problem", "critical", 1, 1))}), 10),
            Summaries{"clear CS1 1/1"});
}

TEST(ChargerReported, ClearedProblemNeverReported_EmitsNothing) {
  RuleHarness rule("charger_reported");
  EXPECT_EQ(rule.on(reported("CS1", {cleared(problem("Firmware", "Update", "warning"))}), 0), Summaries{});
}

TEST(ChargerReported, ReportWithoutProblems_EmitsNothing) {
  RuleHarness rule("charger_reported");
  EXPECT_EQ(rule.on(reported("CS1", {}), 0), Summaries{});
}

TEST(ChargerReported, Disabled_EmitsNothing) {
  RuleHarness rule("charger_reported");
  rule.disable();
  EXPECT_EQ(rule.on(reported("CS1", {problem("Security", "TamperDetectionActivated", "critical")}), 0),
            Summaries{});
}

TEST(ChargerReported, RestoredOpen_IsNotOpenedTwiceAndTheAllClearClears) {
  RuleHarness rule("charger_reported");
  rule.restore_open("CS1", 1, 1);
  auto p = problem("Connector", "Problem", "critical", 1, 1);
  EXPECT_EQ(rule.on(reported("CS1", {p}), 0), Summaries{});
  EXPECT_EQ(rule.on(reported("CS1", {cleared(p)}), 60), Summaries{"clear CS1 1/1"});
}

}  // namespace
}  // namespace csms::faults::testing

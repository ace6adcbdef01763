#include <gtest/gtest.h>

#include <cstdint>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

// Defaults: 3 consecutive sessions shorter than 120 s with less than 100 Wh.

// A session on CS1 EVSE 1 connector 1 from `begin` lasting `duration_s` delivering `energy_wh`;
// returns the decisions of its end.
Summaries session(RuleHarness& rule, std::int64_t id, int begin, int duration_s, double energy_wh,
                  int evse_id = 1) {
  rule.on(started("CS1", id, evse_id, begin, 5000.0), begin);
  return rule.on(ended("CS1", id, begin + duration_s, 5000.0 + energy_wh), begin + duration_s);
}

TEST(FailedStarts, ThreeShortEmptySessions_OpenWarningOnTheConnector) {
  RuleHarness rule("failed_starts");
  EXPECT_EQ(session(rule, 1, 0, 30, 0), Summaries{});
  EXPECT_EQ(session(rule, 2, 100, 30, 0), Summaries{});
  EXPECT_EQ(session(rule, 3, 200, 30, 5), Summaries{"open CS1 1/1 warning"});
  EXPECT_EQ(rule.details()["sessions"], 3);
  EXPECT_EQ(rule.details()["duration_s"], 30.0);
  EXPECT_EQ(rule.details()["energy_wh"], 5.0);
}

TEST(FailedStarts, NormalSessionInBetween_StartsTheCountAgain) {
  RuleHarness rule("failed_starts");
  session(rule, 1, 0, 30, 0);
  session(rule, 2, 100, 30, 0);
  EXPECT_EQ(session(rule, 3, 200, 3600, 20000), Summaries{});
  EXPECT_EQ(session(rule, 4, 4000, 30, 0), Summaries{});
  EXPECT_EQ(session(rule, 5, 4100, 30, 0), Summaries{});
  EXPECT_EQ(session(rule, 6, 4200, 30, 0), Summaries{"open CS1 1/1 warning"});
}

TEST(FailedStarts, SessionsExactlyAtTheLimits_AreNotFailures) {
  RuleHarness rule("failed_starts");
  // 120 s is not shorter than 120 s.
  session(rule, 1, 0, 120, 0);
  session(rule, 2, 200, 120, 0);
  EXPECT_EQ(session(rule, 3, 400, 120, 0), Summaries{});
  // 100 Wh is not under 100 Wh.
  session(rule, 4, 600, 30, 100);
  session(rule, 5, 700, 30, 100);
  EXPECT_EQ(session(rule, 6, 800, 30, 100), Summaries{});
}

TEST(FailedStarts, LongSessionWithoutEnergy_IsNotAFailedStart) {
  RuleHarness rule("failed_starts");
  session(rule, 1, 0, 600, 0);
  session(rule, 2, 700, 600, 0);
  EXPECT_EQ(session(rule, 3, 1400, 600, 0), Summaries{});
}

TEST(FailedStarts, ShortSessionWithEnergy_IsNotAFailedStart) {
  RuleHarness rule("failed_starts");
  session(rule, 1, 0, 60, 500);
  session(rule, 2, 100, 60, 500);
  EXPECT_EQ(session(rule, 3, 200, 60, 500), Summaries{});
}

TEST(FailedStarts, SessionsOnDifferentConnectors_AreCountedSeparately) {
  RuleHarness rule("failed_starts");
  session(rule, 1, 0, 30, 0, 1);
  session(rule, 2, 100, 30, 0, 1);
  EXPECT_EQ(session(rule, 3, 200, 30, 0, 2), Summaries{});
}

TEST(FailedStarts, SessionWithoutMeterReadings_IsJudgedOnItsDuration) {
  RuleHarness rule("failed_starts");
  for (int id = 1; id <= 2; ++id) {
    rule.on(started("CS1", id, 1, id * 100), id * 100);
    rule.on(ended("CS1", id, id * 100 + 20), id * 100 + 20);
  }
  rule.on(started("CS1", 3, 1, 300), 300);
  EXPECT_EQ(rule.on(ended("CS1", 3, 320), 320), Summaries{"open CS1 1/1 warning"});
  EXPECT_TRUE(rule.details()["energy_wh"].is_null());
}

TEST(FailedStarts, FurtherFailedSession_IsARepeat) {
  RuleHarness rule("failed_starts");
  session(rule, 1, 0, 30, 0);
  session(rule, 2, 100, 30, 0);
  session(rule, 3, 200, 30, 0);
  EXPECT_EQ(session(rule, 4, 300, 30, 0), Summaries{"open CS1 1/1 warning"});
  EXPECT_EQ(rule.details()["sessions"], 4);
}

TEST(FailedStarts, NormalSession_Clears) {
  RuleHarness rule("failed_starts");
  session(rule, 1, 0, 30, 0);
  session(rule, 2, 100, 30, 0);
  session(rule, 3, 200, 30, 0);
  EXPECT_EQ(session(rule, 4, 300, 3600, 20000), Summaries{"clear CS1 1/1"});
}

TEST(FailedStarts, EndOfATransactionStartedBeforeARestart_IsNotJudged) {
  RuleHarness rule("failed_starts");
  EXPECT_EQ(rule.on(ended("CS1", 77, 10, 5000.0), 10), Summaries{});
}

TEST(FailedStarts, PerStationSessionsOverride_AppliesToThatStationOnly) {
  RuleHarness rule("failed_starts");
  rule.override_for("CS1", {{"sessions", 2}});
  session(rule, 1, 0, 30, 0);
  EXPECT_EQ(session(rule, 2, 100, 30, 0), Summaries{"open CS1 1/1 warning"});
}

TEST(FailedStarts, Disabled_EmitsNothing) {
  RuleHarness rule("failed_starts");
  rule.disable();
  session(rule, 1, 0, 30, 0);
  session(rule, 2, 100, 30, 0);
  EXPECT_EQ(session(rule, 3, 200, 30, 0), Summaries{});
}

TEST(FailedStarts, RestoredOpen_OneMoreFailureDoesNotRepeatAndANormalSessionClears) {
  RuleHarness rule("failed_starts");
  rule.restore_open("CS1", 1, 1);
  // Counting starts again after a restart: one failure is below 3.
  EXPECT_EQ(session(rule, 1, 0, 30, 0), Summaries{});
  EXPECT_EQ(session(rule, 2, 100, 3600, 20000), Summaries{"clear CS1 1/1"});
}

}  // namespace
}  // namespace csms::faults::testing

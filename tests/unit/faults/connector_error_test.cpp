#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

using domain::ConnectorStatus;

TEST(ConnectorError, HighTemperatureWhileCharging_OpensWarning) {
  RuleHarness rule("connector_error");
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 0),
            Summaries{"open CS1 1/1 warning"});
  EXPECT_EQ(rule.details()["error_code"], "HighTemperature");
  EXPECT_EQ(rule.details()["status"], "Charging");
}

TEST(ConnectorError, NoErrorOnTheConnector_Clears) {
  RuleHarness rule("connector_error");
  rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 0);
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "NoError"), 60),
            Summaries{"clear CS1 1/1"});
}

TEST(ConnectorError, NoErrorOnAnotherConnector_DoesNotClear) {
  RuleHarness rule("connector_error");
  rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 0);
  EXPECT_EQ(rule.on(status("CS1", 2, 1, ConnectorStatus::Available, "NoError"), 60), Summaries{});
}

TEST(ConnectorError, SameErrorReportedAgain_IsNotARepeat) {
  RuleHarness rule("connector_error");
  rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 0);
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::SuspendedEVSE, "HighTemperature"), 60), Summaries{});
}

TEST(ConnectorError, DifferentErrorCode_IsANewOccurrence) {
  RuleHarness rule("connector_error");
  rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 0);
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "OverCurrentFailure"), 60),
            Summaries{"open CS1 1/1 warning"});
  EXPECT_EQ(rule.details()["error_code"], "OverCurrentFailure");
}

TEST(ConnectorError, ErrorOnFaultedStatus_IsLeftToConnectorFaulted) {
  RuleHarness rule("connector_error");
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Faulted, "GroundFailure"), 0), Summaries{});
}

TEST(ConnectorError, NoErrorWithoutAnAlert_EmitsNothing) {
  RuleHarness rule("connector_error");
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Available, "NoError"), 0), Summaries{});
}

TEST(ConnectorError, StatusWithoutErrorCode_NeitherOpensNorClears) {
  // 2.0.1 statuses carry no error code: they say nothing about the 1.6 error.
  RuleHarness rule("connector_error");
  rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 0);
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Available), 60), Summaries{});
  EXPECT_TRUE(rule.is_open("CS1", 1, 1));
}

TEST(ConnectorError, ConfiguredSeverity_IsUsed) {
  RuleHarness rule("connector_error");
  rule.change([](RuleSettings& s) { s.severity = Severity::Critical; });
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 0),
            Summaries{"open CS1 1/1 critical"});
}

TEST(ConnectorError, Disabled_EmitsNothing) {
  RuleHarness rule("connector_error");
  rule.disable();
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 0), Summaries{});
}

TEST(ConnectorError, RestoredOpen_IsNotOpenedTwiceAndNoErrorClears) {
  RuleHarness rule("connector_error");
  rule.restore_open("CS1", 1, 1);
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 0), Summaries{});
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "NoError"), 60),
            Summaries{"clear CS1 1/1"});
}

TEST(ConnectorError, ResolvedByOperator_StaysQuietWhileTheSameErrorLasts) {
  RuleHarness rule("connector_error");
  rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 0);
  rule.forget("CS1", 1, 1);
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "HighTemperature"), 60), Summaries{});
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Charging, "OverCurrentFailure"), 120),
            Summaries{"open CS1 1/1 warning"});
}

}  // namespace
}  // namespace csms::faults::testing

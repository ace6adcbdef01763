#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

using domain::ConnectorStatus;

domain::Event faulted(int evse_id = 1, int connector_id = 1) {
  domain::ConnectorStatusChanged event;
  event.station_id = "CS1";
  event.evse_id = evse_id;
  event.connector_id = connector_id;
  event.status = ConnectorStatus::Faulted;
  event.error_code = "GroundFailure";
  event.vendor_error_code = "E42";
  event.info = "RCD tripped";
  return event;
}

TEST(ConnectorFaulted, FaultedStatus_OpensCriticalWithTheChargersErrorDetails) {
  RuleHarness rule("connector_faulted");
  EXPECT_EQ(rule.on(faulted(), 0), Summaries{"open CS1 1/1 critical"});
  EXPECT_EQ(rule.details()["error_code"], "GroundFailure");
  EXPECT_EQ(rule.details()["vendor_error_code"], "E42");
  EXPECT_EQ(rule.details()["info"], "RCD tripped");
}

TEST(ConnectorFaulted, FaultedSentAgain_IsTheSameFaultNotARepeat) {
  RuleHarness rule("connector_faulted");
  rule.on(faulted(), 0);
  EXPECT_EQ(rule.on(faulted(), 60), Summaries{});
}

TEST(ConnectorFaulted, LeavingFaulted_Clears) {
  RuleHarness rule("connector_faulted");
  rule.on(faulted(), 0);
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Available, "NoError"), 60),
            Summaries{"clear CS1 1/1"});
  // Already cleared: a further status changes nothing.
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Preparing, "NoError"), 90), Summaries{});
}

TEST(ConnectorFaulted, StatusOfAnotherConnector_LeavesTheAlertOpen) {
  RuleHarness rule("connector_faulted");
  rule.on(faulted(1, 1), 0);
  EXPECT_EQ(rule.on(status("CS1", 2, 1, ConnectorStatus::Available, "NoError"), 60), Summaries{});
  EXPECT_TRUE(rule.is_open("CS1", 1, 1));
}

TEST(ConnectorFaulted, StationConnectorZeroFaulted_IsStationWide) {
  RuleHarness rule("connector_faulted");
  EXPECT_EQ(rule.on(faulted(0, 0), 0), Summaries{"open CS1 0/0 critical"});
}

TEST(ConnectorFaulted, Version201FaultedWithoutErrorCode_OpensWithNullDetails) {
  RuleHarness rule("connector_faulted");
  EXPECT_EQ(rule.on(status("CS1", 2, 1, ConnectorStatus::Faulted), 0), Summaries{"open CS1 2/1 critical"});
  EXPECT_TRUE(rule.details()["error_code"].is_null());
}

TEST(ConnectorFaulted, ConfiguredSeverity_IsUsed) {
  RuleHarness rule("connector_faulted");
  rule.change([](RuleSettings& s) { s.severity = Severity::Warning; });
  EXPECT_EQ(rule.on(faulted(), 0), Summaries{"open CS1 1/1 warning"});
}

TEST(ConnectorFaulted, Disabled_EmitsNothing) {
  RuleHarness rule("connector_faulted");
  rule.disable();
  EXPECT_EQ(rule.on(faulted(), 0), Summaries{});
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Available, "NoError"), 60), Summaries{});
}

TEST(ConnectorFaulted, RestoredOpen_IsNotOpenedTwiceAndStillClears) {
  RuleHarness rule("connector_faulted");
  rule.restore_open("CS1", 1, 1);
  EXPECT_EQ(rule.on(faulted(), 0), Summaries{});
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Available, "NoError"), 60),
            Summaries{"clear CS1 1/1"});
}

TEST(ConnectorFaulted, ResolvedByOperator_StaysQuietUntilTheNextFault) {
  RuleHarness rule("connector_faulted");
  rule.on(faulted(), 0);
  rule.forget("CS1", 1, 1);
  EXPECT_EQ(rule.on(faulted(), 60), Summaries{});
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Available, "NoError"), 120), Summaries{});
  EXPECT_EQ(rule.on(faulted(), 180), Summaries{"open CS1 1/1 critical"});
}

}  // namespace
}  // namespace csms::faults::testing

// What in a station's report counts as a problem for fault detection.

#include "ocpp/problems.hpp"

#include <gtest/gtest.h>

namespace csms::ocpp::detail {
namespace {

using json = nlohmann::json;
const domain::Timestamp kNow = *domain::parse_timestamp("2026-03-01T12:00:00Z");

TEST(Problems, TamperingSecurityEvent_IsCritical) {
  auto problems =
      problems_of("SecurityEventNotification",
                  {{"type", "TamperDetectionActivated"}, {"timestamp", "2026-03-01T11:00:00Z"}}, kNow);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, "critical");
  EXPECT_EQ(problems[0].code, "TamperDetectionActivated");
  EXPECT_EQ(problems[0].at, *domain::parse_timestamp("2026-03-01T11:00:00Z"));
}

TEST(Problems, RoutineSecurityEvent_IsNoProblem) {
  EXPECT_TRUE(problems_of("SecurityEventNotification",
                          {{"type", "StartupOfTheDevice"}, {"timestamp", "2026-03-01T11:00:00Z"}}, kNow)
                  .empty());
}

TEST(Problems, FailedFirmwareUpdate_OpensAndInstalledClears) {
  auto failed = problems_of("FirmwareStatusNotification", {{"status", "InstallationFailed"}}, kNow);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_FALSE(failed[0].cleared);
  auto installed = problems_of("FirmwareStatusNotification", {{"status", "Installed"}}, kNow);
  ASSERT_EQ(installed.size(), 1u);
  EXPECT_TRUE(installed[0].cleared);
  EXPECT_TRUE(problems_of("FirmwareStatusNotification", {{"status", "Downloading"}}, kNow).empty());
}

TEST(Problems, NotifyEvent_ProblemVariableOnAnEvse_IsCriticalAndItsFalseClears) {
  json event = {{"generatedAt", "2026-03-01T11:00:00Z"},
                {"seqNo", 0},
                {"eventData",
                 {{{"eventId", 1},
                   {"timestamp", "2026-03-01T11:00:00Z"},
                   {"trigger", "Delta"},
                   {"actualValue", "true"},
                   {"techCode", "E42"},
                   {"eventNotificationType", "HardWiredNotification"},
                   {"component", {{"name", "ChargingStation"}, {"evse", {{"id", 2}, {"connectorId", 1}}}}},
                   {"variable", {{"name", "Problem"}}}},
                  {{"eventId", 2},
                   {"timestamp", "2026-03-01T11:00:00Z"},
                   {"trigger", "Periodic"},
                   {"actualValue", "231"},
                   {"eventNotificationType", "PreconfiguredMonitor"},
                   {"component", {{"name", "EVSE"}}},
                   {"variable", {{"name", "Voltage"}}}}}}};
  auto problems = problems_of("NotifyEvent", event, kNow);
  ASSERT_EQ(problems.size(), 1u) << "a periodic reading is no problem";
  EXPECT_EQ(problems[0].severity, "critical");
  EXPECT_EQ(problems[0].evse_id, 2);
  EXPECT_EQ(problems[0].connector_id, 1);
  EXPECT_EQ(problems[0].code, "E42");
  EXPECT_FALSE(problems[0].cleared);
  event["eventData"][0]["actualValue"] = "false";
  EXPECT_TRUE(problems_of("NotifyEvent", event, kNow)[0].cleared);
}

TEST(Problems, NotifyEvent_AlertingMonitorIsAWarning_ClearedFlagClears) {
  json event = {{"generatedAt", "2026-03-01T11:00:00Z"},
                {"seqNo", 0},
                {"eventData",
                 {{{"eventId", 7},
                   {"timestamp", "2026-03-01T11:00:00Z"},
                   {"trigger", "Alerting"},
                   {"actualValue", "95"},
                   {"cleared", true},
                   {"eventNotificationType", "CustomMonitor"},
                   {"component", {{"name", "Connector"}}},
                   {"variable", {{"name", "Temperature"}}}}}}};
  auto problems = problems_of("NotifyEvent", event, kNow);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, "warning");
  EXPECT_TRUE(problems[0].cleared);
  EXPECT_EQ(problems[0].info, "95");
}

}  // namespace
}  // namespace csms::ocpp::detail

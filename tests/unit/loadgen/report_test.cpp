#include "loadgen/report.hpp"

#include <gtest/gtest.h>

namespace csms::loadgen {
namespace {

TEST(LoadgenReport, MergesThreadsAndDividesRatesByTheWindow) {
  Stats a, b;
  a.connections_attempted = 3;
  a.connections_established = 2;
  a.action("Heartbeat").ok = 10;
  a.action("Heartbeat").latency.record(1000);
  a.call_errors["FormationViolation"] = 1;
  a.first_ready_s = 2.0;
  b.connections_attempted = 1;
  b.connections_established = 1;
  b.action("Heartbeat").ok = 30;
  b.action("MeterValues").ok = 60;
  b.call_errors["FormationViolation"] = 2;
  b.first_ready_s = 1.5;
  a.merge(b);

  RunInfo info;
  info.chargers = 3;
  info.window_s = 20;
  auto j = report_json(a, info);
  EXPECT_EQ(j["connections"]["attempted"], 4);
  EXPECT_EQ(j["connections"]["established"], 3);
  // (10 + 30 + 60) calls over 20 s.
  EXPECT_DOUBLE_EQ(j["calls_per_second"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(j["actions"]["Heartbeat"]["per_second"].get<double>(), 2.0);
  EXPECT_EQ(j["call_errors"]["FormationViolation"], 3);
  EXPECT_DOUBLE_EQ(j["first_ready_s"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(j["latency"]["max_ms"].get<double>(), 1.0);

  auto text = report_text(a, info);
  EXPECT_NE(text.find("attempted 4, established 3"), std::string::npos) << text;
  EXPECT_NE(text.find("FormationViolation=3"), std::string::npos) << text;
}

TEST(LoadgenReport, WarmupResetForgetsCallsButNotConnections) {
  Stats s;
  s.connections_established = 5;
  s.action("Heartbeat").ok = 1;
  s.reset_calls();
  EXPECT_TRUE(s.actions.empty());
  EXPECT_EQ(s.connections_established, 5u);
}

}  // namespace
}  // namespace csms::loadgen

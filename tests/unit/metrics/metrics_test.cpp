// The Prometheus text exposition format of our registry.

#include "csms/metrics/metrics.hpp"

#include <gtest/gtest.h>

namespace csms::metrics {
namespace {

TEST(Metrics, CountersAndGauges_RenderWithHelpTypeAndEscapedLabels) {
  Registry registry;
  registry.counter("csms_test_total", "Things", {{"action", "Boot\"x"}}).inc(3);
  registry.gauge("csms_test_level", "Level").set(2.5);
  auto text = registry.render();
  EXPECT_NE(text.find("# HELP csms_test_total Things\n# TYPE csms_test_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("csms_test_total{action=\"Boot\\\"x\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("csms_test_level 2.5\n"), std::string::npos) << text;
}

TEST(Metrics, Histogram_BucketsAreCumulativeWithSumAndCount) {
  Registry registry;
  auto& h = registry.histogram("csms_test_seconds", "Latency", {0.1, 1});
  h.observe(0.05);  // bucket 0.1
  h.observe(0.5);   // bucket 1
  h.observe(3);     // +Inf
  auto text = registry.render();
  EXPECT_NE(text.find("csms_test_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("csms_test_seconds_bucket{le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("csms_test_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("csms_test_seconds_sum 3.55\n"), std::string::npos) << text;
  EXPECT_NE(text.find("csms_test_seconds_count 3\n"), std::string::npos) << text;
}

TEST(Metrics, Callback_IsReadAtScrapeAndReplacedOrRemoved) {
  Registry registry;
  double depth = 4;
  registry.callback("csms_test_depth", "Depth", [&] {
    return std::vector<std::pair<Labels, double>>{{{}, depth}};
  });
  EXPECT_NE(registry.render().find("csms_test_depth 4\n"), std::string::npos);
  depth = 7;
  EXPECT_NE(registry.render().find("csms_test_depth 7\n"), std::string::npos);
  registry.remove_callback("csms_test_depth");
  EXPECT_EQ(registry.render().find("csms_test_depth"), std::string::npos);
}

}  // namespace
}  // namespace csms::metrics

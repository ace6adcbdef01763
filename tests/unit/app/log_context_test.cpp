// JSON log lines carry the station, message id and action being handled on the thread.
#include "csms/app/log_context.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace csms::app {
namespace {

std::vector<nlohmann::json> lines_of(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(JsonLogs, CarryTheContextWhereKnownAndEscapeTheMessage) {
  std::ostringstream stream;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream);
  spdlog::logger logger("json-test", sink);
  logger.set_formatter(json_log_formatter());
  logger.info("outside any call");
  {
    ScopedLogContext context("CP-\"7\"", "m-42", "MeterValues");
    logger.warn("stored {} samples, said \"ok\"", 4);
    {
      ScopedLogContext inner("CP-8", "m-1", "Heartbeat");
      logger.info("nested");
    }
    logger.info("back");
  }
  logger.info("after");
  auto lines = lines_of(stream.str());
  ASSERT_EQ(lines.size(), 5u) << stream.str();
  EXPECT_FALSE(lines[0].contains("station_id"));
  EXPECT_EQ(lines[0]["message"], "outside any call");
  EXPECT_EQ(lines[1]["level"], "warning");
  EXPECT_EQ(lines[1]["station_id"], "CP-\"7\"");
  EXPECT_EQ(lines[1]["message_id"], "m-42");
  EXPECT_EQ(lines[1]["action"], "MeterValues");
  EXPECT_EQ(lines[1]["message"], "stored 4 samples, said \"ok\"");
  EXPECT_EQ(lines[2]["station_id"], "CP-8");
  EXPECT_EQ(lines[3]["station_id"], "CP-\"7\"");  // restored when the inner scope ended
  EXPECT_FALSE(lines[4].contains("action"));
  EXPECT_TRUE(lines[4]["time"].get<std::string>().ends_with("Z"));
}

}  // namespace
}  // namespace csms::app

// Configuration: defaults < file < environment < flags, and one clear line per bad value.

#include "csms/app/config.hpp"

#include <gtest/gtest.h>

namespace csms::app {
namespace {

TEST(Config, TheDocumentedFile_LoadsAndMatchesTheDefaults) {
  auto from_file = load_config(std::string(CSMS_SOURCE_DIR "/config/csms.yaml"), {}, {});
  Config defaults;
  EXPECT_EQ(from_file.ocpp_listen.port, defaults.ocpp_listen.port);
  EXPECT_EQ(from_file.ocpp_path_prefix, defaults.ocpp_path_prefix);
  EXPECT_EQ(from_file.heartbeat_interval_s, defaults.heartbeat_interval_s);
  EXPECT_EQ(from_file.api_listen.host, "127.0.0.1");
  EXPECT_EQ(from_file.api_listen.port, 8080);
  EXPECT_TRUE(from_file.webhook_urls.empty());
  EXPECT_TRUE(from_file.leniency.celsius_spelling);
  EXPECT_TRUE(from_file.leniency.unit_outside_enum);
  EXPECT_FALSE(from_file.database_url.has_value());
}

TEST(Config, EnvironmentOverridesFile_FlagOverridesEnvironment) {
  auto config = load_config(std::string(CSMS_SOURCE_DIR "/config/csms.yaml"),
                            {{"CSMS_OCPP_LISTEN", "127.0.0.1:9100"},
                             {"CSMS_DATABASE_URL", "postgresql://x/y"},
                             {"CSMS_FAULTS_WEBHOOK_URLS", "http://a/1,http://b/2"},
                             {"CSMS_API_TOKENS", "t1:admin,t2:viewer"}},
                            {{"ocpp.listen", "0.0.0.0:9200"}});
  EXPECT_EQ(config.ocpp_listen.port, 9200);
  EXPECT_EQ(*config.database_url, "postgresql://x/y");
  EXPECT_EQ(config.webhook_urls, (std::vector<std::string>{"http://a/1", "http://b/2"}));
  EXPECT_EQ(config.api_tokens.at("t1"), Role::Admin);
  EXPECT_EQ(config.api_tokens.at("t2"), Role::Viewer);
}

TEST(Config, BadValues_StopWithOneLineNamingTheKey) {
  auto message = [](std::map<std::string, std::string> env) {
    try {
      load_config(std::nullopt, env, {});
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message({{"CSMS_OCPP_LISTEN", "nowhere"}}),
            "config key ocpp.listen: expected host:port, got 'nowhere'");
  EXPECT_NE(message({{"CSMS_OCPP_HEARTBEAT_INTERVAL_S", "0"}}).find("ocpp.heartbeat_interval_s"),
            std::string::npos);
  EXPECT_NE(message({{"CSMS_OCPP_UNKNOWN_STATIONS", "maybe"}}).find("ocpp.unknown_stations"),
            std::string::npos);
  EXPECT_NE(message({{"CSMS_OCPP_LENIENCY", "celsius_spelling,wishful"}}).find("wishful"), std::string::npos);
  EXPECT_NE(message({{"CSMS_API_TOKENS", "t:god"}}).find("api.tokens"), std::string::npos);
  EXPECT_NE(message({{"CSMS_FAULTS_WEBHOOK_URLS", "ftp://x"}}).find("faults.webhook_urls"),
            std::string::npos);
  try {
    load_config(std::nullopt, {}, {{"ocpp.colour", "red"}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("ocpp.colour"), std::string::npos);
  }
}

TEST(Config, Leniency_ListedEntriesOnly) {
  auto config = load_config(std::nullopt, {{"CSMS_OCPP_LENIENCY", "celsius_spelling"}}, {});
  EXPECT_TRUE(config.leniency.celsius_spelling);
  EXPECT_FALSE(config.leniency.unknown_properties);
}

}  // namespace
}  // namespace csms::app

// Configuration: defaults < file < environment < flags, and one clear line per bad value.

#include "csms/app/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "csms/api/api_token.hpp"

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
  EXPECT_TRUE(from_file.api_tokens.empty()) << "the documented file's token entries are comments";
  EXPECT_EQ(from_file.api_generated_token_file, defaults.api_generated_token_file);
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
  ASSERT_EQ(config.api_tokens.size(), 2u);
  EXPECT_EQ(api::role_of_token(config.api_tokens, "t1"), Role::Admin);
  EXPECT_EQ(api::role_of_token(config.api_tokens, "t2"), Role::Viewer);
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

std::string config_error(const std::map<std::string, std::string>& env) {
  try {
    load_config(std::nullopt, env, {});
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

// printf %s e2e-admin-token | sha256sum
constexpr const char* kE2eAdminSha256 = "20357603bbd1490b9215bd7cfff9421bccf4d9131bd54e4ac53ce12caf5fbc32";

TEST(Config, ApiTokens_PlainAndSha256Entries_KeepOnlyDigests) {
  auto config = load_config(
      std::nullopt,
      {{"CSMS_API_TOKENS", std::string("sha256:") + kE2eAdminSha256 + ":admin,plain-op-token:operator"}}, {});
  ASSERT_EQ(config.api_tokens.size(), 2u);
  EXPECT_EQ(api::role_of_token(config.api_tokens, "e2e-admin-token"), Role::Admin);
  EXPECT_EQ(api::role_of_token(config.api_tokens, "plain-op-token"), Role::Operator);
  EXPECT_EQ(api::role_of_token(config.api_tokens, std::string("sha256:") + kE2eAdminSha256), std::nullopt);
}

TEST(Config, ApiTokens_MayBeNamed_ForTheAuditLog_UnnamedOnesByDigestPrefix) {
  auto config = load_config(std::nullopt,
                            {{"CSMS_API_TOKENS", std::string("ops-alice=sha256:") + kE2eAdminSha256 +
                                                     ":admin,bob@example.com=plain-op-token:operator,"
                                                     "base64token=:viewer"}},
                            {});
  ASSERT_EQ(config.api_tokens.size(), 3u);
  auto alice = api::find_token(config.api_tokens, "e2e-admin-token");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->role, Role::Admin);
  EXPECT_EQ(api::token_actor(*alice), "ops-alice");
  auto bob = api::find_token(config.api_tokens, "plain-op-token");
  ASSERT_TRUE(bob);
  EXPECT_EQ(api::token_actor(*bob), "bob@example.com");
  // "x=" is a token ending in base64 padding, not a name with an empty token.
  auto padded = api::find_token(config.api_tokens, "base64token=");
  ASSERT_TRUE(padded);
  EXPECT_EQ(padded->name, "");
  EXPECT_EQ(api::token_actor(*padded).rfind("sha256:", 0), 0u);
  EXPECT_EQ(api::token_actor(*padded).size(), 7u + 12u);
}

TEST(Config, ApiTokens_ABadSha256Entry_NamesTheKeyNotTheValue) {
  auto message = config_error({{"CSMS_API_TOKENS", "sha256:0123abcd:admin"}});
  EXPECT_NE(message.find("api.tokens"), std::string::npos) << message;
  EXPECT_NE(message.find("64 hex"), std::string::npos) << message;
  EXPECT_EQ(message.find("0123abcd"), std::string::npos) << message;
  message = config_error({{"CSMS_API_TOKENS", "secret-without-role"}});
  EXPECT_NE(message.find("api.tokens"), std::string::npos) << message;
  EXPECT_EQ(message.find("secret-without-role"), std::string::npos) << message;
}

class TokenFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("csms-config-test-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void write(const std::string& text) { std::ofstream(path_) << text; }
  std::filesystem::path path_;
};

TEST_F(TokenFile, EntriesCommentsAndBlankLines_AreRead) {
  write(
      "# operators' tokens\n"
      "\n"
      "  file-viewer-token:viewer  \n"
      "sha256:" +
      std::string(kE2eAdminSha256) +
      ":admin\n"
      "# the end\n");
  auto config = load_config(
      std::nullopt, {{"CSMS_API_TOKEN_FILE", path_.string()}, {"CSMS_API_TOKENS", "env-token:operator"}}, {});
  ASSERT_EQ(config.api_tokens.size(), 3u);
  EXPECT_EQ(api::role_of_token(config.api_tokens, "file-viewer-token"), Role::Viewer);
  EXPECT_EQ(api::role_of_token(config.api_tokens, "e2e-admin-token"), Role::Admin);
  EXPECT_EQ(api::role_of_token(config.api_tokens, "env-token"), Role::Operator);
}

TEST_F(TokenFile, ABadLine_NamesTheFileAndLineNotTheValue) {
  write("good-token:admin\n# comment\nleaked-secret-text\n");
  auto message = config_error({{"CSMS_API_TOKEN_FILE", path_.string()}});
  EXPECT_NE(message.find("api.token_file"), std::string::npos) << message;
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
  EXPECT_EQ(message.find("leaked-secret-text"), std::string::npos) << message;
  write("another-secret:root\n");
  message = config_error({{"CSMS_API_TOKEN_FILE", path_.string()}});
  EXPECT_NE(message.find("line 1"), std::string::npos) << message;
  EXPECT_EQ(message.find("another-secret"), std::string::npos) << message;
}

TEST_F(TokenFile, AMissingFile_StopsStartUp) {
  auto message = config_error({{"CSMS_API_TOKEN_FILE", path_.string()}});
  EXPECT_NE(message.find("api.token_file"), std::string::npos) << message;
  EXPECT_NE(message.find(path_.string()), std::string::npos) << message;
}

TEST(Config, GeneratedTokenFile_DefaultsToTheWorkingDirectory) {
  EXPECT_EQ(load_config(std::nullopt, {}, {}).api_generated_token_file, ".csms-admin-token");
  EXPECT_EQ(load_config(std::nullopt, {{"CSMS_API_GENERATED_TOKEN_FILE", "/run/csms/token"}}, {})
                .api_generated_token_file,
            "/run/csms/token");
  EXPECT_NE(config_error({{"CSMS_API_GENERATED_TOKEN_FILE", ""}}).find("api.generated_token_file"),
            std::string::npos);
}

}  // namespace
}  // namespace csms::app

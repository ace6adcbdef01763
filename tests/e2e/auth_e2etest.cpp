// Authentication on the real server: API tokens configured as SHA-256 digests or in a token
// file, a generated admin token written to an owner-only file (never to the log), and the
// 16-40 character rule for station passwords.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;

// printf %s e2e-admin-token | sha256sum
constexpr const char* kAdminSha256 = "20357603bbd1490b9215bd7cfff9421bccf4d9131bd54e4ac53ce12caf5fbc32";
constexpr const char* kViewerToken = "file-viewer-token-7c1d";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class AuthE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("csms-auth-e2e-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    url_ = fresh_database("csms_e2e_auth");
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  HttpResult api(const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt, const std::string& token = CsmsProcess::kToken) {
    return http(server_->api_port(), method, target, body, token);
  }

  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<CsmsProcess> server_;
};

TEST_F(AuthE2e, TokensGivenAsDigestsAndInATokenFile_AreAcceptedAndNeverLogged) {
  const auto file = dir_ / "tokens";
  std::ofstream(file) << "# viewers\n" << kViewerToken << ":viewer\n\n";
  server_ = std::make_unique<CsmsProcess>(
      url_, std::map<std::string, std::string>{
                {"CSMS_API_TOKENS", std::string("sha256:") + kAdminSha256 + ":admin"},
                {"CSMS_API_TOKEN_FILE", file.string()}});
  EXPECT_EQ(api("GET", "/api/v1/stations").status, 200);
  EXPECT_EQ(api("POST", "/api/v1/stations", json{{"id", "AUTH-1"}}).status, 201);
  EXPECT_EQ(api("GET", "/api/v1/stations", std::nullopt, kViewerToken).status, 200);
  EXPECT_EQ(api("POST", "/api/v1/stations", json{{"id", "AUTH-2"}}, kViewerToken).status, 403);
  auto unknown = api("GET", "/api/v1/stations", std::nullopt, "e2e-admin-toke");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.content_type, "application/problem+json");
  // The digest is not a token.
  EXPECT_EQ(api("GET", "/api/v1/stations", std::nullopt, kAdminSha256).status, 401);
  auto log = server_->log();
  EXPECT_EQ(log.find(CsmsProcess::kToken), std::string::npos) << log;
  EXPECT_EQ(log.find(kViewerToken), std::string::npos) << log;
}

TEST_F(AuthE2e, WithoutTokens_AGeneratedAdminTokenIsWrittenToAnOwnerOnlyFile) {
  const auto file = dir_ / "admin-token";
  server_ = std::make_unique<CsmsProcess>(
      url_, std::map<std::string, std::string>{{"CSMS_API_TOKENS", ""},
                                               {"CSMS_API_GENERATED_TOKEN_FILE", file.string()}});
  auto text = read_file(file);
  ASSERT_EQ(text.size(), 65u) << "64 hex digits and a line end";
  const auto token = text.substr(0, 64);
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(api("POST", "/api/v1/stations", json{{"id", "AUTH-GEN"}}, token).status, 201);
  EXPECT_EQ(api("GET", "/api/v1/stations").status, 401) << "no other token works";
  auto log = server_->log();
  EXPECT_EQ(log.find(token), std::string::npos) << log;
  EXPECT_NE(log.find(file.string()), std::string::npos) << "the log names the file\n" << log;
}

TEST_F(AuthE2e, AGeneratedTokenThatCannotBeSaved_StopsStartUpNamingTheKey) {
  try {
    CsmsProcess server(url_,
                       {{"CSMS_API_TOKENS", ""},
                        {"CSMS_API_GENERATED_TOKEN_FILE", (dir_ / "missing" / "admin-token").string()}});
    FAIL() << "started without a usable token";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("api.generated_token_file"), std::string::npos) << e.what();
  }
}

TEST_F(AuthE2e, StationPasswords_Are16To40Characters) {
  server_ = std::make_unique<CsmsProcess>(url_);
  ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", "AUTH-PW"}}).status, 201);
  for (const std::string& wrong : {std::string("s3cret-passw0rd"), std::string(41, 'p')}) {
    auto refused = api("PATCH", "/api/v1/stations/AUTH-PW", json{{"password", wrong}});
    EXPECT_EQ(refused.status, 400) << wrong;
    EXPECT_EQ(refused.content_type, "application/problem+json");
    EXPECT_NE(refused.body["detail"].get<std::string>().find("16 to 40"), std::string::npos) << refused.raw;
  }
  EXPECT_EQ(api("PATCH", "/api/v1/stations/AUTH-PW", json{{"password", "s3cret-passw0rd!"}}).status, 200);
  EXPECT_EQ(api("PATCH", "/api/v1/stations/AUTH-PW", json{{"password", std::string(40, 'p')}}).status, 200);
  EXPECT_EQ(api("POST", "/api/v1/stations", json{{"id", "AUTH-PW2"}, {"password", "short-pass"}}).status,
            400);
}

// OCPP-J 1.6 section 6.2.2: AuthorizationKey 0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF is sent
// as its decoded bytes; some chargers send the hex text (DIGEST A.10). The handshake checks
// with api::verify_station_password and the negotiated version.
TEST_F(AuthE2e, Ocpp16AuthorizationKey_DecodedBytesAndHexText_AreBothAccepted) {
  server_ = std::make_unique<CsmsProcess>(url_);
  const std::string key = "0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF";
  ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", "AL1000"}, {"password", key}}).status, 201);
  std::string bytes = {'\x00', '\x01', '\x02', '\x03', '\x04', '\x05', '\x06', '\x07'};
  bytes += std::string(12, '\xff');
  auto status = [this](const std::string& protocol, const std::string& password) {
    try {
      OcppClient client(server_->ocpp_port(), "AL1000", {protocol},
                        std::pair{std::string("AL1000"), password});
      return 0;
    } catch (const HandshakeRefused& e) {
      return e.status();
    }
  };
  EXPECT_EQ(status("ocpp1.6", bytes), 0);
  EXPECT_EQ(status("ocpp1.6", key), 0);
  EXPECT_EQ(status("ocpp1.6", "0001020304050607ffffffffffffffffffffffff"), 0);
  EXPECT_EQ(status("ocpp1.6", bytes.substr(0, 19) + '\xfe'), 401);
  // 2.0.1 has no hex step: only the text itself.
  EXPECT_EQ(status("ocpp2.0.1", key), 0);
  EXPECT_EQ(status("ocpp2.0.1", bytes), 401);
}

}  // namespace
}  // namespace csms::testing

// The audit log (issue 16): every REST call that changes something or sends a command, by a
// valid token, is recorded with who (the token's name), what, the target and the answer;
// secrets in bodies are not kept; admins list it with filters; the table is append-only.

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kViewer = "viewer-token-0001";
constexpr const char* kOperator = "operator-token-01";

TEST(AuditE2e, MutatingCalls_AreRecordedWithWhoWhatAndTheAnswer_ListedForAdmins_AppendOnly) {
  if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
  auto url = fresh_database("csms_e2e_audit");
  CsmsProcess server(url, {{"CSMS_API_TOKENS", std::string("ops-alice=") + CsmsProcess::kToken + ":admin," +
                                                   kViewer + ":viewer,bob=" + kOperator + ":operator"}});
  const auto port = server.api_port();

  auto created =
      http(port, "POST", "/api/v1/stations", json{{"id", "AUD-1"}, {"password", "a-secret-password-123"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(http(port, "GET", "/api/v1/stations/AUD-1").status, 200);  // reads are not recorded
  auto reset = http(port, "POST", "/api/v1/stations/AUD-1/commands/reset", json{{"type", "Soft"}}, kOperator);
  EXPECT_EQ(reset.status, 409) << "offline: " << reset.raw;
  EXPECT_EQ(http(port, "POST", "/api/v1/stations", json{{"id", "AUD-2"}}, kViewer).status, 403);
  EXPECT_EQ(http(port, "PATCH", "/api/v1/stations/AUD-1", json{{"name", "x"}}, kOperator).status, 403);
  EXPECT_EQ(http(port, "POST", "/api/v1/stations", json{{"id", "AUD-3"}}, "not-a-token").status, 401);

  EXPECT_EQ(http(port, "GET", "/api/v1/audit", std::nullopt, kViewer).status, 403);
  EXPECT_EQ(http(port, "GET", "/api/v1/audit", std::nullopt, kOperator).status, 403);
  // Entries are written right after each answer.
  HttpResult listed;
  for (int i = 0; i < 100; ++i) {
    listed = http(port, "GET", "/api/v1/audit");
    if (listed.status == 200 && listed.body["items"].size() >= 4) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(listed.status, 200) << listed.raw;
  const auto& items = listed.body["items"];
  ASSERT_EQ(items.size(), 4u) << "no GET, no call without a valid token: " << listed.raw;

  // Newest first.
  EXPECT_EQ(items[0]["actor"], "bob");
  EXPECT_EQ(items[0]["method"], "PATCH");
  EXPECT_EQ(items[0]["status"], 403);
  EXPECT_EQ(items[0]["target"], "stations/AUD-1");

  EXPECT_EQ(items[1]["role"], "viewer");
  EXPECT_EQ(items[1]["actor"].get<std::string>().rfind("sha256:", 0), 0u) << "an unnamed token by its digest";
  EXPECT_EQ(items[1]["actor"].get<std::string>().size(), 19u);
  EXPECT_EQ(items[1]["status"], 403);

  EXPECT_EQ(items[2]["actor"], "bob");
  EXPECT_EQ(items[2]["role"], "operator");
  EXPECT_EQ(items[2]["path"], "/api/v1/stations/AUD-1/commands/reset");
  EXPECT_EQ(items[2]["target"], "stations/AUD-1");
  EXPECT_EQ(items[2]["action"], "reset");
  EXPECT_EQ(items[2]["body"], json::parse(R"({"type":"Soft"})"));
  EXPECT_EQ(items[2]["status"], 409);
  EXPECT_FALSE(items[2]["detail"].is_null()) << "the answer's detail is kept";

  EXPECT_EQ(items[3]["actor"], "ops-alice");
  EXPECT_EQ(items[3]["role"], "admin");
  EXPECT_EQ(items[3]["method"], "POST");
  EXPECT_EQ(items[3]["target"], "stations");
  EXPECT_EQ(items[3]["status"], 201);
  EXPECT_EQ(items[3]["body"]["id"], "AUD-1");
  EXPECT_EQ(items[3]["body"]["password"], "***") << "a password never reaches the audit log";
  EXPECT_EQ(listed.raw.find("a-secret-password-123"), std::string::npos);

  // Filters.
  EXPECT_EQ(http(port, "GET", "/api/v1/audit?actor=bob").body["items"].size(), 2u);
  EXPECT_EQ(http(port, "GET", "/api/v1/audit?target=stations/AUD-1").body["items"].size(), 2u);
  EXPECT_EQ(http(port, "GET", "/api/v1/audit?target=stations/").body["items"].size(), 2u);
  EXPECT_EQ(http(port, "GET", "/api/v1/audit?status=403").body["items"].size(), 2u);
  EXPECT_EQ(http(port, "GET", "/api/v1/audit?method=POST").body["items"].size(), 3u);
  EXPECT_EQ(http(port, "GET", "/api/v1/audit?status=abc").status, 400);
  auto first_page = http(port, "GET", "/api/v1/audit?limit=3");
  ASSERT_EQ(first_page.body["items"].size(), 3u);
  auto cursor = first_page.body["next_cursor"].get<std::string>();
  auto second_page = http(port, "GET", "/api/v1/audit?limit=3&cursor=" + cursor);
  ASSERT_EQ(second_page.body["items"].size(), 1u);
  EXPECT_EQ(second_page.body["items"][0]["actor"], "ops-alice");

  // Append-only, whoever asks.
  pqxx::connection db(url);
  for (const char* statement :
       {"UPDATE audit_log SET status = 200", "DELETE FROM audit_log", "TRUNCATE audit_log"}) {
    pqxx::work tx(db);
    EXPECT_THROW(tx.exec(statement), pqxx::sql_error) << statement;
  }
  EXPECT_EQ(query_value(url, "SELECT count(*) FROM audit_log"), "4");
}

}  // namespace
}  // namespace csms::testing

// Local authorization lists (issue 16): the first SendLocalList is full, later ones carry
// only what changed since the station's confirmed version (removals without info), a
// VersionMismatch gets the full list, nothing changed sends nothing, a group narrows the list.

#include <gtest/gtest.h>

#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;

TEST(LocalListE2e, FullThenDifferential_VersionMismatchGetsTheWholeList_AGroupNarrowsIt) {
  if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
  CsmsProcess server(fresh_database("csms_e2e_local_lists"));
  auto api = [&](const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt) {
    return http(server.api_port(), method, target, body);
  };
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "FLEET"}}).status, 201);
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "CARD-1"}, {"group", "FLEET"}}).status, 201);
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "CARD-2"}, {"status", "Blocked"}}).status, 201);

  OcppClient cp(server.ocpp_port(), "LL-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}});
  // Sends the command; the charger answers each SendLocalList it gets with the next status.
  auto send = [&](json body, std::vector<std::string> answers, std::vector<json>* calls) {
    std::thread charger([&] {
      for (const auto& status : answers) {
        auto frame = json::parse(cp.receive());
        calls->push_back(frame[3]);
        cp.send_text(json::array({3, frame[1], {{"status", status}}}).dump());
      }
    });
    auto result = api("POST", "/api/v1/stations/LL-16/commands/send-local-list", body);
    charger.join();
    return result;
  };

  std::vector<json> calls;
  auto first = send(json::object(), {"Accepted"}, &calls);
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_EQ(first.body["update_type"], "Full") << "the first list is whole";
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["listVersion"], 1);
  EXPECT_EQ(calls[0]["updateType"], "Full");
  EXPECT_EQ(calls[0]["localAuthorizationList"].size(), 3u);
  EXPECT_EQ(api("GET", "/api/v1/stations/LL-16/local-list").body["version"], 1);

  // Nothing changed: nothing is sent.
  auto same = api("POST", "/api/v1/stations/LL-16/commands/send-local-list", json::object());
  EXPECT_EQ(same.body["status"], "UpToDate") << same.raw;

  // One blocked, one removed, one added: a differential update of exactly those.
  ASSERT_EQ(api("PATCH", "/api/v1/id-tokens/CARD-1", json{{"status", "Blocked"}}).status, 200);
  ASSERT_EQ(api("DELETE", "/api/v1/id-tokens/CARD-2").status, 204);
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "CARD-3"}}).status, 201);
  calls.clear();
  auto diff = send(json::object(), {"Accepted"}, &calls);
  ASSERT_EQ(diff.status, 200) << diff.raw;
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["listVersion"], 2);
  EXPECT_EQ(calls[0]["updateType"], "Differential");
  std::map<std::string, json> by_tag;
  for (const auto& entry : calls[0]["localAuthorizationList"]) by_tag[entry["idTag"]] = entry;
  ASSERT_EQ(by_tag.size(), 3u) << calls[0].dump();
  EXPECT_EQ(by_tag["CARD-1"]["idTagInfo"]["status"], "Blocked");
  EXPECT_EQ(by_tag["CARD-1"]["idTagInfo"]["parentIdTag"], "FLEET");
  EXPECT_FALSE(by_tag["CARD-2"].contains("idTagInfo")) << "a removal carries no info";
  EXPECT_EQ(by_tag["CARD-3"]["idTagInfo"]["status"], "Accepted");

  // The station lost track: VersionMismatch, and the whole list follows.
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "CARD-4"}}).status, 201);
  calls.clear();
  auto mismatch = send(json::object(), {"VersionMismatch", "Accepted"}, &calls);
  ASSERT_EQ(mismatch.status, 200) << mismatch.raw;
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["updateType"], "Differential");
  EXPECT_EQ(calls[1]["updateType"], "Full");
  EXPECT_EQ(calls[1]["localAuthorizationList"].size(), 4u);
  EXPECT_EQ(mismatch.body["update_type"], "Full");

  // A group: its token and its members only, whole (a new scope).
  calls.clear();
  auto group = send(json{{"group", "FLEET"}}, {"Accepted"}, &calls);
  ASSERT_EQ(group.status, 200) << group.raw;
  EXPECT_EQ(calls[0]["updateType"], "Full");
  EXPECT_EQ(calls[0]["localAuthorizationList"].size(), 2u) << calls[0].dump();
  auto info = api("GET", "/api/v1/stations/LL-16/local-list");
  EXPECT_EQ(info.body["group"], "FLEET");
  EXPECT_EQ(info.body["entries"], 2);

  // A station that says no keeps its confirmed version.
  calls.clear();
  auto refused = send(json{{"update", "full"}}, {"Failed"}, &calls);
  EXPECT_EQ(refused.body["status"], "Failed");
  EXPECT_EQ(api("GET", "/api/v1/stations/LL-16/local-list").body["version"], info.body["version"]);

  // GetLocalListVersion passes through.
  std::thread charger([&] {
    auto frame = json::parse(cp.receive());
    EXPECT_EQ(frame[2], "GetLocalListVersion");
    cp.send_text(json::array({3, frame[1], {{"listVersion", 5}}}).dump());
  });
  auto version = api("POST", "/api/v1/stations/LL-16/commands/get-local-list-version", json::object());
  charger.join();
  EXPECT_EQ(version.status, 200) << version.raw;
  EXPECT_EQ(version.body["response"]["listVersion"], 5);
}

}  // namespace
}  // namespace csms::testing

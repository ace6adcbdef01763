// Fleet jobs (issue 16) against the real server, PostgreSQL and chargers answering as real
// ones do: a job for 20 stations, 5 of them offline, finishes once they connect; a firmware
// rollout in waves stops when a wave fails too much, and the later waves are never sent.

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <thread>

#include "support/answering_charger.hpp"
#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

using Answering = AnsweringCharger;

class JobE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
    url_ = fresh_database("csms_e2e_jobs");
    server_ = std::make_unique<CsmsProcess>(url_);
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
  }
  HttpResult api(const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt) {
    return http(server_->api_port(), method, target, body);
  }
  // Polls the job until `done` holds for it (~20 s); returns it.
  json wait_job(std::int64_t id, const std::function<bool(const json&)>& done) {
    json job;
    for (int i = 0; i < 200; ++i) {
      job = api("GET", "/api/v1/jobs/" + std::to_string(id)).body;
      if (done(job)) break;
      std::this_thread::sleep_for(100ms);
    }
    return job;
  }
  static int count(const json& job, const std::string& state) {
    return job["counts"].is_object() ? job["counts"].value(state, 0) : 0;
  }

  std::string url_;
  std::unique_ptr<CsmsProcess> server_;
};

TEST_F(JobE2e, TwentyStationsSomeOffline_FinishesWhenTheyReconnect) {
  json ids = json::array();
  for (int i = 0; i < 20; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "JOB-%02d", i);
    ids.push_back(id);
    ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", id}}).status, 201);
  }
  auto accept = [](const json&) { return json{{"status", "Accepted"}}; };
  std::vector<std::unique_ptr<Answering>> online;
  for (int i = 0; i < 15; ++i)
    online.push_back(
        std::make_unique<Answering>(server_->ocpp_port(), ids[i], i % 2 ? "ocpp2.0.1" : "ocpp1.6", accept));

  EXPECT_EQ(api("POST", "/api/v1/jobs", json{{"command", "remote-stop"}, {"stations", ids}}).status, 400);
  EXPECT_EQ(api("POST", "/api/v1/jobs", json{{"command", "clear-cache"}, {"stations", {"NOBODY"}}}).status,
            400);
  EXPECT_EQ(api("POST", "/api/v1/jobs", json{{"command", "clear-cache"}}).status, 400)
      << "no stations, no filter";
  auto created =
      api("POST", "/api/v1/jobs", json{{"command", "clear-cache"}, {"stations", ids}, {"concurrency", 4}});
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["stations"], 20);
  const auto id = created.body["id"].get<std::int64_t>();

  auto job =
      wait_job(id, [](const json& j) { return count(j, "succeeded") == 15 && count(j, "waiting") == 5; });
  ASSERT_EQ(count(job, "succeeded"), 15) << job.dump();
  ASSERT_EQ(count(job, "waiting"), 5) << job.dump();
  EXPECT_EQ(job["state"], "running");
  for (auto& station : online) EXPECT_EQ(station->calls().size(), 1u) << "each station gets the command once";
  auto waiting = api("GET", "/api/v1/jobs/" + std::to_string(id) + "/stations?state=waiting").body["items"];
  ASSERT_EQ(waiting.size(), 5u);
  EXPECT_EQ(waiting[0]["station_id"], "JOB-15");
  EXPECT_EQ(waiting[0]["detail"], "the station is not connected");

  // The offline ones come back: the job sends to them and finishes.
  for (int i = 15; i < 20; ++i)
    online.push_back(std::make_unique<Answering>(server_->ocpp_port(), ids[i], "ocpp1.6", accept));
  job = wait_job(id, [](const json& j) { return j["state"] == "completed"; });
  EXPECT_EQ(job["state"], "completed") << job.dump();
  EXPECT_EQ(count(job, "succeeded"), 20) << job.dump();
  EXPECT_EQ(job["progress"], 1);
  auto table = api("GET", "/api/v1/jobs/" + std::to_string(id) + "/stations?limit=50").body["items"];
  ASSERT_EQ(table.size(), 20u);
  EXPECT_EQ(table[19]["status"], "Accepted");
  EXPECT_EQ(api("POST", "/api/v1/jobs/" + std::to_string(id) + ":cancel").status, 409) << "it has ended";

  // A filter picks the stations; a viewer may not start a job.
  auto by_filter = api("POST", "/api/v1/jobs",
                       json{{"command", "trigger-message"},
                            {"body", {{"message", "Heartbeat"}}},
                            {"filter", {{"protocol", "ocpp2.0.1"}}}});
  ASSERT_EQ(by_filter.status, 201) << by_filter.raw;
  EXPECT_EQ(by_filter.body["stations"], 7);
  // A site: the stations at one location (as the analytics group them).
  for (const char* station : {"JOB-03", "JOB-04"})
    ASSERT_EQ(
        api("PATCH", std::string("/api/v1/stations/") + station, json{{"location", "Depot North"}}).status,
        200);
  auto by_site =
      api("POST", "/api/v1/jobs", json{{"command", "clear-cache"}, {"filter", {{"site", "Depot North"}}}});
  ASSERT_EQ(by_site.status, 201) << by_site.raw;
  EXPECT_EQ(by_site.body["stations"], 2);
}

TEST_F(JobE2e, FirmwareWaves_TooManyFailuresInAWave_HaltTheRollout_LaterWavesAreNeverSent) {
  auto image = api("POST", "/api/v1/firmware", json{{"version", "9.9"}, {"file_name", "fw.bin"}});
  ASSERT_EQ(image.status, 201);
  const auto image_id = image.body["id"].get<std::int64_t>();
  std::string put = "PUT /api/v1/firmware/" + std::to_string(image_id) +
                    "/image HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " +
                    CsmsProcess::kToken + "\r\nContent-Length: 4\r\n\r\nfw!!";
  ASSERT_EQ(http_raw(server_->api_port(), put).status, 200);

  // Wave 1: WAVE-A refuses, WAVE-B accepts and then fails to install. Waves 2 and 3 answer Accepted.
  auto answer_as = [](const std::string& status) {
    return [status](const json&) { return json{{"status", status}}; };
  };
  Answering a(server_->ocpp_port(), "WAVE-A", "ocpp2.0.1", answer_as("Rejected"));
  Answering b(server_->ocpp_port(), "WAVE-B", "ocpp2.0.1", answer_as("Accepted"));
  Answering c(server_->ocpp_port(), "WAVE-C", "ocpp2.0.1", answer_as("Accepted"));
  Answering d(server_->ocpp_port(), "WAVE-D", "ocpp2.0.1", answer_as("Accepted"));
  Answering e(server_->ocpp_port(), "WAVE-E", "ocpp2.0.1", answer_as("Accepted"));
  auto created = api("POST", "/api/v1/jobs",
                     json{{"command", "update-firmware"},
                          {"body", {{"firmware_id", image_id}}},
                          {"stations", {"WAVE-A", "WAVE-B", "WAVE-C", "WAVE-D", "WAVE-E"}},
                          {"wave_size", 2},
                          {"max_failure_percent", 50}});
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["waves"], 3);
  const auto id = created.body["id"].get<std::int64_t>();

  auto job = wait_job(id, [](const json& j) { return count(j, "failed") == 1 && count(j, "running") == 1; });
  ASSERT_EQ(count(job, "running"), 1) << "WAVE-B installs: " << job.dump();
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(c.calls().empty()) << "the next wave waits for this one's outcome";

  // WAVE-B's install fails: 2 of 2 failed, more than 50 %: the rollout stops.
  auto request_id = b.calls().at(0)[3]["requestId"];
  b.send_call("FirmwareStatusNotification", {{"status", "InstallationFailed"}, {"requestId", request_id}});
  job = wait_job(id, [](const json& j) { return j["state"] != "running"; });
  EXPECT_EQ(job["state"], "halted") << job.dump();
  EXPECT_EQ(job["detail"], "wave 1: 2 of 2 stations failed (more than 50%)");
  EXPECT_EQ(count(job, "cancelled"), 3) << job.dump();
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(c.calls().empty() && d.calls().empty() && e.calls().empty()) << "no later wave was sent";
  auto table = api("GET", "/api/v1/jobs/" + std::to_string(id) + "/stations").body["items"];
  ASSERT_EQ(table.size(), 5u);
  EXPECT_EQ(table[0]["status"], "Rejected");
  EXPECT_EQ(table[1]["status"], "InstallationFailed");
  EXPECT_FALSE(table[1]["file_transfer_id"].is_null());
  EXPECT_EQ(table[2]["detail"], "the rollout was halted");
}

TEST_F(JobE2e, Cancel_StopsWhatIsNotSent) {
  for (const char* id : {"CAN-1", "CAN-2"})
    ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", id}}).status, 201);
  auto created =
      api("POST", "/api/v1/jobs", json{{"command", "clear-cache"}, {"stations", {"CAN-1", "CAN-2"}}});
  ASSERT_EQ(created.status, 201);
  const auto id = std::to_string(created.body["id"].get<std::int64_t>());
  auto cancelled = api("POST", "/api/v1/jobs/" + id + ":cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.raw;
  EXPECT_EQ(cancelled.body["state"], "cancelled");
  Answering back(server_->ocpp_port(), "CAN-1", "ocpp1.6", [](const json&) {
    return json{{"status", "Accepted"}};
  });
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(back.calls().empty()) << "a cancelled job sends nothing more";
  auto job = api("GET", "/api/v1/jobs/" + id).body;
  EXPECT_EQ(count(job, "cancelled"), 2) << job.dump();
  EXPECT_EQ(api("GET", "/api/v1/jobs?state=cancelled").body["items"].size(), 1u);
}

}  // namespace
}  // namespace csms::testing

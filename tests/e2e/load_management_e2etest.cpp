// Site load management (issue 17) against the real server, PostgreSQL and chargers that apply
// the profiles they are sent: 1.6 and 2.0.1 chargers on one 32 A site. What the site may draw
// is summed at every moment a charger's limit or a session changes (the worst it can be: a
// running session without its own profile draws the station's fallback); it never passes the
// limit, and the sessions are re-balanced after each start and stop. A station that rejects
// profiles gets an alert; a station that reconnects gets its session's profile again.

#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <mutex>
#include <thread>

#include "support/answering_charger.hpp"
#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr double kLimit = 32;

// What the chargers of the site hold, as they apply the server's profiles.
class SiteMeter {
 public:
  json apply(const std::string& station, const json& call) {
    if (call[2] != "SetChargingProfile") return json::object();
    const auto& p = call[3];
    const bool v16 = p.contains("csChargingProfiles");
    const auto& profile = v16 ? p["csChargingProfiles"] : p["chargingProfile"];
    const int evse = v16 ? p["connectorId"].get<int>() : p["evseId"].get<int>();
    const auto& schedule = v16 ? profile["chargingSchedule"] : profile["chargingSchedule"][0];
    const double limit = schedule["chargingSchedulePeriod"][0]["limit"].get<double>();
    std::lock_guard lock(mutex_);
    ++profiles_;
    if (profile["chargingProfilePurpose"] == "TxDefaultProfile") {
      fallback_[station] = limit;
    } else {
      auto it = active_.find({station, evse});
      if (it == active_.end()) return {{"status", "Rejected"}};  // no session there
      it->second = limit;
    }
    note();
    return {{"status", "Accepted"}};
  }
  void start(const std::string& station, int evse) {
    std::lock_guard lock(mutex_);
    active_[{station, evse}] = std::nullopt;
    note();
  }
  void stop(const std::string& station, int evse) {
    std::lock_guard lock(mutex_);
    active_.erase({station, evse});
  }
  // The sessions' own limits (none yet: -1), in key order.
  std::vector<double> limits() {
    std::lock_guard lock(mutex_);
    std::vector<double> out;
    for (const auto& [key, limit] : active_) out.push_back(limit.value_or(-1));
    return out;
  }
  bool has_fallback(const std::string& station) {
    std::lock_guard lock(mutex_);
    return fallback_.count(station) > 0;
  }
  double worst() {
    std::lock_guard lock(mutex_);
    return worst_;
  }
  double now() {
    std::lock_guard lock(mutex_);
    return sum();
  }

 private:
  double sum() const {
    double total = 0;
    for (const auto& [key, limit] : active_) {
      auto fallback = fallback_.find(key.first);
      total += limit ? *limit : fallback != fallback_.end() ? fallback->second : 32.0;
    }
    return total;
  }
  void note() { worst_ = std::max(worst_, sum()); }

  std::mutex mutex_;
  std::map<std::string, double> fallback_;
  std::map<std::pair<std::string, int>, std::optional<double>> active_;
  double worst_ = 0;
  int profiles_ = 0;
};

class LoadManagementE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
    url_ = fresh_database("csms_e2e_load");
    server_ = std::make_unique<CsmsProcess>(url_);
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
  }
  HttpResult api(const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt) {
    return http(server_->api_port(), method, target, body);
  }
  std::unique_ptr<AnsweringCharger> charger(const std::string& id, const std::string& protocol) {
    return std::make_unique<AnsweringCharger>(
        server_->ocpp_port(), id, protocol, [this, id](const json& call) { return meter_.apply(id, call); });
  }
  // Waits (~40 s) until the sessions' limits are `expected` (in key order); returns them. An
  // increase waits for the decreases that make room, and for the cars to come down (6 s).
  std::vector<double> wait_limits(const std::vector<double>& expected) {
    std::vector<double> got;
    for (int i = 0; i < 800; ++i) {
      got = meter_.limits();
      if (got == expected) break;
      std::this_thread::sleep_for(50ms);
    }
    return got;
  }
  static std::string now_text() { return utc(std::chrono::system_clock::now()); }

  std::string url_;
  std::unique_ptr<CsmsProcess> server_;
  SiteMeter meter_;
};

TEST_F(LoadManagementE2e, ThreeChargersOnA32ASiteStayUnderTheLimitAndAreRebalanced) {
  ASSERT_EQ(
      api("POST", "/api/v1/sites", json{{"id", "depot"}, {"name", "Depot"}, {"limit_a", kLimit}}).status,
      201);
  for (const auto* id : {"LM-1", "LM-2", "LM-3"}) {
    ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", id}, {"site_id", "depot"}}).status, 201);
    ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", std::string("TAG-") + id}}).status, 201);
  }
  auto one = charger("LM-1", "ocpp1.6");
  auto two = charger("LM-2", "ocpp1.6");
  auto three = charger("LM-3", "ocpp2.0.1");
  // The fallback (TxDefaultProfile, 0 A: a new session waits for its share) comes at boot.
  for (int i = 0; i < 300 && !(meter_.has_fallback("LM-1") && meter_.has_fallback("LM-2") &&
                               meter_.has_fallback("LM-3"));
       ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(meter_.has_fallback("LM-1") && meter_.has_fallback("LM-2") && meter_.has_fallback("LM-3"));

  auto start16 = [&](AnsweringCharger& c, const std::string& id) {
    meter_.start(id, 1);
    auto answer =
        c.call("StartTransaction",
               {{"connectorId", 1}, {"idTag", "TAG-" + id}, {"meterStart", 0}, {"timestamp", now_text()}});
    return answer.value("transactionId", 0);
  };
  const int tx1 = start16(*one, "LM-1");
  ASSERT_GT(tx1, 0);
  EXPECT_EQ(wait_limits({32}), (std::vector<double>{32}));
  start16(*two, "LM-2");
  EXPECT_EQ(wait_limits({16, 16}), (std::vector<double>{16, 16}));
  meter_.start("LM-3", 1);
  three->call("TransactionEvent",
              {{"eventType", "Started"},
               {"timestamp", now_text()},
               {"triggerReason", "Authorized"},
               {"seqNo", 0},
               {"transactionInfo", {{"transactionId", "LM3-T1"}, {"chargingState", "Charging"}}},
               {"evse", {{"id", 1}, {"connectorId", 1}}},
               {"idToken", {{"idToken", "TAG-LM-3"}, {"type", "ISO14443"}}}});
  // 11 + 11 + 10: whole amps, the first to come take the remainder.
  EXPECT_EQ(wait_limits({11, 11, 10}), (std::vector<double>{11, 11, 10}));
  EXPECT_LE(meter_.worst(), kLimit);

  // One stops: the others share its part.
  meter_.stop("LM-1", 1);
  one->call("StopTransaction", {{"transactionId", tx1}, {"meterStop", 5000}, {"timestamp", now_text()}});
  EXPECT_EQ(wait_limits({16, 16}), (std::vector<double>{16, 16}));
  EXPECT_LE(meter_.worst(), kLimit);

  // What the server says the site carries.
  json load;
  for (int i = 0; i < 100; ++i) {
    load = api("GET", "/api/v1/sites/depot/load").body;
    bool synced = load["sessions"].size() == 2;
    for (const auto& s : load["sessions"]) synced = synced && s["in_sync"] == true;
    if (synced) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(load["limit_a"], kLimit);
  EXPECT_EQ(load["allocated_a"], json::array({32, 32, 32}));
  EXPECT_EQ(load["worst_case_a"], json::array({32, 32, 32}));
  ASSERT_EQ(load["sessions"].size(), 2u);
  for (const auto& s : load["sessions"]) {
    EXPECT_EQ(s["target_a"], 16);
    EXPECT_EQ(s["in_force_a"], 16);
    EXPECT_EQ(s["in_sync"], true);
  }

  // The analytics' site dimension: only the site's stations; a site without any: no rows.
  auto report = api("GET", "/api/v1/analytics/utilization?site=depot&bucket=day");
  ASSERT_EQ(report.status, 200) << report.raw;
  for (const auto& row : report.body["rows"])
    EXPECT_TRUE(row["station_id"] == "LM-1" || row["station_id"] == "LM-2" || row["station_id"] == "LM-3")
        << row;
  EXPECT_EQ(api("GET", "/api/v1/analytics/energy?site=nowhere").body["rows"], json::array());

  // The 2.0.1 charger reconnects: its session's profile comes again.
  three.reset();
  auto profiles_for = [](AnsweringCharger& c, const std::string& purpose) {
    int n = 0;
    for (const auto& call : c.calls())
      if (call[2] == "SetChargingProfile" && call[3]["chargingProfile"]["chargingProfilePurpose"] == purpose)
        ++n;
    return n;
  };
  three = charger("LM-3", "ocpp2.0.1");
  for (int i = 0; i < 200 && profiles_for(*three, "TxProfile") == 0; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(profiles_for(*three, "TxProfile"), 1);
  EXPECT_EQ(profiles_for(*three, "TxDefaultProfile"), 1);
  EXPECT_LE(meter_.worst(), kLimit);

  // The 2.0.1 station reports an external limit of 6 A (its EMS): it gets 6, the other the rest.
  three->call(
      "NotifyChargingLimit",
      {{"chargingLimit", {{"chargingLimitSource", "EMS"}}},
       {"evseId", 1},
       {"chargingSchedule",
        json::array({{{"id", 1},
                      {"chargingRateUnit", "A"},
                      {"chargingSchedulePeriod", json::array({{{"startPeriod", 0}, {"limit", 6}}})}}})}});
  EXPECT_EQ(wait_limits({26, 6}), (std::vector<double>{26, 6}));
  auto external = api("GET", "/api/v1/charging-profiles?station=LM-3&state=installed").body;
  ASSERT_EQ(external["items"].size(), 1u) << external;
  EXPECT_EQ(external["items"][0]["purpose"], "ChargingStationExternalConstraints");
  EXPECT_EQ(external["items"][0]["source"], "station");
  EXPECT_EQ(external["items"][0]["limit_source"], "EMS");
  const auto external_id = std::to_string(external["items"][0]["id"].get<long long>());
  EXPECT_EQ(api("DELETE", "/api/v1/charging-profiles/" + external_id).status, 409);  // read-only

  // The site's limit changes: the sessions follow.
  ASSERT_EQ(api("PATCH", "/api/v1/sites/depot", json{{"limit_a", 20}}).status, 200);
  EXPECT_EQ(wait_limits({14, 6}), (std::vector<double>{14, 6}));
  // The station clears its limit: 10 and 10.
  three->call("ClearedChargingLimit", {{"chargingLimitSource", "EMS"}, {"evseId", 1}});
  EXPECT_EQ(wait_limits({10, 10}), (std::vector<double>{10, 10}));
  EXPECT_EQ(api("GET", "/api/v1/charging-profiles/" + external_id).body["state"], "cleared");
  EXPECT_LE(meter_.worst(), kLimit);
}

TEST_F(LoadManagementE2e, AStationRejectingProfilesRaisesAnAlert) {
  ASSERT_EQ(api("POST", "/api/v1/sites", json{{"id", "yard"}, {"limit_w", 22080}}).status, 201);
  ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", "LM-NO"}, {"site_id", "yard"}}).status, 201);
  AnsweringCharger refusing(server_->ocpp_port(), "LM-NO", "ocpp2.0.1", [](const json& call) {
    return call[2] == "SetChargingProfile" ? json{{"status", "Rejected"}} : json::object();
  });
  json alerts;
  for (int i = 0; i < 200; ++i) {
    alerts = api("GET", "/api/v1/alerts?rule=load_control_failed&station=LM-NO").body;
    if (!alerts["items"].empty()) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(alerts["items"].size(), 1u);
  EXPECT_EQ(alerts["items"][0]["details"]["status"], "Rejected");
  EXPECT_EQ(alerts["items"][0]["evse_id"], 0);
}

TEST_F(LoadManagementE2e, SitesAreValidatedAndAStationNeedsAnExistingSite) {
  EXPECT_EQ(api("POST", "/api/v1/sites", json{{"id", "s"}}).status, 400);  // no limit
  EXPECT_EQ(api("POST", "/api/v1/sites", json{{"id", "s"}, {"limit_a", 32}, {"limit_w", 1000}}).status, 400);
  EXPECT_EQ(
      api("POST", "/api/v1/sites",
          json{
              {"id", "s"}, {"limit_a", 32}, {"schedule", json::array({{{"from", "25:00"}, {"limit_a", 1}}})}})
          .status,
      400);
  auto created =
      api("POST", "/api/v1/sites",
          json{{"id", "s"},
               {"limit_a", 32},
               {"time_zone", "Europe/Berlin"},
               {"schedule",
                json::array({{{"from", "22:00"}, {"limit_a", 63}}, {{"from", "07:00"}, {"limit_a", 32}}})}});
  ASSERT_EQ(created.status, 201);
  EXPECT_EQ(created.body["schedule"].size(), 2u);
  EXPECT_EQ(api("POST", "/api/v1/sites", json{{"id", "s"}, {"limit_a", 10}}).status, 409);
  auto station = api("POST", "/api/v1/stations", json{{"id", "ST"}, {"site_id", "nowhere"}});
  EXPECT_EQ(station.status, 409);
  ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", "ST"}, {"site_id", "s"}}).status, 201);
  EXPECT_EQ(api("GET", "/api/v1/stations/ST").body["site_id"], "s");
  EXPECT_EQ(api("DELETE", "/api/v1/sites/s").status, 409);  // a station is there
  EXPECT_EQ(api("PATCH", "/api/v1/stations/ST", json{{"site_id", nullptr}}).status, 200);
  EXPECT_EQ(api("DELETE", "/api/v1/sites/s").status, 204);
  EXPECT_EQ(api("GET", "/api/v1/sites/s/load").status, 404);
}

}  // namespace
}  // namespace csms::testing

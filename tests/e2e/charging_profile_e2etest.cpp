// Operators' charging profiles (issue 17) against the real server, PostgreSQL and chargers of
// both versions: installed and cleared through the station, checked by each version's rules
// with precise answers, sent again when the station reconnects, and compared with the
// composite schedule the station reports (drift).

#include <gtest/gtest.h>

#include <ctime>
#include <thread>

#include "support/answering_charger.hpp"
#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

std::string utc_in(std::chrono::seconds from_now) { return utc(std::chrono::system_clock::now() + from_now); }

json default_profile(const std::string& station, double limit) {
  return {{"station_id", station},
          {"evse_id", 1},
          {"purpose", "TxDefaultProfile"},
          {"stack_level", 0},
          {"kind", "Absolute"},
          {"schedule",
           {{"charging_rate_unit", "A"},
            {"start_schedule", utc_in(-3600s)},
            {"periods", json::array({{{"start_s", 0}, {"limit", limit}}})}}}};
}

class ChargingProfileE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
    url_ = fresh_database("csms_e2e_profiles");
    server_ = std::make_unique<CsmsProcess>(url_);
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
  }
  HttpResult api(const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt) {
    return http(server_->api_port(), method, target, body);
  }
  // Answers SetChargingProfile and ClearChargingProfile with Accepted, GetCompositeSchedule
  // with one period of `reported_limit_`.
  std::unique_ptr<AnsweringCharger> charger(const std::string& id, const std::string& protocol) {
    return std::make_unique<AnsweringCharger>(
        server_->ocpp_port(), id, protocol, [this, protocol](const json& call) {
          if (call[2] == "GetCompositeSchedule") {
            json schedule = {{"chargingRateUnit", "A"},
                             {"duration", call[3]["duration"]},
                             {"chargingSchedulePeriod",
                              json::array({{{"startPeriod", 0}, {"limit", reported_limit_.load()}}})}};
            if (protocol == "ocpp1.6")
              return json{{"status", "Accepted"},
                          {"connectorId", 1},
                          {"scheduleStart", utc_in(0s)},
                          {"chargingSchedule", schedule}};
            schedule["evseId"] = 1;
            schedule["scheduleStart"] = utc_in(0s);
            return json{{"status", "Accepted"}, {"schedule", schedule}};
          }
          return json{{"status", "Accepted"}};
        });
  }
  static int calls_of(AnsweringCharger& c, const std::string& action) {
    int n = 0;
    for (const auto& call : c.calls()) n += call[2] == action;
    return n;
  }

  std::string url_;
  std::unique_ptr<CsmsProcess> server_;
  std::atomic<double> reported_limit_{16};
};

TEST_F(ChargingProfileE2e, InstalledClearedCheckedAndSentAgainAfterAReconnect) {
  auto c201 = charger("CP-201", "ocpp2.0.1");
  auto created = api("POST", "/api/v1/charging-profiles", default_profile("CP-201", 16));
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["state"], "installed");
  EXPECT_EQ(created.body["status"], "Accepted");
  const auto id = created.body["id"].get<long long>();
  auto sent = c201->calls();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent.back()[2], "SetChargingProfile");
  EXPECT_EQ(sent.back()[3]["evseId"], 1);
  EXPECT_EQ(sent.back()[3]["chargingProfile"]["id"], id);
  EXPECT_EQ(sent.back()[3]["chargingProfile"]["chargingSchedule"][0]["chargingSchedulePeriod"][0]["limit"],
            16);

  // The same EVSE, purpose and level again: the station could not hold both (K01.FR.06).
  auto clash = api("POST", "/api/v1/charging-profiles", default_profile("CP-201", 10));
  EXPECT_EQ(clash.status, 409);
  EXPECT_EQ(clash.body["conflicting_profile_id"], id);

  // The composite schedule the station reports agrees with the profile; then it drifts.
  auto schedule = api("GET", "/api/v1/stations/CP-201/charging-schedule?evse_id=1&duration_s=3600");
  ASSERT_EQ(schedule.status, 200) << schedule.raw;
  EXPECT_EQ(schedule.body["in_sync"], true) << schedule.raw;
  EXPECT_EQ(schedule.body["expected"], json::parse(R"([{"start_s":0,"limit":16.0}])"));
  reported_limit_ = 10;
  schedule = api("GET", "/api/v1/stations/CP-201/charging-schedule?evse_id=1&duration_s=3600");
  EXPECT_EQ(schedule.body["in_sync"], false);
  ASSERT_EQ(schedule.body["differences"].size(), 1u);
  EXPECT_EQ(schedule.body["differences"][0]["reported"], 10.0);

  // A reconnect: what the station holds is sent again.
  c201.reset();
  c201 = charger("CP-201", "ocpp2.0.1");
  for (int i = 0; i < 200 && calls_of(*c201, "SetChargingProfile") == 0; ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(calls_of(*c201, "SetChargingProfile"), 1);
  EXPECT_EQ(c201->calls()[0][3]["chargingProfile"]["id"], id);

  // Deleting clears it on the station.
  auto cleared = api("DELETE", "/api/v1/charging-profiles/" + std::to_string(id));
  EXPECT_EQ(cleared.status, 200) << cleared.raw;
  EXPECT_EQ(cleared.body["state"], "cleared");
  EXPECT_EQ(calls_of(*c201, "ClearChargingProfile"), 1);
  auto listed = api("GET", "/api/v1/charging-profiles?station=CP-201&state=cleared");
  ASSERT_EQ(listed.body["items"].size(), 1u);
}

TEST_F(ChargingProfileE2e, EachVersionsRulesAnswerPrecisely) {
  auto c16 = charger("CP-16", "ocpp1.6");
  auto body = default_profile("CP-16", 16);
  body["purpose"] = "TxProfile";
  EXPECT_EQ(api("POST", "/api/v1/charging-profiles", body).status, 400);  // no transaction
  body["transaction_id"] = 999;
  auto not_running = api("POST", "/api/v1/charging-profiles", body);
  EXPECT_EQ(not_running.status, 409);
  EXPECT_NE(not_running.body["detail"].get<std::string>().find("not running"), std::string::npos);
  body = default_profile("CP-16", 16);
  body["schedule"]["periods"] =
      json::array({{{"start_s", 0}, {"limit", 16}, {"number_phases", 1}, {"phase_to_use", 2}}});
  auto phase = api("POST", "/api/v1/charging-profiles", body);
  EXPECT_EQ(phase.status, 400);
  EXPECT_NE(phase.body["detail"].get<std::string>().find("2.0.1"), std::string::npos);
  body = default_profile("CP-16", 16);
  body["purpose"] = "ChargingStationExternalConstraints";
  EXPECT_EQ(api("POST", "/api/v1/charging-profiles", body).status, 400);
  body = default_profile("CP-16", 16);
  body["purpose"] = "ChargePointMaxProfile";
  body["evse_id"] = 0;
  auto max = api("POST", "/api/v1/charging-profiles", body);
  ASSERT_EQ(max.status, 201) << max.raw;
  EXPECT_EQ(max.body["purpose"], "ChargingStationMaxProfile");
  const auto sent = c16->calls().back();
  EXPECT_EQ(sent[3]["connectorId"], 0);
  EXPECT_EQ(sent[3]["csChargingProfiles"]["chargingProfilePurpose"], "ChargePointMaxProfile");
  EXPECT_EQ(api("POST", "/api/v1/charging-profiles", default_profile("NOBODY", 16)).status, 404);
  ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", "CP-NEW"}}).status, 201);
  EXPECT_EQ(api("POST", "/api/v1/charging-profiles", default_profile("CP-NEW", 16)).status, 409);
}

TEST_F(ChargingProfileE2e, EvChargingNeedsAreAcceptedOnlyWhereALoadManagerServesThem) {
  auto c201 = charger("CP-NEEDS", "ocpp2.0.1");
  const json needs = {
      {"evseId", 1},
      {"chargingNeeds",
       {{"requestedEnergyTransfer", "AC_three_phase"},
        {"departureTime", utc_in(7200s)},
        {"acChargingParameters",
         {{"energyAmount", 20000}, {"evMinCurrent", 6}, {"evMaxCurrent", 32}, {"evMaxVoltage", 400}}}}}};
  EXPECT_EQ(c201->call("NotifyEVChargingNeeds", needs)["status"], "Rejected");
  ASSERT_EQ(api("POST", "/api/v1/sites", json{{"id", "home"}, {"limit_a", 32}}).status, 201);
  ASSERT_EQ(api("PATCH", "/api/v1/stations/CP-NEEDS", json{{"site_id", "home"}}).status, 200);
  EXPECT_EQ(c201->call("NotifyEVChargingNeeds", needs)["status"], "Accepted");
}

}  // namespace
}  // namespace csms::testing

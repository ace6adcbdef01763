// Reservations (issue 16) against the real server, PostgreSQL and chargers answering as real
// ones do: ReserveNow accepted and refused in both versions, a start that uses the
// reservation up, cancel, expiry, and a 2.0.1 ReservationStatusUpdate.

#include <gtest/gtest.h>

#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// The station's next CALL, answered with `answer`; returns the CALL.
json answer_next(OcppClient& station, const json& answer) {
  auto frame = json::parse(station.receive());
  EXPECT_EQ(frame[0], 2) << frame.dump();
  station.send_text(json::array({3, frame[1], answer}).dump());
  return frame;
}

// RFC 3339 UTC, `seconds` from now by the database's clock.
std::string in_seconds(const std::string& url, int seconds) {
  return query_value(url, "SELECT to_char((now() + interval '" + std::to_string(seconds) +
                              " seconds') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
}

class ReservationE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
    url_ = fresh_database("csms_e2e_reservations");
    server_ = std::make_unique<CsmsProcess>(
        url_, std::map<std::string, std::string>{
                  {"CSMS_API_TOKENS", std::string(CsmsProcess::kToken) + ":admin,viewer-token-0001:viewer"}});
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
  }
  HttpResult api(const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt) {
    return http(server_->api_port(), method, target, body);
  }
  // A REST call that makes the server call `station`, which answers `answer`.
  HttpResult through(OcppClient& station, const json& answer, const std::string& method,
                     const std::string& target, const json& body, json* call = nullptr) {
    std::thread charger([&] {
      auto frame = answer_next(station, answer);
      if (call) *call = frame;
    });
    auto result = api(method, target, body);
    charger.join();
    return result;
  }

  std::string url_;
  std::unique_ptr<CsmsProcess> server_;
};

TEST_F(ReservationE2e, Ocpp16_ReservedAcceptedUsedByTheStart_RefusedOnesAreKept_CancelAndExpiry) {
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "RES-TAG"}}).status, 201);
  OcppClient cp(server_->ocpp_port(), "RES-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}});
  const auto expires = in_seconds(url_, 900);

  EXPECT_EQ(
      api("POST", "/api/v1/reservations",
          json{{"station_id", "RES-16"}, {"id_token", "RES-TAG"}, {"expires_at", in_seconds(url_, -60)}})
          .status,
      400)
      << "an expiry in the past";
  EXPECT_EQ(http(server_->api_port(), "POST", "/api/v1/reservations",
                 json{{"station_id", "RES-16"}, {"id_token", "RES-TAG"}, {"expires_at", expires}},
                 "viewer-token-0001")
                .status,
            403);
  EXPECT_EQ(api("POST", "/api/v1/reservations",
                json{{"station_id", "NOBODY"}, {"id_token", "RES-TAG"}, {"expires_at", expires}})
                .status,
            404);

  json call;
  auto made = through(
      cp, {{"status", "Accepted"}}, "POST", "/api/v1/reservations",
      json{{"station_id", "RES-16"}, {"evse_id", 1}, {"id_token", "RES-TAG"}, {"expires_at", expires}},
      &call);
  ASSERT_EQ(made.status, 201) << made.raw;
  const int id = made.body["id"];
  EXPECT_EQ(made.body["state"], "active");
  EXPECT_EQ(call[2], "ReserveNow");
  EXPECT_EQ(call[3]["reservationId"], id);
  EXPECT_EQ(call[3]["connectorId"], 1);
  EXPECT_EQ(call[3]["idTag"], "RES-TAG");
  EXPECT_EQ(call[3]["expiryDate"], expires);

  // The driver arrives: the start names the reservation and uses it up.
  auto start = cp.call("StartTransaction", {{"connectorId", 1},
                                            {"idTag", "RES-TAG"},
                                            {"meterStart", 0},
                                            {"reservationId", id},
                                            {"timestamp", in_seconds(url_, 0)}});
  ASSERT_EQ(start[0], 3) << start.dump();
  auto used = api("GET", "/api/v1/reservations/" + std::to_string(id));
  EXPECT_EQ(used.body["state"], "used") << used.raw;
  EXPECT_EQ(used.body["transaction_id"], start[2]["transactionId"]);

  // Refused by the station: kept, with its answer.
  auto occupied = through(
      cp, {{"status", "Occupied"}}, "POST", "/api/v1/reservations",
      json{{"station_id", "RES-16"}, {"evse_id", 1}, {"id_token", "RES-TAG"}, {"expires_at", expires}});
  EXPECT_EQ(occupied.status, 409) << occupied.raw;
  EXPECT_EQ(occupied.body["reservation"]["state"], "rejected");
  EXPECT_EQ(occupied.body["reservation"]["station_status"], "Occupied");

  // Through the command route, then cancelled.
  auto by_command = through(cp, {{"status", "Accepted"}}, "POST", "/api/v1/stations/RES-16/commands/reserve",
                            json{{"evse_id", 2}, {"id_token", "RES-TAG"}, {"expires_at", expires}});
  ASSERT_EQ(by_command.status, 200) << by_command.raw;
  EXPECT_EQ(by_command.body["status"], "Accepted");
  const int second = by_command.body["reservation"]["id"];
  auto cancelled =
      through(cp, {{"status", "Accepted"}}, "POST",
              "/api/v1/reservations/" + std::to_string(second) + ":cancel", json::object(), &call);
  ASSERT_EQ(cancelled.status, 200) << cancelled.raw;
  EXPECT_EQ(cancelled.body["state"], "cancelled");
  EXPECT_EQ(call[2], "CancelReservation");
  EXPECT_EQ(call[3]["reservationId"], second);
  EXPECT_EQ(api("POST", "/api/v1/reservations/" + std::to_string(second) + ":cancel", json::object()).status,
            409)
      << "already cancelled";

  // An accepted reservation past its expiry reads as expired.
  auto brief =
      through(cp, {{"status", "Accepted"}}, "POST", "/api/v1/reservations",
              json{{"station_id", "RES-16"}, {"id_token", "RES-TAG"}, {"expires_at", in_seconds(url_, 2)}});
  ASSERT_EQ(brief.status, 201) << brief.raw;
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(api("GET", "/api/v1/reservations/" + brief.body["id"].dump()).body["state"], "expired");
  EXPECT_EQ(api("GET", "/api/v1/reservations?station=RES-16&state=expired").body["items"].size(), 1u);
  EXPECT_EQ(api("GET", "/api/v1/reservations?station=RES-16").body["items"].size(), 4u);
}

TEST_F(ReservationE2e, Ocpp201_ReserveNow_ReservationStatusUpdateRemovesIt_AndOfflineFails) {
  OcppClient cs(server_->ocpp_port(), "RES-201", {"ocpp2.0.1"});
  cs.call("BootNotification",
          {{"reason", "PowerUp"}, {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}});
  const auto expires = in_seconds(url_, 900);
  json call;
  auto made = through(
      cs, {{"status", "Accepted"}}, "POST", "/api/v1/reservations",
      json{{"station_id", "RES-201"}, {"evse_id", 1}, {"id_token", "CARD-9"}, {"expires_at", expires}},
      &call);
  ASSERT_EQ(made.status, 201) << made.raw;
  const int id = made.body["id"];
  EXPECT_EQ(call[2], "ReserveNow");
  EXPECT_EQ(call[3]["id"], id);
  EXPECT_EQ(call[3]["evseId"], 1);
  EXPECT_EQ(call[3]["idToken"], json::parse(R"({"idToken":"CARD-9","type":"ISO14443"})"));

  auto update =
      cs.call("ReservationStatusUpdate", {{"reservationId", id}, {"reservationUpdateStatus", "Removed"}});
  EXPECT_EQ(update[0], 3) << update.dump();
  EXPECT_EQ(api("GET", "/api/v1/reservations/" + std::to_string(id)).body["state"], "removed");

  // A station that is not connected: the reservation is kept as failed, the answer says why.
  ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", "RES-OFF"}}).status, 201);
  auto offline = api("POST", "/api/v1/reservations",
                     json{{"station_id", "RES-OFF"}, {"id_token", "CARD-9"}, {"expires_at", expires}});
  EXPECT_EQ(offline.status, 409) << offline.raw;
  auto kept = api("GET", "/api/v1/reservations?station=RES-OFF");
  ASSERT_EQ(kept.body["items"].size(), 1u) << kept.raw;
  EXPECT_EQ(kept.body["items"][0]["state"], "failed");
}

}  // namespace
}  // namespace csms::testing

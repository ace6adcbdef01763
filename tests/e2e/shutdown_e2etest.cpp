// Graceful shutdown: SIGTERM while chargers are sending transaction data. The process exits
// 0, chargers are told to go away, and every message that was acknowledged is in PostgreSQL.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

TEST(Shutdown, SigtermUnderLoad_ExitsZeroAndLosesNothingAcknowledged) {
  auto url = fresh_database("csms_e2e_shutdown");
  CsmsProcess server(url);
  constexpr int kChargers = 4;
  std::atomic<bool> go{true};
  std::vector<std::vector<std::string>> acknowledged(kChargers);  // sample timestamps per charger
  std::vector<std::thread> chargers;
  for (int c = 0; c < kChargers; ++c) {
    chargers.emplace_back([&, c] {
      try {
        OcppClient cp(server.ocpp_port(), "SHUT-" + std::to_string(c), {"ocpp1.6"});
        cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
        for (int i = 0; go && i < 100000; ++i) {
          char at[32];
          std::snprintf(at, sizeof at, "2026-03-01T%02d:%02d:%02d.%03dZ", 10 + i / 3600000, (i / 60000) % 60,
                        (i / 1000) % 60, i % 1000);
          auto answer =
              cp.call("MeterValues",
                      {{"connectorId", 1},
                       {"meterValue",
                        {{{"timestamp", at}, {"sampledValue", {{{"value", std::to_string(1000 + i)}}}}}}}});
          if (answer[0] == 3) acknowledged[c].push_back(at);
        }
      } catch (const std::exception&) {
        // The server closed the connection: that is the point of the test.
      }
    });
  }
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(server.stop(), 0) << server.log();
  go = false;
  for (auto& t : chargers) t.join();

  std::size_t total = 0;
  for (int c = 0; c < kChargers; ++c) {
    total += acknowledged[c].size();
    if (acknowledged[c].empty()) continue;
    // Every acknowledged sample of this charger is stored (they are unique per timestamp).
    auto stored =
        query_value(url, "SELECT count(*) FROM meter_samples WHERE station_id = 'SHUT-" + std::to_string(c) +
                             "' AND sampled_at <= '" + acknowledged[c].back() + "'");
    EXPECT_EQ(stored, std::to_string(acknowledged[c].size())) << "charger " << c;
  }
  EXPECT_GT(total, 50u) << "the load ran before the signal";
  EXPECT_NE(server.log().find("received SIGTERM"), std::string::npos);
}

}  // namespace
}  // namespace csms::testing

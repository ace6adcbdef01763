// Analytics on the real server: a 1.6 charger's session becomes hourly rollups through the
// event path (no rebuild), the reports answer in JSON and CSV with the same figures, and
// maintenance windows and bad queries get precise answers.

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream cells_in(line);
    std::string cell;
    while (std::getline(cells_in, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.push_back("");
    rows.push_back(cells);
  }
  return rows;
}

class AnalyticsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = fresh_database("csms_e2e_analytics");
    server_ = std::make_unique<CsmsProcess>(
        url_, std::map<std::string, std::string>{{"CSMS_ANALYTICS_TICK_MS", "200"}});
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
  }
  HttpResult api(const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt, const std::string& accept = "") {
    return http(server_->api_port(), method, target, body, CsmsProcess::kToken, accept);
  }

  std::string url_;
  std::unique_ptr<CsmsProcess> server_;
};

TEST_F(AnalyticsE2e, SessionEnergyReachesTheReports_JsonAndCsvAgree) {
  // The session happened 3 hours ago (the charger sends its timestamps): 12 kWh over one hour.
  const auto now = std::chrono::system_clock::now();
  const auto begin = std::chrono::floor<std::chrono::hours>(now) - 3h + 15min;
  // A default tariff that existed before the session: 0.30 EUR/kWh, 19 % VAT.
  ASSERT_EQ(api("POST", "/api/v1/tariffs",
                json{{"id", "AN"},
                     {"currency", "EUR"},
                     {"vat_percent", "19"},
                     {"is_default", true},
                     {"elements",
                      {{{"price_components", {{{"type", "ENERGY"}, {"price", "0.30"}, {"step_size", 1}}}}}}}})
                .status,
            201);
  query_value(url_, "UPDATE tariffs SET created_at = '2020-01-01T00:00:00Z'");
  OcppClient cp(server_->ocpp_port(), "AN-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  cp.call("StatusNotification",
          {{"connectorId", 1}, {"status", "Charging"}, {"errorCode", "NoError"}, {"timestamp", utc(begin)}});
  auto start =
      cp.call("StartTransaction",
              {{"connectorId", 1}, {"idTag", "ANY"}, {"meterStart", 1000}, {"timestamp", utc(begin)}});
  auto tx = start[2]["transactionId"].get<long long>();
  cp.call("MeterValues",
          {{"connectorId", 1},
           {"transactionId", tx},
           {"meterValue", {{{"timestamp", utc(begin + 30min)}, {"sampledValue", {{{"value", "7000"}}}}}}}});
  cp.call("StopTransaction",
          {{"transactionId", tx}, {"meterStop", 13000}, {"timestamp", utc(begin + 60min)}});
  cp.call("StatusNotification", {{"connectorId", 1},
                                 {"status", "Available"},
                                 {"errorCode", "NoError"},
                                 {"timestamp", utc(begin + 60min)}});

  // 12,000 Wh: 9,000 in the hour the session began (45 of 60 minutes), 3,000 in the next.
  const std::string range = "from=" + utc(std::chrono::floor<std::chrono::hours>(now) - 4h) +
                            "&to=" + utc(std::chrono::floor<std::chrono::hours>(now)) + "&station=AN-16";
  json energy;
  for (int i = 0; i < 100; ++i) {
    energy = api("GET", "/api/v1/analytics/energy?bucket=hour&" + range).body;
    long long total = 0;
    for (const auto& row : energy["rows"]) total += row["energy_wh"].get<long long>();
    if (total == 12000) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(energy["report"], "energy");
  ASSERT_EQ(energy["rows"].size(), 4u) << energy.dump();
  EXPECT_EQ(energy["rows"][1]["energy_wh"], 9000) << energy.dump();
  EXPECT_EQ(energy["rows"][2]["energy_wh"], 3000);
  EXPECT_EQ(energy["rows"][1]["sessions"], 1);
  EXPECT_EQ(energy["rows"][1]["bucket_start"],
            utc(std::chrono::floor<std::chrono::hours>(now) - 3h).substr(0, 19) + "+00:00");

  for (const std::string report : {"utilization", "energy", "uptime", "peak-hours", "sessions", "revenue",
                                   "faults", "expansion", "maintenance"}) {
    auto as_json = api("GET", "/api/v1/analytics/" + report + "?bucket=hour&" + range);
    auto as_csv =
        api("GET", "/api/v1/analytics/" + report + "?bucket=hour&" + range, std::nullopt, "text/csv");
    ASSERT_EQ(as_json.status, 200) << report << as_json.raw;
    ASSERT_EQ(as_csv.status, 200) << report << as_csv.raw;
    EXPECT_EQ(as_csv.content_type, "text/csv; charset=utf-8");
    auto table = parse_csv(as_csv.raw);
    const auto rows = nlohmann::ordered_json::parse(as_json.raw)["rows"];
    ASSERT_EQ(table.size(), rows.size() + 1) << report;
    // Same columns in the same order, same values.
    std::vector<std::string> keys;
    if (!rows.empty()) {
      for (const auto& [key, value] : rows[0].items()) keys.push_back(key);
    }
    if (!rows.empty()) {
      EXPECT_EQ(table[0], keys) << report;
    }
    for (std::size_t r = 0; r < rows.size(); ++r) {
      for (std::size_t c = 0; c < keys.size(); ++c) {
        const auto& v = rows[r][keys[c]];
        if (v.is_number()) {  // the same number, however it is spelled (75.00 or 75.0)
          EXPECT_DOUBLE_EQ(std::stod(table[r + 1][c]), v.get<double>())
              << report << " row " << r << " column " << keys[c];
          continue;
        }
        std::string expected = v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump();
        EXPECT_EQ(table[r + 1][c], expected) << report << " row " << r << " column " << keys[c];
      }
    }
  }
  // The session's price reaches the revenue report once billing stored it (12 kWh x 0.30 =
  // 3.60, + 19 % = 4.28), by the day it ended.
  json revenue;
  for (int i = 0; i < 100; ++i) {
    revenue = api("GET", "/api/v1/analytics/revenue?bucket=day&" + range).body;
    if (!revenue["rows"].empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(revenue["rows"].size(), 1u) << revenue.dump();
  EXPECT_EQ(revenue["rows"][0]["revenue_excl_vat"], "3.60");
  EXPECT_EQ(revenue["rows"][0]["revenue_incl_vat"], "4.28");

  // What 0.50 EUR/kWh + 19 % VAT would have earned: 12 kWh -> 6.00 + 1.14 = 7.14, against
  // 4.28: +66.8 %.
  auto simulation =
      api("POST", "/api/v1/analytics/tariff-simulation",
          json{{"tariff",
                {{"currency", "EUR"},
                 {"vat_percent", "19"},
                 {"elements",
                  {{{"price_components", {{{"type", "ENERGY"}, {"price", "0.50"}, {"step_size", 1}}}}}}}}},
               {"from", utc(std::chrono::floor<std::chrono::hours>(now) - 4h)},
               {"to", utc(now)},
               {"station", {"AN-16"}}});
  ASSERT_EQ(simulation.status, 200) << simulation.raw;
  EXPECT_EQ(simulation.body["sessions"], 1);
  EXPECT_EQ(simulation.body["rows"][0]["customer_type"], "all");
  EXPECT_EQ(simulation.body["rows"][0]["proposed_incl_vat"], "7.14");
  EXPECT_EQ(simulation.body["rows"][0]["unpriced_sessions"], 0);
  EXPECT_EQ(simulation.body["rows"][0]["actual_incl_vat"], "4.28");
  EXPECT_EQ(simulation.body["rows"][0]["change_percent"], 66.8);
  EXPECT_EQ(simulation.body["rows"][0]["energy_wh"], 12000);
  auto bad = api("POST", "/api/v1/analytics/tariff-simulation",
                 json{{"tariff", {{"currency", "EURO"}}}, {"from", utc(now - 1h)}, {"to", utc(now)}});
  EXPECT_EQ(bad.status, 400) << bad.raw;

  auto utilization = api("GET", "/api/v1/analytics/utilization?bucket=hour&" + range).body;
  EXPECT_EQ(utilization["rows"][1]["occupied_s"], 45 * 60) << utilization.dump();
  EXPECT_EQ(utilization["rows"][2]["occupied_s"], 15 * 60);
}

TEST_F(AnalyticsE2e, BadQueriesAndMaintenanceWindows) {
  EXPECT_EQ(api("GET", "/api/v1/analytics/nonsense").status, 404);
  EXPECT_EQ(api("GET", "/api/v1/analytics/energy?bucket=year").status, 400);
  EXPECT_EQ(api("GET", "/api/v1/analytics/energy?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z").status,
            400);
  EXPECT_EQ(api("GET", "/api/v1/analytics/energy?from=yesterday").status, 400);
  auto hourly_year =
      api("GET", "/api/v1/analytics/energy?bucket=hour&from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z");
  EXPECT_EQ(hourly_year.status, 400);
  EXPECT_EQ(hourly_year.content_type, "application/problem+json");

  ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", "MW-1"}, {"time_zone", "Europe/Berlin"}}).status,
            201);
  auto missing = api("POST", "/api/v1/maintenance-windows",
                     json{{"station_id", "NOPE"},
                          {"starts_at", "2026-01-01T00:00:00Z"},
                          {"ends_at", "2026-01-01T02:00:00Z"}});
  EXPECT_EQ(missing.status, 404) << missing.raw;
  auto backwards = api("POST", "/api/v1/maintenance-windows",
                       json{{"station_id", "MW-1"},
                            {"starts_at", "2026-01-01T02:00:00Z"},
                            {"ends_at", "2026-01-01T00:00:00Z"}});
  EXPECT_EQ(backwards.status, 400);
  auto created = api("POST", "/api/v1/maintenance-windows",
                     json{{"station_id", "MW-1"},
                          {"starts_at", "2026-01-01T01:00:00+01:00"},
                          {"ends_at", "2026-01-01T03:00:00Z"},
                          {"reason", "transformer swap"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["starts_at"], "2026-01-01T00:00:00Z");
  auto id = std::to_string(created.body["id"].get<long long>());
  EXPECT_EQ(api("GET", "/api/v1/maintenance-windows/" + id).body["reason"], "transformer swap");
  EXPECT_EQ(api("GET", "/api/v1/maintenance-windows?station=MW-1").body["items"].size(), 1u);
  EXPECT_EQ(api("DELETE", "/api/v1/maintenance-windows/" + id).status, 204);
  EXPECT_EQ(api("GET", "/api/v1/maintenance-windows/" + id).status, 404);
}

}  // namespace
}  // namespace csms::testing

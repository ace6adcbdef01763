// Analytics on the real server: a 1.6 charger's session becomes hourly rollups through the
// event path (no rebuild), the reports answer in JSON and CSV with the same figures, and
// maintenance windows and bad queries get precise answers.

#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <set>
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
    // Compared when the figures held still around the CSV request (the session's rollups and
    // price may still be landing).
    HttpResult as_json, as_csv;
    for (int attempt = 0; attempt < 50; ++attempt) {
      as_json = api("GET", "/api/v1/analytics/" + report + "?bucket=hour&" + range);
      as_csv = api("GET", "/api/v1/analytics/" + report + "?bucket=hour&" + range, std::nullopt, "text/csv");
      if (api("GET", "/api/v1/analytics/" + report + "?bucket=hour&" + range).raw == as_json.raw) break;
      std::this_thread::sleep_for(100ms);
    }
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

  // Occupied from the Charging status to the Available one: 45 minutes, then 15. The
  // Available status may be rolled up a tick after the session's energy.
  json utilization;
  for (int i = 0; i < 100; ++i) {
    utilization = api("GET", "/api/v1/analytics/utilization?bucket=hour&" + range).body;
    if (utilization["rows"].size() > 2 && utilization["rows"][2]["occupied_s"] == 15 * 60) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(utilization["rows"][1]["occupied_s"], 45 * 60) << utilization.dump();
  EXPECT_EQ(utilization["rows"][2]["occupied_s"], 15 * 60) << utilization.dump();
}

// "2026-03-01T10:00:00+01:00" as seconds since the epoch (report labels carry their offset).
long long instant(const std::string& label) {
  std::tm tm{};
  char sign = '+';
  int off_h = 0, off_m = 0;
  if (std::sscanf(label.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &sign, &off_h, &off_m) != 9)
    throw std::runtime_error("not a report label: " + label);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const long long offset = (off_h * 3600LL + off_m * 60LL) * (sign == '-' ? -1 : 1);
  return static_cast<long long>(timegm(&tm)) - offset;
}

// Money as hundredths ("4.28" -> 428), exact.
long long cents(const json& amount) {
  const auto text = amount.get<std::string>();
  const auto dot = text.find('.');
  const auto whole = std::stoll(text.substr(0, dot));
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  fraction.resize(2, '0');
  return whole * 100 + (text[0] == '-' ? -1 : 1) * std::stoll(fraction);
}

TEST_F(AnalyticsE2e, Groups_StationAndFleetRows_AreSumsOfTheFinerRows_AcrossTimeZones) {
  const auto now = std::chrono::system_clock::now();
  const auto hour = std::chrono::floor<std::chrono::hours>(now);
  ASSERT_EQ(api("POST", "/api/v1/tariffs",
                json{{"id", "AG"},
                     {"currency", "EUR"},
                     {"vat_percent", "19"},
                     {"is_default", true},
                     {"elements",
                      {{{"price_components", {{{"type", "ENERGY"}, {"price", "0.33"}, {"step_size", 1}}}}}}}})
                .status,
            201);
  query_value(url_, "UPDATE tariffs SET created_at = '2020-01-01T00:00:00Z'");
  // Two stations in zones an hour apart in their labels but not in their hours, a third whole
  // days apart: one session each, of different lengths and energy.
  const std::vector<std::tuple<std::string, std::string, int, int>> stations = {
      {"AG-BER", "Europe/Berlin", 2, 40}, {"AG-UTC", "UTC", 1, 25}, {"AG-NYC", "America/New_York", 1, 70}};
  std::vector<std::unique_ptr<OcppClient>> chargers;
  for (const auto& [id, zone, connectors, minutes] : stations) {
    ASSERT_EQ(api("POST", "/api/v1/stations", json{{"id", id}, {"time_zone", zone}}).status, 201);
    auto& cp = *chargers.emplace_back(
        std::make_unique<OcppClient>(server_->ocpp_port(), id, std::vector<std::string>{"ocpp1.6"}));
    cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
    for (int c = 1; c <= connectors; ++c)
      cp.call("StatusNotification", {{"connectorId", c},
                                     {"status", "Available"},
                                     {"errorCode", "NoError"},
                                     {"timestamp", utc(hour - 4h)}});
    const auto begin = hour - 3h + 10min;
    const auto end = begin + std::chrono::minutes(minutes);
    cp.call(
        "StatusNotification",
        {{"connectorId", 1}, {"status", "Charging"}, {"errorCode", "NoError"}, {"timestamp", utc(begin)}});
    auto tx = cp.call("StartTransaction", {{"connectorId", 1},
                                           {"idTag", "AG-" + id},
                                           {"meterStart", 0},
                                           {"timestamp", utc(begin)}})[2]["transactionId"]
                  .get<long long>();
    cp.call("StopTransaction",
            {{"transactionId", tx}, {"meterStop", minutes * 200}, {"timestamp", utc(end)}});
    cp.call("StatusNotification",
            {{"connectorId", 1}, {"status", "Available"}, {"errorCode", "NoError"}, {"timestamp", utc(end)}});
  }
  const std::string range = "from=" + utc(hour - 4h) + "&to=" + utc(hour);
  // Wait until every session's energy (8,000 + 5,000 + 14,000 Wh) and price are in the reports.
  json energy;
  for (int i = 0; i < 150; ++i) {
    energy = api("GET", "/api/v1/analytics/energy?bucket=hour&group=fleet&" + range).body;
    long long total = 0;
    for (const auto& row : energy["rows"]) total += row["energy_wh"].get<long long>();
    long long priced = 0;
    const auto revenue = api("GET", "/api/v1/analytics/revenue?bucket=hour&group=fleet&" + range);
    for (const auto& row : revenue.body["rows"]) priced += row["sessions"].get<long long>();
    if (total == 27000 && priced == 3) break;
    if (i == 149) ADD_FAILURE() << "energy " << total << " Wh, " << priced << " sessions priced";
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(energy["group"], "fleet");
  EXPECT_EQ(energy["time_zones"], json({"America/New_York", "Europe/Berlin", "UTC"})) << energy.dump();
  EXPECT_EQ(api("GET", "/api/v1/analytics/energy?station=AG-BER&" + range).body["time_zones"],
            json({"Europe/Berlin"}));

  // For each report and grouping: the finer rows summed by (station or nothing) and start
  // instant, against the coarser rows.
  struct Case {
    std::string report, finer, coarser;
    std::vector<std::string> sums;  // numeric columns that add up
  };
  const std::vector<Case> cases = {
      {"utilization",
       "connector",
       "station",
       {"period_s", "occupied_s", "charging_s", "sessions", "connectors"}},
      {"utilization", "station", "fleet", {"period_s", "occupied_s", "charging_s", "sessions", "connectors"}},
      {"energy", "station", "fleet", {"energy_wh", "sessions"}},
      {"uptime", "station", "fleet", {"connectors", "downtime_s", "excused_downtime_s", "offline_s"}},
      {"revenue", "station", "fleet", {"sessions", "energy_wh"}},
  };
  for (const auto& c : cases) {
    for (const std::string bucket : {"hour", "day"}) {
      const auto what = c.report + " by " + bucket + ", " + c.finer + " -> " + c.coarser;
      auto finer = api(
          "GET", "/api/v1/analytics/" + c.report + "?bucket=" + bucket + "&group=" + c.finer + "&" + range);
      auto coarser = api(
          "GET", "/api/v1/analytics/" + c.report + "?bucket=" + bucket + "&group=" + c.coarser + "&" + range);
      ASSERT_EQ(finer.status, 200) << what << finer.raw;
      ASSERT_EQ(coarser.status, 200) << what << coarser.raw;
      auto key = [&](const json& row) {
        std::string k = c.coarser == "station" ? row["station_id"].get<std::string>() : "";
        k += "@" + std::to_string(instant(row["bucket_start"]));
        if (c.report == "revenue")
          k += "/" + (row["tariff_id"].is_null() ? "" : row["tariff_id"].get<std::string>()) + "/" +
               row["currency"].get<std::string>();
        return k;
      };
      std::map<std::string, std::map<std::string, double>> expected, actual;
      std::map<std::string, long long> expected_money, actual_money;
      for (const auto& row : finer.body["rows"]) {
        for (const auto& column : c.sums) expected[key(row)][column] += row[column].get<double>();
        if (c.report == "revenue") expected_money[key(row)] += cents(row["revenue_incl_vat"]);
      }
      for (const auto& row : coarser.body["rows"]) {
        EXPECT_EQ(row["station_id"].is_null(), c.coarser == "fleet") << what;
        EXPECT_TRUE(c.report != "utilization" || (row["evse_id"].is_null() && row["connector"].is_null()))
            << what;
        ASSERT_EQ(actual.count(key(row)), 0u) << what << ": one row per key, twice " << key(row);
        for (const auto& column : c.sums) actual[key(row)][column] = row[column].get<double>();
        if (c.report == "revenue") actual_money[key(row)] = cents(row["revenue_incl_vat"]);
        if (c.report == "utilization" && row["period_s"].get<double>() > 0) {
          EXPECT_NEAR(row["utilization_percent"].get<double>(),
                      100.0 * row["occupied_s"].get<double>() / row["period_s"].get<double>(), 0.006)
              << what;
        }
      }
      EXPECT_EQ(actual, expected) << what << "\n" << coarser.raw;
      EXPECT_EQ(actual_money, expected_money) << what;
      EXPECT_FALSE(actual.empty()) << what;
    }
  }
  // Daily buckets start at each zone's midnight: three instants a day for the fleet.
  auto daily = api("GET", "/api/v1/analytics/energy?bucket=day&group=fleet&" + range).body;
  std::set<long long> starts;
  for (const auto& row : daily["rows"]) starts.insert(instant(row["bucket_start"]));
  EXPECT_EQ(starts.size(), daily["rows"].size());
  EXPECT_GE(daily["rows"].size(), 3u) << daily.dump();
  // The fleet's revenue: 27 kWh x 0.33 = 8.91 EUR, + 19 % = 10.60 (each session rounded: 2.64 +
  // 1.65 + 4.62 = 8.91 -> incl. 3.14 + 1.96 + 5.50 = 10.60).
  long long fleet_revenue = 0;
  const auto fleet = api("GET", "/api/v1/analytics/revenue?bucket=day&group=fleet&" + range);
  for (const auto& row : fleet.body["rows"]) fleet_revenue += cents(row["revenue_incl_vat"]);
  EXPECT_EQ(fleet_revenue, 1060) << fleet.raw << "\n"
                                 << api("GET", "/api/v1/analytics/revenue?bucket=hour&" + range).raw;

  EXPECT_EQ(api("GET", "/api/v1/analytics/energy?group=connector&" + range).status, 400);
  EXPECT_EQ(api("GET", "/api/v1/analytics/utilization?group=site&" + range).status, 400);
  auto not_series = api("GET", "/api/v1/analytics/faults?group=fleet&" + range);
  EXPECT_EQ(not_series.status, 400);
  EXPECT_NE(not_series.raw.find("group applies to"), std::string::npos) << not_series.raw;
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

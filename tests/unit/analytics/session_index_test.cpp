#include "csms/analytics/session_index.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using csms::analytics::SessionSample;

namespace {

nlohmann::json rows(const std::vector<csms::domain::StationIdle>& stations,
                    std::vector<std::vector<SessionSample>> sessions) {
  auto table = csms::analytics::sessions_report_rows(stations, sessions);
  return nlohmann::json::parse(csms::domain::report_rows_json(table, table.columns));
}

}  // namespace

TEST(SessionsReport, NearestRankPercentilesRoundedAsPostgresRoundsThem) {
  // Durations 1.5 s .. 10.5 s, energies 1.5 .. 10.5 Wh: p50 is the 5th (5.5), p90 the 9th.
  std::vector<SessionSample> s;
  for (int i = 10; i >= 1; --i) s.push_back({i * 1000 + 500, i + 0.5, 0, 0});
  auto r = rows({{"A", "12.50"}}, {s});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["sessions"], 10);
  EXPECT_EQ(r[0]["duration_p50_s"], 6);   // 5.5 s: halves away from zero (numeric)
  EXPECT_EQ(r[0]["duration_p90_s"], 10);  // 9.5 s
  EXPECT_EQ(r[0]["duration_max_s"], 11);
  EXPECT_EQ(r[0]["energy_p50_wh"], 6);   // 5.5 Wh: halves to even (double precision)
  EXPECT_EQ(r[0]["energy_p90_wh"], 10);  // 9.5 Wh
  EXPECT_EQ(r[0]["energy_max_wh"], 10);  // 10.5 Wh
  EXPECT_EQ(r[0]["idle_percent"], 12.5);
  EXPECT_TRUE(r[0]["repeat_percent"].is_null()) << "no tokens: no share";
  EXPECT_EQ(r[0]["unique_id_tokens"], 0);
}

TEST(SessionsReport, TokensCustomersAndStationsWithoutSessions) {
  // Token 1 three times, 2 once, 3 twice: 2 of 3 repeat (66.67 %); customers 7 and 8.
  std::vector<SessionSample> s = {{60000, 1, 1, 7}, {60000, 1, 1, 7}, {60000, 1, 1, 7},
                                  {60000, 1, 2, 8}, {60000, 1, 3, 0}, {60000, 1, 3, 0}};
  auto r = rows({{"A", std::nullopt}, {"B", std::nullopt}, {"C", std::nullopt}}, {{}, s, {}});
  ASSERT_EQ(r.size(), 1u) << "only stations with sessions";
  EXPECT_EQ(r[0]["station_id"], "B");
  EXPECT_EQ(r[0]["unique_id_tokens"], 3);
  EXPECT_EQ(r[0]["unique_customers"], 2);
  EXPECT_EQ(r[0]["repeat_percent"], 66.67);
  EXPECT_TRUE(r[0]["idle_percent"].is_null());
  // One session: every percentile is that session.
  auto one = rows({{"A", std::nullopt}}, {{{120000, 42.0, 0, 0}}});
  EXPECT_EQ(one[0]["duration_p50_s"], 120);
  EXPECT_EQ(one[0]["duration_p90_s"], 120);
}

// The tariff simulation: historical sessions re-priced with a proposed tariff, compared
// with what they were priced at, per customer type. Amounts worked by hand.
#include "csms/billing/simulation.hpp"

#include <gtest/gtest.h>

namespace csms::billing {
namespace {

domain::Timestamp at(const char* text) { return *domain::parse_timestamp(text); }

domain::HistoricalSession session(double wh, const char* cost, bool subscription) {
  domain::HistoricalSession s;
  s.data.started_at = at("2026-01-15T10:00:00Z");
  s.data.stopped_at = at("2026-01-15T11:00:00Z");
  s.data.register_wh = {{at("2026-01-15T10:00:00Z"), 0.0}, {at("2026-01-15T11:00:00Z"), wh}};
  if (cost) s.cost_json = cost;
  s.subscription = subscription;
  return s;
}

Tariff half_euro_per_kwh() {
  return nlohmann::json{
      {"id", "NEW"},
      {"currency", "EUR"},
      {"vat_percent", "19"},
      {"elements", {{{"price_components", {{{"type", "ENERGY"}, {"price", "0.50"}, {"step_size", 1}}}}}}}}
      .get<Tariff>();
}

TEST(TariffSimulation, ComparesActualAndProposedByCustomerType) {
  // 10 kWh pay-as-you-go, priced 3.90 + VAT = 4.64; 20 kWh by a subscriber, 7.80 / 9.28.
  // Proposed 0.50/kWh + 19 %: 5.00 + 0.95 = 5.95 and 10.00 + 1.90 = 11.90.
  auto result = simulate_tariff(
      half_euro_per_kwh(),
      {session(10000, R"({"currency":"EUR","total_excl_vat":"3.90","total_incl_vat":"4.64"})", false),
       session(20000, R"({"currency":"EUR","total_excl_vat":"7.80","total_incl_vat":"9.28"})", true)});
  const auto& rows = result["rows"];
  ASSERT_EQ(rows.size(), 3u);
  const auto& all = rows[0];
  EXPECT_EQ(all["customer_type"], "all");
  EXPECT_EQ(all["sessions"], 2);
  EXPECT_EQ(all["energy_wh"], 30000);
  EXPECT_EQ(all["actual_excl_vat"], "11.70");
  EXPECT_EQ(all["actual_incl_vat"], "13.92");
  EXPECT_EQ(all["proposed_excl_vat"], "15.00");
  EXPECT_EQ(all["proposed_incl_vat"], "17.85");
  EXPECT_EQ(all["actual_per_session_incl_vat"], "6.96");
  EXPECT_EQ(all["proposed_per_session_incl_vat"], "8.93");  // 8.925 half-up
  EXPECT_EQ(all["actual_per_kwh_incl_vat"], "0.4640");
  EXPECT_EQ(all["proposed_per_kwh_incl_vat"], "0.5950");
  EXPECT_DOUBLE_EQ(all["change_percent"].get<double>(), 28.2);  // 3.93 / 13.92
  EXPECT_EQ(rows[1]["customer_type"], "subscription");
  EXPECT_EQ(rows[1]["proposed_incl_vat"], "11.90");
  EXPECT_EQ(rows[1]["actual_incl_vat"], "9.28");
  EXPECT_EQ(rows[2]["customer_type"], "pay_as_you_go");
  EXPECT_EQ(rows[2]["proposed_incl_vat"], "5.95");
  EXPECT_DOUBLE_EQ(rows[2]["change_percent"].get<double>(), 28.2);  // 1.31 / 4.64
}

TEST(TariffSimulation, UnpricedSessionsAreCountedAndLeaveNoChangePercent) {
  auto result = simulate_tariff(half_euro_per_kwh(), {session(4000, nullptr, false)});
  const auto& all = result["rows"][0];
  EXPECT_EQ(all["unpriced_sessions"], 1);
  EXPECT_EQ(all["proposed_incl_vat"], "2.38");  // 2.00 + 0.38
  EXPECT_EQ(all["actual_incl_vat"], "0.00");
  EXPECT_TRUE(all["change_percent"].is_null());
  EXPECT_EQ(result["rows"][1]["sessions"], 0);
}

}  // namespace
}  // namespace csms::billing

#include "csms/billing/plan.hpp"

#include <gtest/gtest.h>

#include "billing_test_util.hpp"

namespace csms::billing {
namespace {

using test::describe;
using test::tariff;
using test::utc;
using test::wh;

const char* const kTariff = R"({"id": "t", "currency": "EUR", "vat_percent": "19", "elements": [
    {"price_components": [{"type": "ENERGY", "price": "0.30"}, {"type": "TIME", "price": "1.00"}]}]})";

PricedSession charge(const char* start, const char* stop, std::int64_t energy_wh,
                     const char* tariff_json = kTariff) {
  return price_session(
      tariff(tariff_json),
      {.start = utc(start), .stop = utc(stop), .readings = {wh(start, 0), wh(stop, energy_wh)}});
}

Plan commuter(std::int64_t included_wh, std::int64_t discount_micropercent) {
  return {"p1", "Commuter", {"EUR", 9'990'000}, included_wh, discount_micropercent, std::nullopt};
}

TEST(ApplyPlan, IncludedEnergySpansTwoSessions_InChronologicalOrder) {
  // Before the plan (0.30/kWh, 1.00/h):
  //   S1 Jan 3:  6000 Wh → 1.80, 1 h → 1.00
  //   S2 Jan 10: 8000 Wh → 2.40, 30 min → 0.50
  //   S3 Jan 20: 2000 Wh → 0.60, 15 min → 0.25
  // 10 000 Wh included, 10 % off beyond. Given out of order, consumed by start time:
  //   S1 uses 6000 (all free): 0.00 + 1.00 = 1.00; VAT 0.19; incl. 1.19
  //   S2 uses the last 4000 free; 4000 beyond: 4 × 0.30 × 0.90 = 1.08; + 0.50 = 1.58;
  //      VAT 19 % = 0.3002 → 0.30; incl. 1.88
  //   S3 2000 beyond: 2 × 0.30 × 0.90 = 0.54; + 0.25 = 0.79; VAT 0.1501 → 0.15; incl. 0.94
  const PricedSession s1 = charge("2026-01-03 10:00", "2026-01-03 11:00", 6000);
  const PricedSession s2 = charge("2026-01-10 10:00", "2026-01-10 10:30", 8000);
  const PricedSession s3 = charge("2026-01-20 10:00", "2026-01-20 10:15", 2000);
  ASSERT_EQ(describe(s2),
            (std::vector<std::string>{"ENERGY e0 8000 @0.30 = 2.40", "TIME e0 1800 @1.00 = 0.50"}));

  const PlanMonth month = apply_plan({s2, s1, s3}, commuter(10'000, 10'000'000));

  ASSERT_EQ(month.sessions.size(), 3u);
  EXPECT_EQ(month.included_energy_used_wh, 10'000);
  EXPECT_EQ(month.monthly_fee, (Money{"EUR", 9'990'000}));
  const PricedSession& out2 = month.sessions[0];  // the order given
  const PricedSession& out1 = month.sessions[1];
  const PricedSession& out3 = month.sessions[2];

  EXPECT_EQ(describe(out1), (std::vector<std::string>{"ENERGY e0 6000 @0.00 = 0.00 PLAN_INCLUDED",
                                                      "TIME e0 3600 @1.00 = 1.00"}));
  EXPECT_EQ(format_money(out1.total_excl_vat), "1.00");
  EXPECT_EQ(format_money(out1.vat), "0.19");
  EXPECT_EQ(format_money(out1.total_incl_vat), "1.19");

  EXPECT_EQ(describe(out2), (std::vector<std::string>{"ENERGY e0 4000 @0.00 = 0.00 PLAN_INCLUDED",
                                                      "ENERGY e0 4000 @0.30 = 1.08 PLAN_DISCOUNTED",
                                                      "TIME e0 1800 @1.00 = 0.50"}));
  EXPECT_EQ(out2.lines[1].discount_percent, 10'000'000);
  EXPECT_EQ(format_money(out2.total_excl_vat), "1.58");
  EXPECT_EQ(format_money(out2.vat), "0.30");
  EXPECT_EQ(format_money(out2.total_incl_vat), "1.88");

  EXPECT_EQ(describe(out3), (std::vector<std::string>{"ENERGY e0 2000 @0.30 = 0.54 PLAN_DISCOUNTED",
                                                      "TIME e0 900 @1.00 = 0.25"}));
  EXPECT_EQ(format_money(out3.total_excl_vat), "0.79");
  EXPECT_EQ(format_money(out3.vat), "0.15");
  EXPECT_EQ(format_money(out3.total_incl_vat), "0.94");
}

TEST(ApplyPlan, WithoutDiscount_EnergyBeyondStaysATariffLine) {
  // 8000 Wh, 5000 included: 5000 free, 3000 × 0.30 = 0.90; + 1 h 1.00 = 1.90
  const PlanMonth month =
      apply_plan({charge("2026-01-03 10:00", "2026-01-03 11:00", 8000)}, commuter(5'000, 0));
  EXPECT_EQ(describe(month.sessions[0]),
            (std::vector<std::string>{"ENERGY e0 5000 @0.00 = 0.00 PLAN_INCLUDED",
                                      "ENERGY e0 3000 @0.30 = 0.90", "TIME e0 3600 @1.00 = 1.00"}));
  EXPECT_EQ(format_money(month.sessions[0].total_excl_vat), "1.90");
  EXPECT_EQ(month.included_energy_used_wh, 5'000);
}

TEST(ApplyPlan, TariffMinPrice_StillBoundsTheAdjustedTotal) {
  // Our choice: totals are recomputed as pricing does, so the tariff's min_price (1.00)
  // applies to a session whose energy was all included: lines 0.00 → 1.00; VAT 0.19.
  const char* const with_minimum = R"({"id": "t", "currency": "EUR", "vat_percent": "19", "min_price": "1.00",
      "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})";
  const PricedSession priced = charge("2026-01-03 10:00", "2026-01-03 11:00", 5000, with_minimum);
  ASSERT_EQ(format_money(priced.total_excl_vat), "1.50");
  const PlanMonth month = apply_plan({priced}, commuter(10'000, 0));
  EXPECT_EQ(format_money(month.sessions[0].lines_total), "0.00");
  EXPECT_EQ(format_money(month.sessions[0].total_excl_vat), "1.00");
  EXPECT_EQ(format_money(month.sessions[0].total_incl_vat), "1.19");
  EXPECT_EQ(month.sessions[0].flags, std::vector<std::string>{"min_price_applied"});
}

TEST(ApplyPlan, AppliedTwice_ChangesNothingMore) {
  const PlanMonth once =
      apply_plan({charge("2026-01-03 10:00", "2026-01-03 11:00", 8000)}, commuter(5'000, 20'000'000));
  const PlanMonth twice = apply_plan(once.sessions, commuter(5'000, 20'000'000));
  EXPECT_EQ(twice.sessions[0].lines, once.sessions[0].lines);
  EXPECT_EQ(twice.included_energy_used_wh, 0);
}

TEST(PlanJson, ReadAndWritten) {
  const Plan plan = nlohmann::json::parse(R"({"id": "p1", "name": "Commuter", "currency": "EUR",
      "monthly_fee": 9.99, "included_energy_wh": 50000, "discount_percent": "12.5", "tariff_id": "member"})")
                        .get<Plan>();
  EXPECT_EQ(plan, (Plan{"p1", "Commuter", {"EUR", 9'990'000}, 50'000, 12'500'000, "member"}));
  const nlohmann::json written = plan;
  EXPECT_EQ(written, nlohmann::json::parse(R"({"id": "p1", "name": "Commuter", "currency": "EUR",
      "monthly_fee": "9.99", "included_energy_wh": 50000, "discount_percent": "12.5", "tariff_id": "member"})"));
  EXPECT_EQ(written.get<Plan>(), plan);
}

struct InvalidPlan {
  std::string name;
  std::string patch;
  std::string message;
};

class PlanJson_Invalid : public ::testing::TestWithParam<InvalidPlan> {};

TEST_P(PlanJson_Invalid, NamesTheField) {
  nlohmann::json plan = nlohmann::json::parse(
      R"({"id": "p1", "currency": "EUR", "monthly_fee": "9.99", "included_energy_wh": 0, "discount_percent": 0})");
  plan.merge_patch(nlohmann::json::parse(GetParam().patch));
  try {
    plan.get<Plan>();
    FAIL() << "accepted " << plan.dump();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(e.what(), GetParam().message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Billing, PlanJson_Invalid,
    ::testing::Values(InvalidPlan{"MissingCurrency", R"({"currency": null})", "plan.currency: is required"},
                      InvalidPlan{"DiscountOver100", R"({"discount_percent": 101})",
                                  "plan.discount_percent: must be between 0 and 100, got 101"},
                      InvalidPlan{"NegativeIncluded", R"({"included_energy_wh": -1})",
                                  "plan.included_energy_wh: must not be negative"},
                      InvalidPlan{"FractionalIncluded", R"({"included_energy_wh": 1.5})",
                                  "plan.included_energy_wh: expected an integer number of Wh, got 1.5"},
                      InvalidPlan{"FeeWithTooManyDecimals", R"({"monthly_fee": "9.9999999"})",
                                  "plan.monthly_fee: \"9.9999999\" is not a decimal: more than 6 decimals"},
                      InvalidPlan{"EmptyTariffId", R"({"tariff_id": ""})",
                                  "plan.tariff_id: must not be empty (use null for none)"}),
    [](const ::testing::TestParamInfo<InvalidPlan>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace csms::billing

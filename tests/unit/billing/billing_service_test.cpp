// From what the database holds of a session to its cost document.

#include "csms/billing/billing_service.hpp"

#include <gtest/gtest.h>

namespace csms::billing {
namespace {

domain::Timestamp at(const char* text) { return *domain::parse_timestamp(text); }

TEST(BillingService, ChargingChangesBecomeParkingTime_AndRegistersInWhArePriced) {
  domain::PricingData data;
  data.tariff_json = R"({"id":"T","version":3,"currency":"EUR","vat_percent":"0","elements":[
      {"price_components":[{"type":"ENERGY","price":"0.30","step_size":1},
                           {"type":"PARKING_TIME","price":"6.00","step_size":1}]}]})";
  data.time_zone = "Europe/Berlin";
  data.started_at = at("2026-03-02T10:00:00Z");
  data.stopped_at = at("2026-03-02T11:00:00Z");
  data.register_wh = {{at("2026-03-02T10:00:00Z"), 1000}, {at("2026-03-02T10:30:00Z"), 7000.5}};
  data.charging_changes = {{at("2026-03-02T10:00:00Z"), true}, {at("2026-03-02T10:30:00Z"), false}};
  auto cost = BillingService::price(data);
  ASSERT_TRUE(cost);
  // Energy 6000.5 Wh: the engine bills whole Wh rounded up by step 1 Wh → 6001 Wh × 0.30/kWh
  // = 1.8003 → 1.80. Parking 10:30–11:00 = 1800 s × 6.00/h = 3.00. Total 4.80, no VAT.
  EXPECT_EQ((*cost)["tariff_version"], 3);
  EXPECT_EQ((*cost)["total_excl_vat"], "4.80");
  EXPECT_EQ((*cost)["total_incl_vat"], "4.80");
  bool parking = false;
  for (const auto& line : (*cost)["lines"])
    if (line["dimension"] == "PARKING_TIME") parking = line["quantity"] == 1800 && line["amount"] == "3.00";
  EXPECT_TRUE(parking) << cost->dump();
}

TEST(BillingService, WithoutATariff_NothingIsPriced) {
  domain::PricingData data;
  data.started_at = at("2026-03-02T10:00:00Z");
  EXPECT_FALSE(BillingService::price(data).has_value());
}

// What an ended session's pricing_status says, case by case.
domain::PricingData ended_session() {
  domain::PricingData data;
  data.started_at = at("2026-03-02T10:00:00Z");
  data.stopped_at = at("2026-03-02T11:00:00Z");
  data.register_wh = {{at("2026-03-02T10:00:00Z"), 1000}, {at("2026-03-02T11:00:00Z"), 3000}};
  return data;
}

constexpr const char* kEnergyTariff =
    R"({"id":"T","version":1,"currency":"EUR","vat_percent":"0","elements":[
        {"price_components":[{"type":"ENERGY","price":"0.50","step_size":1}]}]})";

TEST(BillingServiceAssess, WithATariffInForce_ThePriceAndStatusPriced) {
  auto data = ended_session();
  data.tariff_json = kEnergyTariff;
  auto outcome = BillingService::assess(data);
  EXPECT_EQ(outcome.status, PricingStatus::Priced);
  ASSERT_TRUE(outcome.cost);
  EXPECT_EQ((*outcome.cost)["total_excl_vat"], "1.00");  // 2 kWh x 0.50
  EXPECT_TRUE(outcome.cost->contains("signed_meter_values"));
}

TEST(BillingServiceAssess, NoTariffAtAll_SaysNoTariff) {
  auto data = ended_session();
  auto outcome = BillingService::assess(data);
  EXPECT_EQ(outcome.status, PricingStatus::NoTariff);
  EXPECT_EQ(to_string(outcome.status), "no_tariff");
  EXPECT_EQ(outcome.detail, "the station has no tariff and no tariff is the default");
  data.tariff_id = "GONE";
  EXPECT_EQ(BillingService::assess(data).detail, "tariff GONE does not exist");
  EXPECT_FALSE(BillingService::assess(data).cost);
}

TEST(BillingServiceAssess, ATariffWithNoVersionInForce_SaysWhenTheSessionStarted) {
  auto data = ended_session();
  data.tariff_id = "LATER";
  data.tariff_exists = true;
  auto outcome = BillingService::assess(data);
  EXPECT_EQ(outcome.status, PricingStatus::NoTariffInForce);
  EXPECT_EQ(to_string(outcome.status), "no_tariff_in_force");
  EXPECT_EQ(outcome.detail,
            "no version of tariff LATER is in force at the session's start (2026-03-02T10:00:00Z)");
}

TEST(BillingServiceAssess, EnergyPricedWithoutTwoReadings_IsNotPricedAsZero) {
  auto data = ended_session();
  data.tariff_json = kEnergyTariff;
  data.register_wh.resize(1);
  auto outcome = BillingService::assess(data);
  EXPECT_EQ(outcome.status, PricingStatus::NoEnergyReadings);
  EXPECT_FALSE(outcome.cost);
  EXPECT_NE(outcome.detail.find("1 energy register reading(s)"), std::string::npos) << outcome.detail;
  // A tariff that prices time only needs no readings.
  data.tariff_json = R"({"id":"T","version":1,"currency":"EUR","vat_percent":"0","elements":[
        {"price_components":[{"type":"TIME","price":"2.00","step_size":1}]}]})";
  data.register_wh.clear();
  outcome = BillingService::assess(data);
  EXPECT_EQ(outcome.status, PricingStatus::Priced);
  ASSERT_TRUE(outcome.cost);
  EXPECT_EQ((*outcome.cost)["total_excl_vat"], "2.00");  // 1 h x 2.00
}

TEST(BillingServiceAssess, AStoredTariffThatCannotBeRead_SaysWhy) {
  auto data = ended_session();
  data.tariff_id = "BROKEN";
  data.tariff_json = R"({"id":"BROKEN","currency":"EURO","vat_percent":"0","elements":[]})";
  auto outcome = BillingService::assess(data);
  EXPECT_EQ(outcome.status, PricingStatus::InvalidTariff);
  EXPECT_NE(outcome.detail.find("tariff BROKEN cannot be read: tariff.currency"), std::string::npos)
      << outcome.detail;
}

}  // namespace
}  // namespace csms::billing

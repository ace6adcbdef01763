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

}  // namespace
}  // namespace csms::billing

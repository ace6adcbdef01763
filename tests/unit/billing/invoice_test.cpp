// A monthly invoice worked by hand: the plan fee, included energy consumed in order,
// the discount beyond it, VAT per rate, and the CSV / HTML forms.
#include "csms/billing/invoice.hpp"

#include <gtest/gtest.h>

namespace csms::billing {
namespace {

domain::Timestamp at(const char* text) { return *domain::parse_timestamp(text); }

// 0.30 EUR/kWh + 1.00 EUR per session, 19 % VAT.
PricedSession session_of(const char* start, const char* stop, std::int64_t wh) {
  auto tariff = nlohmann::json{{"id", "T"},
                               {"currency", "EUR"},
                               {"vat_percent", "19"},
                               {"elements",
                                {{{"price_components",
                                   {{{"type", "ENERGY"}, {"price", "0.30"}, {"step_size", 1}},
                                    {{"type", "FLAT"}, {"price", "1.00"}, {"step_size", 1}}}}}}}}
                    .get<Tariff>();
  SessionInput input;
  input.start = at(start);
  input.stop = at(stop);
  input.readings = {{at(start), 0}, {at(stop), wh * 1000}};
  return price_session(tariff, input);
}

InvoiceInput november() {
  InvoiceInput in;
  in.customer_id = "C1";
  in.customer_name = "Ada <Fleet> & Co";
  in.month = "2026-11";
  in.time_zone = "Europe/Berlin";
  in.from = at("2026-10-31T23:00:00Z");
  in.to = at("2026-11-30T23:00:00Z");
  in.plan = nlohmann::json{
      {"id", "P"},
      {"name", "Commuter"},
      {"currency", "EUR"},
      {"monthly_fee", "9.99"},
      {"included_energy_wh", 3000},
      {"discount_percent",
       "10"}}.get<Plan>();
  in.fee_vat_percent = 19'000'000;
  // Given out of order: the plan consumes included energy by start time.
  in.sessions = {{12, "CS-2", "TAG", session_of("2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z", 3000)},
                 {11, "CS-1", "TAG", session_of("2026-11-03T10:00:00Z", "2026-11-03T11:00:00Z", 2000)}};
  return in;
}

TEST(Invoice, PlanFeeIncludedEnergyDiscountAndVatPerRate) {
  auto invoice = build_invoice(november());
  // Session 11 (first): 2000 Wh all included -> FLAT 1.00 only.
  // Session 12: 1000 Wh included, 2000 Wh at 0.30 less 10 % = 0.54, plus FLAT 1.00 = 1.54.
  // Fee 9.99. Excl. 9.99 + 1.00 + 1.54 = 12.53; VAT 19 % = 2.3807 -> 2.38; incl. 14.91.
  ASSERT_EQ(invoice["items"].size(), 3u);
  EXPECT_EQ(invoice["items"][0]["kind"], "plan_fee");
  EXPECT_EQ(invoice["items"][0]["total_excl_vat"], "9.99");
  EXPECT_EQ(invoice["items"][1]["transaction_id"], 12);
  EXPECT_EQ(invoice["items"][1]["total_excl_vat"], "1.54");
  EXPECT_EQ(invoice["items"][2]["transaction_id"], 11);
  EXPECT_EQ(invoice["items"][2]["total_excl_vat"], "1.00");
  EXPECT_EQ(invoice["plan"]["included_energy_used_wh"], 3000);
  ASSERT_EQ(invoice["vat"].size(), 1u);
  EXPECT_EQ(invoice["vat"][0]["base_excl_vat"], "12.53");
  EXPECT_EQ(invoice["vat"][0]["vat"], "2.38");
  EXPECT_EQ(invoice["total_excl_vat"], "12.53");
  EXPECT_EQ(invoice["total_vat"], "2.38");
  EXPECT_EQ(invoice["total_incl_vat"], "14.91");
  EXPECT_EQ(invoice["currency"], "EUR");
}

TEST(Invoice, SessionsInAnotherCurrencyAreListedNotBilled) {
  auto in = november();
  in.sessions[0].priced.currency = "CHF";
  auto invoice = build_invoice(in);
  ASSERT_EQ(invoice["excluded_sessions"].size(), 1u);
  EXPECT_EQ(invoice["excluded_sessions"][0]["transaction_id"], 12);
  EXPECT_EQ(invoice["items"].size(), 2u);
}

TEST(Invoice, CsvAndHtmlCarryTheSameTotals) {
  auto invoice = build_invoice(november());
  invoice["number"] = "INV-2026-000007";
  auto csv = invoice_csv(invoice);
  EXPECT_NE(csv.find("INV-2026-000007,plan_fee,,,,,,1,9.99,9.99,19,EUR\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("INV-2026-000007,total_incl_vat,,,,,,,,14.91,,EUR\r\n"), std::string::npos) << csv;
  auto html = invoice_html(invoice);
  EXPECT_NE(html.find("Ada &lt;Fleet&gt; &amp; Co"), std::string::npos);
  EXPECT_NE(html.find("14.91 EUR"), std::string::npos);
  EXPECT_EQ(html.find("<Fleet>"), std::string::npos);
}

TEST(Invoice, CsvNeutralisesFormulaTextAndKeepsNegativeAmounts) {
  auto in = november();
  in.sessions[0].station_id = "=HYPERLINK(\"http://evil.example\",\"x\")";
  auto invoice = build_invoice(in);
  invoice["number"] = "INV-2026-000008";
  invoice["items"][1]["lines"][0]["amount"] = "-0.54";  // a credit line
  auto csv = invoice_csv(invoice);
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",-0.54,"), std::string::npos) << csv;
}

}  // namespace
}  // namespace csms::billing

#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "csms/billing/plan.hpp"
#include "csms/billing/pricing.hpp"

namespace csms::billing {

struct InvoiceSession {
  std::int64_t transaction_id = 0;
  std::string station_id;
  std::string id_token;
  PricedSession priced;  // as the tariff priced it (the plan is applied by build_invoice)
  nlohmann::json signed_meter_values = nullptr;  // BillingService::signed_meter_values
};

struct InvoiceInput {
  std::string customer_id;
  std::string customer_name;
  std::string month;       // "YYYY-MM" in the customer's time zone
  std::string time_zone;   // the customer's
  domain::Timestamp from;  // the month's bounds in that zone
  domain::Timestamp to;
  std::optional<Plan> plan;
  std::int64_t fee_vat_percent = 0;  // micro-percent applied to the plan fee
  std::vector<InvoiceSession> sessions;
};

// The invoice document of one customer and month (pure): the plan fee, every session's
// lines with the plan applied (included energy consumed in chronological order, then the
// discount), VAT per rate computed on the sum of that rate's amounts excl. VAT (rounded
// half-up once per rate), totals. The currency is the plan fee's, else the first
// session's; sessions priced in another currency are listed under "excluded_sessions"
// and not billed. Money as decimal strings.
nlohmann::json build_invoice(const InvoiceInput& input);

// The invoice's lines as CSV (one row per priced line, then the fee, VAT and totals).
std::string invoice_csv(const nlohmann::json& invoice);
// A printable HTML page of the invoice (no scripts, inline CSS).
std::string invoice_html(const nlohmann::json& invoice);

}  // namespace csms::billing

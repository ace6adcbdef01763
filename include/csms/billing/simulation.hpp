#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "csms/billing/pricing.hpp"
#include "csms/billing/tariff.hpp"
#include "csms/domain/ports.hpp"

namespace csms::billing {

// What the pricing engine needs from what the database holds of a session.
SessionInput session_input(const domain::PricingData& data);

// Re-prices finished sessions with a proposed tariff and compares with what they were
// priced at, by customer type ("subscription": the id token's customer has a plan;
// "pay_as_you_go": everyone else) and in total ("all"). Pure. Returns
// {"currency", "sessions", "rows": [{customer_type, sessions, energy_wh, actual_currency,
//   actual_excl_vat, actual_incl_vat, proposed_excl_vat, proposed_incl_vat,
//   actual_per_session_incl_vat, proposed_per_session_incl_vat, actual_per_kwh_incl_vat,
//   proposed_per_kwh_incl_vat, change_percent, unpriced_sessions}]}.
// Money is exact (micro-units) and printed as decimal strings; a session priced in
// another currency than the first one seen counts under `other_currency_sessions`.
nlohmann::json simulate_tariff(const Tariff& proposed,
                               const std::vector<domain::HistoricalSession>& sessions);

}  // namespace csms::billing

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "csms/billing/money.hpp"
#include "csms/billing/pricing.hpp"

namespace csms::billing {

// A subscription: a monthly fee, energy included each month, a discount on energy
// beyond it, and optionally a tariff that replaces the station's for members.
struct Plan {
  std::string id;
  std::string name;
  Money monthly_fee;
  std::int64_t included_energy_wh = 0;
  std::int64_t discount_percent = 0;  // micro-percent, on ENERGY lines beyond the included energy
  std::optional<std::string> tariff_id;

  friend bool operator==(const Plan&, const Plan&) = default;
};

struct PlanMonth {
  std::vector<PricedSession> sessions;  // adjusted, in the order they were given
  std::int64_t included_energy_used_wh = 0;
  Money monthly_fee;
};

// Applies a plan to the priced sessions of one month. The included energy is consumed by
// the sessions in chronological order (by start; ties keep the given order) and, within
// a session, by its ENERGY lines in line order. The part of a line inside the allowance
// becomes its own zero-priced line (basis PlanIncluded, unit price 0, amount 0); the rest
// is re-priced once with the discount (basis PlanDiscounted: quantity × unit price ×
// (100 % − discount), rounded half-up) or, with no discount, stays a tariff line. We
// chose zero-priced lines over negative ones so that every line reads quantity × price
// = amount and no line is negative. Line quantities are the billed ones (after
// step_size). TIME, PARKING_TIME and FLAT lines are untouched, and lines a plan already
// adjusted are left alone. Each session's totals are then recomputed as pricing does:
// sum, min/max price of the session's tariff, VAT.
PlanMonth apply_plan(const std::vector<PricedSession>& sessions, const Plan& plan);

// {"id", "name", "currency", "monthly_fee": "9.99", "included_energy_wh": 50000,
//  "discount_percent": "10", "tariff_id": null}; decimals as strings, read from strings or
// numbers. Invalid input throws std::invalid_argument naming the field ("plan.monthly_fee: ...").
void from_json(const nlohmann::json& json, Plan& plan);
void to_json(nlohmann::json& json, const Plan& plan);
void validate(const Plan& plan);

}  // namespace csms::billing

#include "csms/billing/plan.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace csms::billing {

namespace {

constexpr std::int64_t kWhPerKwh = 1'000;

[[noreturn]] void fail(std::string_view field, const std::string& why) {
  throw std::invalid_argument("plan." + std::string(field) + ": " + why);
}

const nlohmann::json* find(const nlohmann::json& object, std::string_view key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

const nlohmann::json& require(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = find(object, key);
  if (value == nullptr) {
    fail(key, "is required");
  }
  return *value;
}

std::string string_of(const nlohmann::json& value, std::string_view key) {
  if (!value.is_string()) {
    fail(key, "expected a string, got " + value.dump());
  }
  return value.get<std::string>();
}

}  // namespace

void validate(const Plan& plan) {
  if (plan.id.empty()) {
    fail("id", "must not be empty");
  }
  if (!is_currency_code(plan.monthly_fee.currency)) {
    fail("currency", "expected an ISO 4217 code such as EUR, got \"" + plan.monthly_fee.currency + "\"");
  }
  if (plan.monthly_fee.micros < 0) {
    fail("monthly_fee", "must not be negative");
  }
  if (plan.included_energy_wh < 0) {
    fail("included_energy_wh", "must not be negative");
  }
  if (plan.discount_percent < 0 || plan.discount_percent > kMicroPercentPerWhole) {
    fail("discount_percent", "must be between 0 and 100, got " + format_decimal(plan.discount_percent));
  }
  if (plan.tariff_id && plan.tariff_id->empty()) {
    fail("tariff_id", "must not be empty (use null for none)");
  }
}

PlanMonth apply_plan(const std::vector<PricedSession>& sessions, const Plan& plan) {
  PlanMonth month;
  month.sessions = sessions;
  month.monthly_fee = plan.monthly_fee;

  std::vector<std::size_t> order(sessions.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sessions[a].start < sessions[b].start; });

  std::int64_t remaining = plan.included_energy_wh;
  const std::int64_t keep = kMicroPercentPerWhole - plan.discount_percent;
  for (const std::size_t index : order) {
    PricedSession& session = month.sessions[index];
    std::vector<PricedLine> lines;
    for (const PricedLine& line : session.lines) {
      if (line.dimension != Dimension::Energy || line.basis != LineBasis::Tariff || line.quantity == 0) {
        lines.push_back(line);
        continue;
      }
      const std::int64_t included = std::min(line.quantity, remaining);
      const std::int64_t beyond = line.quantity - included;
      remaining -= included;
      month.included_energy_used_wh += included;
      if (included > 0) {
        const Money zero{line.unit_price.currency, 0};
        lines.push_back({line.dimension, line.element_index, included, zero, zero, LineBasis::PlanIncluded});
      }
      if (beyond > 0 && plan.discount_percent > 0) {
        lines.push_back({line.dimension, line.element_index, beyond, line.unit_price,
                         line_amount(line.unit_price, beyond, kWhPerKwh, keep), LineBasis::PlanDiscounted,
                         plan.discount_percent});
      } else if (beyond > 0) {
        lines.push_back({line.dimension, line.element_index, beyond, line.unit_price,
                         line_amount(line.unit_price, beyond, kWhPerKwh)});
      }
    }
    session.lines = std::move(lines);
    finalize_totals(session);
  }
  return month;
}

void from_json(const nlohmann::json& value, Plan& plan) {
  if (!value.is_object()) {
    throw std::invalid_argument("plan: expected an object, got " + value.dump());
  }
  Plan parsed;
  parsed.id = string_of(require(value, "id"), "id");
  if (const auto* name = find(value, "name")) {
    parsed.name = string_of(*name, "name");
  }
  parsed.monthly_fee.currency = string_of(require(value, "currency"), "currency");
  parsed.monthly_fee.micros = decimal_from_json(require(value, "monthly_fee"), "plan.monthly_fee");
  if (const auto* included = find(value, "included_energy_wh")) {
    if (!included->is_number_integer()) {
      fail("included_energy_wh", "expected an integer number of Wh, got " + included->dump());
    }
    parsed.included_energy_wh = included->get<std::int64_t>();
  }
  if (const auto* discount = find(value, "discount_percent")) {
    parsed.discount_percent = decimal_from_json(*discount, "plan.discount_percent");
  }
  if (const auto* tariff_id = find(value, "tariff_id")) {
    parsed.tariff_id = string_of(*tariff_id, "tariff_id");
  }
  validate(parsed);
  plan = std::move(parsed);
}

void to_json(nlohmann::json& out, const Plan& plan) {
  out = nlohmann::json{
      {"id", plan.id},
      {"name", plan.name},
      {"currency", plan.monthly_fee.currency},
      {"monthly_fee", format_decimal(plan.monthly_fee.micros, minor_unit_digits(plan.monthly_fee.currency))},
      {"included_energy_wh", plan.included_energy_wh},
      {"discount_percent", format_decimal(plan.discount_percent)},
      {"tariff_id", nullptr}};
  if (plan.tariff_id) {
    out["tariff_id"] = *plan.tariff_id;
  }
}

}  // namespace csms::billing

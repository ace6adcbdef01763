#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "csms/billing/money.hpp"
#include "csms/domain/time.hpp"

namespace csms::billing {

// OCPI 2.2.1 TariffDimensionType (the four a session is priced by).
enum class Dimension { Energy, Time, ParkingTime, Flat };

std::string_view to_string(Dimension dimension);  // "ENERGY", "TIME", "PARKING_TIME", "FLAT"
std::optional<Dimension> dimension_from_string(std::string_view text);

struct PriceComponent {
  Dimension type = Dimension::Energy;
  // Excl. VAT, in the tariff's currency: per kWh (ENERGY), per hour (TIME, PARKING_TIME),
  // once (FLAT).
  Money price;
  // Wh (ENERGY) or seconds (TIME, PARKING_TIME); ignored for FLAT. At least 1.
  std::int64_t step_size = 1;
  // Our extension (OCPI cannot express an idle fee with a grace period): for PARKING_TIME,
  // the session's first `grace_s` parking seconds are free.
  std::int64_t grace_s = 0;

  friend bool operator==(const PriceComponent&, const PriceComponent&) = default;
};

// OCPI 2.2.1 TariffRestrictions; every field optional, all present ones must hold.
// Local times and dates are in the station's time zone. Lower bounds are inclusive,
// upper bounds exclusive, as in OCPI.
struct Restrictions {
  std::optional<std::chrono::minutes> start_time;  // minutes after local midnight ("HH:MM")
  std::optional<std::chrono::minutes> end_time;    // end < start wraps past midnight; 00:00 = end of day
  std::optional<std::chrono::year_month_day> start_date;
  std::optional<std::chrono::year_month_day> end_date;
  std::vector<std::chrono::weekday> day_of_week;  // empty: every day; else Monday-first, no duplicates
  std::optional<std::int64_t> min_kwh;            // micro-kWh (= milli-Wh), session energy so far
  std::optional<std::int64_t> max_kwh;
  std::optional<std::int64_t> min_power;  // micro-kW, average power of the reading interval
  std::optional<std::int64_t> max_power;
  std::optional<std::int64_t> min_current;  // micro-A
  std::optional<std::int64_t> max_current;
  std::optional<std::chrono::seconds> min_duration;  // since session start
  std::optional<std::chrono::seconds> max_duration;

  friend bool operator==(const Restrictions&, const Restrictions&) = default;
};

struct TariffElement {
  std::vector<PriceComponent> price_components;  // at least one, at most one per type
  std::optional<Restrictions> restrictions;

  friend bool operator==(const TariffElement&, const TariffElement&) = default;
};

struct Tariff {
  std::string id;
  std::int64_t version = 1;
  std::string currency;
  std::int64_t vat_percent = 0;    // micro-percent: "19" → 19'000'000, "7.7" → 7'700'000
  std::optional<Money> min_price;  // excl. VAT
  std::optional<Money> max_price;  // excl. VAT
  bool is_default = false;
  std::vector<TariffElement> elements;  // ordered: the first that applies wins
  // OCPI 2.2.1: the version prices sessions that start within [start, end); unset start:
  // from the version's creation, unset end: until a later version starts.
  std::optional<domain::Timestamp> start_date_time{};
  std::optional<domain::Timestamp> end_date_time{};

  friend bool operator==(const Tariff&, const Tariff&) = default;
};

// The OCPI JSON shape with snake_case keys. Decimals (prices, vat_percent, kWh, kW, A)
// are written as strings and read from strings or numbers; step_size, grace_s,
// durations and version are integers. min_price/max_price are written as a decimal and
// read from a decimal or from OCPI's {"excl_vat": ...}. Unknown keys on the tariff
// itself (OCPI metadata such as country_code, party_id, last_updated, tariff_alt_text)
// are ignored; inside elements, components and restrictions an unknown key is an error,
// since a misspelt restriction would silently change prices.
// Invalid input throws std::invalid_argument naming the field path, e.g.
// "tariff.elements[1].restrictions.start_time: expected HH:MM, got \"25:00\"".
// nlohmann's ADL hooks: `json.get<Tariff>()`, `nlohmann::json j = tariff`.
void from_json(const nlohmann::json& json, Tariff& tariff);
void to_json(nlohmann::json& json, const Tariff& tariff);
// Checks what the type cannot: non-empty id, currency code, ranges, at least one
// element and component, one component per type, min < max. Throws std::invalid_argument.
void validate(const Tariff& tariff);

}  // namespace csms::billing

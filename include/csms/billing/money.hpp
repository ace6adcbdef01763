#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace csms::billing {

// Exact decimals are carried as integer millionths ("micros") everywhere in billing:
// money in micro-units of the currency's major unit, percentages in micro-percent,
// kWh/kW/A restriction values in micro-kWh/micro-kW/micro-A. Never floating point.
inline constexpr std::int64_t kMicrosPerUnit = 1'000'000;
inline constexpr std::int64_t kMicroPercentPerWhole = 100 * kMicrosPerUnit;  // 100 %

struct Money {
  std::string currency;     // ISO 4217, three upper-case letters
  std::int64_t micros = 0;  // 1e-6 of the major unit

  friend bool operator==(const Money&, const Money&) = default;
};

// ISO 4217 minor-unit digits: 2 for most currencies, 0 for JPY/KRW, 3 for BHD/KWD.
// Unknown codes get 2.
int minor_unit_digits(std::string_view currency);
// The minor unit in micros: 10'000 for EUR (0.01), 1'000'000 for JPY, 1'000 for BHD.
std::int64_t minor_unit_micros(std::string_view currency);
bool is_currency_code(std::string_view text);

// "12", "0.30", "-1.5", "0.123456" → millionths. No exponent, no '+', no spaces, no
// leading or trailing '.', at most six decimals; throws std::invalid_argument otherwise
// (and on overflow).
std::int64_t parse_decimal(std::string_view text);
// A JSON string holding a decimal, or a JSON number. Integers are exact; a double is
// read through its shortest round-trip text (0.3 → "0.3"), so 0.1 + 0.2 (which prints
// as 0.30000000000000004) is rejected rather than silently rounded. `path` names the
// field in the error message.
std::int64_t decimal_from_json(const nlohmann::json& value, std::string_view path);

// Exact text of a decimal in micros with at least `min_fraction_digits` decimals and
// no trailing zeros beyond them: format_decimal(300'000, 2) == "0.30",
// format_decimal(297'500, 2) == "0.2975", format_decimal(19'000'000) == "19".
std::string format_decimal(std::int64_t micros, int min_fraction_digits = 0);
// Rounded half-up to the minor unit and printed with exactly its digits: "12.34", "1200" (JPY).
std::string format_money(const Money& money);

// Half-up to the currency's minor unit; halves go away from zero (a negative amount
// only appears in discount arithmetic, never as a bill).
Money round_to_minor(const Money& money);

// unit_price × quantity / quantity_per_price_unit × keep_micropercent / 100 %, computed
// exactly with 128-bit intermediates and rounded half-up once, to the minor unit.
// ENERGY: price per kWh, quantity in Wh, per = 1000. TIME: price per hour, seconds,
// per = 3600. FLAT: quantity 1, per = 1. Throws std::overflow_error if the result does
// not fit.
Money line_amount(const Money& unit_price, std::int64_t quantity, std::int64_t quantity_per_price_unit,
                  std::int64_t keep_micropercent = kMicroPercentPerWhole);
// amount × micropercent / 100 %, rounded half-up to the minor unit (VAT).
Money percent_of(const Money& amount, std::int64_t micropercent);

}  // namespace csms::billing

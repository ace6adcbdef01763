#include "csms/billing/money.hpp"

#include <array>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "billing/exact.hpp"

namespace csms::billing {

namespace {

using exact::Int128;

struct MinorDigits {
  std::string_view code;
  int digits;
};

// ISO 4217 exceptions to the usual two decimals among the currencies a CPO meets.
constexpr std::array<MinorDigits, 12> kMinorDigits{{{"BHD", 3},
                                                    {"CLP", 0},
                                                    {"ISK", 0},
                                                    {"JOD", 3},
                                                    {"JPY", 0},
                                                    {"KRW", 0},
                                                    {"KWD", 3},
                                                    {"LYD", 3},
                                                    {"OMR", 3},
                                                    {"TND", 3},
                                                    {"UYI", 0},
                                                    {"VND", 0}}};

std::int64_t pow10(int exponent) {
  std::int64_t value = 1;
  for (int i = 0; i < exponent; ++i) {
    value *= 10;
  }
  return value;
}

[[noreturn]] void reject(std::string_view text, std::string_view why) {
  throw std::invalid_argument("\"" + std::string(text) + "\" is not a decimal: " + std::string(why));
}

}  // namespace

int minor_unit_digits(std::string_view currency) {
  for (const auto& entry : kMinorDigits) {
    if (entry.code == currency) {
      return entry.digits;
    }
  }
  return 2;
}

std::int64_t minor_unit_micros(std::string_view currency) { return pow10(6 - minor_unit_digits(currency)); }

bool is_currency_code(std::string_view text) {
  if (text.size() != 3) {
    return false;
  }
  for (const char c : text) {
    if (c < 'A' || c > 'Z') {
      return false;
    }
  }
  return true;
}

std::int64_t parse_decimal(std::string_view text) {
  std::size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) {
    ++pos;
  }
  Int128 whole = 0;
  std::size_t whole_digits = 0;
  for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++whole_digits) {
    whole = whole * 10 + (text[pos] - '0');
    if (whole > std::numeric_limits<std::int64_t>::max() / kMicrosPerUnit) {
      reject(text, "out of range");
    }
  }
  if (whole_digits == 0) {
    reject(text, "expected digits before any '.'");
  }
  std::int64_t fraction = 0;
  int fraction_digits = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++fraction_digits) {
      if (fraction_digits == 6) {
        reject(text, "more than 6 decimals");
      }
      fraction = fraction * 10 + (text[pos] - '0');
    }
    if (fraction_digits == 0) {
      reject(text, "expected digits after '.'");
    }
  }
  if (pos != text.size()) {
    reject(text, "unexpected '" + std::string(1, text[pos]) + "'");
  }
  const Int128 magnitude = whole * kMicrosPerUnit + fraction * pow10(6 - fraction_digits);
  const Int128 micros = negative ? -magnitude : magnitude;
  if (micros > std::numeric_limits<std::int64_t>::max() ||
      micros < std::numeric_limits<std::int64_t>::min()) {
    reject(text, "out of range");
  }
  return static_cast<std::int64_t>(micros);
}

std::int64_t decimal_from_json(const nlohmann::json& value, std::string_view path) {
  const auto fail = [&](const std::string& why) -> std::int64_t {
    throw std::invalid_argument(std::string(path) + ": " + why);
  };
  try {
    if (value.is_string()) {
      return parse_decimal(value.get_ref<const std::string&>());
    }
    if (value.is_number_unsigned()) {
      const auto n = value.get<std::uint64_t>();
      if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / kMicrosPerUnit)) {
        return fail("number out of range");
      }
      return static_cast<std::int64_t>(n) * kMicrosPerUnit;
    }
    if (value.is_number_integer()) {
      return exact::narrow(exact::mul(value.get<std::int64_t>(), kMicrosPerUnit));
    }
    if (value.is_number_float()) {
      // nlohmann prints the shortest text that reads back as the same double.
      return parse_decimal(value.dump());
    }
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  } catch (const std::overflow_error&) {
    return fail("number out of range");
  }
  return fail("expected a decimal string or a number, got " + value.dump());
}

std::string format_decimal(std::int64_t micros, int min_fraction_digits) {
  const bool negative = micros < 0;
  const auto magnitude = static_cast<std::uint64_t>(negative ? -static_cast<Int128>(micros) : micros);
  std::string fraction = std::to_string(magnitude % kMicrosPerUnit);
  fraction.insert(0, 6 - fraction.size(), '0');
  auto keep = fraction.size();
  while (keep > static_cast<std::size_t>(min_fraction_digits) && fraction[keep - 1] == '0') {
    --keep;
  }
  fraction.resize(keep);
  // Appended piece by piece: GCC 12 at -O2 reports a false -Wrestrict for
  // `const char* + std::string&&` (GCC bug 105329).
  std::string text;
  if (negative) text += '-';
  text += std::to_string(magnitude / kMicrosPerUnit);
  if (!fraction.empty()) {
    text += '.';
    text += fraction;
  }
  return text;
}

std::string format_money(const Money& money) {
  return format_decimal(round_to_minor(money).micros, minor_unit_digits(money.currency));
}

Money round_to_minor(const Money& money) {
  const std::int64_t unit = minor_unit_micros(money.currency);
  return {money.currency, exact::narrow(exact::div_round_half_up(money.micros, unit) * unit)};
}

Money line_amount(const Money& unit_price, std::int64_t quantity, std::int64_t quantity_per_price_unit,
                  std::int64_t keep_micropercent) {
  const std::int64_t unit = minor_unit_micros(unit_price.currency);
  const Int128 numerator = exact::mul(exact::mul(unit_price.micros, quantity), keep_micropercent);
  const Int128 denominator = exact::mul(exact::mul(quantity_per_price_unit, unit), kMicroPercentPerWhole);
  return {unit_price.currency,
          exact::narrow(exact::mul(exact::div_round_half_up(numerator, denominator), unit))};
}

Money percent_of(const Money& amount, std::int64_t micropercent) {
  return line_amount(amount, 1, 1, micropercent);
}

}  // namespace csms::billing

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "csms/billing/pricing.hpp"
#include "csms/billing/tariff.hpp"
#include "csms/domain/time.hpp"

namespace csms::billing::test {

// "2026-01-14 15:00" or "2026-01-14 15:00:00.400", always UTC.
inline domain::Timestamp utc(std::string text) {
  text[10] = 'T';
  if (text.size() == 16) {
    text += ":00";
  }
  return *domain::parse_timestamp(text + "Z");
}

inline MeterReading wh(const char* at, std::int64_t register_wh) { return {utc(at), register_wh * 1000}; }

inline Tariff tariff(std::string_view text) { return nlohmann::json::parse(text).get<Tariff>(); }

// "ENERGY e1 8500 @0.25 = 2.13", with the basis appended when a plan made the line.
inline std::string describe(const PricedLine& line) {
  std::string text = std::string(to_string(line.dimension)) + " e" + std::to_string(line.element_index) +
                     " " + std::to_string(line.quantity) + " @" +
                     format_decimal(line.unit_price.micros, minor_unit_digits(line.unit_price.currency)) +
                     " = " + format_money(line.amount);
  if (line.basis != LineBasis::Tariff) {
    text += " " + std::string(to_string(line.basis));
  }
  return text;
}

inline std::vector<std::string> describe(const PricedSession& session) {
  std::vector<std::string> lines;
  for (const PricedLine& line : session.lines) {
    lines.push_back(describe(line));
  }
  return lines;
}

}  // namespace csms::billing::test

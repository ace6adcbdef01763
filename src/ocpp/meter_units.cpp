#include "meter_units.hpp"

#include <array>
#include <string_view>

namespace csms::ocpp::detail {
namespace {

struct UnitRule {
  std::string_view unit;
  std::string_view canonical;
  double factor;
  double offset;
};

// 1.6 UnitOfMeasure and 2.0.1's recommended unit names (and the common misspellings).
constexpr std::array<UnitRule, 20> kRules = {{
    {"Wh", "Wh", 1, 0},
    {"kWh", "Wh", 1000, 0},
    {"varh", "varh", 1, 0},
    {"kvarh", "varh", 1000, 0},
    {"VAh", "VAh", 1, 0},
    {"kVAh", "VAh", 1000, 0},
    {"W", "W", 1, 0},
    {"kW", "W", 1000, 0},
    {"VA", "VA", 1, 0},
    {"kVA", "VA", 1000, 0},
    {"var", "var", 1, 0},
    {"kvar", "var", 1000, 0},
    {"A", "A", 1, 0},
    {"V", "V", 1, 0},
    {"Celcius", "Celsius", 1, 0},
    {"Celsius", "Celsius", 1, 0},
    {"K", "Celsius", 1, -273.15},
    {"Percent", "Percent", 1, 0},
    {"Hz", "Hz", 1, 0},
    {"Hertz", "Hz", 1, 0},
}};

}  // namespace

void normalize(domain::MeterSample& sample) {
  if (sample.unit == "Fahrenheit") {
    sample.canonical_unit = "Celsius";
    sample.canonical_value = (sample.value - 32) * 5 / 9;
    return;
  }
  for (const auto& rule : kRules) {
    if (rule.unit == sample.unit) {
      sample.canonical_unit = std::string(rule.canonical);
      sample.canonical_value = sample.value * rule.factor + rule.offset;
      return;
    }
  }
  sample.canonical_unit = sample.unit;
  sample.canonical_value = sample.value;
  sample.flags.emplace_back(domain::flag::kUnknownUnit);
}

}  // namespace csms::ocpp::detail

#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "csms/ocpp/error_code.hpp"
#include "csms/ocpp/version.hpp"

namespace csms::ocpp {

// Message definitions generated from the official schemas (src/ocpp/generated, made by
// tools/ocpp_codegen). Opaque outside the validator.
struct SchemaNode;

enum class Direction { Request, Response };

// nullptr when the version has no such action.
const SchemaNode* find_schema(Version version, std::string_view action, Direction direction);
// Every action of the version that has generated definitions, sorted by name.
std::vector<std::string_view> known_actions(Version version);

// Tolerated real-world deviations in what chargers send. Each flag names one entry of the
// documented leniency list (config key ocpp.leniency); strict validation (what we send)
// uses none of them.
struct Leniency {
  bool celsius_spelling = true;         // 1.6 unit "Celsius" accepted for "Celcius"
  bool timestamp_without_zone = true;   // "2024-01-01T10:00:00" read as UTC
  bool multiple_of_noise = true;        // 7.300000000001 accepted for multipleOf 0.1
  bool error_code_outside_enum = true;  // 1.6 StatusNotification errorCode not in the enum -> OtherError
  bool unknown_properties = true;       // properties the schema does not know are dropped
  bool integer_as_float = true;         // 5.0 accepted where an integer is required
  bool empty_sampled_value = true;      // accepted (and the meterValue dropped)
  bool unit_outside_enum = true;        // 1.6 unit "Hertz"/"Hz" (none for Frequency) kept
  static Leniency none();
  static Leniency all() { return {}; }
};

struct Violation {
  ErrorCode code;
  std::string path;  // JSON pointer into the payload, e.g. "/meterValue/0/sampledValue"
  std::string detail;
};

struct ValidationResult {
  std::optional<Violation> violation;
  // Names of the leniencies that had to be applied (counted and logged by the caller).
  std::vector<std::string> leniencies_applied;
  bool ok() const { return !violation.has_value(); }
};

// Validates `payload` in place; lenient fixes (normalizing a timestamp, a unit spelling,
// dropping an unknown property) are applied to it so later code reads canonical values.
ValidationResult validate(const SchemaNode& schema, nlohmann::json& payload, const Leniency& leniency);
// Strict check of something we send; returns the first violation.
std::optional<Violation> validate_strict(const SchemaNode& schema, const nlohmann::json& payload);

}  // namespace csms::ocpp

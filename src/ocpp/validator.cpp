#include "csms/ocpp/validator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "csms/domain/time.hpp"
#include "ocpp/schema_node.hpp"

// Which CALLERROR code a schema violation gets. No normative mapping exists (DIGEST A.6);
// this follows what the OCPP error texts describe and what mobilityhouse/ocpp does.
//
// | violation                                          | code                          |
// |----------------------------------------------------|-------------------------------|
// | payload (the root) is not a JSON object            | FormatViolation               |
// | property the schema does not allow (strict)        | FormatViolation               |
// | wrong JSON type (also 5.0 for an integer, strict)  | TypeConstraintViolation       |
// | string longer than maxLength (CiStringNType)       | TypeConstraintViolation       |
// | date-time that does not parse, uri without scheme  | TypeConstraintViolation       |
// | value not in the enum                              | PropertyConstraintViolation   |
// | below minimum / above maximum                      | PropertyConstraintViolation   |
// | not a multiple of multipleOf                       | PropertyConstraintViolation   |
// | required property missing                          | OccurrenceConstraintViolation |
// | array shorter than minItems / longer than maxItems | OccurrenceConstraintViolation |
// | empty sampledValue array (spec: 1..*)              | OccurrenceConstraintViolation |
//
// maxLength and date-time count as type errors because OCPP defines them as data types
// (CiString20Type, dateTime); enum, range and multipleOf constrain a correctly typed value.
//
// Leniencies (Leniency flags; the name recorded in leniencies_applied is the flag's name):
//   celsius_spelling         "Celsius" where the enum only has "Celcius" -> "Celcius"
//                            (1.6 StopTransaction; OCPP-J 1.6 errata 2.1)
//   timestamp_without_zone   date-time without offset -> read as UTC, rewritten with "Z"
//   multiple_of_noise        within 1e-9 (relative) of a multiple -> rounded to it
//   error_code_outside_enum  root errorCode outside an enum that has "OtherError" (1.6
//                            StatusNotification) -> "OtherError"; the original goes to
//                            vendorErrorCode, or to info when vendorErrorCode is taken
//   unknown_properties       a property a closed object does not list -> dropped
//   integer_as_float         5.0 where an integer is required -> 5
//   empty_sampled_value      a meterValue/transactionData entry with "sampledValue": []
//                            -> the entry is dropped (the array may become empty)
//   unit_outside_enum        1.6 sampledValue unit outside UnitOfMeasure ("Hertz", "Hz",
//                            at most 20 characters) -> kept as sent
// 2.0.1 customData objects are open in the schemas themselves, so vendor properties there
// are never "unknown".

namespace csms::ocpp {

namespace {

using nlohmann::json;

constexpr std::string_view kCelsiusSpelling = "celsius_spelling";
constexpr std::string_view kTimestampWithoutZone = "timestamp_without_zone";
constexpr std::string_view kMultipleOfNoise = "multiple_of_noise";
constexpr std::string_view kErrorCodeOutsideEnum = "error_code_outside_enum";
constexpr std::string_view kUnknownProperties = "unknown_properties";
constexpr std::string_view kIntegerAsFloat = "integer_as_float";
constexpr std::string_view kEmptySampledValue = "empty_sampled_value";
constexpr std::string_view kUnitOutsideEnum = "unit_outside_enum";

// 8.1 / 0.1 is 80.99999999999999 in binary floating point: a multiple as written, so a few
// ulps of the quotient are tolerated even in strict mode (naive validators reject it,
// DIGEST G.9). Anything further off is noise a charger added.
constexpr double kStrictMultipleTolerance = 8 * std::numeric_limits<double>::epsilon();
constexpr double kLenientMultipleTolerance = 1e-9;

constexpr std::size_t kMaxFreeUnitLength = 20;

// 2^63: the first double that no longer fits std::int64_t.
constexpr double kInt64Limit = 9223372036854775808.0;

bool contains(std::span<const std::string_view> values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

const SchemaProperty* find_property(const SchemaNode& node, std::string_view name) {
  for (const auto& property : node.properties) {
    if (property.name == name) {
      return &property;
    }
  }
  return nullptr;
}

// JSON Schema counts characters (code points), not bytes.
std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string utf8_prefix(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == max_chars) {
      return std::string(text.substr(0, i));
    }
  }
  return std::string(text);
}

// RFC 3986 section 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":". The rest
// of a URI is too permissive to be worth checking here.
bool has_uri_scheme(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return false;
  }
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(text[0])) {
    return false;
  }
  return std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(colon), [&](char c) {
    return alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  });
}

void append_pointer_token(std::string& path, std::string_view token) {
  path += '/';
  for (const char c : token) {
    if (c == '~') {
      path += "~0";
    } else if (c == '/') {
      path += "~1";
    } else {
      path += c;
    }
  }
}

class Walker {
 public:
  Walker(const Leniency& leniency, ValidationResult& result) : leniency_(leniency), result_(result) {}

  bool walk(const SchemaNode& node, json& value) {
    switch (node.type) {
      case NodeType::Any:
        return true;
      case NodeType::Object:
        if (!value.is_object()) {
          // The root payload is the PDU itself: not being an object is a shape error.
          return fail(path_.empty() ? ErrorCode::FormatViolation : ErrorCode::TypeConstraintViolation,
                      "expected an object");
        }
        return walk_object(node, value);
      case NodeType::Array:
        if (!value.is_array()) {
          return fail(ErrorCode::TypeConstraintViolation, "expected an array");
        }
        return walk_array(node, value);
      case NodeType::String:
        if (!value.is_string()) {
          return fail(ErrorCode::TypeConstraintViolation, "expected a string");
        }
        return walk_string(node, value);
      case NodeType::Integer:
        if (!value.is_number_integer() && !integer_from_float(value)) {
          return fail(ErrorCode::TypeConstraintViolation, "expected an integer");
        }
        return walk_number(node, value);
      case NodeType::Number:
        if (!value.is_number()) {
          return fail(ErrorCode::TypeConstraintViolation, "expected a number");
        }
        return walk_number(node, value);
      case NodeType::Boolean:
        if (!value.is_boolean()) {
          return fail(ErrorCode::TypeConstraintViolation, "expected a boolean");
        }
        return true;
    }
    return true;
  }

 private:
  bool walk_object(const SchemaNode& node, json& value) {
    if (!node.additional_properties) {
      std::vector<std::string> unknown;
      for (const auto& [key, member] : value.items()) {
        if (find_property(node, key) == nullptr) {
          if (!leniency_.unknown_properties) {
            const Scope scope(path_, key);
            return fail(ErrorCode::FormatViolation, "property is not allowed here");
          }
          unknown.push_back(key);
        }
      }
      for (const auto& key : unknown) {
        value.erase(key);
      }
      if (!unknown.empty()) {
        applied(kUnknownProperties);
      }
    }
    for (const auto& property : node.properties) {
      if (property.required && !value.contains(property.name)) {
        const Scope scope(path_, property.name);
        return fail(ErrorCode::OccurrenceConstraintViolation, "required property is missing");
      }
    }
    const bool root = path_.empty();
    for (const auto& property : node.properties) {
      const auto member = value.find(property.name);
      if (member == value.end()) {
        continue;
      }
      if (root && property.name == "errorCode") {
        error_code_outside_enum(node, *property.node, value);
      }
      const Scope scope(path_, property.name);
      if (!walk(*property.node, *member)) {
        return false;
      }
    }
    return true;
  }

  // 1.6 chargers send codes outside ChargePointErrorCode (e.g. "Error", lbbrhzn/ocpp#1248);
  // refusing the StatusNotification would lose the status itself (DIGEST C.2).
  void error_code_outside_enum(const SchemaNode& object, const SchemaNode& code_node, json& value) {
    json& code = value["errorCode"];
    if (!leniency_.error_code_outside_enum || !code.is_string() ||
        !contains(code_node.enum_values, "OtherError") ||
        contains(code_node.enum_values, code.get_ref<const std::string&>())) {
      return;
    }
    const std::string original = code.get<std::string>();
    code = "OtherError";
    for (const std::string_view keeper : {"vendorErrorCode", "info"}) {
      const SchemaProperty* property = find_property(object, keeper);
      if (property == nullptr) {
        continue;
      }
      const auto existing = value.find(keeper);
      if (existing == value.end() ||
          (existing->is_string() && existing->get_ref<const std::string&>().empty())) {
        const auto limit = property->node->max_length.value_or(std::numeric_limits<std::uint32_t>::max());
        value[std::string(keeper)] = utf8_prefix(original, limit);
        break;
      }
    }
    applied(kErrorCodeOutsideEnum);
  }

  bool walk_array(const SchemaNode& node, json& value) {
    bool dropped = false;
    if (node.items != nullptr) {
      if (const SchemaProperty* samples = find_property(*node.items, "sampledValue");
          samples != nullptr && samples->node->type == NodeType::Array) {
        if (!drop_empty_sampled_values(value, dropped)) {
          return false;
        }
      }
    }
    // After dropping entries the array may be shorter than its minItems; accepting that is
    // the point of the leniency.
    if (node.min_items && value.size() < *node.min_items && !dropped) {
      return fail(ErrorCode::OccurrenceConstraintViolation,
                  "expected at least " + std::to_string(*node.min_items) + " items");
    }
    if (node.max_items && value.size() > *node.max_items) {
      return fail(ErrorCode::OccurrenceConstraintViolation,
                  "expected at most " + std::to_string(*node.max_items) + " items");
    }
    if (node.items == nullptr) {
      return true;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      const Scope scope(path_, std::to_string(i));
      if (!walk(*node.items, value[i])) {
        return false;
      }
    }
    return true;
  }

  // OCPP says sampledValue is 1..* in both versions; the 1.6 schemas forget to say so
  // (DIGEST G.9), so the rule is applied by name rather than by the schema's minItems.
  bool drop_empty_sampled_values(json& entries, bool& dropped) {
    for (std::size_t i = 0; i < entries.size();) {
      const json& entry = entries[i];
      const auto samples = entry.is_object() ? entry.find("sampledValue") : entry.end();
      if (!entry.is_object() || samples == entry.end() || !samples->is_array() || !samples->empty()) {
        ++i;
        continue;
      }
      if (!leniency_.empty_sampled_value) {
        const Scope entry_scope(path_, std::to_string(i));
        const Scope scope(path_, "sampledValue");
        return fail(ErrorCode::OccurrenceConstraintViolation, "expected at least 1 items");
      }
      entries.erase(i);
      dropped = true;
    }
    if (dropped) {
      applied(kEmptySampledValue);
    }
    return true;
  }

  bool walk_string(const SchemaNode& node, json& value) {
    const std::string& text = value.get_ref<const std::string&>();
    if (!node.enum_values.empty() && !contains(node.enum_values, text)) {
      // OCPP-J 1.6 errata 2.1: a Central System accepts both spellings; only the 1.6
      // StopTransaction schema lacks "Celsius".
      if (leniency_.celsius_spelling && text == "Celsius" && contains(node.enum_values, "Celcius")) {
        value = "Celcius";
        applied(kCelsiusSpelling);
        return true;
      }
      // 1.6 has no unit for Frequency although the errata says Hertz, so stations send
      // "Hertz" or "Hz" (lbbrhzn/ocpp#1576); the unit is kept for the unit normalizer,
      // bounded like the free-text unit of 2.0.1 (UnitOfMeasureType.unit, maxLength 20).
      // "Celsius" stays governed by its own flag alone.
      if (leniency_.unit_outside_enum && text != "Celsius" && path_.ends_with("/unit") &&
          contains(node.enum_values, "Wh") && utf8_length(text) <= kMaxFreeUnitLength) {
        applied(kUnitOutsideEnum);
        return true;
      }
      return fail(ErrorCode::PropertyConstraintViolation, "value is not one of the allowed values");
    }
    if (node.max_length && utf8_length(text) > *node.max_length) {
      return fail(ErrorCode::TypeConstraintViolation,
                  "longer than " + std::to_string(*node.max_length) + " characters");
    }
    switch (node.format) {
      case StringFormat::None:
        return true;
      case StringFormat::Uri:
        if (!has_uri_scheme(text)) {
          return fail(ErrorCode::TypeConstraintViolation, "not a URI");
        }
        return true;
      case StringFormat::DateTime:
        if (domain::parse_timestamp(text)) {
          return true;
        }
        // DIGEST F.6: chargers send local times without offset; read them as UTC.
        if (leniency_.timestamp_without_zone) {
          if (const auto parsed = domain::parse_timestamp(text, true)) {
            value = domain::format_timestamp(*parsed);
            applied(kTimestampWithoutZone);
            return true;
          }
        }
        return fail(ErrorCode::TypeConstraintViolation, "not a date-time with time zone");
    }
    return true;
  }

  bool integer_from_float(json& value) {
    if (!leniency_.integer_as_float || !value.is_number_float()) {
      return false;
    }
    const double number = value.get<double>();
    if (!std::isfinite(number) || std::trunc(number) != number || number >= kInt64Limit ||
        number < -kInt64Limit) {
      return false;
    }
    value = static_cast<std::int64_t>(number);
    applied(kIntegerAsFloat);
    return true;
  }

  bool walk_number(const SchemaNode& node, json& value) {
    const double number = value.get<double>();
    if (node.minimum && number < *node.minimum) {
      return fail(ErrorCode::PropertyConstraintViolation, "below the minimum");
    }
    if (node.maximum && number > *node.maximum) {
      return fail(ErrorCode::PropertyConstraintViolation, "above the maximum");
    }
    if (!node.multiple_of) {
      return true;
    }
    const double step = *node.multiple_of;
    const double quotient = number / step;
    const double nearest = std::round(quotient);
    const double off = std::fabs(quotient - nearest);
    const double scale = std::max(1.0, std::fabs(quotient));
    if (off <= kStrictMultipleTolerance * scale) {
      return true;
    }
    if (leniency_.multiple_of_noise && off <= kLenientMultipleTolerance * scale) {
      // Dividing by 1/step when that is whole (10 for 0.1) lands on the double nearest the
      // decimal value; multiplying by 0.1 would add new noise.
      const double inverse = std::round(1.0 / step);
      value = std::fabs(inverse * step - 1.0) < kStrictMultipleTolerance ? nearest / inverse : nearest * step;
      applied(kMultipleOfNoise);
      return true;
    }
    return fail(ErrorCode::PropertyConstraintViolation, "not a multiple of the step");
  }

  bool fail(ErrorCode code, std::string detail) {
    result_.violation = Violation{code, path_, std::move(detail)};
    return false;
  }

  void applied(std::string_view name) {
    auto& names = result_.leniencies_applied;
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      names.emplace_back(name);
    }
  }

  // Extends the JSON pointer for the lifetime of a nested check.
  class Scope {
   public:
    Scope(std::string& path, std::string_view token) : path_(path), size_(path.size()) {
      append_pointer_token(path_, token);
    }
    ~Scope() { path_.resize(size_); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    std::string& path_;
    std::size_t size_;
  };

  const Leniency& leniency_;
  ValidationResult& result_;
  std::string path_;
};

std::span<const ActionSchemas> actions_of(Version version) {
  switch (version) {
    case Version::V16:
      return generated::v16_actions();
    case Version::V201:
      return generated::v201_actions();
  }
  return {};
}

}  // namespace

Leniency Leniency::none() {
  return Leniency{.celsius_spelling = false,
                  .timestamp_without_zone = false,
                  .multiple_of_noise = false,
                  .error_code_outside_enum = false,
                  .unknown_properties = false,
                  .integer_as_float = false,
                  .empty_sampled_value = false,
                  .unit_outside_enum = false};
}

const SchemaNode* find_schema(Version version, std::string_view action, Direction direction) {
  const auto actions = actions_of(version);
  const auto it =
      std::lower_bound(actions.begin(), actions.end(), action,
                       [](const ActionSchemas& entry, std::string_view name) { return entry.action < name; });
  if (it == actions.end() || it->action != action) {
    return nullptr;
  }
  return direction == Direction::Request ? it->request : it->response;
}

std::vector<std::string_view> known_actions(Version version) {
  std::vector<std::string_view> names;
  for (const auto& entry : actions_of(version)) {
    names.push_back(entry.action);
  }
  return names;
}

ValidationResult validate(const SchemaNode& schema, nlohmann::json& payload, const Leniency& leniency) {
  ValidationResult result;
  Walker(leniency, result).walk(schema, payload);
  return result;
}

std::optional<Violation> validate_strict(const SchemaNode& schema, const nlohmann::json& payload) {
  // The walker writes only to apply a leniency, and none is enabled here, so the payload
  // is never modified.
  ValidationResult result;
  const Leniency strict = Leniency::none();
  Walker(strict, result).walk(schema, const_cast<nlohmann::json&>(payload));
  return result.violation;
}

}  // namespace csms::ocpp

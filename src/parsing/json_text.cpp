#include "csms/parsing/json_text.hpp"

namespace csms::parsing {

bool nested_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

ParsedJson parse_json(std::string_view text, const JsonLimits& limits) {
  ParsedJson out;
  if (text.size() > limits.max_bytes) {
    out.error = JsonError::TooLarge;
  } else if (nested_deeper_than(text, limits.max_depth)) {
    out.error = JsonError::TooDeep;
  } else {
    // Parse errors are not surfaced: their text quotes the offending input.
    out.value = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (out.value.is_discarded()) out.error = JsonError::Invalid;
  }
  return out;
}

const char* describe(JsonError error) {
  switch (error) {
    case JsonError::None:
      return "valid JSON";
    case JsonError::TooLarge:
      return "too large";
    case JsonError::TooDeep:
      return "nested too deeply";
    case JsonError::Invalid:
      return "not valid JSON";
  }
  return "not valid JSON";
}

}  // namespace csms::parsing

#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

// The one way a peer's JSON text becomes a document, for OCPP frames and REST bodies alike:
// size and nesting depth are checked on the text before anything is built, so nothing that
// later walks the document recursively (copying, dumping, validating) can exhaust the stack.
namespace csms::parsing {

struct JsonLimits {
  std::size_t max_bytes = 1024 * 1024;
  int max_depth = 64;  // arrays and objects, the outermost counted as 1
};

enum class JsonError { None, TooLarge, TooDeep, Invalid };

struct ParsedJson {
  nlohmann::json value;  // discarded unless error == None
  JsonError error = JsonError::None;
  bool ok() const { return error == JsonError::None; }
};

// Whether `text` nests arrays and objects deeper than `max_depth` (strings are skipped,
// escapes included); does not otherwise check that the text is JSON.
bool nested_deeper_than(std::string_view text, int max_depth);

ParsedJson parse_json(std::string_view text, const JsonLimits& limits = {});

// What a JsonError means, for an error message.
const char* describe(JsonError error);

}  // namespace csms::parsing

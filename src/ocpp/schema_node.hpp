#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

// Completes the opaque csms::ocpp::SchemaNode of csms/ocpp/validator.hpp; kept free of
// that header so the large generated tables compile without nlohmann/json.

namespace csms::ocpp {

// The subset of JSON Schema (draft-04/06) the OCPP message schemas use. Nodes are
// constant-initialized data emitted by tools/ocpp_codegen/gen.py, so nothing is built at
// start-up and identical sub-schemas (CustomDataType, IdTokenType, ...) are shared.
struct SchemaNode;

enum class NodeType : std::uint8_t { Object, String, Integer, Number, Boolean, Array, Any };

enum class StringFormat : std::uint8_t { None, DateTime, Uri };

struct SchemaProperty {
  std::string_view name;
  const SchemaNode* node;
  bool required;
};

struct SchemaNode {
  NodeType type = NodeType::Any;
  // Objects: whether properties the schema does not list are allowed (JSON Schema default).
  bool additional_properties = true;
  StringFormat format = StringFormat::None;
  std::span<const SchemaProperty> properties = {};
  std::span<const std::string_view> enum_values = {};
  std::optional<std::uint32_t> max_length = std::nullopt;
  std::optional<double> minimum = std::nullopt;
  std::optional<double> maximum = std::nullopt;
  std::optional<double> multiple_of = std::nullopt;
  const SchemaNode* items = nullptr;
  std::optional<std::uint32_t> min_items = std::nullopt;
  std::optional<std::uint32_t> max_items = std::nullopt;
};

struct ActionSchemas {
  std::string_view action;
  const SchemaNode* request;
  const SchemaNode* response;
};

namespace generated {
// Sorted by action name (the generator guarantees it) so lookups can binary-search.
std::span<const ActionSchemas> v16_actions();
std::span<const ActionSchemas> v201_actions();
}  // namespace generated

}  // namespace csms::ocpp

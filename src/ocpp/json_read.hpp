#pragma once

// Readers for payloads that already passed schema validation: types are known to be right,
// optional fields may be absent.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "csms/domain/time.hpp"

namespace csms::ocpp::detail {

inline std::optional<std::string> opt_string(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

inline std::string string_or(const nlohmann::json& j, const char* key, std::string fallback) {
  return opt_string(j, key).value_or(std::move(fallback));
}

inline std::optional<long long> opt_int(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<long long>();
}

inline std::optional<double> opt_number(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// A member that is an array or object, or an empty one when absent: a reference, not the
// copy json::value(key, default) makes of the whole member.
inline const nlohmann::json& member_or_empty(const nlohmann::json& j, const char* key,
                                             nlohmann::json::value_t type = nlohmann::json::value_t::array) {
  static const nlohmann::json empty_array = nlohmann::json::array();
  static const nlohmann::json empty_object = nlohmann::json::object();
  auto it = j.find(key);
  if (it != j.end() && it->type() == type) return *it;
  return type == nlohmann::json::value_t::object ? empty_object : empty_array;
}

// Validation has checked the format; an unparseable time here is a bug upstream.
inline domain::Timestamp time_or(const nlohmann::json& j, const char* key, domain::Timestamp fallback) {
  auto text = opt_string(j, key);
  if (!text) return fallback;
  return domain::parse_timestamp(*text, true).value_or(fallback);
}

inline std::optional<domain::Timestamp> opt_time(const nlohmann::json& j, const char* key) {
  auto text = opt_string(j, key);
  if (!text) return std::nullopt;
  return domain::parse_timestamp(*text, true);
}

}  // namespace csms::ocpp::detail

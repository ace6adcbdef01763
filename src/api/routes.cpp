#include "routes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

#include "openapi.hpp"

namespace csms::api {
namespace {

struct SegmentPattern {
  std::string_view prefix, suffix;
  bool has_parameter = false;
};

SegmentPattern pattern_of(std::string_view segment) {
  auto open = segment.find('{');
  if (open == std::string_view::npos) return {segment, {}, false};
  auto close = segment.find('}', open);
  if (close == std::string_view::npos) throw std::invalid_argument("unclosed '{' in " + std::string(segment));
  return {segment.substr(0, open), segment.substr(close + 1), true};
}

bool segment_matches(std::string_view pattern_text, std::string_view segment) {
  auto pattern = pattern_of(pattern_text);
  if (!pattern.has_parameter) return segment == pattern.prefix;
  return segment.size() > pattern.prefix.size() + pattern.suffix.size() &&
         segment.starts_with(pattern.prefix) && segment.ends_with(pattern.suffix);
}

bool path_matches(const Route& route, const std::vector<std::string>& segments) {
  const auto& parts = route.segments;
  // A final "{path}" takes the rest: the dashboard's files live in directories.
  if (!parts.empty() && parts.back() == "{path}") {
    if (segments.size() < parts.size()) return false;
  } else if (segments.size() != parts.size()) {
    return false;
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i + 1 == parts.size() && parts[i] == "{path}") return true;
    if (!segment_matches(parts[i], segments[i])) return false;
  }
  return true;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    auto slash = path.find('/');
    if (slash != 0) out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

RouteTable RouteTable::from_openapi(std::string_view document) {
  auto doc = nlohmann::json::parse(document);
  RouteTable table;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      static const char* kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options"};
      if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) continue;
      Route route;
      route.method = upper(method);
      route.path = path;
      route.segments = split_path(path);
      for (const auto& segment : route.segments) {
        auto pattern = pattern_of(segment);
        route.literal_characters += static_cast<int>(pattern.prefix.size() + pattern.suffix.size());
      }
      auto role = operation.find("x-csms-role");
      if (role == operation.end() || !role->is_string())
        throw std::invalid_argument(route.method + " " + path + " has no x-csms-role");
      auto name = role->get<std::string>();
      route.role = role_from_name(name);
      if (!route.role && name != "none")
        throw std::invalid_argument(route.method + " " + path + ": unknown x-csms-role '" + name + "'");
      table.routes_.push_back(std::move(route));
    }
  }
  return table;
}

RouteMatch RouteTable::match(std::string_view method, const std::vector<std::string>& segments) const {
  RouteMatch out;
  std::vector<std::string> allowed;
  for (const auto& route : routes_) {
    if (!path_matches(route, segments)) continue;
    if (route.method == method) {
      if (!out.route || route.literal_characters > out.route->literal_characters) out.route = &route;
    } else if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) {
      allowed.push_back(route.method);
    }
  }
  if (out.route) {
    out.kind = RouteMatch::Kind::Found;
    return out;
  }
  if (allowed.empty()) return out;
  out.kind = RouteMatch::Kind::MethodNotAllowed;
  std::sort(allowed.begin(), allowed.end());
  for (const auto& name : allowed) out.allowed += (out.allowed.empty() ? "" : ", ") + name;
  return out;
}

const RouteTable& api_routes() {
  static const RouteTable table = RouteTable::from_openapi(openapi_document());
  return table;
}

}  // namespace csms::api

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "csms/api/api_token.hpp"

namespace csms::api {

// The routes the API serves, read from its OpenAPI document: each operation's path template,
// method and `x-csms-role` (none, viewer, operator or admin). The router answers 404, 405 and
// 403 from this table before any handler runs, so a route that is not documented cannot be
// reached and a documented one is reachable with exactly the documented role.
struct Route {
  std::string method;                 // upper case: GET, POST, ...
  std::string path;                   // as documented: /api/v1/alerts/{id}:acknowledge
  std::vector<std::string> segments;  // the path split at '/'
  std::optional<Role> role;           // nullopt: served without a token
  int literal_characters = 0;         // how specific the template is (more wins)
};

struct RouteMatch {
  enum class Kind { NoSuchPath, MethodNotAllowed, Found };
  Kind kind = Kind::NoSuchPath;
  const Route* route = nullptr;  // Found: the most specific route for the method
  std::string allowed;           // MethodNotAllowed: "GET, POST" for the Allow header
};

class RouteTable {
 public:
  // Throws std::invalid_argument naming the operation when the document is not usable
  // (no role, an unknown role, a malformed template).
  static RouteTable from_openapi(std::string_view document);

  // `segments` are the decoded path segments (empty ones dropped). A template segment
  // "{name}" matches any one segment, "{name}:verb" one ending in ":verb", and a final
  // "{path}" the rest of the path (one segment or more).
  RouteMatch match(std::string_view method, const std::vector<std::string>& segments) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The table of the embedded document (openapi.hpp), built once.
const RouteTable& api_routes();

}  // namespace csms::api

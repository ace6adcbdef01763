// The route table read from the OpenAPI document (src/api/routes.cpp).

#include "api/routes.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>

namespace csms::api {
namespace {

const char* kDocument = R"({"paths": {
  "/healthz": {"get": {"x-csms-role": "none"}},
  "/api/v1/alerts/{id}": {"parameters": [], "get": {"x-csms-role": "viewer"}},
  "/api/v1/alerts/stream": {"get": {"x-csms-role": "viewer"}},
  "/api/v1/alerts/{id}:acknowledge": {"post": {"x-csms-role": "operator"}},
  "/api/v1/invoices:generate": {"post": {"x-csms-role": "admin"}},
  "/ui/{path}": {"get": {"x-csms-role": "none"}}
}})";

RouteMatch match(const RouteTable& table, const char* method, std::vector<std::string> segments) {
  return table.match(method, segments);
}

TEST(RouteTable, ParametersMatchOneSegment_LiteralsExactly) {
  auto table = RouteTable::from_openapi(kDocument);
  auto found = match(table, "GET", {"api", "v1", "alerts", "42"});
  ASSERT_EQ(found.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(found.route->path, "/api/v1/alerts/{id}");
  EXPECT_EQ(found.route->role, Role::Viewer);
  EXPECT_EQ(match(table, "GET", {"api", "v1", "alerts"}).kind, RouteMatch::Kind::NoSuchPath);
  EXPECT_EQ(match(table, "GET", {"api", "v1", "alerts", "1", "x"}).kind, RouteMatch::Kind::NoSuchPath);
  EXPECT_EQ(match(table, "GET", {"api", "v2", "alerts", "1"}).kind, RouteMatch::Kind::NoSuchPath);
  EXPECT_FALSE(match(table, "GET", {"healthz"}).route->role.has_value());
}

TEST(RouteTable, AVerbAfterTheParameter_IsPartOfTheTemplate) {
  auto table = RouteTable::from_openapi(kDocument);
  auto ack = match(table, "POST", {"api", "v1", "alerts", "7:acknowledge"});
  ASSERT_EQ(ack.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(ack.route->role, Role::Operator);
  // ":acknowledge" alone names no alert.
  EXPECT_EQ(match(table, "POST", {"api", "v1", "alerts", ":acknowledge"}).kind,
            RouteMatch::Kind::MethodNotAllowed);
  EXPECT_EQ(match(table, "POST", {"api", "v1", "invoices:generate"}).route->role, Role::Admin);
  EXPECT_EQ(match(table, "POST", {"api", "v1", "invoices:generat"}).kind, RouteMatch::Kind::NoSuchPath);
}

TEST(RouteTable, TheMostLiteralTemplateWins) {
  auto table = RouteTable::from_openapi(kDocument);
  EXPECT_EQ(match(table, "GET", {"api", "v1", "alerts", "stream"}).route->path, "/api/v1/alerts/stream");
}

TEST(RouteTable, AKnownPathWithAnotherMethod_ListsTheAllowedOnes) {
  auto table = RouteTable::from_openapi(kDocument);
  auto refused = match(table, "DELETE", {"api", "v1", "alerts", "7:acknowledge"});
  ASSERT_EQ(refused.kind, RouteMatch::Kind::MethodNotAllowed);
  EXPECT_EQ(refused.allowed, "GET, POST");  // {id} answers GET, {id}:acknowledge POST
}

TEST(RouteTable, AFinalPathParameter_TakesTheRestOfThePath) {
  auto table = RouteTable::from_openapi(kDocument);
  EXPECT_EQ(match(table, "GET", {"ui", "index.html"}).kind, RouteMatch::Kind::Found);
  EXPECT_EQ(match(table, "GET", {"ui", "assets", "index-1a2b.js"}).kind, RouteMatch::Kind::Found);
  EXPECT_EQ(match(table, "GET", {"ui"}).kind, RouteMatch::Kind::NoSuchPath);
}

TEST(RouteTable, AnOperationWithoutAKnownRole_IsRejected) {
  EXPECT_THROW(RouteTable::from_openapi(R"({"paths": {"/a": {"get": {}}}})"), std::invalid_argument);
  EXPECT_THROW(RouteTable::from_openapi(R"({"paths": {"/a": {"get": {"x-csms-role": "root"}}}})"),
               std::invalid_argument);
}

TEST(RouteTable, TheEmbeddedDocument_GivesEveryOperationARole) {
  const auto& table = api_routes();
  EXPECT_GT(table.routes().size(), 90u);
  auto command = table.match("POST", {"api", "v1", "stations", "CP-1", "commands", "reset"});
  ASSERT_EQ(command.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(command.route->role, Role::Operator);
  EXPECT_EQ(table.match("GET", {"api", "v1", "audit"}).route->role, Role::Admin);
}

// The document is the table, so a role lowered in it would pass every probe of the served
// API: these are the roles the API had before the document decided them.
TEST(RouteTable, TheEmbeddedDocument_KeepsTheRolesTheApiHasAlwaysHad) {
  struct Expected {
    const char* method;
    std::vector<std::string> segments;
    std::optional<Role> role;
  };
  const std::vector<Expected> expected = {
      {"GET", {"healthz"}, std::nullopt},
      {"GET", {"api", "v1", "openapi.json"}, std::nullopt},
      {"GET", {"files", "t0k3n", "fw.bin"}, std::nullopt},
      {"GET", {"api", "v1", "stations"}, Role::Viewer},
      {"GET", {"api", "v1", "alerts", "stream"}, Role::Viewer},
      {"GET", {"api", "v1", "audit"}, Role::Admin},
      {"POST", {"api", "v1", "stations"}, Role::Admin},
      {"PATCH", {"api", "v1", "stations", "CP-1"}, Role::Admin},
      {"DELETE", {"api", "v1", "stations", "CP-1"}, Role::Admin},
      {"POST", {"api", "v1", "stations", "CP-1", "password:rotate"}, Role::Admin},
      {"POST", {"api", "v1", "stations", "CP-1", "certificates", "0A:revoke"}, Role::Admin},
      {"POST", {"api", "v1", "stations", "CP-1", "commands", "reset"}, Role::Operator},
      {"PUT", {"api", "v1", "stations", "CP-1", "frame-logging"}, Role::Operator},
      {"POST", {"api", "v1", "alerts", "7:acknowledge"}, Role::Operator},
      {"POST", {"api", "v1", "alerts", "7:resolve"}, Role::Operator},
      {"PATCH", {"api", "v1", "fault-rules", "station_offline"}, Role::Admin},
      {"POST", {"api", "v1", "analytics", "tariff-simulation"}, Role::Operator},
      {"POST", {"api", "v1", "reservations"}, Role::Operator},
      {"POST", {"api", "v1", "reservations", "3:cancel"}, Role::Operator},
      {"POST", {"api", "v1", "jobs"}, Role::Operator},
      {"POST", {"api", "v1", "jobs", "3:cancel"}, Role::Operator},
      {"POST", {"api", "v1", "charging-profiles"}, Role::Operator},
      {"DELETE", {"api", "v1", "charging-profiles", "3"}, Role::Operator},
      {"POST", {"api", "v1", "tariffs"}, Role::Admin},
      {"POST", {"api", "v1", "invoices:generate"}, Role::Admin},
      {"POST", {"api", "v1", "transactions", "5:reprice"}, Role::Admin},
      {"PUT", {"api", "v1", "firmware", "2", "image"}, Role::Admin},
      {"POST", {"api", "v1", "sites"}, Role::Admin},
      {"POST", {"api", "v1", "maintenance-windows"}, Role::Admin},
      {"POST", {"api", "v1", "id-tokens"}, Role::Admin},
  };
  for (const auto& e : expected) {
    auto found = api_routes().match(e.method, e.segments);
    std::string path;
    for (const auto& s : e.segments) path += "/" + s;
    ASSERT_EQ(found.kind, RouteMatch::Kind::Found) << e.method << " " << path;
    EXPECT_EQ(found.route->role, e.role) << e.method << " " << path;
  }
}

}  // namespace
}  // namespace csms::api

// The route table read from the OpenAPI document (src/api/routes.cpp).

#include "api/routes.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace csms::api

// The OpenAPI document is the route table (src/api/routes.cpp): every documented operation
// is served, with exactly the documented role, and nothing else is. Also the routes added
// for the dashboard: who a token is, the live station stream, and the dashboard's files.

#include <gtest/gtest.h>
#include <unistd.h>
#include <cctype>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <tuple>

#include "support/answering_charger.hpp"
#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;

constexpr const char* kOperatorToken = "routes-operator-token";
constexpr const char* kViewerToken = "routes-viewer-token";

// A documented path with every {parameter} filled in: "probe" (a final {path}: a file name; a
// certificate {serial}: hex).
// Percent-encodes everything but unreserved characters (RFC 3986), for a query value.
std::string url_encode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string probe_path(const std::string& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size();) {
    if (path[i] != '{') {
      out += path[i++];
      continue;
    }
    auto close = path.find('}', i);
    const auto name = path.substr(i, close + 1 - i);
    out += name == "{path}" ? "probe.js" : name == "{serial}" ? "1A2B3C" : "probe";
    i = close + 1;
  }
  return out;
}

bool is_stream(const json& operation) {
  auto ok = operation.value("/responses/200/content"_json_pointer, json::object());
  return ok.contains("text/event-stream");
}

// The schema a $ref names (#/components/schemas/X), followed until it is not a reference.
const json& resolve(const json& document, const json& schema) {
  const json* at = &schema;
  for (int hops = 0; at->is_object() && at->contains("$ref") && hops < 20; ++hops)
    at = &document.at(json::json_pointer(at->at("$ref").get<std::string>().substr(1)));
  return *at;
}

// Every field a request body schema names, as a JSON pointer into a body ("/elements/0/price"
// for a field of an array's items), through anyOf / oneOf / allOf, three levels deep.
void body_fields(const json& document, const json& schema, const std::string& prefix, int depth,
                 std::set<std::string>& out) {
  const json& s = resolve(document, schema);
  if (!s.is_object() || depth > 3) return;
  for (const char* key : {"anyOf", "oneOf", "allOf"})
    if (s.contains(key))
      for (const auto& alternative : s[key]) body_fields(document, alternative, prefix, depth, out);
  if (s.contains("items")) body_fields(document, s["items"], prefix + "/0", depth + 1, out);
  if (!s.contains("properties")) return;
  for (const auto& [name, property] : s["properties"].items()) {
    out.insert(prefix + "/" + name);
    body_fields(document, property, prefix + "/" + name, depth + 1, out);
  }
}

class RoutesE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("csms-routes-e2e-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ / "assets");
    std::ofstream(dir_ / "index.html") << "<!doctype html><title>dashboard</title>";
    std::ofstream(dir_ / "assets" / "index-1a2b.js") << "console.log('dashboard')";
    std::ofstream(dir_ / ".hidden") << "secret";
    server_ = std::make_unique<CsmsProcess>(
        fresh_database("csms_e2e_routes"),
        std::map<std::string, std::string>{
            {"CSMS_API_TOKENS", std::string(CsmsProcess::kToken) + ":admin," + kOperatorToken + ":operator," +
                                    kViewerToken + ":viewer"},
            {"CSMS_API_UI_DIR", dir_.string()}});
    document_ = http(server_->api_port(), "GET", "/api/v1/openapi.json", std::nullopt, "").body;
    ASSERT_TRUE(document_.contains("paths"));
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  HttpResult call(const std::string& method, const std::string& target, const std::string& token) {
    std::optional<json> body;
    if (method != "GET" && method != "DELETE") body = json::object();
    return http(server_->api_port(), method, target, body, token);
  }
  template <typename F>
  void each_operation(F&& visit) {
    for (const auto& [path, item] : document_["paths"].items())
      for (const auto& [method, operation] : item.items())
        if (operation.is_object() && operation.contains("x-csms-role")) {
          std::string upper = method;
          for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          visit(path, upper, operation);
        }
  }

  std::filesystem::path dir_;
  std::unique_ptr<CsmsProcess> server_;
  json document_;
};

TEST_F(RoutesE2e, EveryDocumentedOperation_IsServed) {
  int probed = 0;
  each_operation([&](const std::string& path, const std::string& method, const json& operation) {
    if (is_stream(operation)) return;  // never ends; StationStream below reads one
    auto answer = call(method, probe_path(path), CsmsProcess::kToken);
    std::string detail = answer.body.is_object() ? answer.body.value("detail", "") : "";
    SCOPED_TRACE(method + " " + path + " -> " + std::to_string(answer.status) + " " + detail);
    EXPECT_NE(answer.status, 0);
    EXPECT_NE(answer.status, 405) << "documented, but its handler refuses the method";
    EXPECT_FALSE(answer.status == 404 && detail == "no such resource") << "documented, but not routed";
    EXPECT_LT(answer.status, 500);
    ++probed;
  });
  EXPECT_GT(probed, 90);
}

TEST_F(RoutesE2e, EveryOperation_NeedsExactlyItsDocumentedRole) {
  const std::vector<std::string> tokens = {kViewerToken, kOperatorToken, CsmsProcess::kToken};
  const std::vector<std::string> roles = {"viewer", "operator", "admin"};
  each_operation([&](const std::string& path, const std::string& method, const json& operation) {
    if (is_stream(operation)) return;
    const auto role = operation["x-csms-role"].get<std::string>();
    const auto target = probe_path(path);
    SCOPED_TRACE(method + " " + path + " (" + role + ")");
    if (role == "none") {
      EXPECT_NE(call(method, target, "").status, 401);
      return;
    }
    EXPECT_EQ(call(method, target, "").status, 401);
    auto needed = std::find(roles.begin(), roles.end(), role) - roles.begin();
    ASSERT_LT(needed, 3) << "unknown role " << role;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      auto status = call(method, target, tokens[i]).status;
      if (static_cast<long>(i) < needed)
        EXPECT_EQ(status, 403) << roles[i] << " token";
      else
        EXPECT_NE(status, 403) << roles[i] << " token";
    }
  });
}

// Hostile bodies: every field the document names in any request body, at any depth, set in turn
// to each JSON type (and to extremes of them), on every operation that takes JSON; commands go
// to connected 1.6 and 2.0.1 chargers, so they get past the online check. A wrong type is the
// client's error (4xx), or the charger's (502/504) when it reached the charger; never a 500.
TEST_F(RoutesE2e, EveryBodyFieldOfEveryType_IsAClientErrorNeverA500) {
  for (const char* id : {"probe", "probe16"})
    ASSERT_EQ(http(server_->api_port(), "POST", "/api/v1/stations", json{{"id", id}}).status, 201);
  auto any_answer = [](const json&) { return json::object(); };
  AnsweringCharger v201(server_->ocpp_port(), "probe", "ocpp2.0.1", any_answer);
  AnsweringCharger v16(server_->ocpp_port(), "probe16", "ocpp1.6", any_answer);

  const std::vector<json> values = {nullptr,
                                    false,
                                    -1,
                                    1.5e300,
                                    json(18446744073709551615ULL),
                                    "",
                                    "x",
                                    json::array(),
                                    json::object(),
                                    std::string(70000, 'x')};
  int requests = 0;
  auto sweep = [&](const std::string& method, const std::string& target, const std::set<std::string>& fields,
                   bool reaches_charger) {
    auto check = [&](const HttpResult& answer, const std::string& what) {
      SCOPED_TRACE(method + " " + target + " " + what + " -> " + std::to_string(answer.status) + " " +
                   answer.body.dump().substr(0, 200));
      ++requests;
      EXPECT_NE(answer.status, 0) << "no answer";
      if (reaches_charger)
        EXPECT_TRUE(answer.status < 500 || answer.status == 502 || answer.status == 504);
      else
        EXPECT_LT(answer.status, 500);
    };
    for (const json& body : {json(nullptr), json::array(), json("x"), json(1)})
      check(http(server_->api_port(), method, target, body), "body " + body.dump());
    for (const auto& field : fields)
      for (const auto& value : values) {
        json body;
        body[json::json_pointer(field)] = value;
        check(http(server_->api_port(), method, target, body), field + " = " + value.dump().substr(0, 20));
      }
  };

  const auto& commands =
      resolve(document_, document_["/components/schemas/CommandName"_json_pointer])["enum"];
  ASSERT_GT(commands.size(), 30u);
  each_operation([&](const std::string& path, const std::string& method, const json& operation) {
    auto schema = operation.value("/requestBody/content/application~1json/schema"_json_pointer, json());
    if (schema.is_null()) return;
    if (path == "/api/v1/stations/{id}/commands/{name}") {
      for (const auto& name : commands) {
        std::set<std::string> fields;
        // The body alternative titled with the command's name, else every alternative's fields.
        for (const auto& alternative : resolve(document_, schema).value("anyOf", json::array()))
          if (resolve(document_, alternative).value("title", "") == name)
            body_fields(document_, alternative, "", 0, fields);
        if (fields.empty()) body_fields(document_, schema, "", 0, fields);
        for (const char* station : {"probe", "probe16"})
          sweep(method, "/api/v1/stations/" + std::string(station) + "/commands/" + name.get<std::string>(),
                fields, true);
      }
      return;
    }
    std::set<std::string> fields;
    body_fields(document_, schema, "", 0, fields);
    sweep(method, probe_path(path), fields, false);
  });
  EXPECT_GT(requests, 2000);
  EXPECT_EQ(call("GET", "/healthz", "").status, 200);
}

TEST_F(RoutesE2e, UndocumentedPathsAndMethods_AreRefusedBeforeAnyToken) {
  for (const char* target : {"/api/v1/nope", "/api/v2/stations", "/api/v1/stations/S/nope", "/api", "/ui2/x",
                             "/api/v1/openapi.yaml"}) {
    auto answer = call("GET", target, "");
    EXPECT_EQ(answer.status, 404) << target;
    EXPECT_EQ(answer.content_type, "application/problem+json") << target;
  }
  auto wrong = call("DELETE", "/api/v1/openapi.json", CsmsProcess::kToken);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["allow"], "GET");
  EXPECT_EQ(call("PUT", "/api/v1/alerts/1", "").status, 405);
  // A detail quoting bytes that are not UTF-8 (a percent-decoded path) is still a problem+json.
  auto odd = call("GET", "/api/v1/analytics/%FF%FE", CsmsProcess::kToken);
  EXPECT_EQ(odd.status, 404) << odd.raw;
  EXPECT_EQ(odd.content_type, "application/problem+json");
}

TEST_F(RoutesE2e, TheStationStream_IsOnlyAGet_AndNoStationTakesItsName) {
  EXPECT_EQ(call("PATCH", "/api/v1/stations/stream", CsmsProcess::kToken).status, 404);
  EXPECT_EQ(http(server_->api_port(), "POST", "/api/v1/stations", json{{"id", "stream"}}).status, 400);
}

TEST_F(RoutesE2e, Me_NamesTheTokensRole) {
  auto me = call("GET", "/api/v1/me", kOperatorToken);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.body["role"], "operator");
  EXPECT_EQ(me.body["actor"].get<std::string>().substr(0, 7), "sha256:");
  EXPECT_EQ(call("GET", "/api/v1/me", "").status, 401);
}

TEST_F(RoutesE2e, StationStream_ReportsConnectionsStatusesAndSessions) {
  EventStreamClient stream(server_->api_port(), "/api/v1/stations/stream", kViewerToken);
  auto cp = std::make_unique<OcppClient>(server_->ocpp_port(), "RT-1", std::vector<std::string>{"ocpp1.6"});
  auto connected = stream.read_until("event: station.connected");
  EXPECT_NE(connected.find("\"station_id\":\"RT-1\""), std::string::npos) << connected;
  cp->call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  cp->call("StatusNotification", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Preparing"}});
  auto status = stream.read_until("\"status\":\"Preparing\"");
  EXPECT_NE(status.find("event: station.status"), std::string::npos) << status;
  EXPECT_NE(status.find("\"connector_id\":1"), std::string::npos) << status;
  cp->call("StartTransaction", {{"connectorId", 1},
                                {"idTag", "RT-TAG"},
                                {"meterStart", 0},
                                {"timestamp", utc(std::chrono::system_clock::now())}});
  auto text = stream.read_until("event: transaction.started");
  EXPECT_NE(text.find("event: transaction.started"), std::string::npos) << text;
  cp.reset();
  text = stream.read_until("event: station.disconnected");
  EXPECT_NE(text.find("event: station.disconnected"), std::string::npos) << text;
}

TEST_F(RoutesE2e, Overview_CountsTheFleetInOneDocument) {
  for (const char* id : {"OV-1", "OV-2", "OV-3"})
    ASSERT_EQ(
        http(server_->api_port(), "POST", "/api/v1/stations", json{{"id", id}, {"name", "Depot"}}).status,
        201);
  OcppClient cp(server_->ocpp_port(), "OV-1", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  cp.call("StatusNotification", {{"connectorId", 1}, {"errorCode", "GroundFailure"}, {"status", "Faulted"}});
  cp.call("StatusNotification", {{"connectorId", 2}, {"errorCode", "NoError"}, {"status", "Charging"}});
  cp.call("StartTransaction", {{"connectorId", 2},
                               {"idTag", "OV-TAG"},
                               {"meterStart", 0},
                               {"timestamp", utc(std::chrono::system_clock::now())}});
  const std::string window =
      "/api/v1/overview?from=2026-03-29T00:00:00Z&to=2026-03-29T12:00:00Z&last_week_from=2026-03-22T01:00:00Z"
      "&last_week_to=2026-03-22T13:00:00Z";
  // The fault service opens the Faulted connector's alert on its own schedule: wait for it too.
  json doc, open;
  auto open_alerts = [](const json& overview) {
    int counted = 0;
    for (const char* severity : {"critical", "warning", "info"})
      counted += overview["alerts"]["open"].value(severity, 0);
    return counted;
  };
  for (int i = 0; i < 200; ++i) {
    doc = http(server_->api_port(), "GET", window, std::nullopt, kViewerToken).body;
    open = http(server_->api_port(), "GET", "/api/v1/alerts?state=open&limit=500").body["items"];
    if (doc.value("sessions_in_progress", 0) == 1 && doc["stations"].value("faulted", 0) == 1 &&
        open_alerts(doc) >= 1 && open_alerts(doc) == static_cast<int>(open.size()))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(doc["stations"], (json{{"total", 3}, {"online", 1}, {"offline", 2}, {"faulted", 1}})) << doc;
  EXPECT_EQ(doc["faulted_stations"], (json::array({{{"id", "OV-1"}, {"name", "Depot"}, {"online", true}}})));
  EXPECT_EQ(doc["sessions_in_progress"], 1);
  EXPECT_EQ(doc["last_week_from"], "2026-03-22T01:00:00Z");
  EXPECT_EQ(doc["last_week_to"], "2026-03-22T13:00:00Z");
  EXPECT_EQ(doc["energy_wh"], (json{{"period", 0}, {"last_week", 0}}));
  EXPECT_EQ(doc["revenue_incl_vat"], (json{{"period", json::object()}, {"last_week", json::object()}}));
  // The Faulted connector's alert, counted as the alert list counts it.
  EXPECT_GE(open_alerts(doc), 1) << doc;
  EXPECT_EQ(open_alerts(doc), static_cast<int>(open.size())) << doc;
  EXPECT_EQ(doc["latest_alerts"].size(), std::min<std::size_t>(open.size(), 10));
  EXPECT_EQ(doc["latest_alerts"][0]["station_id"], "OV-1");
  // Times PostgreSQL or RFC 3339 cannot carry are refused, not a 500.
  EXPECT_EQ(
      http(server_->api_port(), "GET", "/api/v1/overview?from=0001-01-01T00:00:00Z&to=0001-01-01T12:00:00Z")
          .status,
      400);

  EXPECT_EQ(
      http(server_->api_port(), "GET", "/api/v1/overview?from=2026-03-29T12:00:00Z&to=2026-03-29T00:00:00Z")
          .status,
      400);
  EXPECT_EQ(
      http(server_->api_port(), "GET", "/api/v1/overview?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z")
          .status,
      400);
  EXPECT_EQ(http(server_->api_port(), "GET",
                 "/api/v1/overview?last_week_from=2026-03-22T13:00:00Z&last_week_to=2026-03-22T01:00:00Z")
                .status,
            400);
  EXPECT_EQ(http(server_->api_port(), "GET", "/api/v1/overview?from=yesterday").status, 400);
  auto now = http(server_->api_port(), "GET", "/api/v1/overview", std::nullopt, kViewerToken);
  EXPECT_EQ(now.status, 200);
  EXPECT_EQ(now.body["stations"]["total"], 3);
}

TEST_F(RoutesE2e, DashboardFiles_ServedFromTheUiDirectoryAndNothingElse) {
  auto root = call("GET", "/", "");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.headers["location"], "/ui/");
  auto index = call("GET", "/ui/", "");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.raw.find("<title>dashboard</title>"), std::string::npos);
  EXPECT_EQ(index.headers["content-security-policy"].rfind("default-src 'self'", 0), 0u);
  EXPECT_EQ(index.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(index.headers["cache-control"], "no-cache");
  auto script = call("GET", "/ui/assets/index-1a2b.js", "");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(script.headers["cache-control"], "public, max-age=31536000, immutable");
  // Hidden files, parent directories (plain or encoded), links and directories are not
  // served: a file beside the directory stands for what must stay out of reach.
  const auto canary = "canary-" + std::to_string(getpid()) + ".txt";
  std::ofstream(dir_.parent_path() / canary) << "outside";
  std::filesystem::create_directory_symlink(dir_.parent_path(), dir_ / "up");
  std::filesystem::create_symlink(dir_.parent_path() / canary, dir_ / "linked.txt");
  for (const std::string& target : std::vector<std::string>{
           "/ui/.hidden", "/ui/../" + canary, "/ui/%2e%2e/" + canary, "/ui/%2e%2e%2f" + canary,
           "/ui/assets%2f..%2f..%2f" + canary, "/ui/up/" + canary, "/ui/linked.txt", "/ui/index.html%00.js",
           "/ui/assets", "/ui/nope.js"}) {
    auto answer = call("GET", target, "");
    EXPECT_EQ(answer.status, 404) << target;
    EXPECT_EQ(answer.raw.find("outside"), std::string::npos) << target;
  }
  std::filesystem::remove(dir_.parent_path() / canary);
  // The API reference is a page of the dashboard's files.
  EXPECT_EQ(call("GET", "/api/docs", "").status, 404) << "not built into this directory";
  std::filesystem::create_directories(dir_ / "api-docs");
  std::ofstream(dir_ / "api-docs" / "index.html") << "<!doctype html><title>API reference</title>";
  auto docs = call("GET", "/api/docs", "");
  EXPECT_EQ(docs.status, 200);
  EXPECT_NE(docs.raw.find("API reference"), std::string::npos);
}

// What the dashboard's station list and live chart ask for.
TEST_F(RoutesE2e, StationList_FiltersBySiteProtocolAndText) {
  ASSERT_EQ(call("POST", "/api/v1/sites", CsmsProcess::kToken).status, 400);
  ASSERT_EQ(http(server_->api_port(), "POST", "/api/v1/sites",
                 json{{"id", "DEPOT"}, {"name", "Depot"}, {"limit_a", 100}})
                .status,
            201);
  for (auto [id, name, site] :
       {std::tuple{"RT-A", "Harbour North", true}, std::tuple{"RT-B", "harbour south", false},
        std::tuple{"RT-C", "Airport", true}}) {
    json body = {{"id", id}, {"name", name}};
    if (site) body["site_id"] = "DEPOT";
    ASSERT_EQ(http(server_->api_port(), "POST", "/api/v1/stations", body).status, 201);
  }
  OcppClient cp(server_->ocpp_port(), "RT-C", {"ocpp2.0.1"});
  cp.call("BootNotification",
          {{"reason", "PowerUp"}, {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}});
  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    auto answer = call("GET", "/api/v1/stations?" + query, kViewerToken);
    EXPECT_EQ(answer.status, 200) << query << ": " << answer.raw;
    for (const auto& item : answer.body["items"]) out.push_back(item["id"]);
    return out;
  };
  EXPECT_EQ(ids("q=HARBOUR"), (std::vector<std::string>{"RT-A", "RT-B"}));
  EXPECT_EQ(ids("q=rt-b"), (std::vector<std::string>{"RT-B"}));
  EXPECT_EQ(ids("site=DEPOT"), (std::vector<std::string>{"RT-A", "RT-C"}));
  EXPECT_EQ(ids("site=DEPOT&q=air"), (std::vector<std::string>{"RT-C"}));
  EXPECT_EQ(ids("protocol=ocpp2.0.1"), (std::vector<std::string>{"RT-C"}));
  EXPECT_EQ(call("GET", "/api/v1/stations?protocol=ocpp3", kViewerToken).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/stations?q=" + std::string(101, 'x'), kViewerToken).status, 400);

  // view=brief: the same stations and filters, each with the seven fields of StationBrief.
  EXPECT_EQ(ids("view=brief&site=DEPOT"), (std::vector<std::string>{"RT-A", "RT-C"}));
  const auto brief = call("GET", "/api/v1/stations?view=brief&q=airport", kViewerToken);
  ASSERT_EQ(brief.status, 200) << brief.raw;
  ASSERT_EQ(brief.body["items"].size(), 1u) << brief.raw;
  const json expected_keys = {"id", "name", "site_id", "time_zone", "online", "protocol", "last_seen_at"};
  json keys = json::array();
  for (const auto& [key, value] : brief.body["items"][0].items()) keys.push_back(key);
  EXPECT_EQ(json(std::set<std::string>(keys.begin(), keys.end())),
            json(std::set<std::string>(expected_keys.begin(), expected_keys.end())));
  const auto& c = brief.body["items"][0];
  EXPECT_EQ(c["name"], "Airport");
  EXPECT_EQ(c["site_id"], "DEPOT");
  EXPECT_EQ(c["time_zone"], "UTC");
  EXPECT_EQ(c["protocol"], "ocpp2.0.1");
  EXPECT_TRUE(c["online"].get<bool>());
  EXPECT_TRUE(c["last_seen_at"].is_string());
  EXPECT_EQ(ids("view=full&q=airport"), (std::vector<std::string>{"RT-C"}));
  const auto bad = call("GET", "/api/v1/stations?view=short", kViewerToken);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.raw.find("view must be brief or full"), std::string::npos) << bad.raw;
}

TEST_F(RoutesE2e, StationList_SortsByNameStatusAndLastSeen_PageByPage) {
  // RT-S2 has no name (it sorts by its id), reports no status and is never seen.
  for (auto [id, name] : {std::pair{"RT-S1", "Charlie"}, std::pair{"RT-S2", ""}, std::pair{"RT-S3", "Alpha"},
                          std::pair{"RT-S4", "Bravo"}}) {
    json body = {{"id", id}, {"location", "Quay 7"}};
    if (*name) body["name"] = name;
    ASSERT_EQ(http(server_->api_port(), "POST", "/api/v1/stations", body).status, 201);
  }
  // Seen in the order S3, S4, S1 (so S1 is the newest), each reporting one status.
  std::vector<std::unique_ptr<OcppClient>> chargers;
  for (auto [id, status] :
       {std::pair{"RT-S3", "Charging"}, std::pair{"RT-S4", "Available"}, std::pair{"RT-S1", "Faulted"}}) {
    chargers.push_back(
        std::make_unique<OcppClient>(server_->ocpp_port(), id, std::vector<std::string>{"ocpp1.6"}));
    auto& cp = *chargers.back();
    cp.call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", std::string("M-") + id}});
    auto answer = cp.call("StatusNotification",
                          {{"connectorId", 1},
                           {"errorCode", std::string(status) == "Faulted" ? "GroundFailure" : "NoError"},
                           {"status", status}});
    ASSERT_EQ(answer[0], 3) << answer.dump();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Every page of one station, following next_cursor.
  auto walk = [&](const std::string& sort) {
    std::vector<std::string> out;
    std::string cursor;
    for (int pages = 0; pages < 10; ++pages) {
      auto target = "/api/v1/stations?q=quay%207&limit=1&sort=" + sort;
      if (!cursor.empty()) target += "&cursor=" + url_encode(cursor);
      auto answer = call("GET", target, kViewerToken);
      EXPECT_EQ(answer.status, 200) << target << ": " << answer.raw;
      if (answer.status != 200) break;
      for (const auto& item : answer.body["items"]) out.push_back(item["id"]);
      if (answer.body["next_cursor"].is_null()) break;
      cursor = answer.body["next_cursor"];
    }
    return out;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(walk("id"), (Ids{"RT-S1", "RT-S2", "RT-S3", "RT-S4"}));
  EXPECT_EQ(walk("name"), (Ids{"RT-S3", "RT-S4", "RT-S1", "RT-S2"}));
  EXPECT_EQ(walk("status"), (Ids{"RT-S1", "RT-S3", "RT-S4", "RT-S2"}));
  // The last messages' times are written in batches: wait until all three are seen.
  for (int i = 0; i < 100; ++i) {
    auto seen = call("GET", "/api/v1/stations?q=quay%207&view=brief", kViewerToken).body["items"];
    if (std::count_if(seen.begin(), seen.end(),
                      [](const json& s) { return s["last_seen_at"].is_string(); }) == 3)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(walk("last_seen"), (Ids{"RT-S1", "RT-S4", "RT-S3", "RT-S2"}));
  // The search also reads the model.
  auto models = call("GET", "/api/v1/stations?q=m-rt-s4", kViewerToken);
  ASSERT_EQ(models.body["items"].size(), 1u) << models.raw;
  EXPECT_EQ(models.body["items"][0]["id"], "RT-S4");

  // A cursor belongs to its order; anything else is a 400, never a server error.
  auto name_page = call("GET", "/api/v1/stations?q=quay%207&limit=1&sort=name", kViewerToken);
  const std::string name_cursor = name_page.body["next_cursor"];
  for (const std::string& target : std::vector<std::string>{
           "/api/v1/stations?sort=colour", "/api/v1/stations?sort=status&cursor=" + url_encode(name_cursor),
           "/api/v1/stations?sort=last_seen&cursor=" + url_encode(name_cursor),
           "/api/v1/stations?sort=name&cursor=garbage",
           "/api/v1/stations?sort=name&cursor=" + url_encode(R"([null,"RT-S1"])"),
           "/api/v1/stations?sort=status&cursor=" + url_encode(R"(["11","RT-S1"])"),
           "/api/v1/stations?sort=last_seen&cursor=" + url_encode(R"(["2026-13-45T99:00:00Z","RT-S1"])"),
           "/api/v1/stations?sort=name&cursor=" + url_encode(R"(["Alpha",""])"),
           "/api/v1/stations?sort=last_seen&cursor=" + url_encode(R"(["0000-01-01T00:00:00Z","RT-S1"])"),
           "/api/v1/stations?sort=last_seen&cursor=" + url_encode(R"(["99999999999999999999","RT-S1"])"),
           "/api/v1/stations?sort=id&cursor=%FF", "/api/v1/stations?q=%C0%AF", "/api/v1/stations?q=a%00b"}) {
    auto answer = call("GET", target, kViewerToken);
    EXPECT_EQ(answer.status, 400) << target << ": " << answer.raw;
  }
  // The search counts characters, not bytes: 40 three-byte characters are within its 100.
  std::string wide;
  for (int i = 0; i < 40; ++i) wide += "%E6%B8%AF";
  EXPECT_EQ(call("GET", "/api/v1/stations?q=" + wide, kViewerToken).status, 200);
  // A never-seen station's cursor (no key) works by last seen.
  auto tail =
      call("GET", "/api/v1/stations?q=quay%207&sort=last_seen&cursor=" + url_encode(R"([null,"RT-S0"])"),
           kViewerToken);
  ASSERT_EQ(tail.status, 200) << tail.raw;
  ASSERT_EQ(tail.body["items"].size(), 1u) << tail.raw;
  EXPECT_EQ(tail.body["items"][0]["id"], "RT-S2");
}

TEST_F(RoutesE2e, MeterSamples_FromATime_GivesOnlyWhatIsNew) {
  OcppClient cp(server_->ocpp_port(), "RT-M", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  const auto start = std::chrono::system_clock::now() - std::chrono::minutes(10);
  auto started =
      cp.call("StartTransaction",
              {{"connectorId", 1}, {"idTag", "RT-TAG"}, {"meterStart", 0}, {"timestamp", utc(start)}});
  ASSERT_EQ(started[0], 3) << started.dump();
  const auto charger_id = started[2]["transactionId"].get<int>();
  for (int minute = 1; minute <= 4; ++minute) {
    auto answer = cp.call("MeterValues", {{"connectorId", 1},
                                          {"transactionId", charger_id},
                                          {"meterValue",
                                           {{{"timestamp", utc(start + std::chrono::minutes(minute))},
                                             {"sampledValue",
                                              {{{"value", std::to_string(minute * 100)},
                                                {"measurand", "Energy.Active.Import.Register"}}}}}}}});
    ASSERT_EQ(answer[0], 3) << answer.dump();
  }
  auto list = call("GET", "/api/v1/transactions?station=RT-M", kViewerToken).body["items"];
  ASSERT_EQ(list.size(), 1u);
  const auto path =
      "/api/v1/transactions/" + std::to_string(list[0]["id"].get<long long>()) + "/meter-samples";
  auto values = [&](const std::string& target) {
    std::vector<std::string> out;
    auto answer = call("GET", target, kViewerToken);
    EXPECT_EQ(answer.status, 200) << target << ": " << answer.raw;
    for (const auto& item : answer.body["items"])
      out.push_back(item["value"].is_string() ? item["value"].get<std::string>() : item["value"].dump());
    return out;
  };
  // Meter samples are stored in batches: wait for all four.
  auto all = values(path);
  for (int i = 0; i < 100 && all.size() < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    all = values(path);
  }
  auto recent = values(path + "?from=" + utc(start + std::chrono::minutes(3)));
  EXPECT_EQ(all.size(), 4u);
  EXPECT_EQ(recent, (std::vector<std::string>{"300", "400"}));
  EXPECT_EQ(call("GET", path + "?from=yesterday", kViewerToken).status, 400);
}

}  // namespace
}  // namespace csms::testing

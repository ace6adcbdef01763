#include "csms/api/api.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "csms/api/password.hpp"
#include "csms/billing/billing_service.hpp"
#include "csms/billing/plan.hpp"
#include "csms/billing/tariff.hpp"
#include "csms/domain/time.hpp"
#include "csms/metrics/metrics.hpp"
#include "openapi.hpp"

namespace csms::api {
namespace {

using json = nlohmann::json;
using server::HttpRequest;
using server::HttpResponse;

// Thrown by handlers; one catch turns it into problem+json (RFC 9457).
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& detail) : std::runtime_error(detail), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

std::string title_of(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 415:
      return "Unsupported Media Type";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

HttpResponse problem(int status, const std::string& detail, json extra = json::object()) {
  json body = {{"type", "about:blank"}, {"title", title_of(status)}, {"status", status}, {"detail", detail}};
  for (auto& [key, value] : extra.items()) body[key] = value;
  HttpResponse response{status, "application/problem+json", {}, body.dump(), nullptr};
  if (status == 401) response.headers["WWW-Authenticate"] = "Bearer realm=\"csms\"";
  return response;
}

HttpResponse json_response(int status, std::string body) {
  return HttpResponse{status, "application/json", {}, std::move(body), nullptr};
}

std::string url_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) throw HttpError(400, "bad percent-encoding in the URL");
      auto hex = std::string(text.substr(i + 1, 2));
      char* end = nullptr;
      long value = std::strtol(hex.c_str(), &end, 16);
      if (end != hex.c_str() + 2) throw HttpError(400, "bad percent-encoding in the URL");
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct Target {
  std::vector<std::string> segments;
  std::multimap<std::string, std::string> query;

  std::optional<std::string> param(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
};

Target parse_target(std::string_view target) {
  Target out;
  auto mark = target.find('?');
  auto path = target.substr(0, mark);
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    out.segments.push_back(url_decode(path.substr(0, slash)));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  if (mark != std::string_view::npos) {
    auto query = target.substr(mark + 1);
    while (!query.empty()) {
      auto amp = query.find('&');
      auto pair = query.substr(0, amp);
      auto eq = pair.find('=');
      if (!pair.empty())
        out.query.emplace(url_decode(pair.substr(0, eq)),
                          eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1)));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  return out;
}

json parse_body(const HttpRequest& request) {
  auto type = request.headers.count("content-type") ? request.headers.at("content-type") : "";
  if (!request.body.empty() && !type.empty() && type.find("json") == std::string::npos)
    throw HttpError(415, "send JSON (Content-Type: application/json)");
  if (request.body.empty()) return json::object();
  auto body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) throw HttpError(400, "the body is not valid JSON");
  if (!body.is_object()) throw HttpError(400, "the body must be a JSON object");
  return body;
}

domain::Page page_of(const Target& target) {
  domain::Page page;
  if (auto limit = target.param("limit")) {
    int value = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc{} || end != limit->data() + limit->size() || value < 1 || value > 500)
      throw HttpError(400, "limit must be an integer from 1 to 500");
    page.limit = value;
  }
  page.cursor = target.param("cursor").value_or("");
  return page;
}

// Lists ordered by a numeric id take that id as their cursor.
void require_numeric_cursor(const domain::Page& page) {
  if (page.cursor.size() > 18 || page.cursor.find_first_not_of("0123456789") != std::string::npos)
    throw HttpError(400, "bad cursor");
}

std::optional<bool> bool_param(const Target& target, const std::string& name) {
  auto value = target.param(name);
  if (!value) return std::nullopt;
  if (*value == "true") return true;
  if (*value == "false") return false;
  throw HttpError(400, name + " must be true or false");
}

std::optional<domain::Timestamp> time_param(const Target& target, const std::string& name) {
  auto value = target.param(name);
  if (!value) return std::nullopt;
  auto parsed = domain::parse_timestamp(*value, false);
  if (!parsed)
    throw HttpError(400, name + " must be an RFC 3339 time with an offset, e.g. 2026-01-31T00:00:00Z");
  return parsed;
}

// Field checks for create/patch bodies. Each returns the value to store.
void check_known(const json& body, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (auto* name : allowed) known = known || key == name;
    if (!known) throw HttpError(400, "unknown field '" + key + "'");
  }
}

void expect_string(const json& body, const char* key, std::size_t max, bool nullable = true) {
  auto it = body.find(key);
  if (it == body.end()) return;
  if (it->is_null() && nullable) return;
  if (!it->is_string()) throw HttpError(400, std::string(key) + " must be a string");
  if (it->get<std::string>().size() > max)
    throw HttpError(400, std::string(key) + " must be at most " + std::to_string(max) + " characters");
}

void expect_number(const json& body, const char* key, double min, double max, bool integer) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return;
  if (!it->is_number() || (integer && !it->is_number_integer()))
    throw HttpError(400, std::string(key) + (integer ? " must be an integer" : " must be a number"));
  double value = it->get<double>();
  if (value < min || value > max) throw HttpError(400, std::string(key) + " is out of range");
}

void expect_enum(const json& body, const char* key, std::initializer_list<const char*> values) {
  auto it = body.find(key);
  if (it == body.end()) return;
  if (it->is_string())
    for (auto* value : values)
      if (it->get<std::string>() == value) return;
  std::string list;
  for (auto* value : values) list += (list.empty() ? "" : ", ") + std::string(value);
  throw HttpError(400, std::string(key) + " must be one of " + list);
}

bool valid_identity(const std::string& id) {
  if (id.empty() || id.size() > 48) return false;
  for (unsigned char c : id)
    if (c < 0x21 || c == 0x7f || c == ':' || c == '/') return false;
  return true;
}

// IANA names as the system's tz database knows them.
bool known_time_zone(const std::string& zone) {
  if (zone == "UTC") return true;
  if (zone.empty() || zone.find("..") != std::string::npos || zone.front() == '/') return false;
  std::error_code ec;
  return std::filesystem::is_regular_file("/usr/share/zoneinfo/" + zone, ec);
}

json station_fields(json body, bool creating) {
  check_known(body, {"id", "name", "location", "latitude", "longitude", "time_zone", "tariff_id",
                     "max_power_w", "registration", "password"});
  expect_string(body, "name", 200);
  expect_string(body, "location", 500);
  expect_string(body, "tariff_id", 100);
  expect_number(body, "latitude", -90, 90, false);
  expect_number(body, "longitude", -180, 180, false);
  expect_number(body, "max_power_w", 0, 10'000'000, true);
  expect_enum(body, "registration", {"Accepted", "Pending", "Rejected"});
  if (body.contains("time_zone")) {
    expect_string(body, "time_zone", 64, false);
    if (!known_time_zone(body["time_zone"].get<std::string>()))
      throw HttpError(400, "time_zone must be an IANA time zone such as Europe/Berlin");
  }
  body.erase("id");
  if (body.contains("password")) {
    auto& password = body["password"];
    if (password.is_null()) {
      body["password_hash"] = nullptr;
    } else {
      if (!password.is_string() || password.get<std::string>().size() < 8 ||
          password.get<std::string>().size() > 64)
        throw HttpError(400, "password must be a string of 8 to 64 characters");
      body["password_hash"] = hash_password(password.get<std::string>());
    }
    body.erase("password");
  }
  (void)creating;
  return body;
}

json id_token_fields(json body) {
  check_known(body, {"token", "status", "expires_at", "group", "customer_id"});
  expect_enum(body, "status", {"Accepted", "Blocked", "Expired", "Invalid"});
  expect_string(body, "group", 36);
  expect_string(body, "customer_id", 100);
  if (auto it = body.find("expires_at"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) throw HttpError(400, "expires_at must be an RFC 3339 time");
    auto parsed = domain::parse_timestamp(it->get<std::string>(), false);
    if (!parsed) throw HttpError(400, "expires_at must be an RFC 3339 time with an offset");
    *it = domain::format_timestamp(*parsed);
  }
  body.erase("token");
  return body;
}

HttpResponse write_result(domain::WriteResult result, const std::string& what,
                          const std::optional<std::string>& document, int success_status) {
  switch (result) {
    case domain::WriteResult::Done:
      return document ? json_response(success_status, *document)
                      : HttpResponse{204, "application/json", {}, "", nullptr};
    case domain::WriteResult::NotFound:
      return problem(404, what + " not found");
    case domain::WriteResult::Conflict:
      return problem(409, what + " already exists");
  }
  return problem(500, "unexpected result");
}

}  // namespace

Api::Api(ApiSettings settings, domain::UnitOfWorkRunner& db, CommandPort& commands,
         const domain::Clock& clock, std::function<bool()> ready, faults::FaultService& faults,
         AlertStreams& streams)
    : settings_(std::move(settings)),
      db_(db),
      commands_(commands),
      clock_(clock),
      ready_(std::move(ready)),
      faults_(faults),
      streams_(streams) {}

void Api::handle(HttpRequest request, std::function<void(HttpResponse)> respond) {
  // Runs `work` in a unit of work and answers with what it returns (or the error it threw).
  auto with_db = [this, respond](std::function<HttpResponse(domain::AdminRepository&)> work) {
    auto out = std::make_shared<HttpResponse>();
    db_.run([out, work = std::move(work)](domain::Repositories& repos) { *out = work(repos.admin()); },
            [out, respond](std::exception_ptr error) {
              if (!error) return respond(std::move(*out));
              try {
                std::rethrow_exception(error);
              } catch (const HttpError& e) {
                respond(problem(e.status(), e.what()));
              } catch (const std::exception& e) {
                spdlog::error("api: database work failed: {}", e.what());
                respond(problem(500, "the request could not be completed"));
              }
            });
  };

  try {
    auto target = parse_target(request.target);
    const auto& seg = target.segments;
    const auto& method = request.method;

    if (seg.size() == 1 && seg[0] == "healthz" && method == "GET")
      return respond(json_response(200, R"({"status":"ok"})"));
    if (seg.size() == 1 && seg[0] == "readyz" && method == "GET") {
      if (!ready_())
        return respond(problem(503, "not ready: migrations pending or the database unreachable"));
      return with_db([](domain::AdminRepository& admin) {
        admin.ping();
        return json_response(200, R"({"status":"ready"})");
      });
    }
    if (seg.size() == 1 && seg[0] == "metrics" && method == "GET")
      return respond(
          HttpResponse{200, "text/plain; version=0.0.4", {}, metrics::registry().render(), nullptr});
    if (seg.size() < 2 || seg[0] != "api" || seg[1] != "v1") throw HttpError(404, "no such resource");
    if (seg.size() == 3 && seg[2] == "openapi.json" && method == "GET")
      return respond(json_response(200, std::string(openapi_document())));

    // Bearer tokens: viewers read, operators also send commands, admins change everything.
    auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || !auth->second.starts_with("Bearer "))
      throw HttpError(401, "send Authorization: Bearer <token>");
    auto token = settings_.tokens.find(auth->second.substr(7));
    if (token == settings_.tokens.end()) throw HttpError(401, "unknown bearer token");
    Role role = token->second;
    bool is_command = seg.size() == 6 && seg[2] == "stations" && seg[4] == "commands";
    bool is_alert_action = seg.size() == 4 && seg[2] == "alerts" && method == "POST";
    bool is_frame_logging = seg.size() == 5 && seg[2] == "stations" && seg[4] == "frame-logging";
    Role needed = method == "GET"                                       ? Role::Viewer
                  : (is_command || is_alert_action || is_frame_logging) ? Role::Operator
                                                                        : Role::Admin;
    if (role < needed) throw HttpError(403, "this token's role may not " + method + " here");

    const std::string resource = seg.size() > 2 ? seg[2] : "";
    const std::size_t depth = seg.size();

    if (resource == "alerts" || resource == "fault-rules") {
      // Who did it, for the alert's record: the body's "by", else the token's role.
      std::string actor = role == Role::Admin ? "admin" : role == Role::Operator ? "operator" : "viewer";
      return handle_faults(seg, request, actor, static_cast<int>(role), respond);
    }

    if (resource == "stations") {
      if (depth == 3 && method == "GET") {
        domain::StationFilter filter;
        filter.online = bool_param(target, "online");
        filter.status = target.param("status");
        auto page = page_of(target);
        return with_db([filter, page](domain::AdminRepository& admin) {
          return json_response(200, admin.list_stations(filter, page));
        });
      }
      if (depth == 3 && method == "POST") {
        auto body = parse_body(request);
        if (!body.contains("id") || !body["id"].is_string() || !valid_identity(body["id"].get<std::string>()))
          throw HttpError(400, "id must be 1 to 48 printable characters without ':' or '/'");
        auto id = body["id"].get<std::string>();
        auto fields = station_fields(body, true).dump();
        return with_db([id, fields](domain::AdminRepository& admin) {
          auto result = admin.create_station(id, fields);
          return write_result(result, "station " + id,
                              result == domain::WriteResult::Done ? admin.get_station(id) : std::nullopt,
                              201);
        });
      }
      if (depth == 4) {
        auto id = seg[3];
        if (method == "GET")
          return with_db([id](domain::AdminRepository& admin) {
            auto station = admin.get_station(id);
            return station ? json_response(200, *station) : problem(404, "station " + id + " not found");
          });
        if (method == "PATCH") {
          auto fields = station_fields(parse_body(request), false).dump();
          return with_db([id, fields](domain::AdminRepository& admin) {
            auto result = admin.patch_station(id, fields);
            return write_result(result, "station " + id,
                                result == domain::WriteResult::Done ? admin.get_station(id) : std::nullopt,
                                200);
          });
        }
        if (method == "DELETE")
          return with_db([id](domain::AdminRepository& admin) {
            return write_result(admin.delete_station(id), "station " + id, std::nullopt, 204);
          });
      }
      if (depth == 5 && method == "GET" && (seg[4] == "reports" || seg[4] == "status-history")) {
        auto id = seg[3];
        auto page = page_of(target);
        require_numeric_cursor(page);
        if (seg[4] == "reports") {
          auto kind = target.param("kind");
          return with_db([id, kind, page](domain::AdminRepository& admin) {
            if (!admin.station_exists(id)) return problem(404, "station " + id + " not found");
            return json_response(200, admin.list_station_reports(id, kind, page));
          });
        }
        auto from = time_param(target, "from");
        auto to = time_param(target, "to");
        return with_db([id, from, to, page](domain::AdminRepository& admin) {
          if (!admin.station_exists(id)) return problem(404, "station " + id + " not found");
          return json_response(200, admin.list_status_history(id, from, to, page));
        });
      }
      if (depth == 5 && seg[4] == "frame-logging" && method == "PUT") {
        auto body = parse_body(request);
        check_known(body, {"enabled"});
        if (!body.contains("enabled") || !body["enabled"].is_boolean())
          throw HttpError(400, "enabled must be true or false");
        bool enabled = body["enabled"];
        commands_.set_frame_logging(seg[3], enabled);
        return respond(json_response(200, json{{"station_id", seg[3]}, {"enabled", enabled}}.dump()));
      }
      if (is_command && method == "POST") {
        auto id = seg[3];
        auto name = seg[5];
        static const std::set<std::string> kNames = {
            "remote-start",      "remote-stop",       "reset",           "unlock",      "change-availability",
            "get-configuration", "set-configuration", "trigger-message", "clear-cache", "data-transfer"};
        if (!kNames.count(name)) throw HttpError(404, "unknown command '" + name + "'");
        auto body = parse_body(request);
        auto send = [this, id, name, respond](json resolved) {
          commands_.send(id, name, resolved, [respond](CommandResult result) {
            using Kind = CommandResult::Kind;
            switch (result.kind) {
              case Kind::Answered:
                return respond(json_response(
                    200, json{{"status", result.status}, {"response", result.response}}.dump()));
              case Kind::UnknownStation:
                return respond(problem(404, "unknown station"));
              case Kind::Offline:
                return respond(problem(409, "the station is not connected"));
              case Kind::Timeout:
                return respond(problem(504, "the station did not answer in time"));
              case Kind::CallError:
                return respond(problem(
                    502,
                    "the station answered with CALLERROR " + result.error_code + ": " + result.description,
                    {{"error_code", result.error_code},
                     {"error_description", result.description},
                     {"error_details", result.response}}));
              case Kind::BadRequest:
                return respond(problem(400, result.description));
            }
          });
        };
        if (name == "remote-stop") {
          if (!body.contains("transaction_id") ||
              !(body["transaction_id"].is_string() || body["transaction_id"].is_number_integer()))
            throw HttpError(400, "transaction_id (our id or the charger's) is required");
          auto given = body["transaction_id"].is_string()
                           ? body["transaction_id"].get<std::string>()
                           : std::to_string(body["transaction_id"].get<long long>());
          auto resolved = std::make_shared<std::optional<std::string>>();
          db_.run(
              [id, given, resolved](domain::Repositories& repos) {
                *resolved = repos.admin().ocpp_transaction_id(id, given);
              },
              [resolved, given, body, send, respond](std::exception_ptr error) mutable {
                if (error) return respond(problem(500, "the transaction could not be looked up"));
                // Unknown here: the charger may still know it (e.g. started while we were down).
                body["transaction_id"] = resolved->value_or(given);
                send(body);
              });
          return;
        }
        return send(body);
      }
      throw HttpError(405, method + " is not allowed here");
    }

    if (resource == "tariffs") {
      auto with_billing = [this, respond](std::function<HttpResponse(domain::BillingRepository&)> work) {
        auto out = std::make_shared<HttpResponse>();
        db_.run([out, work = std::move(work)](domain::Repositories& repos) { *out = work(repos.billing()); },
                [out, respond](std::exception_ptr error) {
                  if (!error) return respond(std::move(*out));
                  respond(problem(500, "the request could not be completed"));
                });
      };
      // The OCPI shape, validated by the billing model; prices come back as decimal strings.
      auto validated = [](json body, const std::string& id) {
        body["id"] = id;
        body.erase("version");
        body.erase("last_updated");
        bool is_default = body.value("is_default", false);
        try {
          auto tariff = body.get<billing::Tariff>();
          json normalized = tariff;
          normalized.erase("version");
          return std::pair{normalized, is_default};
        } catch (const std::exception& e) {
          throw HttpError(400, std::string("invalid tariff: ") + e.what());
        }
      };
      if (depth == 3 && method == "GET")
        return with_billing(
            [](domain::BillingRepository& repo) { return json_response(200, repo.list_tariffs()); });
      if (depth == 3 && method == "POST") {
        auto body = parse_body(request);
        if (!body.contains("id") || !body["id"].is_string() || body["id"].get<std::string>().empty() ||
            body["id"].get<std::string>().size() > 36)
          throw HttpError(400, "id must be a string of 1 to 36 characters");
        auto id = body["id"].get<std::string>();
        auto [document, is_default] = validated(body, id);
        return with_billing([id, document, is_default](domain::BillingRepository& repo) {
          auto result = repo.save_tariff(id, document.dump(), is_default, true);
          return write_result(result, "tariff " + id,
                              result == domain::WriteResult::Done ? repo.get_tariff(id) : std::nullopt, 201);
        });
      }
      if (depth == 4) {
        auto id = seg[3];
        if (method == "GET")
          return with_billing([id](domain::BillingRepository& repo) {
            auto doc = repo.get_tariff(id);
            return doc ? json_response(200, *doc) : problem(404, "tariff " + id + " not found");
          });
        if (method == "PUT") {
          auto [document, is_default] = validated(parse_body(request), id);
          return with_billing([id, document, is_default](domain::BillingRepository& repo) {
            auto result = repo.save_tariff(id, document.dump(), is_default, false);
            return write_result(result, "tariff " + id,
                                result == domain::WriteResult::Done ? repo.get_tariff(id) : std::nullopt,
                                200);
          });
        }
        if (method == "DELETE")
          return with_billing([id](domain::BillingRepository& repo) {
            return write_result(repo.delete_tariff(id), "tariff " + id, std::nullopt, 204);
          });
      }
      throw HttpError(405, method + " is not allowed here");
    }

    if (resource == "plans" || resource == "customers") {
      auto with_billing = [this, respond](std::function<HttpResponse(domain::BillingRepository&)> work) {
        auto out = std::make_shared<HttpResponse>();
        db_.run([out, work = std::move(work)](domain::Repositories& repos) { *out = work(repos.billing()); },
                [out, respond](std::exception_ptr error) {
                  respond(error ? problem(500, "the request could not be completed") : std::move(*out));
                });
      };
      if (resource == "plans") {
        // The billing model validates; prices come back as decimal strings.
        auto validated = [](json body, const std::string& id) {
          body["id"] = id;
          try {
            json normalized = body.get<billing::Plan>();
            return normalized;
          } catch (const std::exception& e) {
            throw HttpError(400, std::string("invalid plan: ") + e.what());
          }
        };
        if (depth == 3 && method == "GET")
          return with_billing(
              [](domain::BillingRepository& repo) { return json_response(200, repo.list_plans()); });
        if (depth == 3 && method == "POST") {
          auto body = parse_body(request);
          if (!body.contains("id") || !body["id"].is_string() || body["id"].get<std::string>().empty() ||
              body["id"].get<std::string>().size() > 36)
            throw HttpError(400, "id must be a string of 1 to 36 characters");
          auto id = body["id"].get<std::string>();
          auto document = validated(body, id).dump();
          return with_billing([id, document](domain::BillingRepository& repo) {
            auto result = repo.save_plan(id, document, true);
            return write_result(result, "plan " + id,
                                result == domain::WriteResult::Done ? repo.get_plan(id) : std::nullopt, 201);
          });
        }
        if (depth == 4) {
          auto id = seg[3];
          if (method == "GET")
            return with_billing([id](domain::BillingRepository& repo) {
              auto doc = repo.get_plan(id);
              return doc ? json_response(200, *doc) : problem(404, "plan " + id + " not found");
            });
          if (method == "PUT") {
            auto document = validated(parse_body(request), id).dump();
            return with_billing([id, document](domain::BillingRepository& repo) {
              auto result = repo.save_plan(id, document, false);
              return write_result(result, "plan " + id,
                                  result == domain::WriteResult::Done ? repo.get_plan(id) : std::nullopt,
                                  200);
            });
          }
          if (method == "DELETE")
            return with_billing([id](domain::BillingRepository& repo) {
              return write_result(repo.delete_plan(id), "plan " + id, std::nullopt, 204);
            });
        }
        throw HttpError(405, method + " is not allowed here");
      }
      auto customer_fields = [](json body) {
        check_known(body, {"id", "name", "email", "time_zone", "plan_id"});
        expect_string(body, "name", 200);
        expect_string(body, "email", 200);
        expect_string(body, "plan_id", 36);
        if (body.contains("email") && body["email"].is_string() &&
            body["email"].get<std::string>().find('@') == std::string::npos)
          throw HttpError(400, "email must be an e-mail address");
        if (body.contains("time_zone")) {
          expect_string(body, "time_zone", 64, false);
          if (!known_time_zone(body["time_zone"].get<std::string>()))
            throw HttpError(400, "time_zone must be an IANA time zone such as Europe/Berlin");
        }
        body.erase("id");
        return body.dump();
      };
      auto customer_result = [](domain::WriteResult result, const std::string& id,
                                const std::optional<std::string>& doc, int status) {
        if (result == domain::WriteResult::Conflict)
          return problem(409, "customer " + id + " exists, or its plan_id names no plan");
        return write_result(result, "customer " + id, doc, status);
      };
      if (depth == 3 && method == "GET") {
        auto page = page_of(target);
        return with_billing([page](domain::BillingRepository& repo) {
          return json_response(200, repo.list_customers(page));
        });
      }
      if (depth == 3 && method == "POST") {
        auto body = parse_body(request);
        if (!body.contains("id") || !body["id"].is_string() || body["id"].get<std::string>().empty() ||
            body["id"].get<std::string>().size() > 100)
          throw HttpError(400, "id must be a string of 1 to 100 characters");
        auto id = body["id"].get<std::string>();
        auto fields = customer_fields(body);
        return with_billing([id, fields, customer_result](domain::BillingRepository& repo) {
          auto result = repo.create_customer(id, fields);
          return customer_result(
              result, id, result == domain::WriteResult::Done ? repo.get_customer(id) : std::nullopt, 201);
        });
      }
      if (depth == 4) {
        auto id = seg[3];
        if (method == "GET")
          return with_billing([id](domain::BillingRepository& repo) {
            auto doc = repo.get_customer(id);
            return doc ? json_response(200, *doc) : problem(404, "customer " + id + " not found");
          });
        if (method == "PATCH") {
          auto fields = customer_fields(parse_body(request));
          return with_billing([id, fields, customer_result](domain::BillingRepository& repo) {
            auto result = repo.patch_customer(id, fields);
            return customer_result(
                result, id, result == domain::WriteResult::Done ? repo.get_customer(id) : std::nullopt, 200);
          });
        }
        if (method == "DELETE")
          return with_billing([id](domain::BillingRepository& repo) {
            return write_result(repo.delete_customer(id), "customer " + id, std::nullopt, 204);
          });
      }
      throw HttpError(405, method + " is not allowed here");
    }

    if (resource == "id-tokens") {
      if (depth == 3 && method == "GET") {
        auto customer = target.param("customer");
        auto page = page_of(target);
        return with_db([customer, page](domain::AdminRepository& admin) {
          return json_response(200, admin.list_id_tokens(customer, page));
        });
      }
      if (depth == 3 && method == "POST") {
        auto body = parse_body(request);
        if (!body.contains("token") || !body["token"].is_string() ||
            body["token"].get<std::string>().empty() || body["token"].get<std::string>().size() > 36)
          throw HttpError(400, "token must be a string of 1 to 36 characters");
        auto id = body["token"].get<std::string>();
        auto fields = id_token_fields(body).dump();
        return with_db([id, fields](domain::AdminRepository& admin) {
          auto result = admin.create_id_token(id, fields);
          return write_result(result, "id token " + id,
                              result == domain::WriteResult::Done ? admin.get_id_token(id) : std::nullopt,
                              201);
        });
      }
      if (depth == 4) {
        auto id = seg[3];
        if (method == "GET")
          return with_db([id](domain::AdminRepository& admin) {
            auto doc = admin.get_id_token(id);
            return doc ? json_response(200, *doc) : problem(404, "id token " + id + " not found");
          });
        if (method == "PATCH") {
          auto fields = id_token_fields(parse_body(request)).dump();
          return with_db([id, fields](domain::AdminRepository& admin) {
            auto result = admin.patch_id_token(id, fields);
            return write_result(result, "id token " + id,
                                result == domain::WriteResult::Done ? admin.get_id_token(id) : std::nullopt,
                                200);
          });
        }
        if (method == "DELETE")
          return with_db([id](domain::AdminRepository& admin) {
            return write_result(admin.delete_id_token(id), "id token " + id, std::nullopt, 204);
          });
      }
      throw HttpError(405, method + " is not allowed here");
    }

    if (resource == "transactions") {
      if (depth == 3 && method == "GET") {
        domain::TransactionFilter filter;
        filter.station = target.param("station");
        filter.id_token = target.param("id_token");
        filter.customer = target.param("customer");
        if (auto state = target.param("state")) {
          if (*state != "open" && *state != "closed") throw HttpError(400, "state must be open or closed");
          filter.open = *state == "open";
        }
        filter.from = time_param(target, "from");
        filter.to = time_param(target, "to");
        auto page = page_of(target);
        require_numeric_cursor(page);
        return with_db([filter, page](domain::AdminRepository& admin) {
          return json_response(200, admin.list_transactions(filter, page));
        });
      }
      if (depth == 4 && method == "GET") {
        long long id = 0;
        auto [end, ec] = std::from_chars(seg[3].data(), seg[3].data() + seg[3].size(), id);
        if (ec != std::errc{} || end != seg[3].data() + seg[3].size())
          throw HttpError(404, "transaction " + seg[3] + " not found");
        auto out = std::make_shared<HttpResponse>();
        db_.run(
            [id, out](domain::Repositories& repos) {
              auto doc = repos.admin().get_transaction(id);
              if (!doc) {
                *out = problem(404, "transaction " + std::to_string(id) + " not found");
                return;
              }
              auto transaction = json::parse(*doc);
              // A session still running shows what it has cost so far.
              if (transaction["state"] == "open" && transaction["cost"].is_null()) {
                if (auto data = repos.billing().pricing_data(id)) {
                  try {
                    if (auto cost = billing::BillingService::price(*data)) {
                      (*cost)["running"] = true;
                      transaction["cost"] = std::move(*cost);
                    }
                  } catch (const std::exception& e) {
                    spdlog::warn("api: running cost of transaction {}: {}", id, e.what());
                  }
                }
              }
              *out = json_response(200, transaction.dump());
            },
            [out, respond](std::exception_ptr error) {
              respond(error ? problem(500, "the request could not be completed") : std::move(*out));
            });
        return;
      }
      throw HttpError(405, method + " is not allowed here");
    }
    throw HttpError(404, "no such resource");
  } catch (const HttpError& e) {
    respond(problem(e.status(), e.what()));
  }
}

std::shared_ptr<server::EventStream> AlertStreams::subscribe() {
  auto stream = std::make_shared<server::EventStream>();
  std::lock_guard lock(mutex_);
  std::erase_if(streams_, [](const auto& weak) { return weak.expired(); });
  streams_.push_back(stream);
  return stream;
}

void AlertStreams::publish(const domain::AlertChange& change) {
  std::vector<std::shared_ptr<server::EventStream>> live;
  {
    std::lock_guard lock(mutex_);
    for (const auto& weak : streams_)
      if (auto stream = weak.lock()) live.push_back(stream);
  }
  for (const auto& stream : live) stream->push("alert." + change.event, change.document_json);
}

void AlertStreams::close_all() {
  std::lock_guard lock(mutex_);
  for (const auto& weak : streams_)
    if (auto stream = weak.lock()) stream->close();
  streams_.clear();
}

BlockingWorker::BlockingWorker() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      try {
        task();
      } catch (const std::exception& e) {
        spdlog::error("api: operator action failed: {}", e.what());
      }
      lock.lock();
    }
  });
}

BlockingWorker::~BlockingWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void BlockingWorker::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void Api::handle_faults(const std::vector<std::string>& seg, const HttpRequest& request,
                        const std::string& actor, int role, std::function<void(HttpResponse)> respond) {
  (void)role;
  auto target = parse_target(request.target);
  const auto& method = request.method;
  auto with_faults = [this, respond](std::function<HttpResponse(domain::FaultRepository&)> work) {
    auto out = std::make_shared<HttpResponse>();
    db_.run([out, work = std::move(work)](domain::Repositories& repos) { *out = work(repos.faults()); },
            [out, respond](std::exception_ptr error) {
              if (!error) return respond(std::move(*out));
              try {
                std::rethrow_exception(error);
              } catch (const std::exception& e) {
                spdlog::error("api: database work failed: {}", e.what());
                respond(problem(500, "the request could not be completed"));
              }
            });
  };

  if (seg[2] == "fault-rules") {
    if (seg.size() == 3 && method == "GET") {
      auto list = json::array();
      for (const auto& rule : faults_.rules()) list.push_back(rule.to_json());
      return respond(json_response(200, json{{"items", list}, {"next_cursor", nullptr}}.dump()));
    }
    if (seg.size() == 4) {
      auto name = seg[3];
      if (method == "GET") {
        for (const auto& rule : faults_.rules())
          if (rule.name == name) return respond(json_response(200, rule.to_json().dump()));
        throw HttpError(404, "no fault rule '" + name + "'");
      }
      if (method == "PATCH") {
        auto body = parse_body(request);
        bool known = false;
        for (const auto& rule : faults_.rules()) known = known || rule.name == name;
        if (!known) throw HttpError(404, "no fault rule '" + name + "'");
        return worker_.post([this, name, body, respond] {
          try {
            auto result = faults_.patch_rule(name, body);
            if (auto* error = std::get_if<std::string>(&result)) return respond(problem(400, *error));
            respond(json_response(200, std::get<faults::RuleSettings>(result).to_json().dump()));
          } catch (const std::exception& e) {
            spdlog::error("api: fault rule {} could not be saved: {}", name, e.what());
            respond(problem(500, "the rule could not be saved"));
          }
        });
      }
    }
    throw HttpError(405, method + " is not allowed here");
  }

  if (seg.size() == 3 && method == "GET") {
    domain::AlertFilter filter;
    filter.state = target.param("state");
    if (filter.state && *filter.state != "open" && *filter.state != "acknowledged" &&
        *filter.state != "resolved")
      throw HttpError(400, "state must be open, acknowledged or resolved");
    filter.severity = target.param("severity");
    if (filter.severity && !faults::severity_from(*filter.severity))
      throw HttpError(400, "severity must be info, warning or critical");
    filter.station = target.param("station");
    filter.rule = target.param("rule");
    filter.from = time_param(target, "from");
    filter.to = time_param(target, "to");
    auto page = page_of(target);
    require_numeric_cursor(page);
    return with_faults([filter, page](domain::FaultRepository& repo) {
      return json_response(200, repo.list_alerts(filter, page));
    });
  }
  if (seg.size() == 4 && seg[3] == "stream" && method == "GET") {
    HttpResponse response;
    response.stream = streams_.subscribe();
    return respond(std::move(response));
  }
  if (seg.size() == 4) {
    // /alerts/{id}, /alerts/{id}:acknowledge, /alerts/{id}:resolve
    auto colon = seg[3].find(':');
    auto id_text = seg[3].substr(0, colon);
    auto action = colon == std::string::npos ? std::string() : seg[3].substr(colon + 1);
    long long id = 0;
    auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc{} || end != id_text.data() + id_text.size())
      throw HttpError(404, "no alert " + id_text);
    if (action.empty() && method == "GET")
      return with_faults([id](domain::FaultRepository& repo) {
        auto doc = repo.get_alert(id);
        return doc ? json_response(200, *doc) : problem(404, "no alert " + std::to_string(id));
      });
    if ((action == "acknowledge" || action == "resolve") && method == "POST") {
      auto body = parse_body(request);
      check_known(body, {"by", "note"});
      expect_string(body, "by", 100, false);
      expect_string(body, "note", 2000, false);
      auto by = body.value("by", actor);
      auto note = body.value("note", std::string());
      return worker_.post([this, id, action, by, note, respond] {
        std::pair<domain::WriteResult, std::optional<domain::AlertChange>> outcome;
        try {
          outcome = action == "acknowledge" ? faults_.acknowledge(id, by) : faults_.resolve(id, by, note);
        } catch (const std::exception& e) {
          spdlog::error("api: alert {} could not be changed: {}", id, e.what());
          return respond(problem(500, "the alert could not be changed"));
        }
        switch (outcome.first) {
          case domain::WriteResult::Done:
            return respond(json_response(200, outcome.second->document_json));
          case domain::WriteResult::NotFound:
            return respond(problem(404, "no alert " + std::to_string(id)));
          case domain::WriteResult::Conflict:
            return respond(problem(409, action == "acknowledge" ? "only an open alert can be acknowledged"
                                                                : "the alert is already resolved"));
        }
      });
    }
  }
  throw HttpError(405, method + " is not allowed here");
}

}  // namespace csms::api

#pragma once

// What the REST handlers share: problem+json errors, target and body parsing, field checks.
// Private to the api module.

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "csms/api/password.hpp"
#include "csms/billing/ocmf.hpp"
#include "csms/billing/tariff.hpp"
#include "csms/domain/csv.hpp"
#include "csms/domain/ports.hpp"
#include "csms/domain/time.hpp"
#include "csms/parsing/json_text.hpp"
#include "csms/server/http_types.hpp"
#include "text.hpp"

namespace csms::api::detail {

using json = nlohmann::json;
using server::HttpRequest;
using server::HttpResponse;

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

inline std::string title_of(int status) {
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
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 501:
      return "Not Implemented";
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

inline HttpResponse problem(int status, const std::string& detail, json extra = json::object()) {
  json body = {{"type", "about:blank"}, {"title", title_of(status)}, {"status", status}, {"detail", detail}};
  for (auto& [key, value] : extra.items()) body[key] = value;
  // The detail may quote a client's bytes (a percent-decoded path): never throw on bad UTF-8.
  HttpResponse response{status,  "application/problem+json",
                        {},      body.dump(-1, ' ', false, json::error_handler_t::replace),
                        nullptr, {}};
  if (status == 401) response.headers["WWW-Authenticate"] = "Bearer realm=\"csms\"";
  return response;
}

// One CSV field (RFC 4180): JSON strings as text, neutralised when a spreadsheet would run
// them as a formula (csv.hpp), other JSON values as JSON text, null empty.
inline std::string csv_cell(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return domain::csv_field(value.get_ref<const std::string&>());
  return domain::csv_field(value.dump(), false);
}

// A CSV table: the header, then each row's values of those columns (CRLF line ends).
inline std::string csv_table(const std::vector<std::string>& columns, const json& rows) {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + columns[i];
  out += "\r\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) out += ',';
      auto it = row.find(columns[i]);
      if (it != row.end()) out += csv_cell(*it);
    }
    out += "\r\n";
  }
  return out;
}

// A numeric id from the path; anything else names nothing (404 with `not_found`).
inline std::int64_t id_in_path(std::string_view text, const std::string& not_found) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size()) throw HttpError(404, not_found);
  return id;
}

// Whether the client asked for `type` (e.g. text/csv) in its Accept header.
inline bool accepts(const HttpRequest& request, std::string_view type) {
  auto it = request.headers.find("accept");
  return it != request.headers.end() && it->second.find(type) != std::string::npos;
}

inline HttpResponse json_response(int status, std::string body) {
  return HttpResponse{status, "application/json", {}, std::move(body), nullptr, {}};
}

inline std::string url_decode(std::string_view text) {
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

// The path's segments and the query's parameters, percent-decoded. A path that is not text
// names nothing (404); a parameter that is not text is a 400 (PostgreSQL would refuse it,
// after the request had been taken for a server error).
inline Target parse_target(std::string_view target) {
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
  // Nothing is named by bytes that are not text; a parameter that is not text is refused.
  if (!std::all_of(out.segments.begin(), out.segments.end(), [](const auto& s) { return valid_text(s); }))
    throw HttpError(404, "no such resource (the path is not UTF-8 text without NUL bytes)");
  if (!std::all_of(out.query.begin(), out.query.end(),
                   [](const auto& kv) { return valid_text(kv.first) && valid_text(kv.second); }))
    throw HttpError(400, "query parameters must be UTF-8 text without NUL bytes");
  return out;
}

inline json parse_body(const HttpRequest& request) {
  auto type = request.headers.count("content-type") ? request.headers.at("content-type") : "";
  if (!request.body.empty() && !type.empty() && type.find("json") == std::string::npos)
    throw HttpError(415, "send JSON (Content-Type: application/json)");
  if (request.body.empty()) return json::object();
  // The server caps bodies at 1 MiB; depth is checked here, before a document is built.
  auto parsed = parsing::parse_json(request.body, {request.body.size(), 64});
  if (parsed.error == parsing::JsonError::TooDeep)
    throw HttpError(400, "the body is nested more than 64 levels deep");
  if (!parsed.ok()) throw HttpError(400, "the body is not valid JSON");
  auto body = std::move(parsed.value);
  if (!body.is_object()) throw HttpError(400, "the body must be a JSON object");
  return body;
}

inline domain::Page page_of(const Target& target, int default_limit = 50, int max_limit = 500) {
  domain::Page page;
  page.limit = default_limit;
  if (auto limit = target.param("limit")) {
    int value = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc{} || end != limit->data() + limit->size() || value < 1 || value > max_limit)
      throw HttpError(400, "limit must be an integer from 1 to " + std::to_string(max_limit));
    page.limit = value;
  }
  page.cursor = target.param("cursor").value_or("");
  return page;
}

// Lists ordered by a numeric id take that id as their cursor.
inline void require_numeric_cursor(const domain::Page& page) {
  if (page.cursor.size() > 18 || page.cursor.find_first_not_of("0123456789") != std::string::npos)
    throw HttpError(400, "bad cursor");
}

inline std::optional<bool> bool_param(const Target& target, const std::string& name) {
  auto value = target.param(name);
  if (!value) return std::nullopt;
  if (*value == "true") return true;
  if (*value == "false") return false;
  throw HttpError(400, name + " must be true or false");
}

inline std::optional<domain::Timestamp> time_param(const Target& target, const std::string& name) {
  auto value = target.param(name);
  if (!value) return std::nullopt;
  auto parsed = domain::parse_timestamp(*value, false);
  if (!parsed)
    throw HttpError(400, name + " must be an RFC 3339 time with an offset, e.g. 2026-01-31T00:00:00Z");
  // Years PostgreSQL and RFC 3339 both take, with room for a week or five years either side.
  static const auto earliest = *domain::parse_timestamp("1970-01-01T00:00:00Z");
  static const auto latest = *domain::parse_timestamp("9000-01-01T00:00:00Z");
  if (*parsed < earliest || latest < *parsed) throw HttpError(400, name + " must be between 1970 and 9000");
  return parsed;
}

// Field checks for create/patch bodies. Each returns the value to store.
inline void check_known(const json& body, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (auto* name : allowed) known = known || key == name;
    if (!known) throw HttpError(400, "unknown field '" + key + "'");
  }
}

inline void expect_string(const json& body, const char* key, std::size_t max, bool nullable = true) {
  auto it = body.find(key);
  if (it == body.end()) return;
  if (it->is_null() && nullable) return;
  if (!it->is_string()) throw HttpError(400, std::string(key) + " must be a string");
  if (it->get<std::string>().size() > max)
    throw HttpError(400, std::string(key) + " must be at most " + std::to_string(max) + " characters");
}

inline void expect_number(const json& body, const char* key, double min, double max, bool integer) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return;
  if (!it->is_number() || (integer && !it->is_number_integer()))
    throw HttpError(400, std::string(key) + (integer ? " must be an integer" : " must be a number"));
  double value = it->get<double>();
  if (value < min || value > max) throw HttpError(400, std::string(key) + " is out of range");
}

inline void expect_enum(const json& body, const char* key, std::initializer_list<const char*> values) {
  auto it = body.find(key);
  if (it == body.end()) return;
  if (it->is_string())
    for (auto* value : values)
      if (it->get<std::string>() == value) return;
  std::string list;
  for (auto* value : values) list += (list.empty() ? "" : ", ") + std::string(value);
  throw HttpError(400, std::string(key) + " must be one of " + list);
}

inline bool valid_identity(const std::string& id) {
  if (id.empty() || id.size() > 48) return false;
  for (unsigned char c : id)
    if (c < 0x21 || c == 0x7f || c == ':' || c == '/') return false;
  return true;
}

// The answer to work for a request that threw: its HttpError as a problem, 503 when the
// database is out of reach, anything else a logged 500 saying `failed` (api.cpp).
HttpResponse problem_of(std::exception_ptr error,
                        const std::string& failed = "the request could not be completed");

// The tariff a request proposes in its "tariff" member (a preview or a what-if, never stored):
// the shape of /api/v1/tariffs with the id optional; 400 when it is missing, or with the
// billing model's reason when invalid.
inline billing::Tariff proposed_tariff(const json& body) {
  if (!body.contains("tariff") || !body["tariff"].is_object())
    throw HttpError(400, "tariff is required: a tariff in the shape of /api/v1/tariffs");
  json document = body["tariff"];
  if (!document.contains("id")) document["id"] = "proposed";
  try {
    return document.get<billing::Tariff>();
  } catch (const std::exception& e) {
    throw HttpError(400, std::string("invalid tariff: ") + e.what());
  }
}

// IANA names as the system's tz database knows them.
inline bool known_time_zone(const std::string& zone) {
  if (zone == "UTC") return true;
  if (zone.empty() || zone.find("..") != std::string::npos || zone.front() == '/') return false;
  std::error_code ec;
  return std::filesystem::is_regular_file("/usr/share/zoneinfo/" + zone, ec);
}

inline json station_fields(json body, bool creating) {
  check_known(body, {"id", "name", "location", "latitude", "longitude", "time_zone", "tariff_id",
                     "max_power_w", "registration", "password", "meter_public_key", "security_profile",
                     "certificate_cn", "site_id"});
  expect_string(body, "site_id", 48);
  expect_number(body, "security_profile", 1, 3, true);
  expect_string(body, "certificate_cn", 64);
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
  expect_string(body, "meter_public_key", 2000);
  if (auto key = body.find("meter_public_key");
      key != body.end() && !key->is_null() && !billing::is_public_key(key->get<std::string>()))
    throw HttpError(400, "meter_public_key must be the meter's public key: hex or base64 DER, or PEM");
  body.erase("id");
  if (body.contains("password")) {
    auto& password = body["password"];
    if (password.is_null()) {
      body["password_hash"] = nullptr;
    } else {
      // 2.0.1 BasicAuthPassword is 16-40 characters; a 1.6 AuthorizationKey given as its
      // 32-40 hex digits fits too (DIGEST A.10).
      if (!password.is_string() || !valid_station_password(password.get<std::string>()))
        throw HttpError(400,
                        "password must be a string of 16 to 40 characters (a 1.6 AuthorizationKey as its 32 "
                        "to 40 hex digits, or the password itself)");
      body["password_hash"] = hash_password(password.get<std::string>());
    }
    body.erase("password");
  }
  (void)creating;
  return body;
}

// A station's site_id that names no site: 409 (nullopt when it does, or none is given).
inline std::optional<HttpResponse> unknown_site(const std::string& fields_json, domain::Repositories& repos) {
  auto fields = json::parse(fields_json);
  auto it = fields.find("site_id");
  if (it == fields.end() || it->is_null()) return std::nullopt;
  const auto site = it->get<std::string>();
  if (repos.smart_charging().site_exists(site)) return std::nullopt;
  return problem(409, "site " + site + " does not exist; create it first (POST /api/v1/sites)");
}

inline json id_token_fields(json body) {
  check_known(body, {"token", "status", "expires_at", "group", "customer_id", "max_concurrent_sessions",
                     "charging_priority"});
  // 2.0.1 chargingPriority's range; the load manager serves higher first.
  expect_number(body, "charging_priority", -9, 9, true);
  expect_enum(body, "status", {"Accepted", "Blocked", "Expired", "Invalid"});
  // null: no limit (a fleet card used on several stations at once).
  expect_number(body, "max_concurrent_sessions", 1, 1000000, true);
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

inline HttpResponse write_result(domain::WriteResult result, const std::string& what,
                                 const std::optional<std::string>& document, int success_status) {
  switch (result) {
    case domain::WriteResult::Done:
      return document ? json_response(success_status, *document)
                      : HttpResponse{204, "application/json", {}, "", nullptr, {}};
    case domain::WriteResult::NotFound:
      return problem(404, what + " not found");
    case domain::WriteResult::Conflict:
      return problem(409, what + " already exists");
  }
  return problem(500, "unexpected result");
}

}  // namespace csms::api::detail

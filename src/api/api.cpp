#include "csms/api/api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "command_support.hpp"
#include "csms/analytics/analytics_service.hpp"
#include "csms/api/password.hpp"
#include "csms/billing/billing_service.hpp"
#include "csms/domain/commands.hpp"
#include "csms/domain/time.hpp"
#include "csms/metrics/metrics.hpp"
#include "openapi.hpp"
#include "routes.hpp"

namespace csms::api {
using namespace detail;

Api::Api(ApiSettings settings, domain::UnitOfWorkRunner& db, CommandPort& commands,
         const domain::Clock& clock, std::function<bool()> ready, faults::FaultService& faults,
         ApiStreams& streams)
    : settings_(std::move(settings)),
      db_(db),
      commands_(commands),
      clock_(clock),
      ready_(std::move(ready)),
      faults_(faults),
      streams_(streams) {
  api_routes();  // a document the router cannot read stops start-up, not every request
}

HttpResponse detail::problem_of(std::exception_ptr error, const std::string& failed) {
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& e) {
    return problem(e.status(), e.what());
  } catch (const domain::StoreUnavailable&) {
    return problem(503, "the database is unavailable; try again later");
  } catch (const std::exception& e) {
    spdlog::error("api: {}: {}", failed, e.what());
    return problem(500, failed);
  } catch (...) {
    spdlog::error("api: {}: an exception that is not a std::exception", failed);
    return problem(500, failed);
  }
}

void Api::run_unit(std::function<HttpResponse(domain::Repositories&)> work,
                   std::function<void(HttpResponse)> respond) {
  auto out = std::make_shared<HttpResponse>();
  db_.run([out, work = std::move(work)](domain::Repositories& repos) { *out = work(repos); },
          [out, respond = std::move(respond)](std::exception_ptr error) {
            respond(error ? problem_of(error) : std::move(*out));
          });
}

namespace {

// The body as the audit log keeps it: secrets replaced, a large one left out.
std::optional<std::string> audit_body(const std::string& text) {
  constexpr std::size_t kMax = 8 * 1024;
  if (text.empty()) return std::nullopt;
  if (text.size() > kMax) return json{{"omitted_bytes", text.size()}}.dump();
  auto parsed = parsing::parse_json(text, {text.size(), 64});
  if (!parsed.ok()) return json{{"unparsable_bytes", text.size()}}.dump();
  std::function<void(json&)> redact = [&](json& value) {
    if (value.is_object()) {
      for (auto& [key, member] : value.items()) {
        if (key.find("password") != std::string::npos || key.find("secret") != std::string::npos ||
            key.find("private") != std::string::npos)
          member = "***";
        else
          redact(member);
      }
    } else if (value.is_array()) {
      for (auto& item : value) redact(item);
    }
  };
  redact(parsed.value);
  return parsed.value.dump();
}

// What an audit entry names: the resource ("stations/CP-1") and the action taken on it
// ("remote-start", "password:rotate", "reprice"), from the path after /api/v1.
std::pair<std::optional<std::string>, std::optional<std::string>> audit_target(
    const std::vector<std::string>& seg) {
  if (seg.size() < 3) return {std::nullopt, std::nullopt};
  auto split = [](const std::string& part) -> std::pair<std::string, std::optional<std::string>> {
    auto colon = part.find(':');
    if (colon == std::string::npos) return {part, std::nullopt};
    return {part.substr(0, colon), part.substr(colon + 1)};
  };
  auto [resource, resource_action] = split(seg[2]);
  if (seg.size() == 3) return {resource, resource_action};
  auto [id, id_action] = split(seg[3]);
  std::string target = resource + "/" + id;
  if (seg.size() == 4) return {target, id_action};
  std::string rest;
  for (std::size_t i = 4; i < seg.size(); ++i) rest += (rest.empty() ? "" : "/") + seg[i];
  if (rest.starts_with("commands/")) rest.erase(0, 9);
  return {target, rest};
}

// GET /api/v1/stations?sort=id|name|status|last_seen. By id the cursor is the last id; by
// another order it is [key, id] (JSON: the last station's sort key, null when it had none,
// and its id), which the repository reads as filter.after_key and page.cursor.
void station_order(const Target& target, domain::StationFilter& filter, domain::Page& page) {
  using Sort = domain::StationFilter::Sort;
  static const std::pair<const char*, Sort> kSorts[] = {
      {"id", Sort::Id}, {"name", Sort::Name}, {"status", Sort::Status}, {"last_seen", Sort::LastSeen}};
  if (auto sort = target.param("sort")) {
    auto found =
        std::find_if(std::begin(kSorts), std::end(kSorts), [&](const auto& s) { return *sort == s.first; });
    if (found == std::end(kSorts)) throw HttpError(400, "sort must be id, name, status or last_seen");
    filter.sort = found->second;
  }
  if (filter.sort == Sort::Id || page.cursor.empty()) return;
  const auto bad = [] { return HttpError(400, "cursor is not a next_cursor of this order (sort)"); };
  auto cursor = json::parse(page.cursor, nullptr, false);
  if (!cursor.is_array() || cursor.size() != 2 || !cursor[1].is_string() ||
      cursor[1].get<std::string>().empty())
    throw bad();
  const auto& key = cursor[0];
  if (key.is_null()) {
    // Only a station never seen has no key (names fall back to the id; every station has a rank).
    if (filter.sort != Sort::LastSeen) throw bad();
  } else if (!key.is_string()) {
    throw bad();
  } else {
    // The key is a number: the status's rank (0 to 10), or last seen in microseconds since
    // 1970 (any 64-bit value compares; none can fail in SQL). Names are any text.
    const auto text = key.get<std::string>();
    if (filter.sort != Sort::Name) {
      long long number = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) throw bad();
      if (filter.sort == Sort::Status && (number < 0 || number > 10)) throw bad();
    }
    filter.after_key = text;
  }
  filter.after = true;
  page.cursor = cursor[1].get<std::string>();
}

}  // namespace

void Api::record_audit(domain::AuditRecord record, HttpResponse response,
                       std::function<void(HttpResponse)> respond) {
  record.status = response.status;
  if (response.body.size() <= 64 * 1024) {
    auto answer = json::parse(response.body, nullptr, false);
    if (answer.is_object()) {
      for (const char* key : {"detail", "status"}) {
        if (auto it = answer.find(key); it != answer.end() && it->is_string()) {
          record.detail = it->get<std::string>();
          break;
        }
      }
    }
  }
  auto shared = std::make_shared<domain::AuditRecord>(std::move(record));
  auto answer = std::make_shared<HttpResponse>(std::move(response));
  db_.run([shared](domain::Repositories& repos) { repos.admin().append_audit(*shared); },
          [shared, answer, respond = std::move(respond)](std::exception_ptr error) {
            if (error) {
              metrics::registry()
                  .counter("csms_audit_write_failures_total",
                           "Audit log entries that could not be written (each is logged instead)")
                  .inc();
              spdlog::warn("audit entry not stored (database): {} ({}) {} {} -> {}", shared->actor,
                           shared->role, shared->method, shared->path, shared->status);
            }
            respond(std::move(*answer));
          });
}

void Api::station_command(const std::string& id, const std::string& name, const HttpRequest& request,
                          const std::string& actor, std::function<void(HttpResponse)> respond) {
  if (name == "publish-firmware" || name == "unpublish-firmware")
    throw HttpError(501,
                    "PublishFirmware and UnpublishFirmware are for 2.0.1 local controllers; this CSMS "
                    "offers no local-controller features");
  if (!domain::is_operator_command(name)) throw HttpError(404, "unknown command '" + name + "'");
  if (name == "reserve" || name == "cancel-reservation")
    return station_reservation_command(id, name, request, respond);
  if (name == "send-local-list") return send_local_list(id, request, respond);
  auto body = parse_body(request);
  // Request ids are the server's: the ones of its file transfers must not be taken by a client.
  if (body.contains("request_id")) throw HttpError(400, "request_id is chosen by the server; leave it out");
  if (is_file_command(name, body)) return file_command(id, name, std::move(body), actor, respond);
  auto send = [this, id, name, respond](json resolved) {
    commands_.send(id, name, resolved, [this, id, respond](CommandResult result) {
      using Kind = CommandResult::Kind;
      switch (result.kind) {
        case Kind::Answered: {
          auto answer =
              json_response(200, json{{"status", result.status}, {"response", result.response}}.dump());
          // What the answer says of the station's variables goes to its device model.
          if (!result.learnt) return respond(std::move(answer));
          db_.run([id, learnt = std::move(*result.learnt)](
                      domain::Repositories& repos) { repos.admin().record_variables(id, learnt); },
                  [id, answer = std::move(answer), respond](std::exception_ptr error) mutable {
                    if (error)
                      spdlog::warn("station {}: its variables from a command's answer were not stored", id);
                    respond(std::move(answer));
                  });
          return;
        }
        default:
          return respond(unanswered(result));
      }
    });
  };
  // The station fetches the image from the time given, else at once.
  if (name == "update-firmware" && (!body.contains("retrieve_at") || body["retrieve_at"].is_null()))
    body["retrieve_at"] = domain::format_timestamp(clock_.now());
  const bool names_transaction = name == "get-transaction-status" || name == "set-display-message";
  if (name == "remote-stop" ||
      (names_transaction && body.contains("transaction_id") && !body["transaction_id"].is_null())) {
    if (!body.contains("transaction_id") ||
        !(body["transaction_id"].is_string() || body["transaction_id"].is_number_integer()))
      throw HttpError(400, "transaction_id (our id or the charger's) is required");
    auto given = body["transaction_id"].is_string() ? body["transaction_id"].get<std::string>()
                                                    : std::to_string(body["transaction_id"].get<long long>());
    auto resolved = std::make_shared<std::optional<std::string>>();
    db_.run([id, given, resolved](
                domain::Repositories& repos) { *resolved = repos.admin().ocpp_transaction_id(id, given); },
            [resolved, given, body, send, respond](std::exception_ptr error) mutable {
              if (error) return respond(problem_of(error, "the transaction could not be looked up"));
              // Unknown here: the charger may still know it (e.g. started while we were down).
              body["transaction_id"] = resolved->value_or(given);
              send(std::move(body));
            });
    return;
  }
  return send(std::move(body));
}

void Api::handle(HttpRequest request, std::function<void(HttpResponse)> respond) {
  // A call that changes something is written to the audit log with the answer it gets, once
  // its token is known (refusals of its role included).
  auto audit = std::make_shared<std::optional<domain::AuditRecord>>();
  respond = [this, audit, inner = std::move(respond)](HttpResponse response) {
    if (!*audit) return inner(std::move(response));
    auto record = std::move(**audit);
    audit->reset();
    record_audit(std::move(record), std::move(response), inner);
  };
  auto with_db = [this, respond](std::function<HttpResponse(domain::AdminRepository&)> work) {
    run_unit([work = std::move(work)](domain::Repositories& repos) { return work(repos.admin()); }, respond);
  };

  try {
    auto target = parse_target(request.target);
    const auto& seg = target.segments;
    const auto& method = request.method;

    // The OpenAPI document is the route table: what it does not list is not served, and each
    // operation needs the role it documents.
    auto route = api_routes().match(method, seg);
    if (route.kind == RouteMatch::Kind::NoSuchPath) throw HttpError(404, "no such resource");
    if (route.kind == RouteMatch::Kind::MethodNotAllowed) {
      auto refusal = problem(405, method + " is not allowed here; this path serves " + route.allowed);
      refusal.headers["Allow"] = route.allowed;
      return respond(std::move(refusal));
    }
    if (!route.route->role) return handle_public(seg, std::move(request), respond);

    // Bearer tokens: viewers read, operators also send commands, admins change everything.
    auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || !auth->second.starts_with("Bearer "))
      throw HttpError(401, "send Authorization: Bearer <token>");
    auto found = find_token(settings_.tokens, std::string_view(auth->second).substr(7));
    if (!found) throw HttpError(401, "unknown bearer token");
    Role role = found->role;
    if (method != "GET" && method != "HEAD") {
      domain::AuditRecord entry;
      entry.at = clock_.now();
      entry.actor = token_actor(*found);
      entry.role = role_name(role);
      entry.method = method;
      entry.path = request.target;
      std::tie(entry.target, entry.action) = audit_target(seg);
      entry.body_json = audit_body(request.body);
      *audit = std::move(entry);
    }
    bool is_command = seg.size() == 6 && seg[2] == "stations" && seg[4] == "commands";
    if (role < *route.route->role)
      throw HttpError(403, "this token's role may not " + method + " " + route.route->path);

    const std::string resource = seg.size() > 2 ? seg[2] : "";
    const std::size_t depth = seg.size();

    if (resource == "me")
      return respond(
          json_response(200, json{{"role", role_name(role)}, {"actor", token_actor(*found)}}.dump()));
    if (resource == "stations" && depth == 4 && seg[3] == "stream" && method == "GET") {
      HttpResponse response;
      response.stream = streams_.stations.subscribe();
      return respond(std::move(response));
    }

    if (resource == "audit") {
      if (depth != 3 || method != "GET")
        throw HttpError(depth == 3 ? 405 : 404, "the audit log is only listed");
      if (role < Role::Admin) throw HttpError(403, "the audit log is for admin tokens");
      domain::AuditFilter filter;
      filter.actor = target.param("actor");
      filter.target = target.param("target");
      filter.method = target.param("method");
      if (auto status = target.param("status")) {
        int value = 0;
        auto [end, error] = std::from_chars(status->data(), status->data() + status->size(), value);
        if (error != std::errc{} || end != status->data() + status->size() || value < 100 || value > 599)
          throw HttpError(400, "status must be an HTTP status code");
        filter.status = value;
      }
      filter.from = time_param(target, "from");
      filter.to = time_param(target, "to");
      auto page = page_of(target);
      return with_db([filter, page](domain::AdminRepository& admin) {
        return json_response(200, admin.list_audit(filter, page));
      });
    }

    if (resource == "alerts" || resource == "fault-rules") {
      // Who did it, for the alert's record: the body's "by", else the token's name, else its
      // role (alerts reach viewers and webhooks: never a digest prefix of an unnamed token).
      return handle_faults(seg, request, found->name.empty() ? role_name(role) : found->name,
                           static_cast<int>(role), respond);
    }

    if (resource == "analytics" || resource == "maintenance-windows" || resource == "overview")
      return handle_analytics(seg, request, respond);

    if (resource == "reservations") return handle_reservations(seg, request, respond);
    if (resource == "firmware") return handle_firmware(seg, target, std::move(request), respond);
    if (resource == "file-transfers") return handle_file_transfers(seg, target, request, respond);
    if (resource == "jobs") return handle_jobs(seg, target, request, token_actor(*found), respond);
    if (resource == "sites") return handle_sites(seg, target, request, respond);
    if (resource == "charging-profiles")
      return handle_charging_profiles(seg, target, request, token_actor(*found), respond);
    if (resource == "stations" && depth == 5 && seg[4] == "charging-schedule") {
      if (method != "GET") throw HttpError(405, method + " is not allowed here");
      return charging_schedule(seg[3], target, respond);
    }
    if (resource == "stations" && depth == 5 && seg[4] == "variables") {
      if (method != "GET") throw HttpError(405, method + " is not allowed here");
      auto station = seg[3];
      auto component = target.param("component");
      auto variable = target.param("variable");
      auto page = page_of(target, 100, 1000);
      return with_db([station, component, variable, page](domain::AdminRepository& admin) {
        if (!admin.station_exists(station)) return problem(404, "station " + station + " not found");
        return json_response(200, admin.list_variables(station, component, variable, page));
      });
    }
    if (resource == "stations" && depth == 5 && seg[4] == "local-list") {
      if (method != "GET") throw HttpError(405, method + " is not allowed here");
      return local_list_info(seg[3], respond);
    }

    if (resource == "stations") {
      if (depth == 3 && method == "GET") {
        domain::StationFilter filter;
        filter.online = bool_param(target, "online");
        filter.status = target.param("status");
        filter.site = target.param("site");
        filter.protocol = target.param("protocol");
        if (filter.protocol && *filter.protocol != "ocpp1.6" && *filter.protocol != "ocpp2.0.1")
          throw HttpError(400, "protocol must be ocpp1.6 or ocpp2.0.1");
        filter.text = target.param("q");
        if (filter.text && text_length(*filter.text) > 100)
          throw HttpError(400, "q is at most 100 characters");
        if (auto view = target.param("view")) {
          if (*view != "brief" && *view != "full") throw HttpError(400, "view must be brief or full");
          filter.brief = *view == "brief";
        }
        auto page = page_of(target);
        station_order(target, filter, page);
        return with_db([filter, page](domain::AdminRepository& admin) {
          return json_response(200, admin.list_stations(filter, page));
        });
      }
      if (depth == 3 && method == "POST") {
        auto body = parse_body(request);
        if (!body.contains("id") || !body["id"].is_string() || !valid_identity(body["id"].get<std::string>()))
          throw HttpError(400, "id must be 1 to 48 printable characters without ':' or '/'");
        if (body["id"] == "stream")
          throw HttpError(400, "'stream' names the stations' event stream, not a station");
        auto id = body["id"].get<std::string>();
        auto fields = station_fields(std::move(body), true).dump();
        return run_unit(
            [id, fields](domain::Repositories& repos) -> HttpResponse {
              if (auto unknown = unknown_site(fields, repos)) return *unknown;
              auto& admin = repos.admin();
              auto result = admin.create_station(id, fields);
              return write_result(result, "station " + id,
                                  result == domain::WriteResult::Done ? admin.get_station(id) : std::nullopt,
                                  201);
            },
            respond);
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
          return run_unit(
              [id, fields](domain::Repositories& repos) -> HttpResponse {
                if (auto unknown = unknown_site(fields, repos)) return *unknown;
                auto& admin = repos.admin();
                auto result = admin.patch_station(id, fields);
                return write_result(
                    result, "station " + id,
                    result == domain::WriteResult::Done ? admin.get_station(id) : std::nullopt, 200);
              },
              respond);
        }
        if (method == "DELETE")
          return with_db([id](domain::AdminRepository& admin) {
            return write_result(admin.delete_station(id), "station " + id, std::nullopt, 204);
          });
      }
      if (depth == 5 && (seg[4] == "password:rotate" || seg[4] == "security-profile:upgrade"))
        return handle_security(seg[3], seg[4], request, respond);
      if (depth == 5 && seg[4] == "certificates") {
        if (method != "GET") throw HttpError(405, method + " is not allowed here");
        return with_db([id = seg[3]](domain::AdminRepository& admin) {
          auto list = admin.list_station_certificates(id);
          return list ? json_response(200, *list) : problem(404, "station " + id + " not found");
        });
      }
      if (depth == 6 && seg[4] == "certificates" && seg[5].ends_with(":revoke")) {
        if (method != "POST") throw HttpError(405, method + " is not allowed here");
        // Upper-case hex without leading zeros, as stored (openssl prints whole bytes: 0A1B).
        std::string serial = seg[5].substr(0, seg[5].size() - std::string_view(":revoke").size());
        for (auto& c : serial) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (auto first = serial.find_first_not_of('0'); first != std::string::npos && first > 0)
          serial.erase(0, first);
        if (serial.empty() || serial.size() > 40 ||
            serial.find_first_not_of("0123456789ABCDEF") != std::string::npos)
          throw HttpError(400, "the serial is the certificate's serial number in upper-case hex (as listed)");
        auto body = parse_body(request);
        check_known(body, {"reason"});
        expect_string(body, "reason", 500);
        // Absent or null: the default reason.
        auto reason = body.contains("reason") && body["reason"].is_string()
                          ? body["reason"].get<std::string>()
                          : "revoked by an operator";
        return with_db([id = seg[3], serial, reason](domain::AdminRepository& admin) {
          auto result = admin.revoke_station_certificate(id, serial, reason);
          if (result == domain::WriteResult::NotFound) return problem(404, "station " + id + " not found");
          return json_response(200, *admin.list_station_certificates(id));
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
      if (is_command && method == "POST")
        return station_command(seg[3], seg[5], request, token_actor(*found), respond);
      throw HttpError(405, method + " is not allowed here");
    }

    if (resource == "tariffs" || resource == "tariffs:price" || resource == "plans" ||
        resource == "customers" || resource == "invoices" || resource == "invoices:generate" ||
        resource == "cdrs")
      return handle_billing(seg, request, respond);

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
        auto fields = id_token_fields(std::move(body)).dump();
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
        if (auto status = target.param("pricing_status")) {
          static const std::set<std::string> kStatuses = {"running",
                                                          "pending",
                                                          "priced",
                                                          "no_tariff",
                                                          "no_tariff_in_force",
                                                          "no_energy_readings",
                                                          "invalid_tariff",
                                                          "unknown_start"};
          if (!kStatuses.contains(*status))
            throw HttpError(400,
                            "pricing_status must be one of running, pending, priced, no_tariff, "
                            "no_tariff_in_force, no_energy_readings, invalid_tariff, unknown_start");
          filter.pricing_status = *status;
        }
        auto page = page_of(target);
        require_numeric_cursor(page);
        return with_db([filter, page](domain::AdminRepository& admin) {
          return json_response(200, admin.list_transactions(filter, page));
        });
      }
      if (depth == 4 && seg[3].ends_with(":reprice")) {
        if (method != "POST") throw HttpError(405, method + " is not allowed here");
        const std::string number = seg[3].substr(0, seg[3].size() - std::string_view(":reprice").size());
        const auto id = id_in_path(number, "transaction " + number + " not found");
        auto priced = std::make_shared<std::optional<std::pair<std::string, domain::Timestamp>>>();
        return run_unit(
            [id, priced](domain::Repositories& repos) {
              auto doc = repos.admin().get_transaction(id);
              if (!doc) return problem(404, "transaction " + std::to_string(id) + " not found");
              auto stored = billing::BillingService::price_and_store(repos, id);
              if (!stored)
                return problem(409, "transaction " + std::to_string(id) +
                                        " is still running; it is priced when it ends");
              if (!stored->outcome.cost)
                return problem(409, "transaction " + std::to_string(id) + " cannot be priced (" +
                                        std::string(billing::to_string(stored->outcome.status)) +
                                        "): " + stored->outcome.detail);
              *priced = std::pair{stored->station_id, stored->stopped_at};
              return json_response(200, *repos.admin().get_transaction(id));
            },
            [this, priced, respond](server::HttpResponse response) {
              // The day's revenue is rolled up again with the new cost.
              if (*priced && analytics_)
                analytics_->mark((*priced)->first, (*priced)->second,
                                 (*priced)->second + std::chrono::seconds(1));
              respond(std::move(response));
            });
      }
      if (depth == 5 && seg[4] == "meter-samples") {
        if (method != "GET") throw HttpError(405, method + " is not allowed here");
        const auto id = id_in_path(seg[3], "transaction " + seg[3] + " not found");
        auto page = page_of(target, 1000, 10000);
        // time in microseconds ~ measurand ~ phase ~ location ~ context (what the last page named)
        if (!page.cursor.empty()) {
          auto digits = page.cursor.find('~');
          if (digits == 0 || digits == std::string::npos || digits > 18 ||
              page.cursor.find_first_not_of("0123456789") != digits ||
              std::count(page.cursor.begin(), page.cursor.end(), '~') != 4)
            throw HttpError(400, "bad cursor");
        }
        auto from = time_param(target, "from");
        return with_db([id, page, from](domain::AdminRepository& admin) {
          auto samples = admin.list_meter_samples(id, page, from);
          return samples ? json_response(200, *samples)
                         : problem(404, "transaction " + std::to_string(id) + " not found");
        });
      }
      if (depth == 4 && method == "GET") {
        const auto id = id_in_path(seg[3], "transaction " + seg[3] + " not found");
        return run_unit(
            [id](domain::Repositories& repos) {
              auto doc = repos.admin().get_transaction(id);
              if (!doc) return problem(404, "transaction " + std::to_string(id) + " not found");
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
              return json_response(200, transaction.dump());
            },
            respond);
      }
      throw HttpError(405, method + " is not allowed here");
    }
    throw HttpError(404, "no such resource");
  } catch (const HttpError& e) {
    respond(problem(e.status(), e.what()));
  } catch (const std::exception& e) {
    // A handler's bug, never the client's: answered (and audited) rather than left hanging.
    spdlog::error("api: {} {} failed: {}", request.method, request.target, e.what());
    respond(problem(500, "the request could not be completed"));
  }
}

}  // namespace csms::api

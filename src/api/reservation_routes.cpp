// Reservations (issue 16): /api/v1/reservations and the station commands `reserve` and
// `cancel-reservation`. A reservation is stored (pending) before ReserveNow goes out, so its
// id is the OCPP reservationId; the station's answer makes it active, rejected or failed.
// A transaction that names it uses it up, its expiry or the station's ReservationStatusUpdate
// ends it.

#include <memory>

#include "command_support.hpp"
#include "csms/api/api.hpp"
#include "http_support.hpp"

namespace csms::api {

using namespace detail;

namespace {

// The body of a new reservation, checked; `station_id` given or from the command's path.
json reservation_fields(json body, const domain::Timestamp& now) {
  check_known(body, {"station_id", "evse_id", "id_token", "id_token_type", "group_id_token", "expires_at"});
  for (const char* key : {"station_id", "id_token", "expires_at"})
    if (!body.contains(key) || !body[key].is_string() || body[key].get<std::string>().empty())
      throw HttpError(400, std::string(key) + " is required");
  expect_string(body, "id_token", 36);
  expect_string(body, "group_id_token", 36);
  expect_number(body, "evse_id", 0, 1000, true);
  expect_enum(
      body, "id_token_type",
      {"Central", "eMAID", "ISO14443", "ISO15693", "KeyCode", "Local", "MacAddress", "NoAuthorization"});
  auto expires = domain::parse_timestamp(body["expires_at"].get<std::string>(), false);
  if (!expires) throw HttpError(400, "expires_at must be an RFC 3339 time with an offset");
  if (*expires <= now) throw HttpError(400, "expires_at must be in the future");
  body["expires_at"] = domain::format_timestamp(*expires);
  return body;
}

}  // namespace

void Api::reserve(json fields, bool as_command, std::function<void(HttpResponse)> respond) {
  auto created = std::make_shared<std::optional<int>>();
  db_.run(
      [fields, created](domain::Repositories& repos) {
        *created = repos.admin().create_reservation(fields.dump());
      },
      [this, fields, created, as_command, respond](std::exception_ptr error) mutable {
        if (error) return respond(problem(503, "the database is unavailable; try again later"));
        if (!*created)
          return respond(problem(404, "station " + fields["station_id"].get<std::string>() + " not found"));
        const int id = **created;
        auto command = fields;
        command.erase("station_id");
        command["reservation_id"] = id;
        commands_.send(
            fields["station_id"].get<std::string>(), "reserve", command,
            [this, id, as_command, respond](CommandResult result) {
              const bool answered = result.kind == CommandResult::Kind::Answered;
              const bool accepted = answered && result.status == "Accepted";
              const std::string state = accepted ? "active" : answered ? "rejected" : "failed";
              auto doc = std::make_shared<std::optional<std::string>>();
              db_.run(
                  [id, state, result, answered, doc](domain::Repositories& repos) {
                    repos.admin().set_reservation_state(
                        id, state, answered ? std::optional(result.status) : std::nullopt);
                    *doc = repos.admin().get_reservation(id);
                  },
                  [result, answered, accepted, as_command, doc, respond](std::exception_ptr stored) {
                    if (stored || !*doc)
                      return respond(problem(503, "the station answered " + result.status +
                                                      " but the reservation could not be stored"));
                    if (!answered) return respond(unanswered(result));
                    auto reservation = json::parse(**doc);
                    if (as_command)
                      return respond(json_response(200, json{{"status", result.status},
                                                             {"response", result.response},
                                                             {"reservation", reservation}}
                                                            .dump()));
                    if (accepted) return respond(json_response(201, reservation.dump()));
                    return respond(problem(409, "the station refused the reservation: " + result.status,
                                           {{"reservation", reservation}}));
                  });
            });
      });
}

void Api::cancel_reservation(int id, std::optional<std::string> station, bool as_command,
                             std::function<void(HttpResponse)> respond) {
  auto doc = std::make_shared<std::optional<std::string>>();
  db_.run([id, doc](domain::Repositories& repos) { *doc = repos.admin().get_reservation(id); },
          [this, id, station, as_command, doc, respond](std::exception_ptr error) {
            if (error) return respond(problem(503, "the database is unavailable; try again later"));
            if (!*doc) return respond(problem(404, "reservation " + std::to_string(id) + " not found"));
            auto reservation = json::parse(**doc);
            const auto owner = reservation["station_id"].get<std::string>();
            if (station && *station != owner)
              return respond(
                  problem(404, "reservation " + std::to_string(id) + " is not one of station " + *station));
            const auto state = reservation["state"].get<std::string>();
            if (state != "active" && state != "pending")
              return respond(problem(409, "reservation " + std::to_string(id) + " is " + state));
            commands_.send(
                owner, "cancel-reservation", json{{"reservation_id", id}},
                [this, id, as_command, respond](CommandResult result) {
                  const bool answered = result.kind == CommandResult::Kind::Answered;
                  const bool accepted = answered && result.status == "Accepted";
                  auto after = std::make_shared<std::optional<std::string>>();
                  db_.run(
                      [id, accepted, after](domain::Repositories& repos) {
                        if (accepted) repos.admin().set_reservation_state(id, "cancelled", std::nullopt);
                        *after = repos.admin().get_reservation(id);
                      },
                      [result, answered, accepted, as_command, after, respond](std::exception_ptr stored) {
                        if (stored || !*after) return respond(problem(503, "the database is unavailable"));
                        if (!answered) return respond(unanswered(result));
                        auto ended = json::parse(**after);
                        if (as_command)
                          return respond(json_response(200, json{{"status", result.status},
                                                                 {"response", result.response},
                                                                 {"reservation", ended}}
                                                                .dump()));
                        if (accepted) return respond(json_response(200, ended.dump()));
                        // Rejected: the station knows no such reservation (it may have ended).
                        return respond(problem(409, "the station did not cancel it: " + result.status,
                                               {{"reservation", ended}}));
                      });
                });
          });
}

void Api::handle_reservations(const std::vector<std::string>& seg, const HttpRequest& request,
                              std::function<void(HttpResponse)> respond) {
  const auto& method = request.method;
  auto target = parse_target(request.target);
  if (seg.size() == 3) {
    if (method == "GET") {
      domain::ReservationFilter filter;
      filter.station = target.param("station");
      filter.state = target.param("state");
      auto page = page_of(target);
      return run_unit(
          [filter, page](domain::Repositories& repos) {
            return json_response(200, repos.admin().list_reservations(filter, page));
          },
          respond);
    }
    if (method == "POST")
      return reserve(reservation_fields(parse_body(request), clock_.now()), false, respond);
    throw HttpError(405, method + " is not allowed here");
  }
  if (seg.size() == 4) {
    auto text = seg[3];
    const bool cancel = text.ends_with(":cancel");
    if (cancel) text.erase(text.size() - 7);
    int id = 0;
    auto [end, parse_error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (parse_error != std::errc{} || end != text.data() + text.size() || id <= 0)
      throw HttpError(404, "no such reservation");
    if (cancel) {
      if (method != "POST") throw HttpError(405, method + " is not allowed here");
      return cancel_reservation(id, std::nullopt, false, respond);
    }
    if (method != "GET") throw HttpError(405, method + " is not allowed here");
    return run_unit(
        [id](domain::Repositories& repos) {
          auto doc = repos.admin().get_reservation(id);
          return doc ? json_response(200, *doc)
                     : problem(404, "reservation " + std::to_string(id) + " not found");
        },
        respond);
  }
  throw HttpError(404, "no such resource");
}

void Api::station_reservation_command(const std::string& station_id, const std::string& name,
                                      const HttpRequest& request, std::function<void(HttpResponse)> respond) {
  auto body = parse_body(request);
  if (name == "reserve") {
    if (body.contains("station_id")) throw HttpError(400, "the station is the one in the path");
    body["station_id"] = station_id;
    return reserve(reservation_fields(std::move(body), clock_.now()), true, respond);
  }
  check_known(body, {"reservation_id"});
  if (!body.contains("reservation_id") || !body["reservation_id"].is_number_integer() ||
      body["reservation_id"].get<long long>() <= 0 || body["reservation_id"].get<long long>() > 2147483647)
    throw HttpError(400, "reservation_id (a reservation's id) is required");
  cancel_reservation(static_cast<int>(body["reservation_id"].get<long long>()), station_id, true, respond);
}

}  // namespace csms::api

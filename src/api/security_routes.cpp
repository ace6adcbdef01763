// REST handlers that change a station's credentials through the station itself: password
// rotation (A01) and security profile upgrade (A05). The new password or profile waits beside
// the current one and replaces it once the station connects with it.

#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

#include "csms/api/api.hpp"
#include "csms/api/password.hpp"
#include "http_support.hpp"

namespace csms::api {

using namespace detail;

std::string generate_station_password() {
  // 20 characters: within 2.0.1's 16-40, and 1.6's AuthorizationKey (hex of the bytes) is 40
  // hex digits, its maximum. About 119 bits.
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string password;
  while (password.size() < 20) {
    unsigned char byte = 0;
    if (RAND_bytes(&byte, 1) != 1) throw std::runtime_error("no randomness for a password");
    if (byte < 248) password += kAlphabet[byte % 62];  // 248 = 4 x 62: no bias
  }
  return password;
}

namespace {

// A command's outcome as the REST answer of a step that failed (nullopt: it was accepted).
std::optional<HttpResponse> failed_step(const CommandResult& result, const std::string& what) {
  using Kind = CommandResult::Kind;
  switch (result.kind) {
    case Kind::Answered:
      // SetVariables may need a reboot to apply; a Reset may be scheduled for when it is idle.
      if (result.status == "Accepted" || result.status == "RebootRequired" || result.status == "Scheduled")
        return std::nullopt;
      return problem(409, "the station answered " + result.status + " to " + what,
                     {{"response", result.response}});
    case Kind::UnknownStation:
      return problem(404, "unknown station");
    case Kind::Offline:
      return problem(409, "the station is not connected");
    case Kind::Timeout:
      return problem(504, "the station did not answer " + what + " in time");
    case Kind::CallError:
      return problem(502, "the station answered " + what + " with CALLERROR " + result.error_code + ": " +
                              result.description);
    case Kind::InvalidAnswer:
    case Kind::BadRequest:
      return problem(502, result.description);
  }
  return problem(500, "unexpected command outcome");
}

}  // namespace

void Api::handle_security(const std::string& station_id, const std::string& action,
                          const HttpRequest& request, std::function<void(HttpResponse)> respond) {
  if (request.method != "POST") throw HttpError(405, request.method + " is not allowed here");
  // Undoes the pending change when the station did not take it (a timeout keeps it: the
  // station may have taken it and reconnect with it).
  // Undoes the pending change when the station did not take it (a timeout keeps it: the
  // station may have taken it and reconnect with it), then answers.
  auto clear_pending = [this, station_id](bool password, const CommandResult& result, HttpResponse failure,
                                          std::function<void(HttpResponse)> reply) {
    if (result.kind == CommandResult::Kind::Timeout) return reply(std::move(failure));
    auto answer = std::make_shared<HttpResponse>(std::move(failure));
    db_.run(
        [station_id, password](domain::Repositories& repos) {
          if (password)
            repos.admin().set_pending_password(station_id, std::nullopt);
          else
            repos.admin().set_pending_security_profile(station_id, std::nullopt);
        },
        [answer, reply](std::exception_ptr) { reply(std::move(*answer)); });
  };

  if (action == "password:rotate") {
    (void)parse_body(request);
    auto password = generate_station_password();
    auto hash = hash_password(password);
    auto found = std::make_shared<bool>(false);
    db_.run(
        [station_id, hash, found](domain::Repositories& repos) {
          *found = repos.admin().set_pending_password(station_id, hash) == domain::WriteResult::Done;
        },
        [this, station_id, password, found, respond, clear_pending](std::exception_ptr error) {
          if (error) return respond(problem(503, "the database is unavailable; try again later"));
          if (!*found) return respond(problem(404, "station " + station_id + " not found"));
          commands_.send(
              station_id, "set-password", json{{"password", password}},
              [password, respond, clear_pending](CommandResult result) {
                if (auto failure = failed_step(result, "the new password"))
                  return clear_pending(true, result, std::move(*failure), respond);
                respond(json_response(
                    200, json{{"status", "Accepted"},
                              {"password", password},
                              {"detail",
                               "the station took the new password; the old one is accepted until it "
                               "connects with the new one"}}
                             .dump()));
              });
        });
    return;
  }

  // security-profile:upgrade {"profile", and for 2.0.1 "csms_url", "configuration_slot",
  // "priority", "interface"?}
  auto body = parse_body(request);
  check_known(body, {"profile", "csms_url", "configuration_slot", "priority", "interface"});
  if (!body.contains("profile") || !body["profile"].is_number_integer() || body["profile"].get<int>() < 2 ||
      body["profile"].get<int>() > 3)
    throw HttpError(400, "profile must be 2 or 3 (profiles are only raised: A00.FR.005)");
  const int profile = body["profile"].get<int>();
  expect_string(body, "csms_url", 512);
  expect_number(body, "configuration_slot", 0, 100, true);
  expect_string(body, "priority", 100);
  expect_enum(body, "interface",
              {"Wired0", "Wired1", "Wired2", "Wired3", "Wireless0", "Wireless1", "Wireless2", "Wireless3"});
  auto station = std::make_shared<std::optional<json>>();
  db_.run(
      [station_id, station](domain::Repositories& repos) {
        if (auto doc = repos.admin().get_station(station_id)) *station = json::parse(*doc);
      },
      [this, station_id, station, profile, body, respond, clear_pending](std::exception_ptr error) {
        if (error) return respond(problem(503, "the database is unavailable; try again later"));
        if (!*station) return respond(problem(404, "station " + station_id + " not found"));
        const auto& doc = **station;
        const int current = doc["security_profile"].is_number()    ? doc["security_profile"].get<int>()
                            : doc["connected_profile"].is_number() ? doc["connected_profile"].get<int>()
                                                                   : 1;
        if (profile <= current)
          return respond(problem(409, "the station is on profile " + std::to_string(current) +
                                          "; a profile is only raised (A00.FR.005)"));
        const bool v16 = doc.value("protocol", "") == "ocpp1.6";
        // 2.0.1: the slot must be a free one and the priority keep the current connection as
        // the fallback ("<new>,<current>"): both depend on the station, so they are given.
        auto given = [&body](const char* key) { return body.contains(key) && !body[key].is_null(); };
        if (!v16 && (!given("csms_url") || !given("configuration_slot") || !given("priority")))
          return respond(
              problem(400,
                      "OCPP 2.0.1 needs csms_url (this server's wss:// address), configuration_slot "
                      "(a slot not in use) and priority (the new slot first, then the current one, "
                      "e.g. \"2,1\")"));
        auto done = [station_id, profile, respond](const std::string& how) {
          respond(json_response(200, json{{"status", "Accepted"},
                                          {"detail", how + "; profile " + std::to_string(profile) +
                                                         " is recorded when the station connects with it"}}
                                         .dump()));
        };
        auto fail = [respond, clear_pending](const CommandResult& result, HttpResponse failure) {
          clear_pending(false, result, std::move(failure), respond);
        };
        db_.run(
            [station_id, profile](domain::Repositories& repos) {
              repos.admin().set_pending_security_profile(station_id, profile);
            },
            [this, station_id, profile, v16, body, done, fail, respond](std::exception_ptr stored) {
              if (stored) return respond(problem(503, "the database is unavailable; try again later"));
              if (v16) {
                commands_.send(station_id, "set-security-profile", json{{"profile", profile}},
                               [done, fail](CommandResult result) {
                                 if (auto failure = failed_step(result, "SecurityProfile"))
                                   return fail(result, std::move(*failure));
                                 done("the station took SecurityProfile");
                               });
                return;
              }
              // 2.0.1: the new connection in a slot, that slot first, then a reset (A05).
              const int slot = body["configuration_slot"].get<int>();
              const std::string priority = body["priority"].get<std::string>();
              commands_.send(
                  station_id, "set-network-profile",
                  json{{"slot", slot},
                       {"csms_url", body["csms_url"]},
                       {"profile", profile},
                       {"interface", body.value("interface", std::string("Wired0"))}},
                  [this, station_id, priority, done, fail](CommandResult result) {
                    if (auto failure = failed_step(result, "SetNetworkProfile"))
                      return fail(result, std::move(*failure));
                    commands_.send(
                        station_id, "set-network-priority", json{{"priority", priority}},
                        [this, station_id, done, fail](CommandResult priority_result) {
                          if (auto failure = failed_step(priority_result, "NetworkConfigurationPriority"))
                            return fail(priority_result, std::move(*failure));
                          commands_.send(station_id, "reset", json{{"type", "Soft"}},
                                         [done, fail](CommandResult reset_result) {
                                           if (auto failure = failed_step(reset_result, "Reset"))
                                             return fail(reset_result, std::move(*failure));
                                           done("the station took the network profile and resets");
                                         });
                        });
                  });
            });
      });
}

}  // namespace csms::api

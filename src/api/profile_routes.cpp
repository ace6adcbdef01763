// Operators' charging profiles (issue 17): /api/v1/charging-profiles. A profile is checked by
// the rules of both OCPP versions and of the station's own (charging::profile_from_json,
// version_problem), against the profiles the station holds (same EVSE, purpose and stack
// level with overlapping validity: 409, K01.FR.06), stored, and installed with
// SetChargingProfile; deleting it clears it with ClearChargingProfile. What the CSMS believes
// each station holds is kept; a station that connects or boots is sent it again. GET
// /api/v1/stations/{id}/charging-schedule compares the composite schedule the station reports
// (GetCompositeSchedule) with the one its profiles should give: drift.

#include <spdlog/spdlog.h>

#include <cmath>

#include "command_support.hpp"
#include "csms/api/api.hpp"
#include "csms/charging/charging_profile.hpp"
#include "http_support.hpp"

namespace csms::api {

using namespace detail;

namespace {

// The stored document without what the server adds to it: the REST body it came from.
charging::ChargingProfile profile_of(const domain::StoredProfile& stored) {
  auto doc = json::parse(stored.profile_json);
  for (const char* key : {"id", "station_id", "state", "status", "source", "limit_source", "created_by",
                          "created_at", "updated_at", "installed_at"})
    doc.erase(key);
  auto profile = charging::profile_from_json(doc);
  profile.id = stored.id;
  return profile;
}

std::string outcome_status(const CommandResult& result) {
  using Kind = CommandResult::Kind;
  switch (result.kind) {
    case Kind::Answered:
      return result.status;
    case Kind::Offline:
      return "offline: sent when the station connects";
    case Kind::Timeout:
      return "no answer in time: sent again when the station connects";
    case Kind::CallError:
      return result.error_code + (result.description.empty() ? "" : ": " + result.description);
    default:
      return "refused: " + result.description;
  }
}

// The periods of a reported composite schedule as offsets from `start`.
std::vector<charging::CompositePeriod> reported_periods(const json& response, bool v16,
                                                        domain::Timestamp start) {
  const auto& schedule =
      v16 ? response.value("chargingSchedule", json::object()) : response.value("schedule", json::object());
  std::optional<domain::Timestamp> begin;
  const auto start_text =
      v16 ? response.value("scheduleStart", schedule.value("startSchedule", std::string()))
          : schedule.value("scheduleStart", std::string());
  if (!start_text.empty()) begin = domain::parse_timestamp(start_text);
  const auto shift =
      begin ? static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(*begin - start).count()) : 0;
  std::vector<charging::CompositePeriod> out;
  for (const auto& period : schedule.value("chargingSchedulePeriod", json::array()))
    if (period.is_object() && period.contains("startPeriod") && period.contains("limit"))
      out.push_back({period["startPeriod"].get<int>() + shift, period["limit"].get<double>()});
  return out;
}

json periods_json(const std::vector<charging::CompositePeriod>& periods) {
  json out = json::array();
  for (const auto& p : periods)
    out.push_back({{"start_s", p.start_s}, {"limit", p.limit ? json(*p.limit) : json(nullptr)}});
  return out;
}

// Where the two schedules differ (by more than 0.1): the offsets from which they do.
json differences(const std::vector<charging::CompositePeriod>& expected,
                 const std::vector<charging::CompositePeriod>& reported, int duration_s) {
  auto at = [](const std::vector<charging::CompositePeriod>& periods, int t) -> std::optional<double> {
    std::optional<double> limit;
    for (const auto& p : periods)
      if (p.start_s <= t) limit = p.limit;
    return limit;
  };
  std::set<int> points;
  for (const auto& p : expected) points.insert(std::max(0, p.start_s));
  for (const auto& p : reported) points.insert(std::max(0, p.start_s));
  json out = json::array();
  for (int t : points) {
    if (t >= duration_s) continue;
    const auto want = at(expected, t), have = at(reported, t);
    const bool same = want && have ? std::abs(*want - *have) <= 0.1 : !want && !have;
    if (!same)
      out.push_back({{"start_s", t},
                     {"expected", want ? json(*want) : json(nullptr)},
                     {"reported", have ? json(*have) : json(nullptr)}});
  }
  return out;
}

}  // namespace

void Api::install_profile(domain::StoredProfile stored, std::function<void(std::string)> done) {
  json payload;
  try {
    const auto profile = profile_of(stored);
    payload = {{"evse_id", profile.evse_id},
               {"charging_profile", charging::to_ocpp(profile, stored.protocol == "ocpp1.6",
                                                      stored.ocpp_transaction_id.value_or(""))}};
  } catch (const std::exception& e) {
    spdlog::warn("charging profile {}: cannot be sent ({})", stored.id, e.what());
    return done(std::string());
  }
  const auto id = stored.id;
  commands_.send(stored.station_id, "set-charging-profile", payload, [this, id, done](CommandResult result) {
    using Kind = CommandResult::Kind;
    const auto status = outcome_status(result);
    const std::string state = result.kind == Kind::Answered && result.status == "Accepted"   ? "installed"
                              : result.kind == Kind::Offline || result.kind == Kind::Timeout ? "pending"
                                                                                             : "rejected";
    auto doc = std::make_shared<std::optional<std::string>>();
    db_.run(
        [id, state, status, doc](domain::Repositories& repos) {
          repos.smart_charging().set_profile_state(id, state, status);
          *doc = repos.smart_charging().get_profile(id);
        },
        [doc, done](std::exception_ptr) { done(doc->value_or(std::string())); });
  });
}

void Api::clear_profile(domain::StoredProfile stored, std::function<void(int, std::string)> done) {
  const auto id = stored.id;
  commands_.send(stored.station_id, "clear-charging-profile", {{"profile_id", id}},
                 [this, id, done](CommandResult result) {
                   using Kind = CommandResult::Kind;
                   // Unknown: the station holds no such profile, which is what was wanted.
                   const bool cleared = result.kind == Kind::Answered &&
                                        (result.status == "Accepted" || result.status == "Unknown");
                   const bool later = result.kind == Kind::Offline || result.kind == Kind::Timeout;
                   const std::string state = cleared ? "cleared" : "clearing";
                   const auto status = outcome_status(result);
                   auto doc = std::make_shared<std::optional<std::string>>();
                   db_.run(
                       [id, state, status, doc](domain::Repositories& repos) {
                         repos.smart_charging().set_profile_state(id, state, status);
                         *doc = repos.smart_charging().get_profile(id);
                       },
                       [doc, done, cleared, later](std::exception_ptr) {
                         done(cleared ? 200 : later ? 202 : 502, doc->value_or(std::string()));
                       });
                 });
}

void Api::reconcile_profiles(const std::string& station_id) {
  auto held = std::make_shared<std::vector<domain::StoredProfile>>();
  db_.run([station_id,
           held](domain::Repositories& repos) { *held = repos.smart_charging().held_profiles(station_id); },
          [this, held, station_id](std::exception_ptr error) {
            if (error)
              return spdlog::warn("station {}: its charging profiles were not read again", station_id);
            for (auto& stored : *held) {
              if (stored.state == "clearing")
                clear_profile(stored, [](int, std::string) {});
              else
                install_profile(stored, [](std::string) {});
            }
          });
}

void Api::handle_charging_profiles(const std::vector<std::string>& seg, const Target& target,
                                   const HttpRequest& request, const std::string& actor,
                                   std::function<void(HttpResponse)> respond) {
  const auto& method = request.method;
  if (seg.size() == 3 && method == "GET") {
    auto station = target.param("station");
    auto state = target.param("state");
    if (state && *state != "pending" && *state != "installed" && *state != "rejected" &&
        *state != "clearing" && *state != "cleared")
      throw HttpError(400, "state must be pending, installed, rejected, clearing or cleared");
    auto page = page_of(target);
    require_numeric_cursor(page);
    return run_unit(
        [station, state, page](domain::Repositories& repos) {
          return json_response(200, repos.smart_charging().list_profiles(station, state, page));
        },
        respond);
  }
  if (seg.size() == 3 && method == "POST") {
    auto body = parse_body(request);
    if (!body.contains("station_id") || !body["station_id"].is_string())
      throw HttpError(400, "station_id is required");
    const auto station = body["station_id"].get<std::string>();
    charging::ChargingProfile profile;
    try {
      profile = charging::profile_from_json(body);
    } catch (const std::invalid_argument& e) {
      throw HttpError(400, e.what());
    }
    auto rest = charging::profile_to_json(profile);
    auto stored = std::make_shared<std::optional<domain::StoredProfile>>();
    auto refusal = std::make_shared<std::optional<HttpResponse>>();
    db_.run(
        [station, profile, rest, actor, stored, refusal](domain::Repositories& repos) {
          auto& repo = repos.smart_charging();
          auto protocol = repo.station_protocol(station);
          if (!protocol) return void(*refusal = problem(404, "station " + station + " not found"));
          if (protocol->empty())
            return void(*refusal =
                            problem(409, "station " + station +
                                             " has never connected: its OCPP version is not known yet"));
          if (auto problem_text = charging::version_problem(profile, *protocol == "ocpp1.6"))
            return void(*refusal = problem(400, *problem_text));
          // The load manager's TxProfiles and fallback keep a site under its limit: an operator's
          // profile of those purposes would override them (a station maximum only caps).
          const bool managed = repo.lock_station_load_managed(station);
          if (managed && profile.purpose != charging::ProfilePurpose::ChargingStationMaxProfile)
            return void(*refusal = problem(409, "station " + station +
                                                    " is at a site with load management: its TxProfile and "
                                                    "TxDefaultProfile are the load manager's (a "
                                                    "ChargingStationMaxProfile may still cap it)"));
          if (profile.transaction_id &&
              !repo.running_transaction(station, profile.evse_id, *profile.transaction_id))
            return void(*refusal =
                            problem(409, "transaction " + std::to_string(*profile.transaction_id) +
                                             " is not running on EVSE " + std::to_string(profile.evse_id) +
                                             " of station " + station));
          for (const auto& held : repo.held_profiles(station)) {
            if (held.state == "clearing") continue;
            try {
              if (charging::conflicts(profile, profile_of(held)))
                return void(*refusal =
                                problem(409,
                                        "profile " + std::to_string(held.id) +
                                            " of the station has the same EVSE, purpose and stack level "
                                            "and an overlapping validity (K01.FR.06); delete it first",
                                        {{"conflicting_profile_id", held.id}}));
            } catch (const std::invalid_argument&) {
            }
          }
          const auto id = repo.create_profile(station, rest.dump(), actor);
          *stored = repo.find_profile(id);
        },
        [this, stored, refusal, respond](std::exception_ptr error) {
          if (error) return respond(problem(500, "the profile could not be stored"));
          if (*refusal) return respond(std::move(**refusal));
          install_profile(**stored, [respond](std::string doc) {
            respond(doc.empty() ? problem(500, "the profile's outcome could not be read")
                                : json_response(201, std::move(doc)));
          });
        });
    return;
  }
  if (seg.size() != 4) throw HttpError(seg.size() < 4 ? 405 : 404, method + " is not allowed here");
  const auto id = id_in_path(seg[3], "charging profile " + seg[3] + " not found");
  if (method == "GET")
    return run_unit(
        [id](domain::Repositories& repos) {
          auto doc = repos.smart_charging().get_profile(id);
          return doc ? json_response(200, *doc) : problem(404, "charging profile not found");
        },
        respond);
  if (method == "DELETE") {
    auto stored = std::make_shared<std::optional<domain::StoredProfile>>();
    db_.run(
        [id, stored](domain::Repositories& repos) { *stored = repos.smart_charging().find_profile(id); },
        [this, id, stored, respond](std::exception_ptr error) {
          if (error) return respond(problem(500, "the profile could not be read"));
          if (!*stored) return respond(problem(404, "charging profile not found"));
          if (json::parse((*stored)->profile_json).value("source", "operator") == "station")
            return respond(problem(409,
                                   "this limit was reported by the station (NotifyChargingLimit); it "
                                   "ends with the station's ClearedChargingLimit"));
          if ((*stored)->state == "rejected" || (*stored)->state == "cleared") {
            // Nothing of it is on the station.
            return run_unit(
                [id](domain::Repositories& repos) {
                  repos.smart_charging().set_profile_state(id, "cleared", std::nullopt);
                  return json_response(200, *repos.smart_charging().get_profile(id));
                },
                respond);
          }
          clear_profile(**stored, [respond](int status, std::string doc) {
            if (status == 502)
              return respond(problem(502, "the station did not clear the profile; it stays marked clearing",
                                     json::parse(doc.empty() ? "{}" : doc)));
            respond(json_response(status, std::move(doc)));
          });
        });
    return;
  }
  throw HttpError(405, method + " is not allowed here");
}

void Api::charging_schedule(const std::string& station_id, const Target& target,
                            std::function<void(HttpResponse)> respond) {
  auto number = [&](const char* name, int fallback, int min, int max) {
    auto text = target.param(name);
    if (!text) return fallback;
    int value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || value < min || value > max)
      throw HttpError(400, std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                               std::to_string(max));
    return value;
  };
  const int evse = number("evse_id", 1, 0, 1000);
  const int duration = number("duration_s", 3600, 60, 7 * 86400);
  auto unit = target.param("charging_rate_unit").value_or("A");
  if (unit != "A" && unit != "W") throw HttpError(400, "charging_rate_unit must be A or W");
  struct Basis {
    std::optional<std::string> protocol;
    std::vector<domain::StoredProfile> held;
    domain::LoadSnapshot load;
  };
  auto basis = std::make_shared<Basis>();
  db_.run(
      [station_id, basis](domain::Repositories& repos) {
        auto& repo = repos.smart_charging();
        basis->protocol = repo.station_protocol(station_id);
        if (!basis->protocol) return;
        basis->held = repo.held_profiles(station_id);
        basis->load = repo.load_snapshot(std::nullopt, false);
      },
      [this, station_id, evse, duration, unit, basis, respond](std::exception_ptr error) {
        if (error) return respond(problem(500, "the station's profiles could not be read"));
        if (!basis->protocol) return respond(problem(404, "station " + station_id + " not found"));
        const auto start = clock_.now();
        commands_.send(
            station_id, "get-composite-schedule",
            {{"evse_id", evse}, {"duration_s", duration}, {"charging_rate_unit", unit}},
            [station_id, evse, duration, unit, basis, start, respond](CommandResult result) {
              if (result.kind != CommandResult::Kind::Answered) return respond(unanswered(result));
              // What the station should hold: the operator's installed profiles and the load
              // manager's (its session's TxProfile in force, the fallback).
              std::vector<charging::ChargingProfile> profiles;
              std::optional<domain::Timestamp> transaction_start;
              for (const auto& stored : basis->held)
                if (stored.state == "installed") try {
                    profiles.push_back(profile_of(stored));
                  } catch (const std::invalid_argument&) {
                  }
              bool fallback = false;
              for (const auto& s : basis->load.sessions) {
                if (s.station_id != station_id) continue;
                if (s.fallback_a && !fallback) {
                  fallback = true;
                  profiles.push_back(charging::flat_profile(charging::ProfilePurpose::TxDefaultProfile, 0, 0,
                                                            *s.fallback_a, 3));
                }
                if (s.evse_id == evse) {
                  transaction_start = s.started_at;
                  if (s.in_force_a) {
                    auto tx = charging::flat_profile(charging::ProfilePurpose::TxProfile, 0, 1, *s.in_force_a,
                                                     s.phases);
                    tx.evse_id = evse;
                    profiles.push_back(tx);
                  }
                }
              }
              const auto expected =
                  charging::composite_schedule(profiles, evse, start, duration, unit, transaction_start);
              const bool v16 = basis->protocol == "ocpp1.6";
              const auto reported = reported_periods(result.response, v16, start);
              const auto diff = differences(expected, reported, duration);
              respond(json_response(200, json{{"station_id", station_id},
                                              {"evse_id", evse},
                                              {"start", domain::format_timestamp(start)},
                                              {"duration_s", duration},
                                              {"charging_rate_unit", unit},
                                              {"status", result.status},
                                              {"expected", periods_json(expected)},
                                              {"reported", periods_json(reported)},
                                              {"in_sync", result.status == "Accepted" && diff.empty()},
                                              {"differences", diff}}
                                             .dump()));
            });
      });
}

}  // namespace csms::api

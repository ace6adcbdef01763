// Sites and load management (issue 17): /api/v1/sites (a grid connection's limit, its
// schedule, how it is shared), /api/v1/sites/{id}/load (what each session is given, what the
// stations hold, what they draw), and the load manager's round: it reads the sites and their
// open sessions, plans with charging::plan_load and sends each station's TxProfile through
// the station command path (SetChargingProfile in the station's OCPP version).
//
// The rule that keeps a site under its limit while stations have not yet answered: every
// session counts at the higher of what its station holds and what was sent to it; decreases
// go at once, an increase only into headroom. A new session counts at its station's fallback
// (the TxDefaultProfile installed at boot: the site's fallback_current_a, 0 A by default, so
// a new session waits until its own profile arrives, about a second), or at the station's
// maximum (32 A when unknown) while no fallback is accepted.

#include <spdlog/spdlog.h>

#include <cmath>

#include "command_support.hpp"
#include "csms/api/api.hpp"
#include "csms/charging/charging_profile.hpp"
#include "csms/charging/load_planner.hpp"
#include "csms/metrics/metrics.hpp"
#include "http_support.hpp"

namespace csms::api {

using namespace detail;

namespace {

// Profile ids and stack levels the load manager uses (an operator's own profiles use others):
// a session's TxProfile is kLoadProfileId + its EVSE, the fallback is kLoadProfileId itself.
constexpr int kLoadProfileId = 900'000'000;
constexpr int kLoadStackLevel = 1;
constexpr int kFallbackStackLevel = 0;

bool valid_hhmm(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return false;
  for (int i : {0, 1, 3, 4})
    if (text[i] < '0' || text[i] > '9') return false;
  return std::stoi(text.substr(0, 2)) < 24 && std::stoi(text.substr(3, 2)) < 60;
}

json site_fields(json body, bool creating) {
  check_known(body, {"id", "name", "time_zone", "limit_a", "limit_w", "phases", "voltage_v", "min_current_a",
                     "fallback_current_a", "strategy", "schedule", "load_management"});
  expect_string(body, "name", 200);
  if (body.contains("time_zone")) {
    expect_string(body, "time_zone", 64, false);
    if (!known_time_zone(body["time_zone"].get<std::string>()))
      throw HttpError(400, "time_zone must be an IANA time zone such as Europe/Berlin");
  }
  for (const char* key : {"limit_a", "limit_w", "phases", "voltage_v", "min_current_a", "fallback_current_a",
                          "strategy", "schedule", "load_management"})
    if (body.contains(key) && body[key].is_null())
      throw HttpError(400, std::string(key) + " may not be null");
  expect_number(body, "limit_a", 1, 100'000, false);
  expect_number(body, "limit_w", 100, 1e9, false);
  if (body.contains("limit_a") && body.contains("limit_w"))
    throw HttpError(400, "give limit_a (A per phase) or limit_w (W over all phases), not both");
  if (creating && !body.contains("limit_a") && !body.contains("limit_w"))
    throw HttpError(400, "limit_a (A per phase) or limit_w (W over all phases) is required");
  expect_number(body, "phases", 1, 3, true);
  if (body.contains("phases") && body["phases"] != 1 && body["phases"] != 3)
    throw HttpError(400, "phases must be 1 or 3");
  expect_number(body, "voltage_v", 100, 1000, false);
  expect_number(body, "min_current_a", 0, 100, false);
  expect_number(body, "fallback_current_a", 0, 1000, false);
  expect_enum(body, "strategy", {"equal_share", "priority"});
  if (body.contains("load_management") && !body["load_management"].is_boolean())
    throw HttpError(400, "load_management must be true or false");
  if (body.contains("schedule")) {
    const auto& schedule = body["schedule"];
    if (!schedule.is_array() || schedule.size() > 48)
      throw HttpError(
          400,
          "schedule must be a list of up to 48 periods {\"from\": \"HH:MM\", \"limit_a\" or \"limit_w\"}");
    std::set<std::string> starts;
    for (const auto& period : schedule) {
      if (!period.is_object()) throw HttpError(400, "a schedule period must be an object");
      check_known(period, {"from", "limit_a", "limit_w"});
      if (!period.contains("from") || !period["from"].is_string() || !valid_hhmm(period["from"]))
        throw HttpError(400, "a schedule period's from must be a local time HH:MM");
      if (!starts.insert(period["from"].get<std::string>()).second)
        throw HttpError(400, "two schedule periods start at " + period["from"].get<std::string>());
      if (period.contains("limit_a") == period.contains("limit_w"))
        throw HttpError(400, "a schedule period gives limit_a or limit_w, one of them");
      expect_number(period, "limit_a", 1, 100'000, false);
      expect_number(period, "limit_w", 100, 1e9, false);
      if ((period.contains("limit_a") && period["limit_a"].is_null()) ||
          (period.contains("limit_w") && period["limit_w"].is_null()))
        throw HttpError(400, "a schedule period's limit may not be null");
    }
  }
  body.erase("id");
  return body;
}

json phases_json(const std::array<double, 3>& values, int phases) {
  return phases == 1 ? json::array({values[0]}) : json::array({values[0], values[1], values[2]});
}

json optional_number(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

// GET /sites/{id}/load from the site's snapshot.
std::string load_document(const std::string& site_id, const domain::LoadSnapshot& snapshot,
                          domain::Timestamp now) {
  if (snapshot.sites.empty())
    return json{{"site_id", site_id}, {"load_management", false}, {"sessions", json::array()}}.dump();
  const auto& row = snapshot.sites.front();
  const auto round = charging::plan_load(snapshot, now);
  json doc = {{"site_id", site_id},
              {"load_management", true},
              {"phases", row.phases},
              {"at", domain::format_timestamp(now)}};
  if (round.sites.empty()) {
    doc["error"] = "the site's schedule does not read";
    return doc.dump();
  }
  const auto& site = round.sites.front();
  doc["limit_a"] = site.limit_a;
  doc["allocated_a"] = phases_json(site.allocated, row.phases);
  doc["worst_case_a"] = phases_json(site.worst, row.phases);
  doc["measured_a"] = phases_json(site.measured, row.phases);
  json sessions = json::array();
  for (const auto& s : site.sessions) {
    const bool in_sync = s.in_force_a && std::abs(*s.in_force_a - s.target_a) < 0.05 && !s.pending_a;
    sessions.push_back({{"transaction_id", s.transaction_id},
                        {"station_id", s.station_id},
                        {"evse_id", s.evse_id},
                        {"phases", s.phases},
                        {"phase", s.phases == 1 ? json(s.phase) : json(nullptr)},
                        {"target_a", s.target_a},
                        {"in_force_a", optional_number(s.in_force_a)},
                        {"pending_a", optional_number(s.pending_a)},
                        {"measured_a", optional_number(s.measured_a)},
                        {"controlled", s.controlled},
                        {"in_sync", in_sync}});
  }
  doc["sessions"] = std::move(sessions);
  return doc.dump();
}

}  // namespace

void Api::handle_sites(const std::vector<std::string>& seg, const Target& target, const HttpRequest& request,
                       std::function<void(HttpResponse)> respond) {
  const auto& method = request.method;
  auto sites = [this, respond](std::function<HttpResponse(domain::SmartChargingRepository&)> work) {
    run_unit([work = std::move(work)](domain::Repositories& repos) { return work(repos.smart_charging()); },
             respond);
  };
  if (seg.size() == 3 && method == "GET") {
    auto page = page_of(target);
    return sites(
        [page](domain::SmartChargingRepository& repo) { return json_response(200, repo.list_sites(page)); });
  }
  if (seg.size() == 3 && method == "POST") {
    auto body = parse_body(request);
    if (!body.contains("id") || !body["id"].is_string() || !valid_identity(body["id"].get<std::string>()))
      throw HttpError(400, "id must be 1 to 48 printable characters without ':' or '/'");
    auto id = body["id"].get<std::string>();
    auto fields = site_fields(std::move(body), true).dump();
    return sites([id, fields](domain::SmartChargingRepository& repo) {
      auto result = repo.create_site(id, fields);
      return write_result(result, "site " + id,
                          result == domain::WriteResult::Done ? repo.get_site(id) : std::nullopt, 201);
    });
  }
  if (seg.size() < 4) throw HttpError(405, method + " is not allowed here");
  const auto id = seg[3];
  if (seg.size() == 4) {
    if (method == "GET")
      return sites([id](domain::SmartChargingRepository& repo) {
        auto doc = repo.get_site(id);
        return doc ? json_response(200, *doc) : problem(404, "site " + id + " not found");
      });
    if (method == "PATCH") {
      auto body = parse_body(request);
      if (body.contains("limit_a") && body.contains("limit_w"))
        throw HttpError(400, "give limit_a (A per phase) or limit_w (W over all phases), not both");
      auto fields = site_fields(std::move(body), false).dump();
      return sites([id, fields](domain::SmartChargingRepository& repo) {
        auto result = repo.patch_site(id, fields);
        return write_result(result, "site " + id,
                            result == domain::WriteResult::Done ? repo.get_site(id) : std::nullopt, 200);
      });
    }
    if (method == "DELETE")
      return sites([id](domain::SmartChargingRepository& repo) {
        auto result = repo.delete_site(id);
        if (result == domain::WriteResult::Conflict)
          return problem(409,
                         "site " + id + " still has stations; move them to another site (site_id) first");
        return write_result(result, "site " + id, std::nullopt, 204);
      });
    throw HttpError(405, method + " is not allowed here");
  }
  if (seg.size() == 5 && seg[4] == "load") {
    if (method != "GET") throw HttpError(405, method + " is not allowed here");
    const auto now = clock_.now();
    return sites([id, now](domain::SmartChargingRepository& repo) {
      if (!repo.site_exists(id)) return problem(404, "site " + id + " not found");
      return json_response(200, load_document(id, repo.load_snapshot(id, false), now));
    });
  }
  throw HttpError(404, "no such resource");
}

void Api::run_load_management() {
  if (load_leader_ && !load_leader_()) return;
  if (load_running_.exchange(true)) {
    load_again_ = true;
    return;
  }
  load_again_ = false;
  auto snapshot = std::make_shared<domain::LoadSnapshot>();
  db_.run(
      [snapshot](domain::Repositories& repos) {
        *snapshot = repos.smart_charging().load_snapshot(std::nullopt, true);
      },
      [this, snapshot](std::exception_ptr error) {
        if (error) {
          if (!domain::is_store_unavailable(error)) spdlog::warn("load management: could not read the sites");
          return finish_load_round();
        }
        if (!snapshot->claimed) return finish_load_round();
        std::shared_ptr<charging::LoadRound> round;
        try {
          round = std::make_shared<charging::LoadRound>(charging::plan_load(*snapshot, clock_.now()));
        } catch (const std::exception& e) {
          spdlog::error("load management: planning failed: {}", e.what());
          return finish_load_round();
        }
        auto& registry = metrics::registry();
        for (const auto& site : round->sites) {
          registry
              .gauge("csms_site_limit_amps", "A site's limit per phase in force now",
                     {{"site", site.site_id}})
              .set(site.limit_a);
          registry
              .gauge("csms_site_allocated_amps",
                     "What the load manager gives a site's sessions, highest phase", {{"site", site.site_id}})
              .set(*std::max_element(site.allocated.begin(), site.allocated.end()));
          registry
              .gauge("csms_site_worst_case_amps",
                     "What a site's sessions may draw at worst until their stations answer, highest phase",
                     {{"site", site.site_id}})
              .set(*std::max_element(site.worst.begin(), site.worst.end()));
          registry.gauge("csms_site_sessions", "Open sessions at a site", {{"site", site.site_id}})
              .set(static_cast<double>(site.sessions.size()));
        }
        for (const auto& stale : round->stale_fallbacks) clear_fallback(stale);
        if (round->planned.empty() && round->fallbacks.empty()) return finish_load_round();
        auto going = std::make_shared<std::vector<bool>>();
        db_.run(
            [round, going](domain::Repositories& repos) {
              *going = repos.smart_charging().load_sent(round->planned);
              repos.smart_charging().fallback_sent(round->fallbacks);
            },
            [this, round, going](std::exception_ptr failed) {
              try {
                if (!failed) {
                  for (std::size_t i = 0; i < round->planned.size() && i < going->size(); ++i)
                    if ((*going)[i]) send_load_profile(round->planned[i]);
                  for (const auto& fallback : round->fallbacks) send_fallback(fallback);
                } else if (!domain::is_store_unavailable(failed)) {
                  spdlog::warn("load management: could not record the profiles to send");
                }
              } catch (const std::exception& e) {
                spdlog::error("load management: sending failed: {}", e.what());
              }
              finish_load_round();
            });
      });
}

void Api::finish_load_round() {
  load_running_ = false;
  if (load_again_.exchange(false)) run_load_management();
}

void Api::load_station_reconnected(const std::string& station_id, bool booted) {
  {
    std::lock_guard lock(reconcile_mutex_);
    if (!booted) {
      reconcile_due_[station_id] = std::chrono::steady_clock::now() + std::chrono::seconds(3);
      return;
    }
    reconcile_due_.erase(station_id);
  }
  reconcile_now(station_id);
}

void Api::run_reconciliations() {
  std::vector<std::string> due;
  {
    std::lock_guard lock(reconcile_mutex_);
    const auto now = std::chrono::steady_clock::now();
    for (auto it = reconcile_due_.begin(); it != reconcile_due_.end();) {
      if (it->second > now) {
        ++it;
        continue;
      }
      due.push_back(it->first);
      it = reconcile_due_.erase(it);
    }
  }
  for (const auto& station_id : due) reconcile_now(station_id);
}

void Api::reconcile_now(const std::string& station_id) {
  db_.run([station_id](domain::Repositories& repos) { repos.smart_charging().load_reconnected(station_id); },
          [this, station_id](std::exception_ptr error) {
            if (error)
              spdlog::warn("load management: station {} is not marked for reconciliation", station_id);
            run_load_management();
          });
  reconcile_profiles(station_id);
}

void Api::load_answer(const std::string& station_id, int evse_id, double limit_a, const CommandResult& result,
                      std::function<void(domain::Repositories&, Outcome, const std::string&)> record) {
  using Kind = CommandResult::Kind;
  const bool accepted = result.kind == Kind::Answered && result.status == "Accepted";
  // A refusal leaves the station as it was; without an answer (none in time, the connection
  // lost, one that does not read) it may have applied the profile or not.
  const auto outcome =
      accepted ? Outcome::Accepted
      : result.kind == Kind::Answered || result.kind == Kind::CallError || result.kind == Kind::BadRequest
          ? Outcome::Refused
          : Outcome::Unknown;
  const std::string status = result.kind == Kind::Answered     ? result.status
                             : result.kind == Kind::Offline    ? "offline"
                             : result.kind == Kind::Timeout    ? "timeout"
                             : result.kind == Kind::CallError  ? result.error_code
                             : result.kind == Kind::BadRequest ? "refused: " + result.description
                                                               : "invalid answer";
  metrics::registry()
      .counter("csms_load_profiles_total", "Charging profiles the load manager sent, by outcome",
               {{"outcome", accepted ? "accepted" : "failed"}})
      .inc();
  if (!accepted)
    spdlog::warn("load management: station {} evse {}: profile of {} A not accepted ({})", station_id,
                 evse_id, limit_a, status);
  // An offline station is no refusal: it gets the profile again when it is back.
  const bool answered = result.kind != Kind::Offline;
  const auto at = clock_.now();
  db_.run([record, outcome, status](domain::Repositories& repos) { record(repos, outcome, status); },
          [this, station_id, evse_id, limit_a, accepted, status, answered, at](std::exception_ptr error) {
            if (error) spdlog::warn("load management: the answer of station {} was not stored", station_id);
            if (answered && load_listener_)
              load_listener_(domain::LoadControlAnswered{station_id, evse_id, accepted, status, limit_a, at});
            // Headroom a decrease freed may let an increase go.
            if (accepted) run_load_management();
          });
}

void Api::send_load_profile(domain::LoadSend send) {
  const bool v16 = send.protocol == "ocpp1.6";
  if (v16 && (send.ocpp_transaction_id.empty() || send.ocpp_transaction_id.size() > 9 ||
              send.ocpp_transaction_id.find_first_not_of("0123456789") != std::string::npos)) {
    spdlog::warn("load management: 1.6 transaction {} has no integer id", send.ocpp_transaction_id);
    return;
  }
  auto profile = charging::flat_profile(charging::ProfilePurpose::TxProfile, kLoadProfileId + send.evse_id,
                                        kLoadStackLevel, send.limit_a, send.phases);
  profile.evse_id = send.evse_id;
  profile.transaction_id = send.transaction_id;
  commands_.send(send.station_id, "set-charging-profile",
                 {{"evse_id", send.evse_id},
                  {"charging_profile", charging::to_ocpp(profile, v16, send.ocpp_transaction_id)}},
                 [this, send](CommandResult result) {
                   load_answer(
                       send.station_id, send.evse_id, send.limit_a, result,
                       [send](domain::Repositories& repos, Outcome outcome, const std::string& status) {
                         repos.smart_charging().load_answered(send.transaction_id, send.limit_a, outcome,
                                                              status);
                       });
                 });
}

void Api::send_fallback(domain::FallbackRow fallback) {
  const auto profile = charging::flat_profile(charging::ProfilePurpose::TxDefaultProfile, kLoadProfileId,
                                              kFallbackStackLevel, fallback.limit_a, 3);
  commands_.send(
      fallback.station_id, "set-charging-profile",
      {{"evse_id", 0}, {"charging_profile", charging::to_ocpp(profile, fallback.protocol == "ocpp1.6", "")}},
      [this, fallback](CommandResult result) {
        load_answer(fallback.station_id, 0, fallback.limit_a, result,
                    [fallback](domain::Repositories& repos, Outcome outcome, const std::string& status) {
                      repos.smart_charging().fallback_answered(fallback.station_id,
                                                               outcome == Outcome::Accepted, status);
                    });
      });
}

void Api::clear_fallback(domain::FallbackRow fallback) {
  commands_.send(fallback.station_id, "clear-charging-profile", {{"profile_id", kLoadProfileId}},
                 [this, fallback](CommandResult result) {
                   // Unknown: it holds no such profile any more, which is what was wanted.
                   if (result.kind != CommandResult::Kind::Answered ||
                       (result.status != "Accepted" && result.status != "Unknown"))
                     return;  // the next round tries again
                   db_.run(
                       [fallback](domain::Repositories& repos) {
                         repos.smart_charging().fallback_cleared(fallback.station_id);
                       },
                       [](std::exception_ptr) {});
                 });
}

}  // namespace csms::api

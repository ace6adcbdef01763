// Local authorization lists (issue 16): the station command `send-local-list` sends a station
// the id tokens of its scope (all, or one group) with SendLocalList, as a differential update
// from what it last confirmed (a full one the first time, when asked, when the scope changes,
// or when the station reports a version mismatch); `GET /stations/{id}/local-list` shows
// what it holds.

#include <memory>

#include "command_support.hpp"

namespace csms::api {

using namespace detail;

namespace {

// Entries a list may carry in one SendLocalList (stations advertise SendLocalListMaxLength;
// a larger scope is refused rather than cut).
constexpr int kMaxEntries = 10000;

// token -> {"status", "expires_at", "group"} as SendLocalList entries.
json entry_of(const std::string& token, const json& info) {
  json entry = {{"id_token", token}, {"status", info.value("status", "Accepted")}};
  if (info.contains("expires_at") && !info["expires_at"].is_null()) entry["expires_at"] = info["expires_at"];
  if (info.contains("group") && !info["group"].is_null()) entry["group_id_token"] = info["group"];
  return entry;
}

}  // namespace

struct Api::LocalListPlan {
  std::optional<std::string> group;
  int version = 0;  // the station's confirmed version
  json confirmed;
  json desired;
};

void Api::send_local_list(const std::string& station_id, const HttpRequest& request,
                          std::function<void(HttpResponse)> respond) {
  auto body = parse_body(request);
  check_known(body, {"update", "group"});
  expect_enum(body, "update", {"full", "differential"});
  expect_string(body, "group", 36);
  const bool full_asked = body.value("update", std::string("differential")) == "full";
  const bool scope_given = body.contains("group");
  std::optional<std::string> scope;
  if (scope_given && !body["group"].is_null()) scope = body["group"].get<std::string>();

  auto plan = std::make_shared<std::optional<LocalListPlan>>();
  auto too_many = std::make_shared<bool>(false);
  db_.run(
      [station_id, scope_given, scope, plan, too_many](domain::Repositories& repos) {
        auto state = repos.admin().local_list_state(station_id);
        if (!state) return;
        LocalListPlan p;
        p.group = scope_given ? scope : state->group;
        p.version = state->version;
        p.confirmed = json::parse(state->entries_json);
        if (p.group != state->group) p.version = 0;  // another scope: start again with a full list
        p.desired = json::parse(repos.admin().local_list_entries(p.group, kMaxEntries + 1));
        *too_many = p.desired.size() > static_cast<std::size_t>(kMaxEntries);
        *plan = std::move(p);
      },
      [this, station_id, full_asked, plan, too_many, respond](std::exception_ptr error) {
        if (error) return respond(problem(503, "the database is unavailable; try again later"));
        if (!*plan) return respond(problem(404, "station " + station_id + " not found"));
        if (*too_many)
          return respond(problem(409, "the list would hold more than " + std::to_string(kMaxEntries) +
                                          " id tokens; give a group"));
        send_local_list_update(station_id, std::make_shared<LocalListPlan>(std::move(**plan)), full_asked,
                               respond);
      });
}

void Api::send_local_list_update(const std::string& station_id, std::shared_ptr<LocalListPlan> plan,
                                 bool full, std::function<void(HttpResponse)> respond) {
  full = full || plan->version == 0;
  json entries = json::array();
  if (full) {
    for (const auto& [token, info] : plan->desired.items()) entries.push_back(entry_of(token, info));
  } else {
    for (const auto& [token, info] : plan->desired.items())
      if (!plan->confirmed.contains(token) || plan->confirmed[token] != info)
        entries.push_back(entry_of(token, info));
    for (const auto& [token, info] : plan->confirmed.items())
      if (!plan->desired.contains(token)) entries.push_back(json{{"id_token", token}});  // removed
    if (entries.empty())
      return respond(json_response(200, json{{"status", "UpToDate"},
                                             {"list_version", plan->version},
                                             {"update_type", "Differential"},
                                             {"entries_sent", 0}}
                                            .dump()));
  }
  const int version = plan->version + 1;
  const std::string update_type = full ? "Full" : "Differential";
  const auto sent = entries.size();
  commands_.send(
      station_id, "send-local-list",
      json{{"list_version", version}, {"update_type", update_type}, {"entries", std::move(entries)}},
      [this, station_id, plan, full, version, update_type, sent, respond](CommandResult result) {
        if (result.kind != CommandResult::Kind::Answered) return respond(unanswered(result));
        // The station's list is not the one we thought: send it whole.
        if (result.status == "VersionMismatch" && !full)
          return send_local_list_update(station_id, plan, true, respond);
        auto answer = json{{"status", result.status},
                           {"response", result.response},
                           {"list_version", version},
                           {"update_type", update_type},
                           {"entries_sent", sent}};
        if (result.status != "Accepted") return respond(json_response(200, answer.dump()));
        db_.run(
            [station_id, plan, version](domain::Repositories& repos) {
              repos.admin().store_local_list(station_id, plan->group, version, plan->desired.dump());
            },
            [answer, respond](std::exception_ptr error) {
              if (error)
                return respond(problem(503,
                                       "the station took the list but it could not be recorded; send it "
                                       "again with update: full"));
              respond(json_response(200, answer.dump()));
            });
      });
}

void Api::local_list_info(const std::string& station_id, std::function<void(HttpResponse)> respond) {
  run_unit(
      [station_id](domain::Repositories& repos) {
        auto state = repos.admin().local_list_state(station_id);
        if (!state) return problem(404, "station " + station_id + " not found");
        auto entries = json::parse(state->entries_json);
        return json_response(200, json{{"station_id", station_id},
                                       {"group", state->group ? json(*state->group) : json(nullptr)},
                                       {"version", state->version},
                                       {"entries", entries.size()},
                                       {"tokens", entries}}
                                      .dump());
      },
      respond);
}

}  // namespace csms::api

// Fleet jobs (issue 16): one station command for many stations at once (a list, or a filter
// on site, protocol, vendor, model, firmware version, connection), sent with bounded concurrency,
// in waves, with per-station state and retries. The state lives in PostgreSQL
// (migrations/0033_jobs.sql); run_jobs() moves it on every second: it claims what is due and
// sends each command through the same path as POST /stations/{id}/commands/{name}.
//
// A station's outcome: the command accepted (Accepted, Unlocked, UpToDate, RebootRequired,
// Scheduled) is `succeeded`, or `running` while its file transfer (update-firmware with a
// firmware_id, get-diagnostics) is under way, then the transfer's outcome; any other answer,
// a CALLERROR or a request refused is `failed`; offline is `waiting` (sent again once the
// station is connected); no answer in time is sent again up to max_attempts.

#include <spdlog/spdlog.h>

#include <set>

#include "command_support.hpp"
#include "csms/api/api.hpp"
#include "csms/domain/commands.hpp"
#include "csms/domain/time.hpp"
#include "http_support.hpp"

namespace csms::api {

using namespace detail;

namespace {

// Commands that name one session, reservation or transaction: not for a fleet.
const std::set<std::string> kNotForJobs = {"remote-start", "remote-stop", "reserve", "cancel-reservation",
                                           "get-transaction-status"};

bool accepted(const std::string& status) {
  return status == "Accepted" || status == "Unlocked" || status == "UpToDate" || status == "RebootRequired" ||
         status == "Scheduled" || status == "AcceptedCanceled";
}

std::optional<int> int_field(const json& body, const char* key, int min, int max) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  expect_number(body, key, min, max, true);
  return body[key].get<int>();
}

}  // namespace

void Api::handle_jobs(const std::vector<std::string>& seg, const Target& target, const HttpRequest& request,
                      const std::string& actor, std::function<void(HttpResponse)> respond) {
  const auto& method = request.method;
  auto ops = [this, respond](std::function<HttpResponse(domain::OperationsRepository&)> work) {
    run_unit([work = std::move(work)](domain::Repositories& repos) { return work(repos.operations()); },
             respond);
  };
  if (seg.size() == 3 && method == "GET") {
    auto state = target.param("state");
    if (state && *state != "running" && *state != "completed" && *state != "halted" && *state != "cancelled")
      throw HttpError(400, "state must be running, completed, halted or cancelled");
    auto page = page_of(target);
    require_numeric_cursor(page);
    return ops([state, page](domain::OperationsRepository& repo) {
      return json_response(200, repo.list_jobs(state, page));
    });
  }
  if (seg.size() == 3 && method == "POST") {
    auto body = parse_body(request);
    check_known(body, {"command", "body", "stations", "filter", "concurrency", "wave_size",
                       "max_failure_percent", "max_attempts", "deadline_s"});
    if (!body.contains("command") || !body["command"].is_string())
      throw HttpError(400, "command is required (a station command's name)");
    const auto command = body["command"].get<std::string>();
    if (!domain::is_operator_command(command)) throw HttpError(400, "unknown command '" + command + "'");
    if (kNotForJobs.count(command))
      throw HttpError(400, command + " names one session or reservation; send it to its station");
    domain::NewJob job;
    job.command = command;
    const json command_body = body.contains("body") ? body["body"] : json::object();
    if (!command_body.is_object()) throw HttpError(400, "body must be the command's body (an object)");
    if (command_body.contains("request_id"))
      throw HttpError(400, "body.request_id is chosen by the server; leave it out");
    job.body_json = command_body.dump();
    const bool listed = body.contains("stations") && !body["stations"].is_null();
    const bool filtered = body.contains("filter") && !body["filter"].is_null();
    if (listed == filtered) throw HttpError(400, "give stations (a list of ids) or filter, one of them");
    if (listed) {
      const auto& list = body["stations"];
      if (!list.is_array() || list.empty() || list.size() > 100000)
        throw HttpError(400, "stations must be a list of 1 to 100,000 station ids");
      std::vector<std::string> ids;
      std::set<std::string> seen;
      for (const auto& id : list) {
        if (!id.is_string()) throw HttpError(400, "stations must be a list of station ids");
        if (seen.insert(id.get<std::string>()).second) ids.push_back(id.get<std::string>());
      }
      job.stations = std::move(ids);
    } else {
      const auto& filter = body["filter"];
      if (!filter.is_object()) throw HttpError(400, "filter must be an object");
      check_known(filter, {"protocol", "vendor", "model", "firmware_version", "online", "site"});
      expect_enum(filter, "protocol", {"ocpp1.6", "ocpp2.0.1"});
      for (const char* key : {"vendor", "model", "firmware_version", "site"}) expect_string(filter, key, 200);
      if (filter.contains("online") && !filter["online"].is_boolean())
        throw HttpError(400, "filter.online must be true or false");
      job.filter_json = filter.dump();
    }
    job.concurrency = int_field(body, "concurrency", 1, 1000).value_or(10);
    job.wave_size = int_field(body, "wave_size", 1, 100000);
    job.max_failure_percent = int_field(body, "max_failure_percent", 0, 100);
    job.max_attempts = int_field(body, "max_attempts", 1, 100).value_or(3);
    job.deadline = clock_.now() +
                   std::chrono::seconds(int_field(body, "deadline_s", 60, 90 * 86400).value_or(7 * 86400));
    job.created_by = actor;
    return ops([job](domain::OperationsRepository& repo) {
      auto created = repo.create_job(job);
      if (!created.unknown_stations.empty()) {
        std::string names;
        for (std::size_t i = 0; i < created.unknown_stations.size() && i < 20; ++i)
          names += (i ? ", " : "") + created.unknown_stations[i];
        return problem(400, "unknown stations: " + names, {{"unknown_stations", created.unknown_stations}});
      }
      return json_response(201, *created.doc);
    });
  }
  if (seg.size() < 4) throw HttpError(405, method + " is not allowed here");
  auto part = seg[3];
  const bool cancel = part.ends_with(":cancel");
  if (cancel) part.resize(part.size() - 7);
  const auto id = id_in_path(part, "job " + part + " not found");
  if (cancel) {
    if (seg.size() != 4 || method != "POST") throw HttpError(405, method + " is not allowed here");
    return ops([id](domain::OperationsRepository& repo) {
      auto result = repo.cancel_job(id);
      if (result == domain::WriteResult::Conflict) return problem(409, "the job has ended");
      return write_result(result, "job", repo.get_job(id), 200);
    });
  }
  if (seg.size() == 4 && method == "GET")
    return ops([id](domain::OperationsRepository& repo) {
      auto doc = repo.get_job(id);
      return doc ? json_response(200, *doc) : problem(404, "job not found");
    });
  if (seg.size() == 5 && seg[4] == "stations" && method == "GET") {
    auto state = target.param("state");
    auto page = page_of(target, 100, 1000);
    return ops([id, state, page](domain::OperationsRepository& repo) {
      auto doc = repo.list_job_stations(id, state, page);
      return doc ? json_response(200, *doc) : problem(404, "job not found");
    });
  }
  throw HttpError(seg.size() <= 5 ? 405 : 404, method + " is not allowed here");
}

void Api::run_jobs() {
  if (jobs_running_.exchange(true)) return;
  auto work = std::make_shared<std::vector<domain::JobWork>>();
  db_.run([work](domain::Repositories& repos) { *work = repos.operations().advance_jobs(500); },
          [this, work](std::exception_ptr error) {
            jobs_running_ = false;
            if (error) {
              if (!domain::is_store_unavailable(error)) spdlog::warn("jobs: could not move the jobs on");
              return;
            }
            for (auto& item : *work) send_job_work(std::move(item));
          });
}

void Api::send_job_work(domain::JobWork work) {
  HttpRequest request{"POST",
                      "/api/v1/stations/" + work.station_id + "/commands/" + work.command,
                      {{"content-type", "application/json"}},
                      work.body_json};
  auto done = [this, work](HttpResponse response) {
    auto doc = json::parse(response.body, nullptr, false);
    if (!doc.is_object()) doc = json::object();
    std::string state = "failed";
    std::optional<std::string> status, detail;
    std::optional<std::int64_t> transfer;
    if (response.status == 200) {
      status = doc.value("status", "");
      const bool took = accepted(*status);
      if (took && doc.contains("file_transfer") && doc["file_transfer"].is_object()) {
        state = "running";
        transfer = doc["file_transfer"].value("id", std::int64_t{0});
      } else {
        state = took ? "succeeded" : "failed";
      }
    } else {
      detail = doc.value("detail", "HTTP " + std::to_string(response.status));
      if (response.status == 409 && *detail == kNotConnected)
        state = "waiting";
      else if ((response.status == 504 || response.status == 503) && work.attempts < work.max_attempts)
        state = "pending";  // no answer in time: once more
    }
    db_.run(
        [work, state, status, detail, transfer](domain::Repositories& repos) {
          repos.operations().job_station_result(work.job_id, work.station_id, state, status, detail,
                                                transfer);
        },
        [work](std::exception_ptr error) {
          if (error)
            spdlog::warn("job {}: the outcome for station {} was not stored (it is sent again later)",
                         work.job_id, work.station_id);
        });
  };
  try {
    station_command(work.station_id, work.command, request, "job " + std::to_string(work.job_id), done);
  } catch (const HttpError& e) {
    done(problem(e.status(), e.what()));
  } catch (const std::exception& e) {
    done(problem(400, e.what()));
  }
}

}  // namespace csms::api

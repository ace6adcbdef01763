// REST handlers of fault detection: alerts (with the live stream) and fault rules.

#include <spdlog/spdlog.h>

#include "csms/api/api.hpp"
#include "http_support.hpp"

namespace csms::api {
using namespace detail;

std::shared_ptr<server::EventStream> EventStreams::subscribe() {
  auto stream = std::make_shared<server::EventStream>();
  std::lock_guard lock(mutex_);
  std::erase_if(streams_, [](const auto& weak) { return weak.expired(); });
  streams_.push_back(stream);
  listening_ = streams_.size();
  return stream;
}

void EventStreams::publish(const std::string& event, const std::string& data) {
  std::vector<std::shared_ptr<server::EventStream>> live;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(streams_, [](const auto& weak) { return weak.expired(); });
    for (const auto& weak : streams_)
      if (auto stream = weak.lock()) live.push_back(stream);
    listening_ = live.size();
  }
  for (const auto& stream : live) stream->push(event, data);
}

void EventStreams::close_all() {
  std::lock_guard lock(mutex_);
  for (const auto& weak : streams_)
    if (auto stream = weak.lock()) stream->close();
  streams_.clear();
  listening_ = 0;
}

BlockingWorker::BlockingWorker(std::size_t max_queued) : max_queued_(max_queued) {
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

bool BlockingWorker::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || tasks_.size() >= max_queued_) return false;
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void Api::run_blocking(std::function<void()> task, const std::function<void(HttpResponse)>& respond) {
  if (worker_.post(std::move(task))) return;
  auto busy = problem(503, "too many operator actions are waiting; try again in a moment");
  busy.headers["Retry-After"] = "1";
  respond(std::move(busy));
}

void Api::handle_faults(const std::vector<std::string>& seg, const HttpRequest& request,
                        const std::string& actor, int role, std::function<void(HttpResponse)> respond) {
  (void)role;
  auto target = parse_target(request.target);
  const auto& method = request.method;
  auto with_faults = [this, respond](std::function<HttpResponse(domain::FaultRepository&)> work) {
    run_unit([work = std::move(work)](domain::Repositories& repos) { return work(repos.faults()); }, respond);
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
        return run_blocking(
            [this, name, body, respond] {
              try {
                auto result = faults_.patch_rule(name, body);
                if (auto* error = std::get_if<std::string>(&result)) return respond(problem(400, *error));
                respond(json_response(200, std::get<faults::RuleSettings>(result).to_json().dump()));
              } catch (const std::exception& e) {
                spdlog::error("api: fault rule {} could not be saved: {}", name, e.what());
                respond(problem(500, "the rule could not be saved"));
              }
            },
            respond);
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
    response.stream = streams_.alerts.subscribe();
    return respond(std::move(response));
  }
  if (seg.size() == 4) {
    // /alerts/{id}, /alerts/{id}:acknowledge, /alerts/{id}:resolve
    auto colon = seg[3].find(':');
    auto id_text = seg[3].substr(0, colon);
    auto action = colon == std::string::npos ? std::string() : seg[3].substr(colon + 1);
    const auto id = id_in_path(id_text, "no alert " + id_text);
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
      return run_blocking(
          [this, id, action, by, note, respond] {
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
          },
          respond);
    }
  }
  throw HttpError(405, method + " is not allowed here");
}

}  // namespace csms::api

#include "csms/faults/fault_service.hpp"

#include "csms/metrics/metrics.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace csms::faults {

using json = nlohmann::json;

FaultService::FaultService(FaultServiceSettings settings, domain::UnitOfWorkRunner& db,
                           const domain::Clock& clock)
    : settings_(std::move(settings)), db_(db), clock_(clock) {}

FaultService::~FaultService() { stop(); }

void FaultService::run_sync(std::function<void(domain::Repositories&)> work) {
  db_.run_and_wait(std::move(work));
}

void FaultService::start() {
  std::string saved;
  std::string active;
  std::vector<domain::StationLiveness> stations;
  run_sync([&](domain::Repositories& repos) {
    auto& faults = repos.faults();
    saved = faults.rule_settings();
    stations = faults.station_liveness();
    owned_.clear();
    if (settings_.node_id.empty()) {
      active = faults.active_alerts();
      return;
    }
    for (const auto& station : stations)
      if (station.node_id == settings_.node_id) owned_.insert(station.station_id);
    std::vector<std::string> of(owned_.begin(), owned_.end());
    of.emplace_back();  // node-wide alerts (database_unavailable)
    active = faults.active_alerts_of(of);
  });
  apply_saved_rules(saved);
  {
    std::lock_guard lock(engine_mutex_);
    // After a restart the offline timers continue from what the database knew.
    for (const auto& station : stations)
      if (watches(station.station_id) && station.last_seen_at)
        engine_.restore_station(station.station_id, station.online, *station.last_seen_at);
  }
  restore_alerts(active);
  set_profiles(stations);
  // The database answered just now: a database_unavailable left open by an earlier run closes.
  database_state(true, "");
  worker_ = std::thread([this] { run(); });
}

void FaultService::apply_saved_rules(const std::string& saved_json) {
  std::lock_guard lock(engine_mutex_);
  auto saved_settings = json::parse(saved_json);  // named: items() of a temporary would dangle
  for (const auto& [name, value] : saved_settings.items()) {
    for (auto settings : engine_.settings()) {
      if (settings.name != name) continue;
      settings.enabled = value.value("enabled", settings.enabled);
      settings.severity = severity_from(value.value("severity", std::string(to_string(settings.severity))))
                              .value_or(settings.severity);
      auto params = value.value("params", json::object());
      for (const auto& [key, param] : params.items()) settings.params[key] = param;
      settings.overrides.clear();
      auto overrides = value.value("overrides", json::object());
      for (const auto& [station, values] : overrides.items()) settings.overrides[station] = values;
      engine_.configure(settings);
    }
  }
}

void FaultService::reload_rules() {
  std::string saved;
  run_sync([&](domain::Repositories& repos) { saved = repos.faults().rule_settings(); });
  apply_saved_rules(saved);
}

void FaultService::forget_alert(const AlertKey& key) {
  std::lock_guard lock(engine_mutex_);
  engine_.forget(key);
}

void FaultService::restore_alerts(const std::string& active_json) {
  std::lock_guard lock(engine_mutex_);
  for (const auto& alert : json::parse(active_json)) {
    AlertKey key{alert["rule"], alert["station_id"], alert["evse_id"], alert["connector_id"]};
    engine_.restore_open(key);
    if (key.rule == "connector_faulted")
      faulted_[key] = Remediation{
          alert["id"], key, domain::Timestamp(std::chrono::milliseconds(alert["opened_ms"].get<long long>())),
          !alert["actions"].empty()};
  }
}

void FaultService::stop() {
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void FaultService::enqueue(Work work) {
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(work));
  }
  wake_.notify_one();
}

void FaultService::on_event(const domain::Event& event) { enqueue(event); }

void FaultService::release(const std::string& station_id) { enqueue(Release{station_id}); }

void FaultService::adopt(std::vector<domain::StationLiveness> stations) {
  enqueue(Adopt{std::move(stations)});
}

void FaultService::database_state(bool available, std::string detail) {
  enqueue(DatabaseState{available, std::move(detail), clock_.now()});
}

void FaultService::refresh_profiles() {
  std::vector<domain::StationLiveness> stations;
  run_sync([&](domain::Repositories& repos) { stations = repos.faults().station_liveness(); });
  set_profiles(stations);
}

// Every station's profile, watched here or not: it describes the station, not its state.
void FaultService::set_profiles(const std::vector<domain::StationLiveness>& stations) {
  std::lock_guard lock(engine_mutex_);
  for (const auto& station : stations)
    engine_.set_profile(station.station_id,
                        StationProfile{station.max_power_w, settings_.heartbeat_interval_s});
  last_profile_refresh_ = clock_.now();
}

void FaultService::take_over(const std::vector<std::string>& station_ids) {
  if (station_ids.empty()) return;
  std::string active;
  run_sync([&](domain::Repositories& repos) { active = repos.faults().active_alerts_of(station_ids); });
  restore_alerts(active);
  owned_.insert(station_ids.begin(), station_ids.end());
}

void FaultService::take_over_unwatched(const std::vector<domain::Event>& events) {
  std::set<std::string> unwatched;  // a reconnect storm brings thousands at once
  for (const auto& event : events) {
    const auto& id = std::visit([](const auto& e) -> const std::string& { return e.station_id; }, event);
    if (!watches(id)) unwatched.insert(id);
  }
  take_over(std::vector<std::string>(unwatched.begin(), unwatched.end()));
}

void FaultService::adopt_now(const std::vector<domain::StationLiveness>& stations) {
  // A station already watched here has reconnected here: what the engine saw is newer than the row.
  std::vector<const domain::StationLiveness*> fresh;
  std::vector<std::string> ids;
  for (const auto& station : stations) {
    if (watches(station.station_id)) continue;
    fresh.push_back(&station);
    ids.push_back(station.station_id);
  }
  take_over(ids);
  std::lock_guard lock(engine_mutex_);
  for (const auto* station : fresh)
    if (station->last_seen_at)
      engine_.restore_station(station->station_id, station->online, *station->last_seen_at);
}

void FaultService::release_now(const std::string& station_id) {
  {
    std::lock_guard lock(engine_mutex_);
    engine_.release_station(station_id);
  }
  std::erase_if(faulted_, [&](const auto& entry) { return entry.first.station_id == station_id; });
  owned_.erase(station_id);
}

void FaultService::run() {
  auto next_tick = std::chrono::steady_clock::now() + settings_.tick;
  for (;;) {
    std::vector<Work> work;
    bool tick = false;
    {
      std::unique_lock lock(queue_mutex_);
      wake_.wait_until(lock, next_tick, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;
      work.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
    }
    if (std::chrono::steady_clock::now() >= next_tick) {
      tick = true;
      next_tick = std::chrono::steady_clock::now() + settings_.tick;
    }
    try {
      process(std::move(work), tick);
    } catch (const std::exception& e) {
      // Alerts are best effort against a failing database; the next tick tries again.
      spdlog::error("fault detection: {}", e.what());
    }
  }
}

void FaultService::process(std::vector<Work> work, bool tick) {
  std::vector<Decision> decisions;
  auto now = clock_.now();
  auto add = [&](std::vector<Decision> made) {
    decisions.insert(decisions.end(), std::make_move_iterator(made.begin()),
                     std::make_move_iterator(made.end()));
  };
  std::vector<domain::Event> events;  // consecutive events, judged as one batch
  auto judge_events = [&] {
    auto batch = std::move(events);
    events.clear();
    take_over_unwatched(batch);
    std::lock_guard lock(engine_mutex_);
    for (const auto& event : batch) add(engine_.on_event(event, now));
  };
  for (auto& item : work) {
    if (auto* event = std::get_if<domain::Event>(&item)) {
      events.push_back(std::move(*event));
      continue;
    }
    if (const auto* state = std::get_if<DatabaseState>(&item)) {
      judge_events();
      std::lock_guard lock(engine_mutex_);
      add(engine_.on_database(state->available, state->detail, state->at));
      continue;
    }
    // What was decided before a hand-over is written before it (a release drops the
    // station's remediation entries, which apply() would otherwise bring back). The hand-over
    // happens even if the database fails: the station is another node's all the same.
    try {
      judge_events();
      if (!decisions.empty()) apply(decisions);
    } catch (const std::exception& e) {
      spdlog::error("fault detection: {}", e.what());
    }
    decisions.clear();
    if (const auto* released = std::get_if<Release>(&item)) {
      release_now(released->station_id);
    } else if (const auto* adopted = std::get_if<Adopt>(&item)) {
      try {
        adopt_now(adopted->stations);
      } catch (const std::exception& e) {
        // Each is taken over at its first event instead.
        spdlog::error("fault detection could not take over {} stations: {}", adopted->stations.size(),
                      e.what());
      }
    }
  }
  judge_events();
  if (tick) {
    std::lock_guard lock(engine_mutex_);
    add(engine_.on_tick(now));
  }
  if (!decisions.empty() || !unwritten_.empty()) apply(decisions);
  if (tick) {
    if (now - last_profile_refresh_ >= settings_.profile_refresh) refresh_profiles();
    if (now - last_certificate_check_ >= settings_.certificate_check) check_certificates(now);
    remediate(now);
  }
}

void FaultService::announce(std::vector<domain::AlertChange> changes, domain::FaultRepository& repo) {
  for (const auto& change : changes) {
    if (change.event == "repeated") continue;  // webhooks hear of state changes only
    auto body = json{{"event", "alert." + change.event}, {"alert", json::parse(change.document_json)}}.dump();
    for (const auto& url : settings_.webhook_urls) repo.enqueue_webhook(url, body);
  }
}

void FaultService::apply(const std::vector<Decision>& decisions) {
  // About 100 MB at most; beyond, the oldest go (counted) rather than the process.
  constexpr std::size_t kMaxUnwritten = 200'000;
  static auto& dropped = metrics::registry().counter(
      "csms_alert_decisions_dropped_total",
      "Alert decisions lost: the database was out of reach for longer than the held decisions allow, or "
      "refused them");
  unwritten_.insert(unwritten_.end(), decisions.begin(), decisions.end());
  while (unwritten_.size() > kMaxUnwritten) {
    unwritten_.pop_front();
    dropped.inc();
  }
  if (unwritten_.empty()) return;
  std::vector<std::pair<AlertKey, domain::AlertChange>> changes;
  try {
    run_sync([&](domain::Repositories& repos) {
      changes.clear();
      auto& repo = repos.faults();
      std::vector<domain::AlertChange> made;
      for (const auto& d : unwritten_) {
        if (d.kind == Decision::Kind::Open) {
          auto change = repo.open_alert(d.key.rule, d.key.station_id, d.key.evse_id, d.key.connector_id,
                                        std::string(to_string(d.severity)), d.at, d.details.dump());
          changes.emplace_back(d.key, change);
          made.push_back(change);
        } else if (auto change = repo.clear_alert(d.key.rule, d.key.station_id, d.key.evse_id,
                                                  d.key.connector_id, d.at, d.details.dump())) {
          changes.emplace_back(d.key, *change);
          made.push_back(*change);
        }
      }
      announce(made, repo);
    });
  } catch (const domain::StoreUnavailable& e) {
    if (!holding_)
      spdlog::warn("fault detection: alert decisions held until the database is back: {}", e.what());
    holding_ = true;
    return;
  } catch (...) {
    // Not the database's availability: these decisions cannot be written at all.
    dropped.inc(unwritten_.size());
    unwritten_.clear();
    throw;
  }
  if (holding_) spdlog::info("fault detection: {} held alert decisions written", unwritten_.size());
  holding_ = false;
  unwritten_.clear();
  for (const auto& [key, change] : changes) {
    if (key.rule == "connector_faulted") {
      if (change.event == "opened") {
        auto doc = json::parse(change.document_json);
        faulted_[key] = Remediation{change.id, key, clock_.now(), false};
      } else if (change.event == "resolved") {
        faulted_.erase(key);
      }
    }
    if (key.rule == kCertificateExpiring && change.event == "opened")
      renew_certificate(key.station_id, change.id);
    if (listener_) listener_(change);
  }
}

void FaultService::check_certificates(domain::Timestamp now) {
  last_certificate_check_ = now;
  std::vector<domain::CertificateExpiry> all;
  run_sync([&](domain::Repositories& repos) { all = repos.faults().certificate_expiries(); });
  std::erase_if(all, [this](const auto& cert) { return !watches(cert.station_id); });
  std::vector<Decision> decisions;
  {
    std::lock_guard lock(engine_mutex_);
    decisions = engine_.on_certificates(all, now);
  }
  if (!decisions.empty()) apply(decisions);
}

void FaultService::renew_certificate(const std::string& station_id, std::int64_t alert_id) {
  if (!remediator_) return;
  std::string renew;
  {
    std::lock_guard lock(engine_mutex_);
    for (const auto& s : engine_.settings())
      if (s.name == kCertificateExpiring) renew = s.params_for(station_id).value("renew", std::string("yes"));
  }
  if (renew != "yes") return;
  remediator_(station_id, "renew-certificate", json::object(), [this, alert_id](json outcome) {
    record_action(alert_id, {{"action", "renew-certificate"},
                             {"outcome", outcome},
                             {"at", domain::format_timestamp(clock_.now())}});
  });
}

void FaultService::record_action(std::int64_t alert_id, const json& record) {
  db_.run([alert_id, record](
              domain::Repositories& repos) { repos.faults().record_alert_action(alert_id, record.dump()); },
          [alert_id](std::exception_ptr error) {
            if (error) spdlog::warn("could not record an action of alert {}", alert_id);
          });
}

void FaultService::remediate(domain::Timestamp now) {
  if (!remediator_) return;
  RuleSettings settings;
  {
    std::lock_guard lock(engine_mutex_);
    for (const auto& s : engine_.settings())
      if (s.name == "connector_faulted") settings = s;
  }
  for (auto& [key, item] : faulted_) {
    if (item.done) continue;
    auto params = settings.params_for(key.station_id);
    auto action = params.value("remediation", std::string("none"));
    if (action != "reset" && action != "change-availability") continue;
    auto after = std::chrono::seconds(params.value("remediation_after_s", 600));
    if (now - item.opened_at < after) continue;
    bool busy = false;
    run_sync([&](domain::Repositories& repos) {
      busy = repos.faults().has_open_transaction_on(key.station_id, key.evse_id);
    });
    if (busy) continue;  // never interrupt a session; try again on a later tick
    item.done = true;
    json body =
        action == "reset" ? json{{"type", "Soft"}} : json{{"operative", false}, {"evse_id", key.evse_id}};
    auto alert_id = item.alert_id;
    remediator_(key.station_id, action, body, [this, alert_id, action, body](json outcome) {
      record_action(alert_id, {{"action", action},
                               {"request", body},
                               {"outcome", outcome},
                               {"at", domain::format_timestamp(clock_.now())}});
    });
  }
}

std::map<std::string, int> FaultService::open_by_rule() const {
  std::lock_guard lock(engine_mutex_);
  return engine_.open_by_rule();
}

std::vector<RuleSettings> FaultService::rules() const {
  std::lock_guard lock(engine_mutex_);
  return engine_.settings();
}

std::variant<RuleSettings, std::string> FaultService::patch_rule(const std::string& name, const json& patch) {
  if (!patch.is_object()) return std::string("the body must be a JSON object");
  RuleSettings updated;
  {
    std::lock_guard lock(engine_mutex_);
    bool found = false;
    for (const auto& s : engine_.settings())
      if (s.name == name) updated = s, found = true;
    if (!found) return std::string("unknown rule '") + name + "'";
  }
  RuleSettings defaults;
  for (const auto& d : default_rules())
    if (d.name == name) defaults = d;
  // A param keeps the JSON type of its default (a number stays a number; null means unset).
  auto check_params = [&](const json& params, const std::string& where) -> std::optional<std::string> {
    if (!params.is_object()) return where + " must be an object";
    for (const auto& [key, value] : params.items()) {
      auto known = defaults.params.find(key);
      if (known == defaults.params.end()) return where + ": unknown parameter '" + key + "'";
      bool same = (known->is_number() && value.is_number()) || (known->is_string() && value.is_string()) ||
                  known->is_null() || value.is_null();
      if (!same) return where + ": '" + key + "' must be a " + (known->is_number() ? "number" : "string");
      if (value.is_number() && value.get<double>() < 0) return where + ": '" + key + "' must not be negative";
    }
    return std::nullopt;
  };
  for (const auto& [key, value] : patch.items()) {
    if (key == "enabled") {
      if (!value.is_boolean()) return std::string("enabled must be true or false");
      updated.enabled = value.get<bool>();
    } else if (key == "severity") {
      auto severity = value.is_string() ? severity_from(value.get<std::string>()) : std::nullopt;
      if (!severity) return std::string("severity must be info, warning or critical");
      updated.severity = *severity;
    } else if (key == "params") {
      if (auto error = check_params(value, "params")) return *error;
      for (const auto& [param, v] : value.items()) updated.params[param] = v;
    } else if (key == "overrides") {
      if (!value.is_object()) return std::string("overrides must be an object keyed by station id");
      for (const auto& [station, values] : value.items()) {
        if (values.is_null()) {
          updated.overrides.erase(station);
          continue;
        }
        if (auto error = check_params(values, "overrides." + station)) return *error;
        for (const auto& [param, v] : values.items()) updated.overrides[station][param] = v;
      }
    } else if (key != "name") {
      return "unknown field '" + key + "'";
    }
  }
  run_sync([&](domain::Repositories& repos) {
    repos.faults().save_rule_settings(name, updated.to_json().dump());
  });
  {
    std::lock_guard lock(engine_mutex_);
    engine_.configure(updated);
  }
  if (on_rule_saved_) on_rule_saved_();
  return updated;
}

std::pair<domain::WriteResult, std::optional<domain::AlertChange>> FaultService::acknowledge(
    std::int64_t id, const std::string& by) {
  std::pair<domain::WriteResult, std::optional<domain::AlertChange>> result;
  auto now = clock_.now();
  run_sync([&](domain::Repositories& repos) {
    result = repos.faults().acknowledge_alert(id, by, now);
    if (result.second) announce({*result.second}, repos.faults());
  });
  if (result.second && listener_) listener_(*result.second);
  return result;
}

std::pair<domain::WriteResult, std::optional<domain::AlertChange>> FaultService::resolve(
    std::int64_t id, const std::string& by, const std::string& note) {
  std::pair<domain::WriteResult, std::optional<domain::AlertChange>> result;
  auto now = clock_.now();
  run_sync([&](domain::Repositories& repos) {
    result = repos.faults().resolve_alert(id, by, note, now);
    if (result.second) announce({*result.second}, repos.faults());
  });
  if (result.second) {
    // The operator closed it: the rule may raise it again on a new occurrence.
    auto doc = json::parse(result.second->document_json);
    AlertKey key{doc["rule"], doc["station_id"], doc["evse_id"], doc["connector_id"]};
    forget_alert(key);
    if (on_alert_forgotten_) on_alert_forgotten_(key);
    if (listener_) listener_(*result.second);
  }
  return result;
}

}  // namespace csms::faults

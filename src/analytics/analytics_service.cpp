#include "csms/analytics/analytics_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <tuple>

#include "csms/analytics/rollup.hpp"

namespace csms::analytics {

using domain::Timestamp;

std::size_t recompute(domain::Repositories& repos, const std::vector<domain::RollupWindow>& windows,
                      Timestamp now, std::chrono::hours max_widen) {
  auto& repo = repos.analytics();
  auto inputs = repo.rollup_inputs(windows);
  // Readings just outside a window spread energy into it and it into them: widen once.
  std::vector<domain::RollupWindow> wider;
  for (const auto& in : inputs) {
    auto [lo, hi] = energy_reach(in);
    lo = std::max(lo, in.from - max_widen);
    hi = std::min(hi, in.to + max_widen);
    if (lo < in.from || hi > in.to) wider.push_back({in.station_id, lo, hi});
  }
  if (!wider.empty()) {
    auto widened = repo.rollup_inputs(wider);
    for (auto& w : widened) {
      for (auto& in : inputs) {
        if (in.station_id == w.station_id) in = std::move(w);
      }
    }
  }
  std::vector<domain::HourRollup> rows;
  for (const auto& in : inputs) {
    auto computed = compute_hours(in, now);
    rows.insert(rows.end(), std::make_move_iterator(computed.begin()),
                std::make_move_iterator(computed.end()));
  }
  repo.replace_rollups(inputs, rows);
  return rows.size();
}

AnalyticsService::AnalyticsService(AnalyticsSettings settings, domain::UnitOfWorkRunner& db,
                                   const domain::Clock& clock)
    : settings_(settings), db_(db), clock_(clock) {}

AnalyticsService::~AnalyticsService() { stop(); }

void AnalyticsService::start() {
  // The first tick refreshes the hour just past: what a crash kept from the table is in it.
  last_refresh_ = std::chrono::steady_clock::now() - settings_.refresh;
  worker_ = std::thread([this] { run(); });
}

void AnalyticsService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::pair<Timestamp, Timestamp> mark_window(Timestamp from, Timestamp to, Timestamp now) {
  // Nothing after now is rolled up; a charger clock far ahead must not make the worker walk
  // through years of future hours.
  const Timestamp latest = now + std::chrono::hours(1);
  from = std::clamp(from, now - kMaxLateness, latest);
  to = std::clamp(to, from + std::chrono::milliseconds(1), latest + std::chrono::milliseconds(1));
  return {from, to};
}

void AnalyticsService::mark(const std::string& station_id, Timestamp from, Timestamp to) {
  const Timestamp now = clock_.now();
  if (from < now - kMaxLateness) {
    spdlog::warn(
        "analytics: {} changed history from {}; recomputing from {} only (run `csms analytics rebuild`)",
        station_id, domain::format_timestamp(from), domain::format_timestamp(now - kMaxLateness));
  }
  std::tie(from, to) = mark_window(from, to, now);
  std::lock_guard lock(mutex_);
  merge_mark(station_id, from, to);
}

void AnalyticsService::merge_mark(const std::string& station_id, Timestamp from, Timestamp to) {
  auto [it, inserted] = marks_.try_emplace(station_id, from, to);
  if (!inserted) {
    it->second.first = std::min(it->second.first, from);
    it->second.second = std::max(it->second.second, to);
  }
}

void AnalyticsService::on_event(const domain::Event& event) {
  const Timestamp now = clock_.now();
  // What changed from `at` on: the state it reports lasts until the next change.
  auto from_then_on = [&](const std::string& station, Timestamp at) {
    mark(station, std::min(at, now), std::max(at, now) + std::chrono::seconds(1));
  };
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, domain::StationConnected> ||
                      std::is_same_v<E, domain::StationDisconnected> ||
                      std::is_same_v<E, domain::ConnectorStatusChanged> ||
                      std::is_same_v<E, domain::TransactionStarted> ||
                      std::is_same_v<E, domain::TransactionUpdated> ||
                      std::is_same_v<E, domain::TransactionEnded>) {
          from_then_on(e.station_id, e.at);
        } else if constexpr (std::is_same_v<E, domain::MeterValuesRecorded>) {
          if (e.samples.empty()) return;
          Timestamp lo = e.samples.front().timestamp, hi = lo;
          for (const auto& s : e.samples) {
            lo = std::min(lo, s.timestamp);
            hi = std::max(hi, s.timestamp);
          }
          mark(e.station_id, lo, hi + std::chrono::seconds(1));
        }
      },
      event);
}

void AnalyticsService::run() {
  // Marks reach the table every few seconds (a crash loses at most those; the hour just
  // past is refreshed anyway), the rollup runs every tick.
  const auto flush_every = std::min<std::chrono::milliseconds>(settings_.tick, kMarkFlush);
  auto next_tick = std::chrono::steady_clock::now() + settings_.tick;
  load_sessions();
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, flush_every, [&] { return stopping_; });
      if (stopping_) break;
    }
    try {
      flush_marks();
      if (std::chrono::steady_clock::now() < next_tick) continue;
      next_tick = std::chrono::steady_clock::now() + settings_.tick;
      if (settings_.recompute_here && !settings_.recompute_here()) continue;
      recompute_dirty();
      if (std::chrono::steady_clock::now() - last_refresh_ >= settings_.refresh) {
        last_refresh_ = std::chrono::steady_clock::now();
        refresh_current();
      }
    } catch (const std::exception& e) {
      // Marks not yet in the table stay in memory; the next pass tries again.
      spdlog::error("analytics: {}", e.what());
    }
  }
  try {
    flush_marks();  // so that a restart recomputes what this run did not get to
  } catch (const std::exception& e) {
    spdlog::error("analytics: keeping marks at shutdown: {}", e.what());
  }
}

void AnalyticsService::load_sessions() {
  // Read now rather than at the first sessions report after a start, which would wait for it
  // (about a second per million sessions). Out of reach, the first report reads it.
  const auto stopping = [this] {
    std::lock_guard lock(mutex_);
    return stopping_;
  };
  try {
    db_.run_and_wait([&](domain::Repositories& repos) { sessions_.load(repos.analytics(), stopping); });
  } catch (const std::exception& e) {
    spdlog::warn(
        "analytics: the ended sessions were not read at start ({}); the first sessions report reads them",
        e.what());
  }
}

void AnalyticsService::flush_marks() {
  std::vector<domain::RollupWindow> windows;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [station, span] : marks_) windows.push_back({station, span.first, span.second});
    marks_.clear();
  }
  if (windows.empty()) return;
  try {
    db_.run_and_wait([&](domain::Repositories& repos) { repos.analytics().mark_dirty(windows); });
  } catch (...) {
    // Not persisted (the database is out of reach): they go back, merged with any new ones,
    // and the next tick tries again.
    std::lock_guard lock(mutex_);
    for (const auto& w : windows) merge_mark(w.station_id, w.from, w.to);
    throw;
  }
}

void AnalyticsService::recompute_dirty() {
  for (;;) {
    std::size_t taken = 0;
    db_.run_and_wait([&](domain::Repositories& repos) {
      auto windows = repos.analytics().take_dirty(settings_.batch);
      taken = windows.size();
      if (!windows.empty()) recompute(repos, windows, clock_.now(), settings_.max_widen);
    });
    if (taken < static_cast<std::size_t>(settings_.batch)) return;
  }
}

void AnalyticsService::refresh_current() {
  const Timestamp now = clock_.now();
  std::vector<std::string> stations;
  db_.run_and_wait([&](domain::Repositories& repos) {
    stations = repos.analytics().stations_between(now - std::chrono::hours(2), now);
  });
  for (std::size_t i = 0; i < stations.size(); i += static_cast<std::size_t>(settings_.batch)) {
    std::vector<domain::RollupWindow> windows;
    for (std::size_t j = i; j < std::min(stations.size(), i + settings_.batch); ++j) {
      windows.push_back({stations[j], now - std::chrono::hours(1), now});
    }
    db_.run_and_wait(
        [&](domain::Repositories& repos) { recompute(repos, windows, now, settings_.max_widen); });
  }
}

std::size_t AnalyticsService::rebuild(domain::UnitOfWorkRunner& db, const domain::Clock& clock,
                                      const std::vector<std::string>& only, Timestamp from, Timestamp to,
                                      const AnalyticsSettings& settings,
                                      const std::function<void(std::size_t, std::size_t)>& progress) {
  std::vector<std::string> stations = only;
  if (stations.empty()) {
    db.run_and_wait(
        [&](domain::Repositories& repos) { stations = repos.analytics().stations_between(from, to); });
  }
  // Stations in small groups and time in months keep each unit of work's input small.
  constexpr std::size_t kGroup = 20;
  const auto kSlice = std::chrono::days(31);
  std::size_t rows = 0;
  const Timestamp now = clock.now();
  for (std::size_t i = 0; i < stations.size(); i += kGroup) {
    for (Timestamp a = from; a < to; a += kSlice) {
      const Timestamp b = std::min(to, a + kSlice);
      std::vector<domain::RollupWindow> windows;
      for (std::size_t j = i; j < std::min(stations.size(), i + kGroup); ++j)
        windows.push_back({stations[j], a, b});
      db.run_and_wait(
          [&](domain::Repositories& repos) { rows += recompute(repos, windows, now, settings.max_widen); });
    }
    if (progress) progress(std::min(stations.size(), i + kGroup), stations.size());
  }
  return rows;
}

}  // namespace csms::analytics

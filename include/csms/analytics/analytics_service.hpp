#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "csms/analytics/session_index.hpp"
#include "csms/domain/analytics.hpp"
#include "csms/domain/clock.hpp"
#include "csms/domain/events.hpp"
#include "csms/domain/ports.hpp"

namespace csms::analytics {

struct AnalyticsSettings {
  std::chrono::milliseconds tick{60000};  // how often marked windows are recomputed
  std::chrono::seconds refresh{300};      // how often every station's current hour is
  std::chrono::hours max_widen{48};       // how far a late reading may reach back
  int batch = 200;                        // stations per unit of work
  // Whether this node rolls up (with several nodes, only the cluster's leader does; every
  // node records the marks of its own stations). Unset: always.
  std::function<bool()> recompute_here;
};

// Keeps the hourly rollups current. Committed events mark the part of a station's history
// they change (late and out-of-order data included: a status from three hours ago marks
// three hours); the marks are persisted every few seconds (kept in memory while the
// database is out of reach) and the marked windows recomputed from the raw tables each tick.
// Every `refresh`, and at the first tick after start, the current and the previous hour of
// every station are recomputed too, so time that passes without events (a car charging for
// hours) is counted.
class AnalyticsService {
 public:
  AnalyticsService(AnalyticsSettings settings, domain::UnitOfWorkRunner& db, const domain::Clock& clock);
  ~AnalyticsService();
  AnalyticsService(const AnalyticsService&) = delete;
  AnalyticsService& operator=(const AnalyticsService&) = delete;

  void start();
  void stop();
  void on_event(const domain::Event& event);
  // Marks a window for recomputation (maintenance windows, operator corrections).
  void mark(const std::string& station_id, domain::Timestamp from, domain::Timestamp to);

  // The sessions report from this node's copy of the ended sessions (caught up first).
  domain::ReportTable sessions_report(domain::Repositories& repos, const domain::AnalyticsQuery& query) {
    return sessions_.report(repos.analytics(), query);
  }
  // Ended sessions in that copy (read when the service starts, then caught up at each report).
  std::size_t sessions_in_memory() const { return sessions_.size(); }

  // Recomputes [from, to) for the given stations (all when empty) on the calling thread;
  // returns the number of hourly rows written. Used by `csms analytics rebuild`.
  static std::size_t rebuild(domain::UnitOfWorkRunner& db, const domain::Clock& clock,
                             const std::vector<std::string>& stations, domain::Timestamp from,
                             domain::Timestamp to, const AnalyticsSettings& settings,
                             const std::function<void(std::size_t done, std::size_t total)>& progress = {});

 private:
  void run();
  void load_sessions();
  void flush_marks();
  void merge_mark(const std::string& station_id, domain::Timestamp from, domain::Timestamp to);  // locked
  void recompute_dirty();
  void refresh_current();

  AnalyticsSettings settings_;
  domain::UnitOfWorkRunner& db_;
  const domain::Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, std::pair<domain::Timestamp, domain::Timestamp>> marks_;
  std::chrono::steady_clock::time_point last_refresh_{};
  SessionIndex sessions_;
  std::thread worker_;
};

// How far back a late message may mark history for automatic recomputation; older
// corrections need `csms analytics rebuild`.
inline constexpr auto kMaxLateness = std::chrono::days(40);
// How often marks are written to the table (at most the tick).
inline constexpr std::chrono::milliseconds kMarkFlush{5000};

// The window a change from `from` to `to` marks: at most kMaxLateness back, at most an hour
// past `now` (a charger clock far ahead), never empty.
std::pair<domain::Timestamp, domain::Timestamp> mark_window(domain::Timestamp from, domain::Timestamp to,
                                                            domain::Timestamp now);

// Recomputes the windows (widening each to where its readings' energy reaches) in one
// unit of work; returns the rows written.
std::size_t recompute(domain::Repositories& repos, const std::vector<domain::RollupWindow>& windows,
                      domain::Timestamp now, std::chrono::hours max_widen);

}  // namespace csms::analytics

#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "csms/domain/analytics.hpp"

namespace csms::analytics {

// One session as the report counts it; token and customer are ids (0: none).
struct SessionSample {
  std::int64_t duration_ms = 0;
  double energy_wh = 0;
  std::uint32_t token = 0;
  std::uint32_t customer = 0;
};

// The sessions report's rows (columns as csms_report_sessions): for each station of
// `stations` (in that order) that has sessions, their count, duration and energy
// percentiles (nearest rank, as percentile_disc), maxima, idle share, distinct id tokens and
// customers and the share of tokens with more than one session. `sessions[i]` belongs to
// `stations[i]`. Pure: no database.
domain::ReportTable sessions_report_rows(const std::vector<domain::StationIdle>& stations,
                                         std::vector<std::vector<SessionSample>>& sessions);

// A node's in-memory copy of analytics_session_facts (every ended session: start, duration,
// energy, token, customer; about 40 bytes each, ~160 bytes with the maps), read once (`load`,
// or else at the first request) and caught up at every request with the rows of the
// transactions that had not finished at the previous reading. Open sessions and idle shares
// are read per request. Thread-safe.
class SessionIndex {
 public:
  domain::ReportTable report(domain::AnalyticsRepository& repo, const domain::AnalyticsQuery& query);
  // Reads every ended session unless that was done; `cancelled` is asked between chunks
  // (the process is stopping). A load left part way (cancelled, or the database failed) is
  // forgotten and done again by the next call. Returns whether the copy is loaded.
  bool load(domain::AnalyticsRepository& repo, const std::function<bool()>& cancelled);
  std::size_t size() const;

 private:
  struct Entry {
    std::int64_t transaction_id;
    std::int64_t started_ms;
    std::int64_t duration_ms;
    double energy_wh;
    std::uint32_t token;     // 1-based index into tokens_, 0: none
    std::uint32_t customer;  // 1-based index into customers_, 0: none
  };
  struct Station {
    std::vector<Entry> entries;
    bool sorted = true;  // by started_ms
  };

  void sync(domain::AnalyticsRepository& repo);
  bool read_all(domain::AnalyticsRepository& repo, const std::function<bool()>& cancelled);  // locked
  void forget();                                                                             // locked
  void apply(const domain::SessionFact& fact);
  static std::uint32_t intern(std::unordered_map<std::string, std::uint32_t>& ids,
                              std::vector<std::string>& names, const std::optional<std::string>& name);

  mutable std::mutex mutex_;
  bool loaded_ = false;
  std::uint64_t horizon_ = 0;  // facts of transactions from here on are read again
  std::unordered_map<std::string, Station> stations_;
  // transaction -> its station's id, the key in stations_ (a node's key does not move)
  std::unordered_map<std::int64_t, const std::string*> station_of_;
  std::unordered_map<std::string, std::uint32_t> token_ids_, customer_ids_;
  std::vector<std::string> tokens_, customers_;
};

}  // namespace csms::analytics

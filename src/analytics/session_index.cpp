#include "csms/analytics/session_index.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <spdlog/spdlog.h>

namespace csms::analytics {

namespace {

using Kind = domain::ReportTable::Kind;

// percentile_disc: the first value whose position reaches the fraction (1-based rank
// ceil(p * n), at least 1) in ascending order.
template <typename T>
T percentile_disc(std::vector<T>& values, double p) {
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1), values.end());
  return values[rank - 1];
}

// Milliseconds to whole seconds, halves away from zero (PostgreSQL's numeric round).
std::int64_t seconds_of(std::int64_t ms) { return ms >= 0 ? (ms + 500) / 1000 : -((-ms + 500) / 1000); }

// Doubles to integers as round(double precision) does (rint: halves to even).
std::int64_t rounded(double value) { return static_cast<std::int64_t>(std::nearbyint(value)); }

// 100 * part / whole with two decimals, halves away from zero (numeric round(x, 2)).
std::string percent_2(std::int64_t part, std::int64_t whole) {
  const std::int64_t hundredths = (20000 * part + whole) / (2 * whole);
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(hundredths / 100),
                static_cast<long long>(hundredths % 100));
  return text;
}

}  // namespace

domain::ReportTable sessions_report_rows(const std::vector<domain::StationIdle>& stations,
                                         std::vector<std::vector<SessionSample>>& sessions) {
  domain::ReportTable table;
  table.columns = {"station_id",     "sessions",         "duration_p50_s",   "duration_p90_s",
                   "duration_max_s", "energy_p50_wh",    "energy_p90_wh",    "energy_max_wh",
                   "idle_percent",   "unique_id_tokens", "unique_customers", "repeat_percent"};
  table.kinds = {Kind::Text,   Kind::Number, Kind::Number, Kind::Number, Kind::Number, Kind::Number,
                 Kind::Number, Kind::Number, Kind::Number, Kind::Number, Kind::Number, Kind::Number};
  std::vector<std::int64_t> durations;
  std::vector<double> energies;
  std::vector<std::uint32_t> tokens, customers;
  for (std::size_t i = 0; i < stations.size() && i < sessions.size(); ++i) {
    const auto& list = sessions[i];
    if (list.empty()) continue;
    durations.clear();
    energies.clear();
    tokens.clear();
    customers.clear();
    for (const auto& s : list) {
      durations.push_back(s.duration_ms);
      energies.push_back(s.energy_wh);
      if (s.token) tokens.push_back(s.token);
      if (s.customer) customers.push_back(s.customer);
    }
    const auto max_duration = *std::max_element(durations.begin(), durations.end());
    const auto max_energy = *std::max_element(energies.begin(), energies.end());
    const auto d50 = percentile_disc(durations, 0.5), d90 = percentile_disc(durations, 0.9);
    const auto e50 = percentile_disc(energies, 0.5), e90 = percentile_disc(energies, 0.9);
    std::sort(tokens.begin(), tokens.end());
    std::int64_t distinct_tokens = 0, repeaters = 0;
    for (std::size_t a = 0; a < tokens.size();) {
      std::size_t b = a;
      while (b < tokens.size() && tokens[b] == tokens[a]) ++b;
      ++distinct_tokens;
      repeaters += b - a > 1 ? 1 : 0;
      a = b;
    }
    std::sort(customers.begin(), customers.end());
    const auto distinct_customers = std::unique(customers.begin(), customers.end()) - customers.begin();
    auto number = [](std::int64_t v) { return std::optional<std::string>(std::to_string(v)); };
    table.cells.insert(
        table.cells.end(),
        {stations[i].station_id, number(static_cast<std::int64_t>(list.size())), number(seconds_of(d50)),
         number(seconds_of(d90)), number(seconds_of(max_duration)), number(rounded(e50)),
         number(rounded(e90)), number(rounded(max_energy)), stations[i].idle_percent, number(distinct_tokens),
         number(distinct_customers),
         distinct_tokens > 0 ? std::optional<std::string>(percent_2(repeaters, distinct_tokens))
                             : std::nullopt});
  }
  return table;
}

std::uint32_t SessionIndex::intern(std::unordered_map<std::string, std::uint32_t>& ids,
                                   std::vector<std::string>& names, const std::optional<std::string>& name) {
  if (!name) return 0;
  auto [it, inserted] = ids.try_emplace(*name, static_cast<std::uint32_t>(names.size() + 1));
  if (inserted) names.push_back(*name);
  return it->second;
}

void SessionIndex::apply(const domain::SessionFact& fact) {
  Entry entry{
      fact.transaction_id,
      std::chrono::duration_cast<std::chrono::milliseconds>(fact.started_at.time_since_epoch()).count(),
      fact.duration_ms,
      fact.energy_wh,
      intern(token_ids_, tokens_, fact.id_token),
      intern(customer_ids_, customers_, fact.customer_id)};
  auto& [station_id, station] = *stations_.try_emplace(fact.station_id).first;
  if (auto known = station_of_.find(fact.transaction_id); known != station_of_.end()) {
    // Read again (its transaction had not finished at the previous reading), or changed
    // (rare: a late stop or a correction): replace it where it was.
    auto& old = stations_.at(*known->second);
    auto at = std::find_if(old.entries.begin(), old.entries.end(),
                           [&](const Entry& e) { return e.transaction_id == fact.transaction_id; });
    if (at != old.entries.end()) {
      if (known->second == &station_id && at->started_ms == entry.started_ms &&
          at->duration_ms == entry.duration_ms && at->energy_wh == entry.energy_wh &&
          at->token == entry.token && at->customer == entry.customer)
        return;
      old.entries.erase(at);
    }
    known->second = &station_id;
  } else {
    station_of_.emplace(fact.transaction_id, &station_id);
  }
  if (!station.entries.empty() && station.entries.back().started_ms > entry.started_ms)
    station.sorted = false;
  station.entries.push_back(entry);
}

void SessionIndex::forget() {
  station_of_.clear();
  stations_.clear();
  token_ids_.clear();
  customer_ids_.clear();
  tokens_.clear();
  customers_.clear();
  loaded_ = false;
}

bool SessionIndex::read_all(domain::AnalyticsRepository& repo, const std::function<bool()>& cancelled) {
  // In chunks; whatever commits meanwhile comes from transactions at or after this horizon
  // and is read by the catch-up in sync. A load left part way (cancelled, or the database
  // failed) is forgotten: the next one starts from nothing rather than applying every row again.
  forget();
  const auto started = std::chrono::steady_clock::now();
  try {
    horizon_ = repo.session_facts_horizon();
    constexpr std::size_t kChunk = 50'000;
    std::int64_t seq = 0;
    for (;;) {
      if (cancelled && cancelled()) {
        forget();
        return false;
      }
      auto facts = repo.session_facts_after(seq, kChunk);
      for (const auto& fact : facts) {
        apply(fact);
        seq = std::max(seq, fact.seq);
      }
      if (facts.size() < kChunk) break;
    }
  } catch (...) {
    forget();
    throw;
  }
  for (auto& [id, station] : stations_) station.entries.shrink_to_fit();
  loaded_ = true;
  spdlog::info(
      "sessions report: {} ended sessions loaded in {} ms", station_of_.size(),
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
          .count());
  return true;
}

bool SessionIndex::load(domain::AnalyticsRepository& repo, const std::function<bool()>& cancelled) {
  std::lock_guard lock(mutex_);
  return loaded_ || read_all(repo, cancelled);
}

void SessionIndex::sync(domain::AnalyticsRepository& repo) {
  if (!loaded_) read_all(repo, {});
  auto [horizon, facts] = repo.session_facts_since(horizon_);
  for (const auto& fact : facts) apply(fact);
  horizon_ = horizon;
}

domain::ReportTable SessionIndex::report(domain::AnalyticsRepository& repo,
                                         const domain::AnalyticsQuery& query) {
  auto stations = repo.station_idle(query);
  auto open = repo.open_sessions(query);
  std::lock_guard lock(mutex_);
  sync(repo);
  const auto from =
      std::chrono::duration_cast<std::chrono::milliseconds>(query.from.time_since_epoch()).count();
  const auto to = std::chrono::duration_cast<std::chrono::milliseconds>(query.to.time_since_epoch()).count();
  std::vector<std::vector<SessionSample>> sessions(stations.size());
  for (std::size_t i = 0; i < stations.size(); ++i) {
    auto found = stations_.find(stations[i].station_id);
    if (found == stations_.end()) continue;
    auto& station = found->second;
    if (!station.sorted) {
      std::sort(station.entries.begin(), station.entries.end(),
                [](const Entry& a, const Entry& b) { return a.started_ms < b.started_ms; });
      station.sorted = true;
    }
    auto first = std::lower_bound(station.entries.begin(), station.entries.end(), from,
                                  [](const Entry& e, std::int64_t t) { return e.started_ms < t; });
    for (auto it = first; it != station.entries.end() && it->started_ms < to; ++it)
      sessions[i].push_back({it->duration_ms, it->energy_wh, it->token, it->customer});
  }
  std::unordered_map<std::string_view, std::size_t> position;
  for (std::size_t i = 0; i < stations.size(); ++i) position.emplace(stations[i].station_id, i);
  for (const auto& s : open) {
    if (auto at = position.find(s.station_id); at != position.end())
      sessions[at->second].push_back({s.duration_ms, s.energy_wh, intern(token_ids_, tokens_, s.id_token),
                                      intern(customer_ids_, customers_, s.customer_id)});
  }
  return sessions_report_rows(stations, sessions);
}

std::size_t SessionIndex::size() const {
  std::lock_guard lock(mutex_);
  return station_of_.size();
}

}  // namespace csms::analytics

#include "csms/analytics/rollup.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#ifndef USE_OS_TZDB
#define USE_OS_TZDB 1
#endif
#include <date/tz.h>

namespace csms::analytics {

namespace {

using domain::ConnectorStatus;
using std::chrono::milliseconds;

const date::time_zone* zone_of(const std::string& name) {
  try {
    return date::locate_zone(name.empty() ? "UTC" : name);
  } catch (const std::exception&) {
    return date::locate_zone("UTC");
  }
}

bool down_status(ConnectorStatus s) {
  return s == ConnectorStatus::Unavailable || s == ConnectorStatus::Faulted;
}
bool occupied_status(ConnectorStatus s) { return s != ConnectorStatus::Available && !down_status(s); }

// A step function of time: the value of the last point at or before t.
template <typename V>
class Steps {
 public:
  void add(Timestamp at, V value) { points_.emplace_back(at, value); }
  void seal() {
    std::stable_sort(points_.begin(), points_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  std::optional<V> at(Timestamp t) const {
    auto it = std::upper_bound(points_.begin(), points_.end(), t,
                               [](Timestamp value, const auto& p) { return value < p.first; });
    if (it == points_.begin()) return std::nullopt;
    return std::prev(it)->second;
  }
  void edges(std::set<Timestamp>& out) const {
    for (const auto& p : points_) out.insert(p.first);
  }

 private:
  std::vector<std::pair<Timestamp, V>> points_;
};

struct Spans {
  std::vector<std::pair<Timestamp, Timestamp>> list;
  bool covers(Timestamp t) const {
    return std::any_of(list.begin(), list.end(), [t](const auto& s) { return s.first <= t && t < s.second; });
  }
  void edges(std::set<Timestamp>& out) const {
    for (const auto& s : list) {
      out.insert(s.first);
      out.insert(s.second);
    }
  }
};

struct ConnectorState {
  int evse_id = 0;
  int connector_id = 0;
  Steps<ConnectorStatus> status;
  Spans maintenance;
  // Per open session: [start, stop) and its charging-state changes.
  struct Session {
    Timestamp from;
    Timestamp to;
    Steps<bool> charging;
  };
  std::vector<Session> sessions;

  bool session_charging(Timestamp t) const {
    for (const auto& s : sessions) {
      if (s.from <= t && t < s.to) return s.charging.at(t).value_or(false);
    }
    return false;
  }
};

struct Accumulator {
  std::int64_t occupied = 0, charging = 0, down = 0, excused = 0, offline = 0, all_busy = 0;
  double energy_wh = 0;
  std::int64_t sessions = 0;
  bool empty() const {
    return occupied == 0 && charging == 0 && down == 0 && excused == 0 && offline == 0 && all_busy == 0 &&
           energy_wh == 0 && sessions == 0;
  }
};

std::int64_t seconds_of(std::int64_t ms) { return (ms + 500) / 1000; }

// Readings in time order, one per instant (the highest when they disagree).
std::vector<std::pair<Timestamp, double>> normalized(std::vector<std::pair<Timestamp, double>> readings) {
  std::sort(readings.begin(), readings.end());
  std::vector<std::pair<Timestamp, double>> unique;
  for (const auto& r : readings) {
    if (!unique.empty() && unique.back().first == r.first) {
      unique.back().second = std::max(unique.back().second, r.second);
      continue;
    }
    unique.push_back(r);
  }
  return unique;
}

}  // namespace

Timestamp floor_local_hour(Timestamp t, const std::string& zone) {
  const auto* z = zone_of(zone);
  const auto info = z->get_info(std::chrono::time_point_cast<std::chrono::seconds>(t));
  const auto local = t + info.offset;  // as if UTC
  const auto floored = std::chrono::floor<std::chrono::hours>(local);
  return std::chrono::time_point_cast<milliseconds>(floored - info.offset);
}

std::vector<Timestamp> local_hour_starts(Timestamp from, Timestamp to, const std::string& zone) {
  // Offsets are whole quarter hours, so a local hour always begins on a UTC quarter hour;
  // stepping by 15 minutes and keeping the local hour starts handles every DST change.
  auto next_start = [&zone](Timestamp t) {
    Timestamp next = std::chrono::floor<std::chrono::minutes>(t) + std::chrono::minutes(15);
    next -=
        std::chrono::minutes(std::chrono::floor<std::chrono::minutes>(next).time_since_epoch().count() % 15);
    while (floor_local_hour(next, zone) != next) next += std::chrono::minutes(15);
    return next;
  };
  std::vector<Timestamp> out;
  if (!(from < to)) return out;
  Timestamp h = floor_local_hour(from, zone);
  if (h < from) h = next_start(h);
  for (; h < to; h = next_start(h)) out.push_back(h);
  return out;
}

std::string local_time_text(Timestamp t, const std::string& zone) {
  const auto* z = zone_of(zone);
  const auto local = z->to_local(std::chrono::time_point_cast<std::chrono::seconds>(t));
  return date::format("%Y-%m-%d %H:%M:%S", local);
}

std::vector<domain::HourRollup> compute_hours(const domain::RollupInput& input, Timestamp now) {
  // The repository aligns windows to local hours; an unaligned start is widened to its hour.
  const Timestamp from = floor_local_hour(input.from, input.time_zone);
  const Timestamp end = std::min(input.to, std::max(now, from));
  const std::vector<Timestamp> hours = local_hour_starts(from, input.to, input.time_zone);
  if (hours.empty()) return {};

  // Connectors: those the station has plus any its history names.
  std::map<std::pair<int, int>, ConnectorState> connectors;
  auto connector = [&](int evse, int conn) -> ConnectorState& {
    auto& c = connectors[{evse, conn}];
    c.evse_id = evse;
    c.connector_id = conn;
    return c;
  };
  for (const auto& [evse, conn] : input.connectors) {
    if (evse > 0) connector(evse, conn);
  }
  Steps<ConnectorStatus> station_status;
  for (const auto& p : input.statuses) {
    if (p.evse_id == 0) {
      station_status.add(p.at, p.status);
    } else {
      connector(p.evse_id, p.connector_id == 0 ? 1 : p.connector_id).status.add(p.at, p.status);
    }
  }
  for (const auto& s : input.sessions) {
    auto& c = connector(s.evse_id > 0 ? s.evse_id : 1, s.connector_id > 0 ? s.connector_id : 1);
    ConnectorState::Session session{s.started_at, s.stopped_at.value_or(Timestamp::max()), {}};
    for (const auto& [at, charging] : s.charging_changes) session.charging.add(at, charging);
    session.charging.seal();
    c.sessions.push_back(std::move(session));
  }
  Spans online;
  for (const auto& span : input.online)
    online.list.emplace_back(span.from, span.to.value_or(Timestamp::max()));
  Spans station_maintenance;
  for (const auto& m : input.maintenance) {
    if (!m.evse_id) {
      station_maintenance.list.emplace_back(m.from, m.to);
    }
  }
  station_status.seal();
  for (auto& [key, c] : connectors) {
    c.status.seal();
    for (const auto& m : input.maintenance) {
      if (!m.evse_id || *m.evse_id == c.evse_id) c.maintenance.list.emplace_back(m.from, m.to);
    }
  }

  // Every instant at which some state may change.
  std::set<Timestamp> cuts(hours.begin(), hours.end());
  cuts.insert(from);
  cuts.insert(end);
  station_status.edges(cuts);
  online.edges(cuts);
  for (const auto& [key, c] : connectors) {
    c.status.edges(cuts);
    c.maintenance.edges(cuts);
    for (const auto& s : c.sessions) {
      cuts.insert(s.from);
      cuts.insert(s.to);
      s.charging.edges(cuts);
    }
  }

  const std::size_t n = hours.size();
  auto hour_index = [&](Timestamp t) {
    return static_cast<std::size_t>(std::upper_bound(hours.begin(), hours.end(), t) - hours.begin()) - 1;
  };
  std::map<std::pair<int, int>, std::vector<Accumulator>> acc;
  for (const auto& [key, c] : connectors) acc[key].resize(n);
  std::vector<Accumulator> station(n);

  for (auto it = cuts.lower_bound(from); it != cuts.end() && *it < end; ++it) {
    const Timestamp a = *it;
    const Timestamp b = std::min(*std::next(it), end);
    const std::int64_t ms = (b - a).count();
    if (ms <= 0) continue;
    const std::size_t h = hour_index(a);
    const bool is_online = online.covers(a) || !input.first_connected || a < *input.first_connected;
    const ConnectorStatus whole = station_status.at(a).value_or(ConnectorStatus::Available);
    if (!is_online) station[h].offline += ms;
    bool all_busy = !connectors.empty();
    for (const auto& [key, c] : connectors) {
      Accumulator& x = acc[key][h];
      const ConnectorStatus status = c.status.at(a).value_or(ConnectorStatus::Available);
      const bool charging = is_online && (status == ConnectorStatus::Charging || c.session_charging(a));
      const bool occupied = is_online && (occupied_status(status) || charging);
      const bool down = !is_online || down_status(status) || down_status(whole);
      if (occupied) x.occupied += ms;
      if (charging) x.charging += ms;
      if (down) {
        x.down += ms;
        if (c.maintenance.covers(a)) x.excused += ms;
      }
      if (!is_online) x.offline += ms;
      all_busy = all_busy && occupied;
    }
    if (all_busy) station[h].all_busy += ms;
  }

  // Energy and session starts.
  for (const auto& s : input.sessions) {
    const std::pair<int, int> key{s.evse_id > 0 ? s.evse_id : 1, s.connector_id > 0 ? s.connector_id : 1};
    auto& rows = acc[key];
    if (s.started_at >= from && s.started_at < input.to) rows[hour_index(s.started_at)].sessions += 1;
    const auto readings = normalized(s.register_wh);
    for (std::size_t i = 1; i < readings.size(); ++i) {
      const auto [t0, v0] = readings[i - 1];
      const auto [t1, v1] = readings[i];
      const double energy = v1 - v0;
      if (energy <= 0 || t1 <= from || t0 >= input.to) continue;
      const double span = static_cast<double>((t1 - t0).count());
      // The hours [t0, t1) overlaps inside the window.
      std::size_t h = t0 < from ? 0 : hour_index(t0);
      for (; h < n; ++h) {
        const Timestamp ha = std::max(hours[h], t0);
        const Timestamp hb = std::min(h + 1 < n ? hours[h + 1] : input.to, t1);
        if (ha >= t1) break;
        if (hb > ha) rows[h].energy_wh += energy * static_cast<double>((hb - ha).count()) / span;
      }
    }
  }

  std::vector<domain::HourRollup> out;
  auto emit = [&](int evse, int conn, std::size_t h, const Accumulator& x) {
    if (x.empty()) return;
    domain::HourRollup row;
    row.station_id = input.station_id;
    row.evse_id = evse;
    row.connector_id = conn;
    row.hour_start = hours[h];
    row.local_hour = local_time_text(hours[h], input.time_zone);
    row.occupied_s = seconds_of(x.occupied);
    row.charging_s = seconds_of(x.charging);
    row.down_s = seconds_of(x.down);
    row.excused_down_s = seconds_of(x.excused);
    row.offline_s = seconds_of(x.offline);
    row.all_busy_s = seconds_of(x.all_busy);
    row.energy_wh = x.energy_wh;
    row.sessions_started = x.sessions;
    out.push_back(std::move(row));
  };
  for (std::size_t h = 0; h < n; ++h) emit(0, 0, h, station[h]);
  for (const auto& [key, rows] : acc) {
    for (std::size_t h = 0; h < n; ++h) emit(key.first, key.second, h, rows[h]);
  }
  return out;
}

std::pair<Timestamp, Timestamp> energy_reach(const domain::RollupInput& input) {
  Timestamp lo = input.from;
  Timestamp hi = input.to;
  for (const auto& s : input.sessions) {
    const auto readings = normalized(s.register_wh);
    for (std::size_t i = 1; i < readings.size(); ++i) {
      const Timestamp t0 = readings[i - 1].first;
      const Timestamp t1 = readings[i].first;
      if (t0 < input.from && t1 > input.from) lo = std::min(lo, t0);
      if (t1 > input.to && t0 < input.to) hi = std::max(hi, t1);
    }
  }
  return {lo, hi};
}

}  // namespace csms::analytics

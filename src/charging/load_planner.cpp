#include "csms/charging/load_planner.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace csms::charging {
namespace {

using json = nlohmann::json;

}  // namespace

LoadSite load_site_of(const domain::LoadSiteRow& row) {
  LoadSite site;
  site.phases = row.phases == 1 ? 1 : 3;
  site.min_current_a = row.min_current_a;
  site.strategy = row.strategy == "priority" ? LoadStrategy::Priority : LoadStrategy::EqualShare;
  const double volts = row.voltage_v > 0 ? row.voltage_v : 230;
  auto amps = [&](const std::optional<double>& a, const std::optional<double>& w) {
    if (a) return *a;
    if (w) return *w / (volts * site.phases);
    return 0.0;
  };
  site.limit_a = amps(row.limit_a, row.limit_w);
  auto schedule = json::parse(row.schedule_json, nullptr, false);
  if (!schedule.is_array()) throw std::invalid_argument("site " + row.id + ": schedule is not a list");
  for (const auto& period : schedule) {
    if (!period.is_object() || !period.contains("from") || !period["from"].is_string())
      throw std::invalid_argument("site " + row.id + ": a schedule period has no \"from\"");
    const auto from = period["from"].get<std::string>();
    if (from.size() != 5 || from[2] != ':') throw std::invalid_argument("site " + row.id + ": from is HH:MM");
    const int minute = std::stoi(from.substr(0, 2)) * 60 + std::stoi(from.substr(3, 2));
    std::optional<double> a, w;
    if (period.contains("limit_a") && period["limit_a"].is_number()) a = period["limit_a"].get<double>();
    if (period.contains("limit_w") && period["limit_w"].is_number()) w = period["limit_w"].get<double>();
    if (!a && !w) throw std::invalid_argument("site " + row.id + ": a schedule period has no limit");
    site.schedule.push_back({minute, amps(a, w)});
  }
  return site;
}

int local_minute(domain::Timestamp at, const std::string& time_zone) {
  using namespace std::chrono;
  auto since_midnight = [](auto local) {
    const auto day = floor<days>(local);
    return static_cast<int>(duration_cast<minutes>(local - day).count());
  };
  try {
    const auto* zone = date::locate_zone(time_zone.empty() ? "UTC" : time_zone);
    const auto local = zone->to_local(date::sys_time<milliseconds>(at.time_since_epoch()));
    return since_midnight(local);
  } catch (const std::runtime_error&) {
    return since_midnight(at);
  }
}

LoadRound plan_load(const domain::LoadSnapshot& snapshot, domain::Timestamp now,
                    std::chrono::seconds lookahead) {
  LoadRound round;
  std::map<std::string, std::vector<const domain::LoadSessionRow*>> by_site;
  for (const auto& s : snapshot.sessions) by_site[s.site_id].push_back(&s);
  for (const auto& row : snapshot.sites) {
    LoadSite site;
    try {
      site = load_site_of(row);
    } catch (const std::invalid_argument&) {
      continue;  // the API refuses such a schedule; one written by hand is skipped, not guessed
    }
    const double volts = row.voltage_v > 0 ? row.voltage_v : 230;
    // Every idle EVSE may start a session at the fallback before its station is heard of (or
    // while it is offline): that much is kept back.
    const double limit = std::max(0.0, limit_between(site, local_minute(now, row.time_zone),
                                                     local_minute(now + lookahead, row.time_zone)) -
                                           row.fallback_current_a * row.idle_evses);
    const auto& rows = by_site[row.id];
    std::vector<LoadSession> sessions;
    std::vector<ProfileState> states;
    std::vector<bool> can_send;
    SiteLoad view;
    view.site_id = row.id;
    view.limit_a = limit;
    for (const auto* r : rows) {
      LoadSession s;
      s.key = std::to_string(r->transaction_id);
      if (r->live_phases == 1) {
        s.phases = 1;
        s.phase = r->first_phase;
      } else if (r->live_phases >= 2) {
        s.phases = 3;
      } else {
        s.phases = r->phases;
        s.phase = r->phase;
      }
      const double car_phases = site.phases == 1 ? 1 : s.phases;
      std::optional<double> max;
      if (r->ev_max_current_a && *r->ev_max_current_a > 0) max = *r->ev_max_current_a;
      if (r->station_max_power_w && *r->station_max_power_w > 0) {
        const double station = static_cast<double>(*r->station_max_power_w) / (volts * car_phases);
        max = max ? std::min(*max, station) : station;
      }
      if (r->external_max_a) max = max ? std::min(*max, *r->external_max_a) : *r->external_max_a;
      s.max_current_a = max.value_or(0);
      s.min_current_a = r->ev_min_current_a.value_or(0);
      // A sample from before the allocation in force (and the car's ramp to it) says nothing
      // of what the car takes of it.
      const bool fresh = r->measured_at && (!r->in_force_at || *r->measured_at > *r->in_force_at + kRampTime);
      if (fresh) {
        s.measured_a = r->measured_a;
        if (!s.measured_a && r->measured_w) s.measured_a = *r->measured_w / (volts * car_phases);
      } else if (r->measured_at) {
        // Its samples are from before its allocation changed: it holds that until they catch up
        // (a station that sends none is not held).
        s.settling = r->in_force_at && now - *r->in_force_at < kRampTime + std::chrono::seconds(120);
      }
      s.current_a = r->in_force_a;
      if (r->needed_wh && *r->needed_wh > 0 && r->departure) {
        const double hours = std::chrono::duration<double>(*r->departure - now).count() / 3600.0;
        s.needed_a = hours > 0 ? *r->needed_wh / (hours * volts * car_phases)
                               : (s.max_current_a > 0 ? s.max_current_a : limit);
      }
      s.suspended_ev = r->suspended_ev;
      s.priority = r->priority;
      s.started_at = r->started_at;
      const double uncontrolled =
          r->fallback_a ? *r->fallback_a : (s.max_current_a > 0 ? s.max_current_a : kUncontrolledDefaultA);
      const bool refused = r->failures > 0 && r->failed_at && now - *r->failed_at < kRetryAfter;
      const bool controlled = r->online && !refused;
      ProfileState state;
      state.phases = s.phases;
      state.phase = s.phase;
      state.in_force_a = r->in_force_a;
      state.pending_a = r->pending_a;
      state.unconfirmed_a = r->unconfirmed_a;
      // A car told to take less needs a few seconds to do so (IEC 61851-1: 5 s).
      if (r->released_a && r->in_force_at && now - *r->in_force_at < kComeDown)
        state.settling_a = r->released_a;
      state.uncontrolled_a = uncontrolled;
      // What it draws that we cannot change now: its station is offline or refuses profiles.
      if (!controlled) s.fixed_a = state.worst();
      sessions.push_back(s);
      states.push_back(state);
      can_send.push_back(controlled && !r->pending_a);
    }
    const auto plan = allocate(site, limit, sessions);
    for (std::size_t i = 0; i < states.size(); ++i) states[i].target_a = plan.current_a[i];
    // Only sessions that may be sent to take part; the others' worst case stays as it is.
    std::vector<ProfileState> movable;
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (!can_send[i]) {
        auto fixed = states[i];
        fixed.target_a = fixed.worst();
        movable.push_back(fixed);
      } else {
        movable.push_back(states[i]);
      }
    }
    std::vector<bool> send(states.size(), false);
    for (auto i : sendable(site, limit, movable))
      if (can_send[i]) send[i] = true;
    // Reconciliation: a station that reconnected gets what it should hold again, when that
    // is no increase (an increase goes through sendable above).
    for (std::size_t i = 0; i < states.size(); ++i) {
      const auto* r = rows[i];
      if (r->resend && can_send[i] && !send[i] && states[i].target_a <= states[i].worst() + 1e-9)
        send[i] = true;
    }
    for (std::size_t i = 0; i < states.size(); ++i) {
      const auto* r = rows[i];
      const double target = plan.current_a[i];
      const bool changed = !r->target_a || std::abs(*r->target_a - target) > 1e-9 || !r->managed ||
                           r->phases != sessions[i].phases || r->phase != sessions[i].phase;
      if (send[i] || changed)
        round.planned.push_back({r->transaction_id, r->site_id, r->station_id, r->protocol,
                                 r->ocpp_transaction_id, r->evse_id, sessions[i].phases, sessions[i].phase,
                                 target, send[i]});
      SessionLoad load;
      load.transaction_id = r->transaction_id;
      load.station_id = r->station_id;
      load.evse_id = r->evse_id;
      load.phases = sessions[i].phases;
      load.phase = sessions[i].phase;
      load.target_a = target;
      load.in_force_a = r->in_force_a;
      load.pending_a = r->pending_a;
      load.measured_a = sessions[i].measured_a;
      load.controlled = !sessions[i].fixed_a;
      view.sessions.push_back(load);
      for (int p = 0; p < 3; ++p)
        if (draws_on(site.phases, sessions[i].phases, sessions[i].phase, p)) {
          view.allocated[p] += target;
          view.measured[p] += sessions[i].measured_a.value_or(0);
        }
    }
    view.worst = worst_case(site, states);  // as the stations may draw now, before these sends
    round.sites.push_back(std::move(view));
  }
  round.fallbacks = snapshot.fallbacks;
  round.stale_fallbacks = snapshot.stale_fallbacks;
  return round;
}

}  // namespace csms::charging

#include "csms/charging/load_allocation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace csms::charging {
namespace {

constexpr double kEpsilon = 1e-9;
constexpr int kMinutesPerDay = 24 * 60;
// A car that draws this much less than it was given is taking less than its share.
constexpr double kUnusedMargin = 1.0;

// Max-min fair filling: one level rises for the given sessions (each keeps what it has when
// that is above the level) until a session reaches its cap or a phase it draws on is full;
// those stop there and the level rises on for the others.
void water_fill(const std::vector<std::size_t>& group, const std::vector<double>& caps,
                const std::vector<int>& phases, const std::vector<int>& phase, int site_phases, double limit,
                std::vector<double>& alloc, std::array<double, 3>& used) {
  std::vector<std::size_t> active;
  for (auto i : group)
    if (alloc[i] < caps[i] - kEpsilon) active.push_back(i);
  auto extra = [&](std::size_t i, double level) {
    return std::max(0.0, std::min(level, caps[i]) - alloc[i]);
  };
  // Only the phases the rising sessions draw on: another phase over its limit (a load that
  // cannot be controlled) must not hold them back.
  auto fits = [&](double level) {
    std::array<double, 3> sum = used;
    std::array<bool, 3> drawn{};
    for (auto i : active)
      for (int p = 0; p < 3; ++p)
        if (draws_on(site_phases, phases[i], phase[i], p)) {
          sum[p] += extra(i, level);
          drawn[p] = true;
        }
    for (int p = 0; p < 3; ++p)
      if (drawn[p] && sum[p] > limit + 1e-7) return false;
    return true;
  };
  while (!active.empty()) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (auto i : active) {
      lo = std::min(lo, alloc[i]);
      hi = std::max(hi, caps[i]);
    }
    if (fits(hi)) {
      lo = hi;
    } else {
      for (int k = 0; k < 60; ++k) {
        const double mid = (lo + hi) / 2;
        (fits(mid) ? lo : hi) = mid;
      }
    }
    for (auto i : active) {
      const double e = extra(i, lo);
      alloc[i] += e;
      for (int p = 0; p < 3; ++p)
        if (draws_on(site_phases, phases[i], phase[i], p)) used[p] += e;
    }
    std::vector<std::size_t> next;
    for (auto i : active) {
      bool room = alloc[i] < caps[i] - 1e-6;
      for (int p = 0; p < 3; ++p)
        if (draws_on(site_phases, phases[i], phase[i], p) && limit - used[p] <= 1e-6) room = false;
      if (room) next.push_back(i);
    }
    if (next.size() == active.size()) break;  // nothing stopped: no progress left to make
    active = std::move(next);
  }
}

}  // namespace

bool draws_on(int site_phases, int session_phases, int session_phase, int p) {
  if (site_phases == 1) return p == 0;
  if (session_phases >= 3) return true;
  return p == std::clamp(session_phase, 1, 3) - 1;
}

double limit_between(const LoadSite& site, int from_minute, int to_minute) {
  if (site.schedule.empty()) return site.limit_a;
  auto periods = site.schedule;
  std::sort(periods.begin(), periods.end(),
            [](const LimitPeriod& a, const LimitPeriod& b) { return a.start_minute < b.start_minute; });
  auto in_force_at = [&](int minute) {
    // The last period that started at or before `minute`, else the day's last (it runs on
    // past midnight).
    double limit = periods.back().limit_a;
    for (const auto& period : periods)
      if (period.start_minute <= minute) limit = period.limit_a;
    return limit;
  };
  from_minute = ((from_minute % kMinutesPerDay) + kMinutesPerDay) % kMinutesPerDay;
  to_minute = ((to_minute % kMinutesPerDay) + kMinutesPerDay) % kMinutesPerDay;
  double lowest = in_force_at(from_minute);
  const bool wraps = to_minute < from_minute;
  for (const auto& period : periods) {
    const int m = period.start_minute;
    const bool inside = wraps ? (m > from_minute || m <= to_minute) : (m > from_minute && m <= to_minute);
    if (inside) lowest = std::min(lowest, period.limit_a);
  }
  return lowest;
}

SitePlan allocate(const LoadSite& site, double limit_a, const std::vector<LoadSession>& sessions) {
  const std::size_t n = sessions.size();
  SitePlan plan;
  plan.limit_a = limit_a;
  plan.current_a.assign(n, 0.0);
  std::vector<double> caps(n), mins(n);
  std::vector<int> phases(n), phase(n);
  std::array<double, 3> used{};
  for (std::size_t i = 0; i < n; ++i) {
    const auto& s = sessions[i];
    phases[i] = s.phases >= 3 ? 3 : 1;
    phase[i] = s.phase;
    double cap = s.max_current_a > 0 ? s.max_current_a : limit_a;
    double min = std::max(site.min_current_a, s.min_current_a);
    if (s.suspended_ev) cap = std::min(cap, min);
    // Hysteresis: capped under (allocation - 1 A), free again from (allocation - 0.5 A); in
    // between it keeps what it has (else a car held by its own maximum would swing between
    // its cap and a share it never takes).
    if (s.settling && s.current_a) {
      cap = std::min(cap, std::max(min, *s.current_a));
    } else if (s.measured_a && s.current_a) {
      if (*s.measured_a < *s.current_a - kUnusedMargin)
        cap = std::min(cap, std::max(min, *s.measured_a + kUnusedMargin));
      else if (*s.measured_a < *s.current_a - kUnusedMargin / 2)
        cap = std::min(cap, std::max(min, *s.current_a));
    }
    caps[i] = cap;
    mins[i] = std::min(min, cap);
  }
  // Sessions whose stations refuse profiles take what they take: that load comes first.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < n; ++i) {
    if (const auto& fixed = sessions[i].fixed_a) {
      plan.current_a[i] = *fixed;
      for (int p = 0; p < 3; ++p)
        if (draws_on(site.phases, phases[i], phase[i], p)) used[p] += *fixed;
    } else {
      order.push_back(i);
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (sessions[a].priority != sessions[b].priority) return sessions[a].priority > sessions[b].priority;
    if (sessions[a].started_at != sessions[b].started_at)
      return sessions[a].started_at < sessions[b].started_at;
    return sessions[a].key < sessions[b].key;
  });
  // Admission: each its minimum, in order, while every phase it draws on has room.
  std::vector<std::size_t> admitted;
  for (auto i : order) {
    bool room = true;
    for (int p = 0; p < 3; ++p)
      if (draws_on(site.phases, phases[i], phase[i], p) && used[p] + mins[i] > limit_a + kEpsilon)
        room = false;
    if (!room) continue;
    plan.current_a[i] = mins[i];
    for (int p = 0; p < 3; ++p)
      if (draws_on(site.phases, phases[i], phase[i], p)) used[p] += mins[i];
    admitted.push_back(i);
  }
  // EV needs: raised together towards what their departure needs.
  std::vector<std::size_t> needy;
  std::vector<double> need_caps = caps;
  for (auto i : admitted)
    if (sessions[i].needed_a && *sessions[i].needed_a > plan.current_a[i]) {
      need_caps[i] = std::min(caps[i], *sessions[i].needed_a);
      needy.push_back(i);
    }
  water_fill(needy, need_caps, phases, phase, site.phases, limit_a, plan.current_a, used);
  if (site.strategy == LoadStrategy::Priority) {
    for (std::size_t from = 0; from < admitted.size();) {
      std::size_t to = from;
      std::vector<std::size_t> level;
      while (to < admitted.size() && sessions[admitted[to]].priority == sessions[admitted[from]].priority)
        level.push_back(admitted[to++]);
      water_fill(level, caps, phases, phase, site.phases, limit_a, plan.current_a, used);
      from = to;
    }
  } else {
    water_fill(admitted, caps, phases, phase, site.phases, limit_a, plan.current_a, used);
  }
  // Whole amps: chargers apply no finer steps (and 0.1 A multiples do not survive binary
  // floating point in every schema check). What flooring leaves goes back one ampere each to
  // the sessions first in line that lost a fraction, while their phases have room.
  used = {};
  std::vector<double> fraction(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!sessions[i].fixed_a) {
      const double whole = std::floor(plan.current_a[i] + 1e-6);
      fraction[i] = plan.current_a[i] - whole;
      plan.current_a[i] = whole;
    }
    for (int p = 0; p < 3; ++p)
      if (draws_on(site.phases, phases[i], phase[i], p)) used[p] += plan.current_a[i];
  }
  for (auto i : admitted) {
    if (fraction[i] <= 1e-6 || plan.current_a[i] + 1 > caps[i] + kEpsilon) continue;
    bool room = true;
    for (int p = 0; p < 3; ++p)
      if (draws_on(site.phases, phases[i], phase[i], p) && used[p] + 1 > limit_a + kEpsilon) room = false;
    if (!room) continue;
    plan.current_a[i] += 1;
    for (int p = 0; p < 3; ++p)
      if (draws_on(site.phases, phases[i], phase[i], p)) used[p] += 1;
  }
  plan.phase_a = used;
  return plan;
}

std::array<double, 3> worst_case(const LoadSite& site, const std::vector<ProfileState>& states) {
  std::array<double, 3> worst{};
  for (const auto& s : states) {
    const double w = s.worst();
    for (int p = 0; p < 3; ++p)
      if (draws_on(site.phases, s.phases, s.phase, p)) worst[p] += w;
  }
  return worst;
}

std::vector<std::size_t> sendable(const LoadSite& site, double limit_a,
                                  const std::vector<ProfileState>& states) {
  auto worst = worst_case(site, states);
  std::vector<std::size_t> out;
  std::vector<std::size_t> increases;
  for (std::size_t i = 0; i < states.size(); ++i) {
    const auto& s = states[i];
    const double target = s.target_a;
    // Already on its way, or in force (unless a higher one's fate is unknown: then it is sent
    // again to be sure of it).
    const bool unsure = s.unconfirmed_a && *s.unconfirmed_a > target + 0.05;
    if (s.pending_a ? std::abs(*s.pending_a - target) < 0.05
                    : (s.in_force_a && std::abs(*s.in_force_a - target) < 0.05 && !unsure))
      continue;
    const double now = s.worst();
    if (target <= now + kEpsilon)
      out.push_back(i);  // lowers (or keeps) its worst case: always safe
    else
      increases.push_back(i);
  }
  // The smallest increases first: more sessions move for the same headroom.
  std::stable_sort(increases.begin(), increases.end(), [&](std::size_t a, std::size_t b) {
    auto rise = [&](std::size_t i) { return states[i].target_a - states[i].worst(); };
    return rise(a) < rise(b);
  });
  for (auto i : increases) {
    const auto& s = states[i];
    const double rise = s.target_a - s.worst();
    bool fits = true;
    for (int p = 0; p < 3; ++p)
      if (draws_on(site.phases, s.phases, s.phase, p) && worst[p] + rise > limit_a + kEpsilon) fits = false;
    if (!fits) continue;
    for (int p = 0; p < 3; ++p)
      if (draws_on(site.phases, s.phases, s.phase, p)) worst[p] += rise;
    out.push_back(i);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace csms::charging

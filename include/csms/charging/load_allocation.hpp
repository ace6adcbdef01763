#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "csms/domain/time.hpp"

// Site load management, pure: how a site's grid limit is shared between its sessions, and
// which profile changes may be sent now without the site passing its limit while some
// stations have not yet answered. No I/O and no clock: callers pass what they know.
namespace csms::charging {

enum class LoadStrategy { EqualShare, Priority };

// From `start_minute` (minutes after local midnight) on, the site's limit is `limit_a`,
// until the next period's start (the last one lasts past midnight until the first).
struct LimitPeriod {
  int start_minute = 0;
  double limit_a = 0;
};

struct LoadSite {
  double limit_a = 0;  // per phase, when no schedule period applies
  int phases = 3;      // of the grid connection: 1 or 3
  double min_current_a = 6;
  LoadStrategy strategy = LoadStrategy::EqualShare;
  std::vector<LimitPeriod> schedule;  // time-of-day limits, any order
};

// Whether a session on `session_phases` (a single-phase one on `session_phase`, 1..3) draws on
// the site's phase `p` (0-based). On a single-phase connection every car draws on its one phase.
bool draws_on(int site_phases, int session_phases, int session_phase, int p);

// The lowest limit in force at any local minute of [from_minute, to_minute] (wrapping past
// midnight when to < from): a limit that drops within the window applies from its start, so
// profiles are in place before the drop.
double limit_between(const LoadSite& site, int from_minute, int to_minute);

struct LoadSession {
  std::string key;
  int phases = 3;                    // the car draws on 1 or 3 phases
  int phase = 1;                     // a single-phase car's phase of the site (1..3)
  int priority = 0;                  // higher is served first (Priority strategy; admission in both)
  double max_current_a = 0;          // what the station or the EV can take; 0: unknown
  double min_current_a = 0;          // the station's or the EV's own minimum, when above the site's
  std::optional<double> measured_a;  // the current it draws now (highest phase)
  std::optional<double> current_a;   // the allocation it has now
  std::optional<double> needed_a;    // what delivers the energy the EV asked for by its departure
  std::optional<double> fixed_a;     // it takes this whatever it is told (its station refuses profiles)
  bool suspended_ev = false;         // the EV paused charging: it keeps only its minimum
  bool settling = false;  // its allocation changed just now: no more until its samples show what it takes
  domain::Timestamp started_at{};  // earlier sessions are admitted first on ties
};

struct SitePlan {
  double limit_a = 0;
  std::array<double, 3> phase_a{};  // allocated per phase
  std::vector<double> current_a;    // per session, in the order given; 0: waits
};

// Every session gets at least its minimum or nothing (it waits; admission by priority, then
// start time); sessions with EV needs are then raised towards what their departure needs;
// the rest of the limit goes by max-min fair share (EqualShare) or to the highest priorities
// first (Priority), never above a session's maximum. A car that draws clearly less than it
// was given (1 A under) is capped at what it draws plus 1 A, so the headroom goes to others;
// once it draws what it has (within 0.5 A), the cap goes and it may rise again; in between it
// keeps its allocation. Allocations are whole amps
// (the fractions left go one ampere each to the first in line), and per phase their sum never
// passes `limit_a`.
SitePlan allocate(const LoadSite& site, double limit_a, const std::vector<LoadSession>& sessions);

// A session's profile as the CSMS knows it, for planning what to send.
struct ProfileState {
  int phases = 3;
  int phase = 1;
  std::optional<double> in_force_a;     // the station accepted this
  std::optional<double> pending_a;      // sent, not yet answered
  std::optional<double> unconfirmed_a;  // sent, and it may have applied it without saying so
  double uncontrolled_a = 0;            // what it may draw when no profile of ours is in force
  double target_a = 0;                  // what the plan wants
  std::optional<double> settling_a;     // what it held before a decrease, while the car comes down
  // The most it may draw now: what it holds (uncontrolled without one), what is on its way,
  // what it may still apply, what the car still takes while it comes down.
  double worst() const {
    return std::max({in_force_a.value_or(uncontrolled_a), pending_a.value_or(0.0),
                     unconfirmed_a.value_or(0.0), settling_a.value_or(0.0)});
  }
};

// Which targets to send now (indices into `states`). Until a station answers, a session may
// draw the higher of its old and its new value, so decreases go at once and an increase only
// when the worst case of every phase it uses stays within `limit_a`; the rest wait for the
// decreases to be accepted. Nothing is sent for a session whose target is already in force or
// on its way.
std::vector<std::size_t> sendable(const LoadSite& site, double limit_a,
                                  const std::vector<ProfileState>& states);

// What each phase may carry at worst right now (for monitoring).
std::array<double, 3> worst_case(const LoadSite& site, const std::vector<ProfileState>& states);

}  // namespace csms::charging

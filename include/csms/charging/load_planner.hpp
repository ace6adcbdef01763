#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "csms/charging/load_allocation.hpp"
#include "csms/domain/load.hpp"

// One round of the load manager, pure: from what the database says of the sites and their
// sessions, the profiles to send now and what each site carries. The server runs it every
// second and on every session start, stop and answer; the simulation benchmark runs the same.
namespace csms::charging {

// When a station gave no fallback and no maximum, a session may draw this much per phase
// (the most a type 2 AC outlet carries).
inline constexpr double kUncontrolledDefaultA = 32;
// A station that refused a profile is left at what it draws this long before the next try.
inline constexpr std::chrono::seconds kRetryAfter{60};
// How long a car takes to come down to a lower limit (IEC 61851-1 gives it 5 s): until then it
// counts at the higher one.
inline constexpr std::chrono::seconds kComeDown{6};
// How long after a new limit its samples say what the car takes of it.
inline constexpr std::chrono::seconds kRampTime{10};

struct SessionLoad {
  std::int64_t transaction_id = 0;
  std::string station_id;
  int evse_id = 0;
  int phases = 3;
  int phase = 1;
  double target_a = 0;
  std::optional<double> in_force_a;
  std::optional<double> pending_a;
  std::optional<double> measured_a;
  bool controlled = true;  // false: its station is offline or refuses profiles
};

struct SiteLoad {
  std::string site_id;
  double limit_a =
      0;  // per phase for the sessions: in force now or about to be, less the idle EVSEs' fallback
  std::array<double, 3> allocated{};  // the plan's targets per phase
  std::array<double, 3> worst{};      // what may be drawn at worst until stations answer
  std::array<double, 3> measured{};
  std::vector<SessionLoad> sessions;
};

struct LoadRound {
  std::vector<domain::LoadSend> planned;  // targets that changed, and every send
  std::vector<domain::FallbackRow> fallbacks;
  std::vector<domain::FallbackRow> stale_fallbacks;  // to clear
  std::vector<SiteLoad> sites;
};

// The site's settings: the limit in A per phase (W over the phases at the site's voltage),
// the schedule read from its JSON ([{"from": "HH:MM", "limit_a" | "limit_w"}]). Throws
// std::invalid_argument for a schedule that does not read.
LoadSite load_site_of(const domain::LoadSiteRow& row);

// The local minute of the day in `time_zone` (UTC when unknown).
int local_minute(domain::Timestamp at, const std::string& time_zone);

// `lookahead`: a limit that drops within it applies now.
LoadRound plan_load(const domain::LoadSnapshot& snapshot, domain::Timestamp now,
                    std::chrono::seconds lookahead = std::chrono::seconds(120));

}  // namespace csms::charging

#pragma once

#include <string>
#include <utility>
#include <vector>

#include "csms/domain/analytics.hpp"

// Pure: hourly rollups of a station's history (no I/O). The definitions every report
// builds on live here:
//  - occupied: online and the connector in any status other than Available, Unavailable or
//    Faulted (a 2.0.1 connector whose transaction is charging counts as occupied too);
//  - charging: online and the connector reports Charging (1.6) or its open transaction's
//    chargingState is Charging (2.0.1);
//  - down: offline, or the connector or the whole station (connector 0) Faulted or
//    Unavailable; excused: the part of down inside a maintenance window;
//  - all busy (saturation): every connector of the station occupied at once;
//  - energy: each interval between two consecutive register readings of a session spread
//    evenly over its time (the rule billing uses), so an interval crossing an hour, a day
//    or a DST change is split in proportion to time. A register that goes backwards
//    contributes nothing for that step; counting resumes from the lower value. (The
//    repository hands over only the readings around each hour boundary, so a register
//    that goes backwards *inside* an hour counts as the rise from the hour's first to its
//    last reading, never below zero; billing, which reads every reading, is exact there.)
// Time after `now` is not counted; a connector with no status yet counts as Available; time
// before the station's first connection is not offline (it was not in service yet).
namespace csms::analytics {

using domain::Timestamp;

// The instant the local hour containing `t` begins in `zone` (an IANA name).
Timestamp floor_local_hour(Timestamp t, const std::string& zone);
// The local hour starts in [from, to) (from itself when it is one).
std::vector<Timestamp> local_hour_starts(Timestamp from, Timestamp to, const std::string& zone);
// `t` as local wall-clock time "YYYY-MM-DD HH:MM:SS" in `zone`.
std::string local_time_text(Timestamp t, const std::string& zone);

// Rows with any non-zero value for every local hour of the window, clipped at `now`.
std::vector<domain::HourRollup> compute_hours(const domain::RollupInput& input, Timestamp now);

// The span whose energy the window's readings spread into: the window widened to the
// readings just before and after it that pair with a reading inside it. When it is wider
// than the window, the caller recomputes the wider window so earlier hours get their share.
std::pair<Timestamp, Timestamp> energy_reach(const domain::RollupInput& input);

}  // namespace csms::analytics

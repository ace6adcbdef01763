#pragma once

#include <algorithm>
#include <map>
#include <string>

namespace csms::faults::rules {

// Count-based hysteresis over the measuring points of one EVSE: an alert clears only once every
// point has been normal `needed` times in a row, so one good sample between bad ones (or a
// value hovering at the limit) does not clear and re-open it.
class PointStreaks {
 public:
  void abnormal(const std::string& point) { streaks_[point] = 0; }
  void normal(const std::string& point) {
    auto& streak = streaks_[point];
    if (streak < kCap) ++streak;
  }
  bool settled(int needed) const {
    return !streaks_.empty() &&
           std::all_of(streaks_.begin(), streaks_.end(), [&](const auto& p) { return p.second >= needed; });
  }

 private:
  static constexpr int kCap = 1'000'000;
  std::map<std::string, int> streaks_;
};

}  // namespace csms::faults::rules

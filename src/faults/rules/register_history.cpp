#include "faults/rules/register_history.hpp"

namespace csms::faults::rules {

void RegisterHistory::started(const domain::TransactionStarted& started) {
  if (!started.meter_start_wh) return;
  auto& locations = last_[{started.station_id, started.transaction_id}];
  locations.try_emplace("Outlet", Reading{started.at, *started.meter_start_wh});
}

std::vector<RegisterHistory::Step> RegisterHistory::record(const domain::MeterValuesRecorded& values) {
  std::vector<Step> steps;
  if (!values.transaction_id) return steps;
  auto& locations = last_[{values.station_id, *values.transaction_id}];
  for (const auto& sample : values.samples) {
    if (!usable(sample, "Energy.Active.Import.Register", "Wh") || !sample.phase.empty()) continue;
    auto [it, first] =
        locations.try_emplace(sample.location, Reading{sample.timestamp, sample.canonical_value});
    if (first) continue;
    auto& last = it->second;
    if (sample.timestamp < last.at) continue;
    steps.push_back(Step{sample.location, last.at, last.wh, sample.timestamp, sample.canonical_value});
    last = Reading{sample.timestamp, sample.canonical_value};
  }
  return steps;
}

void RegisterHistory::ended(const std::string& station_id, std::int64_t transaction_id) {
  last_.erase({station_id, transaction_id});
}

}  // namespace csms::faults::rules

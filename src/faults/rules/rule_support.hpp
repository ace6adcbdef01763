#pragma once

// Small helpers shared by the built-in rules.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "csms/domain/events.hpp"
#include "faults/rule.hpp"

namespace csms::faults::rules {

// Where meter-based and charging-state rules keep their state: (station id, EVSE id).
using EvseKey = std::pair<std::string, int>;
// A transaction as the rules know it: (station id, transaction id).
using TransactionKey = std::pair<std::string, std::int64_t>;

inline const std::string& station_of(const domain::Event& event) {
  return std::visit([](const auto& e) -> const std::string& { return e.station_id; }, event);
}

// Erases a station's entries from a map or set keyed by the station id or by a pair or tuple
// that starts with it (EvseKey, TransactionKey, (station, EVSE, connector)).
template <typename Container>
void erase_station(Container& entries, const std::string& station_id) {
  using Key = typename Container::key_type;
  using Entry = typename Container::value_type;
  std::erase_if(entries, [&](const Entry& entry) {
    const Key* key = nullptr;
    if constexpr (std::is_same_v<Entry, Key>)
      key = &entry;
    else
      key = &entry.first;
    if constexpr (std::is_same_v<Key, std::string>) {
      return *key == station_id;
    } else {
      static_assert(std::is_same_v<std::tuple_element_t<0, Key>, std::string>,
                    "the key must start with the station id");
      return std::get<0>(*key) == station_id;
    }
  });
}

// Which stations are disconnected: what was measured before stops meaning anything until
// they speak again.
class Presence {
 public:
  enum class Change { None, WentOffline, CameBack };

  Change apply(const domain::Event& event) {
    const auto& station_id = station_of(event);
    if (std::holds_alternative<domain::StationDisconnected>(event)) {
      offline_.insert(station_id);
      return Change::WentOffline;
    }
    if ((std::holds_alternative<domain::StationConnected>(event) ||
         std::holds_alternative<domain::StationHeard>(event)) &&
        offline_.erase(station_id) > 0)
      return Change::CameBack;
    return Change::None;
  }
  bool offline(const std::string& station_id) const { return offline_.count(station_id) > 0; }
  void forget_station(const std::string& station_id) { erase_station(offline_, station_id); }

 private:
  std::set<std::string> offline_;
};

inline bool is_open(const RuleContext& ctx, const std::string& station_id, int evse_id, int connector_id) {
  return ctx.is_open(AlertKey{ctx.rule(), station_id, evse_id, connector_id});
}

// Raises a lasting condition once. `raised` is the rule's own memory of the condition; an alert
// restored after a restart counts as raised, and one an operator resolved (FaultEngine::forget)
// stays quiet until the condition has ended and comes back. Returns whether it opened.
inline bool raise_once(bool& raised, RuleContext& ctx, const std::string& station_id, int evse_id,
                       int connector_id, nlohmann::json details) {
  if (raised) return false;
  raised = true;
  if (is_open(ctx, station_id, evse_id, connector_id)) return false;
  ctx.open(evse_id, connector_id, station_id, std::move(details));
  return true;
}

inline double seconds_between(domain::Timestamp from, domain::Timestamp to) {
  return std::chrono::duration<double>(to - from).count();
}

inline std::int64_t whole_seconds_between(domain::Timestamp from, domain::Timestamp to) {
  return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

// A param that may be null ("not set"), e.g. nominal_dc_v.
inline std::optional<double> optional_number(const RuleContext& ctx, const std::string& station_id,
                                             const char* name) {
  const auto* value = ctx.param(station_id, name);
  if (!value || !value->is_number()) return std::nullopt;
  return value->get<double>();
}

// A sample a rule may judge: the measurand it wants, normalized to the unit it expects, and a
// value that was actually parsed (signed or garbled values read as 0 and are flagged).
inline bool usable(const domain::MeterSample& sample, std::string_view measurand, std::string_view unit) {
  if (sample.measurand != measurand || sample.canonical_unit != unit) return false;
  return std::find(sample.flags.begin(), sample.flags.end(), domain::flag::kUnparseableValue) ==
         sample.flags.end();
}

// A measuring point: location and phase ("Outlet/L1-N"). Inlet and Outlet never compare.
inline std::string point_of(const domain::MeterSample& sample) {
  return sample.location + "/" + sample.phase;
}

// Calls `f` with each reading of a message: consecutive samples sharing a timestamp (a 1.6
// MeterValues may carry several sampling instants, each with several measurands and phases).
template <typename F>
void for_each_reading(const std::vector<domain::MeterSample>& samples, F&& f) {
  std::size_t begin = 0;
  while (begin < samples.size()) {
    std::size_t end = begin + 1;
    while (end < samples.size() && samples[end].timestamp == samples[begin].timestamp) ++end;
    f(std::span<const domain::MeterSample>(samples.data() + begin, end - begin));
    begin = end;
  }
}

enum class Combine { Sum, Max };

// The EVSE-wide value of a measurand at the latest instant of a message. The Outlet is preferred
// when the station measures at several locations; a sample without phase is the EVSE's total,
// else the phase values are combined (power adds up over phases; a current limit is the largest
// phase value). The neutral conductor ("N") is never part of a total.
inline std::optional<double> latest_value(std::span<const domain::MeterSample> samples,
                                          std::string_view measurand, std::string_view unit,
                                          Combine combine) {
  std::vector<const domain::MeterSample*> found;
  for (const auto& sample : samples)
    if (usable(sample, measurand, unit) && sample.phase != "N") found.push_back(&sample);
  if (found.empty()) return std::nullopt;
  auto latest = (*std::max_element(found.begin(), found.end(), [](const auto* a, const auto* b) {
                  return a->timestamp < b->timestamp;
                }))->timestamp;
  std::erase_if(found, [&](const auto* s) { return s->timestamp != latest; });
  if (std::any_of(found.begin(), found.end(), [](const auto* s) { return s->location == "Outlet"; }))
    std::erase_if(found, [](const auto* s) { return s->location != "Outlet"; });
  std::optional<double> total;
  std::optional<double> combined;
  for (const auto* s : found) {
    if (s->phase.empty()) {
      total = s->canonical_value;
      continue;
    }
    if (!combined)
      combined = s->canonical_value;
    else if (combine == Combine::Sum)
      *combined += s->canonical_value;
    else
      combined = std::max(*combined, s->canonical_value);
  }
  return total ? total : combined;
}

}  // namespace csms::faults::rules

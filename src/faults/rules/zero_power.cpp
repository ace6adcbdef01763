// An EVSE in the charging state that delivers (next to) nothing for a long time: a session the
// driver pays for and gets no energy from. A suspended session is not charging.
//
// As under_delivery: duration on arrival time from the first low sample while charging, restarted
// when power returns, charging stops or the station disconnects. Without any power sample in the
// session the rule has no evidence and stays silent (stuck_transaction covers silence).

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "faults/rules/charging_tracker.hpp"
#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"

namespace csms::faults::rules {
namespace {

class ZeroPower final : public Rule {
 public:
  std::string_view name() const override { return "zero_power"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    const auto& station_id = station_of(event);
    if (presence_.apply(event) == Presence::Change::WentOffline) {
      for (auto& [key, evse] : evses_)
        if (key.first == station_id) evse.low_since.reset();
      return;
    }
    if (const auto* values = std::get_if<domain::MeterValuesRecorded>(&event)) {
      EvseKey key{station_id, charging_.evse_of(*values)};
      if (auto power = latest_value(values->samples, "Power.Active.Import", "W", Combine::Sum)) {
        evses_[key].power_w = power;
        evaluate(key, ctx);
      }
    }
    if (auto change = charging_.apply(event)) {
      if (change->now == Activity::Idle && change->before != Activity::Idle) evses_.erase(change->evse);
      evaluate(change->evse, ctx);
    }
  }

  void on_tick(RuleContext& ctx) override {
    for (const auto& [key, evse] : evses_) evaluate(key, ctx);
  }

  void forget_station(const std::string& station_id) override {
    charging_.forget_station(station_id);
    erase_station(evses_, station_id);
    presence_.forget_station(station_id);
  }

 private:
  struct Evse {
    std::optional<double> power_w;
    std::optional<domain::Timestamp> low_since;
    bool raised = false;
  };

  void evaluate(const EvseKey& key, RuleContext& ctx) {
    const auto& [station_id, evse_id] = key;
    auto& evse = evses_[key];
    auto min_power_w = ctx.number(station_id, "min_power_w");
    bool charging = charging_.activity(key) == Activity::Charging;
    if (!charging || !evse.power_w || *evse.power_w >= min_power_w) {
      evse.low_since.reset();
      evse.raised = false;
      ctx.clear(evse_id, 0, station_id, {{"reason", charging ? "power_returned" : "not_charging"}});
      return;
    }
    if (presence_.offline(station_id)) return;
    if (!evse.low_since) evse.low_since = ctx.now();
    auto duration_s = ctx.number(station_id, "duration_s");
    if (seconds_between(*evse.low_since, ctx.now()) <= duration_s) return;
    raise_once(evse.raised, ctx, station_id, evse_id, 0,
               {{"power_w", *evse.power_w}, {"min_power_w", min_power_w}, {"duration_s", duration_s}});
  }

  ChargingTracker charging_;
  std::map<EvseKey, Evse> evses_;
  Presence presence_;
};

}  // namespace

std::unique_ptr<Rule> make_zero_power() { return std::make_unique<ZeroPower>(); }

}  // namespace csms::faults::rules

// An EVSE charging at well below what it offers (or, when it never says, its rated power) for a
// sustained time: a derating charger, a bad cable, a phase missing. Tapering near a full battery
// and a suspended session are normal and never raise it.
//
// The duration is measured on arrival time (ctx.now()) from the first low sample while charging;
// it restarts when power recovers, charging stops, or the station disconnects (no data then).

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

using json = nlohmann::json;

class UnderDelivery final : public Rule {
 public:
  std::string_view name() const override { return "under_delivery"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    const auto& station_id = station_of(event);
    if (presence_.apply(event) == Presence::Change::WentOffline) {
      for (auto& [key, evse] : evses_)
        if (key.first == station_id) evse.low_since.reset();
      return;
    }
    if (const auto* values = std::get_if<domain::MeterValuesRecorded>(&event)) {
      EvseKey key{station_id, charging_.evse_of(*values)};
      auto& evse = evses_[key];
      if (auto power = latest_value(values->samples, "Power.Active.Import", "W", Combine::Sum))
        evse.power_w = power;
      if (auto offered = latest_value(values->samples, "Power.Offered", "W", Combine::Sum))
        evse.offered_w = offered;
      if (auto soc = latest_value(values->samples, "SoC", "Percent", Combine::Max)) evse.soc_percent = soc;
      evaluate(key, ctx);
    }
    if (auto change = charging_.apply(event)) {
      // What was measured in one session says nothing about the next.
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
    std::optional<double> offered_w;
    std::optional<double> soc_percent;
    std::optional<domain::Timestamp> low_since;
    bool raised = false;
  };

  void evaluate(const EvseKey& key, RuleContext& ctx) {
    const auto& [station_id, evse_id] = key;
    auto& evse = evses_[key];
    std::optional<double> reference_w = evse.offered_w;
    const char* source = "power_offered";
    if (!reference_w) {
      const auto* profile = ctx.profile(station_id);
      if (profile != nullptr) reference_w = profile->max_power_w;
      source = "max_power_w";
    }
    auto ratio = ctx.number(station_id, "ratio");
    const char* fine = nullptr;
    if (charging_.activity(key) != Activity::Charging)
      fine = "not_charging";
    else if (!reference_w)
      fine = "no_reference";
    else if (evse.soc_percent && *evse.soc_percent >= ctx.number(station_id, "soc_percent"))
      fine = "soc_reached";
    else if (!evse.power_w || *evse.power_w >= ratio * *reference_w)
      fine = "power_recovered";
    if (fine != nullptr) {
      evse.low_since.reset();
      evse.raised = false;
      ctx.clear(evse_id, 0, station_id, {{"reason", fine}});
      return;
    }
    if (presence_.offline(station_id)) return;
    if (!evse.low_since) evse.low_since = ctx.now();
    auto duration_s = ctx.number(station_id, "duration_s");
    if (seconds_between(*evse.low_since, ctx.now()) <= duration_s) return;
    json details = {{"power_w", *evse.power_w},
                    {"reference_w", *reference_w},
                    {"reference", source},
                    {"ratio", ratio},
                    {"duration_s", duration_s},
                    {"soc_percent", evse.soc_percent ? json(*evse.soc_percent) : json(nullptr)}};
    raise_once(evse.raised, ctx, station_id, evse_id, 0, std::move(details));
  }

  ChargingTracker charging_;
  std::map<EvseKey, Evse> evses_;
  Presence presence_;
};

}  // namespace

std::unique_ptr<Rule> make_under_delivery() { return std::make_unique<UnderDelivery>(); }

}  // namespace csms::faults::rules

// A temperature sensor above its limit. Each measuring point (location/phase) keeps its own
// state with hysteresis: hot above max_c, cool again only below max_c - hysteresis_c, so a value
// hovering at the limit neither flaps nor clears early.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"
#include "faults/rules/transaction_evses.hpp"

namespace csms::faults::rules {
namespace {

using json = nlohmann::json;

class OverTemperature final : public Rule {
 public:
  std::string_view name() const override { return "over_temperature"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    if (const auto* values = std::get_if<domain::MeterValuesRecorded>(&event)) {
      int evse_id = transactions_.evse_of(*values);
      for_each_reading(values->samples,
                       [&](auto reading) { judge(reading, values->station_id, evse_id, ctx); });
    }
    transactions_.apply(event);
  }

  void forget_station(const std::string& station_id) override {
    erase_station(evses_, station_id);
    transactions_.forget_station(station_id);
  }

 private:
  void judge(std::span<const domain::MeterSample> reading, const std::string& station_id, int evse_id,
             RuleContext& ctx) {
    auto max_c = ctx.number(station_id, "max_c");
    auto cool_below_c = max_c - ctx.number(station_id, "hysteresis_c");
    auto& evse = evses_[{station_id, evse_id}];
    auto& hot = evse.hot;
    bool open = is_open(ctx, station_id, evse_id, 0);
    std::optional<json> hottest;
    double hottest_c = 0;
    bool seen = false;
    for (const auto& sample : reading) {
      if (!usable(sample, "Temperature", "Celsius")) continue;
      seen = true;
      double c = sample.canonical_value;
      auto point = point_of(sample);
      if (c > max_c) {
        hot[point] = true;
        if (!hottest || c > hottest_c) {
          hottest_c = c;
          hottest = json{
              {"temperature_c", c}, {"max_c", max_c}, {"location", sample.location}, {"phase", sample.phase}};
        }
      } else if (c < cool_below_c) {
        hot[point] = false;
      } else if (hot.find(point) == hot.end()) {
        // Inside the band with no history (e.g. after a restart): as hot as the alert says.
        hot[point] = open;
      }
    }
    if (!seen) return;
    bool any_hot = false;
    for (const auto& [point, is_hot] : hot) any_hot = any_hot || is_hot;
    if (any_hot) {
      raise_once(evse.raised, ctx, station_id, evse_id, 0, hottest.value_or(json::object()));
    } else {
      evse.raised = false;
      ctx.clear(evse_id, 0, station_id);
    }
  }

  struct Evse {
    std::map<std::string, bool> hot;  // per measuring point
    bool raised = false;
  };
  std::map<EvseKey, Evse> evses_;
  TransactionEvses transactions_;
};

}  // namespace

std::unique_ptr<Rule> make_over_temperature() { return std::make_unique<OverTemperature>(); }

}  // namespace csms::faults::rules

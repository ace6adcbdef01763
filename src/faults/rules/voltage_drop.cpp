// A sudden fall of the voltage of one phase between consecutive samples (a weak supply sagging
// under load, a failing contactor), even when both values are inside the nominal band.
//
// Clearing: a drop is over at the first later sample of that point back within drop_percent of
// the pre-drop value, or at the first sample more than window_s after the drop without a further
// drop (the lower level has held; whether that level is acceptable is voltage_out_of_range's
// call). Both are judged on sample timestamps, so a batch of queued readings is judged as if it
// had arrived live.

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

class VoltageDrop final : public Rule {
 public:
  std::string_view name() const override { return "voltage_drop"; }

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
  struct Drop {
    double before_v = 0;
    domain::Timestamp at;
  };
  struct Point {
    std::optional<double> last_v;  // none after a reading without voltage
    domain::Timestamp last_at;
    std::optional<Drop> drop;
  };

  void judge(std::span<const domain::MeterSample> reading, const std::string& station_id, int evse_id,
             RuleContext& ctx) {
    auto& points = evses_[{station_id, evse_id}];
    auto drop_percent = ctx.number(station_id, "drop_percent");
    auto window_s = ctx.number(station_id, "window_s");
    auto absent_below_v = ctx.number(station_id, "no_voltage_below_v");
    std::optional<json> new_drop;
    bool seen = false;
    for (const auto& sample : reading) {
      if (!usable(sample, "Voltage", "V") || sample.phase == "N") continue;
      auto& point = points[point_of(sample)];
      // Queued readings delivered out of order are not compared backwards in time.
      if (point.last_v && sample.timestamp < point.last_at) continue;
      seen = true;
      double v = sample.canonical_value;
      // No voltage (a contactor opening at the end of a session) is no sag; the next energised
      // sample is not compared with the one before the gap.
      if (v < absent_below_v) {
        point.last_v.reset();
        point.last_at = sample.timestamp;
        continue;
      }
      if (point.last_v && *point.last_v > 0 && seconds_between(point.last_at, sample.timestamp) <= window_s &&
          (*point.last_v - v) * 100 / *point.last_v > drop_percent) {
        point.drop = Drop{*point.last_v, sample.timestamp};
        if (!new_drop)
          new_drop = json{{"voltage_v", v},
                          {"previous_v", *point.last_v},
                          {"drop_percent", (*point.last_v - v) * 100 / *point.last_v},
                          {"interval_s", seconds_between(point.last_at, sample.timestamp)},
                          {"phase", sample.phase},
                          {"location", sample.location}};
      } else if (point.drop) {
        bool recovered = (point.drop->before_v - v) * 100 / point.drop->before_v <= drop_percent;
        bool held = seconds_between(point.drop->at, sample.timestamp) > window_s;
        if (recovered || held) point.drop.reset();
      }
      point.last_v = v;
      point.last_at = sample.timestamp;
    }
    if (new_drop) {
      // A further drop is a new occurrence even while the alert is open (the store counts it).
      ctx.open(evse_id, 0, station_id, std::move(*new_drop));
      return;
    }
    bool dropping = false;
    for (const auto& [key, point] : points) dropping = dropping || point.drop.has_value();
    if (seen && !dropping) ctx.clear(evse_id, 0, station_id);
  }

  std::map<EvseKey, std::map<std::string, Point>> evses_;
  TransactionEvses transactions_;
};

}  // namespace

std::unique_ptr<Rule> make_voltage_drop() { return std::make_unique<VoltageDrop>(); }

}  // namespace csms::faults::rules

// A phase drawing more current than the EVSE offers (an EV ignoring the pilot signal, a meter or
// contactor fault). The limit is the latest Current.Offered of the EVSE; a station that never
// sends it is judged against its rated power spread over three 230 V phases,
// max_power_w / (230 V x 3) per phase — conservative for single-phase stations, which then need a
// per-station override or a Current.Offered sample. 0 A offered means the EVSE is pausing the
// session: the EV's reaction time makes any residual current meaningless, so it is not judged.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "faults/rules/point_streaks.hpp"
#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"
#include "faults/rules/transaction_evses.hpp"

namespace csms::faults::rules {
namespace {

using json = nlohmann::json;

constexpr double kPhaseVoltageV = 230;
constexpr double kPhases = 3;

class Overcurrent final : public Rule {
 public:
  std::string_view name() const override { return "overcurrent"; }

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
  struct Evse {
    std::optional<double> offered_a;
    PointStreaks streaks;
    bool raised = false;
  };

  void judge(std::span<const domain::MeterSample> reading, const std::string& station_id, int evse_id,
             RuleContext& ctx) {
    auto& evse = evses_[{station_id, evse_id}];
    // An offer in the same reading is the limit at that instant.
    if (auto offered = latest_value(reading, "Current.Offered", "A", Combine::Max)) evse.offered_a = offered;
    std::optional<double> limit_a = evse.offered_a;
    const char* source = "current_offered";
    if (!limit_a) {
      const auto* profile = ctx.profile(station_id);
      if (profile != nullptr && profile->max_power_w)
        limit_a = *profile->max_power_w / (kPhaseVoltageV * kPhases);
      source = "max_power_w";
    }
    if (!limit_a || *limit_a <= 0) return;
    auto tolerance_percent = ctx.number(station_id, "tolerance_percent");
    std::optional<json> worst;
    double worst_a = 0;
    bool seen = false;
    for (const auto& sample : reading) {
      if (!usable(sample, "Current.Import", "A") || sample.phase == "N") continue;
      seen = true;
      double a = sample.canonical_value;
      auto point = point_of(sample);
      if ((a - *limit_a) * 100 / *limit_a <= tolerance_percent) {
        evse.streaks.normal(point);
        continue;
      }
      evse.streaks.abnormal(point);
      if (!worst || a > worst_a) {
        worst_a = a;
        worst = json{{"current_a", a},
                     {"limit_a", *limit_a},
                     {"limit_source", source},
                     {"tolerance_percent", tolerance_percent},
                     {"phase", sample.phase}};
      }
    }
    if (!seen) return;
    bool open = is_open(ctx, station_id, evse_id, 0);
    if (worst) {
      raise_once(evse.raised, ctx, station_id, evse_id, 0, std::move(*worst));
      return;
    }
    if ((evse.raised || open) &&
        evse.streaks.settled(static_cast<int>(ctx.number(station_id, "clear_after_samples")))) {
      evse.raised = false;
      ctx.clear(evse_id, 0, station_id);
    }
  }

  std::map<EvseKey, Evse> evses_;
  TransactionEvses transactions_;
};

}  // namespace

std::unique_ptr<Rule> make_overcurrent() { return std::make_unique<Overcurrent>(); }

}  // namespace csms::faults::rules

// Supply voltage outside a band around its nominal value (EN 50160 allows ±10 % on the public
// grid; beyond that chargers derate or trip).

#include <algorithm>
#include <cmath>
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

// Phase-to-neutral for L1/L2/L3 (with or without "-N"), phase-to-phase for L1-L2 etc. A sample
// without phase is a phase voltage unless the station is given a DC nominal. The neutral
// conductor's own voltage has no nominal: not judged.
std::optional<double> nominal_of(const std::string& phase, const RuleContext& ctx,
                                 const std::string& station_id) {
  if (phase == "L1" || phase == "L2" || phase == "L3" || phase == "L1-N" || phase == "L2-N" ||
      phase == "L3-N")
    return ctx.number(station_id, "nominal_phase_v");
  if (phase == "L1-L2" || phase == "L2-L3" || phase == "L3-L1")
    return ctx.number(station_id, "nominal_line_v");
  if (phase.empty())
    return optional_number(ctx, station_id, "nominal_dc_v")
        .value_or(ctx.number(station_id, "nominal_phase_v"));
  return std::nullopt;
}

class VoltageOutOfRange final : public Rule {
 public:
  std::string_view name() const override { return "voltage_out_of_range"; }

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
    PointStreaks streaks;
    std::optional<Severity> raised;  // the severity of the condition while it lasts
  };

  void judge(std::span<const domain::MeterSample> reading, const std::string& station_id, int evse_id,
             RuleContext& ctx) {
    auto& evse = evses_[{station_id, evse_id}];
    auto warning_percent = ctx.number(station_id, "warning_percent");
    auto critical_percent = ctx.number(station_id, "critical_percent");
    auto absent_below_v = ctx.number(station_id, "no_voltage_below_v");
    std::optional<Severity> worst;
    json worst_details;
    for (const auto& sample : reading) {
      if (!usable(sample, "Voltage", "V")) continue;
      auto nominal = nominal_of(sample.phase, ctx, station_id);
      // No voltage at all is an open contactor or an unused phase, not a supply out of range.
      if (!nominal || *nominal <= 0 || sample.canonical_value < absent_below_v) continue;
      // Multiplying first keeps values exactly at a limit exact (253 V on 230 V is 10 %, not 10.000001 %).
      double deviation = (sample.canonical_value - *nominal) * 100 / *nominal;
      auto point = point_of(sample);
      std::optional<Severity> severity;
      if (std::abs(deviation) > critical_percent)
        severity = Severity::Critical;
      else if (std::abs(deviation) > warning_percent)
        severity = Severity::Warning;
      if (!severity) {
        evse.streaks.normal(point);
        continue;
      }
      evse.streaks.abnormal(point);
      if (!worst || *severity > *worst) {
        worst = severity;
        worst_details = {{"voltage_v", sample.canonical_value},
                         {"nominal_v", *nominal},
                         {"deviation_percent", deviation},
                         {"phase", sample.phase},
                         {"location", sample.location}};
      }
    }
    bool open = is_open(ctx, station_id, evse_id, 0);
    if (worst) {
      // While raised only an escalation is news. A restored alert counts as raised with the
      // configured severity; one resolved by an operator stays quiet unless it escalates.
      auto raised = evse.raised;
      if (!raised && open) raised = ctx.severity();
      if (!raised || *worst > *raised) ctx.open(evse_id, 0, station_id, std::move(worst_details), *worst);
      evse.raised = raised ? std::max(*raised, *worst) : *worst;
      return;
    }
    if ((evse.raised || open) &&
        evse.streaks.settled(static_cast<int>(ctx.number(station_id, "clear_after_samples")))) {
      ctx.clear(evse_id, 0, station_id);
      evse.raised.reset();
    }
  }

  std::map<EvseKey, Evse> evses_;
  TransactionEvses transactions_;
};

}  // namespace

std::unique_ptr<Rule> make_voltage_out_of_range() { return std::make_unique<VoltageOutOfRange>(); }

}  // namespace csms::faults::rules

// Plausibility of a transaction's energy register: it never goes backwards (a meter reset or
// swap, a firmware bug), and it never grows faster than the station could deliver (a wrong
// multiplier, kWh sent as Wh). Each bad step is a new occurrence (the store counts repeats);
// the alert lasts until the transaction ends — or until another starts on the EVSE, in case the
// end was never seen.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "faults/rules/register_history.hpp"
#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"
#include "faults/rules/transaction_evses.hpp"

namespace csms::faults::rules {
namespace {

using json = nlohmann::json;

class RegisterRule : public Rule {
 public:
  void on_event(const domain::Event& event, RuleContext& ctx) final {
    if (const auto* started = std::get_if<domain::TransactionStarted>(&event)) {
      // 2.0.1 delivers a Started event's meter values first: an alert they raised is this
      // transaction's own and stays.
      EvseKey evse{started->station_id, started->evse_id};
      auto owner = owners_.find(evse);
      if (owner == owners_.end() || owner->second != started->transaction_id) {
        owners_.erase(evse);
        ctx.clear(started->evse_id, 0, started->station_id, {{"reason", "new_transaction"}});
      }
      history_.started(*started);
    } else if (const auto* values = std::get_if<domain::MeterValuesRecorded>(&event)) {
      int evse_id = transactions_.evse_of(*values);
      for (const auto& step : history_.record(*values))
        if (judge(step, *values, evse_id, ctx))
          owners_[{values->station_id, evse_id}] = *values->transaction_id;
    } else if (const auto* ended = std::get_if<domain::TransactionEnded>(&event)) {
      if (auto evse_id = transactions_.find(ended->station_id, ended->transaction_id)) {
        owners_.erase({ended->station_id, *evse_id});
        ctx.clear(*evse_id, 0, ended->station_id, {{"reason", "transaction_ended"}});
      }
      history_.ended(ended->station_id, ended->transaction_id);
    }
    transactions_.apply(event);
  }

  void forget_station(const std::string& station_id) final {
    history_.forget_station(station_id);
    transactions_.forget_station(station_id);
    erase_station(owners_, station_id);
  }

 protected:
  // Opens the alert if the step is implausible; says whether it did.
  virtual bool judge(const RegisterHistory::Step& step, const domain::MeterValuesRecorded& values,
                     int evse_id, RuleContext& ctx) = 0;

 private:
  RegisterHistory history_;
  TransactionEvses transactions_;
  std::map<EvseKey, std::int64_t> owners_;  // the transaction whose step raised the EVSE's alert
};

class MeterRegression final : public RegisterRule {
 public:
  std::string_view name() const override { return "meter_regression"; }

 protected:
  bool judge(const RegisterHistory::Step& step, const domain::MeterValuesRecorded& values, int evse_id,
             RuleContext& ctx) override {
    if (step.wh >= step.previous_wh) return false;
    ctx.open(evse_id, 0, values.station_id,
             {{"transaction_id", *values.transaction_id},
              {"previous_wh", step.previous_wh},
              {"current_wh", step.wh},
              {"location", step.location}});
    return true;
  }
};

class MeterJump final : public RegisterRule {
 public:
  std::string_view name() const override { return "meter_jump"; }

 protected:
  bool judge(const RegisterHistory::Step& step, const domain::MeterValuesRecorded& values, int evse_id,
             RuleContext& ctx) override {
    const auto* profile = ctx.profile(values.station_id);
    if (profile == nullptr || !profile->max_power_w) return false;
    double interval_s = seconds_between(step.previous_at, step.at);
    // Two readings of one instant (Transaction.End next to a periodic sample) imply no power.
    if (interval_s <= 0 || step.wh <= step.previous_wh) return false;
    double implied_w = (step.wh - step.previous_wh) * 3600 / interval_s;
    double ratio = ctx.number(values.station_id, "ratio");
    if (implied_w <= ratio * *profile->max_power_w) return false;
    ctx.open(evse_id, 0, values.station_id,
             {{"transaction_id", *values.transaction_id},
              {"previous_wh", step.previous_wh},
              {"current_wh", step.wh},
              {"interval_s", interval_s},
              {"implied_power_w", implied_w},
              {"max_power_w", *profile->max_power_w},
              {"ratio", ratio},
              {"location", step.location}});
    return true;
  }
};

}  // namespace

std::unique_ptr<Rule> make_meter_regression() { return std::make_unique<MeterRegression>(); }
std::unique_ptr<Rule> make_meter_jump() { return std::make_unique<MeterJump>(); }

}  // namespace csms::faults::rules

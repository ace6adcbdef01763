// A station refused or did not answer a charging profile the load manager sent (a session's
// TxProfile, or at evse 0 the fallback installed at boot): the site's limit then rests on what
// that station draws on its own. Clears when the station accepts one again.

#include <memory>
#include <string>

#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"

namespace csms::faults::rules {
namespace {

class LoadControlFailed final : public Rule {
 public:
  std::string_view name() const override { return "load_control_failed"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    const auto* answered = std::get_if<domain::LoadControlAnswered>(&event);
    if (answered == nullptr) return;
    nlohmann::json details = {{"status", answered->status}, {"limit_a", answered->limit_a}};
    if (answered->accepted) {
      if (is_open(ctx, answered->station_id, answered->evse_id, 0))
        ctx.clear(answered->evse_id, 0, answered->station_id, std::move(details));
      return;
    }
    if (is_open(ctx, answered->station_id, answered->evse_id, 0)) return;
    ctx.open(answered->evse_id, 0, answered->station_id, std::move(details), ctx.severity());
  }

  void forget_station(const std::string&) override {}
};

}  // namespace

std::unique_ptr<Rule> make_load_control_failed() { return std::make_unique<LoadControlFailed>(); }

}  // namespace csms::faults::rules

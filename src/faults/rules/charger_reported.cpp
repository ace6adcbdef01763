// Problems a station reports about itself (see domain::ReportedProblem), with the station's own
// severity. Several problems may share one alert key (an EVSE/connector); the alert is open
// while any of them is, and the details name the problem that opened or cleared it.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>

#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"

namespace csms::faults::rules {
namespace {

using json = nlohmann::json;

class ChargerReported final : public Rule {
 public:
  std::string_view name() const override { return "charger_reported"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    const auto* reported = std::get_if<domain::StationReported>(&event);
    if (reported == nullptr) return;
    for (const auto& problem : reported->problems) handle(reported->station_id, problem, ctx);
  }

  void forget_station(const std::string& station_id) override { erase_station(problems_, station_id); }

 private:
  using Key = std::tuple<std::string, int, int>;

  void handle(const std::string& station_id, const domain::ReportedProblem& problem, RuleContext& ctx) {
    Key key{station_id, problem.evse_id, problem.connector_id};
    auto id = problem.component + "/" + problem.variable;
    json details = {{"component", problem.component},
                    {"variable", problem.variable},
                    {"code", problem.code},
                    {"info", problem.info},
                    {"severity", problem.severity}};
    auto& open_problems = problems_[key];
    if (problem.cleared) {
      open_problems.erase(id);
      // After a restart the open alert's problems are unknown: the first all-clear ends it.
      if (open_problems.empty()) {
        problems_.erase(key);
        ctx.clear(problem.evse_id, problem.connector_id, station_id, std::move(details));
      }
      return;
    }
    bool restored = open_problems.empty() && is_open(ctx, station_id, problem.evse_id, problem.connector_id);
    // A problem reported again while it lasts is not new; another one on the same key is.
    if (!open_problems.insert(id).second || restored) return;
    ctx.open(problem.evse_id, problem.connector_id, station_id, std::move(details),
             severity_from(problem.severity).value_or(ctx.severity()));
  }

  std::map<Key, std::set<std::string>> problems_;  // open problems (component/variable) per key
};

}  // namespace

std::unique_ptr<Rule> make_charger_reported() { return std::make_unique<ChargerReported>(); }

}  // namespace csms::faults::rules

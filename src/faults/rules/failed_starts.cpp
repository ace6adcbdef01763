// Sessions on one connector that keep ending almost at once with (almost) no energy: a cable,
// lock or EV communication problem drivers give up on. Judged on the station's own start and
// stop times and meter readings. A session without meterStart or meterStop (2.0.1 may send
// neither) is judged on its duration alone.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"

namespace csms::faults::rules {
namespace {

using json = nlohmann::json;

class FailedStarts final : public Rule {
 public:
  std::string_view name() const override { return "failed_starts"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    if (const auto* started = std::get_if<domain::TransactionStarted>(&event)) {
      starts_[{started->station_id, started->transaction_id}] =
          Start{started->evse_id, started->connector_id, started->meter_start_wh, started->at};
      return;
    }
    const auto* ended = std::get_if<domain::TransactionEnded>(&event);
    if (ended == nullptr) return;
    auto found = starts_.find({ended->station_id, ended->transaction_id});
    if (found == starts_.end()) return;  // begun before a restart: cannot judge
    auto start = found->second;
    starts_.erase(found);
    const auto& station_id = ended->station_id;
    double duration_s = seconds_between(start.at, ended->at);
    std::optional<double> energy_wh;
    if (start.meter_start_wh && ended->meter_stop_wh)
      energy_wh = *ended->meter_stop_wh - *start.meter_start_wh;
    json details = {{"transaction_id", ended->transaction_id},
                    {"duration_s", duration_s},
                    {"energy_wh", energy_wh ? json(*energy_wh) : json(nullptr)},
                    {"reason", ended->reason}};
    bool failed = duration_s < ctx.number(station_id, "max_duration_s") &&
                  (!energy_wh || *energy_wh < ctx.number(station_id, "max_energy_wh"));
    Key key{station_id, start.evse_id, start.connector_id};
    if (!failed) {
      failures_.erase(key);
      ctx.clear(start.evse_id, start.connector_id, station_id, std::move(details));
      return;
    }
    int count = ++failures_[key];
    if (count < ctx.number(station_id, "sessions")) return;
    // Every further failed session is a new occurrence (the store counts repeats).
    details["sessions"] = count;
    ctx.open(start.evse_id, start.connector_id, station_id, std::move(details));
  }

  void forget_station(const std::string& station_id) override {
    erase_station(starts_, station_id);
    erase_station(failures_, station_id);
  }

 private:
  struct Start {
    int evse_id = 0;
    int connector_id = 0;
    std::optional<double> meter_start_wh;
    domain::Timestamp at;
  };
  using Key = std::tuple<std::string, int, int>;
  std::map<TransactionKey, Start> starts_;
  std::map<Key, int> failures_;  // consecutive failed sessions per connector
};

}  // namespace

std::unique_ptr<Rule> make_failed_starts() { return std::make_unique<FailedStarts>(); }

}  // namespace csms::faults::rules

// A station that boots again and again (watchdog resets, a crash on start) within a window.

#include <deque>
#include <map>
#include <memory>
#include <string>

#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"

namespace csms::faults::rules {
namespace {

using json = nlohmann::json;

class RebootLoop final : public Rule {
 public:
  std::string_view name() const override { return "reboot_loop"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    const auto& id = station_of(event);
    // A station first met without a boot (e.g. after a restart with the alert restored) has
    // been quiet since then.
    auto [it, first] = stations_.try_emplace(id);
    auto& station = it->second;
    if (first) station.quiet_since = ctx.now();
    const auto* booted = std::get_if<domain::StationBooted>(&event);
    if (booted == nullptr) return;
    station.boots.push_back(ctx.now());
    station.quiet_since = ctx.now();
    auto window_s = ctx.number(id, "window_s");
    forget_older(station, ctx.now(), window_s);
    if (static_cast<double>(station.boots.size()) < ctx.number(id, "boots")) return;
    // Each further boot inside the window is a new occurrence: the store counts it as a repeat.
    ctx.open(0, 0, id,
             {{"boots", station.boots.size()},
              {"window_s", window_s},
              {"reason", booted->reason ? json(*booted->reason) : json(nullptr)}});
  }

  void on_tick(RuleContext& ctx) override {
    for (auto& [id, station] : stations_) {
      auto window_s = ctx.number(id, "window_s");
      forget_older(station, ctx.now(), window_s);
      if (seconds_between(station.quiet_since, ctx.now()) > window_s)
        ctx.clear(0, 0, id, {{"quiet_s", whole_seconds_between(station.quiet_since, ctx.now())}});
    }
  }

  void forget_station(const std::string& station_id) override { erase_station(stations_, station_id); }

 private:
  struct Station {
    std::deque<domain::Timestamp> boots;  // inside the window, oldest first
    domain::Timestamp quiet_since{};      // the last boot
  };

  static void forget_older(Station& station, domain::Timestamp now, double window_s) {
    while (!station.boots.empty() && seconds_between(station.boots.front(), now) > window_s)
      station.boots.pop_front();
  }

  std::map<std::string, Station> stations_;
};

}  // namespace

std::unique_ptr<Rule> make_reboot_loop() { return std::make_unique<RebootLoop>(); }

}  // namespace csms::faults::rules

// A station is offline when its connection has been closed for longer than a grace period, or
// when the connection looks open but nothing has arrived for a few heartbeat intervals (a
// half-open TCP connection: the station is gone but no close was ever seen).

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"

namespace csms::faults::rules {
namespace {

using json = nlohmann::json;

constexpr int kDefaultHeartbeatS = 300;

class StationOffline final : public Rule {
 public:
  std::string_view name() const override { return "station_offline"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    const auto& id = station_of(event);
    auto& station = stations_[id];
    if (std::holds_alternative<domain::StationDisconnected>(event)) {
      if (station.connected) {
        station.connected = false;
        station.disconnected_at = ctx.now();
      }
      return;
    }
    bool alive = std::holds_alternative<domain::StationConnected>(event) ||
                 std::holds_alternative<domain::StationHeard>(event) ||
                 std::holds_alternative<domain::StationBooted>(event);
    if (alive) station.connected = true;
    // Events published late for a connection that has since closed are no sign of life.
    if (!station.connected) return;
    station.last_heard = ctx.now();
    station.raised = false;
    ctx.clear(0, 0, id);
  }

  void on_tick(RuleContext& ctx) override {
    for (auto& [id, station] : stations_) {
      if (station.raised) continue;
      if (!station.connected) {
        auto grace_s = ctx.number(id, "grace_s");
        if (seconds_between(station.disconnected_at, ctx.now()) <= grace_s) continue;
        json details = {{"reason", "disconnected"},
                        {"offline_s", whole_seconds_between(station.disconnected_at, ctx.now())},
                        {"grace_s", grace_s}};
        if (station.last_heard) details["last_seen"] = domain::format_timestamp(*station.last_heard);
        raise_once(station.raised, ctx, id, 0, 0, std::move(details));
        continue;
      }
      if (!station.last_heard) continue;
      const auto* profile = ctx.profile(id);
      double heartbeat_s = profile ? profile->heartbeat_interval_s : kDefaultHeartbeatS;
      double limit_s = ctx.number(id, "silent_heartbeats") * heartbeat_s;
      if (seconds_between(*station.last_heard, ctx.now()) <= limit_s) continue;
      raise_once(station.raised, ctx, id, 0, 0,
                 {{"reason", "silent"},
                  {"silent_s", whole_seconds_between(*station.last_heard, ctx.now())},
                  {"limit_s", limit_s},
                  {"heartbeat_interval_s", heartbeat_s},
                  {"last_seen", domain::format_timestamp(*station.last_heard)}});
    }
  }

  // After a restart every socket is gone. A station last known online is given the silence
  // allowance from its last-seen time to reconnect; one known offline has been offline since
  // then, so its grace counts from last_seen.
  void restore_station(const std::string& station_id, bool online, domain::Timestamp last_seen) override {
    auto& station = stations_[station_id];
    station.connected = online;
    station.last_heard = last_seen;
    station.disconnected_at = last_seen;
  }

  void forget_station(const std::string& station_id) override { erase_station(stations_, station_id); }

 private:
  struct Station {
    bool connected = true;
    bool raised = false;
    std::optional<domain::Timestamp> last_heard;
    domain::Timestamp disconnected_at{};
  };
  std::map<std::string, Station> stations_;
};

}  // namespace

std::unique_ptr<Rule> make_station_offline() { return std::make_unique<StationOffline>(); }

}  // namespace csms::faults::rules

#pragma once

// The contract between the engine and each built-in rule (private to the faults module).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "csms/faults/fault_engine.hpp"

namespace csms::faults {

// What a rule sees while it handles one event or tick.
class RuleContext {
 public:
  RuleContext(FaultEngine& engine, const RuleSettings& settings, domain::Timestamp now,
              std::vector<Decision>& out)
      : engine_(engine), settings_(settings), now_(now), out_(out) {}

  domain::Timestamp now() const { return now_; }
  const std::string& rule() const { return settings_.name; }
  Severity severity() const { return settings_.severity; }
  // One of the rule's params for a station (its override, else the default); nullptr if unset.
  const nlohmann::json* param(const std::string& station_id, const char* name) const {
    return settings_.param(station_id, name);
  }
  double number(const std::string& station_id, const char* name) const;
  const StationProfile* profile(const std::string& station_id) const;
  bool is_open(const AlertKey& key) const { return engine_.is_open(key); }

  // Opens the alert, or repeats it when it is open (the store counts repeats).
  void open(int evse_id, int connector_id, const std::string& station_id, nlohmann::json details,
            std::optional<Severity> severity = std::nullopt);
  // Clears the alert if it is open; nothing otherwise.
  void clear(int evse_id, int connector_id, const std::string& station_id,
             nlohmann::json details = nlohmann::json::object());

 private:
  FaultEngine& engine_;
  const RuleSettings& settings_;
  domain::Timestamp now_;
  std::vector<Decision>& out_;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual std::string_view name() const = 0;
  virtual void on_event(const domain::Event& event, RuleContext& ctx) = 0;
  virtual void on_tick(RuleContext&) {}
  virtual void restore_station(const std::string& /*station_id*/, bool /*online*/,
                               domain::Timestamp /*last_seen*/) {}
  // The station is watched by another node now: everything the rule learnt of it goes.
  virtual void forget_station(const std::string& /*station_id*/) {}
};

// One factory per built-in rule (src/faults/rules/*.cpp).
std::vector<std::unique_ptr<Rule>> make_rules();

}  // namespace csms::faults

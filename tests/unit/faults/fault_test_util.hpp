#pragma once

// Builders and a harness for the fault rule tests: an engine with only the rule under test
// enabled, events built from a few values, and decisions summarized as text
// ("open CS1 1/0 warning", "clear CS1 1/0") so a test states exactly what it expects.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "csms/domain/events.hpp"
#include "csms/faults/fault_engine.hpp"

namespace csms::faults::testing {

using domain::Timestamp;

// Every time in these tests is a number of seconds after this instant.
inline Timestamp at(int seconds) {
  using namespace std::chrono;
  return Timestamp{sys_days{year{2024} / March / 1}} + hours{12} + std::chrono::seconds{seconds};
}

inline std::vector<RuleSettings> only(std::string_view rule) {
  auto all = default_rules();
  for (auto& settings : all) settings.enabled = settings.name == rule;
  return all;
}

inline std::string summary(const Decision& decision) {
  const auto& key = decision.key;
  auto where = key.station_id + " " + std::to_string(key.evse_id) + "/" + std::to_string(key.connector_id);
  if (decision.kind == Decision::Kind::Clear) return "clear " + where;
  return "open " + where + " " + std::string(to_string(decision.severity));
}

inline std::vector<std::string> summaries(const std::vector<Decision>& decisions) {
  std::vector<std::string> out;
  for (const auto& decision : decisions) out.push_back(summary(decision));
  return out;
}

using Summaries = std::vector<std::string>;

class RuleHarness {
 public:
  explicit RuleHarness(std::string rule)
      : rule_(std::move(rule)), engine_(std::make_unique<FaultEngine>(only(rule_))) {}

  Summaries on(const domain::Event& event, int seconds) {
    last_ = engine_->on_event(event, at(seconds));
    return summaries(last_);
  }
  Summaries tick(int seconds) {
    last_ = engine_->on_tick(at(seconds));
    return summaries(last_);
  }
  // The details of the only decision of the last call.
  const nlohmann::json& details() const { return last_.at(0).details; }
  const std::vector<Decision>& last() const { return last_; }

  void change(const std::function<void(RuleSettings&)>& edit) {
    auto settings = *std::find_if(engine_->settings().begin(), engine_->settings().end(),
                                  [&](const RuleSettings& s) { return s.name == rule_; });
    edit(settings);
    engine_->configure(settings);
  }
  void override_for(const std::string& station_id, nlohmann::json params) {
    change([&](RuleSettings& s) { s.overrides[station_id] = std::move(params); });
  }
  void disable() {
    change([](RuleSettings& s) { s.enabled = false; });
  }
  void restore_open(const std::string& station_id, int evse_id, int connector_id) {
    engine_->restore_open(AlertKey{rule_, station_id, evse_id, connector_id});
  }
  // An operator resolved the alert by hand.
  void forget(const std::string& station_id, int evse_id, int connector_id) {
    engine_->forget(AlertKey{rule_, station_id, evse_id, connector_id});
  }
  bool is_open(const std::string& station_id, int evse_id, int connector_id) const {
    return engine_->is_open(AlertKey{rule_, station_id, evse_id, connector_id});
  }
  FaultEngine& engine() { return *engine_; }

 private:
  std::string rule_;
  std::unique_ptr<FaultEngine> engine_;  // movable harness
  std::vector<Decision> last_;
};

// Events

inline domain::Event connected(std::string station_id, int seconds) {
  return domain::StationConnected{std::move(station_id), "ocpp1.6", at(seconds)};
}
inline domain::Event disconnected(std::string station_id, int seconds) {
  return domain::StationDisconnected{std::move(station_id), at(seconds)};
}
inline domain::Event heard(std::string station_id, int seconds) {
  return domain::StationHeard{std::move(station_id), at(seconds)};
}
inline domain::Event booted(std::string station_id, int seconds,
                            std::optional<std::string> reason = std::nullopt) {
  return domain::StationBooted{std::move(station_id), domain::RegistrationStatus::Accepted, std::move(reason),
                               at(seconds)};
}

inline domain::Event status(std::string station_id, int evse_id, int connector_id,
                            domain::ConnectorStatus value,
                            std::optional<std::string> error_code = std::nullopt, int seconds = 0) {
  domain::ConnectorStatusChanged event;
  event.station_id = std::move(station_id);
  event.evse_id = evse_id;
  event.connector_id = connector_id;
  event.status = value;
  event.error_code = std::move(error_code);
  event.at = at(seconds);
  return event;
}

inline domain::Event started(std::string station_id, std::int64_t transaction_id, int evse_id, int seconds,
                             std::optional<double> meter_start_wh = std::nullopt,
                             std::optional<domain::ChargingState> charging_state = std::nullopt,
                             int connector_id = 1) {
  domain::TransactionStarted event;
  event.transaction_id = transaction_id;
  event.station_id = std::move(station_id);
  event.evse_id = evse_id;
  event.connector_id = connector_id;
  event.meter_start_wh = meter_start_wh;
  event.at = at(seconds);
  event.charging_state = charging_state;
  return event;
}

inline domain::Event updated(std::string station_id, std::int64_t transaction_id,
                             std::optional<domain::ChargingState> charging_state, int seconds) {
  return domain::TransactionUpdated{transaction_id, std::move(station_id), charging_state,
                                    "ChargingStateChanged", at(seconds)};
}

inline domain::Event ended(std::string station_id, std::int64_t transaction_id, int seconds,
                           std::optional<double> meter_stop_wh = std::nullopt, std::string reason = "Local") {
  return domain::TransactionEnded{transaction_id, std::move(station_id), meter_stop_wh, std::move(reason),
                                  at(seconds)};
}

// A sampled value already in its canonical unit.
inline domain::MeterSample sample(std::string measurand, double value, std::string unit, int seconds,
                                  std::string phase = "", std::string location = "Outlet") {
  domain::MeterSample s;
  s.timestamp = at(seconds);
  s.measurand = std::move(measurand);
  s.phase = std::move(phase);
  s.location = std::move(location);
  s.unit = unit;
  s.raw_value = std::to_string(value);
  s.value = value;
  s.canonical_unit = std::move(unit);
  s.canonical_value = value;
  return s;
}
inline domain::MeterSample voltage(double v, int seconds, std::string phase = "L1-N") {
  return sample("Voltage", v, "V", seconds, std::move(phase));
}
inline domain::MeterSample power(double w, int seconds) {
  return sample("Power.Active.Import", w, "W", seconds);
}
inline domain::MeterSample power_offered(double w, int seconds) {
  return sample("Power.Offered", w, "W", seconds);
}
inline domain::MeterSample soc(double percent, int seconds) {
  return sample("SoC", percent, "Percent", seconds, "", "EV");
}
inline domain::MeterSample current(double a, int seconds, std::string phase = "L1") {
  return sample("Current.Import", a, "A", seconds, std::move(phase));
}
inline domain::MeterSample current_offered(double a, int seconds) {
  return sample("Current.Offered", a, "A", seconds);
}
inline domain::MeterSample temperature(double c, int seconds, std::string location = "Body") {
  return sample("Temperature", c, "Celsius", seconds, "", std::move(location));
}
inline domain::MeterSample energy(double wh, int seconds, std::string location = "Outlet") {
  return sample("Energy.Active.Import.Register", wh, "Wh", seconds, "", std::move(location));
}
inline domain::MeterSample unparseable(domain::MeterSample s) {
  s.flags.emplace_back(domain::flag::kUnparseableValue);
  return s;
}

inline domain::Event meter(std::string station_id, int evse_id, std::vector<domain::MeterSample> samples,
                           std::optional<std::int64_t> transaction_id = std::nullopt) {
  return domain::MeterValuesRecorded{std::move(station_id), evse_id, transaction_id, std::move(samples)};
}

inline domain::ReportedProblem problem(std::string component, std::string variable, std::string severity,
                                       int evse_id = 0, int connector_id = 0, bool cleared = false) {
  domain::ReportedProblem p;
  p.evse_id = evse_id;
  p.connector_id = connector_id;
  p.component = std::move(component);
  p.variable = std::move(variable);
  p.severity = std::move(severity);
  p.cleared = cleared;
  return p;
}

inline domain::Event reported(std::string station_id, std::vector<domain::ReportedProblem> problems,
                              int seconds = 0) {
  return domain::StationReported{std::move(station_id), "NotifyEvent", "{}", at(seconds),
                                 std::move(problems)};
}

}  // namespace csms::faults::testing

#include "csms/faults/rule_settings.hpp"

namespace csms::faults {

using json = nlohmann::json;

json RuleSettings::params_for(const std::string& station_id) const {
  auto merged = params;
  auto found = overrides.find(station_id);
  if (found != overrides.end())
    for (const auto& [key, value] : found->second.items()) merged[key] = value;
  return merged;
}

const json* RuleSettings::param(const std::string& station_id, const char* key) const {
  if (auto found = overrides.find(station_id); found != overrides.end())
    if (auto it = found->second.find(key); it != found->second.end()) return &*it;
  auto it = params.find(key);
  return it == params.end() ? nullptr : &*it;
}

json RuleSettings::to_json() const {
  json out = {{"name", name}, {"enabled", enabled}, {"severity", to_string(severity)}, {"params", params}};
  out["overrides"] = json::object();
  for (const auto& [station, values] : overrides) out["overrides"][station] = values;
  return out;
}

std::vector<RuleSettings> default_rules() {
  using S = Severity;
  return {
      {std::string(kDatabaseUnavailable), true, S::Critical, json::object(), {}},
      {std::string(kCertificateExpiring), true, S::Warning, {{"days", 30}, {"renew", "yes"}}, {}},
      {"connector_faulted", true, S::Critical, {{"remediation", "none"}, {"remediation_after_s", 600}}, {}},
      {"connector_error", true, S::Warning, json::object(), {}},
      {"station_offline", true, S::Critical, {{"grace_s", 120}, {"silent_heartbeats", 2.5}}, {}},
      {"reboot_loop", true, S::Warning, {{"boots", 3}, {"window_s", 900}}, {}},
      {"voltage_out_of_range",
       true,
       S::Warning,
       {{"warning_percent", 10},
        {"critical_percent", 20},
        {"nominal_phase_v", 230},
        {"nominal_line_v", 400},
        {"nominal_dc_v", nullptr},
        {"clear_after_samples", 3},
        {"no_voltage_below_v", 50}},
       {}},
      {"voltage_drop",
       true,
       S::Warning,
       {{"drop_percent", 15}, {"window_s", 60}, {"no_voltage_below_v", 50}},
       {}},
      {"under_delivery", true, S::Warning, {{"ratio", 0.5}, {"duration_s", 300}, {"soc_percent", 80}}, {}},
      {"zero_power", true, S::Critical, {{"min_power_w", 100}, {"duration_s", 600}}, {}},
      {"over_temperature", true, S::Critical, {{"max_c", 80}, {"hysteresis_c", 5}}, {}},
      {"overcurrent", true, S::Critical, {{"tolerance_percent", 10}, {"clear_after_samples", 3}}, {}},
      {"meter_regression", true, S::Warning, json::object(), {}},
      {"meter_jump", true, S::Warning, {{"ratio", 1.5}}, {}},
      {"stuck_transaction", true, S::Warning, {{"duration_s", 1800}}, {}},
      {"failed_starts",
       true,
       S::Warning,
       {{"sessions", 3}, {"max_duration_s", 120}, {"max_energy_wh", 100}},
       {}},
      {"charger_reported", true, S::Warning, json::object(), {}},
      {"load_control_failed", true, S::Warning, json::object(), {}},
  };
}

}  // namespace csms::faults

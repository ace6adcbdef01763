#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "csms/faults/alert.hpp"

namespace csms::faults {

// A rule's configuration as the REST API shows it:
// {"name","enabled","severity","params":{...},"overrides":{"<station id>":{...}}}.
// Parameter names are snake_case with their unit (grace_s, duration_s, ratio, max_c,
// tolerance_percent); an override replaces single params for one station.
struct RuleSettings {
  std::string name;
  bool enabled = true;
  Severity severity = Severity::Warning;
  nlohmann::json params = nlohmann::json::object();
  std::map<std::string, nlohmann::json> overrides;

  // params merged with the station's override.
  nlohmann::json params_for(const std::string& station_id) const;
  // One param for a station (its override, else the default) without merging copies, for
  // rules that read params at every meter value; nullptr when neither sets it.
  const nlohmann::json* param(const std::string& station_id, const char* key) const;
  nlohmann::json to_json() const;
};

// The built-in rules with their default settings, in a stable order.
std::vector<RuleSettings> default_rules();

}  // namespace csms::faults

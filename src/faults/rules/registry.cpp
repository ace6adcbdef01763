#include <memory>
#include <vector>

#include "faults/rule.hpp"
#include "faults/rules/rules.hpp"

namespace csms::faults {

std::vector<std::unique_ptr<Rule>> make_rules() {
  std::vector<std::unique_ptr<Rule>> all;
  all.push_back(rules::make_connector_faulted());
  all.push_back(rules::make_connector_error());
  all.push_back(rules::make_station_offline());
  all.push_back(rules::make_reboot_loop());
  all.push_back(rules::make_voltage_out_of_range());
  all.push_back(rules::make_voltage_drop());
  all.push_back(rules::make_under_delivery());
  all.push_back(rules::make_zero_power());
  all.push_back(rules::make_over_temperature());
  all.push_back(rules::make_overcurrent());
  all.push_back(rules::make_meter_regression());
  all.push_back(rules::make_meter_jump());
  all.push_back(rules::make_stuck_transaction());
  all.push_back(rules::make_failed_starts());
  all.push_back(rules::make_charger_reported());
  all.push_back(rules::make_load_control_failed());
  return all;
}

}  // namespace csms::faults

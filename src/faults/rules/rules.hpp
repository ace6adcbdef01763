#pragma once

// The built-in rules, one factory each; registry.cpp lists them in the order of default_rules().

#include <memory>

#include "faults/rule.hpp"

namespace csms::faults::rules {

std::unique_ptr<Rule> make_connector_faulted();
std::unique_ptr<Rule> make_connector_error();
std::unique_ptr<Rule> make_station_offline();
std::unique_ptr<Rule> make_reboot_loop();
std::unique_ptr<Rule> make_voltage_out_of_range();
std::unique_ptr<Rule> make_voltage_drop();
std::unique_ptr<Rule> make_under_delivery();
std::unique_ptr<Rule> make_zero_power();
std::unique_ptr<Rule> make_over_temperature();
std::unique_ptr<Rule> make_overcurrent();
std::unique_ptr<Rule> make_meter_regression();
std::unique_ptr<Rule> make_meter_jump();
std::unique_ptr<Rule> make_stuck_transaction();
std::unique_ptr<Rule> make_failed_starts();
std::unique_ptr<Rule> make_charger_reported();
std::unique_ptr<Rule> make_load_control_failed();

}  // namespace csms::faults::rules

#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "csms/domain/requests.hpp"

namespace csms::ocpp::detail {

// The variable attributes a 2.0.1 NotifyReport (schema-valid) reports.
std::vector<domain::StationVariable> report_variables(const nlohmann::json& notify_report);

}  // namespace csms::ocpp::detail

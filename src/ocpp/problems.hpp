#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "csms/domain/model.hpp"

namespace csms::ocpp::detail {

// What in a station's report signals a fault (see domain::ReportedProblem): security
// events that mean tampering or failed firmware, failed firmware updates, and (2.0.1)
// NotifyEvent data on problem or alerting variables.
std::vector<domain::ReportedProblem> problems_of(std::string_view action, const nlohmann::json& payload,
                                                 domain::Timestamp now);

}  // namespace csms::ocpp::detail

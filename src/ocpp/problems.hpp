#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "csms/domain/model.hpp"
#include "csms/domain/requests.hpp"

namespace csms::ocpp::detail {

// What in a station's report signals a fault (see domain::ReportedProblem): security
// events that mean tampering or failed firmware, failed firmware updates, and (2.0.1)
// NotifyEvent data on problem or alerting variables.
std::vector<domain::ReportedProblem> problems_of(std::string_view action, const nlohmann::json& payload,
                                                 domain::Timestamp now);

// The file status a FirmwareStatusNotification, SignedFirmwareStatusNotification,
// DiagnosticsStatusNotification or LogStatusNotification carries; nullopt for other messages.
std::optional<domain::FileStatus> file_status_of(std::string_view action, const nlohmann::json& payload);

}  // namespace csms::ocpp::detail

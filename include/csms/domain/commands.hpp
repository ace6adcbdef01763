#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace csms::domain {

// The commands an operator sends to a station through REST (DESIGN.md section 2), by the
// name in POST /api/v1/stations/{id}/commands/{name}. `ocpp` maps each to both versions'
// messages; the server also sends some of its own (password rotation, profile upgrade, the
// running cost), which are not in this list.
inline constexpr std::array<std::string_view, 36> kOperatorCommands = {
    "remote-start",
    "remote-stop",
    "reset",
    "unlock",
    "change-availability",
    "get-configuration",
    "set-configuration",
    "trigger-message",
    "clear-cache",
    "data-transfer",
    "install-certificate",
    "get-installed-certificate-ids",
    "delete-certificate",
    "renew-certificate",
    "reserve",
    "cancel-reservation",
    "send-local-list",  // the body is built by the server from its id tokens (api)
    "get-local-list-version",
    "update-firmware",
    "get-diagnostics",
    "set-charging-profile",
    "clear-charging-profile",
    "get-composite-schedule",
    // OCPP 2.0.1 only.
    "get-transaction-status",
    "customer-information",
    "set-display-message",
    "get-display-messages",
    "clear-display-message",
    "get-base-report",
    "get-report",
    "get-monitoring-report",
    "set-variable-monitoring",
    "clear-variable-monitoring",
    "set-monitoring-base",
    "set-monitoring-level",
    "get-charging-profiles",
};

constexpr bool is_operator_command(std::string_view name) {
  return std::find(kOperatorCommands.begin(), kOperatorCommands.end(), name) != kOperatorCommands.end();
}

}  // namespace csms::domain

#include "ocpp/problems.hpp"

#include <array>

#include "ocpp/json_read.hpp"

namespace csms::ocpp::detail {
namespace {

using json = nlohmann::json;

// Security event types (2.0.1 appendix 1, 1.6 security whitepaper) that mean someone is
// tampering with the station or its firmware cannot be trusted.
constexpr std::array<std::string_view, 5> kCriticalSecurityEvents = {
    "TamperDetectionActivated",          "InvalidFirmwareSignature", "InvalidFirmwareSigningCertificate",
    "InvalidChargingStationCertificate", "AttemptedReplayAttacks",
};

// Firmware statuses of a failed update (both versions' spellings).
constexpr std::array<std::string_view, 6> kFailedFirmware = {
    "DownloadFailed",          "InstallationFailed",          "InvalidSignature", "InstallVerificationFailed",
    "InstallRebooting_Failed", "SignatureVerificationFailed",
};

// 2.0.1 variables whose "true" means the component is broken (Part 2 appendix: Problem,
// Tripped, Fallback...), and AvailabilityState reported as Faulted.
constexpr std::array<std::string_view, 4> kProblemVariables = {"Problem", "Tripped", "Fault", "Overload"};

template <std::size_t N>
bool in(const std::array<std::string_view, N>& list, std::string_view value) {
  for (auto item : list)
    if (item == value) return true;
  return false;
}

}  // namespace

std::vector<domain::ReportedProblem> problems_of(std::string_view action, const json& payload,
                                                 domain::Timestamp now) {
  std::vector<domain::ReportedProblem> problems;
  if (action == "SecurityEventNotification") {
    auto type = string_or(payload, "type", "");
    if (in(kCriticalSecurityEvents, type)) {
      domain::ReportedProblem problem;
      problem.component = "Security";
      problem.variable = type;
      problem.severity = "critical";
      problem.code = type;
      problem.info = string_or(payload, "techInfo", "");
      problem.at = time_or(payload, "timestamp", now);
      problems.push_back(std::move(problem));
    }
  } else if (action == "FirmwareStatusNotification" || action == "SignedFirmwareStatusNotification") {
    auto status = string_or(payload, "status", "");
    bool failed = in(kFailedFirmware, status);
    if (failed || status == "Installed") {
      domain::ReportedProblem problem;
      problem.component = "Firmware";
      problem.variable = "Update";
      problem.severity = "warning";
      problem.cleared = !failed;  // a later successful install ends a failed update
      problem.code = status;
      problem.at = now;
      problems.push_back(std::move(problem));
    }
  } else if (action == "NotifyEvent") {
    for (const auto& event : detail::member_or_empty(payload, "eventData")) {
      const auto& component = detail::member_or_empty(event, "component", json::value_t::object);
      const auto& variable = detail::member_or_empty(event, "variable", json::value_t::object);
      auto variable_name = string_or(variable, "name", "");
      auto actual = string_or(event, "actualValue", "");
      bool problem_variable = in(kProblemVariables, variable_name);
      bool faulted = variable_name == "AvailabilityState" && actual == "Faulted";
      bool alerting = string_or(event, "trigger", "") == "Alerting";
      if (!problem_variable && !faulted && !alerting) continue;
      domain::ReportedProblem problem;
      problem.component = string_or(component, "name", "");
      problem.variable = variable_name;
      problem.severity = problem_variable || faulted ? "critical" : "warning";
      // A problem variable going back to false is the station's own all-clear.
      problem.cleared = event.value("cleared", false) || (problem_variable && actual == "false");
      problem.code = string_or(event, "techCode", "");
      problem.info = string_or(event, "techInfo", actual);
      problem.at = time_or(event, "timestamp", now);
      if (auto evse = component.find("evse"); evse != component.end()) {
        problem.evse_id = static_cast<int>(opt_int(*evse, "id").value_or(0));
        problem.connector_id = static_cast<int>(opt_int(*evse, "connectorId").value_or(0));
      }
      problems.push_back(std::move(problem));
    }
  }
  return problems;
}

std::optional<domain::FileStatus> file_status_of(std::string_view action, const json& payload) {
  const bool firmware =
      action == "FirmwareStatusNotification" || action == "SignedFirmwareStatusNotification";
  if (!firmware && action != "DiagnosticsStatusNotification" && action != "LogStatusNotification")
    return std::nullopt;
  auto request_id = opt_int(payload, "requestId");
  return domain::FileStatus{firmware ? "firmware" : "log",
                            request_id ? std::optional<int>(static_cast<int>(*request_id)) : std::nullopt,
                            string_or(payload, "status", "")};
}

}  // namespace csms::ocpp::detail

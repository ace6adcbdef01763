#include "csms/domain/model.hpp"

#include <array>
#include <set>
#include <utility>

#include "csms/domain/requests.hpp"

namespace csms::domain {
namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> lookup(const std::array<std::pair<Enum, std::string_view>, N>& names,
                           std::string_view text) {
  for (const auto& [value, name] : names)
    if (name == text) return value;
  return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
  for (const auto& [candidate, name] : names)
    if (candidate == value) return name;
  return "?";
}

constexpr std::array<std::pair<AuthorizationStatus, std::string_view>, 10> kAuthorization = {{
    {AuthorizationStatus::Accepted, "Accepted"},
    {AuthorizationStatus::Blocked, "Blocked"},
    {AuthorizationStatus::Expired, "Expired"},
    {AuthorizationStatus::Invalid, "Invalid"},
    {AuthorizationStatus::ConcurrentTx, "ConcurrentTx"},
    {AuthorizationStatus::NoCredit, "NoCredit"},
    {AuthorizationStatus::NotAllowedTypeEVSE, "NotAllowedTypeEVSE"},
    {AuthorizationStatus::NotAtThisLocation, "NotAtThisLocation"},
    {AuthorizationStatus::NotAtThisTime, "NotAtThisTime"},
    {AuthorizationStatus::Unknown, "Unknown"},
}};

constexpr std::array<std::pair<ConnectorStatus, std::string_view>, 10> kConnector = {{
    {ConnectorStatus::Available, "Available"},
    {ConnectorStatus::Preparing, "Preparing"},
    {ConnectorStatus::Charging, "Charging"},
    {ConnectorStatus::SuspendedEVSE, "SuspendedEVSE"},
    {ConnectorStatus::SuspendedEV, "SuspendedEV"},
    {ConnectorStatus::Finishing, "Finishing"},
    {ConnectorStatus::Reserved, "Reserved"},
    {ConnectorStatus::Unavailable, "Unavailable"},
    {ConnectorStatus::Faulted, "Faulted"},
    {ConnectorStatus::Occupied, "Occupied"},
}};

constexpr std::array<std::pair<ChargingState, std::string_view>, 5> kChargingState = {{
    {ChargingState::Charging, "Charging"},
    {ChargingState::EVConnected, "EVConnected"},
    {ChargingState::SuspendedEV, "SuspendedEV"},
    {ChargingState::SuspendedEVSE, "SuspendedEVSE"},
    {ChargingState::Idle, "Idle"},
}};

constexpr std::array<std::pair<RegistrationStatus, std::string_view>, 3> kRegistration = {{
    {RegistrationStatus::Accepted, "Accepted"},
    {RegistrationStatus::Pending, "Pending"},
    {RegistrationStatus::Rejected, "Rejected"},
}};

constexpr std::array<std::pair<TransactionEventKind, std::string_view>, 3> kEventKind = {{
    {TransactionEventKind::Started, "Started"},
    {TransactionEventKind::Updated, "Updated"},
    {TransactionEventKind::Ended, "Ended"},
}};

}  // namespace

std::string_view to_string(RegistrationStatus value) { return name_of(kRegistration, value); }
std::string_view to_string(AuthorizationStatus value) { return name_of(kAuthorization, value); }
std::string_view to_string(ConnectorStatus value) { return name_of(kConnector, value); }
std::string_view to_string(ChargingState value) { return name_of(kChargingState, value); }
std::string_view to_string(TransactionEventKind value) { return name_of(kEventKind, value); }

std::optional<AuthorizationStatus> authorization_status_from(std::string_view text) {
  return lookup(kAuthorization, text);
}
std::optional<ConnectorStatus> connector_status_from(std::string_view text) {
  return lookup(kConnector, text);
}
std::optional<ChargingState> charging_state_from(std::string_view text) {
  return lookup(kChargingState, text);
}

bool is_transaction_related(const Request& request) {
  return std::holds_alternative<StartTransactionRequest>(request) ||
         std::holds_alternative<StopTransactionRequest>(request) ||
         std::holds_alternative<TransactionEventRequest>(request) ||
         std::holds_alternative<MeterValuesRequest>(request);
}

std::string file_outcome(const std::string& status) {
  // Both versions' spellings (1.6 and its security extension, 2.0.1).
  static const std::set<std::string> kSucceeded = {"Installed", "Uploaded"};
  static const std::set<std::string> kFailed = {"DownloadFailed",
                                                "InstallationFailed",
                                                "InvalidSignature",
                                                "InstallVerificationFailed",
                                                "UploadFailed",
                                                "UploadFailure",
                                                "BadMessage",
                                                "NotSupportedOperation",
                                                "PermissionDenied",
                                                "InstallRebooting_Failed",
                                                "SignatureVerificationFailed"};
  if (status == "Idle" || status.empty()) return "";
  if (kSucceeded.count(status)) return "succeeded";
  if (kFailed.count(status)) return "failed";
  return "in_progress";
}

}  // namespace csms::domain

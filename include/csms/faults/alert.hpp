#pragma once

#include <compare>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "csms/domain/time.hpp"

namespace csms::faults {

enum class Severity { Info, Warning, Critical };
std::string_view to_string(Severity severity);

// The node-wide alert of a database out of reach (station_id ""; no event feeds it, the
// database layer reports it: FaultEngine::on_database).
inline constexpr std::string_view kDatabaseUnavailable = "database_unavailable";
// A station's client certificate expires soon (FaultEngine::on_certificates; params `days`,
// and `renew`: ask the station for a new one when it opens).
inline constexpr std::string_view kCertificateExpiring = "certificate_expiring";
std::optional<Severity> severity_from(std::string_view text);

// One alert per (rule, station, EVSE, connector); station-wide alerts use evse 0 / connector 0.
struct AlertKey {
  std::string rule;
  std::string station_id;
  int evse_id = 0;
  int connector_id = 0;
  auto operator<=>(const AlertKey&) const = default;
};

// What the rule engine decided: open (or repeat) an alert, or clear it.
struct Decision {
  enum class Kind { Open, Clear };
  Kind kind = Kind::Open;
  AlertKey key;
  Severity severity = Severity::Warning;
  domain::Timestamp at;
  nlohmann::json details = nlohmann::json::object();  // rule-specific facts, snake_case keys
};

}  // namespace csms::faults

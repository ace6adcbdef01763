#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "csms/domain/time.hpp"

// Version-neutral entities. A 1.6 connector N is EVSE N with connector 1; 1.6 connector 0
// is the station itself (evse 0).
namespace csms::domain {

enum class RegistrationStatus { Accepted, Pending, Rejected };

enum class AuthorizationStatus {
  Accepted,
  Blocked,
  Expired,
  Invalid,
  ConcurrentTx,
  NoCredit,
  NotAllowedTypeEVSE,
  NotAtThisLocation,
  NotAtThisTime,
  Unknown,
};

// Availability of a connector: the union of 1.6's nine statuses and 2.0.1's five.
enum class ConnectorStatus {
  Available,
  Preparing,
  Charging,
  SuspendedEVSE,
  SuspendedEV,
  Finishing,
  Reserved,
  Unavailable,
  Faulted,
  Occupied,
};

enum class ChargingState { Charging, EVConnected, SuspendedEV, SuspendedEVSE, Idle };

enum class TransactionEventKind { Started, Updated, Ended };

std::string_view to_string(RegistrationStatus value);
std::string_view to_string(AuthorizationStatus value);
std::string_view to_string(ConnectorStatus value);
std::string_view to_string(ChargingState value);
std::string_view to_string(TransactionEventKind value);
std::optional<AuthorizationStatus> authorization_status_from(std::string_view text);
std::optional<ConnectorStatus> connector_status_from(std::string_view text);
std::optional<ChargingState> charging_state_from(std::string_view text);

// An identifier presented by a driver: 1.6 idTag (type left empty) or 2.0.1 idToken.
struct IdToken {
  std::string value;
  std::string type;
};

struct IdTokenRecord {
  std::string token;
  AuthorizationStatus status = AuthorizationStatus::Accepted;
  std::optional<Timestamp> expires_at;
  std::optional<std::string> group;
  std::optional<std::string> customer_id;
  // Sessions it may run at once; nullopt: no limit (a fleet card).
  std::optional<int> max_concurrent_sessions = 1;
};

struct Authorization {
  AuthorizationStatus status = AuthorizationStatus::Invalid;
  std::optional<Timestamp> expires_at;
  std::optional<std::string> group;
};

struct StationRecord {
  std::string id;
  RegistrationStatus registration = RegistrationStatus::Accepted;
  std::optional<std::string> password_hash;
  bool known = true;  // false: auto-registered from an unknown identity
};

// One sampled value, with the value as sent and in a canonical unit (Wh, W, A, V, Celsius,
// Percent, var, VA, Hz, varh, VAh).
struct MeterSample {
  Timestamp timestamp;
  std::string measurand = "Energy.Active.Import.Register";
  std::string phase;
  std::string location = "Outlet";
  std::string context = "Sample.Periodic";
  std::string unit;            // as sent (with a 2.0.1 multiplier applied to `value`)
  std::string raw_value;       // the text as sent (1.6 sends strings)
  double value = 0;            // in `unit`
  std::string canonical_unit;  // unit after normalization
  double canonical_value = 0;
  std::optional<std::string> signed_data;  // signed meter value blob, kept verbatim
  std::vector<std::string> flags;          // problems with this one value
};

// A problem a station reports about itself: a 2.0.1 NotifyEvent on a problem or alerting
// variable, a security event that means tampering or failed firmware, a failed firmware
// update. `ocpp` decides what counts; fault detection turns it into an alert.
struct ReportedProblem {
  int evse_id = 0;
  int connector_id = 0;
  std::string component;
  std::string variable;
  std::string severity = "warning";  // info | warning | critical
  bool cleared = false;              // the station says the problem is over
  std::string code;                  // techCode, security event type, firmware status
  std::string info;                  // techInfo, actualValue
  Timestamp at;
};

// Plausibility problems recorded on the stored row; never a reason to refuse a message.
namespace flag {
inline constexpr std::string_view kFutureTimestamp = "future_timestamp";
inline constexpr std::string_view kMeterStopBelowStart = "meter_stop_below_start";
inline constexpr std::string_view kOutsideTransactionWindow = "outside_transaction_window";
inline constexpr std::string_view kMessageIdReused = "message_id_reused";
inline constexpr std::string_view kUnknownTransaction = "unknown_transaction";
inline constexpr std::string_view kNoTransactionId = "no_transaction_id";
inline constexpr std::string_view kUnparseableValue = "unparseable_value";
inline constexpr std::string_view kUnknownUnit = "unknown_unit";
}  // namespace flag

// The certificate a station uses, as the fault rule certificate_expiring sees it.
struct CertificateExpiry {
  std::string station_id;
  std::string serial;
  Timestamp not_after;
};

}  // namespace csms::domain

#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "csms/domain/model.hpp"

// Version-neutral events, published after the change they describe is committed. Billing,
// fault detection and analytics subscribe to these; they never see OCPP.
namespace csms::domain {

struct StationConnected {
  std::string station_id;
  std::string protocol;
  Timestamp at;
};
struct StationDisconnected {
  std::string station_id;
  Timestamp at;
};
struct StationBooted {
  std::string station_id;
  RegistrationStatus status;
  std::optional<std::string> reason;
  Timestamp at;
};
struct StationHeard {  // any message: liveness
  std::string station_id;
  Timestamp at;
};
struct ConnectorStatusChanged {
  std::string station_id;
  int evse_id = 0;
  int connector_id = 0;
  ConnectorStatus status;
  std::optional<std::string> error_code;
  std::optional<std::string> info;
  std::optional<std::string> vendor_error_code;
  Timestamp at;
};
struct TransactionStarted {
  std::int64_t transaction_id = 0;
  std::string station_id;
  int evse_id = 0;
  int connector_id = 0;
  std::optional<std::string> id_token;
  std::optional<double> meter_start_wh;
  Timestamp at;
  std::optional<ChargingState> charging_state;  // 2.0.1 only
};
struct TransactionUpdated {  // 2.0.1 Updated events: charging state, trigger
  std::int64_t transaction_id = 0;
  std::string station_id;
  std::optional<ChargingState> charging_state;
  std::string trigger_reason;
  Timestamp at;
};
struct TransactionEnded {
  std::int64_t transaction_id = 0;
  std::string station_id;
  std::optional<double> meter_stop_wh;
  std::string reason;
  Timestamp at;
};
struct MeterValuesRecorded {
  std::string station_id;
  int evse_id = 0;
  std::optional<std::int64_t> transaction_id;
  std::vector<MeterSample> samples;
};
struct StationReported {
  std::string station_id;
  std::string kind;
  std::string payload_json;
  Timestamp at;
  std::vector<ReportedProblem> problems;
};

// The station's answer to a charging profile the load manager sent (evse 0: its fallback).
// `status` is its status, or offline / timeout / a CALLERROR code.
struct LoadControlAnswered {
  std::string station_id;
  int evse_id = 0;
  bool accepted = false;
  std::string status;
  double limit_a = 0;
  Timestamp at;
};

using Event = std::variant<StationConnected, StationDisconnected, StationBooted, StationHeard,
                           ConnectorStatusChanged, TransactionStarted, TransactionUpdated, TransactionEnded,
                           MeterValuesRecorded, StationReported, LoadControlAnswered>;

// In-process publish/subscribe. Subscribers are added at wiring time, before traffic.
class EventBus {
 public:
  using Handler = std::function<void(const Event&)>;
  void subscribe(Handler handler);
  void publish(const Event& event) const;
  void publish(const std::vector<Event>& events) const;

 private:
  std::vector<Handler> handlers_;
};

}  // namespace csms::domain

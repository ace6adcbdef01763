#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "csms/domain/model.hpp"

// What chargers ask, in version-neutral terms, and what the CSMS answers. `ocpp` maps each
// version's messages to and from these; `charging` decides.
namespace csms::domain {

// Facts about the message that are not in its payload.
struct MessageContext {
  std::string station_id;
  std::string protocol;  // "ocpp1.6" | "ocpp2.0.1"
  std::string message_id;
  Timestamp received_at;
  bool message_id_reused = false;  // the same id was seen before on this connection
};

struct BootRequest {
  std::string vendor;
  std::string model;
  std::optional<std::string> serial_number;
  std::optional<std::string> firmware_version;
  std::optional<std::string> iccid;
  std::optional<std::string> imsi;
  std::optional<std::string> meter_type;
  std::optional<std::string> meter_serial_number;
  std::optional<std::string> reason;  // 2.0.1 BootReasonEnumType
};
struct BootResponse {
  RegistrationStatus status = RegistrationStatus::Accepted;
  int interval_s = 300;
  Timestamp current_time;
};

struct HeartbeatRequest {};
struct HeartbeatResponse {
  Timestamp current_time;
};

struct StatusRequest {
  int evse_id = 0;
  int connector_id = 0;
  ConnectorStatus status = ConnectorStatus::Available;
  std::optional<std::string> error_code;  // 1.6 ChargePointErrorCode
  std::optional<std::string> info;
  std::optional<std::string> vendor_id;
  std::optional<std::string> vendor_error_code;
  Timestamp timestamp;
};
// `status`: for a recorded message whose reply carries one, when it depends on the station
// (2.0.1 NotifyEVChargingNeeds: Accepted at a site with load management, else Rejected).
struct EmptyResponse {
  std::optional<std::string> status;
};

struct AuthorizeRequest {
  IdToken id_token;
};
struct AuthorizeResponse {
  Authorization authorization;
};

// 1.6 StartTransaction: the CSMS assigns the transaction id.
struct StartTransactionRequest {
  int evse_id = 0;
  int connector_id = 1;
  IdToken id_token;
  double meter_start_wh = 0;
  Timestamp timestamp;
  std::optional<int> reservation_id;
  // The id we gave the charger while the database was out of reach (a spooled start being
  // stored now); unset: the sequence's next value.
  std::optional<std::int64_t> assigned_id;
};
struct StartTransactionResponse {
  std::int64_t transaction_id = 0;
  Authorization authorization;
};

// 1.6 StopTransaction.
struct StopTransactionRequest {
  std::int64_t transaction_id = 0;
  std::optional<IdToken> id_token;
  double meter_stop_wh = 0;
  Timestamp timestamp;
  std::string reason = "Local";
  std::vector<MeterSample> samples;  // transactionData
};
struct StopTransactionResponse {
  std::optional<Authorization> authorization;
};

// 2.0.1 TransactionEvent: the charger assigns the transaction id.
struct TransactionEventRequest {
  TransactionEventKind kind = TransactionEventKind::Started;
  Timestamp timestamp;
  std::string trigger_reason;
  int seq_no = 0;
  std::string transaction_id;
  std::optional<ChargingState> charging_state;
  std::optional<std::string> stopped_reason;
  std::optional<int> remote_start_id;
  std::optional<int> reservation_id;
  bool offline = false;
  std::optional<int> evse_id;
  std::optional<int> connector_id;
  std::optional<IdToken> id_token;
  std::vector<MeterSample> samples;
};
struct TransactionEventResponse {
  std::optional<Authorization> authorization;  // present when the request carried an id token
  std::int64_t transaction_id = 0;             // ours, for the running cost
  std::optional<std::string> total_cost;       // the final cost incl. VAT, decimal text ("7.62"): Ended only
  // The cost so far of a running transaction, sent with CostUpdated after the reply (whose
  // totalCost "SHALL only be sent when charging has ended"), for the station's transaction id.
  std::optional<std::string> running_cost;
  std::string ocpp_transaction_id;
};

struct MeterValuesRequest {
  int evse_id = 0;
  std::optional<std::string> transaction_id;  // 1.6: our integer id as text
  std::vector<MeterSample> samples;
};

// One attribute of one of a station's variables: the 2.0.1 device model, where a 1.6
// configuration key is a variable of the unnamed component.
struct StationVariable {
  std::string component;
  std::string component_instance;
  int evse_id = 0;
  int connector_id = 0;
  std::string variable;
  std::string variable_instance;
  std::string attribute_type = "Actual";
  std::optional<std::string> value;
  // Absent: what is stored stays (an answer to GetVariables does not say).
  std::optional<std::string> mutability;
  std::optional<bool> persistent;
  std::optional<bool> constant;
  std::optional<std::string> characteristics_json;
};

// What one message says of a station's variables; `source` names the message.
struct VariableReport {
  std::string source;
  std::vector<StationVariable> variables;
};

// 2.0.1 NotifyReport: which part of the answer to which report request this is.
struct ReportPart {
  int request_id = 0;
  int seq_no = 0;
  bool tbc = false;
};

// A station's news of a file it moves through the CSMS's file endpoint or elsewhere:
// FirmwareStatusNotification, SignedFirmwareStatusNotification (kind "firmware"),
// DiagnosticsStatusNotification and LogStatusNotification (kind "log").
struct FileStatus {
  std::string kind;
  std::optional<int> request_id;  // absent in 1.6's own notifications: the latest transfer
  std::string status;             // as the station spelt it
};

// Where a file status leaves the transfer: "succeeded", "failed", "in_progress", or ""
// (Idle: says nothing of any transfer).
std::string file_outcome(const std::string& status);

// Messages whose content is recorded as it came (NotifyEvent, SecurityEventNotification,
// firmware/log/diagnostics status, NotifyReport, DataTransfer, ...). `kind` names the
// message; `payload` is its JSON text.
struct StationReport {
  std::string kind;
  std::optional<Timestamp> timestamp;
  std::string payload_json;
  std::vector<ReportedProblem> problems;  // what in it signals a fault, if anything
  // 2.0.1 ReservationStatusUpdate: the reservation it ends and how ("expired", "removed").
  std::optional<std::pair<int, std::string>> reservation_ended;
  // NotifyReport: the variables it reports and the part it is.
  std::vector<StationVariable> variables;
  std::optional<ReportPart> report_part;
  std::optional<FileStatus> file_status;
};

// DataTransfer: no vendor extension is known to this CSMS, so the answer says so.
struct DataTransferRequest {
  std::string vendor_id;
  std::optional<std::string> message_id;
  std::string data_json;
};
struct DataTransferResponse {
  std::string status = "UnknownVendorId";
};

using Request = std::variant<BootRequest, HeartbeatRequest, StatusRequest, AuthorizeRequest,
                             StartTransactionRequest, StopTransactionRequest, TransactionEventRequest,
                             MeterValuesRequest, StationReport, DataTransferRequest>;
using Response =
    std::variant<BootResponse, HeartbeatResponse, EmptyResponse, AuthorizeResponse, StartTransactionResponse,
                 StopTransactionResponse, TransactionEventResponse, DataTransferResponse>;

// Whether a request carries transaction data: its reply waits for the commit, and it is
// never refused with an error for a business reason.
bool is_transaction_related(const Request& request);

}  // namespace csms::domain

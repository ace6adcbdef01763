#include "ocpp/v16/translate.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "csms/ocpp/translate.hpp"
#include "ocpp/json_read.hpp"
#include "ocpp/meter_units.hpp"
#include "ocpp/problems.hpp"
#include "ocpp/utf8.hpp"

namespace csms::ocpp::v16 {
namespace {

using namespace domain;
using detail::opt_int;
using detail::opt_string;
using detail::string_or;
using detail::time_or;
using json = nlohmann::json;

// Station-to-CSMS messages of OCPP 1.6 and its security extension that we take.
constexpr std::array<std::string_view, 14> kHandled = {
    "BootNotification",
    "Heartbeat",
    "StatusNotification",
    "Authorize",
    "StartTransaction",
    "StopTransaction",
    "MeterValues",
    "DataTransfer",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "SecurityEventNotification",
    "SignedFirmwareStatusNotification",
    "LogStatusNotification",
    "SignCertificate",
};

// 1.6 connector N is EVSE N with connector 1; connector 0 is the station itself.
std::pair<int, int> evse_of(long long connector_id) {
  if (connector_id <= 0) return {0, 0};
  return {static_cast<int>(connector_id), 1};
}

MeterSample sample_from(const json& sampled, Timestamp timestamp) {
  MeterSample sample;
  sample.timestamp = timestamp;
  // 1.6 defaults (OCPP 1.6 §7.43 SampledValue).
  sample.measurand = string_or(sampled, "measurand", "Energy.Active.Import.Register");
  sample.phase = string_or(sampled, "phase", "");
  sample.location = string_or(sampled, "location", "Outlet");
  sample.context = string_or(sampled, "context", "Sample.Periodic");
  sample.unit = string_or(sampled, "unit", "Wh");
  sample.raw_value = sampled.at("value").get<std::string>();
  if (string_or(sampled, "format", "Raw") == "SignedData") {
    sample.signed_data = sample.raw_value;
    sample.flags.emplace_back(flag::kUnparseableValue);
  } else {
    // Fractional registers ("1234.5") are common; anything that is not a number is kept
    // as sent and flagged rather than refused (transaction data must not be lost).
    const char* begin = sample.raw_value.data();
    const char* end = begin + sample.raw_value.size();
    double value = 0;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc{} || ptr != end || !std::isfinite(value)) {
      sample.flags.emplace_back(flag::kUnparseableValue);
      value = 0;
    }
    sample.value = value;
  }
  detail::normalize(sample);
  return sample;
}

std::vector<MeterSample> samples_from(const json& meter_values, Timestamp now) {
  std::vector<MeterSample> samples;
  if (!meter_values.empty() && meter_values.is_array())
    samples.reserve(meter_values.size() *
                    detail::member_or_empty(meter_values.front(), "sampledValue").size());
  for (const auto& meter_value : meter_values) {
    auto timestamp = time_or(meter_value, "timestamp", now);
    for (const auto& sampled : detail::member_or_empty(meter_value, "sampledValue"))
      samples.push_back(sample_from(sampled, timestamp));
  }
  return samples;
}

StationReport report(std::string_view kind, const json& payload, std::optional<Timestamp> at, Timestamp now) {
  return StationReport{std::string(kind), at, payload.dump(), detail::problems_of(kind, payload, now),
                       std::nullopt,      {}, std::nullopt,   detail::file_status_of(kind, payload)};
}

// 1.6 AuthorizationStatus has five values; the 2.0.1-only ones read as Invalid or Blocked.
std::string_view status_16(AuthorizationStatus status) {
  switch (status) {
    case AuthorizationStatus::Accepted:
    case AuthorizationStatus::Blocked:
    case AuthorizationStatus::Expired:
    case AuthorizationStatus::Invalid:
    case AuthorizationStatus::ConcurrentTx:
      return to_string(status);
    case AuthorizationStatus::NoCredit:
    case AuthorizationStatus::NotAllowedTypeEVSE:
    case AuthorizationStatus::NotAtThisLocation:
    case AuthorizationStatus::NotAtThisTime:
      return "Blocked";
    case AuthorizationStatus::Unknown:
      return "Invalid";
  }
  return "Invalid";
}

json id_tag_info(const Authorization& authorization) {
  json info = {{"status", status_16(authorization.status)}};
  if (authorization.expires_at) info["expiryDate"] = format_timestamp(*authorization.expires_at);
  if (authorization.group) info["parentIdTag"] = detail::utf8_prefix(*authorization.group, 20);
  return info;
}

}  // namespace

bool handles(std::string_view action) {
  for (auto name : kHandled)
    if (name == action) return true;
  return false;
}

Request to_request(std::string_view action, const json& p, Timestamp now) {
  if (action == "BootNotification") {
    BootRequest boot;
    boot.vendor = p.at("chargePointVendor").get<std::string>();
    boot.model = p.at("chargePointModel").get<std::string>();
    boot.serial_number = opt_string(p, "chargePointSerialNumber");
    if (!boot.serial_number) boot.serial_number = opt_string(p, "chargeBoxSerialNumber");
    boot.firmware_version = opt_string(p, "firmwareVersion");
    boot.iccid = opt_string(p, "iccid");
    boot.imsi = opt_string(p, "imsi");
    boot.meter_type = opt_string(p, "meterType");
    boot.meter_serial_number = opt_string(p, "meterSerialNumber");
    return boot;
  }
  if (action == "Heartbeat") return HeartbeatRequest{};
  if (action == "StatusNotification") {
    StatusRequest status;
    std::tie(status.evse_id, status.connector_id) = evse_of(p.at("connectorId").get<long long>());
    status.status =
        connector_status_from(p.at("status").get<std::string>()).value_or(ConnectorStatus::Unavailable);
    status.error_code = opt_string(p, "errorCode");
    status.info = opt_string(p, "info");
    status.vendor_id = opt_string(p, "vendorId");
    status.vendor_error_code = opt_string(p, "vendorErrorCode");
    status.timestamp = time_or(p, "timestamp", now);
    return status;
  }
  if (action == "Authorize") return AuthorizeRequest{IdToken{p.at("idTag").get<std::string>(), ""}};
  if (action == "StartTransaction") {
    StartTransactionRequest start;
    auto connector = p.at("connectorId").get<long long>();
    if (connector <= 0)
      throw TranslateError(ErrorCode::PropertyConstraintViolation,
                           "connectorId must be greater than 0 for a transaction");
    std::tie(start.evse_id, start.connector_id) = evse_of(connector);
    start.id_token = IdToken{p.at("idTag").get<std::string>(), ""};
    start.meter_start_wh = p.at("meterStart").get<double>();
    start.timestamp = time_or(p, "timestamp", now);
    if (auto reservation = opt_int(p, "reservationId")) start.reservation_id = static_cast<int>(*reservation);
    return start;
  }
  if (action == "StopTransaction") {
    StopTransactionRequest stop;
    stop.transaction_id = p.at("transactionId").get<std::int64_t>();
    if (auto tag = opt_string(p, "idTag")) stop.id_token = IdToken{*tag, ""};
    stop.meter_stop_wh = p.at("meterStop").get<double>();
    stop.timestamp = time_or(p, "timestamp", now);
    stop.reason = string_or(p, "reason", "Local");  // 1.6: absent means Local
    stop.samples = samples_from(detail::member_or_empty(p, "transactionData"), stop.timestamp);
    return stop;
  }
  if (action == "MeterValues") {
    MeterValuesRequest values;
    values.evse_id = evse_of(p.at("connectorId").get<long long>()).first;
    if (auto tx = opt_int(p, "transactionId")) values.transaction_id = std::to_string(*tx);
    values.samples = samples_from(p.at("meterValue"), now);
    return values;
  }
  if (action == "DataTransfer")
    return DataTransferRequest{p.at("vendorId").get<std::string>(), opt_string(p, "messageId"), p.dump()};
  if (action == "SecurityEventNotification") return report(action, p, detail::opt_time(p, "timestamp"), now);
  if (handles(action)) return report(action, p, std::nullopt, now);
  throw TranslateError(ErrorCode::NotImplemented, "no handler for " + std::string(action));
}

json to_reply(std::string_view action, const Response& response) {
  if (auto* boot = std::get_if<BootResponse>(&response))
    return {{"status", to_string(boot->status)},
            {"currentTime", format_timestamp(boot->current_time)},
            {"interval", boot->interval_s}};
  if (auto* heartbeat = std::get_if<HeartbeatResponse>(&response))
    return {{"currentTime", format_timestamp(heartbeat->current_time)}};
  if (auto* authorize = std::get_if<AuthorizeResponse>(&response))
    return {{"idTagInfo", id_tag_info(authorize->authorization)}};
  if (auto* start = std::get_if<StartTransactionResponse>(&response))
    return {{"transactionId", start->transaction_id}, {"idTagInfo", id_tag_info(start->authorization)}};
  if (auto* stop = std::get_if<StopTransactionResponse>(&response)) {
    json reply = json::object();
    if (stop->authorization) reply["idTagInfo"] = id_tag_info(*stop->authorization);
    return reply;
  }
  if (auto* transfer = std::get_if<DataTransferResponse>(&response)) return {{"status", transfer->status}};
  // Recorded; this CSMS signs no certificates yet (security whitepaper A02), and says so.
  if (action == "SignCertificate") return {{"status", "Rejected"}};
  return json::object();
}

}  // namespace csms::ocpp::v16

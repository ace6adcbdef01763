#include "ocpp/v201/translate.hpp"

#include <array>
#include <cmath>

#include "csms/ocpp/translate.hpp"
#include "ocpp/device_model.hpp"
#include "ocpp/json_read.hpp"
#include "ocpp/meter_units.hpp"
#include "ocpp/problems.hpp"
#include "ocpp/utf8.hpp"

namespace csms::ocpp::v201 {
namespace {

using namespace domain;
using detail::opt_int;
using detail::opt_string;
using detail::string_or;
using detail::time_or;
using json = nlohmann::json;

// Every message a charging station may send to a CSMS in 2.0.1 (Part 2, per functional
// block). Those without domain meaning are recorded as reports and answered with their
// schema's minimal reply.
constexpr std::array<std::string_view, 25> kHandled = {
    "Authorize",
    "BootNotification",
    "ClearedChargingLimit",
    "DataTransfer",
    "FirmwareStatusNotification",
    "Get15118EVCertificate",
    "GetCertificateStatus",
    "Heartbeat",
    "LogStatusNotification",
    "MeterValues",
    "NotifyChargingLimit",
    "NotifyCustomerInformation",
    "NotifyDisplayMessages",
    "NotifyEVChargingNeeds",
    "NotifyEVChargingSchedule",
    "NotifyEvent",
    "NotifyMonitoringReport",
    "NotifyReport",
    "PublishFirmwareStatusNotification",
    "ReportChargingProfiles",
    "ReservationStatusUpdate",
    "SecurityEventNotification",
    "SignCertificate",
    "StatusNotification",
    "TransactionEvent",
};

IdToken id_token_from(const json& token) {
  return IdToken{token.at("idToken").get<std::string>(), token.at("type").get<std::string>()};
}

MeterSample sample_from(const json& sampled, Timestamp timestamp) {
  MeterSample sample;
  sample.timestamp = timestamp;
  sample.measurand = string_or(sampled, "measurand", "Energy.Active.Import.Register");
  sample.phase = string_or(sampled, "phase", "");
  sample.location = string_or(sampled, "location", "Outlet");
  sample.context = string_or(sampled, "context", "Sample.Periodic");
  double value = sampled.at("value").get<double>();
  sample.raw_value = sampled.at("value").dump();
  sample.unit = "Wh";
  if (auto unit = sampled.find("unitOfMeasure"); unit != sampled.end()) {
    sample.unit = string_or(*unit, "unit", "Wh");
    if (auto multiplier = opt_int(*unit, "multiplier"))
      value *= std::pow(10.0, static_cast<double>(*multiplier));
  }
  sample.value = value;
  if (auto signed_value = sampled.find("signedMeterValue"); signed_value != sampled.end())
    sample.signed_data = signed_value->dump();
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

std::optional<Timestamp> report_time(std::string_view action, const json& p) {
  for (const char* key : {"generatedAt", "timestamp"})
    if (auto t = detail::opt_time(p, key)) return t;
  (void)action;
  return std::nullopt;
}

json id_token_info(const Authorization& authorization) {
  json info = {{"status", to_string(authorization.status)}};
  if (authorization.expires_at) info["cacheExpiryDateTime"] = format_timestamp(*authorization.expires_at);
  if (authorization.group)
    info["groupIdToken"] = {{"idToken", detail::utf8_prefix(*authorization.group, 36)}, {"type", "Central"}};
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
    const auto& station = p.at("chargingStation");
    BootRequest boot;
    boot.vendor = station.at("vendorName").get<std::string>();
    boot.model = station.at("model").get<std::string>();
    boot.serial_number = opt_string(station, "serialNumber");
    boot.firmware_version = opt_string(station, "firmwareVersion");
    if (auto modem = station.find("modem"); modem != station.end()) {
      boot.iccid = opt_string(*modem, "iccid");
      boot.imsi = opt_string(*modem, "imsi");
    }
    boot.reason = opt_string(p, "reason");
    return boot;
  }
  if (action == "Heartbeat") return HeartbeatRequest{};
  if (action == "StatusNotification") {
    StatusRequest status;
    status.evse_id = static_cast<int>(p.at("evseId").get<long long>());
    status.connector_id = static_cast<int>(p.at("connectorId").get<long long>());
    status.status = connector_status_from(p.at("connectorStatus").get<std::string>())
                        .value_or(ConnectorStatus::Unavailable);
    status.timestamp = time_or(p, "timestamp", now);
    return status;
  }
  if (action == "Authorize") return AuthorizeRequest{id_token_from(p.at("idToken"))};
  if (action == "TransactionEvent") {
    TransactionEventRequest event;
    auto type = p.at("eventType").get<std::string>();
    event.kind = type == "Started" ? TransactionEventKind::Started
                 : type == "Ended" ? TransactionEventKind::Ended
                                   : TransactionEventKind::Updated;
    event.timestamp = time_or(p, "timestamp", now);
    event.trigger_reason = p.at("triggerReason").get<std::string>();
    event.seq_no = static_cast<int>(p.at("seqNo").get<long long>());
    event.offline = p.value("offline", false);
    const auto& info = p.at("transactionInfo");
    event.transaction_id = info.at("transactionId").get<std::string>();
    if (auto state = opt_string(info, "chargingState")) event.charging_state = charging_state_from(*state);
    event.stopped_reason = opt_string(info, "stoppedReason");
    if (auto remote = opt_int(info, "remoteStartId")) event.remote_start_id = static_cast<int>(*remote);
    if (auto reservation = opt_int(p, "reservationId")) event.reservation_id = static_cast<int>(*reservation);
    if (auto evse = p.find("evse"); evse != p.end()) {
      event.evse_id = static_cast<int>(evse->at("id").get<long long>());
      if (auto connector = opt_int(*evse, "connectorId")) event.connector_id = static_cast<int>(*connector);
    }
    if (auto token = p.find("idToken"); token != p.end()) event.id_token = id_token_from(*token);
    event.samples = samples_from(detail::member_or_empty(p, "meterValue"), event.timestamp);
    return event;
  }
  if (action == "MeterValues") {
    MeterValuesRequest values;
    values.evse_id = static_cast<int>(p.at("evseId").get<long long>());
    values.samples = samples_from(p.at("meterValue"), now);
    return values;
  }
  if (action == "DataTransfer")
    return DataTransferRequest{p.at("vendorId").get<std::string>(), opt_string(p, "messageId"), p.dump()};
  if (handles(action)) {
    StationReport report{std::string(action),
                         report_time(action, p),
                         p.dump(),
                         detail::problems_of(action, p, now),
                         std::nullopt,
                         {},
                         std::nullopt,
                         detail::file_status_of(action, p)};
    if (action == "ReservationStatusUpdate")
      report.reservation_ended = {
          static_cast<int>(p.at("reservationId").get<long long>()),
          p.at("reservationUpdateStatus").get<std::string>() == "Expired" ? "expired" : "removed"};
    if (action == "NotifyReport") {
      report.variables = detail::report_variables(p);
      report.report_part =
          ReportPart{static_cast<int>(p.at("requestId").get<long long>()),
                     static_cast<int>(p.at("seqNo").get<long long>()), p.value("tbc", false)};
    }
    return report;
  }
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
    return {{"idTokenInfo", id_token_info(authorize->authorization)}};
  if (auto* event = std::get_if<TransactionEventResponse>(&response)) {
    json reply = json::object();
    if (event->authorization) reply["idTokenInfo"] = id_token_info(*event->authorization);
    // A decimal in the currency of the station's tariff, as the schema's number.
    if (event->total_cost) reply["totalCost"] = json::parse(*event->total_cost, nullptr, false);
    if (reply.contains("totalCost") && !reply["totalCost"].is_number()) reply.erase("totalCost");
    return reply;
  }
  if (auto* transfer = std::get_if<DataTransferResponse>(&response)) return {{"status", transfer->status}};
  // Messages recorded as reports whose reply carries a status: this CSMS provides no
  // certificate services or ISO 15118 schedules, and says so.
  if (action == "Get15118EVCertificate") return {{"status", "Failed"}, {"exiResponse", ""}};
  if (action == "GetCertificateStatus") return {{"status", "Failed"}};
  if (action == "SignCertificate") return {{"status", "Rejected"}};
  if (action == "NotifyEVChargingNeeds") {
    const auto* reply = std::get_if<EmptyResponse>(&response);
    return {{"status", reply && reply->status ? *reply->status : "Rejected"}};
  }
  if (action == "NotifyEVChargingSchedule") return {{"status", "Accepted"}};
  return json::object();
}

}  // namespace csms::ocpp::v201

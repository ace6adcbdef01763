#include "csms/ocpp/commands.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <optional>

#include "csms/domain/commands.hpp"
#include "csms/ocpp/validator.hpp"

namespace csms::ocpp {
namespace {

using json = nlohmann::json;

// Sent by the server itself (password rotation A01, profile upgrade A05, the running cost of
// a 2.0.1 transaction), not from the REST command route.
constexpr std::array<std::string_view, 5> kServerCommands = {
    "set-password", "cost-updated", "set-security-profile", "set-network-profile", "set-network-priority",
};

const json& need(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) throw CommandError(std::string("'") + key + "' is required");
  return *it;
}

std::string need_string(const json& body, const char* key) {
  const auto& value = need(body, key);
  if (!value.is_string()) throw CommandError(std::string("'") + key + "' must be a string");
  return value.get<std::string>();
}

std::optional<long long> opt_integer(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) throw CommandError(std::string("'") + key + "' must be an integer");
  return it->get<long long>();
}

// An optional member; null counts as absent, as for every other optional field.
const json* optional_member(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

// The charger's transaction id as the body gives it: a string or an integer, as text.
std::string transaction_id_text(const json& body) {
  const auto& id = need(body, "transaction_id");
  if (id.is_string()) return id.get<std::string>();
  if (id.is_number_integer()) return id.dump();
  throw CommandError("'transaction_id' must be a string or an integer");
}

long long need_integer(const json& body, const char* key) {
  auto value = opt_integer(body, key);
  if (!value) throw CommandError(std::string("'") + key + "' is required");
  return *value;
}

// "Component.Variable" or "Component.Variable.Instance" (2.0.1 device model); a bare name is
// not enough to address a 2.0.1 variable.
// CertificateHashData, the same in 1.6 (security extension) and 2.0.1.
json certificate_hash(const json& body) {
  return {{"hashAlgorithm", need_string(body, "hash_algorithm")},
          {"issuerNameHash", need_string(body, "issuer_name_hash")},
          {"issuerKeyHash", need_string(body, "issuer_key_hash")},
          {"serialNumber", need_string(body, "serial_number")}};
}

// The commands of certificate management and credentials; nullopt for the others. One body shape: types
// by their 2.0.1 names (CSMSRootCertificate is 1.6's CentralSystemRootCertificate).
std::optional<OutboundCall> security_command(Version version, std::string_view name, const json& body) {
  const bool v16 = version == Version::V16;
  auto type_name = [v16](std::string type) {
    return v16 && type == "CSMSRootCertificate" ? std::string("CentralSystemRootCertificate") : type;
  };
  if (name == "install-certificate")
    return OutboundCall{"InstallCertificate",
                        {{"certificateType", type_name(need_string(body, "certificate_type"))},
                         {"certificate", need_string(body, "certificate")}}};
  if (name == "get-installed-certificate-ids") {
    const json* types = optional_member(body, "certificate_type");
    if (v16) {
      if (types == nullptr || !types->is_string())
        throw CommandError(
            "'certificate_type' (CSMSRootCertificate or ManufacturerRootCertificate) is required for OCPP "
            "1.6");
      return OutboundCall{"GetInstalledCertificateIds",
                          {{"certificateType", type_name(types->get<std::string>())}}};
    }
    json p = json::object();
    if (types != nullptr) p["certificateType"] = types->is_array() ? *types : json::array({*types});
    return OutboundCall{"GetInstalledCertificateIds", p};
  }
  if (name == "delete-certificate")
    return OutboundCall{"DeleteCertificate", {{"certificateHashData", certificate_hash(body)}}};
  if (name == "set-password") {
    const std::string password = need_string(body, "password");
    if (v16) {
      // AuthorizationKey: the hex form of the password's bytes (DIGEST A.10).
      static constexpr char kHex[] = "0123456789abcdef";
      std::string hex;
      for (unsigned char c : password) {
        hex += kHex[c >> 4];
        hex += kHex[c & 15];
      }
      return OutboundCall{"ChangeConfiguration", {{"key", "AuthorizationKey"}, {"value", hex}}};
    }
    return OutboundCall{"SetVariables",
                        {{"setVariableData", json::array({{{"component", {{"name", "SecurityCtrlr"}}},
                                                           {"variable", {{"name", "BasicAuthPassword"}}},
                                                           {"attributeValue", password}}})}}};
  }
  if (name == "set-security-profile" && v16)
    return OutboundCall{
        "ChangeConfiguration",
        {{"key", "SecurityProfile"}, {"value", std::to_string(need_integer(body, "profile"))}}};
  if (name == "set-network-profile" && !v16)
    return OutboundCall{"SetNetworkProfile",
                        {{"configurationSlot", need_integer(body, "slot")},
                         {"connectionData",
                          {{"ocppVersion", "OCPP20"},
                           {"ocppTransport", "JSON"},
                           {"ocppCsmsUrl", need_string(body, "csms_url")},
                           {"messageTimeout", 30},
                           {"securityProfile", need_integer(body, "profile")},
                           {"ocppInterface", body.value("interface", std::string("Wired0"))}}}}};
  if (name == "set-network-priority" && !v16)
    return OutboundCall{
        "SetVariables",
        {{"setVariableData", json::array({{{"component", {{"name", "OCPPCommCtrlr"}}},
                                           {"variable", {{"name", "NetworkConfigurationPriority"}}},
                                           {"attributeValue", need_string(body, "priority")}}})}}};
  if (name == "set-security-profile" || name == "set-network-profile" || name == "set-network-priority")
    throw CommandError(std::string(name) + " is not an OCPP " + (v16 ? "1.6" : "2.0.1") + " step");
  if (name == "cost-updated") {
    if (v16) throw CommandError("CostUpdated is not an OCPP 1.6 message");
    // totalCost is a number: the decimal text as JSON (exact up to the digits it has).
    auto total = json::parse(need_string(body, "total_cost"), nullptr, false);
    if (!total.is_number()) throw CommandError("'total_cost' must be a decimal number as text");
    return OutboundCall{"CostUpdated",
                        {{"totalCost", total}, {"transactionId", need_string(body, "transaction_id")}}};
  }
  if (name == "renew-certificate")
    return v16 ? OutboundCall{"ExtendedTriggerMessage", {{"requestedMessage", "SignChargePointCertificate"}}}
               : OutboundCall{"TriggerMessage", {{"requestedMessage", "SignChargingStationCertificate"}}};
  return std::nullopt;
}

json component_variable(const std::string& key) {
  auto first = key.find('.');
  if (first == std::string::npos || first == 0 || first + 1 == key.size())
    throw CommandError("'" + key + "' is not Component.Variable[.Instance] as OCPP 2.0.1 needs");
  auto second = key.find('.', first + 1);
  json variable = {
      {"name", key.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1)}};
  if (second != std::string::npos) variable["instance"] = key.substr(second + 1);
  return {{"component", {{"name", key.substr(0, first)}}}, {"variable", variable}};
}

// The 2.0.1 IdTokenEnumType of the token a reservation is for: a card (ISO14443) unless
// the body says otherwise.
std::string token_type(const json& body) {
  const auto* type = optional_member(body, "id_token_type");
  if (type == nullptr) return "ISO14443";
  if (!type->is_string()) throw CommandError("'id_token_type' must be a string");
  return type->get<std::string>();
}

std::optional<std::string> opt_string(const json& body, const char* key) {
  const auto* value = optional_member(body, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) throw CommandError(std::string("'") + key + "' must be a string");
  return value->get<std::string>();
}

// Firmware and logs, one body shape for both versions: update-firmware {"location",
// "retrieve_at", "install_at"?, "retries"?, "retry_interval_s"?, "signing_certificate"?,
// "signature"?} (1.6 with a signature: the security extension's SignedUpdateFirmware);
// get-diagnostics {"location" (where to upload), "log_type"? ("DiagnosticsLog", or
// "SecurityLog": 1.6 security extension GetLog), "from"?, "to"?, "retries"?,
// "retry_interval_s"?}. nullopt for other names.
std::optional<OutboundCall> file_command(Version version, std::string_view name, const json& body,
                                         int counter) {
  const bool v16 = version == Version::V16;
  // A transfer through the CSMS's file endpoint names its own request id (the transfer's).
  const auto given = opt_integer(body, "request_id");
  if (given && (*given < 0 || *given > std::numeric_limits<int>::max()))
    throw CommandError("'request_id' is out of range");
  const auto request_id = given ? static_cast<int>(*given) : counter;
  auto retries = [&](json& p) {
    if (auto n = opt_integer(body, "retries")) p["retries"] = *n;
    if (auto n = opt_integer(body, "retry_interval_s")) p["retryInterval"] = *n;
  };
  if (name == "update-firmware") {
    const auto certificate = opt_string(body, "signing_certificate");
    const auto signature = opt_string(body, "signature");
    if (certificate.has_value() != signature.has_value())
      throw CommandError("'signing_certificate' and 'signature' go together");
    if (v16 && !certificate) {
      json p = {{"location", need_string(body, "location")},
                {"retrieveDate", need_string(body, "retrieve_at")}};
      retries(p);
      return OutboundCall{"UpdateFirmware", p};
    }
    json firmware = {{"location", need_string(body, "location")},
                     {"retrieveDateTime", need_string(body, "retrieve_at")}};
    if (auto at = opt_string(body, "install_at")) firmware["installDateTime"] = *at;
    if (certificate) firmware["signingCertificate"] = *certificate;
    if (signature) firmware["signature"] = *signature;
    json p = {{"requestId", request_id}, {"firmware", firmware}};
    retries(p);
    return OutboundCall{v16 ? "SignedUpdateFirmware" : "UpdateFirmware", p};
  }
  if (name == "get-diagnostics") {
    const auto type = opt_string(body, "log_type").value_or("DiagnosticsLog");
    if (type != "DiagnosticsLog" && type != "SecurityLog")
      throw CommandError("'log_type' must be DiagnosticsLog or SecurityLog");
    if (v16 && type == "DiagnosticsLog") {
      json p = {{"location", need_string(body, "location")}};
      if (auto from = opt_string(body, "from")) p["startTime"] = *from;
      if (auto to = opt_string(body, "to")) p["stopTime"] = *to;
      retries(p);
      return OutboundCall{"GetDiagnostics", p};
    }
    json log = {{"remoteLocation", need_string(body, "location")}};
    if (auto from = opt_string(body, "from")) log["oldestTimestamp"] = *from;
    if (auto to = opt_string(body, "to")) log["latestTimestamp"] = *to;
    json p = {{"log", log}, {"logType", type}, {"requestId", request_id}};
    retries(p);
    return OutboundCall{"GetLog", p};
  }
  return std::nullopt;
}

// Charging profiles, passed through in the station's own version's shape (the schema checks
// it): set-charging-profile {"evse_id" (0: the station), "charging_profile"};
// clear-charging-profile {"profile_id"?, "evse_id"?, "purpose"?, "stack_level"?};
// get-composite-schedule {"evse_id", "duration_s", "charging_rate_unit"? ("A" | "W")}.
// nullopt for other names.
std::optional<OutboundCall> charging_command(Version version, std::string_view name, const json& body) {
  const bool v16 = version == Version::V16;
  if (name == "set-charging-profile") {
    const auto& profile = need(body, "charging_profile");
    if (!profile.is_object()) throw CommandError("'charging_profile' must be an object");
    const auto evse = need_integer(body, "evse_id");
    return v16 ? OutboundCall{"SetChargingProfile", {{"connectorId", evse}, {"csChargingProfiles", profile}}}
               : OutboundCall{"SetChargingProfile", {{"evseId", evse}, {"chargingProfile", profile}}};
  }
  if (name == "clear-charging-profile") {
    const auto id = opt_integer(body, "profile_id");
    const auto evse = opt_integer(body, "evse_id");
    const auto purpose = opt_string(body, "purpose");
    const auto level = opt_integer(body, "stack_level");
    json p = json::object();
    if (v16) {
      if (id) p["id"] = *id;
      if (evse) p["connectorId"] = *evse;
      if (purpose) p["chargingProfilePurpose"] = *purpose;
      if (level) p["stackLevel"] = *level;
      return OutboundCall{"ClearChargingProfile", p};
    }
    if (id) p["chargingProfileId"] = *id;
    json criteria = json::object();
    if (evse) criteria["evseId"] = *evse;
    if (purpose) criteria["chargingProfilePurpose"] = *purpose;
    if (level) criteria["stackLevel"] = *level;
    if (!criteria.empty()) p["chargingProfileCriteria"] = criteria;
    return OutboundCall{"ClearChargingProfile", p};
  }
  if (name == "get-composite-schedule") {
    json p = {{"duration", need_integer(body, "duration_s")}};
    p[v16 ? "connectorId" : "evseId"] = need_integer(body, "evse_id");
    if (auto unit = opt_string(body, "charging_rate_unit")) p["chargingRateUnit"] = *unit;
    return OutboundCall{"GetCompositeSchedule", p};
  }
  return std::nullopt;
}

// The 2.0.1 messages 1.6 has no counterpart for; nullopt for other names.
std::optional<OutboundCall> v201_only_command(Version version, std::string_view name, const json& body,
                                              int request_id) {
  static constexpr std::array<std::string_view, 13> kNames = {
      "get-transaction-status",  "customer-information",      "set-display-message", "get-display-messages",
      "clear-display-message",   "get-base-report",           "get-report",          "get-monitoring-report",
      "set-variable-monitoring", "clear-variable-monitoring", "set-monitoring-base", "set-monitoring-level",
      "get-charging-profiles"};
  if (std::find(kNames.begin(), kNames.end(), name) == kNames.end()) return std::nullopt;
  if (version == Version::V16)
    throw CommandError(std::string(name) + " is an OCPP 2.0.1 message; 1.6 has none");
  if (name == "get-charging-profiles") {
    // The profiles come back as ReportChargingProfiles (kept as station reports).
    json criterion = json::object();
    if (auto purpose = opt_string(body, "purpose")) criterion["chargingProfilePurpose"] = *purpose;
    if (auto level = opt_integer(body, "stack_level")) criterion["stackLevel"] = *level;
    if (const auto* ids = optional_member(body, "profile_ids")) criterion["chargingProfileId"] = *ids;
    if (const auto* sources = optional_member(body, "limit_sources"))
      criterion["chargingLimitSource"] = *sources;
    json p = {{"requestId", request_id}, {"chargingProfile", criterion}};
    if (auto evse = opt_integer(body, "evse_id")) p["evseId"] = *evse;
    return OutboundCall{"GetChargingProfiles", p};
  }
  if (name == "get-transaction-status") {
    json p = json::object();
    if (optional_member(body, "transaction_id") != nullptr) p["transactionId"] = transaction_id_text(body);
    return OutboundCall{"GetTransactionStatus", p};
  }
  if (name == "customer-information") {
    auto flag = [&](const char* key) {
      const auto& value = need(body, key);
      if (!value.is_boolean()) throw CommandError(std::string("'") + key + "' must be true or false");
      return value.get<bool>();
    };
    json p = {{"requestId", request_id}, {"report", flag("report")}, {"clear", flag("clear")}};
    if (auto customer = opt_string(body, "customer_identifier")) p["customerIdentifier"] = *customer;
    if (auto token = opt_string(body, "id_token"))
      p["idToken"] = {{"idToken", *token}, {"type", token_type(body)}};
    return OutboundCall{"CustomerInformation", p};
  }
  if (name == "set-display-message") {
    json content = {{"format", opt_string(body, "format").value_or("UTF8")},
                    {"content", need_string(body, "message")}};
    if (auto language = opt_string(body, "language")) content["language"] = *language;
    json message = {{"id", need_integer(body, "id")},
                    {"priority", opt_string(body, "priority").value_or("NormalCycle")},
                    {"message", content}};
    if (auto state = opt_string(body, "state")) message["state"] = *state;
    if (auto from = opt_string(body, "start_at")) message["startDateTime"] = *from;
    if (auto to = opt_string(body, "end_at")) message["endDateTime"] = *to;
    if (optional_member(body, "transaction_id") != nullptr)
      message["transactionId"] = transaction_id_text(body);
    return OutboundCall{"SetDisplayMessage", {{"message", message}}};
  }
  if (name == "get-display-messages") {
    json p = {{"requestId", request_id}};
    if (const auto* ids = optional_member(body, "ids")) p["id"] = *ids;
    if (auto priority = opt_string(body, "priority")) p["priority"] = *priority;
    if (auto state = opt_string(body, "state")) p["state"] = *state;
    return OutboundCall{"GetDisplayMessages", p};
  }
  // "keys": ["Component.Variable[.Instance]", ...] as componentVariable.
  auto keys = [&](json& p) {
    const auto* given = optional_member(body, "keys");
    if (given == nullptr) return;
    if (!given->is_array()) throw CommandError("'keys' must be an array of strings");
    json list = json::array();
    for (const auto& key : *given) {
      if (!key.is_string()) throw CommandError("'keys' must be an array of strings");
      list.push_back(component_variable(key.get<std::string>()));
    }
    p["componentVariable"] = list;
  };
  if (name == "get-base-report")
    return OutboundCall{"GetBaseReport",
                        {{"requestId", request_id}, {"reportBase", need_string(body, "report_base")}}};
  if (name == "get-report" || name == "get-monitoring-report") {
    json p = {{"requestId", request_id}};
    if (const auto* criteria = optional_member(body, "criteria"))
      p[name == "get-report" ? "componentCriteria" : "monitoringCriteria"] = *criteria;
    keys(p);
    return OutboundCall{name == "get-report" ? "GetReport" : "GetMonitoringReport", p};
  }
  if (name == "set-variable-monitoring") {
    const auto& monitors = need(body, "monitors");
    if (!monitors.is_array() || monitors.empty()) throw CommandError("'monitors' must be a non-empty array");
    json data = json::array();
    for (const auto& monitor : monitors) {
      auto item = component_variable(need_string(monitor, "key"));
      item["type"] = need_string(monitor, "type");
      const auto& value = need(monitor, "value");
      if (!value.is_number()) throw CommandError("a monitor's 'value' must be a number");
      item["value"] = value;
      item["severity"] = need_integer(monitor, "severity");
      if (auto id = opt_integer(monitor, "id")) item["id"] = *id;
      if (const auto* transaction = optional_member(monitor, "transaction"))
        item["transaction"] = *transaction;
      data.push_back(item);
    }
    return OutboundCall{"SetVariableMonitoring", {{"setMonitoringData", data}}};
  }
  if (name == "clear-variable-monitoring")
    return OutboundCall{"ClearVariableMonitoring", {{"id", need(body, "ids")}}};
  if (name == "set-monitoring-base")
    return OutboundCall{"SetMonitoringBase", {{"monitoringBase", need_string(body, "base")}}};
  if (name == "set-monitoring-level")
    return OutboundCall{"SetMonitoringLevel", {{"severity", need_integer(body, "severity")}}};
  return OutboundCall{"ClearDisplayMessage", {{"id", need_integer(body, "id")}}};
}

// SendLocalList: {"list_version", "update_type": "Full" or "Differential", "entries": [{"id_token",
// "status"? (absent: remove it, differential only), "expires_at"?, "group_id_token"?}]}.
OutboundCall local_list(Version version, const json& body) {
  const bool v16 = version == Version::V16;
  const auto& entries = need(body, "entries");
  if (!entries.is_array()) throw CommandError("'entries' must be an array");
  json list = json::array();
  for (const auto& entry : entries) {
    const auto token = need_string(entry, "id_token");
    json item = v16 ? json{{"idTag", token}} : json{{"idToken", {{"idToken", token}, {"type", "ISO14443"}}}};
    if (const auto* status = optional_member(entry, "status")) {
      json info = {{"status", *status}};
      if (const auto* expires = optional_member(entry, "expires_at"))
        info[v16 ? "expiryDate" : "cacheExpiryDateTime"] = *expires;
      if (const auto* group = optional_member(entry, "group_id_token")) {
        if (v16)
          info["parentIdTag"] = *group;
        else
          info["groupIdToken"] = {{"idToken", *group}, {"type", "Central"}};
      }
      item[v16 ? "idTagInfo" : "idTokenInfo"] = info;
    }
    list.push_back(item);
  }
  json p = {{v16 ? "listVersion" : "versionNumber", need_integer(body, "list_version")},
            {"updateType", need_string(body, "update_type")}};
  if (!list.empty()) p["localAuthorizationList"] = list;
  return {"SendLocalList", p};
}

OutboundCall build_16(std::string_view name, const json& body) {
  if (name == "remote-start") {
    json p = {{"idTag", need_string(body, "id_token")}};
    if (auto evse = opt_integer(body, "evse_id")) p["connectorId"] = *evse;
    if (const auto* profile = optional_member(body, "charging_profile")) p["chargingProfile"] = *profile;
    return {"RemoteStartTransaction", p};
  }
  if (name == "remote-stop") {
    // The whole text must be the number: "12abc" is not transaction 12.
    auto text = transaction_id_text(body);
    long long numeric = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), numeric);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty())
      throw CommandError("'transaction_id' must be an integer for OCPP 1.6");
    return {"RemoteStopTransaction", {{"transactionId", numeric}}};
  }
  if (name == "reset") return {"Reset", {{"type", need_string(body, "type")}}};
  if (name == "unlock") return {"UnlockConnector", {{"connectorId", need_integer(body, "evse_id")}}};
  if (name == "change-availability") {
    const auto& operative = need(body, "operative");
    if (!operative.is_boolean()) throw CommandError("'operative' must be true or false");
    return {"ChangeAvailability",
            {{"connectorId", opt_integer(body, "evse_id").value_or(0)},
             {"type", operative.get<bool>() ? "Operative" : "Inoperative"}}};
  }
  if (name == "get-configuration") {
    json p = json::object();
    if (auto keys = body.find("keys"); keys != body.end() && !keys->empty()) p["key"] = *keys;
    return {"GetConfiguration", p};
  }
  if (name == "set-configuration") {
    const auto& value = need(body, "value");
    return {"ChangeConfiguration",
            {{"key", need_string(body, "key")},
             {"value", value.is_string() ? value.get<std::string>() : value.dump()}}};
  }
  if (name == "trigger-message") {
    const auto message = need_string(body, "message");
    json p = {{"requestedMessage", message}};
    if (auto evse = opt_integer(body, "evse_id")) p["connectorId"] = *evse;
    // What only the security extension's ExtendedTriggerMessage can ask for.
    const bool extended = message == "LogStatusNotification" || message == "SignChargePointCertificate";
    return {extended ? "ExtendedTriggerMessage" : "TriggerMessage", p};
  }
  if (name == "clear-cache") return {"ClearCache", json::object()};
  if (name == "reserve") {
    json p = {{"connectorId", opt_integer(body, "evse_id").value_or(0)},
              {"expiryDate", need_string(body, "expires_at")},
              {"idTag", need_string(body, "id_token")},
              {"reservationId", need_integer(body, "reservation_id")}};
    if (const auto* group = optional_member(body, "group_id_token")) p["parentIdTag"] = *group;
    return {"ReserveNow", p};
  }
  if (name == "cancel-reservation")
    return {"CancelReservation", {{"reservationId", need_integer(body, "reservation_id")}}};
  json p = {{"vendorId", need_string(body, "vendor_id")}};
  if (const auto* message_id = optional_member(body, "message_id")) p["messageId"] = *message_id;
  if (auto data = body.find("data"); data != body.end() && !data->is_null())
    p["data"] = data->is_string() ? data->get<std::string>() : data->dump();
  return {"DataTransfer", p};
}

OutboundCall build_201(std::string_view name, const json& body, int request_id) {
  if (name == "remote-start") {
    json p = {{"idToken", {{"idToken", need_string(body, "id_token")}, {"type", "Central"}}},
              {"remoteStartId", request_id}};
    if (auto evse = opt_integer(body, "evse_id")) p["evseId"] = *evse;
    if (const auto* profile = optional_member(body, "charging_profile")) p["chargingProfile"] = *profile;
    return {"RequestStartTransaction", p};
  }
  if (name == "remote-stop") {
    return {"RequestStopTransaction", {{"transactionId", transaction_id_text(body)}}};
  }
  if (name == "reset") {
    auto type = need_string(body, "type");
    // 2.0.1 renamed the reset kinds: Hard is Immediate, Soft waits for idle.
    json p = {{"type", type == "Hard" ? "Immediate" : type == "Soft" ? "OnIdle" : type}};
    if (auto evse = opt_integer(body, "evse_id")) p["evseId"] = *evse;
    return {"Reset", p};
  }
  if (name == "unlock")
    return {"UnlockConnector",
            {{"evseId", need_integer(body, "evse_id")},
             {"connectorId", opt_integer(body, "connector_id").value_or(1)}}};
  if (name == "change-availability") {
    const auto& operative = need(body, "operative");
    if (!operative.is_boolean()) throw CommandError("'operative' must be true or false");
    json p = {{"operationalStatus", operative.get<bool>() ? "Operative" : "Inoperative"}};
    if (auto evse = opt_integer(body, "evse_id")) {
      p["evse"] = {{"id", *evse}};
      if (auto connector = opt_integer(body, "connector_id")) p["evse"]["connectorId"] = *connector;
    }
    return {"ChangeAvailability", p};
  }
  if (name == "get-configuration") {
    auto keys = body.find("keys");
    if (keys == body.end() || keys->empty())
      return {"GetBaseReport", {{"requestId", request_id}, {"reportBase", "ConfigurationInventory"}}};
    if (!keys->is_array()) throw CommandError("'keys' must be an array of strings");
    json data = json::array();
    for (const auto& key : *keys) {
      if (!key.is_string()) throw CommandError("'keys' must be an array of strings");
      data.push_back(component_variable(key.get<std::string>()));
    }
    return {"GetVariables", {{"getVariableData", data}}};
  }
  if (name == "set-configuration") {
    auto entry = component_variable(need_string(body, "key"));
    const auto& value = need(body, "value");
    entry["attributeValue"] = value.is_string() ? value.get<std::string>() : value.dump();
    return {"SetVariables", {{"setVariableData", json::array({entry})}}};
  }
  if (name == "trigger-message") {
    json p = {{"requestedMessage", need_string(body, "message")}};
    if (auto evse = opt_integer(body, "evse_id")) p["evse"] = {{"id", *evse}};
    return {"TriggerMessage", p};
  }
  if (name == "clear-cache") return {"ClearCache", json::object()};
  if (name == "reserve") {
    json p = {{"id", need_integer(body, "reservation_id")},
              {"expiryDateTime", need_string(body, "expires_at")},
              {"idToken", {{"idToken", need_string(body, "id_token")}, {"type", token_type(body)}}}};
    if (auto evse = opt_integer(body, "evse_id"); evse && *evse > 0) p["evseId"] = *evse;
    if (const auto* group = optional_member(body, "group_id_token"))
      p["groupIdToken"] = {{"idToken", *group}, {"type", token_type(body)}};
    return {"ReserveNow", p};
  }
  if (name == "cancel-reservation")
    return {"CancelReservation", {{"reservationId", need_integer(body, "reservation_id")}}};
  json p = {{"vendorId", need_string(body, "vendor_id")}};
  if (const auto* message_id = optional_member(body, "message_id")) p["messageId"] = *message_id;
  if (const auto* data = optional_member(body, "data")) p["data"] = *data;
  return {"DataTransfer", p};
}

}  // namespace

bool is_command(std::string_view name) {
  return domain::is_operator_command(name) ||
         std::find(kServerCommands.begin(), kServerCommands.end(), name) != kServerCommands.end();
}

OutboundCall build_command(Version version, std::string_view name, const json& body, int request_id) {
  if (!is_command(name)) throw CommandError("unknown command '" + std::string(name) + "'");
  if (!body.is_object()) throw CommandError("the body must be a JSON object");
  if (name == "send-local-list" || name == "get-local-list-version") {
    auto call = name == "send-local-list" ? local_list(version, body)
                                          : OutboundCall{"GetLocalListVersion", json::object()};
    const auto* schema = find_schema(version, call.action, Direction::Request);
    if (auto violation = schema ? validate_strict(*schema, call.payload) : std::nullopt)
      throw CommandError(call.action + " would be invalid: " + violation->path + ": " + violation->detail);
    return call;
  }
  auto certificate = security_command(version, name, body);
  if (!certificate) certificate = file_command(version, name, body, request_id);
  if (!certificate) certificate = v201_only_command(version, name, body, request_id);
  if (!certificate) certificate = charging_command(version, name, body);
  auto call = certificate               ? std::move(*certificate)
              : version == Version::V16 ? build_16(name, body)
                                        : build_201(name, body, request_id);
  const auto* schema = find_schema(version, call.action, Direction::Request);
  if (schema == nullptr)
    throw CommandError(call.action + " does not exist in " + std::string(subprotocol(version)));
  if (auto violation = validate_strict(*schema, call.payload))
    throw CommandError(call.action + " would be invalid: " + violation->path + ": " + violation->detail);
  return call;
}

std::string reply_status(std::string_view action, const json& reply) {
  if (auto status = reply.find("status"); status != reply.end() && status->is_string())
    return status->get<std::string>();
  if (action == "SetVariables" || action == "GetVariables") {
    const char* key = action == "SetVariables" ? "setVariableResult" : "getVariableResult";
    auto results = reply.find(key);
    if (results != reply.end() && results->is_array() && !results->empty())
      return results->front().value("attributeStatus", "Accepted");
  }
  return "Accepted";
}

}  // namespace csms::ocpp

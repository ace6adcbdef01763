#include "loadgen/messages.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace csms::loadgen::messages {

namespace {

struct Measurand {
  const char* name;
  const char* unit;  // nullptr: none (1.6 has no unit for Power.Factor)
};

// The first four are what the benchmarks ask for; the rest only when --samples says so.
constexpr std::array<Measurand, kMaxSamples> kMeasurands = {{
    {"Energy.Active.Import.Register", "Wh"},
    {"Power.Active.Import", "W"},
    {"Current.Import", "A"},
    {"Voltage", "V"},
    {"SoC", "Percent"},
    {"Power.Offered", "W"},
    {"Current.Offered", "A"},
    {"Energy.Active.Export.Register", "Wh"},
    {"Power.Active.Export", "W"},
    {"Current.Export", "A"},
    {"Energy.Reactive.Import.Register", "varh"},
    {"Power.Reactive.Import", "var"},
}};

double sample_value(const Meter& m, int index) {
  switch (index) {
    case 0:
      return std::round(m.register_wh);
    case 1:
      return std::round(m.power_w);
    case 2:
      return std::round(m.current_a * 10) / 10;
    case 3:
      return std::round(m.voltage_v * 10) / 10;
    case 4:
      return std::fmod(std::round(m.register_wh / 1000), 100);
    case 5:
      return 11000;
    case 6:
      return 16;
    default:
      return 0;
  }
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

const char* event_type_name(EventType t) {
  switch (t) {
    case EventType::Started:
      return "Started";
    case EventType::Updated:
      return "Updated";
    case EventType::Ended:
      return "Ended";
  }
  return "Updated";
}

json status_only(const char* status) { return json{{"status", status}}; }

// JSON text pieces for the *_text builders.
void append_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

// As nlohmann::json writes a double: the shortest text that reads back the same, with ".0"
// when it would otherwise read as an integer.
void append_number(std::string& out, double v) {
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  std::string_view text(buf, static_cast<std::size_t>(end - buf));
  out += text;
  if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

void append_sampled_values(std::string& out, Protocol protocol, const Meter& meter, int samples) {
  out += '[';
  const int n = std::min(std::max(samples, 1), kMaxSamples);
  for (int i = 0; i < n; ++i) {
    const auto& m = kMeasurands[static_cast<std::size_t>(i)];
    const double v = sample_value(meter, i);
    if (i > 0) out += ',';
    out += "{\"context\":\"Sample.Periodic\",\"location\":\"Outlet\",\"measurand\":";
    append_string(out, m.name);
    if (protocol == Protocol::V201) {
      if (m.unit) {
        out += ",\"unitOfMeasure\":{\"unit\":";
        append_string(out, m.unit);
        out += '}';
      }
      out += ",\"value\":";
      append_number(out, v);
    } else {
      out += ",\"format\":\"Raw\"";
      if (m.unit) {
        out += ",\"unit\":";
        append_string(out, m.unit);
      }
      out += ",\"value\":";
      append_string(out, number_text(v));
    }
    out += '}';
  }
  out += ']';
}

std::optional<json> answer_v16(std::string_view action, const json& payload) {
  if (action == "RemoteStartTransaction" || action == "RemoteStopTransaction" || action == "Reset" ||
      action == "ChangeAvailability" || action == "ChangeConfiguration" || action == "ClearCache" ||
      action == "DataTransfer" || action == "SetChargingProfile" || action == "ClearChargingProfile" ||
      action == "ReserveNow" || action == "CancelReservation" || action == "SendLocalList")
    return status_only("Accepted");
  // We do not send the requested message afterwards, so we do not claim to.
  if (action == "TriggerMessage" || action == "GetCompositeSchedule") return status_only("Rejected");
  if (action == "UnlockConnector") return status_only("Unlocked");
  if (action == "GetLocalListVersion") return json{{"listVersion", 0}};
  if (action == "UpdateFirmware" || action == "GetDiagnostics") return json::object();
  if (action == "GetConfiguration") {
    json known = json::array();
    json unknown = json::array();
    auto keys = payload.find("key");
    if (keys == payload.end() || !keys->is_array() || keys->empty()) {
      known.push_back({{"key", "HeartbeatInterval"}, {"readonly", false}, {"value", "300"}});
    } else {
      for (const auto& k : *keys) {
        if (!k.is_string()) continue;
        if (k == "HeartbeatInterval") {
          known.push_back({{"key", "HeartbeatInterval"}, {"readonly", false}, {"value", "300"}});
        } else {
          unknown.push_back(k);
        }
      }
    }
    json out = json::object();
    if (!known.empty()) out["configurationKey"] = known;
    if (!unknown.empty()) out["unknownKey"] = unknown;
    return out;
  }
  return std::nullopt;
}

std::optional<json> answer_v201(std::string_view action, const json& payload) {
  if (action == "RequestStartTransaction" || action == "RequestStopTransaction" || action == "Reset" ||
      action == "ChangeAvailability" || action == "ClearCache" || action == "DataTransfer" ||
      action == "SetChargingProfile" || action == "ClearChargingProfile" || action == "ReserveNow" ||
      action == "CancelReservation" || action == "SendLocalList" || action == "GetBaseReport" ||
      action == "GetReport" || action == "UpdateFirmware" || action == "GetLog" ||
      action == "CustomerInformation" || action == "SetMonitoringLevel")
    return status_only("Accepted");
  if (action == "TriggerMessage" || action == "GetCompositeSchedule" || action == "SetDisplayMessage")
    return status_only("Rejected");
  if (action == "UnlockConnector") return status_only("Unlocked");
  if (action == "GetLocalListVersion") return json{{"versionNumber", 0}};
  if (action == "GetTransactionStatus") return json{{"messagesInQueue", false}};
  if (action == "GetChargingProfiles") return status_only("NoProfiles");
  if (action == "GetVariables" || action == "SetVariables") {
    const bool get = action == "GetVariables";
    json results = json::array();
    auto items = payload.find(get ? "getVariableData" : "setVariableData");
    if (items != payload.end() && items->is_array()) {
      for (const auto& item : *items) {
        json result = {{"component", item.value("component", json{{"name", "Unknown"}})},
                       {"variable", item.value("variable", json{{"name", "Unknown"}})}};
        const bool heartbeat = result["component"].value("name", "") == "OCPPCommCtrlr" &&
                               result["variable"].value("name", "") == "HeartbeatInterval";
        if (get) {
          result["attributeStatus"] = heartbeat ? "Accepted" : "UnknownVariable";
          if (heartbeat) result["attributeValue"] = "300";
        } else {
          result["attributeStatus"] = heartbeat ? "Accepted" : "UnknownVariable";
        }
        results.push_back(std::move(result));
      }
    }
    return json{{get ? "getVariableResult" : "setVariableResult", results}};
  }
  return std::nullopt;
}

}  // namespace

std::string format_time(TimePoint t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string call_frame(std::string_view id, std::string_view action, const json& payload) {
  return json::array({2, id, action, payload}).dump();
}

std::string result_frame(std::string_view id, const json& payload) {
  return json::array({3, id, payload}).dump();
}

std::string error_frame(std::string_view id, std::string_view code, std::string_view description) {
  return json::array({4, id, code, description, json::object()}).dump();
}

std::optional<Frame> parse_frame(std::string_view text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.size() < 3 || !j[0].is_number_integer() || !j[1].is_string())
    return std::nullopt;
  Frame f;
  f.type = j[0].get<int>();
  f.id = j[1].get<std::string>();
  switch (f.type) {
    case 2:
      if (j.size() != 4 || !j[2].is_string()) return std::nullopt;
      f.action = j[2].get<std::string>();
      f.payload = std::move(j[3]);
      return f;
    case 3:
      f.payload = std::move(j[2]);
      return f;
    case 4:
      if (!j[2].is_string()) return std::nullopt;
      f.error_code = j[2].get<std::string>();
      return f;
    default:
      return std::nullopt;
  }
}

json sampled_values(Protocol protocol, const Meter& meter, int samples) {
  json out = json::array();
  const int n = std::min(std::max(samples, 1), kMaxSamples);
  for (int i = 0; i < n; ++i) {
    const auto& m = kMeasurands[static_cast<std::size_t>(i)];
    const double v = sample_value(meter, i);
    json s;
    if (protocol == Protocol::V201) {
      s = {{"value", v}, {"context", "Sample.Periodic"}, {"measurand", m.name}, {"location", "Outlet"}};
      if (m.unit) s["unitOfMeasure"] = {{"unit", m.unit}};
    } else {
      s = {{"value", number_text(v)},
           {"context", "Sample.Periodic"},
           {"format", "Raw"},
           {"measurand", m.name},
           {"location", "Outlet"}};
      if (m.unit) s["unit"] = m.unit;
    }
    out.push_back(std::move(s));
  }
  return out;
}

json boot_notification(Protocol protocol, std::string_view serial) {
  if (protocol == Protocol::V201)
    return {{"reason", "PowerUp"},
            {"chargingStation",
             {{"model", "LoadGen-2"},
              {"vendorName", "CSMS LoadGen"},
              {"serialNumber", serial},
              {"firmwareVersion", "1.0.0"}}}};
  return {{"chargePointVendor", "CSMS LoadGen"},
          {"chargePointModel", "LoadGen-1"},
          {"chargePointSerialNumber", serial},
          {"firmwareVersion", "1.0.0"}};
}

json heartbeat() { return json::object(); }

json status_notification(Protocol protocol, int connector, std::string_view status, TimePoint t) {
  if (protocol == Protocol::V201) {
    // 2.0.1 has no "Charging" connector status: a connector in a session is Occupied.
    std::string_view s =
        status == "Charging" || status == "Preparing" || status == "Finishing" ? "Occupied" : status;
    return {{"timestamp", format_time(t)}, {"connectorStatus", s}, {"evseId", connector}, {"connectorId", 1}};
  }
  return {{"connectorId", connector},
          {"errorCode", "NoError"},
          {"status", status},
          {"timestamp", format_time(t)}};
}

json authorize(Protocol protocol, std::string_view id_token) {
  if (protocol == Protocol::V201) return {{"idToken", {{"idToken", id_token}, {"type", "ISO14443"}}}};
  return {{"idTag", id_token}};
}

json start_transaction(int connector, std::string_view id_tag, std::int64_t meter_start_wh, TimePoint t) {
  return {{"connectorId", connector},
          {"idTag", id_tag},
          {"meterStart", meter_start_wh},
          {"timestamp", format_time(t)}};
}

json stop_transaction(std::int64_t transaction_id, std::int64_t meter_stop_wh, TimePoint t,
                      std::string_view id_tag) {
  return {{"transactionId", transaction_id},
          {"meterStop", meter_stop_wh},
          {"timestamp", format_time(t)},
          {"idTag", id_tag},
          {"reason", "Local"}};
}

json meter_values_v16(int connector, std::int64_t transaction_id, TimePoint t, const Meter& meter,
                      int samples) {
  return {{"connectorId", connector},
          {"transactionId", transaction_id},
          {"meterValue", json::array({{{"timestamp", format_time(t)},
                                       {"sampledValue", sampled_values(Protocol::V16, meter, samples)}}})}};
}

json transaction_event(const TransactionEvent& e) {
  json info = {{"transactionId", e.transaction_id}};
  const char* trigger = "MeterValuePeriodic";
  switch (e.type) {
    case EventType::Started:
      trigger = "Authorized";
      info["chargingState"] = "Charging";
      break;
    case EventType::Updated:
      break;
    case EventType::Ended:
      trigger = "StopAuthorized";
      info["chargingState"] = "Idle";
      info["stoppedReason"] = "Local";
      break;
  }
  json out = {{"eventType", event_type_name(e.type)},
              {"timestamp", format_time(e.time)},
              {"triggerReason", trigger},
              {"seqNo", e.seq_no},
              {"transactionInfo", info},
              {"evse", {{"id", e.evse}, {"connectorId", 1}}}};
  if (!e.id_token.empty()) out["idToken"] = {{"idToken", e.id_token}, {"type", "ISO14443"}};
  if (e.meter) {
    json values = sampled_values(Protocol::V201, *e.meter, e.type == EventType::Updated ? e.samples : 1);
    if (e.type != EventType::Updated)
      values[0]["context"] = e.type == EventType::Started ? "Transaction.Begin" : "Transaction.End";
    out["meterValue"] = json::array({{{"timestamp", format_time(e.time)}, {"sampledValue", values}}});
  }
  return out;
}

std::string meter_values_v16_text(int connector, std::int64_t transaction_id, TimePoint t, const Meter& meter,
                                  int samples) {
  std::string out;
  out.reserve(160 + 160 * static_cast<std::size_t>(samples));
  out += "{\"connectorId\":" + std::to_string(connector) + ",\"meterValue\":[{\"sampledValue\":";
  append_sampled_values(out, Protocol::V16, meter, samples);
  out += ",\"timestamp\":";
  append_string(out, format_time(t));
  out += "}],\"transactionId\":" + std::to_string(transaction_id) + "}";
  return out;
}

std::string transaction_updated_text(const TransactionEvent& e) {
  std::string out;
  out.reserve(300 + 160 * static_cast<std::size_t>(e.samples));
  const auto time = format_time(e.time);
  out += "{\"eventType\":\"Updated\",\"evse\":{\"connectorId\":1,\"id\":" + std::to_string(e.evse) + "}";
  if (!e.id_token.empty()) {
    out += ",\"idToken\":{\"idToken\":";
    append_string(out, e.id_token);
    out += ",\"type\":\"ISO14443\"}";
  }
  if (e.meter) {
    out += ",\"meterValue\":[{\"sampledValue\":";
    append_sampled_values(out, Protocol::V201, *e.meter, e.samples);
    out += ",\"timestamp\":";
    append_string(out, time);
    out += "}]";
  }
  out += ",\"seqNo\":" + std::to_string(e.seq_no) + ",\"timestamp\":";
  append_string(out, time);
  out += ",\"transactionInfo\":{\"transactionId\":";
  append_string(out, e.transaction_id);
  out += "},\"triggerReason\":\"MeterValuePeriodic\"}";
  return out;
}

std::string call_frame_text(std::string_view id, std::string_view action, std::string_view payload) {
  std::string out = "[2,";
  out.reserve(payload.size() + id.size() + action.size() + 12);
  append_string(out, id);
  out += ',';
  append_string(out, action);
  out += ',';
  out += payload;
  out += ']';
  return out;
}

json meter_values_v201(int evse, TimePoint t, const Meter& meter, int samples) {
  return {{"evseId", evse},
          {"meterValue", json::array({{{"timestamp", format_time(t)},
                                       {"sampledValue", sampled_values(Protocol::V201, meter, samples)}}})}};
}

std::optional<json> answer(Protocol protocol, std::string_view action, const json& payload) {
  return protocol == Protocol::V201 ? answer_v201(action, payload) : answer_v16(action, payload);
}

}  // namespace csms::loadgen::messages

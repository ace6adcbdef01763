#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "loadgen/options.hpp"

// OCPP-J frames and payloads a simulated charger sends, for both versions. Pure: the
// caller supplies times and meter readings, so every builder is testable.
namespace csms::loadgen::messages {

using json = nlohmann::json;
using TimePoint = std::chrono::system_clock::time_point;

// RFC 3339 UTC with milliseconds: "2026-11-27T00:45:48.123Z".
std::string format_time(TimePoint t);

std::string call_frame(std::string_view id, std::string_view action, const json& payload);
std::string result_frame(std::string_view id, const json& payload);
std::string error_frame(std::string_view id, std::string_view code, std::string_view description);

struct Frame {
  int type = 0;  // 2 CALL, 3 CALLRESULT, 4 CALLERROR
  std::string id;
  std::string action;      // CALL
  json payload;            // CALL, CALLRESULT
  std::string error_code;  // CALLERROR
};
// nullopt for anything that is not a well-formed OCPP-J frame.
std::optional<Frame> parse_frame(std::string_view text);

struct Meter {
  double register_wh = 0;  // Energy.Active.Import.Register
  double power_w = 0;
  double current_a = 0;
  double voltage_v = 0;
};
// `samples` sampled values; the first four are the register, power, current and voltage.
json sampled_values(Protocol protocol, const Meter& meter, int samples);
inline constexpr int kMaxSamples = 12;

json boot_notification(Protocol protocol, std::string_view serial);
json heartbeat();
json status_notification(Protocol protocol, int connector, std::string_view status, TimePoint t);
json authorize(Protocol protocol, std::string_view id_token);

// 1.6
json start_transaction(int connector, std::string_view id_tag, std::int64_t meter_start_wh, TimePoint t);
json stop_transaction(std::int64_t transaction_id, std::int64_t meter_stop_wh, TimePoint t,
                      std::string_view id_tag);
json meter_values_v16(int connector, std::int64_t transaction_id, TimePoint t, const Meter& meter,
                      int samples);

// 2.0.1
enum class EventType { Started, Updated, Ended };
struct TransactionEvent {
  EventType type = EventType::Started;
  int seq_no = 0;
  std::string transaction_id;
  int evse = 1;
  TimePoint time;
  std::string id_token;        // Started and Ended
  std::optional<Meter> meter;  // Updated (and the register at Started/Ended)
  int samples = 4;
};
json transaction_event(const TransactionEvent& event);
json meter_values_v201(int evse, TimePoint t, const Meter& meter, int samples);

// The busiest payloads written straight as JSON text, with no document built: the same
// content as meter_values_v16 and transaction_event for an Updated event (a unit test
// compares them). Building, dumping and freeing the documents was a third of the
// generator's CPU, which shares the machine with the server it measures.
std::string meter_values_v16_text(int connector, std::int64_t transaction_id, TimePoint t, const Meter& meter,
                                  int samples);
std::string transaction_updated_text(const TransactionEvent& event);
// A CALL around a payload that is JSON text already.
std::string call_frame_text(std::string_view id, std::string_view action, std::string_view payload);

// The reply a charger gives to a CSMS-initiated CALL, or nullopt when the action is not
// one a charger of that version answers (the caller sends CALLERROR NotImplemented).
std::optional<json> answer(Protocol protocol, std::string_view action, const json& payload);

}  // namespace csms::loadgen::messages

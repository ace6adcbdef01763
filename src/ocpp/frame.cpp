#include "csms/ocpp/frame.hpp"

#include <cstdint>
#include <utility>

#include "csms/parsing/json_text.hpp"

// How a broken frame is answered (DIGEST A.3, A.4, A.6). "id" is the frame's message id
// when it could be read, else "-1". A CALLERROR only ever answers a CALL, so a broken
// CALLRESULT or CALLERROR is reported with reply = false (log and drop).
//
//   case                             id    2.0.1                    1.6                 reply
//   not JSON, nested > kMaxDepth     "-1"  RpcFrameworkError        FormationViolation  yes
//   not a non-empty JSON array       "-1"  RpcFrameworkError        FormationViolation  yes
//   type not an integer              id    RpcFrameworkError        ProtocolError       yes
//   type not 2, 3 or 4               id    MessageTypeNotSupported  (ignored)           2.0.1 only
//   id not a non-empty string        "-1"  RpcFrameworkError        ProtocolError       CALL only
//   id longer than 36 characters     id    RpcFrameworkError        ProtocolError       CALL only
//   wrong element count              id    RpcFrameworkError        ProtocolError       CALL only
//   CALL action not a string         id    RpcFrameworkError        ProtocolError       yes
//   payload not an object            id    FormatViolation          FormationViolation  CALL only
//   CALLERROR code/text not strings  id    RpcFrameworkError        ProtocolError       no
//
// The 2.0.1 codes follow Part 4 Table 8 and libocpp; 1.6 has no RpcFrameworkError, and
// a frame with missing parts is what its ProtocolError ("incomplete") describes.

namespace csms::ocpp {

namespace {

constexpr std::size_t kMaxMessageIdLength = 36;     // DIGEST A.4 (room for a UUID)
constexpr std::size_t kMaxDescriptionLength = 255;  // 2.0.1 errorDescription, DIGEST A.3
// No OCPP message nests more than about ten levels; a deeper frame is hostile or broken and
// is refused before anything walks it recursively (dump, validation, logging).
constexpr int kMaxDepth = 64;

constexpr std::int64_t kCall = 2;
constexpr std::int64_t kCallResult = 3;
constexpr std::int64_t kCallError = 4;

FrameError error(std::string message_id, ErrorCode code, std::string description, bool reply) {
  return FrameError{std::move(message_id), code, std::move(description), reply};
}

// The code for a frame whose RPC envelope is wrong.
ErrorCode framework_error(Version version) {
  return version == Version::V201 ? ErrorCode::RpcFrameworkError : ErrorCode::ProtocolError;
}

// The code for text that is not a JSON array at all.
ErrorCode unreadable_error(Version version) {
  return version == Version::V201 ? ErrorCode::RpcFrameworkError : ErrorCode::FormatViolation;
}

std::string dump_compact(const nlohmann::json& value) {
  // Replacing invalid UTF-8 keeps a stray byte in a charger's string from turning into an
  // exception on the way out.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// At most `limit` bytes without splitting a UTF-8 sequence (so also at most `limit`
// characters).
std::string_view cap_utf8(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) {
    return text;
  }
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

}  // namespace

ParsedFrame parse_frame(std::string_view text, Version version) {
  // Parse errors are not surfaced: their text quotes the offending input (A.6: never
  // embed the broken text raw in the reply). The frame's size is the WebSocket layer's
  // limit (ocpp.max_frame_bytes), checked before it gets here.
  auto parsed = parsing::parse_json(text, {text.size(), kMaxDepth});
  if (parsed.error == parsing::JsonError::TooDeep) {
    return error("-1", unreadable_error(version), "frame is nested too deeply", true);
  }
  if (!parsed.ok()) {
    return error("-1", unreadable_error(version), "frame is not valid JSON", true);
  }
  nlohmann::json frame = std::move(parsed.value);
  if (!frame.is_array() || frame.empty()) {
    return error("-1", unreadable_error(version), "frame is not a non-empty JSON array", true);
  }

  const bool id_is_string = frame.size() >= 2 && frame[1].is_string();
  std::string message_id = id_is_string ? frame[1].get<std::string>() : std::string{};
  const bool id_readable = id_is_string && !message_id.empty();
  const std::string reply_id = id_readable ? message_id : std::string{"-1"};

  if (!frame[0].is_number_integer()) {
    return error(reply_id, framework_error(version), "message type is not an integer", true);
  }
  const auto type = frame[0].get<std::int64_t>();
  if (type != kCall && type != kCallResult && type != kCallError) {
    // 1.6 says nothing about unknown types; 2.0.1 section 4.4 answers them.
    return error(reply_id, ErrorCode::MessageTypeNotSupported,
                 "message type " + std::to_string(type) + " is not supported", version == Version::V201);
  }
  const bool is_call = type == kCall;

  if (!id_readable) {
    return error("-1", framework_error(version), "message id is not a non-empty string", is_call);
  }
  if (message_id.size() > kMaxMessageIdLength) {
    // Echo the id anyway: the sender can then match the error to its call.
    return error(message_id, framework_error(version), "message id is longer than 36 characters", is_call);
  }

  switch (type) {
    case kCall: {
      if (frame.size() != 4) {
        return error(message_id, framework_error(version), "a CALL has 4 elements", true);
      }
      if (!frame[2].is_string() || frame[2].get_ref<const std::string&>().empty()) {
        return error(message_id, framework_error(version), "action is not a non-empty string", true);
      }
      if (!frame[3].is_object()) {
        return error(message_id, ErrorCode::FormatViolation, "payload is not a JSON object", true);
      }
      return Frame{Call{std::move(message_id), frame[2].get<std::string>(), std::move(frame[3])}};
    }
    case kCallResult: {
      if (frame.size() != 3) {
        return error(message_id, framework_error(version), "a CALLRESULT has 3 elements", false);
      }
      if (!frame[2].is_object()) {
        return error(message_id, ErrorCode::FormatViolation, "payload is not a JSON object", false);
      }
      return Frame{CallResult{std::move(message_id), std::move(frame[2])}};
    }
    default: {
      // Some stations omit errorDetails; the frame is still usable, so take 4 or 5 elements.
      if (frame.size() != 4 && frame.size() != 5) {
        return error(message_id, framework_error(version), "a CALLERROR has 5 elements", false);
      }
      if (!frame[2].is_string() || !frame[3].is_string()) {
        return error(message_id, framework_error(version), "error code and description must be strings",
                     false);
      }
      CallError call_error{std::move(message_id), frame[2].get<std::string>(), frame[3].get<std::string>(),
                           nlohmann::json::object()};
      if (frame.size() == 5) {
        if (frame[4].is_object()) {
          call_error.details = std::move(frame[4]);
        } else if (!frame[4].is_null()) {
          // steve#45 sends a string here; keep it rather than lose the diagnosis.
          call_error.details["details"] = std::move(frame[4]);
        }
      }
      return Frame{std::move(call_error)};
    }
  }
}

std::string serialize(const Call& call) {
  const nlohmann::json payload = call.payload.is_null() ? nlohmann::json::object() : call.payload;
  return dump_compact(nlohmann::json::array({kCall, call.message_id, call.action, payload}));
}

std::string serialize(const CallResult& result) {
  const nlohmann::json payload = result.payload.is_null() ? nlohmann::json::object() : result.payload;
  return dump_compact(nlohmann::json::array({kCallResult, result.message_id, payload}));
}

std::string serialize_error(std::string_view message_id, ErrorCode code, Version version,
                            std::string_view description, const nlohmann::json& details) {
  // errorDetails is always an object (A.3; steve#45 shows what else breaks clients).
  const nlohmann::json safe_details = details.is_object() ? details : nlohmann::json::object();
  return dump_compact(
      nlohmann::json::array({kCallError, std::string(message_id), std::string(spell(code, version)),
                             std::string(cap_utf8(description, kMaxDescriptionLength)), safe_details}));
}

}  // namespace csms::ocpp

#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "csms/ocpp/error_code.hpp"
#include "csms/ocpp/version.hpp"

namespace csms::ocpp {

struct Call {
  std::string message_id;
  std::string action;
  nlohmann::json payload;
};

struct CallResult {
  std::string message_id;
  nlohmann::json payload;
};

struct CallError {
  std::string message_id;
  std::string code;  // as received; parse_error_code() maps it
  std::string description;
  nlohmann::json details = nlohmann::json::object();
};

using Frame = std::variant<Call, CallResult, CallError>;

// A frame that cannot be used. When `reply` is set the receiver answers with a CALLERROR
// carrying `message_id` ("-1" when no id could be read), `code` and `description`.
struct FrameError {
  std::string message_id = "-1";
  ErrorCode code = ErrorCode::FormatViolation;
  std::string description;
  bool reply = true;
};

using ParsedFrame = std::variant<Frame, FrameError>;

ParsedFrame parse_frame(std::string_view text, Version version);

std::string serialize(const Call& call);
std::string serialize(const CallResult& result);
// Spells the code for the version; details default to {}; description capped at 255.
std::string serialize_error(std::string_view message_id, ErrorCode code, Version version,
                            std::string_view description,
                            const nlohmann::json& details = nlohmann::json::object());

}  // namespace csms::ocpp

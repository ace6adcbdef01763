#pragma once

#include <optional>
#include <string_view>

#include "csms/ocpp/version.hpp"

namespace csms::ocpp {

// The CALLERROR codes of OCPP-J 1.6 (Table 7) and 2.0.1 (Part 4 Table 8), named after
// their 2.0.1 spelling. `spell` gives the negotiated version's spelling.
enum class ErrorCode {
  NotImplemented,
  NotSupported,
  InternalError,
  ProtocolError,
  SecurityError,
  FormatViolation,  // 1.6: FormationViolation
  PropertyConstraintViolation,
  OccurrenceConstraintViolation,  // 1.6: OccurenceConstraintViolation
  TypeConstraintViolation,
  GenericError,
  RpcFrameworkError,        // 2.0.1 only; 1.6 sends GenericError
  MessageTypeNotSupported,  // 2.0.1 only; 1.6 sends GenericError
};

std::string_view spell(ErrorCode code, Version version);
// Accepts every spelling of either version.
std::optional<ErrorCode> parse_error_code(std::string_view text);

}  // namespace csms::ocpp

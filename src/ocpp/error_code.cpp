#include "csms/ocpp/error_code.hpp"

#include <array>
#include <utility>

namespace csms::ocpp {

std::string_view spell(ErrorCode code, Version version) {
  const bool v16 = version == Version::V16;
  switch (code) {
    case ErrorCode::NotImplemented:
      return "NotImplemented";
    case ErrorCode::NotSupported:
      return "NotSupported";
    case ErrorCode::InternalError:
      return "InternalError";
    case ErrorCode::ProtocolError:
      return "ProtocolError";
    case ErrorCode::SecurityError:
      return "SecurityError";
    // OCPP-J 1.6 errata section 5 keeps the misspellings on purpose (DIGEST A.6).
    case ErrorCode::FormatViolation:
      return v16 ? "FormationViolation" : "FormatViolation";
    case ErrorCode::PropertyConstraintViolation:
      return "PropertyConstraintViolation";
    case ErrorCode::OccurrenceConstraintViolation:
      return v16 ? "OccurenceConstraintViolation" : "OccurrenceConstraintViolation";
    case ErrorCode::TypeConstraintViolation:
      return "TypeConstraintViolation";
    case ErrorCode::GenericError:
      return "GenericError";
    // 1.6 Table 7 has neither code; GenericError is its catch-all.
    case ErrorCode::RpcFrameworkError:
      return v16 ? "GenericError" : "RpcFrameworkError";
    case ErrorCode::MessageTypeNotSupported:
      return v16 ? "GenericError" : "MessageTypeNotSupported";
  }
  return "GenericError";
}

std::optional<ErrorCode> parse_error_code(std::string_view text) {
  // Both spellings of the two renamed codes: implementations mix them freely
  // (mobilityhouse/ocpp#381, libocpp emits FormationViolation in 2.0.1).
  static constexpr std::array<std::pair<std::string_view, ErrorCode>, 14> kSpellings{{
      {"NotImplemented", ErrorCode::NotImplemented},
      {"NotSupported", ErrorCode::NotSupported},
      {"InternalError", ErrorCode::InternalError},
      {"ProtocolError", ErrorCode::ProtocolError},
      {"SecurityError", ErrorCode::SecurityError},
      {"FormatViolation", ErrorCode::FormatViolation},
      {"FormationViolation", ErrorCode::FormatViolation},
      {"PropertyConstraintViolation", ErrorCode::PropertyConstraintViolation},
      {"OccurrenceConstraintViolation", ErrorCode::OccurrenceConstraintViolation},
      {"OccurenceConstraintViolation", ErrorCode::OccurrenceConstraintViolation},
      {"TypeConstraintViolation", ErrorCode::TypeConstraintViolation},
      {"GenericError", ErrorCode::GenericError},
      {"RpcFrameworkError", ErrorCode::RpcFrameworkError},
      {"MessageTypeNotSupported", ErrorCode::MessageTypeNotSupported},
  }};
  for (const auto& [spelling, code] : kSpellings) {
    if (spelling == text) {
      return code;
    }
  }
  return std::nullopt;
}

}  // namespace csms::ocpp

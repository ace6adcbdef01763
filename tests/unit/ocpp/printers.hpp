#pragma once

#include <ostream>

#include "csms/ocpp/error_code.hpp"
#include "csms/ocpp/validator.hpp"

// GoogleTest finds these by ADL, so failures name the code instead of printing a number.
namespace csms::ocpp {

inline void PrintTo(ErrorCode code, std::ostream* out) { *out << spell(code, Version::V201); }

inline void PrintTo(Version version, std::ostream* out) { *out << subprotocol(version); }

inline void PrintTo(const Violation& violation, std::ostream* out) {
  *out << spell(violation.code, Version::V201) << " at '" << violation.path << "' (" << violation.detail
       << ")";
}

}  // namespace csms::ocpp

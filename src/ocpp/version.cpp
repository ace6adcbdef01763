#include "csms/ocpp/version.hpp"

namespace csms::ocpp {

std::string_view subprotocol(Version version) {
  switch (version) {
    case Version::V16:
      return "ocpp1.6";
    case Version::V201:
      return "ocpp2.0.1";
  }
  return "ocpp1.6";
}

// Subprotocol tokens are compared case-sensitively (RFC 6455 section 4.1), so "OCPP1.6"
// is not ours.
std::optional<Version> version_from_subprotocol(std::string_view token) {
  if (token == "ocpp1.6") {
    return Version::V16;
  }
  if (token == "ocpp2.0.1") {
    return Version::V201;
  }
  return std::nullopt;
}

}  // namespace csms::ocpp

#include "csms/ocpp/translate.hpp"

#include "ocpp/v16/translate.hpp"
#include "ocpp/v201/translate.hpp"

namespace csms::ocpp {

bool handles(Version version, std::string_view action) {
  return version == Version::V16 ? v16::handles(action) : v201::handles(action);
}

domain::Request to_request(Version version, std::string_view action, const nlohmann::json& payload,
                           domain::Timestamp now) {
  return version == Version::V16 ? v16::to_request(action, payload, now)
                                 : v201::to_request(action, payload, now);
}

nlohmann::json to_reply(Version version, std::string_view action, const domain::Response& response) {
  return version == Version::V16 ? v16::to_reply(action, response) : v201::to_reply(action, response);
}

}  // namespace csms::ocpp

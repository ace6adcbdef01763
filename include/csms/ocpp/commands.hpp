#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "csms/domain/requests.hpp"
#include "csms/ocpp/version.hpp"

// CSMS-initiated commands: one REST body shape for both versions (DESIGN.md section 2),
// mapped here to each version's CALL.
namespace csms::ocpp {

// The body does not make a valid command for this version; what() says why.
class CommandError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct OutboundCall {
  std::string action;
  nlohmann::json payload;
};

bool is_command(std::string_view name);

// `request_id` numbers calls that carry one (2.0.1 remoteStartId, requestId). For
// remote-stop the body's transaction_id must already be the charger's id. The result is
// checked against the version's schema; a violation throws CommandError.
OutboundCall build_command(Version version, std::string_view name, const nlohmann::json& body,
                           int request_id);

// The status a charger's reply carries, for the REST answer.
std::string reply_status(std::string_view action, const nlohmann::json& reply);

// What a station's answer to get-configuration / set-configuration says of its variables
// (the device model): nothing for other commands or when it took nothing.
std::optional<domain::VariableReport> learnt_variables(std::string_view name, const nlohmann::json& body,
                                                       const nlohmann::json& answer);

}  // namespace csms::ocpp

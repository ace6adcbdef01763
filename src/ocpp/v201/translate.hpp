#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "csms/domain/requests.hpp"

namespace csms::ocpp::v201 {

bool handles(std::string_view action);
domain::Request to_request(std::string_view action, const nlohmann::json& payload, domain::Timestamp now);
nlohmann::json to_reply(std::string_view action, const domain::Response& response);

}  // namespace csms::ocpp::v201

#pragma once

// Handshake helpers, free of Beast so they can be unit-tested cheaply.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "csms/ocpp/version.hpp"

namespace csms::server {

// The station identity of a request target under `prefix`: the last path segment,
// percent-decoded; nullopt when the target is not <prefix>/<id>, the id is empty, longer
// than 48 characters, or contains ':' (it doubles as the Basic user name).
std::optional<std::string> station_identity(std::string_view target, std::string_view prefix);

// The first protocol in the charger's list that we support (its order is its preference).
std::optional<ocpp::Version> choose_subprotocol(std::string_view header);

// user and password of an "Authorization: Basic ..." header.
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header);

std::optional<std::string> percent_decode(std::string_view text);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace csms::server

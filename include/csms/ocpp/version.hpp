#pragma once

#include <optional>
#include <string_view>

namespace csms::ocpp {

enum class Version { V16, V201 };

// The WebSocket subprotocol token of a version: "ocpp1.6", "ocpp2.0.1".
std::string_view subprotocol(Version version);
std::optional<Version> version_from_subprotocol(std::string_view token);

}  // namespace csms::ocpp

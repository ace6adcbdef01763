#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "csms/domain/requests.hpp"
#include "csms/ocpp/error_code.hpp"
#include "csms/ocpp/version.hpp"

// Maps each version's messages to and from version-neutral domain requests and responses.
// This is the one place where 1.6 and 2.0.1 differ in meaning.
namespace csms::ocpp {

// A schema-valid payload that still cannot be used (e.g. an id outside its range).
class TranslateError : public std::runtime_error {
 public:
  TranslateError(ErrorCode code, const std::string& detail) : std::runtime_error(detail), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Whether this CSMS answers `action` from a station (the rest get NotImplemented when the
// version has no such message, NotSupported when it has but we do not take it).
bool handles(Version version, std::string_view action);

// `payload` has passed validation. `now` stands in for omitted timestamps.
domain::Request to_request(Version version, std::string_view action, const nlohmann::json& payload,
                           domain::Timestamp now);

// The reply payload for `action`, valid against the version's response schema.
nlohmann::json to_reply(Version version, std::string_view action, const domain::Response& response);

}  // namespace csms::ocpp

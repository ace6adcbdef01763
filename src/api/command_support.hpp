#pragma once

// What the REST routes that drive a station through commands share.

#include "csms/api/api.hpp"
#include "http_support.hpp"

namespace csms::api::detail {

inline constexpr const char* kNotConnected = "the station is not connected";

// A command that got no answer from the station, as the REST answer.
inline server::HttpResponse unanswered(const CommandResult& result) {
  using Kind = CommandResult::Kind;
  switch (result.kind) {
    case Kind::Answered:
      break;
    case Kind::UnknownStation:
      return problem(404, "unknown station");
    case Kind::Offline:
      return problem(409, kNotConnected);
    case Kind::Timeout:
      return problem(504, "the station did not answer in time");
    case Kind::CallError:
      return problem(502,
                     "the station answered with CALLERROR " + result.error_code + ": " + result.description,
                     {{"error_code", result.error_code},
                      {"error_description", result.description},
                      {"error_details", result.response}});
    case Kind::InvalidAnswer:
      // The same fields as a CALLERROR's: the code and description of what was wrong with the answer.
      return problem(502, result.description,
                     {{"error_code", result.error_code},
                      {"error_description", result.description},
                      {"error_details", json::object()}});
    case Kind::BadRequest:
      return problem(400, result.description);
  }
  return problem(500, "unexpected command outcome");
}

}  // namespace csms::api::detail

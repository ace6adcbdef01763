// What the server does with a parsed frame, for both versions: a CALL is validated against
// its request schema (leniently, as chargers are read) and, when valid and handled,
// translated to a domain request; a CALLRESULT is validated against the response schema of
// the call it answers and its status read; a CALL named after a REST command
// ("remote-start", ...) builds that command from its payload as the REST body.
//
// Input: one version byte (fuzz_util.hpp), then the frame text. A CALLRESULT's message id
// names the action it answers (as the server's table of pending calls would); an id that
// names no action picks one by its length.
//
// Set CSMS_FUZZ_STRICT=1 to stop on any exception other than TranslateError out of
// to_request: after validation, nlohmann's own exceptions there mean the translation reads
// something the schema does not guarantee (the server answers those with InternalError).

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <variant>

#include "csms/ocpp/commands.hpp"
#include "csms/ocpp/frame.hpp"
#include "csms/ocpp/translate.hpp"
#include "csms/ocpp/validator.hpp"
#include "fuzz_util.hpp"

namespace {

using namespace csms;
using fuzz::require;

const bool kStrict = std::getenv("CSMS_FUZZ_STRICT") != nullptr;

// 2024-03-01T12:00:00Z: stands in for omitted timestamps.
const domain::Timestamp kNow{std::chrono::milliseconds{1'709'294'400'000}};

void command(ocpp::Version version, const ocpp::Call& call) {
  int request_id = 1;
  std::from_chars(call.message_id.data(), call.message_id.data() + call.message_id.size(), request_id);
  try {
    auto outbound = ocpp::build_command(version, call.action, call.payload, request_id);
    const auto* schema = ocpp::find_schema(version, outbound.action, ocpp::Direction::Request);
    require(schema != nullptr, "a built command has a request schema");
    require(!ocpp::validate_strict(*schema, outbound.payload).has_value(),
            "a built command is valid against its schema");
    (void)ocpp::serialize(ocpp::Call{call.message_id, outbound.action, outbound.payload});
  } catch (const ocpp::CommandError&) {
    // The REST caller gets 400.
  }
}

void request(ocpp::Version version, ocpp::Call& call) {
  if (ocpp::is_command(call.action)) {
    command(version, call);
    return;
  }
  const auto* schema = ocpp::find_schema(version, call.action, ocpp::Direction::Request);
  if (schema == nullptr) return;  // NotImplemented
  auto strict_copy = call.payload;
  (void)ocpp::validate(*schema, strict_copy, ocpp::Leniency::none());
  (void)ocpp::validate_strict(*schema, call.payload);
  if (!ocpp::validate(*schema, call.payload, ocpp::Leniency::all()).ok()) return;
  if (!ocpp::handles(version, call.action)) return;  // NotSupported
  try {
    (void)ocpp::to_request(version, call.action, call.payload, kNow);
  } catch (const ocpp::TranslateError&) {
    // A CALLERROR with its code.
  } catch (const std::exception& e) {
    // InternalError: the translation read something validation let through.
    if (kStrict) {
      std::fprintf(stderr, "%s %s: %s\n", std::string(ocpp::subprotocol(version)).c_str(),
                   call.action.c_str(), e.what());
      std::abort();
    }
  }
}

void response(ocpp::Version version, ocpp::CallResult& result) {
  const auto* schema = ocpp::find_schema(version, result.message_id, ocpp::Direction::Response);
  std::string action = result.message_id;
  if (schema == nullptr) {
    auto actions = ocpp::known_actions(version);
    if (actions.empty()) return;
    action = std::string(actions[result.message_id.size() % actions.size()]);
    schema = ocpp::find_schema(version, action, ocpp::Direction::Response);
    require(schema != nullptr, "every known action has a response schema");
  }
  (void)ocpp::validate_strict(*schema, result.payload);
  if (!ocpp::validate(*schema, result.payload, ocpp::Leniency::all()).ok()) return;
  // What the REST caller of a command is told; the answer passed validation, so reading
  // it may not throw.
  (void)ocpp::reply_status(action, result.payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto version = fuzz::version_of(data[0]);
  auto parsed = ocpp::parse_frame(fuzz::as_text(data + 1, size - 1), version);
  auto* frame = std::get_if<ocpp::Frame>(&parsed);
  if (frame == nullptr) return 0;
  if (auto* call = std::get_if<ocpp::Call>(frame)) {
    request(version, *call);
  } else if (auto* result = std::get_if<ocpp::CallResult>(frame)) {
    response(version, *result);
  } else {
    (void)ocpp::parse_error_code(std::get<ocpp::CallError>(*frame).code);
  }
  return 0;
}

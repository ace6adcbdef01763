// The OCPP-J frame parser: whatever a charger sends in a text frame is parsed, and what we
// would send back (the CALLERROR for a broken frame, or the frame re-serialized) must read
// back as the same frame. The same text as frame logging writes it must hide its secrets
// (csms/ocpp/redact.hpp).
//
// Input: one version byte (fuzz_util.hpp), then the frame text.

#include <cctype>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "csms/ocpp/frame.hpp"
#include "csms/ocpp/redact.hpp"
#include "csms/parsing/json_text.hpp"
#include "fuzz_util.hpp"

namespace {

using namespace csms;
using fuzz::require;

// The frame `text` reads as, which must be the alternative `T`.
template <typename T>
T reparse(const std::string& text, ocpp::Version version) {
  auto parsed = ocpp::parse_frame(text, version);
  auto* frame = std::get_if<ocpp::Frame>(&parsed);
  require(frame != nullptr, "a serialized frame parses");
  auto* typed = std::get_if<T>(frame);
  require(typed != nullptr, "a serialized frame keeps its message type");
  return std::move(*typed);
}

// A CALLERROR we send must be valid JSON of five elements, whatever it echoes.
void check_error_reply(const std::string& text) {
  auto reply = nlohmann::json::parse(text, nullptr, false);
  require(!reply.is_discarded(), "a CALLERROR we send is valid JSON");
  require(reply.is_array() && reply.size() == 5 && reply[0] == 4, "a CALLERROR has 5 elements");
  require(reply[3].is_string() && reply[3].get_ref<const std::string&>().size() <= 255,
          "a CALLERROR description is at most 255 bytes");
  require(reply[4].is_object(), "CALLERROR details are an object");
}

void round_trip(const ocpp::Frame& frame, ocpp::Version version) {
  std::visit(
      [version](const auto& message) {
        using T = std::decay_t<decltype(message)>;
        if constexpr (std::is_same_v<T, ocpp::Call>) {
          auto again = reparse<ocpp::Call>(ocpp::serialize(message), version);
          require(again.message_id == message.message_id, "CALL id survives");
          require(again.action == message.action, "CALL action survives");
          require(again.payload == message.payload, "CALL payload survives");
        } else if constexpr (std::is_same_v<T, ocpp::CallResult>) {
          auto again = reparse<ocpp::CallResult>(ocpp::serialize(message), version);
          require(again.message_id == message.message_id, "CALLRESULT id survives");
          require(again.payload == message.payload, "CALLRESULT payload survives");
        } else {
          auto code = ocpp::parse_error_code(message.code).value_or(ocpp::ErrorCode::GenericError);
          auto text =
              ocpp::serialize_error(message.message_id, code, version, message.description, message.details);
          check_error_reply(text);
          auto again = reparse<ocpp::CallError>(text, version);
          require(again.message_id == message.message_id, "CALLERROR id survives");
          require(message.description.starts_with(again.description), "CALLERROR description is a prefix");
          require(again.details == message.details, "CALLERROR details survive");
          require(ocpp::parse_error_code(again.code) == code, "CALLERROR code survives");
        }
      },
      frame);
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// `text` in ASCII lower case with JSON escapes of ASCII characters (\u0050) decoded: how the
// name of a secret reads however a charger spelled it.
std::string plain_lower(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned value = 0;
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
      out += "\\\\";  // an escaped backslash starts no escape
      ++i;
      continue;
    }
    if (text[i] == '\\' && i + 5 < text.size() && text[i + 1] == 'u' && text.substr(i + 2, 2) == "00" &&
        std::isxdigit(static_cast<unsigned char>(text[i + 4])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 5]))) {
      value = static_cast<unsigned>(std::stoul(std::string(text.substr(i + 4, 2)), nullptr, 16));
      i += 5;
    } else {
      value = static_cast<unsigned char>(text[i]);
    }
    out += static_cast<char>(std::tolower(static_cast<int>(value)));
  }
  return out;
}

// As written or as JSON would read it.
bool names_secret(std::string_view text) {
  for (const auto& form : {ascii_lower(text), plain_lower(text)})
    if (form.find("password") != std::string::npos || form.find("authorizationkey") != std::string::npos)
      return true;
  return false;
}

// Every property named like a password, and the value of a 1.6 AuthorizationKey, is hidden.
void check_hidden(const nlohmann::ordered_json& node) {
  if (node.is_array()) {
    for (const auto& item : node) check_hidden(item);
    return;
  }
  if (!node.is_object()) return;
  if (auto key = node.find("key"); key != node.end() && key->is_string() &&
                                   ascii_lower(key->get_ref<const std::string&>()) == "authorizationkey") {
    if (auto value = node.find("value"); value != node.end())
      require(*value == "***", "a logged AuthorizationKey value is hidden");
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (ascii_lower(it.key()).find("password") != std::string::npos)
      require(*it == "***", "a logged password property is hidden");
    check_hidden(*it);
  }
}

// A frame JSON can read is written with its secrets hidden (and hiding them again changes
// nothing); other text is written cut to 2 KiB, or withheld when it names a secret.
void check_redaction(std::string_view text) {
  const auto logged = ocpp::redact_secrets(text);
  const bool readable = !parsing::nested_deeper_than(text, 64) &&
                        !nlohmann::ordered_json::parse(text, nullptr, false).is_discarded();
  if (readable) {
    auto document = nlohmann::ordered_json::parse(logged, nullptr, false);
    require(!document.is_discarded(), "a redacted frame is JSON");
    check_hidden(document);
    require(ocpp::redact_secrets(logged) == logged, "redacting a redacted frame changes nothing");
  } else if (names_secret(text)) {
    require(logged.find("withheld") != std::string::npos, "unreadable text naming a secret is withheld");
  } else {
    require(logged.size() <= 2048 && text.starts_with(logged), "unreadable text is logged cut");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto version = fuzz::version_of(data[0]);
  const auto text = fuzz::as_text(data + 1, size - 1);
  check_redaction(text);
  auto parsed = ocpp::parse_frame(text, version);
  if (const auto* error = std::get_if<ocpp::FrameError>(&parsed)) {
    check_error_reply(ocpp::serialize_error(error->message_id, error->code, version, error->description));
    return 0;
  }
  round_trip(std::get<ocpp::Frame>(parsed), version);
  return 0;
}

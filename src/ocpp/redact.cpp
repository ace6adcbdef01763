#include "csms/ocpp/redact.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <string>

namespace csms::ocpp {
namespace {

// Properties keep their order, so a redacted frame reads like the one on the wire.
using Json = nlohmann::ordered_json;

constexpr std::size_t kTextLimit = 2048;
// As deep as frame.cpp lets a frame be. A deeper text is never parsed: destroying or
// writing a document recurses once per level.
constexpr int kMaxDepth = 64;
constexpr const char* kHidden = "***";

bool nested_too_deep(std::string_view text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool string_is(const Json& value, std::string_view lower_name) {
  return value.is_string() && lower(value.get_ref<const std::string&>()) == lower_name;
}

// 1.6 configuration keys are compared in any case; a 2.0.1 key written as
// "SecurityCtrlr.BasicAuthPassword" names the same secret.
bool names_secret_key(const Json& key) {
  if (!key.is_string()) return false;
  auto name = lower(key.get_ref<const std::string&>());
  return name == "authorizationkey" || name.find("basicauthpassword") != std::string::npos;
}

// Replaces the secrets in `node` and below; whether anything was replaced.
bool redact(Json& node) {
  if (node.is_array()) {
    bool changed = false;
    for (auto& item : node) changed = redact(item) || changed;
    return changed;
  }
  if (!node.is_object()) return false;
  bool changed = false;
  auto hide = [&changed](Json& object, const char* name) {
    auto it = object.find(name);
    if (it == object.end()) return;
    *it = kHidden;
    changed = true;
  };
  // 1.6 ChangeConfiguration.req and GetConfiguration.conf's configurationKey entries.
  if (auto key = node.find("key"); key != node.end() && names_secret_key(*key)) hide(node, "value");
  // 2.0.1 SetVariableData, GetVariableResult and NotifyReport's ReportData.
  if (auto variable = node.find("variable"); variable != node.end() && variable->is_object()) {
    if (auto name = variable->find("name");
        name != variable->end() && string_is(*name, "basicauthpassword")) {
      hide(node, "attributeValue");
      if (auto attributes = node.find("variableAttribute");
          attributes != node.end() && attributes->is_array())
        for (auto& attribute : *attributes)
          if (attribute.is_object()) hide(attribute, "value");
    }
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (lower(it.key()).find("password") != std::string::npos) {
      *it = kHidden;
      changed = true;
      continue;
    }
    // 2.0.1 VPNType.key is the VPN's shared secret.
    if (it.key() == "vpn" && it->is_object()) hide(*it, "key");
    changed = redact(*it) || changed;
  }
  return changed;
}

// `text` with JSON's \u escapes of ASCII characters decoded, so that a name spelled
// "BasicAuth\u0050assword" in text that is not JSON is found as well.
std::string unescape_ascii(std::string_view text) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
      out += "\\\\";  // an escaped backslash, not the start of an escape
      ++i;
    } else if (text[i] == '\\' && i + 5 < text.size() && text[i + 1] == 'u' && text[i + 2] == '0' &&
               text[i + 3] == '0' && text[i + 4] >= '0' && text[i + 4] <= '7' && hex(text[i + 5])) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 4, 2)), nullptr, 16));
      i += 5;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool names_secret(const std::string& lower_text) {
  return lower_text.find("password") != std::string::npos ||
         lower_text.find("authorizationkey") != std::string::npos;
}

std::string as_text(std::string_view frame) {
  // As written or as JSON would read it: either way the text stays out of the log.
  if (names_secret(lower(frame)) || names_secret(lower(unescape_ascii(frame))))
    return "<" + std::to_string(frame.size()) + " bytes withheld: not JSON, and it names a secret>";
  if (frame.size() <= kTextLimit) return std::string(frame);
  // Cut before a whole UTF-8 sequence, so the log line stays valid UTF-8.
  std::size_t cut = kTextLimit;
  while (cut > 0 && (static_cast<unsigned char>(frame[cut]) & 0xC0) == 0x80) --cut;
  return std::string(frame.substr(0, cut));
}

}  // namespace

std::string redact_secrets(std::string_view frame) {
  if (nested_too_deep(frame)) return as_text(frame);
  auto document = Json::parse(frame, nullptr, false);
  if (document.is_discarded()) return as_text(frame);
  if (!redact(document)) return std::string(frame);
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace csms::ocpp

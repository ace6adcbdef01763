#include "http_util.hpp"

#include <array>

namespace csms::server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = hex_value(text[i + 1]);
    int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::optional<std::string> station_identity(std::string_view target, std::string_view prefix) {
  auto query = target.find('?');
  if (query != std::string_view::npos) target = target.substr(0, query);
  if (!target.starts_with(prefix)) return std::nullopt;
  auto rest = target.substr(prefix.size());
  if (rest.empty() || rest.front() != '/') return std::nullopt;
  rest.remove_prefix(1);
  if (rest.empty() || rest.find('/') != std::string_view::npos) return std::nullopt;
  auto identity = percent_decode(rest);
  if (!identity || identity->empty() || identity->size() > 48) return std::nullopt;
  if (identity->find(':') != std::string::npos || identity->find('/') != std::string::npos)
    return std::nullopt;
  for (unsigned char c : *identity)
    if (c < 0x20 || c == 0x7f) return std::nullopt;
  return identity;
}

std::optional<ocpp::Version> choose_subprotocol(std::string_view header) {
  while (!header.empty()) {
    auto comma = header.find(',');
    auto token = trim(header.substr(0, comma));
    if (auto version = ocpp::version_from_subprotocol(token)) return version;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

std::optional<std::string> base64_decode(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;
    auto index = kAlphabet.find(c);
    if (index == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  if (padding > 2) return std::nullopt;
  return out;
}

std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header) {
  header = trim(header);
  if (header.size() < 6) return std::nullopt;
  auto scheme = header.substr(0, 6);
  if (scheme != "Basic " && scheme != "basic ") return std::nullopt;
  auto decoded = base64_decode(trim(header.substr(6)));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

}  // namespace csms::server

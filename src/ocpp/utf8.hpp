#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace csms::ocpp::detail {

// The first `max_chars` characters (code points) of UTF-8 text. JSON Schema's maxLength
// counts characters, and a cut inside a multi-byte sequence would leave text that cannot be
// serialized.
inline std::string utf8_prefix(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == max_chars)
      return std::string(text.substr(0, i));
  }
  return std::string(text);
}

}  // namespace csms::ocpp::detail

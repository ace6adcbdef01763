#pragma once

#include <cstddef>
#include <string>

namespace csms::api::detail {

// Lower-case hex of bytes (digests, salts, random tokens).
inline std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

}  // namespace csms::api::detail

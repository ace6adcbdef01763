#pragma once

// What the fuzz targets share: reading the input and stopping on a broken invariant.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "csms/ocpp/version.hpp"

namespace csms::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The OCPP targets' first byte: its low bit picks the version, so the corpus files start
// with a readable '0' (1.6) or '1' (2.0.1) before the frame.
inline ocpp::Version version_of(std::uint8_t selector) {
  return (selector & 1) != 0 ? ocpp::Version::V201 : ocpp::Version::V16;
}

// An invariant the code under test promises; breaking it is a finding, like a crash.
inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace csms::fuzz

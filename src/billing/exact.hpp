#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>

// 128-bit helpers for the exact arithmetic of billing (private to src/billing).
namespace csms::billing::exact {

// GCC and Clang provide __int128; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef __int128 Int128;

inline Int128 mul(Int128 a, Int128 b) {
  Int128 product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    throw std::overflow_error("billing: amount out of range");
  }
  return product;
}

inline std::int64_t narrow(Int128 value) {
  if (value > std::numeric_limits<std::int64_t>::max() || value < std::numeric_limits<std::int64_t>::min()) {
    throw std::overflow_error("billing: amount out of range");
  }
  return static_cast<std::int64_t>(value);
}

// numerator / denominator (> 0), halves away from zero.
inline Int128 div_round_half_up(Int128 numerator, Int128 denominator) {
  Int128 quotient = numerator / denominator;
  const Int128 remainder = numerator % denominator;  // same sign as numerator, |r| < d
  if (remainder >= 0 && remainder >= denominator - remainder) {
    ++quotient;
  } else if (remainder < 0 && -remainder >= denominator + remainder) {
    --quotient;
  }
  return quotient;
}

// numerator / denominator (> 0), rounded towards negative infinity.
inline Int128 div_floor(Int128 numerator, Int128 denominator) {
  Int128 quotient = numerator / denominator;
  if (numerator % denominator < 0) {
    --quotient;
  }
  return quotient;
}

inline Int128 div_ceil(Int128 numerator, Int128 denominator) { return -div_floor(-numerator, denominator); }

}  // namespace csms::billing::exact

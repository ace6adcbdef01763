#include "csms/domain/clock.hpp"

namespace csms::domain {

Timestamp SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace csms::domain

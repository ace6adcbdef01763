#pragma once

#include "csms/domain/time.hpp"

namespace csms::domain {

// Injectable time source so rules and tests control "now".
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

}  // namespace csms::domain

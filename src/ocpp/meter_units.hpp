#pragma once

#include "csms/domain/model.hpp"

namespace csms::ocpp::detail {

// Sets canonical_unit / canonical_value from unit / value: kilo-units to base units,
// temperatures to Celsius. An unknown unit is kept as sent and flagged.
void normalize(domain::MeterSample& sample);

}  // namespace csms::ocpp::detail

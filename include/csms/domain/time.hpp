#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace csms::domain {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// RFC 3339 / ISO 8601 as chargers send it: fractional seconds of any length (truncated to
// milliseconds), "Z" or a numeric offset (+hh:mm, +hhmm, +hh). Without an offset the time
// is read as UTC only when `assume_utc_without_zone` is set, else nullopt.
std::optional<Timestamp> parse_timestamp(std::string_view text, bool assume_utc_without_zone = false);
// "YYYY-MM-DDTHH:MM:SSZ" or with ".mmm" when the milliseconds are not zero.
std::string format_timestamp(Timestamp t);

}  // namespace csms::domain

#include "csms/domain/time.hpp"

#include <cstdio>

namespace csms::domain {

namespace {

// A cursor over the text; every reader returns false (and the parse fails) on a mismatch.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool done() const { return pos_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }

  bool digits(std::size_t count, int& value) {
    if (text_.size() - pos_ < count) {
      return false;
    }
    value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') {
        return false;
      }
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return true;
  }

  bool literal(char expected) {
    if (done() || text_[pos_] != expected) {
      return false;
    }
    ++pos_;
    return true;
  }

  bool one_of(char a, char b) { return literal(a) || literal(b); }

  // Fractional seconds of any length, truncated to milliseconds (F.6: receivers must
  // accept any precision).
  bool fraction(int& millis) {
    millis = 0;
    std::size_t count = 0;
    while (!done() && peek() >= '0' && peek() <= '9') {
      if (count < 3) {
        millis = millis * 10 + (peek() - '0');
      }
      ++count;
      ++pos_;
    }
    for (std::size_t i = count; i < 3; ++i) {
      millis *= 10;
    }
    return count > 0;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view text, bool assume_utc_without_zone) {
  using namespace std::chrono;
  Reader in(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!in.digits(4, year) || !in.literal('-') || !in.digits(2, month) || !in.literal('-') ||
      !in.digits(2, day) || !in.one_of('T', 't') || !in.digits(2, hour) || !in.literal(':') ||
      !in.digits(2, minute) || !in.literal(':') || !in.digits(2, second)) {
    return std::nullopt;
  }
  if (in.literal('.') && !in.fraction(millis)) {
    return std::nullopt;
  }

  minutes offset{0};
  if (in.done()) {
    if (!assume_utc_without_zone) {
      return std::nullopt;
    }
  } else if (in.one_of('Z', 'z')) {
    // UTC
  } else if (in.peek() == '+' || in.peek() == '-') {
    const bool negative = in.peek() == '-';
    in.literal(in.peek());
    int offset_hours = 0, offset_minutes = 0;
    if (!in.digits(2, offset_hours)) {
      return std::nullopt;
    }
    // ISO 8601 offsets as chargers send them: +hh:mm (RFC 3339), +hhmm, +hh.
    if (in.literal(':')) {
      if (!in.digits(2, offset_minutes)) {
        return std::nullopt;
      }
    } else if (!in.done() && !in.digits(2, offset_minutes)) {
      return std::nullopt;
    }
    if (offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    offset = hours{offset_hours} + minutes{offset_minutes};
    if (negative) {
      offset = -offset;
    }
  } else {
    return std::nullopt;
  }
  if (!in.done()) {
    return std::nullopt;
  }

  // Leap seconds (:60) are not representable in sys_time; no charger relies on them.
  if (hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  return Timestamp{sys_days{date}} + hours{hour} + minutes{minute} + seconds{second} + milliseconds{millis} -
         offset;
}

std::string format_timestamp(Timestamp t) {
  using namespace std::chrono;
  const auto day_start = floor<days>(t);
  const year_month_day date{day_start};
  const hh_mm_ss<milliseconds> time{t - day_start};
  char buffer[40];
  const int year = static_cast<int>(date.year());
  const auto month = static_cast<unsigned>(date.month());
  const auto day = static_cast<unsigned>(date.day());
  const auto hour = static_cast<int>(time.hours().count());
  const auto minute = static_cast<int>(time.minutes().count());
  const auto second = static_cast<int>(time.seconds().count());
  const auto millis = static_cast<int>(time.subseconds().count());
  if (millis == 0) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", year, month, day, hour, minute,
                  second);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year, month, day, hour,
                  minute, second, millis);
  }
  return buffer;
}

}  // namespace csms::domain

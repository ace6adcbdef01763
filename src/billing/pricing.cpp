// The pricing engine: a tariff and what happened during a session in, priced lines out.
//
// Choices made where issue 3 and OCPI 2.2.1 leave room (each is tested in
// tests/unit/billing/pricing_test.cpp):
//
// Units and rounding
//  - Energy is kept in integer micro-Wh and time in integer milliseconds. The energy of
//    the interval between two consecutive readings (r0, v0), (r1, v1) is spread evenly:
//    the energy delivered by time t is floor((v1 - v0) * (t - r0) / (r1 - r0)), and a
//    piece [a, b) of the interval gets E(b) - E(a). The floors telescope, so the pieces
//    add up to the interval's energy exactly, however the interval is cut.
//  - A piece that must be cut at an energy threshold (min_kwh/max_kwh) is cut at exactly
//    that energy; the time of the cut is rounded down to the millisecond. A cut at a
//    time (end of a parking grace period) gives the first part floor(energy * share).
//  - Per (dimension, element) the exact quantities are summed. The dimension's total is
//    rounded up to a multiple of the step size (at least whole Wh / whole seconds). Each
//    line gets its own total rounded down to whole Wh / seconds; everything the rounding
//    and the step add (the step's "extra") goes to the line of the dimension's last
//    period, at that element's price (OCPI: the step_size of the last element of a
//    dimension applies to the session's total). The "last period" of a dimension is the
//    last piece with a positive quantity of it; energy delivered earlier is not moved to
//    a parking-hours element just because that element was in force at the end.
//  - Each line amount is unit price × quantity rounded half-up once to the minor unit;
//    the total excl. VAT is the sum of the rounded lines, then raised to min_price or
//    lowered to max_price (flags min_price_applied / max_price_applied; lines_total keeps
//    the sum so the difference stays explainable); VAT = total × vat_percent rounded
//    half-up; incl. = excl. + VAT.
//  - Lines with quantity 0 are dropped, except that a dimension which was priced but
//    came to 0 (a zero-energy session) keeps one zero line for its last element.
//  - Lines are ordered FLAT, ENERGY, TIME, PARKING_TIME, and within a dimension by the
//    first moment their element priced it.
//
// Restrictions (OCPI: lower bounds inclusive, upper bounds exclusive)
//  - The session is cut at every moment an input of a restriction can change: readings,
//    charging-period edges, current samples, local start_time/end_time marks, local
//    midnight (for dates and days of the week), every UTC-offset change of the zone,
//    start + min_duration/max_duration, the session energy reaching a min_kwh/max_kwh,
//    and the parking time reaching a grace period. Restrictions are evaluated at the
//    start of each piece and hold for all of it.
//  - Local time is the station's zone at that instant (date::locate_zone). On a DST
//    change a wall-clock time that is skipped never occurs, one that repeats occurs
//    twice; durations are always real elapsed time (a 23 h or 25 h day).
//  - A missing start_time means from 00:00; a missing end_time, or 00:00, means until
//    midnight; start_time == end_time means all day.
//  - Power is the average power of the reading interval the moment lies in; before the
//    first and after the last reading no energy is known and the power counts as 0 kW.
//  - Current is the latest sample at or before the moment (the first sample before it);
//    with no samples a min_current/max_current restriction does not hold.
//  - min_kwh/max_kwh compare the session's energy so far; min/max_duration the time
//    since the session start.
//
// Dimensions
//  - ENERGY is priced whenever energy flows, charging or not. TIME is charging time,
//    PARKING_TIME is time not charging. Time covered by no charging period counts as
//    charging; where periods overlap, the one starting later wins.
//  - PARKING_TIME: the first element with a PARKING_TIME component that holds prices
//    the moment; its grace_s is compared with the session's total parking time so far
//    (all parking periods together), and parking within the grace is free (no line).
//  - FLAT: once per session, from the first element with a FLAT component whose
//    restrictions hold at the session start (also for a session of zero length).
//
// Messy data
//  - Readings are sorted by time (flag readings_out_of_order when they were not);
//    identical duplicates are dropped silently; different values at the same instant
//    keep the highest (flag conflicting_readings).
//  - A register that goes backwards: that step is not billed, counting resumes from the
//    lower value (flag meter_regression).
//  - Fewer than two readings: no energy is known (flag no_readings).
//  - No stop: the last reading (flag stop_from_last_reading), or the start without
//    readings. A stop before the start is taken as the start (flag stop_before_start).
//  - Energy outside [start, stop) is not billed (flag readings_outside_session when a
//    reading lies outside).
#include "csms/billing/pricing.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

// libdate-tz is built against the system tz database; the header must agree (CMake's
// date::date-tz target defines this too).
#ifndef USE_OS_TZDB
#define USE_OS_TZDB 1
#endif
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "billing/exact.hpp"

namespace csms::billing {

namespace {

using domain::Timestamp;
using exact::Int128;
using std::chrono::milliseconds;

constexpr std::int64_t kUwhPerMwh = 1'000;
constexpr std::int64_t kUwhPerWh = 1'000'000;
constexpr std::int64_t kMsPerSecond = 1'000;
constexpr std::int64_t kWhPerKwh = 1'000;
constexpr std::int64_t kSecondsPerHour = 3'600;

struct Reading {
  Timestamp at;
  std::int64_t uwh = 0;
};

struct Flags {
  std::set<std::string> set;
  void raise(std::string flag) { set.insert(std::move(flag)); }
};

// The readings in time order, one per instant.
std::vector<Reading> normalize(const std::vector<MeterReading>& input, Flags& flags) {
  std::vector<Reading> readings;
  readings.reserve(input.size());
  for (const MeterReading& r : input) {
    readings.push_back({r.at, exact::narrow(exact::mul(r.register_mwh, kUwhPerMwh))});
  }
  const auto by_time = [](const Reading& a, const Reading& b) { return a.at < b.at; };
  if (!std::is_sorted(readings.begin(), readings.end(), by_time)) {
    flags.raise("readings_out_of_order");
  }
  std::sort(readings.begin(), readings.end(),
            [](const Reading& a, const Reading& b) { return a.at != b.at ? a.at < b.at : a.uwh < b.uwh; });
  std::vector<Reading> unique;
  for (const Reading& r : readings) {
    if (!unique.empty() && unique.back().at == r.at) {
      if (unique.back().uwh != r.uwh) {
        flags.raise("conflicting_readings");
        unique.back() = r;  // sorted by value: the highest stays
      }
      continue;
    }
    unique.push_back(r);
  }
  return unique;
}

// The reading interval a piece lies in; duration 0 outside the readings.
struct Interval {
  Timestamp from;
  std::int64_t uwh = 0;
  std::int64_t ms = 0;

  // Energy delivered in [from, t), rounded down.
  std::int64_t energy_until(Timestamp t) const {
    if (ms == 0) {
      return 0;
    }
    return exact::narrow(exact::div_floor(exact::mul(uwh, (t - from).count()), ms));
  }
};

// A stretch of the session in which every restriction input is constant.
struct Piece {
  Timestamp begin;
  Timestamp end;
  std::int64_t uwh = 0;
  bool charging = true;
  Interval interval;
  std::optional<std::int64_t> current;
};

// What restrictions are evaluated against at the start of a piece.
struct Moment {
  std::int64_t local_ms = 0;  // local wall-clock time, ms since 1970-01-01T00:00 local
  milliseconds elapsed{0};
  std::int64_t session_uwh = 0;
  Interval interval;
  std::optional<std::int64_t> current;
};

bool holds(const Restrictions& r, const Moment& m) {
  using namespace std::chrono;
  const sys_days local_day{floor<days>(milliseconds{m.local_ms})};
  const milliseconds time_of_day = milliseconds{m.local_ms} - local_day.time_since_epoch();
  if (r.start_time || r.end_time) {
    const milliseconds from = r.start_time.value_or(minutes{0});
    const milliseconds until = r.end_time.value_or(minutes{0}) == minutes{0} ? hours{24} : *r.end_time;
    const bool inside = from < until ? (from <= time_of_day && time_of_day < until)
                                     : (time_of_day >= from || time_of_day < until);  // wraps midnight
    if (!inside) {
      return false;
    }
  }
  if (r.start_date && local_day < sys_days{*r.start_date}) {
    return false;
  }
  if (r.end_date && local_day >= sys_days{*r.end_date}) {
    return false;
  }
  if (!r.day_of_week.empty() &&
      std::find(r.day_of_week.begin(), r.day_of_week.end(), weekday{local_day}) == r.day_of_week.end()) {
    return false;
  }
  // micro-kWh × 1000 = micro-Wh
  if (r.min_kwh && m.session_uwh < exact::mul(*r.min_kwh, 1000)) {
    return false;
  }
  if (r.max_kwh && !(m.session_uwh < exact::mul(*r.max_kwh, 1000))) {
    return false;
  }
  // Average power in micro-kW is uwh × 3600 / ms; compared without dividing. Outside
  // the readings (ms == 0) it is 0 kW.
  const auto power_below = [&](std::int64_t micro_kw) {
    return m.interval.ms == 0 ? 0 < micro_kw
                              : exact::mul(m.interval.uwh, 3600) < exact::mul(micro_kw, m.interval.ms);
  };
  if (r.min_power && power_below(*r.min_power)) {
    return false;
  }
  if (r.max_power && !power_below(*r.max_power)) {
    return false;
  }
  if (r.min_current && (!m.current || *m.current < *r.min_current)) {
    return false;
  }
  if (r.max_current && (!m.current || !(*m.current < *r.max_current))) {
    return false;
  }
  if (r.min_duration && m.elapsed < *r.min_duration) {
    return false;
  }
  if (r.max_duration && !(m.elapsed < *r.max_duration)) {
    return false;
  }
  return true;
}

const PriceComponent* component_of(const TariffElement& element, Dimension dimension) {
  for (const PriceComponent& component : element.price_components) {
    if (component.type == dimension) {
      return &component;
    }
  }
  return nullptr;
}

// The instants inside (start, stop) where a local-time restriction can change: the
// given minutes after local midnight on every local day, and every UTC-offset change.
void add_local_cuts(const date::time_zone& zone, Timestamp start, Timestamp stop,
                    const std::set<std::int64_t>& minute_marks, std::vector<Timestamp>& cuts) {
  using namespace std::chrono;
  Timestamp t = start;
  while (t < stop) {
    const date::sys_info info = zone.get_info(floor<seconds>(t));
    const Timestamp span_end = std::min<Timestamp>(stop, info.end);
    if (span_end < stop) {
      cuts.push_back(span_end);
    }
    const milliseconds offset = info.offset;
    if (!minute_marks.empty()) {
      const sys_days first_day = floor<days>(t + offset);
      const sys_days last_day = floor<days>(span_end + offset);
      for (sys_days day = first_day; day <= last_day; day += days{1}) {
        for (const std::int64_t mark : minute_marks) {
          const Timestamp cut = Timestamp{day} + minutes{mark} - offset;
          if (t < cut && cut < span_end) {
            cuts.push_back(cut);
          }
        }
      }
    }
    t = span_end;
  }
}

std::int64_t local_ms_at(const date::time_zone& zone, Timestamp t) {
  const auto info = zone.get_info(std::chrono::floor<std::chrono::seconds>(t));
  return (t.time_since_epoch() + milliseconds{info.offset}).count();
}

struct Group {
  std::size_t element = 0;
  Int128 exact = 0;  // micro-Wh or ms
};

struct DimensionState {
  std::vector<Group> groups;                // in order of first appearance
  std::optional<std::size_t> last_element;  // of the last piece with a positive quantity
  std::optional<std::size_t> last_priced;   // of the last piece priced at all

  void add(std::size_t element, std::int64_t quantity) {
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.element == element; });
    if (it == groups.end()) {
      groups.push_back({element, 0});
      it = groups.end() - 1;
    }
    it->exact += quantity;
    last_priced = element;
    if (quantity > 0) {
      last_element = element;
    }
  }
};

void append_lines(const Tariff& tariff, Dimension dimension, const DimensionState& state,
                  std::vector<PricedLine>& lines) {
  if (state.groups.empty()) {
    return;
  }
  const std::size_t last = state.last_element.value_or(*state.last_priced);
  const PriceComponent& last_component = *component_of(tariff.elements[last], dimension);
  const std::int64_t base_unit = dimension == Dimension::Energy ? kUwhPerWh : kMsPerSecond;
  const std::int64_t per = dimension == Dimension::Energy ? kWhPerKwh : kSecondsPerHour;

  Int128 exact_total = 0;
  for (const Group& g : state.groups) {
    exact_total += g.exact;
  }
  const std::int64_t step = last_component.step_size;
  const Int128 billed_total = exact::div_ceil(exact_total, exact::mul(base_unit, step)) * step;

  std::vector<std::int64_t> quantities;
  Int128 assigned = 0;
  for (const Group& g : state.groups) {
    quantities.push_back(exact::narrow(exact::div_floor(g.exact, base_unit)));
    assigned += quantities.back();
  }
  for (std::size_t i = 0; i < state.groups.size(); ++i) {
    if (state.groups[i].element == last) {
      quantities[i] += exact::narrow(billed_total - assigned);
    }
  }
  for (std::size_t i = 0; i < state.groups.size(); ++i) {
    const std::size_t element = state.groups[i].element;
    if (quantities[i] == 0 && !(billed_total == 0 && element == last)) {
      continue;
    }
    const Money& price = component_of(tariff.elements[element], dimension)->price;
    lines.push_back({dimension, element, quantities[i], price, line_amount(price, quantities[i], per)});
  }
}

}  // namespace

std::string_view to_string(LineBasis basis) {
  switch (basis) {
    case LineBasis::Tariff:
      return "TARIFF";
    case LineBasis::PlanIncluded:
      return "PLAN_INCLUDED";
    case LineBasis::PlanDiscounted:
      return "PLAN_DISCOUNTED";
  }
  return "?";
}

PricedSession price_session(const Tariff& tariff, const SessionInput& input) {
  using namespace std::chrono;
  validate(tariff);  // a tariff built in code gets the same checks as one read from JSON
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(input.time_zone.empty() ? "UTC" : input.time_zone);
  } catch (const std::runtime_error&) {
    throw std::invalid_argument("unknown time zone \"" + input.time_zone + "\"");
  }

  Flags flags;
  const std::vector<Reading> readings = normalize(input.readings, flags);
  if (readings.size() < 2) {
    flags.raise("no_readings");
  }

  const Timestamp start = input.start;
  Timestamp stop = start;
  if (input.stop) {
    stop = *input.stop;
  } else if (!readings.empty()) {
    stop = readings.back().at;
    flags.raise("stop_from_last_reading");
  }
  if (stop < start) {
    flags.raise("stop_before_start");
    stop = start;
  }
  for (const Reading& r : readings) {
    if (r.at < start || stop < r.at) {
      flags.raise("readings_outside_session");
    }
  }

  std::vector<Interval> intervals;
  for (std::size_t i = 1; i < readings.size(); ++i) {
    std::int64_t delta = readings[i].uwh - readings[i - 1].uwh;
    if (delta < 0) {
      flags.raise("meter_regression");
      delta = 0;
    }
    intervals.push_back({readings[i - 1].at, delta, (readings[i].at - readings[i - 1].at).count()});
  }

  std::vector<ChargingPeriod> periods = input.periods;
  std::stable_sort(periods.begin(), periods.end(),
                   [](const ChargingPeriod& a, const ChargingPeriod& b) { return a.from < b.from; });
  std::vector<CurrentSample> current = input.current;
  std::stable_sort(current.begin(), current.end(),
                   [](const CurrentSample& a, const CurrentSample& b) { return a.at < b.at; });

  // Every instant at which something a restriction looks at may change.
  std::vector<Timestamp> cuts;
  for (const Reading& r : readings) {
    cuts.push_back(r.at);
  }
  for (const ChargingPeriod& p : periods) {
    cuts.push_back(p.from);
    cuts.push_back(p.to);
  }
  for (const CurrentSample& c : current) {
    cuts.push_back(c.at);
  }
  std::set<std::int64_t> minute_marks;
  std::set<std::int64_t> energy_marks_uwh;
  std::set<std::int64_t> grace_marks_ms;
  for (const TariffElement& element : tariff.elements) {
    if (const PriceComponent* parking = component_of(element, Dimension::ParkingTime);
        parking && parking->grace_s > 0) {
      grace_marks_ms.insert(exact::narrow(exact::mul(parking->grace_s, kMsPerSecond)));
    }
    if (!element.restrictions) {
      continue;
    }
    const Restrictions& r = *element.restrictions;
    for (const auto& mark : {r.start_time, r.end_time}) {
      if (mark) {
        minute_marks.insert(mark->count());
      }
    }
    if (r.start_date || r.end_date || !r.day_of_week.empty()) {
      minute_marks.insert(0);
    }
    for (const auto& duration : {r.min_duration, r.max_duration}) {
      if (duration) {
        cuts.push_back(start + *duration);
      }
    }
    for (const auto& kwh : {r.min_kwh, r.max_kwh}) {
      if (kwh && *kwh > 0) {
        energy_marks_uwh.insert(exact::narrow(exact::mul(*kwh, 1000)));
      }
    }
  }
  add_local_cuts(*zone, start, stop, minute_marks, cuts);
  std::erase_if(cuts, [&](Timestamp t) { return t <= start || t >= stop; });
  cuts.push_back(start);
  cuts.push_back(stop);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

  const auto interval_at = [&](Timestamp t) -> Interval {
    // The interval [r_i, r_i+1) holding t; reading times are cuts, so a piece never straddles two.
    const auto it = std::upper_bound(readings.begin(), readings.end(), t,
                                     [](Timestamp value, const Reading& r) { return value < r.at; });
    if (it == readings.begin() || it == readings.end()) {
      return {t, 0, 0};
    }
    return intervals[static_cast<std::size_t>(it - readings.begin()) - 1];
  };
  const auto charging_at = [&](Timestamp t) {
    for (auto it = periods.rbegin(); it != periods.rend(); ++it) {
      if (it->from <= t && t < it->to) {
        return it->charging;
      }
    }
    return true;
  };
  const auto current_at = [&](Timestamp t) -> std::optional<std::int64_t> {
    if (current.empty()) {
      return std::nullopt;
    }
    const auto it = std::upper_bound(current.begin(), current.end(), t,
                                     [](Timestamp value, const CurrentSample& c) { return value < c.at; });
    return it == current.begin() ? current.front().micro_amps : std::prev(it)->micro_amps;
  };

  std::vector<Piece> pieces;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const Timestamp a = cuts[i], b = cuts[i + 1];
    const Interval interval = interval_at(a);
    pieces.push_back(
        {a, b, interval.energy_until(b) - interval.energy_until(a), charging_at(a), interval, current_at(a)});
  }

  // Walk the session in order, cutting pieces where the session energy crosses a kWh
  // restriction or the parking time a grace period, and price each piece.
  DimensionState energy_state, time_state, parking_state;
  std::int64_t session_uwh = 0;
  std::int64_t parking_ms = 0;
  for (Piece piece : pieces) {
    while (true) {
      const std::int64_t duration_ms = (piece.end - piece.begin).count();
      std::optional<std::int64_t> cut_ms, cut_uwh;  // where to split this piece
      for (const std::int64_t mark : energy_marks_uwh) {
        if (session_uwh < mark && mark < session_uwh + piece.uwh) {
          cut_uwh = mark - session_uwh;
          cut_ms = exact::narrow(exact::mul(duration_ms, *cut_uwh) / piece.uwh);
          break;
        }
      }
      if (!piece.charging) {
        for (const std::int64_t mark : grace_marks_ms) {
          if (parking_ms < mark && mark < parking_ms + duration_ms) {
            if (!cut_ms || mark - parking_ms < *cut_ms) {
              cut_ms = mark - parking_ms;
              cut_uwh = exact::narrow(exact::mul(piece.uwh, *cut_ms) / duration_ms);
            }
            break;
          }
        }
      }
      Piece head = piece;
      if (cut_ms) {
        head.end = piece.begin + milliseconds{*cut_ms};
        head.uwh = *cut_uwh;
      }

      const Moment moment{local_ms_at(*zone, head.begin), head.begin - start, session_uwh, head.interval,
                          head.current};
      const auto first_holding = [&](Dimension dimension) -> std::optional<std::size_t> {
        for (std::size_t e = 0; e < tariff.elements.size(); ++e) {
          const TariffElement& element = tariff.elements[e];
          if (component_of(element, dimension) &&
              (!element.restrictions || holds(*element.restrictions, moment))) {
            return e;
          }
        }
        return std::nullopt;
      };
      const std::int64_t head_ms = (head.end - head.begin).count();
      if (const auto e = first_holding(Dimension::Energy)) {
        energy_state.add(*e, head.uwh);
      }
      if (head.charging) {
        if (const auto e = first_holding(Dimension::Time)) {
          time_state.add(*e, head_ms);
        }
      } else {
        if (const auto e = first_holding(Dimension::ParkingTime)) {
          const PriceComponent& component = *component_of(tariff.elements[*e], Dimension::ParkingTime);
          if (parking_ms >= component.grace_s * kMsPerSecond) {
            parking_state.add(*e, head_ms);
          }
        }
        parking_ms += head_ms;
      }
      session_uwh += head.uwh;

      if (!cut_ms) {
        break;
      }
      piece.begin = head.end;
      piece.uwh -= head.uwh;
    }
  }

  PricedSession session;
  session.tariff_id = tariff.id;
  session.tariff_version = tariff.version;
  session.currency = tariff.currency;
  session.start = start;
  session.stop = stop;
  session.energy_mwh = session_uwh / kUwhPerMwh;
  session.vat_percent = tariff.vat_percent;
  session.min_price = tariff.min_price;
  session.max_price = tariff.max_price;

  // FLAT: once, by the first element holding at the start.
  const Interval first_interval = interval_at(start);
  const Moment at_start{local_ms_at(*zone, start), milliseconds{0}, 0, first_interval, current_at(start)};
  for (std::size_t e = 0; e < tariff.elements.size(); ++e) {
    const TariffElement& element = tariff.elements[e];
    const PriceComponent* flat = component_of(element, Dimension::Flat);
    if (flat && (!element.restrictions || holds(*element.restrictions, at_start))) {
      session.lines.push_back({Dimension::Flat, e, 1, flat->price, line_amount(flat->price, 1, 1)});
      break;
    }
  }
  append_lines(tariff, Dimension::Energy, energy_state, session.lines);
  append_lines(tariff, Dimension::Time, time_state, session.lines);
  append_lines(tariff, Dimension::ParkingTime, parking_state, session.lines);

  session.flags.assign(flags.set.begin(), flags.set.end());
  finalize_totals(session);
  return session;
}

void finalize_totals(PricedSession& session) {
  std::erase_if(session.flags,
                [](const std::string& f) { return f == "min_price_applied" || f == "max_price_applied"; });
  Int128 sum = 0;
  for (const PricedLine& line : session.lines) {
    sum += line.amount.micros;
  }
  session.lines_total = {session.currency, exact::narrow(sum)};
  session.total_excl_vat = session.lines_total;
  if (session.min_price) {
    const Money bound = round_to_minor(*session.min_price);
    if (session.total_excl_vat.micros < bound.micros) {
      session.total_excl_vat = bound;
      session.flags.push_back("min_price_applied");
    }
  }
  if (session.max_price) {
    const Money bound = round_to_minor(*session.max_price);
    if (session.total_excl_vat.micros > bound.micros) {
      session.total_excl_vat = bound;
      session.flags.push_back("max_price_applied");
    }
  }
  std::sort(session.flags.begin(), session.flags.end());
  session.vat = percent_of(session.total_excl_vat, session.vat_percent);
  // Checked like every other sum here: a tariff's prices may be large enough to overflow.
  session.total_incl_vat = {session.currency,
                            exact::narrow(exact::Int128(session.total_excl_vat.micros) + session.vat.micros)};
}

void to_json(nlohmann::json& out, const PricedSession& session) {
  const auto money = [](const Money& m) { return format_money(m); };
  nlohmann::json lines = nlohmann::json::array();
  for (const PricedLine& line : session.lines) {
    nlohmann::json entry{
        {"dimension", to_string(line.dimension)},
        {"element_index", line.element_index},
        {"quantity", line.quantity},
        {"unit_price", format_decimal(line.unit_price.micros, minor_unit_digits(session.currency))},
        {"amount", money(line.amount)},
        {"basis", to_string(line.basis)}};
    if (line.basis == LineBasis::PlanDiscounted) {
      entry["discount_percent"] = format_decimal(line.discount_percent);
    }
    lines.push_back(std::move(entry));
  }
  out = nlohmann::json{{"currency", session.currency},
                       {"tariff_id", session.tariff_id},
                       {"tariff_version", session.tariff_version},
                       {"energy_wh", session.energy_mwh / 1000},
                       {"lines", std::move(lines)},
                       {"lines_total", money(session.lines_total)},
                       {"total_excl_vat", money(session.total_excl_vat)},
                       {"vat_percent", format_decimal(session.vat_percent)},
                       {"vat", money(session.vat)},
                       {"total_incl_vat", money(session.total_incl_vat)},
                       {"flags", session.flags}};
}

}  // namespace csms::billing

#include "csms/charging/charging_profile.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace csms::charging {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

[[noreturn]] void refuse(const std::string& why) { throw std::invalid_argument(why); }

void only_known(const json& body, std::initializer_list<const char*> allowed, const std::string& where) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (const auto* name : allowed) known = known || key == name;
    if (!known) refuse("unknown field '" + where + key + "'");
  }
}

std::optional<long long> integer(const json& body, const char* key, long long min, long long max,
                                 const std::string& where = "") {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) refuse(where + key + " must be an integer");
  const auto value = it->get<long long>();
  if (value < min || value > max)
    refuse(where + key + " must be " + std::to_string(min) + " to " + std::to_string(max));
  return value;
}

std::optional<domain::Timestamp> time_of(const json& body, const char* key, const std::string& where = "") {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) refuse(where + key + " must be an RFC 3339 time");
  auto parsed = domain::parse_timestamp(it->get<std::string>());
  if (!parsed) refuse(where + key + " must be an RFC 3339 time with its offset");
  return parsed;
}

std::string text_of(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

const char* kind_name(ProfileKind kind) {
  switch (kind) {
    case ProfileKind::Absolute:
      return "Absolute";
    case ProfileKind::Recurring:
      return "Recurring";
    case ProfileKind::Relative:
      return "Relative";
  }
  return "Absolute";
}

// When the profile's schedule that is in force at `t` started (none: it is not in force).
std::optional<domain::Timestamp> schedule_start(const ChargingProfile& p, domain::Timestamp t,
                                                std::optional<domain::Timestamp> transaction_start,
                                                domain::Timestamp window_start) {
  if (p.valid_from && t < *p.valid_from) return std::nullopt;
  if (p.valid_to && t >= *p.valid_to) return std::nullopt;
  domain::Timestamp begin;
  switch (p.kind) {
    case ProfileKind::Relative:
      begin = transaction_start.value_or(window_start);
      break;
    case ProfileKind::Absolute:
      begin = p.start_schedule.value_or(window_start);
      break;
    case ProfileKind::Recurring: {
      const auto first = p.start_schedule.value_or(window_start);
      const milliseconds every =
          p.recurrency == Recurrency::Weekly ? milliseconds(7LL * 86'400'000) : milliseconds(86'400'000LL);
      if (t < first) {
        begin = first;
      } else {
        begin = first + every * ((t - first) / every);
      }
      break;
    }
  }
  if (t < begin) return std::nullopt;
  if (p.duration_s && t >= begin + seconds(*p.duration_s)) return std::nullopt;
  return begin;
}

// The limit the profile sets at `t` in `unit` (none: not in force then).
std::optional<double> limit_at(const ChargingProfile& p, domain::Timestamp t, const std::string& unit,
                               std::optional<domain::Timestamp> transaction_start,
                               domain::Timestamp window_start, double volts) {
  const auto begin = schedule_start(p, t, transaction_start, window_start);
  if (!begin) return std::nullopt;
  const auto offset = std::chrono::duration_cast<seconds>(t - *begin).count();
  const SchedulePeriod* in_force = nullptr;
  for (const auto& period : p.periods)
    if (period.start_s <= offset) in_force = &period;
  if (!in_force) return std::nullopt;
  double limit = in_force->limit;
  if (p.rate_unit != unit) {
    const double factor = volts * in_force->number_phases.value_or(3);
    limit = unit == "A" ? limit / factor : limit * factor;
  }
  return limit;
}

// When the profile's limit may change within [from, to).
void breakpoints(const ChargingProfile& p, domain::Timestamp from, domain::Timestamp to,
                 std::optional<domain::Timestamp> transaction_start, std::set<domain::Timestamp>& out) {
  auto add = [&](domain::Timestamp t) {
    if (t > from && t < to) out.insert(t);
  };
  if (p.valid_from) add(*p.valid_from);
  if (p.valid_to) add(*p.valid_to);
  std::vector<domain::Timestamp> starts;
  if (p.kind == ProfileKind::Relative) {
    starts.push_back(transaction_start.value_or(from));
  } else if (p.kind == ProfileKind::Absolute) {
    starts.push_back(p.start_schedule.value_or(from));
  } else {
    const auto first = p.start_schedule.value_or(from);
    const milliseconds every =
        p.recurrency == Recurrency::Weekly ? milliseconds(7LL * 86'400'000) : milliseconds(86'400'000LL);
    auto begin = first <= from ? first + every * ((from - first) / every) : first;
    for (int i = 0; begin < to && i < 400; ++i, begin += every) starts.push_back(begin);
  }
  for (const auto& begin : starts) {
    add(begin);
    for (const auto& period : p.periods) add(begin + seconds(period.start_s));
    if (p.duration_s) add(begin + seconds(*p.duration_s));
  }
}

}  // namespace

std::string to_string(ProfilePurpose purpose) {
  switch (purpose) {
    case ProfilePurpose::ChargingStationMaxProfile:
      return "ChargingStationMaxProfile";
    case ProfilePurpose::TxDefaultProfile:
      return "TxDefaultProfile";
    case ProfilePurpose::TxProfile:
      return "TxProfile";
    case ProfilePurpose::ChargingStationExternalConstraints:
      return "ChargingStationExternalConstraints";
  }
  return "TxDefaultProfile";
}

ChargingProfile flat_profile(ProfilePurpose purpose, std::int64_t id, int stack_level, double limit_a,
                             int phases) {
  ChargingProfile profile;
  profile.id = id;
  profile.purpose = purpose;
  profile.stack_level = stack_level;
  profile.kind = ProfileKind::Relative;
  profile.periods = {{0, limit_a, phases, std::nullopt}};
  return profile;
}

ChargingProfile profile_from_json(const json& body) {
  if (!body.is_object()) refuse("the profile must be an object");
  only_known(body,
             {"station_id", "evse_id", "purpose", "stack_level", "kind", "recurrency", "valid_from",
              "valid_to", "transaction_id", "schedule"},
             "");
  ChargingProfile p;
  const auto evse = integer(body, "evse_id", 0, 1000);
  if (!evse) refuse("evse_id is required (0: the whole station)");
  p.evse_id = static_cast<int>(*evse);
  const auto purpose = text_of(body, "purpose");
  if (purpose == "ChargingStationMaxProfile" || purpose == "ChargePointMaxProfile")
    p.purpose = ProfilePurpose::ChargingStationMaxProfile;
  else if (purpose == "TxDefaultProfile")
    p.purpose = ProfilePurpose::TxDefaultProfile;
  else if (purpose == "TxProfile")
    p.purpose = ProfilePurpose::TxProfile;
  else if (purpose == "ChargingStationExternalConstraints")
    refuse(
        "ChargingStationExternalConstraints profiles come from the station (NotifyChargingLimit); "
        "a CSMS may not set them (K01.FR.22)");
  else
    refuse(
        "purpose must be ChargingStationMaxProfile (1.6: ChargePointMaxProfile), TxDefaultProfile or "
        "TxProfile");
  const auto level = integer(body, "stack_level", 0, 1000);
  if (!level) refuse("stack_level is required (0 or more)");
  p.stack_level = static_cast<int>(*level);
  const auto kind = text_of(body, "kind");
  if (kind == "Absolute")
    p.kind = ProfileKind::Absolute;
  else if (kind == "Recurring")
    p.kind = ProfileKind::Recurring;
  else if (kind == "Relative")
    p.kind = ProfileKind::Relative;
  else
    refuse("kind must be Absolute, Recurring or Relative");
  if (body.contains("recurrency") && !body["recurrency"].is_null()) {
    const auto recurrency = text_of(body, "recurrency");
    if (recurrency == "Daily")
      p.recurrency = Recurrency::Daily;
    else if (recurrency == "Weekly")
      p.recurrency = Recurrency::Weekly;
    else
      refuse("recurrency must be Daily or Weekly");
  }
  if ((p.kind == ProfileKind::Recurring) != p.recurrency.has_value())
    refuse("recurrency is given with kind Recurring, and only then");
  p.valid_from = time_of(body, "valid_from");
  p.valid_to = time_of(body, "valid_to");
  if (p.valid_from && p.valid_to && *p.valid_to <= *p.valid_from) refuse("valid_to must be after valid_from");
  p.transaction_id = integer(body, "transaction_id", 1, INT64_MAX);
  // K01.FR.03 / 1.6: a TxProfile belongs to a transaction; the others to none.
  if (p.purpose == ProfilePurpose::TxProfile && !p.transaction_id)
    refuse("a TxProfile needs the transaction_id of a running transaction");
  if (p.purpose != ProfilePurpose::TxProfile && p.transaction_id)
    refuse("only a TxProfile names a transaction");
  // K01.FR.16: a TxProfile is for one EVSE; a station maximum for the whole station.
  if (p.purpose == ProfilePurpose::TxProfile && p.evse_id == 0)
    refuse("a TxProfile is set on an EVSE (evse_id > 0)");
  if (p.purpose == ProfilePurpose::ChargingStationMaxProfile && p.evse_id != 0)
    refuse("a ChargingStationMaxProfile is set on the station (evse_id 0)");

  if (!body.contains("schedule") || !body["schedule"].is_object()) refuse("schedule is required (an object)");
  const auto& schedule = body["schedule"];
  only_known(schedule, {"charging_rate_unit", "start_schedule", "duration_s", "min_charging_rate", "periods"},
             "schedule.");
  p.rate_unit = text_of(schedule, "charging_rate_unit");
  if (p.rate_unit != "A" && p.rate_unit != "W") refuse("schedule.charging_rate_unit must be A or W");
  p.start_schedule = time_of(schedule, "start_schedule", "schedule.");
  // K01.FR.40/41: Absolute and Recurring schedules start at a time; Relative ones at the
  // transaction's start, so they carry none.
  if (p.kind == ProfileKind::Relative && p.start_schedule)
    refuse("a Relative profile has no schedule.start_schedule (it starts with the transaction)");
  if (p.kind != ProfileKind::Relative && !p.start_schedule)
    refuse("an Absolute or Recurring profile needs schedule.start_schedule");
  if (auto duration = integer(schedule, "duration_s", 1, 366LL * 86400, "schedule."))
    p.duration_s = static_cast<int>(*duration);
  if (p.kind == ProfileKind::Recurring && p.duration_s &&
      *p.duration_s > (p.recurrency == Recurrency::Weekly ? 7 * 86400 : 86400))
    refuse("a recurring schedule's duration_s may not pass its recurrence");
  if (schedule.contains("min_charging_rate") && !schedule["min_charging_rate"].is_null()) {
    if (!schedule["min_charging_rate"].is_number() || schedule["min_charging_rate"].get<double>() < 0)
      refuse("schedule.min_charging_rate must be a number of 0 or more");
    p.min_rate = schedule["min_charging_rate"].get<double>();
  }
  if (!schedule.contains("periods") || !schedule["periods"].is_array() || schedule["periods"].empty() ||
      schedule["periods"].size() > 1024)
    refuse("schedule.periods must be a list of 1 to 1024 periods");
  for (const auto& item : schedule["periods"]) {
    if (!item.is_object()) refuse("a schedule period must be an object");
    only_known(item, {"start_s", "limit", "number_phases", "phase_to_use"}, "schedule.periods[].");
    SchedulePeriod period;
    const auto start = integer(item, "start_s", 0, 366LL * 86400, "schedule.periods[].");
    if (!start) refuse("every schedule period needs start_s (seconds from the schedule's start)");
    period.start_s = static_cast<int>(*start);
    if (!item.contains("limit") || !item["limit"].is_number() || item["limit"].get<double>() < 0)
      refuse("every schedule period needs a limit of 0 or more");
    period.limit = item["limit"].get<double>();
    if (p.rate_unit == "A" && period.limit > 10'000) refuse("a limit in A must be at most 10000");
    if (auto phases = integer(item, "number_phases", 1, 3, "schedule.periods[]."))
      period.number_phases = static_cast<int>(*phases);
    if (auto phase = integer(item, "phase_to_use", 1, 3, "schedule.periods[].")) {
      if (period.number_phases != 1) refuse("phase_to_use is given only with number_phases 1");
      period.phase_to_use = static_cast<int>(*phase);
    }
    if (!p.periods.empty() && period.start_s <= p.periods.back().start_s)
      refuse("schedule periods must start in increasing order");
    p.periods.push_back(period);
  }
  // K01.FR.31 (1.6 alike): the first period starts with the schedule.
  if (p.periods.front().start_s != 0) refuse("the first schedule period must have start_s 0");
  return p;
}

json profile_to_json(const ChargingProfile& p) {
  json periods = json::array();
  for (const auto& period : p.periods) {
    json item = {{"start_s", period.start_s}, {"limit", period.limit}};
    if (period.number_phases) item["number_phases"] = *period.number_phases;
    if (period.phase_to_use) item["phase_to_use"] = *period.phase_to_use;
    periods.push_back(item);
  }
  json schedule = {{"charging_rate_unit", p.rate_unit}, {"periods", periods}};
  if (p.start_schedule) schedule["start_schedule"] = domain::format_timestamp(*p.start_schedule);
  if (p.duration_s) schedule["duration_s"] = *p.duration_s;
  if (p.min_rate) schedule["min_charging_rate"] = *p.min_rate;
  json out = {{"evse_id", p.evse_id},
              {"purpose", to_string(p.purpose)},
              {"stack_level", p.stack_level},
              {"kind", kind_name(p.kind)},
              {"schedule", schedule}};
  if (p.recurrency) out["recurrency"] = *p.recurrency == Recurrency::Daily ? "Daily" : "Weekly";
  if (p.valid_from) out["valid_from"] = domain::format_timestamp(*p.valid_from);
  if (p.valid_to) out["valid_to"] = domain::format_timestamp(*p.valid_to);
  if (p.transaction_id) out["transaction_id"] = *p.transaction_id;
  return out;
}

std::optional<std::string> version_problem(const ChargingProfile& p, bool v16) {
  if (v16) {
    for (const auto& period : p.periods)
      if (period.phase_to_use) return "phase_to_use is a 2.0.1 field; OCPP 1.6 has no way to say it";
    return std::nullopt;
  }
  // K01.FR.19/20 (2.0.1): phase_to_use is for a single phase, which the schema's range covers;
  // a station maximum is not relative to any transaction.
  if (p.purpose == ProfilePurpose::ChargingStationMaxProfile && p.kind == ProfileKind::Relative)
    return "a ChargingStationMaxProfile cannot be Relative (K01.FR.38)";
  return std::nullopt;
}

bool conflicts(const ChargingProfile& a, const ChargingProfile& b) {
  if (a.evse_id != b.evse_id || a.purpose != b.purpose || a.stack_level != b.stack_level) return false;
  if (a.purpose == ProfilePurpose::TxProfile && a.transaction_id != b.transaction_id) return false;
  const auto lo = std::max(a.valid_from.value_or(domain::Timestamp::min()),
                           b.valid_from.value_or(domain::Timestamp::min()));
  const auto hi =
      std::min(a.valid_to.value_or(domain::Timestamp::max()), b.valid_to.value_or(domain::Timestamp::max()));
  return lo < hi;
}

json to_ocpp(const ChargingProfile& p, bool v16, const std::string& ocpp_transaction_id) {
  json periods = json::array();
  for (const auto& period : p.periods) {
    json item = {{"startPeriod", period.start_s}, {"limit", period.limit}};
    if (period.number_phases) item["numberPhases"] = *period.number_phases;
    if (!v16 && period.phase_to_use) item["phaseToUse"] = *period.phase_to_use;
    periods.push_back(item);
  }
  json schedule = {{"chargingRateUnit", p.rate_unit}, {"chargingSchedulePeriod", periods}};
  if (p.start_schedule) schedule["startSchedule"] = domain::format_timestamp(*p.start_schedule);
  if (p.duration_s) schedule["duration"] = *p.duration_s;
  if (p.min_rate) schedule["minChargingRate"] = *p.min_rate;
  json out = {{"stackLevel", p.stack_level}, {"chargingProfileKind", kind_name(p.kind)}};
  if (p.recurrency) out["recurrencyKind"] = *p.recurrency == Recurrency::Daily ? "Daily" : "Weekly";
  if (p.valid_from) out["validFrom"] = domain::format_timestamp(*p.valid_from);
  if (p.valid_to) out["validTo"] = domain::format_timestamp(*p.valid_to);
  if (v16) {
    out["chargingProfileId"] = p.id;
    out["chargingProfilePurpose"] = p.purpose == ProfilePurpose::ChargingStationMaxProfile
                                        ? "ChargePointMaxProfile"
                                        : to_string(p.purpose);
    if (p.purpose == ProfilePurpose::TxProfile) out["transactionId"] = std::stoll(ocpp_transaction_id);
    out["chargingSchedule"] = schedule;
  } else {
    out["id"] = p.id;
    out["chargingProfilePurpose"] = to_string(p.purpose);
    if (p.purpose == ProfilePurpose::TxProfile) out["transactionId"] = ocpp_transaction_id;
    schedule["id"] = 1;
    out["chargingSchedule"] = json::array({schedule});
  }
  return out;
}

std::vector<CompositePeriod> composite_schedule(const std::vector<ChargingProfile>& profiles, int evse_id,
                                                domain::Timestamp start, int duration_s,
                                                const std::string& unit,
                                                std::optional<domain::Timestamp> transaction_start,
                                                double volts) {
  const auto end = start + seconds(duration_s);
  std::vector<const ChargingProfile*> relevant;
  for (const auto& p : profiles)
    if (p.evse_id == evse_id || p.evse_id == 0) relevant.push_back(&p);
  std::set<domain::Timestamp> points{start};
  for (const auto* p : relevant) breakpoints(*p, start, end, transaction_start, points);
  std::vector<CompositePeriod> out;
  for (const auto& t : points) {
    // The highest stack level in force of a purpose; on equal levels the EVSE's own first.
    auto in_force = [&](ProfilePurpose purpose) -> std::optional<double> {
      const ChargingProfile* best = nullptr;
      std::optional<double> best_limit;
      for (const auto* p : relevant) {
        if (p->purpose != purpose) continue;
        auto limit = limit_at(*p, t, unit, transaction_start, start, volts);
        if (!limit) continue;
        const bool better = !best || p->stack_level > best->stack_level ||
                            (p->stack_level == best->stack_level && p->evse_id > best->evse_id);
        if (better) {
          best = p;
          best_limit = limit;
        }
      }
      return best_limit;
    };
    std::optional<double> limit = in_force(ProfilePurpose::TxProfile);
    if (!limit) limit = in_force(ProfilePurpose::TxDefaultProfile);
    for (auto cap : {in_force(ProfilePurpose::ChargingStationMaxProfile),
                     in_force(ProfilePurpose::ChargingStationExternalConstraints)})
      if (cap) limit = limit ? std::min(*limit, *cap) : *cap;
    const int offset = static_cast<int>(std::chrono::duration_cast<seconds>(t - start).count());
    if (!out.empty() && out.back().limit == limit) continue;
    out.push_back({offset, limit});
  }
  return out;
}

}  // namespace csms::charging

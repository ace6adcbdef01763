#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "csms/billing/money.hpp"
#include "csms/billing/tariff.hpp"
#include "csms/domain/time.hpp"

namespace csms::billing {

struct MeterReading {
  domain::Timestamp at;           // the charger's timestamp, not the arrival time
  std::int64_t register_mwh = 0;  // energy import register in milli-Wh (whole Wh × 1000)
};

// What the connector was doing while the transaction was open: charging, or connected
// but not charging (1.6 SuspendedEV/SuspendedEVSE/Finishing, 2.0.1 chargingState other
// than Charging), which is parking time.
struct ChargingPeriod {
  domain::Timestamp from;
  domain::Timestamp to;  // exclusive
  bool charging = true;
};

struct CurrentSample {
  domain::Timestamp at;
  std::int64_t micro_amps = 0;  // the highest phase current at that moment
};

struct SessionInput {
  domain::Timestamp start{};
  std::optional<domain::Timestamp> stop{};  // missing: the last reading
  std::vector<MeterReading> readings{};     // any order; duplicates allowed
  std::vector<ChargingPeriod> periods{};    // time not covered by any period counts as charging
  std::vector<CurrentSample> current{};     // optional; without it no current restriction holds
  std::string time_zone = "UTC";            // IANA name of the station's zone
};

// How a line came to be: straight from the tariff, or adjusted by a subscription plan.
enum class LineBasis { Tariff, PlanIncluded, PlanDiscounted };

struct PricedLine {
  Dimension dimension = Dimension::Energy;
  std::size_t element_index = 0;  // index into Tariff::elements
  std::int64_t quantity = 0;      // Wh (ENERGY), seconds (TIME, PARKING_TIME), 1 (FLAT)
  Money unit_price;               // per kWh, per hour, or once; 0 for PlanIncluded
  Money amount;                   // rounded half-up to the minor unit
  LineBasis basis = LineBasis::Tariff;
  std::int64_t discount_percent = 0;  // micro-percent, PlanDiscounted only

  friend bool operator==(const PricedLine&, const PricedLine&) = default;
};

struct PricedSession {
  std::string tariff_id;
  std::int64_t tariff_version = 0;
  std::string currency;
  domain::Timestamp start;
  domain::Timestamp stop;
  std::int64_t energy_mwh = 0;  // delivered within [start, stop), milli-Wh, rounded down
  std::vector<PricedLine> lines;
  Money lines_total;     // sum of the line amounts
  Money total_excl_vat;  // lines_total bounded by min_price/max_price
  Money vat;
  Money total_incl_vat;
  std::int64_t vat_percent = 0;  // micro-percent, from the tariff
  std::optional<Money> min_price;
  std::optional<Money> max_price;
  // Sorted; see pricing.cpp: no_readings, readings_out_of_order, conflicting_readings,
  // meter_regression, readings_outside_session, stop_from_last_reading, stop_before_start,
  // min_price_applied, max_price_applied.
  std::vector<std::string> flags;
};

// Pure: the same tariff and input always give the same result. Throws
// std::invalid_argument for an invalid tariff or an unknown time zone.
PricedSession price_session(const Tariff& tariff, const SessionInput& input);

// Recomputes lines_total, the min/max bound, VAT and the incl. total from the lines
// (used after a plan adjusted them).
void finalize_totals(PricedSession& session);

std::string_view to_string(LineBasis basis);  // "TARIFF", "PLAN_INCLUDED", "PLAN_DISCOUNTED"

// The transaction's "cost" (DESIGN.md §2): money as decimal strings with the minor
// digits of the currency, quantities as integers.
void to_json(nlohmann::json& json, const PricedSession& session);

}  // namespace csms::billing

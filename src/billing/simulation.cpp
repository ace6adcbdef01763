#include "csms/billing/simulation.hpp"

#include <cmath>
#include <map>
#include <optional>

#include "csms/billing/money.hpp"

namespace csms::billing {

SessionInput session_input(const domain::PricingData& data) {
  SessionInput input;
  input.start = data.started_at;
  input.stop = data.stopped_at;
  input.time_zone = data.time_zone;
  // Registers are stored in Wh (fractional values allowed); the engine counts milli-Wh.
  for (const auto& [at, wh] : data.register_wh)
    input.readings.push_back(MeterReading{at, static_cast<std::int64_t>(std::llround(wh * 1000))});
  // Each change holds until the next one (or the end of the session).
  for (std::size_t i = 0; i < data.charging_changes.size(); ++i) {
    auto from = data.charging_changes[i].first;
    auto to = i + 1 < data.charging_changes.size() ? data.charging_changes[i + 1].first
                                                   : data.stopped_at.value_or(from);
    if (to > from) input.periods.push_back(ChargingPeriod{from, to, data.charging_changes[i].second});
  }
  return input;
}

namespace {

struct Totals {
  std::int64_t sessions = 0;
  std::int64_t energy_mwh = 0;
  std::int64_t actual_excl = 0, actual_incl = 0;  // micros, of actual_currency
  std::int64_t proposed_excl = 0, proposed_incl = 0;
  std::int64_t unpriced = 0, other_currency = 0;
};

// A per-unit figure in micros rounded half-up: total / count.
std::int64_t per(std::int64_t micros, std::int64_t count) {
  if (count <= 0) return 0;
  return (micros * 2 + count) / (count * 2);
}

}  // namespace

nlohmann::json simulate_tariff(const Tariff& proposed,
                               const std::vector<domain::HistoricalSession>& sessions) {
  std::map<std::string, Totals> by_type;
  std::optional<std::string> actual_currency;
  for (const auto& session : sessions) {
    const PricedSession priced = price_session(proposed, session_input(session.data));
    for (const char* type : {session.subscription ? "subscription" : "pay_as_you_go", "all"}) {
      Totals& t = by_type[type];
      t.sessions += 1;
      t.energy_mwh += priced.energy_mwh;
      t.proposed_excl += priced.total_excl_vat.micros;
      t.proposed_incl += priced.total_incl_vat.micros;
      if (!session.cost_json) {
        t.unpriced += 1;
        continue;
      }
      auto cost = nlohmann::json::parse(*session.cost_json, nullptr, false);
      if (cost.is_discarded() || !cost.contains("currency")) {
        t.unpriced += 1;
        continue;
      }
      const auto currency = cost["currency"].get<std::string>();
      if (!actual_currency) actual_currency = currency;
      if (currency != *actual_currency) {
        t.other_currency += 1;
        continue;
      }
      t.actual_excl += decimal_from_json(cost["total_excl_vat"], "total_excl_vat");
      t.actual_incl += decimal_from_json(cost["total_incl_vat"], "total_incl_vat");
    }
  }
  const std::string actual = actual_currency.value_or(proposed.currency);
  auto money = [](const std::string& currency, std::int64_t micros) {
    return format_money(Money{currency, micros});
  };
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const char* type : {"all", "subscription", "pay_as_you_go"}) {
    const Totals& t = by_type[type];
    const std::int64_t kwh_thousandths = t.energy_mwh / 1000;  // Wh
    nlohmann::ordered_json row;
    row["customer_type"] = type;
    row["sessions"] = t.sessions;
    row["energy_wh"] = kwh_thousandths;
    row["actual_currency"] = actual;
    row["actual_excl_vat"] = money(actual, t.actual_excl);
    row["actual_incl_vat"] = money(actual, t.actual_incl);
    row["proposed_currency"] = proposed.currency;
    row["proposed_excl_vat"] = money(proposed.currency, t.proposed_excl);
    row["proposed_incl_vat"] = money(proposed.currency, t.proposed_incl);
    const std::int64_t priced_sessions = t.sessions - t.unpriced - t.other_currency;
    row["actual_per_session_incl_vat"] = money(actual, per(t.actual_incl, priced_sessions));
    row["proposed_per_session_incl_vat"] = money(proposed.currency, per(t.proposed_incl, t.sessions));
    // Per kWh: micros × 1000 / Wh.
    row["actual_per_kwh_incl_vat"] =
        kwh_thousandths > 0 ? format_decimal(per(t.actual_incl * 1000, kwh_thousandths), 4) : "0";
    row["proposed_per_kwh_incl_vat"] =
        kwh_thousandths > 0 ? format_decimal(per(t.proposed_incl * 1000, kwh_thousandths), 4) : "0";
    if (t.actual_incl > 0 && actual == proposed.currency && t.unpriced == 0 && t.other_currency == 0) {
      const double change =
          100.0 * static_cast<double>(t.proposed_incl - t.actual_incl) / static_cast<double>(t.actual_incl);
      row["change_percent"] = std::round(change * 10) / 10;
    } else {
      row["change_percent"] = nullptr;
    }
    row["unpriced_sessions"] = t.unpriced;
    row["other_currency_sessions"] = t.other_currency;
    rows.push_back(std::move(row));
  }
  return nlohmann::json::parse(nlohmann::ordered_json{{"rows", rows}}.dump());
}

}  // namespace csms::billing

#include "csms/billing/billing_service.hpp"

#include <cmath>

#include "csms/billing/pricing.hpp"

namespace csms::billing {

std::optional<nlohmann::json> BillingService::price(const domain::PricingData& data) {
  if (!data.tariff_json) return std::nullopt;
  Tariff tariff = nlohmann::json::parse(*data.tariff_json).get<Tariff>();
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
  nlohmann::json cost;
  to_json(cost, price_session(tariff, input));
  return cost;
}

void BillingService::on_event(const domain::Event& event) {
  const auto* ended = std::get_if<domain::TransactionEnded>(&event);
  if (ended == nullptr) return;
  auto id = ended->transaction_id;
  db_.run(
      [id](domain::Repositories& repos) {
        auto data = repos.billing().pricing_data(id);
        if (!data) return;
        if (auto cost = price(*data)) repos.billing().store_cost(id, cost->dump());
      },
      [](std::exception_ptr) {
        // A session that cannot be priced keeps cost null; the failure was logged by the
        // database layer and the session stays visible for an operator to look at.
      });
}

}  // namespace csms::billing

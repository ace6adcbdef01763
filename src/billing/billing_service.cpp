#include "csms/billing/billing_service.hpp"

#include <cmath>

#include "csms/billing/pricing.hpp"
#include "csms/billing/simulation.hpp"

namespace csms::billing {

std::optional<PricedSession> BillingService::priced(const domain::PricingData& data) {
  if (!data.tariff_json) return std::nullopt;
  Tariff tariff = nlohmann::json::parse(*data.tariff_json).get<Tariff>();
  return price_session(tariff, session_input(data));
}

std::optional<nlohmann::json> BillingService::price(const domain::PricingData& data) {
  auto session = priced(data);
  if (!session) return std::nullopt;
  nlohmann::json cost;
  to_json(cost, *session);
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

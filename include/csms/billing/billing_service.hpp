#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "csms/billing/pricing.hpp"
#include "csms/domain/events.hpp"
#include "csms/domain/ports.hpp"

namespace csms::billing {

// Prices each transaction when it ends, with the tariff version in force when it started,
// and stores the result as the transaction's `cost`.
class BillingService {
 public:
  explicit BillingService(domain::UnitOfWorkRunner& db) : db_(db) {}

  void on_event(const domain::Event& event);
  // Told after a session's cost was stored (analytics rolls up that day's revenue again).
  void set_on_priced(
      std::function<void(const std::string& station_id, domain::Timestamp stopped_at)> listener) {
    on_priced_ = std::move(listener);
  }

  // Pure: the cost document for what the database holds of a session; nullopt without a
  // tariff. Throws std::invalid_argument for a stored tariff that is not valid.
  static std::optional<nlohmann::json> price(const domain::PricingData& data);
  // The same as a priced session (for invoices, which apply the plan to it).
  static std::optional<PricedSession> priced(const domain::PricingData& data);
  // Whether the billed start and stop readings were signed and verified with the station's
  // meter key: {"start": {"status": verified|invalid|unparseable|unsigned|no_public_key,
  // "meter_serial", "reading": {"time", "type", "value", "unit"}, "detail"}, "stop": {...}}.
  static nlohmann::json signed_meter_values(const domain::PricingData& data);

 private:
  domain::UnitOfWorkRunner& db_;
  std::function<void(const std::string&, domain::Timestamp)> on_priced_;
};

}  // namespace csms::billing

#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "csms/billing/pricing.hpp"
#include "csms/domain/events.hpp"
#include "csms/domain/ports.hpp"

namespace csms::billing {

// Why an ended session has the cost it has, or none (the transaction's `pricing_status`).
enum class PricingStatus { Priced, NoTariff, NoTariffInForce, NoEnergyReadings, InvalidTariff, UnknownStart };
// "priced", "no_tariff", "no_tariff_in_force", "no_energy_readings", "invalid_tariff",
// "unknown_start" (the session's start never reached us)
std::string_view to_string(PricingStatus status);

struct PricingOutcome {
  PricingStatus status = PricingStatus::Priced;
  std::string detail;                  // in words, when not priced
  std::optional<nlohmann::json> cost;  // when priced
};

struct BillingSettings {
  // How often ended sessions that were never priced (the database failed, the process
  // stopped) are looked for; also once at start.
  std::chrono::milliseconds sweep_interval{60'000};
  std::size_t sweep_batch = 200;  // sessions priced per unit of work
};

// Prices each transaction when it ends, with the tariff version in force when it started,
// and stores the result as the transaction's `cost` and `pricing_status`. A session whose
// pricing did not happen (database out of reach, crash) is priced by the sweep.
class BillingService {
 public:
  explicit BillingService(domain::UnitOfWorkRunner& db, BillingSettings settings = {})
      : db_(db), settings_(settings) {}
  ~BillingService();
  BillingService(const BillingService&) = delete;
  BillingService& operator=(const BillingService&) = delete;

  void on_event(const domain::Event& event);
  // Told after a session's cost was stored (analytics rolls up that day's revenue again).
  void set_on_priced(
      std::function<void(const std::string& station_id, domain::Timestamp stopped_at)> listener) {
    on_priced_ = std::move(listener);
  }
  // The sweep's thread: prices what was left unpriced, at once and then every interval.
  void start();
  void stop();
  // One pass: prices every ended session left without cost or status; returns how many
  // were priced. Throws when the database fails (the next pass tries again).
  std::size_t sweep();

  // Pure: prices an ended session from what the database holds of it, or says why not.
  static PricingOutcome assess(const domain::PricingData& data);
  // Prices and stores one ended session inside a unit of work (the sweep, the REST
  // reprice). nullopt: the session is still running.
  struct Stored {
    PricingOutcome outcome;
    std::string station_id;
    domain::Timestamp stopped_at;
  };
  static std::optional<Stored> price_and_store(domain::Repositories& repos, std::int64_t transaction_id);

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
  void run();

  domain::UnitOfWorkRunner& db_;
  BillingSettings settings_;
  std::function<void(const std::string&, domain::Timestamp)> on_priced_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace csms::billing

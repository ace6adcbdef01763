#include "csms/billing/billing_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "csms/billing/ocmf.hpp"
#include "csms/billing/pricing.hpp"
#include "csms/billing/simulation.hpp"

namespace csms::billing {

std::optional<PricedSession> BillingService::priced(const domain::PricingData& data) {
  if (!data.tariff_json) return std::nullopt;
  Tariff tariff = nlohmann::json::parse(*data.tariff_json).get<Tariff>();
  return price_session(tariff, session_input(data));
}

namespace {

nlohmann::json check_signed(const std::optional<std::string>& signed_data,
                            const std::optional<std::string>& key, bool first) {
  if (!signed_data) return {{"status", "unsigned"}};
  auto text = ocmf_text(*signed_data);
  if (!text) return {{"status", "unparseable"}, {"detail", "not OCMF"}};
  if (!key)
    return {{"status", "no_public_key"}, {"detail", "no meter public key is registered for the station"}};
  const OcmfCheck check = verify_ocmf(*text, *key);
  nlohmann::json out{{"status", to_string(check.status)}, {"meter_serial", check.meter_serial}};
  if (!check.readings.empty()) {
    const OcmfReading& r = first ? check.readings.front() : check.readings.back();
    out["reading"] = {{"time", r.time}, {"type", r.type}, {"value", r.value}, {"unit", r.unit}};
  }
  if (!check.detail.empty()) out["detail"] = check.detail;
  return out;
}

}  // namespace

nlohmann::json BillingService::signed_meter_values(const domain::PricingData& data) {
  return {{"start", check_signed(data.start_signed, data.meter_public_key, true)},
          {"stop", check_signed(data.stop_signed, data.meter_public_key, false)}};
}

std::optional<nlohmann::json> BillingService::price(const domain::PricingData& data) {
  auto session = priced(data);
  if (!session) return std::nullopt;
  nlohmann::json cost;
  to_json(cost, *session);
  cost["signed_meter_values"] = signed_meter_values(data);
  return cost;
}

std::string_view to_string(PricingStatus status) {
  switch (status) {
    case PricingStatus::Priced:
      return "priced";
    case PricingStatus::NoTariff:
      return "no_tariff";
    case PricingStatus::NoTariffInForce:
      return "no_tariff_in_force";
    case PricingStatus::NoEnergyReadings:
      return "no_energy_readings";
    case PricingStatus::InvalidTariff:
      return "invalid_tariff";
    case PricingStatus::UnknownStart:
      return "unknown_start";
  }
  return "invalid_tariff";
}

namespace {

bool needs_energy(const Tariff& tariff) {
  return std::any_of(tariff.elements.begin(), tariff.elements.end(), [](const TariffElement& element) {
    bool energy_bound =
        element.restrictions && (element.restrictions->min_kwh || element.restrictions->max_kwh);
    return energy_bound || std::any_of(element.price_components.begin(), element.price_components.end(),
                                       [](const PriceComponent& c) { return c.type == Dimension::Energy; });
  });
}

}  // namespace

PricingOutcome BillingService::assess(const domain::PricingData& data) {
  const std::string which = data.tariff_id ? "tariff " + *data.tariff_id : "the default tariff";
  if (!data.tariff_json) {
    if (!data.tariff_exists)
      return {PricingStatus::NoTariff,
              data.tariff_id ? "tariff " + *data.tariff_id + " does not exist"
                             : "the station has no tariff and no tariff is the default",
              std::nullopt};
    return {PricingStatus::NoTariffInForce,
            "no version of " + which + " is in force at the session's start (" +
                domain::format_timestamp(data.started_at) + ")",
            std::nullopt};
  }
  Tariff tariff;
  try {
    tariff = nlohmann::json::parse(*data.tariff_json).get<Tariff>();
  } catch (const std::exception& e) {
    return {PricingStatus::InvalidTariff, which + " cannot be read: " + e.what(), std::nullopt};
  }
  // A session priced by energy without two register readings would silently cost nothing.
  if (needs_energy(tariff) && data.register_wh.size() < 2)
    return {PricingStatus::NoEnergyReadings,
            which + " prices energy, and the session has " + std::to_string(data.register_wh.size()) +
                " energy register reading(s) (at least two are needed)",
            std::nullopt};
  try {
    nlohmann::json cost;
    to_json(cost, price_session(tariff, session_input(data)));
    cost["signed_meter_values"] = signed_meter_values(data);
    return {PricingStatus::Priced, "", std::move(cost)};
  } catch (const std::exception& e) {
    return {PricingStatus::InvalidTariff, which + " cannot price the session: " + e.what(), std::nullopt};
  }
}

std::optional<BillingService::Stored> BillingService::price_and_store(domain::Repositories& repos,
                                                                      std::int64_t transaction_id) {
  auto data = repos.billing().pricing_data(transaction_id);
  if (!data) {
    // Ended without a start we know of (a 2.0.1 Ended event alone): nothing to price from.
    PricingOutcome outcome{PricingStatus::UnknownStart, "the session's start never reached the CSMS",
                           std::nullopt};
    repos.billing().store_pricing(transaction_id, std::string(to_string(outcome.status)), outcome.detail,
                                  std::nullopt);
    return Stored{std::move(outcome), "", {}};
  }
  if (!data->stopped_at) return std::nullopt;
  auto outcome = assess(*data);
  repos.billing().store_pricing(transaction_id, std::string(to_string(outcome.status)), outcome.detail,
                                outcome.cost ? std::optional(outcome.cost->dump()) : std::nullopt);
  return Stored{std::move(outcome), data->station_id, *data->stopped_at};
}

void BillingService::on_event(const domain::Event& event) {
  const auto* ended = std::get_if<domain::TransactionEnded>(&event);
  if (ended == nullptr) return;
  auto id = ended->transaction_id;
  auto stored = std::make_shared<std::optional<Stored>>();
  db_.run([id, stored](domain::Repositories& repos) { *stored = price_and_store(repos, id); },
          [this, stored, id](std::exception_ptr error) {
            // The database failed: the session keeps no cost and no status, and the sweep
            // prices it later.
            if (error) {
              spdlog::warn("billing: transaction {} left for the pricing sweep", id);
              return;
            }
            if (*stored && (*stored)->outcome.cost && on_priced_)
              on_priced_((*stored)->station_id, (*stored)->stopped_at);
          });
}

BillingService::~BillingService() { stop(); }

void BillingService::start() {
  worker_ = std::thread([this] { run(); });
}

void BillingService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::size_t BillingService::sweep() {
  std::size_t priced = 0;
  for (;;) {
    std::vector<Stored> done;
    std::size_t claimed = 0;
    db_.run_and_wait([&](domain::Repositories& repos) {
      done.clear();
      auto ids = repos.billing().claim_unpriced(settings_.sweep_batch);
      claimed = ids.size();
      for (auto id : ids)
        if (auto stored = price_and_store(repos, id)) done.push_back(std::move(*stored));
    });
    for (const auto& stored : done) {
      if (!stored.outcome.cost) continue;
      ++priced;
      if (on_priced_) on_priced_(stored.station_id, stored.stopped_at);
    }
    if (claimed < settings_.sweep_batch) return priced;
    std::lock_guard lock(mutex_);
    if (stopping_) return priced;
  }
}

void BillingService::run() {
  for (;;) {
    try {
      if (auto priced = sweep(); priced > 0) spdlog::info("billing: the sweep priced {} sessions", priced);
    } catch (const std::exception& e) {
      spdlog::warn("billing: pricing sweep failed (tried again in {} s): {}",
                   std::chrono::duration_cast<std::chrono::seconds>(settings_.sweep_interval).count(),
                   e.what());
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, settings_.sweep_interval, [this] { return stopping_; })) return;
  }
}

}  // namespace csms::billing

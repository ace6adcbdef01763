#include "csms/billing/billing_service.hpp"

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

void BillingService::on_event(const domain::Event& event) {
  const auto* ended = std::get_if<domain::TransactionEnded>(&event);
  if (ended == nullptr) return;
  auto id = ended->transaction_id;
  auto priced = std::make_shared<std::optional<domain::Timestamp>>();
  db_.run(
      [id, priced](domain::Repositories& repos) {
        auto data = repos.billing().pricing_data(id);
        if (!data) return;
        if (auto cost = price(*data)) {
          repos.billing().store_cost(id, cost->dump());
          *priced = data->stopped_at.value_or(data->started_at);
        }
      },
      [this, priced, station = ended->station_id](std::exception_ptr error) {
        // A session that cannot be priced keeps cost null; the failure was logged by the
        // database layer and the session stays visible for an operator to look at.
        if (!error && *priced && on_priced_) on_priced_(station, **priced);
      });
}

}  // namespace csms::billing

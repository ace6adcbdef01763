#include "faults/rules/transaction_evses.hpp"

namespace csms::faults::rules {

void TransactionEvses::remember(const std::string& station_id, std::int64_t transaction_id, int evse_id) {
  auto [entry, inserted] = evses_.try_emplace(transaction_id);
  if (inserted || entry->second.station_id != station_id) entry->second.station_id = station_id;
  entry->second.evse_id = evse_id;
}

void TransactionEvses::apply(const domain::Event& event) {
  if (const auto* started = std::get_if<domain::TransactionStarted>(&event)) {
    if (started->evse_id > 0) remember(started->station_id, started->transaction_id, started->evse_id);
  } else if (const auto* values = std::get_if<domain::MeterValuesRecorded>(&event)) {
    if (values->transaction_id && values->evse_id > 0)
      remember(values->station_id, *values->transaction_id, values->evse_id);
  } else if (const auto* ended = std::get_if<domain::TransactionEnded>(&event)) {
    evses_.erase(ended->transaction_id);
  }
}

std::optional<int> TransactionEvses::find(const std::string& station_id, std::int64_t transaction_id) const {
  auto found = evses_.find(transaction_id);
  if (found == evses_.end() || found->second.station_id != station_id) return std::nullopt;
  return found->second.evse_id;
}

int TransactionEvses::evse_of(const domain::MeterValuesRecorded& values) const {
  if (values.evse_id > 0 || !values.transaction_id) return values.evse_id;
  return find(values.station_id, *values.transaction_id).value_or(0);
}

}  // namespace csms::faults::rules

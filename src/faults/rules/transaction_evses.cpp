#include "faults/rules/transaction_evses.hpp"

namespace csms::faults::rules {

void TransactionEvses::apply(const domain::Event& event) {
  if (const auto* started = std::get_if<domain::TransactionStarted>(&event)) {
    if (started->evse_id > 0) evses_[{started->station_id, started->transaction_id}] = started->evse_id;
  } else if (const auto* values = std::get_if<domain::MeterValuesRecorded>(&event)) {
    if (values->transaction_id && values->evse_id > 0)
      evses_[{values->station_id, *values->transaction_id}] = values->evse_id;
  } else if (const auto* ended = std::get_if<domain::TransactionEnded>(&event)) {
    evses_.erase({ended->station_id, ended->transaction_id});
  }
}

std::optional<int> TransactionEvses::find(const std::string& station_id, std::int64_t transaction_id) const {
  auto found = evses_.find({station_id, transaction_id});
  if (found == evses_.end()) return std::nullopt;
  return found->second;
}

int TransactionEvses::evse_of(const domain::MeterValuesRecorded& values) const {
  if (values.evse_id > 0 || !values.transaction_id) return values.evse_id;
  return find(values.station_id, *values.transaction_id).value_or(0);
}

}  // namespace csms::faults::rules

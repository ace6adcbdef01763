#include "faults/rules/charging_tracker.hpp"

namespace csms::faults::rules {
namespace {

using domain::ChargingState;
using domain::ConnectorStatus;

std::optional<Activity> activity_of(ConnectorStatus status) {
  switch (status) {
    case ConnectorStatus::Charging:
      return Activity::Charging;
    case ConnectorStatus::SuspendedEV:
    case ConnectorStatus::SuspendedEVSE:
      return Activity::Suspended;
    case ConnectorStatus::Occupied:
      return std::nullopt;  // 2.0.1: the transaction's chargingState tells
    case ConnectorStatus::Available:
    case ConnectorStatus::Preparing:
    case ConnectorStatus::Finishing:
    case ConnectorStatus::Reserved:
    case ConnectorStatus::Unavailable:
    case ConnectorStatus::Faulted:
      return Activity::Idle;
  }
  return std::nullopt;
}

Activity activity_of(ChargingState state) {
  switch (state) {
    case ChargingState::Charging:
      return Activity::Charging;
    case ChargingState::SuspendedEV:
    case ChargingState::SuspendedEVSE:
      return Activity::Suspended;
    case ChargingState::EVConnected:
    case ChargingState::Idle:
      return Activity::Idle;
  }
  return Activity::Idle;
}

}  // namespace

std::optional<ChargingTracker::Change> ChargingTracker::apply(const domain::Event& event) {
  std::optional<EvseKey> evse;
  std::optional<Activity> now;
  if (const auto* status = std::get_if<domain::ConnectorStatusChanged>(&event)) {
    // Connector 0 of a 1.6 station is the station itself, not a place that charges.
    if (status->evse_id > 0) {
      evse = EvseKey{status->station_id, status->evse_id};
      now = activity_of(status->status);
    }
  } else if (const auto* started = std::get_if<domain::TransactionStarted>(&event)) {
    if (started->charging_state && started->evse_id > 0) {
      evse = EvseKey{started->station_id, started->evse_id};
      now = activity_of(*started->charging_state);
    }
  } else if (const auto* updated = std::get_if<domain::TransactionUpdated>(&event)) {
    auto id = transactions_.find(updated->station_id, updated->transaction_id);
    if (updated->charging_state && id) {
      evse = EvseKey{updated->station_id, *id};
      now = activity_of(*updated->charging_state);
    }
  } else if (const auto* ended = std::get_if<domain::TransactionEnded>(&event)) {
    if (auto id = transactions_.find(ended->station_id, ended->transaction_id)) {
      evse = EvseKey{ended->station_id, *id};
      now = Activity::Idle;
    }
  }
  transactions_.apply(event);
  if (!evse || !now) return std::nullopt;
  Change change{*evse, activity(*evse), *now};
  if (*now == Activity::Idle)
    activity_.erase(*evse);
  else
    activity_[*evse] = *now;
  return change;
}

Activity ChargingTracker::activity(const EvseKey& evse) const {
  auto found = activity_.find(evse);
  return found == activity_.end() ? Activity::Idle : found->second;
}

}  // namespace csms::faults::rules

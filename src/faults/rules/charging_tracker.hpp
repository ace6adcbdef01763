#pragma once

#include <map>
#include <optional>

#include "csms/domain/events.hpp"
#include "faults/rules/rule_support.hpp"
#include "faults/rules/transaction_evses.hpp"

namespace csms::faults::rules {

enum class Activity { Idle, Charging, Suspended };

// Whether each EVSE is delivering energy. 1.6 says so in StatusNotification (Charging,
// SuspendedEV/SuspendedEVSE, anything else = idle); 2.0.1 in the transaction's chargingState
// (its connector statuses say only Occupied, which changes nothing here). A transaction's end
// always means idle.
class ChargingTracker {
 public:
  struct Change {
    EvseKey evse;
    Activity before = Activity::Idle;
    Activity now = Activity::Idle;
  };

  // Learns from one event; returns the EVSE whose activity it reported (even if unchanged).
  std::optional<Change> apply(const domain::Event& event);

  Activity activity(const EvseKey& evse) const;
  int evse_of(const domain::MeterValuesRecorded& values) const { return transactions_.evse_of(values); }
  void forget_station(const std::string& station_id) {
    erase_station(activity_, station_id);
    transactions_.forget_station(station_id);
  }

 private:
  std::map<EvseKey, Activity> activity_;  // EVSEs not listed are idle
  TransactionEvses transactions_;
};

}  // namespace csms::faults::rules

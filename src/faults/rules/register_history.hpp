#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "csms/domain/events.hpp"
#include "faults/rules/rule_support.hpp"

namespace csms::faults::rules {

// The consecutive Energy.Active.Import.Register readings (total, no phase) of each open
// transaction, per measuring location: an Inlet and an Outlet register never compare.
class RegisterHistory {
 public:
  struct Step {
    std::string location;
    domain::Timestamp previous_at;
    double previous_wh = 0;
    domain::Timestamp at;
    double wh = 0;
  };

  // meterStart is the transaction's first Outlet reading, unless readings came first (2.0.1
  // sends the Started event's meter values before the event itself).
  void started(const domain::TransactionStarted& started);
  // The step from the previous reading to each new one, in order. Readings older than the last
  // one known (queued data delivered late) are skipped rather than read as going backwards.
  std::vector<Step> record(const domain::MeterValuesRecorded& values);
  void ended(const std::string& station_id, std::int64_t transaction_id);
  void forget_station(const std::string& station_id) { erase_station(last_, station_id); }

 private:
  struct Reading {
    domain::Timestamp at;
    double wh = 0;
  };
  std::map<TransactionKey, std::map<std::string, Reading>> last_;
};

}  // namespace csms::faults::rules

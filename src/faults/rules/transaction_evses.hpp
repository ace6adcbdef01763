#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "csms/domain/events.hpp"
#include "faults/rules/rule_support.hpp"

namespace csms::faults::rules {

// The EVSE of each open transaction. TransactionUpdated/Ended carry only the transaction id, and a
// 2.0.1 station names the EVSE only in a transaction's first event, so later meter values of the
// transaction arrive with EVSE 0.
class TransactionEvses {
 public:
  // Call after the rule has handled the event: an ended transaction is forgotten here.
  void apply(const domain::Event& event);

  std::optional<int> find(const std::string& station_id, std::int64_t transaction_id) const;
  // The EVSE the values belong to (0 when neither they nor their transaction name one).
  int evse_of(const domain::MeterValuesRecorded& values) const;
  void forget_station(const std::string& station_id) {
    std::erase_if(evses_, [&](const auto& entry) { return entry.second.station_id == station_id; });
  }

 private:
  // Keyed by our transaction id (unique across stations): every meter value looks its
  // transaction up here in each rule that keeps one, so no string comparisons on the way.
  struct Entry {
    std::string station_id;
    int evse_id = 0;
  };
  std::unordered_map<std::int64_t, Entry> evses_;
  void remember(const std::string& station_id, std::int64_t transaction_id, int evse_id);
};

}  // namespace csms::faults::rules

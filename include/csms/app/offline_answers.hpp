#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "csms/domain/requests.hpp"

namespace csms::app {

// How chargers are answered while the database is out of reach: id tokens as they were last
// authorized, stations' registration as last recorded, and 1.6 transaction ids taken from
// the sequence beforehand. Thread-safe.
class OfflineAnswers {
 public:
  // What the database said, as it said it (every successful answer feeds this).
  void remember_token(const std::string& token, const domain::Authorization& authorization);
  void remember_registration(const std::string& station_id, domain::RegistrationStatus status);
  std::optional<domain::RegistrationStatus> registration(const std::string& station_id) const;

  void add_transaction_ids(const std::vector<std::int64_t>& ids);
  std::size_t transaction_ids() const;

  // The answer to `request` without the database, for the messages that are spooled:
  // StatusNotification, StartTransaction (which is given a reserved id: `request` records
  // it), StopTransaction, MeterValues, TransactionEvent; also Authorize and BootNotification
  // (not spooled). nullopt: it cannot be answered now (no reserved id left, a station never
  // seen booting, any other message).
  std::optional<domain::Response> answer(const std::string& station_id, domain::Request& request,
                                         domain::Timestamp now, int heartbeat_interval_s);

  // Whether `request` is kept in the spool when it cannot be stored at once.
  static bool spooled(const domain::Request& request);

 private:
  domain::Authorization authorization_of(const domain::IdToken& token) const;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, domain::Authorization> tokens_;
  std::unordered_map<std::string, domain::RegistrationStatus> registrations_;
  std::deque<std::int64_t> transaction_ids_;
};

}  // namespace csms::app

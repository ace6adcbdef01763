#pragma once

#include <chrono>
#include <vector>

#include "csms/domain/events.hpp"
#include "csms/domain/ports.hpp"
#include "csms/domain/requests.hpp"

namespace csms::charging {

enum class UnknownStationPolicy { Accept, Pending, Reject };

struct ChargingSettings {
  UnknownStationPolicy unknown_stations = UnknownStationPolicy::Accept;
  int heartbeat_interval_s = 300;
  std::chrono::seconds future_tolerance{300};
};

struct Outcome {
  domain::Response response;
  std::vector<domain::Event> events;  // to publish once the unit of work has committed
};

// Answers what chargers ask, in version-neutral terms. Runs inside one unit of work on a
// database thread: everything it writes commits together with the reply it returns.
class ChargingService {
 public:
  explicit ChargingService(ChargingSettings settings) : settings_(settings) {}

  Outcome handle(const domain::MessageContext& ctx, const domain::Request& request,
                 domain::ChargingRepository& repo) const;

  // The authorization an id token gets right now (also used inside transactions). Never
  // ConcurrentTx: both versions give that answer only to a transaction's start.
  domain::Authorization authorize(const domain::IdToken& token, domain::Timestamp now,
                                  domain::ChargingRepository& repo) const;

  // Registration a station gets at boot when it is not yet known.
  domain::RegistrationStatus registration_for_unknown() const;

 private:
  struct TokenCheck {
    domain::Authorization authorization;
    std::optional<domain::IdTokenRecord> record;  // as stored (its spelling is the canonical one)
  };
  TokenCheck check_token(const domain::IdToken& token, domain::Timestamp now,
                         domain::ChargingRepository& repo) const;
  // An Accepted token that already runs as many other sessions as it may becomes ConcurrentTx.
  void apply_session_limit(TokenCheck& check, std::int64_t own_transaction,
                           domain::ChargingRepository& repo) const;

  ChargingSettings settings_;
};

}  // namespace csms::charging

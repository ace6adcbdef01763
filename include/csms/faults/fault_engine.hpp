#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "csms/domain/events.hpp"
#include "csms/faults/alert.hpp"
#include "csms/faults/rule_settings.hpp"

namespace csms::faults {

// What the engine knows of a station beyond its events (from the stations table).
// (Nominal voltages and other per-station thresholds are rule overrides, not profile.)
struct StationProfile {
  std::optional<double> max_power_w;
  int heartbeat_interval_s = 300;
};

class Rule;

// Pure fault detection: state per station / EVSE / connector fed by domain events and clock
// ticks, producing open and clear decisions. No I/O, no clock of its own: callers pass
// `now`. Not thread-safe: one caller at a time.
class FaultEngine {
 public:
  explicit FaultEngine(std::vector<RuleSettings> settings = default_rules());
  ~FaultEngine();
  FaultEngine(const FaultEngine&) = delete;
  FaultEngine& operator=(const FaultEngine&) = delete;

  std::vector<Decision> on_event(const domain::Event& event, domain::Timestamp now);
  // Time-based rules (offline, stuck transactions, durations); call at least every 10 s.
  std::vector<Decision> on_tick(domain::Timestamp now);
  // The database became unreachable (`detail`: why) or reachable again: opens or clears the
  // node-wide alert `database_unavailable` (station_id "").
  std::vector<Decision> on_database(bool available, const std::string& detail, domain::Timestamp now);
  // The certificates the watched stations use (all of them, each time): certificate_expiring
  // opens for one that expires within the rule's `days` (critical once expired) and clears
  // when the station uses a later one or none.
  std::vector<Decision> on_certificates(const std::vector<domain::CertificateExpiry>& certificates,
                                        domain::Timestamp now);

  // Changes take effect for the next event. Unknown names are ignored (returns false).
  bool configure(const RuleSettings& settings);
  const std::vector<RuleSettings>& settings() const { return settings_; }
  void set_profile(const std::string& station_id, StationProfile profile);

  // After a restart: alerts already open (so nothing is raised twice and clears still come),
  // and stations last known online/offline with their last-seen time.
  void restore_open(const AlertKey& key);
  void restore_station(const std::string& station_id, bool online, domain::Timestamp last_seen);
  // The station moved to another node: its open alerts and every rule's state of it are
  // forgotten (its profile stays: it describes the station, not what was seen of it).
  void release_station(const std::string& station_id);

  bool is_open(const AlertKey& key) const { return open_.count(key) > 0; }
  std::map<std::string, int> open_by_rule() const {
    std::map<std::string, int> counts;
    for (const auto& s : settings_) counts[s.name] = 0;
    for (const auto& key : open_) ++counts[key.rule];
    return counts;
  }
  // An operator resolved the alert by hand: a new occurrence opens a new one.
  void forget(const AlertKey& key) { open_.erase(key); }

 private:
  friend class RuleContext;
  std::vector<RuleSettings> settings_;
  std::vector<std::unique_ptr<Rule>> rules_;
  std::set<AlertKey> open_;
  std::map<std::string, StationProfile> profiles_;
  std::optional<domain::Timestamp> down_since_;  // database_unavailable opened then
  std::set<std::string> certificates_expired_;   // certificate_expiring escalated to critical
};

}  // namespace csms::faults

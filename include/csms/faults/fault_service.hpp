#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "csms/domain/clock.hpp"
#include "csms/domain/events.hpp"
#include "csms/domain/ports.hpp"
#include "csms/faults/fault_engine.hpp"

namespace csms::faults {

struct FaultServiceSettings {
  std::vector<std::string> webhook_urls;
  std::chrono::milliseconds tick{1000};
  std::chrono::seconds profile_refresh{30};
  // How often the certificates stations use are checked for expiry (certificate_expiring).
  std::chrono::seconds certificate_check{3600};
  int heartbeat_interval_s = 300;
  // This node's id when several nodes share the database: the service then watches only the
  // stations it holds. Empty: a single node watching every station.
  std::string node_id;
};

// Sends a command to a station for remediation; `done` gets the outcome as JSON
// ({"status": ..., "response": ...} or {"error": ...}).
using Remediator = std::function<void(const std::string& station_id, const std::string& command,
                                      const nlohmann::json& body, std::function<void(nlohmann::json)> done)>;

// Runs the rule engine on its own thread: events are queued from any thread, decisions
// become alerts in PostgreSQL together with their webhook notifications (one unit of work,
// applied in order), and every change is announced to listeners (the live stream).
class FaultService {
 public:
  FaultService(FaultServiceSettings settings, domain::UnitOfWorkRunner& db, const domain::Clock& clock);
  ~FaultService();
  FaultService(const FaultService&) = delete;
  FaultService& operator=(const FaultService&) = delete;

  void set_listener(std::function<void(const domain::AlertChange&)> listener) {
    listener_ = std::move(listener);
  }
  void set_remediator(Remediator remediator) { remediator_ = std::move(remediator); }
  // With several nodes: what the other nodes' services must hear of (an operator saved a
  // rule's settings; an operator resolved an alert, which a rule may now raise again).
  void set_on_rule_saved(std::function<void()> handler) { on_rule_saved_ = std::move(handler); }
  void set_on_alert_forgotten(std::function<void(const AlertKey&)> handler) {
    on_alert_forgotten_ = std::move(handler);
  }

  // Loads saved rule settings, active alerts and station liveness (with a node id: of the
  // stations this node holds), then starts the worker.
  void start();
  void stop();

  // A station not watched here is taken over at its first event: the alerts another node
  // opened for it are restored first, so that this one can clear them.
  void on_event(const domain::Event& event);
  // Hand-overs, applied in order with the events queued before them. release: the station
  // moved to another node, whatever was known of it here goes. adopt: this node takes over
  // stations (a crashed node's), their alerts and last-known liveness restored; stations
  // already watched here are left as they are.
  void release(const std::string& station_id);
  void adopt(std::vector<domain::StationLiveness> stations);
  // The database became unreachable or reachable again (database_unavailable opens with the
  // time of the first failure and resolves when it is back; both are written then).
  void database_state(bool available, std::string detail);

  // What another node did: re-reads the saved rule settings; forgets an alert an operator
  // resolved there.
  void reload_rules();
  void forget_alert(const AlertKey& key);

  std::vector<RuleSettings> rules() const;
  // Active alerts per rule as the engine knows them (for metrics).
  std::map<std::string, int> open_by_rule() const;
  // Merges a REST patch ({"enabled","severity","params","overrides"}) into a rule; returns
  // the new settings, or a message saying what is wrong with the patch.
  std::variant<RuleSettings, std::string> patch_rule(const std::string& name, const nlohmann::json& patch);

  // Operator actions on an alert (also notify webhooks and listeners).
  std::pair<domain::WriteResult, std::optional<domain::AlertChange>> acknowledge(std::int64_t id,
                                                                                 const std::string& by);
  std::pair<domain::WriteResult, std::optional<domain::AlertChange>> resolve(std::int64_t id,
                                                                             const std::string& by,
                                                                             const std::string& note);

 private:
  struct Remediation {
    std::int64_t alert_id = 0;
    AlertKey key;
    domain::Timestamp opened_at;
    bool done = false;
  };
  struct Release {
    std::string station_id;
  };
  struct Adopt {
    std::vector<domain::StationLiveness> stations;
  };
  struct DatabaseState {
    bool available = true;
    std::string detail;
    domain::Timestamp at;
  };
  using Work = std::variant<domain::Event, Release, Adopt, DatabaseState>;

  void enqueue(Work work);
  void run();
  void process(std::vector<Work> work, bool tick);
  bool watches(const std::string& station_id) const {
    return settings_.node_id.empty() || owned_.count(station_id) > 0;
  }
  // Restores the active alerts of stations not watched here yet and starts watching them.
  void take_over(const std::vector<std::string>& station_ids);
  void take_over_unwatched(const std::vector<domain::Event>& events);
  void adopt_now(const std::vector<domain::StationLiveness>& stations);
  void release_now(const std::string& station_id);
  // Active alerts as FaultRepository::active_alerts gives them: open in the engine, and
  // connector_faulted ones awaiting remediation.
  void restore_alerts(const std::string& active_json);
  // Applies saved rule settings (JSON objects keyed by rule name) to the engine.
  void apply_saved_rules(const std::string& saved_json);
  // Writes the decisions after those still unwritten. While the database is out of reach
  // they are all kept, in order (bounded), and written once it is back: the engine already
  // counts them as open or cleared.
  void apply(const std::vector<Decision>& decisions);
  void announce(std::vector<domain::AlertChange> changes, domain::FaultRepository& repo);
  void refresh_profiles();
  void set_profiles(const std::vector<domain::StationLiveness>& stations);
  void remediate(domain::Timestamp now);
  // certificate_expiring: the stations' certificates judged; a new alert asks for renewal.
  void check_certificates(domain::Timestamp now);
  void renew_certificate(const std::string& station_id, std::int64_t alert_id);
  void record_action(std::int64_t alert_id, const nlohmann::json& record);
  // Runs `work` as one unit of work and waits for its commit; rethrows its failure.
  void run_sync(std::function<void(domain::Repositories&)> work);

  FaultServiceSettings settings_;
  domain::UnitOfWorkRunner& db_;
  const domain::Clock& clock_;
  std::function<void(const domain::AlertChange&)> listener_;
  Remediator remediator_;
  std::function<void()> on_rule_saved_;
  std::function<void(const AlertKey&)> on_alert_forgotten_;

  mutable std::mutex engine_mutex_;
  FaultEngine engine_;
  std::map<AlertKey, Remediation> faulted_;  // active connector_faulted alerts
  std::set<std::string> owned_;              // stations watched here (with a node id)
  std::deque<Decision> unwritten_;           // decided, not yet stored (worker thread only)
  bool holding_ = false;                     // unwritten_ waits for the database

  std::mutex queue_mutex_;
  std::condition_variable wake_;
  std::deque<Work> queue_;
  bool stopping_ = false;
  std::thread worker_;
  domain::Timestamp last_profile_refresh_{};
  domain::Timestamp last_certificate_check_{};  // the first tick checks
};

}  // namespace csms::faults

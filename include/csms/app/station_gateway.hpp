#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "csms/api/api.hpp"
#include "csms/app/offline_answers.hpp"
#include "csms/app/spool.hpp"
#include "csms/app/station_auth.hpp"
#include "csms/charging/charging_service.hpp"
#include "csms/domain/clock.hpp"
#include "csms/domain/events.hpp"
#include "csms/domain/ports.hpp"
#include "csms/pki/certificate.hpp"
#include "csms/server/server.hpp"
#include "csms/server/station_link.hpp"

namespace csms::app {

struct GatewaySettings {
  // This node's id in the cluster (stations.node_id of the stations it holds).
  std::string node_id = "local";
  std::chrono::seconds call_timeout{30};
  std::chrono::milliseconds liveness_flush{1000};
  // How often a running 2.0.1 transaction's TransactionEventResponse carries its cost so
  // far (totalCost); the final cost comes with every Ended event. 0: never while running.
  std::chrono::seconds running_cost_interval{60};
  // Meter values (and transaction updates) are stored in batches: while these many are being
  // stored, the next messages gather for the batch after.
  int batches_in_flight = 2;
  // Transaction messages taken while the database is out of reach are journaled here and
  // acknowledged from it; replayed in order once it is back. Empty path: no spool (such
  // messages then get InternalError while the database is down).
  std::string spool_path;
  std::uint64_t spool_max_bytes = 1ull << 30;
  int heartbeat_interval_s = 300;  // in a BootNotification answered from the cache
  ProfilePolicy profile_policy;    // what security profile 3 asks of a certificate
  // Signs stations' CSRs (SignCertificate → CertificateSigned); none: they are rejected.
  std::optional<pki::SigningCa> signing_ca;
  std::chrono::hours certificate_validity{24 * 365};
};

// Joins the transport to the services: each charger call is translated by `ocpp`, decided
// by `charging` inside a unit of work, and answered once that work has committed. Also
// carries REST commands to the station's connection.
class StationGateway final : public server::StationHandler, public api::CommandPort {
 public:
  StationGateway(GatewaySettings settings, const charging::ChargingService& charging,
                 domain::UnitOfWorkRunner& db, const domain::Clock& clock, const domain::EventBus& events);
  ~StationGateway() override;

  void attach(server::Server& server) { server_ = &server; }
  // Runs inside the unit of work that records a connection, when another node held the
  // station before (it is told to let go).
  using MovedHook = std::function<void(domain::Repositories&, const std::string& station_id,
                                       const domain::StationHolder& previous)>;
  void set_moved_hook(MovedHook hook) { moved_hook_ = std::move(hook); }
  // The station connected to another node: closes its connection here if it is still the
  // one the other node took over from (`connection`; none: any). Returns false when a newer
  // connection of the station is open here (it came back meanwhile).
  bool let_go(const std::string& station_id, std::optional<std::int64_t> connection,
              const std::string& reason);
  // Records every open connection again (after another node declared this one dead and
  // took its stations).
  void reclaim_all();
  // Writes pending last-seen times and stops the flusher and the replayer.
  void stop();

  void authenticate(const server::HandshakeInfo& info,
                    std::function<void(server::AuthDecision)> done) override;
  void on_open(const std::shared_ptr<server::StationLink>& link) override;
  void on_call(const std::shared_ptr<server::StationLink>& link, server::IncomingCall call,
               std::function<void(server::Reply)> reply) override;
  void on_close(const std::shared_ptr<server::StationLink>& link, bool replaced) override;

  void send(const std::string& station_id, const std::string& name, const nlohmann::json& body,
            std::function<void(api::CommandResult)> done) override;
  void set_frame_logging(const std::string& station_id, bool enabled) override {
    if (server_) server_->set_frame_logging(station_id, enabled);
  }

 private:
  // What the handshake decided, for the connection it let in (taken at on_open).
  struct Admission {
    int profile = 1;             // the security profile the connection counts as
    bool renew = false;          // an expired certificate let in: Pending until renewed
    bool authenticated = false;  // a password or a certificate was checked
    std::string certificate_cn;  // profile 3: the CN its certificates carry
  };
  struct Connection {
    bool ready = false;  // the station row is loaded
    Admission admission;
    domain::RegistrationStatus registration = domain::RegistrationStatus::Accepted;
    std::multiset<std::string> triggered;  // actions we asked for with TriggerMessage
    std::vector<std::function<void()>> waiting;
    std::weak_ptr<server::StationLink> link;
  };

  // Security profile 1: the Basic password against `hash`, on the password pool.
  // `check`: what the profile check decided (the profile to record once the password is
  // right when it is an upgrade, A05).
  void check_password(const server::HandshakeInfo& info, const domain::StationCredentials& station,
                      const ProfileCheck& check, std::function<void(server::AuthDecision)> done);
  // Keeps what the handshake decided for on_open.
  void admit(const server::HandshakeInfo& info, const ProfileCheck& check,
             const std::optional<domain::StationCredentials>& station, bool authenticated);
  // The connection's admission (a default one when it is gone).
  Admission admission_of(const server::StationLink& link);
  // A boot answer for a connection let in with an expired certificate: Pending (true: it was
  // turned from Accepted, and a renewal is to be asked for).
  bool hold_for_renewal(const server::StationLink& link, domain::BootResponse& boot);
  // The station connected with the profile it is being upgraded to (A05): it is its profile now.
  void promote_profile(const std::string& station_id, int profile);
  // Records the connection (online, held by this node) and then lets its calls through.
  void record_connection(const std::shared_ptr<server::StationLink>& link);

  // SignCertificate: the CSR checked (signature, CN, O), answered, signed off the I/O
  // threads and sent back with CertificateSigned.
  void sign_certificate(const std::shared_ptr<server::StationLink>& link, const server::IncomingCall& call,
                        const std::function<void(server::Reply)>& reply);
  void process(const std::shared_ptr<server::StationLink>& link, server::IncomingCall call,
               std::function<void(server::Reply)> reply);
  // One message as its own unit of work, answered once it committed.
  void run_single(const std::shared_ptr<server::StationLink>& link, ocpp::Version version,
                  const std::string& action, const std::string& message_id, const domain::MessageContext& ctx,
                  domain::Request request, std::function<void(server::Reply)> reply, nlohmann::json payload);
  // 2.0.1: the cost so far in the reply to TransactionEvent Updated (at most once per
  // interval per transaction) and the final cost in the reply to Ended.
  void add_running_cost(domain::Repositories& repos, const domain::MessageContext& ctx,
                        const domain::Request& request, charging::Outcome& outcome);
  // Answers a call from what its unit of work decided (or its failure) and publishes its events.
  void finish(const std::shared_ptr<server::StationLink>& link, ocpp::Version version,
              const std::string& action, const std::string& message_id, charging::Outcome& outcome,
              const std::function<void(server::Reply)>& reply, std::exception_ptr error);

  // MeterValues and TransactionEvent Updated are coalesced: while batches are being stored,
  // the next calls gather.
  struct BatchedCall {
    std::shared_ptr<server::StationLink> link;
    ocpp::Version version;
    std::string action;
    std::string message_id;
    domain::MessageContext ctx;
    domain::Request request;  // MeterValues, or a TransactionEvent Updated
    std::function<void(server::Reply)> reply;
    nlohmann::json payload;  // as validated: what the spool keeps if it comes to that
  };
  void queue_batched(BatchedCall pending);
  // The database is out of reach: `request` is journaled and answered from the cache, or,
  // when that cannot be done, refused with InternalError (the charger tries again).
  void spool_and_answer(const std::shared_ptr<server::StationLink>& link, ocpp::Version version,
                        const std::string& action, const domain::MessageContext& ctx, domain::Request request,
                        const nlohmann::json& payload, std::function<void(server::Reply)> reply);
  // Replays the spool through the normal path while the database takes it; keeps a stock of
  // reserved transaction ids. On the replayer thread.
  void replay_loop();
  bool replay_some();
  void reserve_transaction_ids();
  // What a BootNotification decided holds for the connection's later calls (B02.FR.09).
  void set_registration(const server::StationLink& link, domain::RegistrationStatus status);
  // Feeds the offline cache from what the database decided.
  void remember_answer(const std::string& station_id, const domain::Request& request,
                       const domain::Response& response);
  void flush_batched();
  void seen(const std::string& station_id);
  // Whether this TransactionEvent's reply should carry the running cost (and remembers it).
  bool cost_due(std::int64_t transaction_id, bool ended);
  void flush_liveness();

  GatewaySettings settings_;
  const charging::ChargingService& charging_;
  domain::UnitOfWorkRunner& db_;
  const domain::Clock& clock_;
  const domain::EventBus& events_;
  server::Server* server_ = nullptr;
  MovedHook moved_hook_;
  std::atomic<int> next_request_id_{1};

  std::mutex mutex_;
  std::unordered_map<std::uint64_t, Connection> connections_;
  std::unordered_map<std::string, domain::Timestamp> last_seen_;
  // When each station's liveness was last published: at most once a second per station
  // (liveness is judged in heartbeat intervals; every message would cost fault detection a
  // queued event each).
  std::unordered_map<std::string, domain::Timestamp> heard_published_;
  std::mutex batch_mutex_;
  std::vector<BatchedCall> batch_queue_;
  int batches_in_flight_ = 0;
  std::mutex cost_mutex_;
  std::unordered_map<std::int64_t, std::chrono::steady_clock::time_point> last_cost_;  // by transaction

  // Ten failures in a minute, per identity or per address, and that one waits out the minute.
  FailureLimiter auth_failures_{10, std::chrono::seconds(60)};
  WorkPool password_pool_{2, 256};
  CredentialCache credentials_;
  // Decided at the handshake, taken by on_open (under mutex_).
  std::map<std::string, Admission> admitted_;

  OfflineAnswers offline_;
  std::unique_ptr<Spool> spool_;
  std::atomic<bool> spooling_{false};
  std::mutex spool_mode_mutex_;      // spooling_ turning off (spool drained) vs. entries being added
  std::uint64_t replay_offset_ = 0;  // replayer thread only
  // Entries after replay_offset_ already stored (or set aside), by their end offset: a chunk
  // tried again after the database went away halfway does not run them twice.
  std::set<std::uint64_t> replayed_here_;
  std::thread replayer_;

  std::mutex flush_mutex_;
  std::condition_variable flush_wake_;
  std::atomic<bool> stopping_{false};  // changed under flush_mutex_; read by the replayer without it
  std::thread flusher_;
};

}  // namespace csms::app

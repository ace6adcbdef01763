#include "csms/app/station_gateway.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>
#include <condition_variable>

#include <fstream>
#include <map>
#include <set>

#include "csms/api/password.hpp"
#include "csms/app/log_context.hpp"
#include "csms/billing/billing_service.hpp"
#include "csms/domain/time.hpp"
#include "csms/metrics/metrics.hpp"
#include "csms/ocpp/commands.hpp"
#include "csms/ocpp/translate.hpp"
#include "csms/parsing/json_text.hpp"

namespace csms::app {

using json = nlohmann::json;

namespace {

// The charging service's view of the database while it decides a batch of MeterValues and
// TransactionEvent updates: their transactions looked up beforehand in one query; their
// samples, and the updates of transactions found, gathered and written by flush() with one
// statement each. Everything else goes to the real repository at once.
class BatchView final : public domain::ChargingRepository {
 public:
  BatchView(domain::ChargingRepository& real, std::map<TransactionKey, domain::TransactionRef> transactions)
      : real_(real), transactions_(std::move(transactions)) {}

  void next_message() { ++message_; }
  struct Flushed {
    std::vector<std::size_t> samples;  // how many samples of each message were new
    std::vector<bool> event_recorded;  // false: a deferred event was recorded before (a retry)
  };
  Flushed flush() {
    Flushed flushed{std::vector<std::size_t>(static_cast<std::size_t>(message_ + 1), 0),
                    std::vector<bool>(static_cast<std::size_t>(message_ + 1), true)};
    auto created = real_.record_transaction_updates(updates_);
    for (std::size_t i = 0; i < updates_.size(); ++i)
      flushed.event_recorded[static_cast<std::size_t>(update_owner_[i])] = created[i];
    auto stored = real_.insert_sample_rows(items_);
    for (std::size_t i = 0; i < items_.size(); ++i)
      flushed.samples[static_cast<std::size_t>(owner_[i])] += stored[i];
    return flushed;
  }

  std::optional<domain::TransactionRef> find_transaction(const std::string& station_id,
                                                         const std::string& ocpp_transaction_id) override {
    auto found = transactions_.find({station_id, ocpp_transaction_id});
    if (found == transactions_.end()) return std::nullopt;
    return found->second;
  }
  std::size_t insert_samples(const domain::MessageContext& ctx, int evse_id,
                             std::optional<std::int64_t> transaction_id,
                             const std::vector<domain::MeterSample>& samples,
                             const std::vector<std::string>& flags) override {
    items_.push_back({ctx, evse_id, transaction_id, samples, flags});
    owner_.push_back(message_);
    return samples.size();  // the real count comes from flush()
  }
  // An Updated event of a transaction looked up beforehand is deferred; what the upsert
  // would return is known already (an update sets no start or stop). Anything else, and a
  // second event of the same transaction in this batch, is recorded at once.
  domain::TransactionRef record_transaction_event(const domain::MessageContext& ctx,
                                                  const domain::TransactionEventRequest& event,
                                                  const std::optional<domain::Authorization>& authorization,
                                                  std::optional<double> register_first_wh,
                                                  std::optional<double> register_last_wh,
                                                  const std::vector<std::string>& flags) override {
    auto found = transactions_.find({ctx.station_id, event.transaction_id});
    if (event.kind != domain::TransactionEventKind::Updated || found == transactions_.end() ||
        !deferred_transactions_.insert(found->second.id).second)
      return real_.record_transaction_event(ctx, event, authorization, register_first_wh, register_last_wh,
                                            flags);
    updates_.push_back({ctx, found->second.id, &event, authorization, register_first_wh, flags});
    update_owner_.push_back(message_);
    auto ref = found->second;
    if (ref.evse_id == 0) ref.evse_id = event.evse_id.value_or(0);
    if (!ref.meter_start_wh) ref.meter_start_wh = register_first_wh;
    ref.created = true;  // until flush() says otherwise
    return ref;
  }

  std::optional<domain::StationRecord> find_station(const std::string& id) override {
    return real_.find_station(id);
  }
  domain::StationRecord connect_station(const std::string& id, const std::string& protocol,
                                        domain::Timestamp at,
                                        domain::RegistrationStatus for_unknown) override {
    return real_.connect_station(id, protocol, at, for_unknown);
  }
  void disconnect_station(const std::string& id, domain::Timestamp at) override {
    real_.disconnect_station(id, at);
  }
  std::vector<std::string> touch_stations(
      const std::vector<std::pair<std::string, domain::Timestamp>>& seen) override {
    return real_.touch_stations(seen);
  }
  void record_boot(const domain::MessageContext& ctx, const domain::BootRequest& boot,
                   domain::RegistrationStatus status) override {
    real_.record_boot(ctx, boot, status);
  }
  bool record_status(const domain::MessageContext& ctx, const domain::StatusRequest& status,
                     const std::vector<std::string>& flags) override {
    return real_.record_status(ctx, status, flags);
  }
  std::optional<domain::IdTokenRecord> find_id_token(const std::string& token) override {
    return real_.find_id_token(token);
  }
  std::size_t open_transactions(const std::string& token, std::optional<std::int64_t> except_transaction,
                                std::size_t cap) override {
    return real_.open_transactions(token, except_transaction, cap);
  }
  domain::TransactionRef start_transaction(const domain::MessageContext& ctx,
                                           const domain::StartTransactionRequest& start,
                                           const domain::Authorization& authorization,
                                           const std::vector<std::string>& flags) override {
    return real_.start_transaction(ctx, start, authorization, flags);
  }
  void set_start_authorization(std::int64_t id, domain::AuthorizationStatus status) override {
    real_.set_start_authorization(id, status);
  }
  void consume_reservation(const std::string& station_id, int reservation_id,
                           std::int64_t transaction_id) override {
    real_.consume_reservation(station_id, reservation_id, transaction_id);
  }
  void end_reservation(const std::string& station_id, int reservation_id, const std::string& state) override {
    real_.end_reservation(station_id, reservation_id, state);
  }
  void update_file_transfer(const std::string& station_id, const domain::FileStatus& status,
                            domain::Timestamp at) override {
    real_.update_file_transfer(station_id, status, at);
  }
  bool load_managed(const std::string& station_id) override { return real_.load_managed(station_id); }
  std::vector<StaleClose> close_stale_transactions(const std::string& station_id, int evse_id,
                                                   domain::Timestamp received_at,
                                                   domain::Timestamp status_at) override {
    return real_.close_stale_transactions(station_id, evse_id, received_at, status_at);
  }
  bool stop_transaction(const domain::MessageContext& ctx, std::int64_t id,
                        const domain::StopTransactionRequest& stop,
                        const std::vector<std::string>& flags) override {
    return real_.stop_transaction(ctx, id, stop, flags);
  }
  domain::TransactionRef record_orphan_stop(const domain::MessageContext& ctx,
                                            const domain::StopTransactionRequest& stop,
                                            const std::vector<std::string>& flags) override {
    return real_.record_orphan_stop(ctx, stop, flags);
  }
  void insert_report(const domain::MessageContext& ctx, const domain::StationReport& report,
                     const std::vector<std::string>& flags) override {
    real_.insert_report(ctx, report, flags);
  }

 private:
  domain::ChargingRepository& real_;
  std::map<TransactionKey, domain::TransactionRef> transactions_;
  std::vector<SampleRows> items_;
  std::vector<int> owner_;  // the message of each item
  std::vector<TransactionUpdate> updates_;
  std::vector<int> update_owner_;  // the message of each update
  std::set<std::int64_t> deferred_transactions_;
  int message_ = -1;
};

}  // namespace

StationGateway::StationGateway(GatewaySettings settings, const charging::ChargingService& charging,
                               domain::UnitOfWorkRunner& db, const domain::Clock& clock,
                               const domain::EventBus& events)
    : settings_(settings), charging_(charging), db_(db), clock_(clock), events_(events) {
  if (!settings_.spool_path.empty()) {
    spool_ = std::make_unique<Spool>(settings_.spool_path, settings_.spool_max_bytes);
    if (!spool_->empty()) {
      // Messages acknowledged from the spool before a crash or stop: replayed first.
      spdlog::warn("spool {} holds {} bytes from before; replaying them once the database takes them",
                   spool_->path(), spool_->bytes());
      spooling_ = true;
    }
    metrics::registry().callback(
        "csms_spool_bytes", "Bytes of chargers' transaction messages waiting in the spool for the database",
        [this] {
          return std::vector<std::pair<metrics::Labels, double>>{{{}, static_cast<double>(spool_->bytes())}};
        });
    replayer_ = std::thread([this] { replay_loop(); });
  }
  flusher_ = std::thread([this] {
    std::unique_lock lock(flush_mutex_);
    while (!stopping_) {
      flush_wake_.wait_for(lock, settings_.liveness_flush);
      lock.unlock();
      flush_liveness();
      lock.lock();
    }
  });
}

StationGateway::~StationGateway() { stop(); }

void StationGateway::stop() {
  {
    std::lock_guard lock(flush_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  flush_wake_.notify_all();
  password_pool_.stop();
  if (flusher_.joinable()) flusher_.join();
  if (replayer_.joinable()) replayer_.join();
  if (spool_) metrics::registry().remove_callback("csms_spool_bytes");
  flush_liveness();
}

void StationGateway::seen(const std::string& station_id) {
  auto now = clock_.now();
  {
    std::lock_guard lock(mutex_);
    last_seen_[station_id] = now;
    auto [published, first] = heard_published_.try_emplace(station_id, now);
    if (!first) {
      if (now - published->second < std::chrono::seconds(1)) return;
      published->second = now;
    }
  }
  events_.publish(domain::StationHeard{station_id, now});
}

void StationGateway::flush_liveness() {
  std::unordered_map<std::string, domain::Timestamp> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(last_seen_);
  }
  if (batch.empty()) return;
  std::vector<std::pair<std::string, domain::Timestamp>> seen(batch.begin(), batch.end());
  auto skipped = std::make_shared<std::vector<std::string>>();
  db_.run([seen, skipped](domain::Repositories& repos) { *skipped = repos.charging().touch_stations(seen); },
          [this, batch = std::move(batch), skipped](std::exception_ptr error) {
            if (error) {
              spdlog::warn("could not record last-seen times");
              return;
            }
            // Rows another transaction held: tried again with the next flush (a newer time
            // seen meanwhile wins).
            std::lock_guard lock(mutex_);
            for (const auto& id : *skipped)
              if (auto at = batch.find(id); at != batch.end()) last_seen_.try_emplace(id, at->second);
          });
}

namespace {
void count_auth(const char* result) {
  metrics::registry()
      .counter("csms_station_auth_total", "Charger handshakes' credential checks, by result",
               {{"result", result}})
      .inc();
}
}  // namespace

void StationGateway::authenticate(const server::HandshakeInfo& info,
                                  std::function<void(server::AuthDecision)> done) {
  using server::AuthDecision;
  using Outcome = ProfileCheck::Outcome;
  auto lookup = std::make_shared<std::optional<domain::StationCredentials>>();
  std::optional<std::string> serial;
  if (info.client_certificate) serial = info.client_certificate->serial;
  db_.run([lookup, id = info.station_id,
           serial](domain::Repositories& repos) { *lookup = repos.admin().station_credentials(id, serial); },
          [this, lookup, info, done = std::move(done)](std::exception_ptr error) mutable {
            std::optional<domain::StationCredentials> station;
            if (error) {
              // The database is out of reach: a station seen before is checked against what was
              // read then; one never seen is asked to come back later.
              station = credentials_.find(info.station_id);
              // What was read then says whether that one certificate is revoked, not another.
              const bool other_certificate = station && info.client_certificate &&
                                             station->certificate_serial != info.client_certificate->serial;
              if (!station || other_certificate) {
                spdlog::warn("station {}: credentials cannot be checked now (database unavailable)",
                             info.station_id);
                count_auth("unavailable");
                return done(AuthDecision::Unavailable);
              }
            } else if (!*lookup) {
              credentials_.forget(info.station_id);
              // A station that would only be rejected is refused here, before anything is written
              // for it (else any identity on the internet could add a row).
              if (charging_.registration_for_unknown() == domain::RegistrationStatus::Rejected) {
                spdlog::warn("station {}: unknown, refused (ocpp.unknown_stations: reject) from {}",
                             info.station_id, info.remote_address);
                count_auth("unknown");
                return done(AuthDecision::Deny);
              }
            } else {
              station = **lookup;
              credentials_.remember(info.station_id, *station);
            }
            auto check =
                check_profile(info, station, settings_.profile_policy, std::chrono::system_clock::now());
            switch (check.outcome) {
              case Outcome::Deny:
                spdlog::warn("station {}: refused from {}: {}", info.station_id, info.remote_address,
                             check.reason);
                count_auth("denied");
                return done(AuthDecision::Deny);
              case Outcome::AllowPending:
                spdlog::warn(
                    "station {}: expired client certificate (serial {}): let in as Pending, to be renewed",
                    info.station_id, info.client_certificate->serial);
                admit(info, check, station, true);
                count_auth("allowed");
                return done(AuthDecision::Allow);
              case Outcome::Allow:
                count_auth("allowed");
                if (check.upgraded) promote_profile(info.station_id, check.profile);
                admit(info, check, station, check.profile == 3);
                return done(AuthDecision::Allow);
              case Outcome::NeedPassword:
                return check_password(info, *station, check, std::move(done));
            }
          });
}

void StationGateway::admit(const server::HandshakeInfo& info, const ProfileCheck& check,
                           const std::optional<domain::StationCredentials>& station, bool authenticated) {
  Admission admission;
  admission.profile = check.profile;
  admission.renew = check.outcome == ProfileCheck::Outcome::AllowPending;
  admission.authenticated = authenticated;
  admission.certificate_cn = station && station->certificate_cn ? *station->certificate_cn : info.station_id;
  // Only what differs from what the transport says: a station that proved nothing (any
  // identity, with ocpp.unknown_stations: accept) leaves no entry behind, should its upgrade
  // never complete.
  if (!admission.authenticated && !admission.renew) return;
  std::lock_guard lock(mutex_);
  admitted_[info.station_id] = std::move(admission);
}

StationGateway::Admission StationGateway::admission_of(const server::StationLink& link) {
  std::lock_guard lock(mutex_);
  auto found = connections_.find(link.connection_id());
  if (found == connections_.end()) return Admission{1, false, false, link.station_id()};
  return found->second.admission;
}

bool StationGateway::hold_for_renewal(const server::StationLink& link, domain::BootResponse& boot) {
  if (!admission_of(link).renew || boot.status != domain::RegistrationStatus::Accepted) return false;
  boot.status = domain::RegistrationStatus::Pending;
  return true;
}

void StationGateway::check_password(const server::HandshakeInfo& info,
                                    const domain::StationCredentials& station, const ProfileCheck& check,
                                    std::function<void(server::AuthDecision)> done) {
  const std::optional<int> upgraded = check.upgraded ? std::optional<int>(check.profile) : std::nullopt;
  using server::AuthDecision;
  // Only where there is a password to guess: limited before the slow hash is even started.
  if (auth_failures_.blocked(info.station_id, info.remote_address, std::chrono::steady_clock::now())) {
    count_auth("rate_limited");
    return done(AuthDecision::RateLimited);
  }
  auto shared_done = std::make_shared<std::function<void(AuthDecision)>>(std::move(done));
  bool queued = password_pool_.submit([this, info, station, check, upgraded, shared_done] {
    // Basic credentials, user name = identity: the current password, or the one a rotation
    // (A01) is moving the station to; the first login with that one makes it the password.
    const bool v16 = info.version == ocpp::Version::V16;
    auto matches = [&](const std::optional<std::string>& hash) {
      return hash && info.basic_user && info.basic_password && *info.basic_user == info.station_id &&
             api::verify_station_password(*info.basic_password, *hash, v16);
    };
    bool ok = matches(station.password_hash);
    if (!ok && matches(station.pending_password_hash)) {
      ok = true;
      spdlog::info("station {}: connected with its new password; the old one is no longer accepted",
                   info.station_id);
      db_.run([id = info.station_id, hash = *station.pending_password_hash](
                  domain::Repositories& repos) { repos.admin().promote_pending_password(id, hash); },
              [id = info.station_id](std::exception_ptr error) {
                if (error) spdlog::warn("station {}: its new password could not be made current", id);
              });
      credentials_.forget(info.station_id);
    }
    if (ok) {
      auth_failures_.succeeded(info.station_id, info.remote_address);
      count_auth("allowed");
      if (upgraded) promote_profile(info.station_id, *upgraded);
      admit(info, check, station, true);
    } else {
      auth_failures_.failed(info.station_id, info.remote_address, std::chrono::steady_clock::now());
      spdlog::warn("station {}: wrong or missing credentials from {}", info.station_id, info.remote_address);
      count_auth("denied");
    }
    (*shared_done)(ok ? AuthDecision::Allow : AuthDecision::Deny);
  });
  if (!queued) {
    count_auth("busy");
    (*shared_done)(AuthDecision::Unavailable);
  }
}

void StationGateway::promote_profile(const std::string& station_id, int profile) {
  spdlog::info("station {}: connected with security profile {}, which is its profile from now on", station_id,
               profile);
  credentials_.forget(station_id);
  db_.run(
      [station_id, profile](domain::Repositories& repos) {
        repos.admin().promote_pending_security_profile(station_id, profile);
      },
      [station_id](std::exception_ptr error) {
        if (error) spdlog::warn("station {}: its new security profile could not be recorded", station_id);
      });
}

void StationGateway::on_open(const std::shared_ptr<server::StationLink>& link) {
  {
    std::lock_guard lock(mutex_);
    auto& connection = connections_[link->connection_id()];
    connection.link = link;
    if (auto admitted = admitted_.find(link->station_id()); admitted != admitted_.end()) {
      connection.admission = std::move(admitted->second);
      admitted_.erase(admitted);
    } else {
      // Not admitted with credentials: ws:// or wss:// (a certificate was not checked).
      connection.admission =
          Admission{std::min(link->transport_profile(), 2), false, false, link->station_id()};
    }
  }
  record_connection(link);
}

namespace {
domain::CertificateRecord record_of(const pki::CertificateInfo& cert, std::string source) {
  using std::chrono::milliseconds;
  using std::chrono::time_point_cast;
  return {cert.serial,
          cert.subject_cn,
          cert.subject_o,
          cert.issuer_cn,
          time_point_cast<milliseconds>(cert.not_before),
          time_point_cast<milliseconds>(cert.not_after),
          cert.sha256_fingerprint,
          cert.pem,
          std::move(source)};
}
}  // namespace

void StationGateway::record_connection(const std::shared_ptr<server::StationLink>& link) {
  auto id = link->station_id();
  auto protocol = std::string(ocpp::subprotocol(link->version()));
  auto at = clock_.now();
  auto record = std::make_shared<domain::StationRecord>();
  auto for_unknown = charging_.registration_for_unknown();
  auto connection = static_cast<std::int64_t>(link->connection_id());
  // The profile it was let in with, and a profile-3 station's certificate (kept with its
  // expiry; one sent where the profile is 2 was not checked and is not kept).
  const auto admission = admission_of(*link);
  const int profile = admission.profile;
  domain::CertificateRecord certificate;
  if (const auto& cert = link->client_certificate(); cert && profile == 3)
    certificate = record_of(*cert, "connected");
  db_.run(
      [=, this](domain::Repositories& repos) {
        *record = repos.charging().connect_station(id, protocol, at, for_unknown);
        repos.admin().record_station_certificate(id, certificate, profile);  // after a new station's row
        auto previous = repos.cluster().claim_station(id, settings_.node_id, connection);
        if (previous && moved_hook_) moved_hook_(repos, id, *previous);
      },
      [this, link, record, protocol, at](std::exception_ptr error) {
        std::vector<std::function<void()>> waiting;
        {
          std::lock_guard lock(mutex_);
          auto found = connections_.find(link->connection_id());
          if (found == connections_.end()) return;
          found->second.ready = true;
          // Without the database the station is what it was when last recorded (a station
          // never seen is Pending: its calls wait for a boot that can be recorded).
          if (!error)
            found->second.registration = record->registration;
          else
            found->second.registration =
                offline_.registration(link->station_id()).value_or(domain::RegistrationStatus::Pending);
          // Let in with an expired certificate: nothing but a boot (Pending) and the renewal.
          if (found->second.admission.renew) found->second.registration = domain::RegistrationStatus::Pending;
          waiting.swap(found->second.waiting);
        }
        if (error) {
          spdlog::error("station {}: could not record the connection", link->station_id());
        } else {
          offline_.remember_registration(link->station_id(), record->registration);
          events_.publish(domain::StationConnected{link->station_id(), protocol, at});
        }
        for (auto& resume : waiting) resume();
      });
}

bool StationGateway::let_go(const std::string& station_id, std::optional<std::int64_t> connection,
                            const std::string& reason) {
  auto link = server_ ? server_->find(station_id) : nullptr;
  if (!link) return true;
  if (connection && static_cast<std::int64_t>(link->connection_id()) != *connection) return false;
  spdlog::info("station {}: {}; closing its connection here", station_id, reason);
  link->close(reason);
  return true;
}

void StationGateway::reclaim_all() {
  std::vector<std::shared_ptr<server::StationLink>> links;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, connection] : connections_)
      if (auto link = connection.link.lock()) links.push_back(std::move(link));
  }
  for (const auto& link : links) record_connection(link);
}

void StationGateway::on_close(const std::shared_ptr<server::StationLink>& link, bool replaced) {
  {
    std::lock_guard lock(mutex_);
    connections_.erase(link->connection_id());
    if (!replaced) heard_published_.erase(link->station_id());
  }
  if (replaced) return;  // the newer connection keeps the station online
  auto id = link->station_id();
  auto at = clock_.now();
  auto connection = static_cast<std::int64_t>(link->connection_id());
  auto released = std::make_shared<bool>(false);
  db_.run(
      [this, id, at, connection, released](domain::Repositories& repos) {
        // Only while this connection still holds the station: one on another node may
        // have taken it over (then the station is online there).
        *released = repos.cluster().release_station(id, settings_.node_id, connection);
        if (*released) repos.charging().disconnect_station(id, at);
      },
      [this, id, at, released](std::exception_ptr error) {
        if (error)
          spdlog::error("station {}: could not record the disconnection", id);
        else if (*released)
          events_.publish(domain::StationDisconnected{id, at});
      });
}

void StationGateway::on_call(const std::shared_ptr<server::StationLink>& link, server::IncomingCall call,
                             std::function<void(server::Reply)> reply) {
  seen(link->station_id());
  std::unique_lock lock(mutex_);
  auto found = connections_.find(link->connection_id());
  if (found != connections_.end() && !found->second.ready) {
    found->second.waiting.push_back([this, link, call = std::move(call), reply = std::move(reply)]() mutable {
      process(link, std::move(call), std::move(reply));
    });
    return;
  }
  lock.unlock();
  process(link, std::move(call), std::move(reply));
}

void StationGateway::sign_certificate(const std::shared_ptr<server::StationLink>& link,
                                      const server::IncomingCall& call,
                                      const std::function<void(server::Reply)>& reply) {
  const bool v201 = link->version() == ocpp::Version::V201;
  auto rejected = [&](const std::string& reason_code, const std::string& why) {
    spdlog::warn("station {}: SignCertificate rejected: {}", link->station_id(), why);
    json answer = {{"status", "Rejected"}};
    if (v201) answer["statusInfo"] = {{"reasonCode", reason_code}, {"additionalInfo", why.substr(0, 512)}};
    reply(std::move(answer));
  };
  if (!settings_.signing_ca)
    return rejected("NotConfigured", "no signing CA is configured (tls.signing_ca_cert_file)");
  if (v201 &&
      call.payload.value("certificateType", "ChargingStationCertificate") != "ChargingStationCertificate")
    return rejected("NotSupported", "only ChargingStationCertificate requests are signed here");
  const std::string csr = call.payload.value("csr", "");
  auto info = pki::inspect_csr(csr);
  if (!info) return rejected("InvalidCSR", "the csr is not a PEM certificate request");
  if (!info->signature_valid)
    return rejected("InvalidCSR", "the CSR's signature does not verify with its key");
  // Only for a station that proved who it is (a password or a certificate): an identity that
  // merely connected (ocpp.unknown_stations: accept) gets nothing signed.
  const auto admission = admission_of(*link);
  if (!admission.authenticated)
    return rejected("NotAuthenticated",
                    "the station connected without a password or certificate; nothing is signed for it");
  const std::string& expected_cn = admission.certificate_cn;
  if (info->subject_cn != expected_cn)
    return rejected("InvalidCSR", "the CSR's CN '" + info->subject_cn + "' is not '" + expected_cn + "'");
  const auto& cso = settings_.profile_policy.cso_name;
  if (!cso.empty() && info->subject_o != cso)
    return rejected("InvalidCSR", "the CSR's O '" + info->subject_o + "' is not the CSO name '" + cso + "'");
  reply(json{{"status", "Accepted"}});
  // Signing takes a few milliseconds of CPU: on the pool of the password checks, not here.
  bool queued = password_pool_.submit([this, link, csr, v201] {
    std::string chain;
    try {
      chain = pki::sign_csr(csr, *settings_.signing_ca, settings_.certificate_validity);
    } catch (const std::exception& e) {
      spdlog::error("station {}: signing its CSR failed: {}", link->station_id(), e.what());
      return;
    }
    if (auto signed_cert = pki::inspect_pem(chain)) {
      auto record = record_of(*signed_cert, "signed");
      db_.run(
          [id = link->station_id(), record](domain::Repositories& repos) {
            repos.admin().record_station_certificate(id, record, std::nullopt);
          },
          [id = link->station_id()](std::exception_ptr error) {
            if (error) spdlog::warn("station {}: the signed certificate could not be recorded", id);
          });
    }
    json payload = {{"certificateChain", chain}};
    if (v201) payload["certificateType"] = "ChargingStationCertificate";
    link->call("CertificateSigned", payload, settings_.call_timeout, [link](server::CallOutcome outcome) {
      if (auto* answer = std::get_if<json>(&outcome))
        spdlog::info("station {}: CertificateSigned answered {}", link->station_id(),
                     answer->value("status", "?"));
      else
        spdlog::warn("station {}: CertificateSigned failed: {}", link->station_id(),
                     std::get<server::CallFailure>(outcome).description);
    });
  });
  if (!queued)
    spdlog::warn("station {}: its CSR was accepted but the signing queue is full", link->station_id());
}

void StationGateway::process(const std::shared_ptr<server::StationLink>& link, server::IncomingCall call,
                             std::function<void(server::Reply)> reply) {
  ScopedLogContext log_context(link->station_id(), call.message_id, call.action);
  auto version = link->version();
  {
    // B02.FR.09 / OCPP-J 1.6 errata 3.8: until the boot is Accepted only BootNotification
    // (and what we triggered ourselves) may be sent.
    std::lock_guard lock(mutex_);
    auto found = connections_.find(link->connection_id());
    if (found != connections_.end() && call.action != "BootNotification" &&
        found->second.registration != domain::RegistrationStatus::Accepted) {
      auto triggered = found->second.triggered.find(call.action);
      if (triggered == found->second.triggered.end())
        return reply(server::ReplyError{ocpp::ErrorCode::SecurityError,
                                        "the station is not accepted; send BootNotification first"});
      found->second.triggered.erase(triggered);
    }
  }

  if (call.action == "SignCertificate") return sign_certificate(link, call, reply);

  // 2.0.1 B01.FR.11/12: over profile 3 the boot's serial number must be the certificate's CN.
  if (call.action == "BootNotification" && version == ocpp::Version::V201 &&
      admission_of(*link).profile == 3) {
    const auto* serial = call.payload.contains("chargingStation") &&
                                 call.payload["chargingStation"].is_object() &&
                                 call.payload["chargingStation"].contains("serialNumber")
                             ? &call.payload["chargingStation"]["serialNumber"]
                             : nullptr;
    const auto& cn = link->client_certificate()->subject_cn;
    if (serial != nullptr && serial->is_string() && serial->get<std::string>() != cn) {
      spdlog::warn("station {}: BootNotification serialNumber '{}' is not its certificate's CN '{}': closing",
                   link->station_id(), serial->get<std::string>(), cn);
      reply(server::ReplyError{ocpp::ErrorCode::SecurityError,
                               "serialNumber does not match the client certificate's CN"});
      link->close("serialNumber does not match the client certificate");
      return;
    }
  }

  domain::MessageContext ctx{link->station_id(), std::string(ocpp::subprotocol(version)), call.message_id,
                             clock_.now(), call.message_id_reused};
  domain::Request request;
  try {
    request = ocpp::to_request(version, call.action, call.payload, ctx.received_at);
  } catch (const ocpp::TranslateError& e) {
    return reply(server::ReplyError{e.code(), e.what()});
  } catch (const std::exception& e) {
    spdlog::error("station {}: {} could not be read: {}", link->station_id(), call.action, e.what());
    return reply(server::ReplyError{ocpp::ErrorCode::InternalError, "the message could not be processed"});
  }

  if (std::holds_alternative<domain::HeartbeatRequest>(request)) {
    // Liveness only: recorded by the coalesced last-seen flush, answered at once.
    return reply(ocpp::to_reply(version, call.action, domain::HeartbeatResponse{ctx.received_at}));
  }

  // While the spool holds anything, transaction messages go behind it: their order is kept.
  if (spooling_ && OfflineAnswers::spooled(request))
    return spool_and_answer(link, version, call.action, ctx, std::move(request), call.payload,
                            std::move(reply));

  // The busiest messages (meter values, and transactions' updates with theirs) are coalesced
  // with what other chargers sent meanwhile.
  const auto* event = std::get_if<domain::TransactionEventRequest>(&request);
  if (std::holds_alternative<domain::MeterValuesRequest>(request) ||
      (event && event->kind == domain::TransactionEventKind::Updated))
    return queue_batched({link, version, call.action, call.message_id, ctx, std::move(request),
                          std::move(reply), std::move(call.payload)});
  run_single(link, version, call.action, call.message_id, ctx, std::move(request), std::move(reply),
             std::move(call.payload));
}

void StationGateway::run_single(const std::shared_ptr<server::StationLink>& link, ocpp::Version version,
                                const std::string& action, const std::string& message_id,
                                const domain::MessageContext& ctx, domain::Request request,
                                std::function<void(server::Reply)> reply, nlohmann::json payload) {
  auto outcome = std::make_shared<charging::Outcome>();
  auto shared = std::make_shared<domain::Request>(std::move(request));
  db_.run(
      [this, ctx, action, shared, outcome](domain::Repositories& repos) {
        ScopedLogContext on_db_thread(ctx.station_id, ctx.message_id, action);
        *outcome = charging_.handle(ctx, *shared, repos.charging());
        add_running_cost(repos, ctx, *shared, *outcome);
      },
      [this, link, version, action, message_id, ctx, outcome, shared, payload = std::move(payload),
       reply = std::move(reply)](std::exception_ptr error) mutable {
        // The database is out of reach: what can be answered without it is, and transaction
        // messages are kept in the spool (J02.FR.19: a TransactionEvent is never refused).
        if (domain::is_store_unavailable(error))
          return spool_and_answer(link, version, action, ctx, std::move(*shared), payload, std::move(reply));
        if (!error) remember_answer(ctx.station_id, *shared, outcome->response);
        finish(link, version, action, message_id, *outcome, reply, error);
      });
}

void StationGateway::add_running_cost(domain::Repositories& repos, const domain::MessageContext& ctx,
                                      const domain::Request& request, charging::Outcome& outcome) {
  // 2.0.1: the final cost in the reply to Ended; the cost so far, at most once per interval
  // per transaction (it reads the session's readings and tariff), sent with CostUpdated after
  // the reply to an Updated event.
  auto* event = std::get_if<domain::TransactionEventResponse>(&outcome.response);
  const auto* sent = std::get_if<domain::TransactionEventRequest>(&request);
  if (event && sent && event->transaction_id != 0 && sent->kind != domain::TransactionEventKind::Started &&
      cost_due(event->transaction_id, sent->kind == domain::TransactionEventKind::Ended)) {
    try {
      if (auto data = repos.billing().pricing_data(event->transaction_id)) {
        if (auto cost = billing::BillingService::price(*data)) {
          auto total = (*cost)["total_incl_vat"].get<std::string>();
          if (sent->kind == domain::TransactionEventKind::Ended) {
            event->total_cost = std::move(total);
          } else {
            event->running_cost = std::move(total);
            event->ocpp_transaction_id = sent->transaction_id;
          }
        }
      }
    } catch (const std::exception& e) {
      // A tariff that cannot price the session must not fail the charger's message.
      spdlog::warn("station {}: running cost of transaction {}: {}", ctx.station_id, event->transaction_id,
                   e.what());
    }
  }
}

void StationGateway::finish(const std::shared_ptr<server::StationLink>& link, ocpp::Version version,
                            const std::string& action, const std::string& message_id,
                            charging::Outcome& outcome, const std::function<void(server::Reply)>& reply,
                            std::exception_ptr error) {
  ScopedLogContext on_completion(link->station_id(), message_id, action);
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("station {}: {} failed: {}", link->station_id(), action, e.what());
    }
    return reply(server::ReplyError{ocpp::ErrorCode::InternalError, "could not be stored; try again"});
  }
  bool renew = false;
  // Let in with an expired certificate (A00.FR.429): Pending, and renewed at once.
  if (auto* boot = std::get_if<domain::BootResponse>(&outcome.response))
    renew = hold_for_renewal(*link, *boot);
  if (auto* boot = std::get_if<domain::BootResponse>(&outcome.response))
    set_registration(*link, boot->status);
  json payload;
  try {
    payload = ocpp::to_reply(version, action, outcome.response);
  } catch (const std::exception& e) {
    spdlog::error("station {}: {} reply failed: {}", link->station_id(), action, e.what());
    return reply(server::ReplyError{ocpp::ErrorCode::InternalError, "the reply could not be built"});
  }
  reply(std::move(payload));
  events_.publish(outcome.events);
  if (auto* event = std::get_if<domain::TransactionEventResponse>(&outcome.response);
      event && event->running_cost)
    send(link->station_id(), "cost-updated",
         json{{"transaction_id", event->ocpp_transaction_id}, {"total_cost", *event->running_cost}},
         [id = link->station_id()](api::CommandResult result) {
           if (result.kind != api::CommandResult::Kind::Answered)
             spdlog::info("station {}: CostUpdated not delivered: {}", id, result.description);
         });
  if (renew)
    send(link->station_id(), "renew-certificate", json::object(),
         [id = link->station_id()](api::CommandResult result) {
           spdlog::info(
               "station {}: certificate renewal asked for: {}", id,
               result.kind == api::CommandResult::Kind::Answered ? result.status : result.description);
         });
}

void StationGateway::queue_batched(BatchedCall pending) {
  {
    std::lock_guard lock(batch_mutex_);
    batch_queue_.push_back(std::move(pending));
    // The batches in flight take it next; another starts while fewer are being stored.
    if (batches_in_flight_ >= settings_.batches_in_flight) return;
    ++batches_in_flight_;
  }
  flush_batched();
}

void StationGateway::flush_batched() {
  auto batch = std::make_shared<std::vector<BatchedCall>>();
  {
    std::lock_guard lock(batch_mutex_);
    batch->swap(batch_queue_);
    if (batch->empty()) {
      --batches_in_flight_;
      return;
    }
  }
  auto outcomes = std::make_shared<std::vector<charging::Outcome>>(batch->size());
  db_.run(
      [this, batch, outcomes](domain::Repositories& repos) {
        // One lookup of every message's transaction, then one write each of the transactions'
        // updates, their events and every message's samples; the charging service decides each
        // message as usual against that view.
        std::vector<domain::ChargingRepository::TransactionKey> keys;
        for (const auto& item : *batch) {
          if (const auto* values = std::get_if<domain::MeterValuesRequest>(&item.request);
              values && values->transaction_id)
            keys.emplace_back(item.ctx.station_id, *values->transaction_id);
          if (const auto* event = std::get_if<domain::TransactionEventRequest>(&item.request))
            keys.emplace_back(item.ctx.station_id, event->transaction_id);
        }
        BatchView view(repos.charging(), repos.charging().find_transactions(keys));
        for (std::size_t i = 0; i < batch->size(); ++i) {
          view.next_message();
          (*outcomes)[i] = charging_.handle((*batch)[i].ctx, (*batch)[i].request, view);
        }
        auto flushed = view.flush();
        for (std::size_t i = 0; i < batch->size(); ++i) {
          // Samples and events recorded before (a retried message) are no news for the services.
          std::erase_if((*outcomes)[i].events, [&](const domain::Event& e) {
            return (flushed.samples[i] == 0 && std::holds_alternative<domain::MeterValuesRecorded>(e)) ||
                   (!flushed.event_recorded[i] && std::holds_alternative<domain::TransactionUpdated>(e));
          });
          // After the insert: the running cost counts this message's readings.
          add_running_cost(repos, (*batch)[i].ctx, (*batch)[i].request, (*outcomes)[i]);
        }
      },
      [this, batch, outcomes](std::exception_ptr error) {
        if (error) {
          // One message's data may have failed them all: each is tried again on its own.
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            spdlog::warn("{} meter values stored one by one after: {}", batch->size(), e.what());
          }
          for (auto& item : *batch)
            run_single(item.link, item.version, item.action, item.message_id, item.ctx,
                       std::move(item.request), std::move(item.reply), std::move(item.payload));
        } else {
          for (std::size_t i = 0; i < batch->size(); ++i) {
            auto& item = (*batch)[i];
            remember_answer(item.ctx.station_id, item.request, (*outcomes)[i].response);
            finish(item.link, item.version, item.action, item.message_id, (*outcomes)[i], item.reply,
                   nullptr);
          }
        }
        flush_batched();
      });
}

bool StationGateway::cost_due(std::int64_t transaction_id, bool ended) {
  std::lock_guard lock(cost_mutex_);
  if (ended) {
    last_cost_.erase(transaction_id);
    return true;
  }
  if (settings_.running_cost_interval.count() <= 0) return false;
  const auto now = std::chrono::steady_clock::now();
  auto [it, inserted] = last_cost_.try_emplace(transaction_id, now);
  if (!inserted) {
    if (now - it->second < settings_.running_cost_interval) return false;
    it->second = now;
  }
  return true;
}

void StationGateway::send(const std::string& station_id, const std::string& name, const json& body,
                          std::function<void(api::CommandResult)> done) {
  auto link = server_ ? server_->find(station_id) : nullptr;
  if (!link) {
    auto exists = std::make_shared<bool>(false);
    db_.run([station_id,
             exists](domain::Repositories& repos) { *exists = repos.admin().station_exists(station_id); },
            [exists, done = std::move(done)](std::exception_ptr error) {
              api::CommandResult result;
              result.kind = (!error && !*exists) ? api::CommandResult::Kind::UnknownStation
                                                 : api::CommandResult::Kind::Offline;
              done(std::move(result));
            });
    return;
  }
  ocpp::OutboundCall call;
  try {
    call = ocpp::build_command(link->version(), name, body, next_request_id_++);
  } catch (const ocpp::CommandError& e) {
    api::CommandResult result;
    result.kind = api::CommandResult::Kind::BadRequest;
    result.description = e.what();
    return done(std::move(result));
  }
  if (call.action == "TriggerMessage" || call.action == "ExtendedTriggerMessage") {
    // What it asked for may come even before the boot is Accepted (a certificate renewal
    // arrives as SignCertificate).
    auto requested = call.payload.value("requestedMessage", "");
    if (requested == "SignChargingStationCertificate" || requested == "SignChargePointCertificate")
      requested = "SignCertificate";
    std::lock_guard lock(mutex_);
    auto found = connections_.find(link->connection_id());
    if (found != connections_.end()) found->second.triggered.insert(requested);
  }
  link->call(call.action, call.payload, settings_.call_timeout,
             [action = call.action, done = std::move(done)](server::CallOutcome outcome) {
               api::CommandResult result;
               if (auto* payload = std::get_if<json>(&outcome)) {
                 result.kind = api::CommandResult::Kind::Answered;
                 try {
                   result.status = ocpp::reply_status(action, *payload);
                 } catch (const std::exception& e) {
                   // Validated against the schema already; a miss here is our bug, not the charger's.
                   result.kind = api::CommandResult::Kind::InvalidAnswer;
                   result.description = std::string("the station's answer could not be read: ") + e.what();
                 }
                 result.response = std::move(*payload);
               } else {
                 auto& failure = std::get<server::CallFailure>(outcome);
                 switch (failure.kind) {
                   case server::CallFailure::Kind::CallError:
                     result.kind = api::CommandResult::Kind::CallError;
                     result.error_code = failure.code;
                     result.description = failure.description;
                     result.response = failure.details;
                     break;
                   case server::CallFailure::Kind::InvalidAnswer:
                     result.kind = api::CommandResult::Kind::InvalidAnswer;
                     result.error_code = failure.code;
                     result.description = failure.description;
                     break;
                   case server::CallFailure::Kind::Timeout:
                     result.kind = api::CommandResult::Kind::Timeout;
                     break;
                   case server::CallFailure::Kind::Closed:
                     result.kind = api::CommandResult::Kind::Offline;
                     result.description = failure.description;
                     break;
                 }
               }
               done(std::move(result));
             });
}

void StationGateway::set_registration(const server::StationLink& link, domain::RegistrationStatus status) {
  std::lock_guard lock(mutex_);
  if (auto found = connections_.find(link.connection_id()); found != connections_.end())
    found->second.registration = status;
}

void StationGateway::remember_answer(const std::string& station_id, const domain::Request& request,
                                     const domain::Response& response) {
  if (const auto* boot = std::get_if<domain::BootResponse>(&response))
    offline_.remember_registration(station_id, boot->status);
  const domain::IdToken* token = nullptr;
  std::optional<domain::Authorization> authorization;
  if (const auto* authorize = std::get_if<domain::AuthorizeRequest>(&request)) token = &authorize->id_token;
  if (const auto* start = std::get_if<domain::StartTransactionRequest>(&request)) token = &start->id_token;
  if (const auto* event = std::get_if<domain::TransactionEventRequest>(&request); event && event->id_token)
    token = &*event->id_token;
  if (const auto* r = std::get_if<domain::AuthorizeResponse>(&response)) authorization = r->authorization;
  if (const auto* r = std::get_if<domain::StartTransactionResponse>(&response))
    authorization = r->authorization;
  if (const auto* r = std::get_if<domain::TransactionEventResponse>(&response))
    authorization = r->authorization;
  // ConcurrentTx is about that moment's other transaction, not the token.
  if (token && authorization && authorization->status != domain::AuthorizationStatus::ConcurrentTx)
    offline_.remember_token(token->value, *authorization);
}

void StationGateway::spool_and_answer(const std::shared_ptr<server::StationLink>& link, ocpp::Version version,
                                      const std::string& action, const domain::MessageContext& ctx,
                                      domain::Request request, const json& payload,
                                      std::function<void(server::Reply)> reply) {
  const server::ReplyError cannot_store{ocpp::ErrorCode::InternalError,
                                        "cannot be stored now; try again later"};
  auto refuse = [&] { reply(cannot_store); };
  const bool keep = OfflineAnswers::spooled(request);
  if (keep && !spool_) return refuse();
  auto answer = offline_.answer(ctx.station_id, request, ctx.received_at, settings_.heartbeat_interval_s);
  if (!answer) return refuse();
  if (auto* boot = std::get_if<domain::BootResponse>(&*answer)) hold_for_renewal(*link, *boot);
  json reply_payload;
  try {
    reply_payload = ocpp::to_reply(version, action, *answer);
  } catch (const std::exception& e) {
    spdlog::error("station {}: {} offline reply failed: {}", ctx.station_id, action, e.what());
    return refuse();
  }
  if (const auto* boot = std::get_if<domain::BootResponse>(&*answer)) set_registration(*link, boot->status);
  if (!keep) return reply(std::move(reply_payload));  // Authorize, BootNotification: the cache alone

  json entry = {{"station_id", ctx.station_id},
                {"protocol", ctx.protocol},
                {"action", action},
                {"message_id", ctx.message_id},
                {"received_at", domain::format_timestamp(ctx.received_at)},
                {"reused", ctx.message_id_reused},
                {"payload", payload}};
  if (const auto* start = std::get_if<domain::StartTransactionRequest>(&request); start && start->assigned_id)
    entry["assigned_id"] = *start->assigned_id;
  std::lock_guard lock(spool_mode_mutex_);
  if (!spooling_.exchange(true))
    spdlog::warn("database unavailable: chargers' transaction messages go to the spool {}", spool_->path());
  spool_->append(entry.dump(-1, ' ', false, json::error_handler_t::replace),
                 [reply = std::move(reply), reply_payload = std::move(reply_payload),
                  cannot_store](bool stored) mutable {
                   if (!stored) return reply(cannot_store);
                   reply(std::move(reply_payload));
                 });
}

void StationGateway::replay_loop() {
  std::unique_lock lock(flush_mutex_);
  while (!stopping_) {
    flush_wake_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    lock.unlock();
    try {
      if (spooling_) {
        while (!stopping_ && replay_some()) {
        }
      } else if (offline_.transaction_ids() < 2000) {
        // Enough 1.6 starts for a long outage of a busy fleet (bench/outage.sh: 1,000
        // chargers start about 25 sessions a second); ids left unused at exit are skipped.
        reserve_transaction_ids();
      }
    } catch (const std::exception& e) {
      spdlog::warn("spool replay: {}", e.what());
    }
    lock.lock();
  }
}

void StationGateway::reserve_transaction_ids() {
  auto ids = std::make_shared<std::vector<std::int64_t>>();
  try {
    db_.run_and_wait(
        [ids](domain::Repositories& repos) { *ids = repos.admin().reserve_transaction_ids(1000); });
    offline_.add_transaction_ids(*ids);
  } catch (const std::exception& e) {
    spdlog::debug("could not reserve transaction ids: {}", e.what());
  }
}

namespace {
struct ReplayEntry {
  std::string line;
  domain::MessageContext ctx;
  std::string action;
  domain::Request request;
  bool readable = false;
};

ReplayEntry read_entry(const std::string& line) {
  ReplayEntry entry{line, {}, {}, {}, false};
  auto parsed = parsing::parse_json(line, {line.size(), 64});
  if (!parsed.ok() || !parsed.value.is_object()) return entry;
  const auto& doc = parsed.value;
  auto version = ocpp::version_from_subprotocol(doc.value("protocol", ""));
  auto received = domain::parse_timestamp(doc.value("received_at", ""));
  if (!version || !received || !doc.contains("payload")) return entry;
  entry.action = doc.value("action", "");
  entry.ctx = domain::MessageContext{doc.value("station_id", ""), doc.value("protocol", ""),
                                     doc.value("message_id", ""), *received, doc.value("reused", false)};
  entry.request = ocpp::to_request(*version, entry.action, doc["payload"], *received);
  if (auto* start = std::get_if<domain::StartTransactionRequest>(&entry.request);
      start && doc.contains("assigned_id"))
    start->assigned_id = doc["assigned_id"].get<std::int64_t>();
  entry.readable = true;
  return entry;
}
}  // namespace

// One chunk of the spool: each station's entries in order in one unit; a unit that fails
// for its data runs again entry by entry so that one bad entry is set aside without holding
// back the others. Returns whether it moved on (false: nothing left, or the database is out
// of reach again).
bool StationGateway::replay_some() {
  auto entries = spool_->read(replay_offset_, 512);
  if (entries.empty()) {
    std::lock_guard lock(spool_mode_mutex_);
    if (spool_->truncate_at(replay_offset_)) {
      replay_offset_ = 0;
      spooling_ = false;
      spdlog::info("spool replayed; chargers' messages are stored directly again");
    }
    return false;
  }
  std::vector<ReplayEntry> items;
  for (const auto& e : entries) {
    try {
      items.push_back(read_entry(e.line));
    } catch (const std::exception&) {
      items.push_back(ReplayEntry{e.line, {}, {}, {}, false});
    }
  }
  std::map<std::string, std::vector<std::size_t>> by_station;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].readable) by_station[items[i].ctx.station_id].push_back(i);

  std::vector<charging::Outcome> outcomes(items.size());
  // Every station's group is submitted at once (they commit together); each runs its
  // entries in order.
  auto run_groups = [&](const std::vector<std::vector<std::size_t>>& groups) {
    std::mutex m;
    std::condition_variable cv;
    std::size_t pending = groups.size();
    std::vector<std::exception_ptr> results(groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g)
      db_.run(
          [&, g](domain::Repositories& repos) {
            for (auto i : groups[g])
              outcomes[i] = charging_.handle(items[i].ctx, items[i].request, repos.charging());
          },
          [&, g](std::exception_ptr e) {
            std::lock_guard lock(m);
            results[g] = e;
            if (--pending == 0) cv.notify_all();
          });
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return pending == 0; });
    return results;
  };
  static auto& replayed = metrics::registry().counter("csms_spool_replayed_total",
                                                      "Spooled messages stored after the database came back");
  static auto& failed = metrics::registry().counter(
      "csms_spool_failed_total", "Spooled messages that could not be stored (kept in <spool>.failed)");
  // Committed entries are published at once and remembered: when another group finds the
  // database gone, the chunk is tried again later without running them twice (a second run
  // would find them stored and publish nothing, and billing would never hear of them).
  auto committed = [&](std::size_t i) {
    replayed_here_.insert(entries[i].next);
    replayed.inc();
    remember_answer(items[i].ctx.station_id, items[i].request, outcomes[i].response);
    events_.publish(outcomes[i].events);
  };
  // Entries that cannot be stored for their data are kept beside the spool, durably, before
  // the spool lets go of them.
  auto set_aside = [&](std::size_t i, const std::string& why) {
    spdlog::error("spool: an entry could not be stored ({}); kept in {}.failed", why, spool_->path());
    auto path = spool_->path() + ".failed";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    std::string line = items[i].line + "\n";
    bool ok = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
              ::fdatasync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!ok) return false;
    replayed_here_.insert(entries[i].next);
    failed.inc();
    return true;
  };
  std::vector<std::vector<std::size_t>> groups;
  for (auto& [station, group] : by_station) {
    std::vector<std::size_t> todo;
    for (auto i : group)
      if (!replayed_here_.count(entries[i].next)) todo.push_back(i);
    if (!todo.empty()) groups.push_back(std::move(todo));
  }
  auto results = run_groups(groups);
  bool unavailable = false;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!results[g]) {
      for (auto i : groups[g]) committed(i);
      continue;
    }
    if (domain::is_store_unavailable(results[g])) {
      unavailable = true;
      continue;
    }
    // The group failed for its data: entry by entry, so that one bad entry is set aside
    // without holding back the others.
    for (auto i : groups[g]) {
      auto error = run_groups({{i}})[0];
      if (domain::is_store_unavailable(error)) return false;
      if (!error) {
        committed(i);
        continue;
      }
      std::string why = "unknown error";
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        why = e.what();
      }
      if (!set_aside(i, why)) return false;
    }
  }
  if (unavailable) return false;  // from this offset again later; what committed is remembered
  for (std::size_t i = 0; i < items.size(); ++i)
    if (!items[i].readable && !replayed_here_.count(entries[i].next) && !set_aside(i, "unreadable"))
      return false;
  replayed_here_.clear();
  replay_offset_ = entries.back().next;
  return true;
}

}  // namespace csms::app

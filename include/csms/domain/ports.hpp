#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "csms/domain/analytics.hpp"
#include "csms/domain/load.hpp"
#include "csms/domain/model.hpp"
#include "csms/domain/page.hpp"
#include "csms/domain/requests.hpp"

// The ports the services need from storage. `store` implements them with PostgreSQL; unit
// tests use in-memory fakes.
namespace csms::domain {

struct TransactionRef {
  std::int64_t id = 0;
  bool created = false;  // false: this message was a retry of one already recorded
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> stopped_at;
  std::optional<double> meter_start_wh;
  int evse_id = 0;
};

// One database transaction's view for the charging service. Methods throw on database
// failure; the caller's unit of work is then rolled back and retried or reported.
class ChargingRepository {
 public:
  virtual ~ChargingRepository() = default;

  virtual std::optional<StationRecord> find_station(const std::string& id) = 0;
  // Marks the station online, creating it (auto-registered with `for_unknown`) on first
  // contact; returns what is known of it.
  virtual StationRecord connect_station(const std::string& id, const std::string& protocol, Timestamp at,
                                        RegistrationStatus for_unknown) = 0;
  virtual void disconnect_station(const std::string& id, Timestamp at) = 0;
  // Coalesced liveness: last seen times of many stations at once. Never waits for a row
  // another transaction holds (waiting in a batch of many units is how deadlocks start):
  // returns those stations, not updated, to be tried again with the next batch.
  virtual std::vector<std::string> touch_stations(
      const std::vector<std::pair<std::string, Timestamp>>& seen) = 0;
  virtual void record_boot(const MessageContext& ctx, const BootRequest& boot, RegistrationStatus status) = 0;
  // False when this exact status report was recorded before.
  virtual bool record_status(const MessageContext& ctx, const StatusRequest& status,
                             const std::vector<std::string>& flags) = 0;

  // Case-insensitive (OCPP's IdToken is); a token spelt exactly so wins over one that differs
  // only in case.
  virtual std::optional<IdTokenRecord> find_id_token(const std::string& token) = 0;
  // How many open transactions the token (in any case) has other than `except_transaction`,
  // counting up to `cap`.
  virtual std::size_t open_transactions(const std::string& token,
                                        std::optional<std::int64_t> except_transaction, std::size_t cap) = 0;

  // A station that booted after a transaction last changed and now reports that EVSE free
  // (a status received after the boot, stamped by the station's clock after the
  // transaction's last event) has lost the transaction: it is closed at its last activity
  // with its last register reading, reason "Reboot", flag closed_by_status. A real stop that
  // arrives later replaces that close (flag status_close_replaced). Returns the closed ones.
  struct StaleClose {
    std::int64_t id = 0;
    std::optional<double> meter_stop_wh;
    Timestamp stopped_at;
  };
  virtual std::vector<StaleClose> close_stale_transactions(const std::string& station_id, int evse_id,
                                                           Timestamp received_at, Timestamp status_at) = 0;

  // A transaction that names a reservation (1.6 StartTransaction, 2.0.1 TransactionEvent)
  // uses it up; a station's ReservationStatusUpdate ends it ("expired" or "removed").
  virtual void consume_reservation(const std::string& station_id, int reservation_id,
                                   std::int64_t transaction_id) = 0;
  virtual void end_reservation(const std::string& station_id, int reservation_id,
                               const std::string& state) = 0;
  // A firmware/log status moves the file transfer it is about: the one with its request id,
  // else the station's latest of that kind still under way.
  virtual void update_file_transfer(const std::string& station_id, const FileStatus& status,
                                    Timestamp at) = 0;
  // Whether the station is at a site with load management (its EV's charging needs are
  // answered with a schedule).
  virtual bool load_managed(const std::string& station_id) = 0;

  // 1.6 StartTransaction; a retry of a recorded start returns the same id.
  virtual TransactionRef start_transaction(const MessageContext& ctx, const StartTransactionRequest& start,
                                           const Authorization& authorization,
                                           const std::vector<std::string>& flags) = 0;
  // Records the authorization a started transaction ended up with (e.g. ConcurrentTx).
  virtual void set_start_authorization(std::int64_t id, AuthorizationStatus status) = 0;
  virtual std::optional<TransactionRef> find_transaction(const std::string& station_id,
                                                         const std::string& ocpp_transaction_id) = 0;
  // 1.6 StopTransaction for a known transaction; false when it was stopped already.
  virtual bool stop_transaction(const MessageContext& ctx, std::int64_t id,
                                const StopTransactionRequest& stop,
                                const std::vector<std::string>& flags) = 0;
  // 1.6 StopTransaction whose id we never issued: recorded as a transaction of its own;
  // `created` false when this stop was recorded before (a retry).
  virtual TransactionRef record_orphan_stop(const MessageContext& ctx, const StopTransactionRequest& stop,
                                            const std::vector<std::string>& flags) = 0;
  // 2.0.1 TransactionEvent; `created` false when (transaction, seq_no) was recorded before.
  virtual TransactionRef record_transaction_event(const MessageContext& ctx,
                                                  const TransactionEventRequest& event,
                                                  const std::optional<Authorization>& authorization,
                                                  std::optional<double> register_first_wh,
                                                  std::optional<double> register_last_wh,
                                                  const std::vector<std::string>& flags) = 0;

  // Inserts samples, skipping any recorded before. Returns how many were new.
  virtual std::size_t insert_samples(const MessageContext& ctx, int evse_id,
                                     std::optional<std::int64_t> transaction_id,
                                     const std::vector<MeterSample>& samples,
                                     const std::vector<std::string>& flags) = 0;
  virtual void insert_report(const MessageContext& ctx, const StationReport& report,
                             const std::vector<std::string>& flags) = 0;

  // The same for many messages at once (the meter-value path coalesces what many chargers
  // sent meanwhile into one statement each). These defaults do it one by one; the store
  // answers each with one statement.
  using TransactionKey = std::pair<std::string, std::string>;  // station, OCPP transaction id
  virtual std::map<TransactionKey, TransactionRef> find_transactions(
      const std::vector<TransactionKey>& keys) {
    std::map<TransactionKey, TransactionRef> found;
    for (const auto& key : keys)
      if (auto ref = find_transaction(key.first, key.second)) found.emplace(key, *ref);
    return found;
  }
  struct SampleRows {
    MessageContext ctx;
    int evse_id = 0;
    std::optional<std::int64_t> transaction_id;
    std::vector<MeterSample> samples;
    std::vector<std::string> flags;
  };
  // How many of each item's samples were new.
  virtual std::vector<std::size_t> insert_sample_rows(const std::vector<SampleRows>& items) {
    std::vector<std::size_t> stored;
    for (const auto& item : items)
      stored.push_back(insert_samples(item.ctx, item.evse_id, item.transaction_id, item.samples, item.flags));
    return stored;
  }
  // Updated TransactionEvents of transactions already stored, each applied as
  // record_transaction_event applies it (`transaction_id` is ours, found beforehand; `event`
  // must outlive the call). Returns, for each, whether its (transaction, seq_no) was new.
  struct TransactionUpdate {
    MessageContext ctx;
    std::int64_t transaction_id = 0;
    const TransactionEventRequest* event = nullptr;
    std::optional<Authorization> authorization;
    std::optional<double> register_first_wh;
    std::vector<std::string> flags;
  };
  virtual std::vector<bool> record_transaction_updates(const std::vector<TransactionUpdate>& updates) {
    std::vector<bool> created;
    for (const auto& u : updates)
      created.push_back(record_transaction_event(u.ctx, *u.event, u.authorization, u.register_first_wh,
                                                 std::nullopt, u.flags)
                            .created);
    return created;
  }
};

}  // namespace csms::domain

namespace csms::domain {

struct StationFilter {
  std::optional<bool> online;
  std::optional<std::string> status;    // any connector in this status
  std::optional<std::string> site;      // at this site
  std::optional<std::string> protocol;  // ocpp1.6 / ocpp2.0.1 (its last connection)
  std::optional<std::string> text;      // in its id, name, location, vendor, model or serial number
  // Not a filter: each station as StationBrief (id, name, site_id, time_zone, online,
  // protocol, last_seen_at) instead of the whole station with its EVSEs.
  bool brief = false;
  // The order: by id; by name (the id when it has none), then id; worst status first (Faulted,
  // Unavailable, Charging, Occupied, Preparing, SuspendedEV, SuspendedEVSE, Finishing,
  // Reserved, Available, none), then id; last seen, newest first (never seen last), then id.
  enum class Sort { Id, Name, Status, LastSeen };
  Sort sort = Sort::Id;
  // For a sort other than Id, the previous page's last station: its sort key (nullopt: it had
  // none, as a station never seen) and, in Page::cursor, its id.
  bool after = false;
  std::optional<std::string> after_key;
};

struct TransactionFilter {
  std::optional<std::string> station;
  std::optional<std::string> id_token;
  std::optional<std::string> customer;
  std::optional<bool> open;
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
  std::optional<std::string> pricing_status;  // running, pending, priced, no_tariff, ...
};

enum class WriteResult { Done, NotFound, Conflict };

// One entry of the audit log: a REST call that changes something or sends a command.
struct AuditRecord {
  Timestamp at;
  std::string actor;  // the token's name, or sha256:<12 hex>
  std::string role;
  std::string method;
  std::string path;
  std::optional<std::string> target;     // "stations/CP-1"
  std::optional<std::string> action;     // "remote-start", "password:rotate"
  std::optional<std::string> body_json;  // secrets already replaced
  int status = 0;
  std::optional<std::string> detail;
};

// What a station confirmed of its local authorization list.
struct LocalListState {
  std::string protocol;
  std::optional<std::string> group;  // the list's scope; nullopt: every id token
  int version = 0;                   // 0: never sent
  std::string entries_json = "{}";   // token -> {"status", "expires_at", "group"}
};

struct ReservationFilter {
  std::optional<std::string> station;
  std::optional<std::string> state;
};

struct AuditFilter {
  std::optional<std::string> actor;
  std::optional<std::string> target;  // exact, or a prefix ending in '/' ("stations/")
  std::optional<std::string> method;
  std::optional<int> status;
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
};

// What a charger's handshake is checked against (security profiles, DIGEST A.10).
struct StationCredentials {
  std::optional<std::string> password_hash;
  std::optional<int> security_profile;            // pinned profile 1, 2 or 3; nullopt: any
  std::optional<std::string> certificate_cn;      // profile 3: the CN expected instead of the identity
  bool certificate_revoked = false;               // the serial asked about is revoked
  std::optional<std::string> certificate_serial;  // the serial asked about
  // A rotation (A01) or upgrade (A05) under way: accepted beside the current ones.
  std::optional<std::string> pending_password_hash;
  std::optional<int> pending_security_profile;
};

// An X.509 certificate as stored per station.
struct CertificateRecord {
  std::string serial;
  std::string subject_cn;
  std::string subject_o;
  std::string issuer_cn;
  Timestamp not_before;
  Timestamp not_after;
  std::string fingerprint;
  std::string pem;
  std::string source = "connected";  // connected (a handshake) or signed (by our CA)
};

// Reads and writes of the REST admin API. Read models come back as JSON text in the shape
// of DESIGN.md section 2, rendered by the database; inputs are JSON objects the API has
// already validated.
class AdminRepository {
 public:
  virtual ~AdminRepository() = default;

  virtual std::string list_stations(const StationFilter& filter, const Page& page) = 0;
  // Reservations. create: `fields_json` has station_id, evse_id, id_token, group_id_token,
  // expires_at; returns the new (pending) reservation's id, nullopt when there is no such
  // station.
  virtual std::optional<int> create_reservation(const std::string& fields_json) = 0;
  virtual void set_reservation_state(int id, const std::string& state,
                                     const std::optional<std::string>& station_status) = 0;
  virtual std::optional<std::string> get_reservation(int id) = 0;
  virtual std::string list_reservations(const ReservationFilter& filter, const Page& page) = 0;
  // The device model: a station's variables (filters exact; a page by id), and what a
  // command's answer taught of them.
  virtual std::string list_variables(const std::string& station_id,
                                     const std::optional<std::string>& component,
                                     const std::optional<std::string>& variable, const Page& page) = 0;
  virtual void record_variables(const std::string& station_id, const VariableReport& report) = 0;
  // Local authorization lists: nullopt when there is no such station. `local_list_entries`:
  // the id tokens of `group` (or all), as JSON text token -> {"status", "expires_at", "group"},
  // at most `limit`.
  virtual std::optional<LocalListState> local_list_state(const std::string& station_id) = 0;
  virtual std::string local_list_entries(const std::optional<std::string>& group, int limit) = 0;
  virtual void store_local_list(const std::string& station_id, const std::optional<std::string>& group,
                                int version, const std::string& entries_json) = 0;
  // The audit log: appended to, listed newest first.
  virtual void append_audit(const AuditRecord& record) = 0;
  virtual std::string list_audit(const AuditFilter& filter, const Page& page) = 0;
  virtual std::optional<std::string> get_station(const std::string& id) = 0;
  // `fields_json`: name, location, latitude, longitude, time_zone, tariff_id, max_power_w,
  // registration, password_hash (already hashed).
  virtual WriteResult create_station(const std::string& id, const std::string& fields_json) = 0;
  virtual WriteResult patch_station(const std::string& id, const std::string& fields_json) = 0;
  virtual WriteResult delete_station(const std::string& id) = 0;
  // What a station's handshake is checked against; nullopt: no such station. With a client
  // certificate's serial: whether that serial is revoked.
  virtual std::optional<StationCredentials> station_credentials(const std::string& id,
                                                                const std::optional<std::string>& serial) = 0;
  // A certificate a station connected with (its last use is kept) or that was signed for it;
  // with a profile: the one it connected with.
  virtual void record_station_certificate(const std::string& station_id, const CertificateRecord& certificate,
                                          std::optional<int> connected_profile) = 0;
  // A01/A05: the password (hash) or profile the station is being moved to (nullopt: none
  // any more). NotFound: no such station.
  virtual WriteResult set_pending_password(const std::string& station_id,
                                           const std::optional<std::string>& password_hash) = 0;
  virtual WriteResult set_pending_security_profile(const std::string& station_id,
                                                   std::optional<int> profile) = 0;
  // The station connected with the pending password / profile: it replaces the current one.
  virtual void promote_pending_password(const std::string& station_id, const std::string& password_hash) = 0;
  virtual void promote_pending_security_profile(const std::string& station_id, int profile) = 0;
  // {"items": [...]}: the station's certificates, newest first; nullopt: no such station.
  virtual std::optional<std::string> list_station_certificates(const std::string& station_id) = 0;
  // Revokes the serial for the station (known or not): it is refused from then on.
  virtual WriteResult revoke_station_certificate(const std::string& station_id, const std::string& serial,
                                                 const std::string& reason) = 0;

  virtual bool station_exists(const std::string& id) = 0;
  // What a station reported as it came (NotifyEvent, SecurityEventNotification, firmware and
  // log status, DataTransfer, ...), newest first; `kind` is the OCPP action name.
  virtual std::string list_station_reports(const std::string& station_id,
                                           const std::optional<std::string>& kind, const Page& page) = 0;
  // Connector status changes, newest first.
  virtual std::string list_status_history(const std::string& station_id, std::optional<Timestamp> from,
                                          std::optional<Timestamp> to, const Page& page) = 0;

  virtual std::string list_id_tokens(const std::optional<std::string>& customer, const Page& page) = 0;
  virtual std::optional<std::string> get_id_token(const std::string& token) = 0;
  // `fields_json`: status, expires_at, group, customer_id.
  virtual WriteResult create_id_token(const std::string& token, const std::string& fields_json) = 0;
  virtual WriteResult patch_id_token(const std::string& token, const std::string& fields_json) = 0;
  virtual WriteResult delete_id_token(const std::string& token) = 0;

  virtual std::string list_transactions(const TransactionFilter& filter, const Page& page) = 0;
  virtual std::optional<std::string> get_transaction(std::int64_t id) = 0;
  // A page of the transaction's meter samples in time order, from `from` on when given (a
  // live chart asks for what is new); nullopt: no such transaction.
  virtual std::optional<std::string> list_meter_samples(std::int64_t transaction_id, const Page& page,
                                                        std::optional<Timestamp> from = std::nullopt) = 0;
  // Our id for a charger's transaction id on a station (remote-stop accepts either).
  virtual std::optional<std::string> ocpp_transaction_id(const std::string& station_id,
                                                         const std::string& id_or_ocpp_id) = 0;

  virtual bool ping() = 0;
  // Takes `n` values of the transaction id sequence for later use (1.6 StartTransaction
  // answered while the database is out of reach).
  virtual std::vector<std::int64_t> reserve_transaction_ids(int n) = 0;
};

struct AlertFilter {
  std::optional<std::string> state;  // open | acknowledged | resolved
  std::optional<std::string> severity;
  std::optional<std::string> station;
  std::optional<std::string> rule;
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
};

// An alert as fault detection changed it: its id and its JSON document (REST shape).
struct AlertChange {
  std::int64_t id = 0;
  std::string event;  // opened | repeated | escalated | resolved | acknowledged
  std::string document_json;
};

struct StationLiveness {
  std::string station_id;
  bool online = false;
  std::optional<Timestamp> last_seen_at;
  std::optional<double> max_power_w;
  std::optional<std::string> node_id;  // the node that holds (or, while offline, watches) it
};

// Alerts, fault-rule settings and the webhook outbox.
class FaultRepository {
 public:
  virtual ~FaultRepository() = default;

  // Opens the alert, or repeats the active one (count, last seen, details; a higher
  // severity escalates it).
  virtual AlertChange open_alert(const std::string& rule, const std::string& station_id, int evse_id,
                                 int connector_id, const std::string& severity, Timestamp at,
                                 const std::string& details_json) = 0;
  // Resolves the active alert by the system; nullopt when none is active.
  virtual std::optional<AlertChange> clear_alert(const std::string& rule, const std::string& station_id,
                                                 int evse_id, int connector_id, Timestamp at,
                                                 const std::string& details_json) = 0;
  // Operator actions; NotFound, or Conflict when the state does not allow it.
  virtual std::pair<WriteResult, std::optional<AlertChange>> acknowledge_alert(std::int64_t id,
                                                                               const std::string& by,
                                                                               Timestamp at) = 0;
  virtual std::pair<WriteResult, std::optional<AlertChange>> resolve_alert(std::int64_t id,
                                                                           const std::string& by,
                                                                           const std::string& note,
                                                                           Timestamp at) = 0;
  // Appends a remediation record to the alert's actions.
  virtual void record_alert_action(std::int64_t id, const std::string& action_json) = 0;

  virtual std::string list_alerts(const AlertFilter& filter, const Page& page) = 0;
  virtual std::optional<std::string> get_alert(std::int64_t id) = 0;
  // Active (open or acknowledged) alerts as {rule, station_id, evse_id, connector_id, id, opened_at,
  // actions}.
  virtual std::string active_alerts() = 0;
  // The same for only these stations (a node taking stations over from another).
  virtual std::string active_alerts_of(const std::vector<std::string>& station_ids) = 0;

  // Rule settings saved by operators, as JSON objects keyed by rule name.
  virtual std::string rule_settings() = 0;
  virtual void save_rule_settings(const std::string& name, const std::string& settings_json) = 0;

  virtual std::vector<StationLiveness> station_liveness() = 0;
  // Whether the connector has an open transaction (remediation must not interrupt a session).
  virtual bool has_open_transaction_on(const std::string& station_id, int evse_id) = 0;
  // The certificate each station connected with last (profile 3) and its expiry.
  virtual std::vector<CertificateExpiry> certificate_expiries() = 0;

  virtual void enqueue_webhook(const std::string& url, const std::string& body) = 0;
  struct Delivery {
    std::int64_t id = 0;
    std::string url;
    std::string body;
    int attempts = 0;
  };
  virtual std::vector<Delivery> due_webhooks(Timestamp now, int limit) = 0;
  virtual void webhook_delivered(std::int64_t id, Timestamp at) = 0;
  virtual void webhook_failed(std::int64_t id, const std::string& error, Timestamp next_attempt) = 0;
};

// What pricing a finished transaction needs, read from the database.
struct PricingData {
  std::string station_id;
  std::optional<std::string> tariff_json;  // the version in force at the start; none: not priced
  // Which tariff applies: the one the customer's plan or the station names (nullopt: the
  // default tariff), and whether any version of it exists at all (to tell "no tariff" from
  // "no version in force at the start").
  std::optional<std::string> tariff_id;
  bool tariff_exists = false;
  std::string time_zone = "UTC";
  Timestamp started_at;
  std::optional<Timestamp> stopped_at;
  std::vector<std::pair<Timestamp, double>> register_wh;     // energy import register readings
  std::vector<std::pair<Timestamp, bool>> charging_changes;  // from then on: charging or not
  // Signed meter data as the station sent it: the session's first and last signed samples,
  // and the station's registered meter key.
  std::optional<std::string> start_signed;
  std::optional<std::string> stop_signed;
  std::optional<std::string> meter_public_key;
};

// A finished session as the tariff simulation re-prices it.
struct HistoricalSession {
  std::int64_t transaction_id = 0;
  std::string station_id;
  PricingData data;                      // tariff_json left empty
  std::optional<std::string> cost_json;  // what it was priced at, if it was
  bool subscription = false;             // its id token's customer has a plan
};

// What a customer's monthly invoice is built from.
struct InvoiceBasis {
  std::string customer_name;
  std::string time_zone = "UTC";
  std::optional<std::string> plan_json;
  std::optional<std::string> fee_vat_percent;  // the default tariff's VAT, applied to the plan fee
  Timestamp from;                              // the month in the customer's zone
  Timestamp to;
  struct Session {
    std::int64_t transaction_id = 0;
    std::string station_id;
    std::string id_token;
  };
  std::vector<Session> sessions;  // ended sessions of the customer's tokens that started in the month
};

// Tariffs (versioned) and priced sessions.
class BillingRepository {
 public:
  virtual ~BillingRepository() = default;
  virtual std::string list_tariffs(const Page& page) = 0;
  virtual std::optional<std::string> get_tariff(const std::string& id) = 0;
  // Creating an id that exists is a Conflict; updating adds a version (NotFound if none).
  virtual WriteResult save_tariff(const std::string& id, const std::string& document_json, bool is_default,
                                  bool creating) = 0;
  virtual WriteResult delete_tariff(const std::string& id) = 0;

  virtual std::string list_plans(const Page& page) = 0;
  virtual std::optional<std::string> get_plan(const std::string& id) = 0;
  virtual WriteResult save_plan(const std::string& id, const std::string& document_json, bool creating) = 0;
  virtual WriteResult delete_plan(const std::string& id) = 0;

  virtual std::string list_customers(const Page& page) = 0;
  virtual std::optional<std::string> get_customer(const std::string& id) = 0;
  // `fields_json`: name, email, time_zone, plan_id (validated by the API; an unknown plan is
  // a Conflict).
  virtual WriteResult create_customer(const std::string& id, const std::string& fields_json) = 0;
  virtual WriteResult patch_customer(const std::string& id, const std::string& fields_json) = 0;
  virtual WriteResult delete_customer(const std::string& id) = 0;

  virtual std::optional<PricingData> pricing_data(std::int64_t transaction_id) = 0;
  // Stores the outcome of pricing an ended session: with a cost, `status` is "priced";
  // without one, `status` and `detail` say why, and a cost stored earlier is kept (the
  // status then stays what it was).
  virtual void store_pricing(std::int64_t transaction_id, const std::string& status,
                             const std::string& detail, const std::optional<std::string>& cost_json) = 0;
  // Up to `limit` ended sessions that were never priced (no cost, no status), oldest first,
  // locked until the unit of work ends (other nodes' sweeps skip them).
  virtual std::vector<std::int64_t> claim_unpriced(std::size_t limit) = 0;
  // Sessions that started in [from, to) and have ended, of these stations (all when empty),
  // at most `limit` of them (the earliest).
  virtual std::vector<HistoricalSession> historical_sessions(Timestamp from, Timestamp to,
                                                             const std::vector<std::string>& stations,
                                                             std::size_t limit) = 0;

  // Invoices. find_invoice also serializes generation for that customer and month (a lock
  // held until the unit of work ends).
  virtual std::optional<std::string> find_invoice(const std::string& customer_id,
                                                  const std::string& month) = 0;
  // nullopt: no such customer.
  virtual std::optional<InvoiceBasis> invoice_basis(const std::string& customer_id,
                                                    const std::string& month) = 0;
  // Numbers it INV-<year>-NNNNNN (the next of that year) and stores it; returns its JSON.
  virtual std::string issue_invoice(const std::string& customer_id, const std::string& month,
                                    const std::string& currency, const std::string& document_json,
                                    int year) = 0;
  virtual std::optional<std::string> get_invoice(std::int64_t id) = 0;
  virtual std::string list_invoices(const std::optional<std::string>& customer, const Page& page) = 0;
  // Ended sessions in [from, to) by stop time (then id) with their cost: one page
  // {"items": [...], "next_cursor"} whose cursor is the last item's transaction id.
  virtual std::string cdrs(Timestamp from, Timestamp to, const Page& page) = 0;
};

// Sites, the load manager's state and operators' charging profiles (issue 17). Documents are
// JSON text.
class SmartChargingRepository {
 public:
  virtual ~SmartChargingRepository() = default;
  virtual std::string list_sites(const Page& page) = 0;
  virtual std::optional<std::string> get_site(const std::string& id) = 0;
  // `fields_json` validated by the API. Creating an id that exists is a Conflict.
  virtual WriteResult create_site(const std::string& id, const std::string& fields_json) = 0;
  virtual WriteResult patch_site(const std::string& id, const std::string& fields_json) = 0;
  // Conflict while stations belong to it.
  virtual WriteResult delete_site(const std::string& id) = 0;
  virtual bool site_exists(const std::string& id) = 0;
  // The stations of these sites as the analytics group them (site_id, else location, name).
  virtual std::vector<std::string> site_stations(const std::vector<std::string>& sites) = 0;
  // The sites with load management and their open sessions (one site, or all). With
  // `claim`, one node at a time: `claimed` is false while another holds it; profiles left
  // unanswered for 90 s count as failed (the higher of old and new stays in force).
  virtual LoadSnapshot load_snapshot(const std::optional<std::string>& site, bool claim) = 0;
  // Records the targets and the sends; returns for each of `sends` whether it is to go out
  // (not when a send for the session is already under way: another node's).
  virtual std::vector<bool> load_sent(const std::vector<LoadSend>& sends) = 0;
  // The station's answer to a profile sent for the session (`status`: its status, or why
  // there is none). Accepted: what was sent is in force; Refused: the station keeps what it
  // had; Unknown (no answer, connection lost): it may apply either.
  enum class LoadOutcome { Accepted, Refused, Unknown };
  virtual void load_answered(std::int64_t transaction_id, double sent_a, LoadOutcome outcome,
                             const std::string& status) = 0;
  // The station's fallback was cleared (it left the site): forgotten.
  virtual void fallback_cleared(const std::string& station_id) = 0;
  virtual void fallback_sent(const std::vector<FallbackRow>& sent) = 0;
  virtual void fallback_answered(const std::string& station_id, bool accepted, const std::string& status) = 0;
  // The station connected or booted: what it should hold is sent again.
  virtual void load_reconnected(const std::string& station_id) = 0;

  // Operators' charging profiles (migrations/0035_charging_profiles.sql).
  // nullopt: no such station; "" when it never connected (its OCPP version is unknown).
  virtual std::optional<std::string> station_protocol(const std::string& station_id) = 0;
  // Whether the station is at a site with load management; locks its row until the unit of
  // work ends (profiles checked against it and stored are not raced by another).
  virtual bool lock_station_load_managed(const std::string& station_id) = 0;
  // The station's profiles that are pending, installed or being cleared. TxProfiles whose
  // transaction ended are cleared first (the station dropped them then).
  virtual std::vector<StoredProfile> held_profiles(const std::string& station_id) = 0;
  // The transaction's id at the station when it runs there on that EVSE.
  virtual std::optional<std::string> running_transaction(const std::string& station_id, int evse_id,
                                                         std::int64_t transaction_id) = 0;
  // Stores a pending profile (`profile_json` the REST shape); returns its id.
  virtual std::int64_t create_profile(const std::string& station_id, const std::string& profile_json,
                                      const std::string& created_by) = 0;
  virtual void set_profile_state(std::int64_t id, const std::string& state,
                                 const std::optional<std::string>& status) = 0;
  virtual std::optional<StoredProfile> find_profile(std::int64_t id) = 0;
  virtual std::optional<std::string> get_profile(std::int64_t id) = 0;
  virtual std::string list_profiles(const std::optional<std::string>& station,
                                    const std::optional<std::string>& state, const Page& page) = 0;
};

// One unit of work's repositories, bound to one database transaction.
// Which node holds which station, and messages between nodes (several csms processes on
// one database). A station is held by the node whose connection it is on; while it is
// offline, by the node that watches it for fault detection.
struct StationHolder {
  std::string node_id;
  std::optional<std::int64_t> connection;  // none: the station is offline, watched by the node
};

class ClusterRepository {
 public:
  virtual ~ClusterRepository() = default;
  // The station is now on `connection` of `node_id`. Returns the node (and its connection)
  // that held it before when that was another node, which is then told to let go of it.
  virtual std::optional<StationHolder> claim_station(const std::string& station_id,
                                                     const std::string& node_id, std::int64_t connection) = 0;
  // The connection closed. True when it still held the station (the station is then
  // offline, watched by this node); false when a newer connection, here or on another
  // node, has taken it over.
  virtual bool release_station(const std::string& station_id, const std::string& node_id,
                               std::int64_t connection) = 0;
  // The live node whose connection holds the station, if any.
  virtual std::optional<std::string> station_holder(const std::string& station_id) = 0;
  // Queues a message (a JSON object) for another node and wakes it, on commit.
  virtual void post(const std::string& to_node, const std::string& body_json) = 0;
  // The same message to every other node of the cluster.
  virtual void post_to_others(const std::string& from_node, const std::string& body_json) = 0;
};

// The request ids of file transfers (their id plus this), apart from the ones the server
// numbers its other calls with.
inline constexpr std::int64_t kFileTransferRequestIds = 1'000'000'000;

// A new file transfer: a station downloading an image or uploading a log through the file
// endpoint, with the SHA-256 of its URL's token.
struct NewFileTransfer {
  std::string station_id;
  std::string kind;  // "firmware" | "log"
  std::optional<std::int64_t> firmware_id;
  std::string token_sha256;
  Timestamp expires_at;
  std::string created_by;
};

// What the file endpoint knows of a URL's token.
struct FileTransferAccess {
  std::int64_t id = 0;
  std::string station_id;
  std::string kind;
  std::optional<std::int64_t> firmware_id;
  std::string file_name;  // the image's (firmware)
  Timestamp expires_at;
  bool image_ready = false;  // firmware: its bytes are uploaded
};

// A fleet job to create: its command for the stations listed, or for those matching the
// filter (JSON {"site"?, "protocol"?, "vendor"?, "model"?, "firmware_version"?, "online"?}).
struct NewJob {
  std::string command;
  std::string body_json;
  std::optional<std::vector<std::string>> stations;
  std::string filter_json = "{}";
  int concurrency = 10;
  std::optional<int> wave_size;
  std::optional<int> max_failure_percent;
  int max_attempts = 3;
  Timestamp deadline;
  std::string created_by;
};

struct JobCreated {
  std::optional<std::string> doc;             // the job; absent when it was not created
  std::vector<std::string> unknown_stations;  // listed stations that do not exist
};

// One command a job is to send now (its row is `sending`).
struct JobWork {
  std::int64_t job_id = 0;
  std::string station_id;
  std::string command;
  std::string body_json;
  int attempts = 0;
  int max_attempts = 0;
};

// Firmware images and file transfers (issue 16). Documents are JSON text.
class OperationsRepository {
 public:
  virtual ~OperationsRepository() = default;
  // nullopt: an image of that version exists.
  virtual std::optional<std::string> create_firmware(const std::string& fields_json) = 0;
  virtual std::optional<std::string> get_firmware(std::int64_t id) = 0;
  virtual std::string list_firmware(const Page& page) = 0;
  // The image's expected SHA-256, if its metadata gave one (nullopt: no such image).
  virtual std::optional<std::optional<std::string>> firmware_expected_sha256(std::int64_t id) = 0;
  virtual void set_firmware_image(std::int64_t id, const std::string& sha256, std::int64_t size) = 0;
  // Conflict: transfers refer to it.
  virtual WriteResult delete_firmware(std::int64_t id) = 0;
  // Whether a station was sent it (its bytes then stay as they are).
  virtual bool firmware_sent(std::int64_t id) = 0;
  virtual std::int64_t create_file_transfer(const NewFileTransfer& transfer) = 0;
  // The station's answer to the command: `state` accepted, rejected or failed_to_send.
  virtual void file_transfer_sent(std::int64_t id, const std::string& state,
                                  const std::optional<std::string>& status) = 0;
  virtual std::optional<FileTransferAccess> find_file_transfer(const std::string& token_sha256) = 0;
  virtual void count_download(std::int64_t id) = 0;
  virtual void record_upload(std::int64_t id, const std::string& file_name, std::int64_t size,
                             const std::string& sha256) = 0;
  virtual std::optional<std::string> get_file_transfer(std::int64_t id) = 0;
  virtual std::string list_file_transfers(const std::optional<std::string>& station,
                                          const std::optional<std::string>& kind, const Page& page) = 0;
  // The stored variables of a station with this variable name (any component), for checks
  // such as the file transfer protocols it supports.
  virtual std::vector<std::string> variable_values(const std::string& station_id,
                                                   const std::string& variable) = 0;
  // Fleet jobs (migrations/0033_jobs.sql).
  virtual JobCreated create_job(const NewJob& job) = 0;
  virtual std::optional<std::string> get_job(std::int64_t id) = 0;
  virtual std::string list_jobs(const std::optional<std::string>& state, const Page& page) = 0;
  // nullopt: no such job.
  virtual std::optional<std::string> list_job_stations(std::int64_t id,
                                                       const std::optional<std::string>& state,
                                                       const Page& page) = 0;
  // Conflict: the job is not running.
  virtual WriteResult cancel_job(std::int64_t id) = 0;
  // Moves every running job on: outcomes of file transfers, the deadline, halting, completion;
  // then claims (as `sending`) what is to be sent now, at most `limit` rows.
  virtual std::vector<JobWork> advance_jobs(int limit) = 0;
  virtual void job_station_result(std::int64_t job_id, const std::string& station_id,
                                  const std::string& state, const std::optional<std::string>& status,
                                  const std::optional<std::string>& detail,
                                  std::optional<std::int64_t> file_transfer_id) = 0;
};

class Repositories {
 public:
  virtual ~Repositories() = default;
  virtual ChargingRepository& charging() = 0;
  virtual AdminRepository& admin() = 0;
  virtual FaultRepository& faults() = 0;
  virtual BillingRepository& billing() = 0;
  virtual AnalyticsRepository& analytics() = 0;
  virtual ClusterRepository& cluster() = 0;
  virtual OperationsRepository& operations() = 0;
  virtual SmartChargingRepository& smart_charging() = 0;
};

// A unit of work failed because the database could not be reached (connection lost or
// refused, or too much work already waiting): nothing is known to be stored, and trying
// again later may succeed.
class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whether `error` is a StoreUnavailable.
bool is_store_unavailable(const std::exception_ptr& error);

// Runs units of work on the database threads. `done` gets nullptr once the work has
// committed, or the exception that rolled it back.
class UnitOfWorkRunner {
 public:
  virtual ~UnitOfWorkRunner() = default;
  virtual void run(std::function<void(Repositories&)> work, std::function<void(std::exception_ptr)> done) = 0;
  // For service threads that may block: runs `work` and waits; rethrows its failure.
  void run_and_wait(std::function<void(Repositories&)> work);
};

}  // namespace csms::domain

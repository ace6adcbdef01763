#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "csms/domain/model.hpp"
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
  // At start-up: nothing is connected to this node yet.
  virtual void mark_all_offline(Timestamp at) = 0;
  // Coalesced liveness: last seen times of many stations at once.
  virtual void touch_stations(const std::vector<std::pair<std::string, Timestamp>>& seen) = 0;
  virtual void record_boot(const MessageContext& ctx, const BootRequest& boot, RegistrationStatus status) = 0;
  // False when this exact status report was recorded before.
  virtual bool record_status(const MessageContext& ctx, const StatusRequest& status,
                             const std::vector<std::string>& flags) = 0;

  virtual std::optional<IdTokenRecord> find_id_token(const std::string& token) = 0;
  // Whether the token has an open transaction other than `except_transaction`.
  virtual bool has_open_transaction(const std::string& token,
                                    std::optional<std::int64_t> except_transaction) = 0;

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
};

}  // namespace csms::domain

namespace csms::domain {

struct Page {
  int limit = 50;
  std::string cursor;  // opaque; empty for the first page
};

struct StationFilter {
  std::optional<bool> online;
  std::optional<std::string> status;  // any connector in this status
};

struct TransactionFilter {
  std::optional<std::string> station;
  std::optional<std::string> id_token;
  std::optional<std::string> customer;
  std::optional<bool> open;
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
};

enum class WriteResult { Done, NotFound, Conflict };

// Reads and writes of the REST admin API. Read models come back as JSON text in the shape
// of DESIGN.md section 2, rendered by the database; inputs are JSON objects the API has
// already validated.
class AdminRepository {
 public:
  virtual ~AdminRepository() = default;

  virtual std::string list_stations(const StationFilter& filter, const Page& page) = 0;
  virtual std::optional<std::string> get_station(const std::string& id) = 0;
  // `fields_json`: name, location, latitude, longitude, time_zone, tariff_id, max_power_w,
  // registration, password_hash (already hashed).
  virtual WriteResult create_station(const std::string& id, const std::string& fields_json) = 0;
  virtual WriteResult patch_station(const std::string& id, const std::string& fields_json) = 0;
  virtual WriteResult delete_station(const std::string& id) = 0;
  virtual std::optional<std::string> station_password_hash(const std::string& id, bool& exists) = 0;

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
  // Our id for a charger's transaction id on a station (remote-stop accepts either).
  virtual std::optional<std::string> ocpp_transaction_id(const std::string& station_id,
                                                         const std::string& id_or_ocpp_id) = 0;

  virtual bool ping() = 0;
};

// One unit of work's repositories, bound to one database transaction.
class Repositories {
 public:
  virtual ~Repositories() = default;
  virtual ChargingRepository& charging() = 0;
  virtual AdminRepository& admin() = 0;
};

// Runs units of work on the database threads. `done` gets nullptr once the work has
// committed, or the exception that rolled it back.
class UnitOfWorkRunner {
 public:
  virtual ~UnitOfWorkRunner() = default;
  virtual void run(std::function<void(Repositories&)> work, std::function<void(std::exception_ptr)> done) = 0;
};

}  // namespace csms::domain

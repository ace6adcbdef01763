#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "csms/domain/ports.hpp"

// An in-memory ChargingRepository with the semantics of the PostgreSQL one
// (src/store/charging_repository.cpp): the same natural keys make retries idempotent, and
// every row keeps the flags it was written with so tests can assert them.
namespace csms::testing {

class FakeChargingRepository final : public domain::ChargingRepository {
 public:
  struct Station {
    domain::StationRecord record;
    std::string protocol;
    bool online = false;
    std::optional<domain::Timestamp> last_seen_at;
    std::optional<domain::BootRequest> last_boot;
    std::optional<domain::Timestamp> last_boot_at;
  };

  struct Transaction {
    std::int64_t id = 0;
    std::string station_id;
    std::string protocol;
    std::string ocpp_transaction_id;
    std::optional<std::string> start_key;  // 1.6 starts only
    std::optional<int> evse_id;
    std::optional<int> connector_id;
    std::optional<std::string> id_token;
    std::optional<std::string> id_token_type;
    std::optional<std::string> stop_id_token;
    std::optional<domain::AuthorizationStatus> authorization_status;
    std::optional<int> reservation_id;
    std::optional<int> remote_start_id;
    std::optional<domain::Timestamp> started_at;
    std::optional<domain::Timestamp> stopped_at;
    std::optional<double> meter_start_wh;
    std::optional<double> meter_stop_wh;
    std::optional<std::string> stop_reason;
    std::optional<domain::ChargingState> charging_state;
    std::optional<int> last_seq_no;
    bool offline = false;
    std::vector<std::string> flags;
  };

  struct TransactionEventRow {
    std::int64_t transaction_id = 0;
    int seq_no = 0;
    std::string event_type;
    std::string trigger_reason;
    domain::Timestamp event_at;
    std::vector<std::string> flags;
  };

  struct SampleRow {
    std::string station_id;
    int evse_id = 0;
    std::optional<std::int64_t> transaction_id;
    domain::MeterSample sample;  // flags: the batch's flags, then the sample's own
  };

  struct StatusRow {
    std::string station_id;
    domain::StatusRequest status;
    domain::Timestamp received_at;
    std::vector<std::string> flags;
  };

  struct ReportRow {
    std::string station_id;
    domain::StationReport report;
    std::string message_id;
    std::vector<std::string> flags;
  };

  // --- arranging -------------------------------------------------------------------------

  void add_station(domain::StationRecord record) {
    auto id = record.id;
    stations_[id].record = std::move(record);
  }

  void add_id_token(domain::IdTokenRecord record) {
    auto token = record.token;
    id_tokens_[token] = std::move(record);
  }

  // --- inspecting ------------------------------------------------------------------------

  const Station* station(const std::string& id) const {
    auto it = stations_.find(id);
    return it == stations_.end() ? nullptr : &it->second;
  }
  const Transaction* transaction(std::int64_t id) const {
    for (const auto& tx : transactions_)
      if (tx.id == id) return &tx;
    return nullptr;
  }
  const std::vector<Transaction>& transactions() const { return transactions_; }
  const std::vector<TransactionEventRow>& transaction_events() const { return transaction_events_; }
  const std::vector<SampleRow>& samples() const { return samples_; }
  const std::vector<StatusRow>& status_history() const { return status_history_; }
  const std::vector<ReportRow>& reports() const { return reports_; }
  int boots() const { return boots_; }

  // --- ChargingRepository ----------------------------------------------------------------

  std::optional<domain::StationRecord> find_station(const std::string& id) override {
    auto it = stations_.find(id);
    if (it == stations_.end()) return std::nullopt;
    return it->second.record;
  }

  domain::StationRecord connect_station(const std::string& id, const std::string& protocol,
                                        domain::Timestamp at,
                                        domain::RegistrationStatus for_unknown) override {
    auto& station = auto_register(id, for_unknown);
    station.protocol = protocol;
    station.online = true;
    station.last_seen_at = at;
    return station.record;
  }

  void disconnect_station(const std::string& id, domain::Timestamp at) override {
    auto it = stations_.find(id);
    if (it == stations_.end()) return;
    it->second.online = false;
    it->second.last_seen_at = later(it->second.last_seen_at, at);
  }

  std::vector<std::string> touch_stations(
      const std::vector<std::pair<std::string, domain::Timestamp>>& seen) override {
    for (const auto& [id, at] : seen) {
      auto it = stations_.find(id);
      if (it != stations_.end()) it->second.last_seen_at = later(it->second.last_seen_at, at);
    }
    return {};
  }

  void record_boot(const domain::MessageContext& ctx, const domain::BootRequest& boot,
                   domain::RegistrationStatus status) override {
    // The registration is only set when the boot creates the station.
    auto& station = auto_register(ctx.station_id, status);
    station.protocol = ctx.protocol;
    station.online = true;
    station.last_seen_at = ctx.received_at;
    station.last_boot = boot;
    station.last_boot_at = ctx.received_at;
    ++boots_;
  }

  bool record_status(const domain::MessageContext& ctx, const domain::StatusRequest& status,
                     const std::vector<std::string>& flags) override {
    // UNIQUE (station_id, evse_id, connector_id, status_at, status)
    for (const auto& row : status_history_)
      if (row.station_id == ctx.station_id && row.status.evse_id == status.evse_id &&
          row.status.connector_id == status.connector_id && row.status.timestamp == status.timestamp &&
          row.status.status == status.status)
        return false;
    status_history_.push_back({ctx.station_id, status, ctx.received_at, flags});
    return true;
  }

  std::optional<domain::IdTokenRecord> find_id_token(const std::string& token) override {
    auto it = id_tokens_.find(token);
    if (it == id_tokens_.end()) {
      it = std::find_if(id_tokens_.begin(), id_tokens_.end(),
                        [&](const auto& entry) { return lower(entry.first) == lower(token); });
      if (it == id_tokens_.end()) return std::nullopt;
    }
    return it->second;
  }

  std::size_t open_transactions(const std::string& token, std::optional<std::int64_t> except_transaction,
                                std::size_t cap) override {
    auto open = std::count_if(transactions_.begin(), transactions_.end(), [&](const Transaction& tx) {
      return tx.id_token && lower(*tx.id_token) == lower(token) && !tx.stopped_at &&
             tx.id != except_transaction;
    });
    return std::min(static_cast<std::size_t>(open), cap);
  }
  static std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

  domain::TransactionRef start_transaction(const domain::MessageContext& ctx,
                                           const domain::StartTransactionRequest& start,
                                           const domain::Authorization& authorization,
                                           const std::vector<std::string>& flags) override {
    auto key = std::to_string(start.evse_id) + "|" + start.id_token.value + "|" +
               domain::format_timestamp(start.timestamp) + "|" + nlohmann::json(start.meter_start_wh).dump();
    for (const auto& tx : transactions_)
      if (tx.station_id == ctx.station_id && tx.start_key == key) return ref_of(tx, false);
    Transaction tx;
    tx.id = next_id_++;
    tx.station_id = ctx.station_id;
    tx.protocol = ctx.protocol;
    tx.ocpp_transaction_id = std::to_string(tx.id);
    tx.start_key = key;
    tx.evse_id = start.evse_id;
    tx.connector_id = start.connector_id;
    tx.id_token = start.id_token.value;
    tx.authorization_status = authorization.status;
    tx.reservation_id = start.reservation_id;
    tx.started_at = start.timestamp;
    tx.meter_start_wh = start.meter_start_wh;
    tx.flags = flags;
    transactions_.push_back(tx);
    transaction_events_.push_back({tx.id, 0, "Started", "Authorized", start.timestamp, flags});
    return ref_of(tx, true);
  }

  void set_start_authorization(std::int64_t id, domain::AuthorizationStatus status) override {
    if (auto* tx = find(id)) tx->authorization_status = status;
  }

  void consume_reservation(const std::string& station_id, int reservation_id,
                           std::int64_t transaction_id) override {
    consumed_reservations_.push_back({station_id, reservation_id, transaction_id});
  }
  void end_reservation(const std::string& station_id, int reservation_id, const std::string& state) override {
    ended_reservations_.push_back({station_id, reservation_id, state});
  }
  void update_file_transfer(const std::string& station_id, const domain::FileStatus& status,
                            domain::Timestamp) override {
    file_statuses_.push_back({station_id, status});
  }
  std::vector<std::pair<std::string, domain::FileStatus>> file_statuses_;
  bool load_managed(const std::string& station_id) override { return load_managed_.count(station_id) > 0; }
  std::set<std::string> load_managed_;
  struct ConsumedReservation {
    std::string station_id;
    int reservation_id = 0;
    std::int64_t transaction_id = 0;
  };
  struct EndedReservation {
    std::string station_id;
    int reservation_id = 0;
    std::string state;
  };
  std::vector<ConsumedReservation> consumed_reservations_;
  std::vector<EndedReservation> ended_reservations_;

  // As the database does; the start stands for the transaction's last change and last event.
  std::vector<StaleClose> close_stale_transactions(const std::string& station_id, int evse_id,
                                                   domain::Timestamp received_at,
                                                   domain::Timestamp status_at) override {
    std::vector<StaleClose> closed;
    auto station = stations_.find(station_id);
    if (station == stations_.end() || !station->second.last_boot_at ||
        received_at < *station->second.last_boot_at)
      return closed;
    for (auto& tx : transactions_) {
      if (tx.station_id != station_id || tx.evse_id != evse_id || tx.stopped_at || !tx.started_at ||
          *tx.started_at >= *station->second.last_boot_at || status_at < *tx.started_at)
        continue;
      tx.stopped_at = tx.started_at;
      tx.meter_stop_wh = tx.meter_start_wh;
      tx.stop_reason = "Reboot";
      tx.flags.push_back("closed_by_status");
      closed.push_back({tx.id, tx.meter_stop_wh, *tx.stopped_at});
    }
    return closed;
  }

  std::optional<domain::TransactionRef> find_transaction(const std::string& station_id,
                                                         const std::string& ocpp_transaction_id) override {
    for (const auto& tx : transactions_)
      if (tx.station_id == station_id && tx.ocpp_transaction_id == ocpp_transaction_id)
        return ref_of(tx, false);
    return std::nullopt;
  }

  bool stop_transaction(const domain::MessageContext& ctx, std::int64_t id,
                        const domain::StopTransactionRequest& stop,
                        const std::vector<std::string>& flags) override {
    auto* tx = find(id);
    if (tx == nullptr || tx->stopped_at) return false;
    tx->stopped_at = stop.timestamp;
    tx->meter_stop_wh = stop.meter_stop_wh;
    tx->stop_reason = stop.reason;
    tx->stop_id_token = token_value(stop.id_token);
    tx->flags.insert(tx->flags.end(), flags.begin(), flags.end());
    if (!has_event(id, 1))
      transaction_events_.push_back({id, 1, "Ended", stop.reason, stop.timestamp, flags});
    (void)ctx;
    return true;
  }

  domain::TransactionRef record_orphan_stop(const domain::MessageContext& ctx,
                                            const domain::StopTransactionRequest& stop,
                                            const std::vector<std::string>& flags) override {
    // -1 (never assigned) is not unique: the orphan is keyed by its stop time and register.
    auto ocpp_id = stop.transaction_id > 0 ? std::to_string(stop.transaction_id)
                                           : std::to_string(stop.transaction_id) + "@" +
                                                 domain::format_timestamp(stop.timestamp) + "/" +
                                                 nlohmann::json(stop.meter_stop_wh).dump();
    for (const auto& tx : transactions_)
      if (tx.station_id == ctx.station_id && tx.ocpp_transaction_id == ocpp_id) {
        domain::TransactionRef again;
        again.id = tx.id;
        again.stopped_at = tx.stopped_at;
        return again;
      }
    Transaction tx;
    tx.id = next_id_++;
    tx.station_id = ctx.station_id;
    tx.protocol = ctx.protocol;
    tx.ocpp_transaction_id = ocpp_id;
    tx.id_token = token_value(stop.id_token);
    tx.stop_id_token = tx.id_token;
    tx.stopped_at = stop.timestamp;
    tx.meter_stop_wh = stop.meter_stop_wh;
    tx.stop_reason = stop.reason;
    tx.flags = flags;
    transactions_.push_back(tx);
    domain::TransactionRef ref;
    ref.id = tx.id;
    ref.created = true;
    ref.stopped_at = tx.stopped_at;
    return ref;
  }

  domain::TransactionRef record_transaction_event(const domain::MessageContext& ctx,
                                                  const domain::TransactionEventRequest& event,
                                                  const std::optional<domain::Authorization>& authorization,
                                                  std::optional<double> register_first_wh,
                                                  std::optional<double> register_last_wh,
                                                  const std::vector<std::string>& flags) override {
    using Kind = domain::TransactionEventKind;
    Transaction* tx = nullptr;
    for (auto& candidate : transactions_)
      if (candidate.station_id == ctx.station_id && candidate.ocpp_transaction_id == event.transaction_id)
        tx = &candidate;
    if (tx == nullptr) {
      Transaction fresh;
      fresh.id = next_id_++;
      fresh.station_id = ctx.station_id;
      fresh.protocol = ctx.protocol;
      fresh.ocpp_transaction_id = event.transaction_id;
      transactions_.push_back(fresh);
      tx = &transactions_.back();
    }
    // Any event may be the first one seen: keep the earliest facts, the latest state.
    if (!tx->evse_id) tx->evse_id = event.evse_id;
    if (!tx->connector_id) tx->connector_id = event.connector_id;
    if (!tx->id_token && event.id_token) tx->id_token = event.id_token->value;
    if (!tx->id_token_type && event.id_token) tx->id_token_type = event.id_token->type;
    if (authorization) tx->authorization_status = authorization->status;
    if (!tx->remote_start_id) tx->remote_start_id = event.remote_start_id;
    if (event.kind == Kind::Started && (!tx->started_at || event.timestamp < *tx->started_at))
      tx->started_at = event.timestamp;
    if (event.kind == Kind::Ended && !tx->stopped_at) tx->stopped_at = event.timestamp;
    if (!tx->meter_start_wh) tx->meter_start_wh = register_first_wh;
    if (event.kind == Kind::Ended && register_last_wh) tx->meter_stop_wh = register_last_wh;
    if (event.kind == Kind::Ended && !tx->stop_reason)
      tx->stop_reason = event.stopped_reason.value_or("Local");
    if (event.seq_no >= tx->last_seq_no.value_or(-1) && event.charging_state)
      tx->charging_state = event.charging_state;
    tx->last_seq_no = std::max(tx->last_seq_no.value_or(event.seq_no), event.seq_no);
    tx->offline = tx->offline || event.offline;
    tx->flags.insert(tx->flags.end(), flags.begin(), flags.end());
    // PRIMARY KEY (transaction_id, seq_no)
    bool created = !has_event(tx->id, event.seq_no);
    if (created)
      transaction_events_.push_back({tx->id, event.seq_no, std::string(domain::to_string(event.kind)),
                                     event.trigger_reason, event.timestamp, flags});
    return ref_of(*tx, created);
  }

  std::size_t insert_samples(const domain::MessageContext& ctx, int evse_id,
                             std::optional<std::int64_t> transaction_id,
                             const std::vector<domain::MeterSample>& samples,
                             const std::vector<std::string>& flags) override {
    std::size_t inserted = 0;
    for (const auto& sample : samples) {
      // UNIQUE (station_id, evse_id, sampled_at, measurand, phase, location, context)
      auto key = std::tie(sample.timestamp, sample.measurand, sample.phase, sample.location, sample.context);
      bool duplicate = std::any_of(samples_.begin(), samples_.end(), [&](const SampleRow& row) {
        return row.station_id == ctx.station_id && row.evse_id == evse_id &&
               std::tie(row.sample.timestamp, row.sample.measurand, row.sample.phase, row.sample.location,
                        row.sample.context) == key;
      });
      if (duplicate) continue;
      SampleRow row{ctx.station_id, evse_id, transaction_id, sample};
      row.sample.flags = flags;
      row.sample.flags.insert(row.sample.flags.end(), sample.flags.begin(), sample.flags.end());
      samples_.push_back(std::move(row));
      ++inserted;
    }
    return inserted;
  }

  void insert_report(const domain::MessageContext& ctx, const domain::StationReport& report,
                     const std::vector<std::string>& flags) override {
    reports_.push_back({ctx.station_id, report, ctx.message_id, flags});
  }

 private:
  static std::optional<domain::Timestamp> later(std::optional<domain::Timestamp> a, domain::Timestamp b) {
    return a && *a > b ? a : std::optional(b);
  }

  static std::optional<std::string> token_value(const std::optional<domain::IdToken>& token) {
    if (!token) return std::nullopt;
    return token->value;
  }

  static domain::TransactionRef ref_of(const Transaction& tx, bool created) {
    domain::TransactionRef ref;
    ref.id = tx.id;
    ref.created = created;
    ref.started_at = tx.started_at;
    ref.stopped_at = tx.stopped_at;
    ref.meter_start_wh = tx.meter_start_wh;
    ref.evse_id = tx.evse_id.value_or(0);
    return ref;
  }

  // A station first heard of is auto-registered with `registration`.
  Station& auto_register(const std::string& id, domain::RegistrationStatus registration) {
    auto [it, inserted] = stations_.try_emplace(id);
    if (inserted) {
      it->second.record.id = id;
      it->second.record.registration = registration;
      it->second.record.known = false;
    }
    return it->second;
  }

  Transaction* find(std::int64_t id) {
    for (auto& tx : transactions_)
      if (tx.id == id) return &tx;
    return nullptr;
  }

  bool has_event(std::int64_t transaction_id, int seq_no) const {
    return std::any_of(transaction_events_.begin(), transaction_events_.end(),
                       [&](const TransactionEventRow& row) {
                         return row.transaction_id == transaction_id && row.seq_no == seq_no;
                       });
  }

  std::map<std::string, Station> stations_;
  std::map<std::string, domain::IdTokenRecord> id_tokens_;
  std::vector<Transaction> transactions_;
  std::vector<TransactionEventRow> transaction_events_;
  std::vector<SampleRow> samples_;
  std::vector<StatusRow> status_history_;
  std::vector<ReportRow> reports_;
  std::int64_t next_id_ = 1;
  int boots_ = 0;
};

}  // namespace csms::testing

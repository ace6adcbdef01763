#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "repositories.hpp"

namespace csms::store {

using domain::Timestamp;

std::string text_array(const std::vector<std::string>& values) {
  ArrayColumn column;
  for (const auto& value : values) column.add_text(value);
  return column.literal();
}

void ArrayColumn::add_raw(std::string_view value) {
  if (text_.size() > 1) text_ += ',';
  text_ += value;
}

void ArrayColumn::add_text(std::string_view value) {
  if (text_.size() > 1) text_ += ',';
  text_ += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') text_ += '\\';
    text_ += c;
  }
  text_ += '"';
}

void ArrayColumn::add_int(std::int64_t value) {
  char buffer[24];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  add_raw({buffer, static_cast<std::size_t>(end - buffer)});
}

void ArrayColumn::add_real(double value) {
  if (std::isnan(value)) return add_raw("NaN");
  if (std::isinf(value)) return add_raw(value > 0 ? "Infinity" : "-Infinity");
  char buffer[32];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  add_raw({buffer, static_cast<std::size_t>(end - buffer)});
}

void ArrayColumn::add_null() { add_raw("NULL"); }

std::string page_json(const pqxx::result& rows, const domain::Page& page) {
  std::string out = "{\"items\":[";
  auto limit = static_cast<pqxx::result::size_type>(page.limit);
  auto n = std::min(rows.size(), limit);
  for (pqxx::result::size_type i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    out += rows[i]["doc"].c_str();
  }
  out += "],\"next_cursor\":";
  out += rows.size() > n ? nlohmann::json(rows[n - 1]["cursor"].c_str()).dump() : "null";
  return out + "}";
}

namespace {

domain::RegistrationStatus registration_from(const std::string& text) {
  if (text == "Pending") return domain::RegistrationStatus::Pending;
  if (text == "Rejected") return domain::RegistrationStatus::Rejected;
  return domain::RegistrationStatus::Accepted;
}

domain::StationRecord station_from(const pqxx::row& row) {
  domain::StationRecord record;
  record.id = row["id"].as<std::string>();
  record.registration = registration_from(row["registration"].as<std::string>());
  record.password_hash = opt<std::string>(row["password_hash"]);
  record.known = !row["auto_registered"].as<bool>();
  return record;
}

domain::TransactionRef ref_from(const pqxx::row& row, bool created) {
  domain::TransactionRef ref;
  ref.id = row["id"].as<std::int64_t>();
  ref.created = created;
  ref.started_at = ms(row["started_ms"]);
  ref.stopped_at = ms(row["stopped_ms"]);
  ref.meter_start_wh = opt<double>(row["meter_start_wh"]);
  ref.evse_id = row["evse_id"].is_null() ? 0 : row["evse_id"].as<int>();
  return ref;
}

constexpr const char* kRefColumns =
    "id, csms_ms(started_at) AS started_ms, csms_ms(stopped_at) AS stopped_ms, meter_start_wh, evse_id";

std::optional<std::string> token_value(const std::optional<domain::IdToken>& token) {
  if (!token) return std::nullopt;
  return token->value;
}

}  // namespace

std::optional<domain::StationRecord> PgChargingRepository::find_station(const std::string& id) {
  auto result = exec_cached(
      txn_, "SELECT id, registration, password_hash, auto_registered FROM stations WHERE id = $1", id);
  if (result.empty()) return std::nullopt;
  return station_from(result[0]);
}

domain::StationRecord PgChargingRepository::connect_station(const std::string& id,
                                                            const std::string& protocol, Timestamp at,
                                                            domain::RegistrationStatus for_unknown) {
  auto row = exec_cached1(
      txn_,
      "INSERT INTO stations (id, registration, auto_registered, protocol, online, connected_at, "
      "last_seen_at) VALUES ($1, $2, true, $3, true, $4, $4) "
      "ON CONFLICT (id) DO UPDATE SET protocol = EXCLUDED.protocol, online = true, "
      "connected_at = EXCLUDED.connected_at, last_seen_at = EXCLUDED.last_seen_at, updated_at = now() "
      "RETURNING id, registration, password_hash, auto_registered",
      id, std::string(domain::to_string(for_unknown)), protocol, ts(at));
  // Connectivity history for uptime: close whatever this station left open, open a new span.
  exec_cached(txn_,
              "WITH closed AS (UPDATE station_connectivity SET disconnected_at = $2 "
              "WHERE station_id = $1 AND disconnected_at IS NULL) "
              "INSERT INTO station_connectivity (station_id, connected_at) VALUES ($1, $2)",
              id, ts(at));
  return station_from(row);
}

void PgChargingRepository::disconnect_station(const std::string& id, Timestamp at) {
  exec_cached(txn_,
              "UPDATE stations SET online = false, last_seen_at = greatest(last_seen_at, $2::timestamptz), "
              "updated_at = now() WHERE id = $1",
              id, ts(at));
  exec_cached(txn_,
              "UPDATE station_connectivity SET disconnected_at = greatest(connected_at, $2::timestamptz) "
              "WHERE station_id = $1 AND disconnected_at IS NULL",
              id, ts(at));
}

std::vector<std::string> PgChargingRepository::touch_stations(
    const std::vector<std::pair<std::string, Timestamp>>& seen) {
  if (seen.empty()) return {};
  std::vector<std::string> ids;
  std::vector<std::string> times;
  for (const auto& [id, at] : seen) {
    ids.push_back(id);
    times.push_back(ts(at));
  }
  // Rows another transaction holds are skipped, not waited for; the ids updated come back.
  auto updated = exec_cached(txn_,
                             "WITH v AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS v(id, at)), "
                             "locked AS (SELECT s.id FROM stations s JOIN v ON v.id = s.id ORDER BY s.id "
                             "FOR NO KEY UPDATE OF s SKIP LOCKED) "
                             "UPDATE stations s SET last_seen_at = greatest(s.last_seen_at, v.at) "
                             "FROM v JOIN locked l ON l.id = v.id WHERE s.id = v.id RETURNING s.id",
                             text_array(ids), text_array(times));
  std::set<std::string> done;
  for (const auto& row : updated) done.insert(row[0].as<std::string>());
  std::vector<std::string> skipped;
  for (const auto& id : ids)
    if (!done.count(id)) skipped.push_back(id);
  return skipped;
}

void PgChargingRepository::record_boot(const domain::MessageContext& ctx, const domain::BootRequest& boot,
                                       domain::RegistrationStatus status) {
  exec_cached(txn_,
              "INSERT INTO stations (id, registration, auto_registered, protocol, vendor, model, "
              "serial_number, firmware_version, iccid, imsi, meter_type, meter_serial_number, "
              "last_boot_at, last_boot_reason, online, last_seen_at) "
              "VALUES ($1, $2, true, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, true, $12) "
              "ON CONFLICT (id) DO UPDATE SET protocol = EXCLUDED.protocol, vendor = EXCLUDED.vendor, "
              "model = EXCLUDED.model, serial_number = EXCLUDED.serial_number, "
              "firmware_version = EXCLUDED.firmware_version, iccid = EXCLUDED.iccid, imsi = EXCLUDED.imsi, "
              "meter_type = EXCLUDED.meter_type, meter_serial_number = EXCLUDED.meter_serial_number, "
              "last_boot_at = EXCLUDED.last_boot_at, last_boot_reason = EXCLUDED.last_boot_reason, "
              "last_seen_at = EXCLUDED.last_seen_at, updated_at = now()",
              ctx.station_id, std::string(domain::to_string(status)), ctx.protocol, boot.vendor, boot.model,
              boot.serial_number, boot.firmware_version, boot.iccid, boot.imsi, boot.meter_type,
              boot.meter_serial_number, ts(ctx.received_at), boot.reason);
}

bool PgChargingRepository::record_status(const domain::MessageContext& ctx,
                                         const domain::StatusRequest& status,
                                         const std::vector<std::string>& flags) {
  auto status_text = std::string(domain::to_string(status.status));
  auto inserted =
      exec_cached(txn_,
                  "INSERT INTO status_history (station_id, evse_id, connector_id, status, error_code, info, "
                  "vendor_id, vendor_error_code, status_at, received_at, flags) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[]) "
                  "ON CONFLICT DO NOTHING RETURNING id",
                  ctx.station_id, status.evse_id, status.connector_id, status_text, status.error_code,
                  status.info, status.vendor_id, status.vendor_error_code, ts(status.timestamp),
                  ts(ctx.received_at), text_array(flags));
  if (inserted.empty()) return false;
  // A report queued while offline must not overwrite a newer live status.
  exec_cached(txn_,
              "INSERT INTO connectors (station_id, evse_id, connector_id, status, error_code, info, "
              "vendor_id, vendor_error_code, status_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
              "ON CONFLICT (station_id, evse_id, connector_id) DO UPDATE SET status = EXCLUDED.status, "
              "error_code = EXCLUDED.error_code, info = EXCLUDED.info, vendor_id = EXCLUDED.vendor_id, "
              "vendor_error_code = EXCLUDED.vendor_error_code, status_at = EXCLUDED.status_at, "
              "updated_at = now() WHERE connectors.status_at <= EXCLUDED.status_at",
              ctx.station_id, status.evse_id, status.connector_id, status_text, status.error_code,
              status.info, status.vendor_id, status.vendor_error_code, ts(status.timestamp));
  return true;
}

std::optional<domain::IdTokenRecord> PgChargingRepository::find_id_token(const std::string& token) {
  auto result =
      exec_cached(txn_,
                  "SELECT token, status, csms_ms(expires_at) AS expires_ms, group_token, customer_id, "
                  "max_concurrent_sessions FROM id_tokens WHERE lower(token) = lower($1) "
                  "ORDER BY token = $1 DESC LIMIT 1",
                  token);
  if (result.empty()) return std::nullopt;
  const auto& row = result[0];
  domain::IdTokenRecord record;
  record.token = row["token"].as<std::string>();
  record.status = domain::authorization_status_from(row["status"].as<std::string>())
                      .value_or(domain::AuthorizationStatus::Invalid);
  record.expires_at = ms(row["expires_ms"]);
  record.group = opt<std::string>(row["group_token"]);
  record.customer_id = opt<std::string>(row["customer_id"]);
  record.max_concurrent_sessions = opt<int>(row["max_concurrent_sessions"]);
  return record;
}

std::size_t PgChargingRepository::open_transactions(const std::string& token,
                                                    std::optional<std::int64_t> except_transaction,
                                                    std::size_t cap) {
  auto result =
      exec_cached(txn_,
                  "SELECT count(*) FROM (SELECT 1 FROM transactions WHERE lower(id_token) = lower($1) "
                  "AND stopped_at IS NULL AND id IS DISTINCT FROM $2 LIMIT $3) open",
                  token, except_transaction, static_cast<long long>(cap));
  return result[0][0].as<std::size_t>();
}

domain::TransactionRef PgChargingRepository::start_transaction(const domain::MessageContext& ctx,
                                                               const domain::StartTransactionRequest& start,
                                                               const domain::Authorization& authorization,
                                                               const std::vector<std::string>& flags) {
  // The natural key of a 1.6 start: a retry after a lost reply repeats all of these.
  auto start_key = std::to_string(start.evse_id) + "|" + start.id_token.value + "|" + ts(start.timestamp) +
                   "|" + nlohmann::json(start.meter_start_wh).dump();
  auto inserted = exec_cached(
      txn_,
      std::string("WITH id AS (SELECT COALESCE($12::bigint, nextval('transactions_id_seq')) AS v) "
                  "INSERT INTO transactions (id, station_id, protocol, ocpp_transaction_id, evse_id, "
                  "connector_id, id_token, authorization_status, reservation_id, started_at, "
                  "meter_start_wh, last_event_at, flags, start_key) "
                  "SELECT v, $1, $2, v::text, $3, $4, $5, $6, $7, $8, $9, $8, $10::text[], $11 FROM id "
                  "ON CONFLICT (station_id, start_key) WHERE start_key IS NOT NULL DO NOTHING "
                  "RETURNING ") +
          kRefColumns,
      ctx.station_id, ctx.protocol, start.evse_id, start.connector_id, start.id_token.value,
      std::string(domain::to_string(authorization.status)), start.reservation_id, ts(start.timestamp),
      start.meter_start_wh, text_array(flags), start_key, start.assigned_id);
  if (!inserted.empty()) {
    auto ref = ref_from(inserted[0], true);
    exec_cached(txn_,
                "INSERT INTO transaction_events (transaction_id, seq_no, event_type, trigger_reason, "
                "event_at, received_at, flags) VALUES ($1, 0, 'Started', 'Authorized', $2, $3, $4::text[])",
                ref.id, ts(start.timestamp), ts(ctx.received_at), text_array(flags));
    return ref;
  }
  auto existing = exec_cached1(
      txn_,
      std::string("SELECT ") + kRefColumns + " FROM transactions WHERE station_id = $1 AND start_key = $2",
      ctx.station_id, start_key);
  return ref_from(existing, false);
}

void PgChargingRepository::set_start_authorization(std::int64_t id, domain::AuthorizationStatus status) {
  exec_cached(txn_, "UPDATE transactions SET authorization_status = $2 WHERE id = $1", id,
              std::string(domain::to_string(status)));
}

void PgChargingRepository::consume_reservation(const std::string& station_id, int reservation_id,
                                               std::int64_t transaction_id) {
  // Past its expiry the station may still honour it: used is what happened.
  exec_cached(txn_,
              "UPDATE reservations SET state = 'used', transaction_id = $3, updated_at = now() "
              "WHERE id = $2 AND station_id = $1 AND state IN ('active', 'pending', 'expired')",
              station_id, reservation_id, transaction_id);
}

void PgChargingRepository::end_reservation(const std::string& station_id, int reservation_id,
                                           const std::string& state) {
  exec_cached(txn_,
              "UPDATE reservations SET state = $3, updated_at = now() "
              "WHERE id = $2 AND station_id = $1 AND state IN ('active', 'pending')",
              station_id, reservation_id, state);
}

std::vector<domain::ChargingRepository::StaleClose> PgChargingRepository::close_stale_transactions(
    const std::string& station_id, int evse_id, domain::Timestamp received_at, domain::Timestamp status_at) {
  // The boot and the transaction's last change by our clock; the status and the transaction's
  // last event by the station's.
  auto rows = exec_cached(
      txn_,
      "UPDATE transactions t SET stopped_at = coalesce(greatest(t.last_event_at, t.started_at, "
      "  (SELECT max(m.sampled_at) FROM meter_samples m WHERE m.transaction_id = t.id)), $4::timestamptz), "
      "meter_stop_wh = coalesce(csms_last_register_wh(t.id), t.meter_start_wh), stop_reason = 'Reboot', "
      "flags = t.flags || '{closed_by_status}'::text[], updated_at = now() "
      "FROM stations s WHERE s.id = t.station_id AND t.station_id = $1 AND t.evse_id = $2 "
      "AND t.stopped_at IS NULL AND s.last_boot_at IS NOT NULL AND $3::timestamptz >= s.last_boot_at "
      "AND t.updated_at < s.last_boot_at AND $4::timestamptz >= coalesce(t.last_event_at, t.started_at) "
      "RETURNING t.id, t.meter_stop_wh, csms_ms(t.stopped_at) AS stopped_ms",
      station_id, evse_id, ts(received_at), ts(status_at));
  std::vector<StaleClose> closed;
  for (const auto& row : rows)
    closed.push_back(
        {row["id"].as<std::int64_t>(), opt<double>(row["meter_stop_wh"]), *ms(row["stopped_ms"])});
  return closed;
}

std::optional<domain::TransactionRef> PgChargingRepository::find_transaction(
    const std::string& station_id, const std::string& ocpp_transaction_id) {
  auto result = exec_cached(txn_,
                            std::string("SELECT ") + kRefColumns +
                                " FROM transactions WHERE station_id = $1 AND ocpp_transaction_id = $2",
                            station_id, ocpp_transaction_id);
  if (result.empty()) return std::nullopt;
  return ref_from(result[0], false);
}

bool PgChargingRepository::stop_transaction(const domain::MessageContext& ctx, std::int64_t id,
                                            const domain::StopTransactionRequest& stop,
                                            const std::vector<std::string>& flags) {
  auto updated = exec_cached(
      txn_,
      // A close by a status after a reboot gives way to the real stop.
      "UPDATE transactions SET stopped_at = $2, meter_stop_wh = $3, stop_reason = $4, "
      "stop_id_token = $5, last_event_at = $2, "
      "flags = CASE WHEN stopped_at IS NULL THEN flags "
      "  ELSE array_remove(flags, 'closed_by_status') || '{status_close_replaced}'::text[] END || "
      "$6::text[], "
      "updated_at = now() "
      "WHERE id = $1 AND (stopped_at IS NULL OR 'closed_by_status' = ANY (flags)) RETURNING id",
      id, ts(stop.timestamp), stop.meter_stop_wh, stop.reason, token_value(stop.id_token), text_array(flags));
  if (updated.empty()) return false;
  exec_cached(txn_,
              "INSERT INTO transaction_events (transaction_id, seq_no, event_type, trigger_reason, "
              "event_at, received_at, flags) VALUES ($1, 1, 'Ended', $2, $3, $4, $5::text[]) "
              "ON CONFLICT DO NOTHING",
              id, stop.reason, ts(stop.timestamp), ts(ctx.received_at), text_array(flags));
  return true;
}

domain::TransactionRef PgChargingRepository::record_orphan_stop(const domain::MessageContext& ctx,
                                                                const domain::StopTransactionRequest& stop,
                                                                const std::vector<std::string>& flags) {
  // -1 (never assigned) is not unique: key the orphan by its stop time and register.
  auto ocpp_id = stop.transaction_id > 0 ? std::to_string(stop.transaction_id)
                                         : std::to_string(stop.transaction_id) + "@" + ts(stop.timestamp) +
                                               "/" + nlohmann::json(stop.meter_stop_wh).dump();
  auto row =
      exec_cached1(txn_,
                   "INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, stop_id_token, "
                   "id_token, stopped_at, meter_stop_wh, stop_reason, last_event_at, flags) "
                   "VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $5, $8::text[]) "
                   "ON CONFLICT (station_id, ocpp_transaction_id) DO UPDATE SET updated_at = now() "
                   "RETURNING id, (xmax = 0) AS inserted",
                   ctx.station_id, ctx.protocol, ocpp_id, token_value(stop.id_token), ts(stop.timestamp),
                   stop.meter_stop_wh, stop.reason, text_array(flags));
  domain::TransactionRef ref;
  ref.id = row["id"].as<std::int64_t>();
  ref.created = row["inserted"].as<bool>();  // xmax = 0: inserted, not updated
  ref.stopped_at = stop.timestamp;
  return ref;
}

// In record_transaction_event's upsert: an Ended event for a transaction a status closed.
#define kReplacesStatusClose \
  "(EXCLUDED.stopped_at IS NOT NULL AND 'closed_by_status' = ANY (transactions.flags))"

domain::TransactionRef PgChargingRepository::record_transaction_event(
    const domain::MessageContext& ctx, const domain::TransactionEventRequest& event,
    const std::optional<domain::Authorization>& authorization, std::optional<double> register_first_wh,
    std::optional<double> register_last_wh, const std::vector<std::string>& flags) {
  using Kind = domain::TransactionEventKind;
  std::optional<std::string> started_at;
  std::optional<std::string> stopped_at;
  if (event.kind == Kind::Started) started_at = ts(event.timestamp);
  if (event.kind == Kind::Ended) stopped_at = ts(event.timestamp);
  std::optional<std::string> auth_status;
  if (authorization) auth_status = std::string(domain::to_string(authorization->status));
  std::optional<std::string> charging_state;
  if (event.charging_state) charging_state = std::string(domain::to_string(*event.charging_state));
  std::optional<std::string> token_type;
  if (event.id_token) token_type = event.id_token->type;
  std::optional<double> stop_register = event.kind == Kind::Ended ? register_last_wh : std::nullopt;
  // Any event may be the first we see (the Started one can be lost): upsert, keeping the
  // earliest known facts and the ordering of seq_no for the latest state.
  auto row = exec_cached1(
      txn_,
      std::string(
          "INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, "
          "connector_id, id_token, id_token_type, authorization_status, remote_start_id, started_at, "
          "stopped_at, meter_start_wh, meter_stop_wh, stop_reason, charging_state, last_seq_no, "
          "last_event_at, offline, flags) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
          "$19::text[]) "
          "ON CONFLICT (station_id, ocpp_transaction_id) DO UPDATE SET "
          "evse_id = coalesce(transactions.evse_id, EXCLUDED.evse_id), "
          "connector_id = coalesce(transactions.connector_id, EXCLUDED.connector_id), "
          "id_token = coalesce(transactions.id_token, EXCLUDED.id_token), "
          "id_token_type = coalesce(transactions.id_token_type, EXCLUDED.id_token_type), "
          "authorization_status = coalesce(EXCLUDED.authorization_status, "
          "transactions.authorization_status), "
          "remote_start_id = coalesce(transactions.remote_start_id, EXCLUDED.remote_start_id), "
          "started_at = least(transactions.started_at, EXCLUDED.started_at), "
          // A close by a status after a reboot gives way to the real Ended event.
          "stopped_at = CASE WHEN " kReplacesStatusClose " THEN EXCLUDED.stopped_at "
          "  ELSE coalesce(transactions.stopped_at, EXCLUDED.stopped_at) END, "
          "meter_start_wh = coalesce(transactions.meter_start_wh, EXCLUDED.meter_start_wh), "
          "meter_stop_wh = coalesce(EXCLUDED.meter_stop_wh, transactions.meter_stop_wh), "
          "stop_reason = CASE WHEN " kReplacesStatusClose " THEN EXCLUDED.stop_reason "
          "  ELSE coalesce(transactions.stop_reason, EXCLUDED.stop_reason) END, "
          "charging_state = CASE WHEN EXCLUDED.last_seq_no >= coalesce(transactions.last_seq_no, -1) "
          "  THEN coalesce(EXCLUDED.charging_state, transactions.charging_state) "
          "  ELSE transactions.charging_state END, "
          "last_seq_no = greatest(transactions.last_seq_no, EXCLUDED.last_seq_no), "
          "last_event_at = greatest(transactions.last_event_at, EXCLUDED.last_event_at), "
          "offline = transactions.offline OR EXCLUDED.offline, "
          "flags = CASE WHEN " kReplacesStatusClose
          " THEN array_remove(transactions.flags, 'closed_by_status') || '{status_close_replaced}'::text[] "
          "  ELSE transactions.flags END || EXCLUDED.flags, updated_at = now() "
          "RETURNING ") +
          kRefColumns,
      ctx.station_id, ctx.protocol, event.transaction_id, event.evse_id, event.connector_id,
      token_value(event.id_token), token_type, auth_status, event.remote_start_id, started_at, stopped_at,
      register_first_wh, stop_register,
      event.kind == Kind::Ended ? std::optional(event.stopped_reason.value_or("Local")) : std::nullopt,
      charging_state, event.seq_no, ts(event.timestamp), event.offline, text_array(flags));
  auto ref = ref_from(row, false);
  auto inserted = exec_cached(
      txn_,
      "INSERT INTO transaction_events (transaction_id, seq_no, event_type, trigger_reason, "
      "event_at, charging_state, offline, received_at, flags) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[]) ON CONFLICT DO NOTHING RETURNING seq_no",
      ref.id, event.seq_no, std::string(domain::to_string(event.kind)), event.trigger_reason,
      ts(event.timestamp), charging_state, event.offline, ts(ctx.received_at), text_array(flags));
  ref.created = !inserted.empty();
  return ref;
}
#undef kReplacesStatusClose

std::size_t PgChargingRepository::insert_samples(const domain::MessageContext& ctx, int evse_id,
                                                 std::optional<std::int64_t> transaction_id,
                                                 const std::vector<domain::MeterSample>& samples,
                                                 const std::vector<std::string>& flags) {
  if (samples.empty()) return 0;
  return insert_sample_rows({{ctx, evse_id, transaction_id, samples, flags}})[0];
}

std::map<domain::ChargingRepository::TransactionKey, domain::TransactionRef>
PgChargingRepository::find_transactions(const std::vector<TransactionKey>& keys) {
  std::map<TransactionKey, domain::TransactionRef> found;
  if (keys.empty()) return found;
  std::vector<std::string> stations;
  std::vector<std::string> ids;
  for (const auto& [station, id] : keys) {
    stations.push_back(station);
    ids.push_back(id);
  }
  for (const auto& row :
       exec_cached(txn_,
                   std::string("SELECT t.station_id, t.ocpp_transaction_id, ") +
                       "t.id, csms_ms(t.started_at) AS started_ms, csms_ms(t.stopped_at) AS "
                       "stopped_ms, t.meter_start_wh, t.evse_id FROM unnest($1::text[], "
                       "$2::text[]) AS k(station_id, ocpp_transaction_id) JOIN transactions t "
                       "ON t.station_id = k.station_id AND t.ocpp_transaction_id = "
                       "k.ocpp_transaction_id",
                   text_array(stations), text_array(ids)))
    found.emplace(TransactionKey{row[0].as<std::string>(), row[1].as<std::string>()}, ref_from(row, false));
  return found;
}

std::vector<std::size_t> PgChargingRepository::insert_sample_rows(const std::vector<SampleRows>& items) {
  std::vector<std::size_t> stored(items.size(), 0);
  enum {
    kItem,
    kStation,
    kEvse,
    kTransaction,
    kAt,
    kMeasurand,
    kPhase,
    kLocation,
    kContext,
    kUnit,
    kRaw,
    kValue,
    kCanonicalUnit,
    kCanonicalValue,
    kSigned,
    kFlags,
    kReceived,
    kColumns
  };
  ArrayColumn c[kColumns];
  std::size_t rows = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    const auto received = ts(item.ctx.received_at);
    for (const auto& s : item.samples) {
      auto flags = item.flags;
      flags.insert(flags.end(), s.flags.begin(), s.flags.end());
      c[kItem].add_int(static_cast<std::int64_t>(i));
      c[kStation].add_text(item.ctx.station_id);
      c[kEvse].add_int(item.evse_id);
      c[kTransaction].add_int(item.transaction_id);
      c[kAt].add_text(ts(s.timestamp));
      c[kMeasurand].add_text(s.measurand);
      c[kPhase].add_text(s.phase);
      c[kLocation].add_text(s.location);
      c[kContext].add_text(s.context);
      c[kUnit].add_text(s.unit);
      c[kRaw].add_text(s.raw_value);
      c[kValue].add_real(s.value);
      c[kCanonicalUnit].add_text(s.canonical_unit);
      c[kCanonicalValue].add_real(s.canonical_value);
      c[kSigned].add_text(s.signed_data);
      c[kFlags].add_text(text_array(flags));  // each row's text[] literal, cast per row
      c[kReceived].add_text(received);
      ++rows;
    }
  }
  if (rows == 0) return stored;
  const std::string literals[] = {c[kItem].literal(),
                                  c[kStation].literal(),
                                  c[kEvse].literal(),
                                  c[kTransaction].literal(),
                                  c[kAt].literal(),
                                  c[kMeasurand].literal(),
                                  c[kPhase].literal(),
                                  c[kLocation].literal(),
                                  c[kContext].literal(),
                                  c[kUnit].literal(),
                                  c[kRaw].literal(),
                                  c[kValue].literal(),
                                  c[kCanonicalUnit].literal(),
                                  c[kCanonicalValue].literal(),
                                  c[kSigned].literal(),
                                  c[kFlags].literal(),
                                  c[kReceived].literal()};
  // The statements' text is built once (exec_cached hashes it at every batch).
  static const std::string rows_sql =
      "SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::bigint[], $5::timestamptz[], $6::text[], "
      "$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::float8[], $13::text[], "
      "$14::float8[], $15::text[], $16::text[], $17::timestamptz[]) AS x(item, station_id, evse_id, "
      "transaction_id, sampled_at, measurand, phase, location, context, unit, raw_value, value, "
      "canonical_unit, canonical_value, signed_data, flags, received_at)";
  static const std::string insert =
      "INSERT INTO meter_samples (station_id, evse_id, transaction_id, sampled_at, measurand, phase, "
      "location, "
      "context, unit, raw_value, value, canonical_unit, canonical_value, signed_data, flags, received_at) "
      "SELECT station_id, evse_id, transaction_id, sampled_at, measurand, phase, location, context, unit, "
      "raw_value, value, canonical_unit, canonical_value, signed_data, flags::text[], received_at FROM ";
  static const std::string plain_insert = insert + "(" + rows_sql + ") x";
  static const std::string counting_insert =
      "WITH x AS (" + rows_sql + "), ins AS (" + insert +
      "x ON CONFLICT DO NOTHING RETURNING station_id, evse_id, sampled_at, measurand, phase, location, "
      "context) SELECT x.item, count(*) FROM ins JOIN x USING (station_id, evse_id, sampled_at, "
      "measurand, "
      "phase, location, context) GROUP BY x.item";
  auto run = [&](const std::string& sql) {
    return exec_cached(txn_, sql, literals[0], literals[1], literals[2], literals[3], literals[4],
                       literals[5], literals[6], literals[7], literals[8], literals[9], literals[10],
                       literals[11], literals[12], literals[13], literals[14], literals[15], literals[16]);
  };
  // Almost always every sample is new: a plain insert, which the unique key checks on the
  // way in. A retried message makes it fail; then, from the savepoint, one statement that
  // skips what was recorded and counts what was new per message by matching the rows it
  // inserted back to their message by their key. The second way costs PostgreSQL a third
  // more per row (a separate conflict probe of the key, and the join); the savepoint costs
  // two round trips. Small batches (a lightly loaded server) go the second way at once.
  constexpr std::size_t kSavepointFromRows = 32;
  if (rows >= kSavepointFromRows) {
    txn_.exec("SAVEPOINT samples");
    try {
      run(plain_insert);
      txn_.exec("RELEASE SAVEPOINT samples");
      for (std::size_t i = 0; i < items.size(); ++i) stored[i] = items[i].samples.size();
      return stored;
    } catch (const pqxx::unique_violation&) {
      txn_.exec("ROLLBACK TO SAVEPOINT samples");
      txn_.exec("RELEASE SAVEPOINT samples");
    }
  }
  for (const auto& row : run(counting_insert)) stored[row[0].as<std::size_t>()] = row[1].as<std::size_t>();
  return stored;
}

std::vector<bool> PgChargingRepository::record_transaction_updates(
    const std::vector<TransactionUpdate>& updates) {
  std::set<std::int64_t> distinct;
  for (const auto& u : updates) distinct.insert(u.transaction_id);
  // UPDATE ... FROM applies one source row to each row at most: two updates of one
  // transaction go one by one.
  if (distinct.size() != updates.size()) return ChargingRepository::record_transaction_updates(updates);
  std::vector<bool> created(updates.size(), false);
  if (updates.empty()) return created;
  ArrayColumn id, evse, connector, token, token_type, authorization, remote_start, meter_start, state, seq,
      at, offline, flags, trigger, received;
  for (const auto& u : updates) {
    const auto& event = *u.event;
    id.add_int(u.transaction_id);
    evse.add_int(event.evse_id);
    connector.add_int(event.connector_id);
    token.add_text(token_value(event.id_token));
    token_type.add_text(event.id_token ? std::optional(event.id_token->type) : std::nullopt);
    authorization.add_text(u.authorization
                               ? std::optional<std::string>(domain::to_string(u.authorization->status))
                               : std::nullopt);
    remote_start.add_int(event.remote_start_id);
    meter_start.add_real(u.register_first_wh);
    state.add_text(event.charging_state ? std::optional<std::string>(domain::to_string(*event.charging_state))
                                        : std::nullopt);
    seq.add_int(event.seq_no);
    at.add_text(ts(event.timestamp));
    offline.add_bool(event.offline);
    flags.add_text(text_array(u.flags));
    trigger.add_text(event.trigger_reason);
    received.add_text(ts(u.ctx.received_at));
  }
  // What record_transaction_event's upsert does to a stored transaction on an Updated event
  // (no start, stop or stop reason), for all of them in one statement.
  exec_cached(
      txn_,
      "UPDATE transactions t SET evse_id = coalesce(t.evse_id, v.evse_id), "
      "connector_id = coalesce(t.connector_id, v.connector_id), "
      "id_token = coalesce(t.id_token, v.id_token), "
      "id_token_type = coalesce(t.id_token_type, v.id_token_type), "
      "authorization_status = coalesce(v.authorization_status, t.authorization_status), "
      "remote_start_id = coalesce(t.remote_start_id, v.remote_start_id), "
      "meter_start_wh = coalesce(t.meter_start_wh, v.meter_start_wh), "
      "charging_state = CASE WHEN v.seq_no >= coalesce(t.last_seq_no, -1) "
      "  THEN coalesce(v.charging_state, t.charging_state) ELSE t.charging_state END, "
      "last_seq_no = greatest(t.last_seq_no, v.seq_no), "
      "last_event_at = greatest(t.last_event_at, v.event_at), offline = t.offline OR v.offline, "
      "flags = t.flags || v.flags::text[], updated_at = now() "
      "FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], "
      "$8::float8[], $9::text[], $10::int[], $11::timestamptz[], $12::bool[], $13::text[]) "
      "AS v(id, evse_id, connector_id, id_token, id_token_type, authorization_status, remote_start_id, "
      "meter_start_wh, charging_state, seq_no, event_at, offline, flags) WHERE t.id = v.id",
      id.literal(), evse.literal(), connector.literal(), token.literal(), token_type.literal(),
      authorization.literal(), remote_start.literal(), meter_start.literal(), state.literal(), seq.literal(),
      at.literal(), offline.literal(), flags.literal());
  std::set<std::pair<std::int64_t, std::int64_t>> inserted;
  for (const auto& row : exec_cached(
           txn_,
           "INSERT INTO transaction_events (transaction_id, seq_no, event_type, trigger_reason, "
           "event_at, charging_state, offline, received_at, flags) "
           "SELECT id, seq_no, 'Updated', trigger_reason, event_at, charging_state, offline, received_at, "
           "flags::text[] FROM unnest($1::bigint[], $2::int[], $3::text[], $4::timestamptz[], $5::text[], "
           "$6::bool[], $7::timestamptz[], $8::text[]) AS v(id, seq_no, trigger_reason, event_at, "
           "charging_state, offline, received_at, flags) "
           "ON CONFLICT DO NOTHING RETURNING transaction_id, seq_no",
           id.literal(), seq.literal(), trigger.literal(), at.literal(), state.literal(), offline.literal(),
           received.literal(), flags.literal()))
    inserted.emplace(row[0].as<std::int64_t>(), row[1].as<std::int64_t>());
  for (std::size_t i = 0; i < updates.size(); ++i)
    created[i] = inserted.count({updates[i].transaction_id, updates[i].event->seq_no}) > 0;
  return created;
}

void PgChargingRepository::insert_report(const domain::MessageContext& ctx,
                                         const domain::StationReport& report,
                                         const std::vector<std::string>& flags) {
  exec_cached(txn_,
              "INSERT INTO station_reports (station_id, kind, reported_at, payload, message_id, "
              "received_at, flags) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::text[])",
              ctx.station_id, report.kind, ts(report.timestamp), report.payload_json, ctx.message_id,
              ts(ctx.received_at), text_array(flags));
  // 2.0.1 external limits (K12, K13): kept as read-only profiles the load manager honours.
  if (report.kind == "NotifyChargingLimit" || report.kind == "ClearedChargingLimit")
    txn_.exec_params("SELECT csms_record_charging_limit($1, $2, $3::jsonb)", ctx.station_id, report.kind,
                     report.payload_json);
  if (!report.report_part) return;
  // NotifyReport: its variables, and the part counted for its request.
  upsert_variables(txn_, ctx.station_id, {"NotifyReport", report.variables}, ctx.received_at);
  exec_cached(txn_,
              "INSERT INTO device_model_reports AS r (station_id, request_id, parts, last_seq_no, complete) "
              "VALUES ($1, $2, 1, $3, $4) "
              "ON CONFLICT (station_id, request_id) DO UPDATE SET parts = r.parts + 1, "
              "last_seq_no = greatest(r.last_seq_no, EXCLUDED.last_seq_no), "
              "complete = r.complete OR EXCLUDED.complete, updated_at = now()",
              ctx.station_id, report.report_part->request_id, report.report_part->seq_no,
              !report.report_part->tbc);
}

bool PgChargingRepository::load_managed(const std::string& station_id) {
  return !txn_.exec_params(
                  "SELECT 1 FROM stations s JOIN sites si ON si.id = s.site_id AND si.load_management "
                  "WHERE s.id = $1",
                  station_id)
              .empty();
}

void PgChargingRepository::update_file_transfer(const std::string& station_id,
                                                const domain::FileStatus& status, domain::Timestamp at) {
  const auto outcome = domain::file_outcome(status.status);
  if (outcome.empty()) return;  // Idle
  // A late status never undoes an ending: a transfer that succeeded or failed stays so.
  exec_cached(txn_,
              "UPDATE file_transfers SET status = $3, status_at = $4, state = $5, updated_at = now() "
              "WHERE id = (SELECT id FROM file_transfers WHERE station_id = $1 AND kind = $2 "
              "  AND ($6::integer IS NULL OR request_id = $6) "
              "  AND ($6::integer IS NOT NULL OR state IN ('accepted', 'in_progress')) "
              "  AND state NOT IN ('succeeded', 'failed', 'rejected', 'failed_to_send') "
              "  ORDER BY id DESC LIMIT 1)",
              station_id, status.kind, status.status, ts(at), outcome, status.request_id);
}

}  // namespace csms::store

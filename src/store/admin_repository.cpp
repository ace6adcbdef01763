#include <nlohmann/json.hpp>

#include "repositories.hpp"

namespace csms::store {
namespace {

// `column = CASE WHEN fields ? 'key' THEN (fields->>'key')::type ELSE column END`: a patch
// changes exactly the keys it names (null clears).
std::string assign(const std::string& column, const std::string& key, const std::string& type) {
  return column + " = CASE WHEN $2::jsonb ? '" + key + "' THEN ($2::jsonb->>'" + key + "')::" + type +
         " ELSE " + column + " END";
}

domain::WriteResult affected(const pqxx::result& result) {
  return result.affected_rows() > 0 ? domain::WriteResult::Done : domain::WriteResult::NotFound;
}

}  // namespace

std::string PgAdminRepository::list_stations(const domain::StationFilter& filter, const domain::Page& page) {
  using Sort = domain::StationFilter::Sort;
  // The brief form is read from the row alone: the whole one gathers the station's
  // connectors (500 stations: 62 ms against 2 ms).
  const std::string doc =
      filter.brief ? "json_build_object('id', s.id, 'name', s.name, 'site_id', s.site_id, 'time_zone', "
                     "s.time_zone, 'online', s.online, 'protocol', s.protocol, 'last_seen_at', "
                     "csms_ts(s.last_seen_at))::text"
                   : "csms_station_json(s)::text";
  // Each sort: its key (as text in the cursor), the order, and the rows after the previous
  // page's last one ($1 its id, $8 its key, NULL when it had none).
  std::string key, order, after;
  switch (filter.sort) {
    case Sort::Id:
      key = "NULL::text";
      order = "s.id";
      after = "s.id > $1 AND $8::text IS NULL";  // no key: $8 is always NULL here
      break;
    case Sort::Name:
      key = "coalesce(s.name, s.id)";
      order = "coalesce(s.name, s.id), s.id";
      after = "(coalesce(s.name, s.id), s.id) > ($8::text, $1::text)";
      break;
    case Sort::Status:
      key = "k.rank::text";
      order = "k.rank, s.id";
      after = "(k.rank, s.id) > ($8::int, $1::text)";
      break;
    case Sort::LastSeen: {
      // Microseconds since 1970: exact (timestamps hold microseconds), and a cursor's number
      // is compared, never converted back (none can be out of a timestamp's range).
      const std::string us = "(extract(epoch FROM s.last_seen_at) * 1000000)::bigint";
      key = us + "::text";
      order = "s.last_seen_at DESC NULLS LAST, s.id";
      after =
          "CASE WHEN $8::bigint IS NULL THEN s.last_seen_at IS NULL AND s.id > $1 "
          "ELSE " +
          us + " < $8::bigint OR s.last_seen_at IS NULL OR (" + us + " = $8::bigint AND s.id > $1) END";
      break;
    }
  }
  const std::string cursor = filter.sort == Sort::Id ? "s.id" : "json_build_array(" + key + ", s.id)::text";
  const std::string rank =
      filter.sort != Sort::Status
          ? ""
          : " CROSS JOIN LATERAL (SELECT coalesce(min(CASE c.status WHEN 'Faulted' THEN 0 "
            "WHEN 'Unavailable' THEN 1 WHEN 'Charging' THEN 2 WHEN 'Occupied' THEN 3 WHEN 'Preparing' THEN 4 "
            "WHEN 'SuspendedEV' THEN 5 WHEN 'SuspendedEVSE' THEN 6 WHEN 'Finishing' THEN 7 "
            "WHEN 'Reserved' THEN 8 WHEN 'Available' THEN 9 END), 10) AS rank "
            "FROM connectors c WHERE c.station_id = s.id) k";
  const bool first = page.cursor.empty() && !filter.after;
  auto rows = txn_.exec_params(
      "SELECT " + doc + " AS doc, " + cursor + " AS cursor FROM stations s" + rank +
          " WHERE ($1::text IS NULL OR " + after +
          ") AND ($2::boolean IS NULL OR s.online = $2) "
          "AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM connectors c WHERE c.station_id = s.id "
          "AND c.status = $3)) AND ($5::text IS NULL OR s.site_id = $5) "
          "AND ($6::text IS NULL OR s.protocol = $6) "
          "AND ($7::text IS NULL OR strpos(lower(concat_ws(' ', s.id, s.name, s.location, s.vendor, s.model, "
          "s.serial_number)), lower($7)) > 0) "
          "ORDER BY " +
          order + " LIMIT $4",
      first ? std::nullopt : std::optional(page.cursor), filter.online, filter.status, page.limit + 1,
      filter.site, filter.protocol, filter.text, filter.after_key);
  return page_json(rows, page);
}

std::optional<std::string> PgAdminRepository::get_station(const std::string& id) {
  auto rows = txn_.exec_params("SELECT csms_station_json(s)::text FROM stations s WHERE s.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

domain::WriteResult PgAdminRepository::create_station(const std::string& id, const std::string& fields_json) {
  auto rows = txn_.exec_params(
      "INSERT INTO stations (id, name, location, latitude, longitude, time_zone, tariff_id, "
      "max_power_w, registration, password_hash, meter_public_key, security_profile, certificate_cn, "
      "site_id) "
      "SELECT $1, f->>'name', f->>'location', "
      "(f->>'latitude')::double precision, (f->>'longitude')::double precision, "
      "coalesce(f->>'time_zone', 'UTC'), f->>'tariff_id', (f->>'max_power_w')::bigint, "
      "coalesce(f->>'registration', 'Accepted'), f->>'password_hash', f->>'meter_public_key', "
      "(f->>'security_profile')::smallint, f->>'certificate_cn', f->>'site_id' "
      "FROM (SELECT $2::jsonb AS f) x "
      "ON CONFLICT (id) DO NOTHING RETURNING id",
      id, fields_json);
  return rows.empty() ? domain::WriteResult::Conflict : domain::WriteResult::Done;
}

domain::WriteResult PgAdminRepository::patch_station(const std::string& id, const std::string& fields_json) {
  auto sql =
      "UPDATE stations SET " + assign("name", "name", "text") + ", " +
      assign("location", "location", "text") + ", " + assign("latitude", "latitude", "double precision") +
      ", " + assign("longitude", "longitude", "double precision") + ", " +
      "time_zone = coalesce(($2::jsonb->>'time_zone'), time_zone), " +
      assign("tariff_id", "tariff_id", "text") + ", " + assign("max_power_w", "max_power_w", "bigint") +
      ", " + "registration = coalesce(($2::jsonb->>'registration'), registration), " +
      assign("password_hash", "password_hash", "text") + ", " +
      assign("meter_public_key", "meter_public_key", "text") + ", " +
      assign("security_profile", "security_profile", "smallint") + ", " +
      assign("certificate_cn", "certificate_cn", "text") + ", " + assign("site_id", "site_id", "text") +
      ", " + "auto_registered = false, updated_at = now() WHERE id = $1";
  return affected(txn_.exec_params(sql, id, fields_json));
}

domain::WriteResult PgAdminRepository::delete_station(const std::string& id) {
  return affected(txn_.exec_params("DELETE FROM stations WHERE id = $1", id));
}

std::optional<domain::StationCredentials> PgAdminRepository::station_credentials(
    const std::string& id, const std::optional<std::string>& serial) {
  auto rows =
      exec_cached(txn_,
                  "SELECT password_hash, security_profile, certificate_cn, $2::text IS NOT NULL AND "
                  "EXISTS (SELECT 1 FROM station_certificates c WHERE c.serial = $2 AND c.revoked_at IS "
                  "NOT NULL) AS revoked, pending_password_hash, pending_security_profile "
                  "FROM stations WHERE id = $1",
                  id, serial);
  if (rows.empty()) return std::nullopt;
  domain::StationCredentials credentials;
  credentials.password_hash = opt<std::string>(rows[0][0]);
  credentials.security_profile = opt<int>(rows[0][1]);
  credentials.certificate_cn = opt<std::string>(rows[0][2]);
  credentials.certificate_revoked = rows[0][3].as<bool>();
  credentials.certificate_serial = serial;
  credentials.pending_password_hash = opt<std::string>(rows[0][4]);
  credentials.pending_security_profile = opt<int>(rows[0][5]);
  return credentials;
}

void PgAdminRepository::record_station_certificate(const std::string& station_id,
                                                   const domain::CertificateRecord& c,
                                                   std::optional<int> connected_profile) {
  if (connected_profile)
    exec_cached(
        txn_,
        "UPDATE stations SET connected_profile = $2 WHERE id = $1 AND connected_profile IS DISTINCT FROM $2",
        station_id, *connected_profile);
  if (c.serial.empty()) return;
  exec_cached(
      txn_,
      "INSERT INTO station_certificates (station_id, serial, subject_cn, subject_o, issuer_cn, not_before, "
      "not_after, fingerprint, pem, source, last_connected_at) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, "
      "$10, "
      "CASE WHEN $10 = 'connected' THEN now() END "
      "WHERE EXISTS (SELECT 1 FROM stations WHERE id = $1) "
      "ON CONFLICT (station_id, serial) DO UPDATE SET last_seen_at = now(), "
      "last_connected_at = CASE WHEN EXCLUDED.source = 'connected' THEN now() "
      "ELSE station_certificates.last_connected_at END, "
      "pem = coalesce(station_certificates.pem, EXCLUDED.pem), "
      "not_after = coalesce(station_certificates.not_after, EXCLUDED.not_after), "
      "subject_cn = coalesce(station_certificates.subject_cn, EXCLUDED.subject_cn)",
      station_id, c.serial, c.subject_cn, c.subject_o, c.issuer_cn, ts(c.not_before), ts(c.not_after),
      c.fingerprint, c.pem, c.source);
}

domain::WriteResult PgAdminRepository::set_pending_password(const std::string& station_id,
                                                            const std::optional<std::string>& password_hash) {
  return affected(txn_.exec_params("UPDATE stations SET pending_password_hash = $2 WHERE id = $1", station_id,
                                   password_hash));
}

domain::WriteResult PgAdminRepository::set_pending_security_profile(const std::string& station_id,
                                                                    std::optional<int> profile) {
  return affected(txn_.exec_params("UPDATE stations SET pending_security_profile = $2 WHERE id = $1",
                                   station_id, profile));
}

void PgAdminRepository::promote_pending_password(const std::string& station_id,
                                                 const std::string& password_hash) {
  // Only the hash that matched: a rotation started again meanwhile is left alone.
  txn_.exec_params(
      "UPDATE stations SET password_hash = pending_password_hash, pending_password_hash = NULL, "
      "updated_at = now() WHERE id = $1 AND pending_password_hash = $2",
      station_id, password_hash);
}

void PgAdminRepository::promote_pending_security_profile(const std::string& station_id, int profile) {
  txn_.exec_params(
      "UPDATE stations SET security_profile = pending_security_profile, pending_security_profile = NULL, "
      "updated_at = now() WHERE id = $1 AND pending_security_profile = $2",
      station_id, profile);
}

std::optional<std::string> PgAdminRepository::list_station_certificates(const std::string& station_id) {
  if (!station_exists(station_id)) return std::nullopt;
  auto row = txn_.exec_params1(
      "SELECT coalesce(jsonb_agg(csms_certificate_json(c) ORDER BY c.first_seen_at DESC, c.serial), "
      "'[]')::text "
      "FROM (SELECT * FROM station_certificates WHERE station_id = $1 ORDER BY first_seen_at DESC LIMIT 500) "
      "c",
      station_id);
  return "{\"items\":" + row[0].as<std::string>() + "}";
}

domain::WriteResult PgAdminRepository::revoke_station_certificate(const std::string& station_id,
                                                                  const std::string& serial,
                                                                  const std::string& reason) {
  if (!station_exists(station_id)) return domain::WriteResult::NotFound;
  txn_.exec_params(
      "INSERT INTO station_certificates (station_id, serial, source, revoked_at, revoked_reason) "
      "VALUES ($1, $2, 'revoked', now(), $3) ON CONFLICT (station_id, serial) DO UPDATE SET "
      "revoked_at = coalesce(station_certificates.revoked_at, now()), revoked_reason = "
      "EXCLUDED.revoked_reason",
      station_id, serial, reason);
  return domain::WriteResult::Done;
}

bool PgAdminRepository::station_exists(const std::string& id) {
  return !txn_.exec_params("SELECT 1 FROM stations WHERE id = $1", id).empty();
}

std::string PgAdminRepository::list_station_reports(const std::string& station_id,
                                                    const std::optional<std::string>& kind,
                                                    const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT jsonb_build_object('id', r.id, 'station_id', r.station_id, 'kind', r.kind, "
      "'reported_at', csms_ts(r.reported_at), 'received_at', csms_ts(r.received_at), "
      "'message_id', r.message_id, 'flags', to_jsonb(r.flags), 'payload', r.payload)::text AS doc, "
      "r.id AS cursor FROM station_reports r WHERE r.station_id = $1 AND ($2::text IS NULL OR r.kind = $2) "
      "AND ($3::bigint IS NULL OR r.id < $3) ORDER BY r.id DESC LIMIT $4",
      station_id, kind, numeric_cursor(page), page.limit + 1);
  return page_json(rows, page);
}

std::string PgAdminRepository::list_status_history(const std::string& station_id,
                                                   std::optional<domain::Timestamp> from,
                                                   std::optional<domain::Timestamp> to,
                                                   const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT jsonb_build_object('id', h.id, 'evse_id', h.evse_id, 'connector_id', h.connector_id, "
      "'status', h.status, 'error_code', h.error_code, 'info', h.info, 'vendor_id', h.vendor_id, "
      "'vendor_error_code', h.vendor_error_code, 'status_at', csms_ts(h.status_at), "
      "'received_at', csms_ts(h.received_at), 'flags', to_jsonb(h.flags))::text AS doc, h.id AS cursor "
      "FROM status_history h WHERE h.station_id = $1 AND ($2::timestamptz IS NULL OR h.status_at >= $2) "
      "AND ($3::timestamptz IS NULL OR h.status_at < $3) AND ($4::bigint IS NULL OR h.id < $4) "
      "ORDER BY h.id DESC LIMIT $5",
      station_id, ts(from), ts(to), numeric_cursor(page), page.limit + 1);
  return page_json(rows, page);
}

std::string PgAdminRepository::list_id_tokens(const std::optional<std::string>& customer,
                                              const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT csms_id_token_json(t)::text AS doc, t.token AS cursor FROM id_tokens t "
      "WHERE ($1::text IS NULL OR t.token > $1) AND ($2::text IS NULL OR t.customer_id = $2) "
      "ORDER BY t.token LIMIT $3",
      page.cursor.empty() ? std::nullopt : std::optional(page.cursor), customer, page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::string> PgAdminRepository::get_id_token(const std::string& token) {
  auto rows =
      txn_.exec_params("SELECT csms_id_token_json(t)::text FROM id_tokens t WHERE t.token = $1", token);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

domain::WriteResult PgAdminRepository::create_id_token(const std::string& token,
                                                       const std::string& fields_json) {
  auto rows = txn_.exec_params(
      "INSERT INTO id_tokens (token, status, expires_at, group_token, customer_id, max_concurrent_sessions, "
      "charging_priority) "
      "SELECT $1, coalesce(f->>'status', 'Accepted'), (f->>'expires_at')::timestamptz, "
      "f->>'group', f->>'customer_id', "
      "CASE WHEN f ? 'max_concurrent_sessions' THEN (f->>'max_concurrent_sessions')::integer ELSE 1 END, "
      "(f->>'charging_priority')::integer "
      "FROM (SELECT $2::jsonb AS f) x "
      // OCPP's IdToken is case-insensitive: one that differs only in case is the same token.
      "WHERE NOT EXISTS (SELECT 1 FROM id_tokens WHERE lower(token) = lower($1)) "
      "ON CONFLICT (token) DO NOTHING RETURNING token",
      token, fields_json);
  return rows.empty() ? domain::WriteResult::Conflict : domain::WriteResult::Done;
}

domain::WriteResult PgAdminRepository::patch_id_token(const std::string& token,
                                                      const std::string& fields_json) {
  auto sql = "UPDATE id_tokens SET status = coalesce(($2::jsonb->>'status'), status), " +
             assign("expires_at", "expires_at", "timestamptz") + ", " +
             assign("group_token", "group", "text") + ", " + assign("customer_id", "customer_id", "text") +
             ", " + assign("max_concurrent_sessions", "max_concurrent_sessions", "integer") + ", " +
             assign("charging_priority", "charging_priority", "integer") +
             ", updated_at = now() WHERE token = $1";
  return affected(txn_.exec_params(sql, token, fields_json));
}

domain::WriteResult PgAdminRepository::delete_id_token(const std::string& token) {
  return affected(txn_.exec_params("DELETE FROM id_tokens WHERE token = $1", token));
}

std::string PgAdminRepository::list_transactions(const domain::TransactionFilter& filter,
                                                 const domain::Page& page) {
  auto cursor = numeric_cursor(page);
  auto rows = txn_.exec_params(
      "SELECT csms_transaction_json(t, false)::text AS doc, t.id AS cursor FROM transactions t "
      "WHERE ($1::bigint IS NULL OR t.id < $1) AND ($2::text IS NULL OR t.station_id = $2) "
      "AND ($3::text IS NULL OR t.id_token = $3) "
      "AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM id_tokens i WHERE i.token = t.id_token "
      "AND i.customer_id = $4)) "
      "AND ($5::boolean IS NULL OR (t.stopped_at IS NULL) = $5) "
      "AND ($6::timestamptz IS NULL OR coalesce(t.started_at, t.stopped_at) >= $6) "
      "AND ($7::timestamptz IS NULL OR coalesce(t.started_at, t.stopped_at) < $7) "
      "AND ($9::text IS NULL OR csms_pricing_status(t) = $9) "
      "ORDER BY t.id DESC LIMIT $8",
      cursor, filter.station, filter.id_token, filter.customer, filter.open, ts(filter.from), ts(filter.to),
      page.limit + 1, filter.pricing_status);
  return page_json(rows, page);
}

std::string PgAdminRepository::list_variables(const std::string& station_id,
                                              const std::optional<std::string>& component,
                                              const std::optional<std::string>& variable,
                                              const domain::Page& page) {
  auto cursor = numeric_cursor(page);
  auto rows = txn_.exec_params(
      "SELECT csms_variable_json(v)::text AS doc, v.id AS cursor FROM station_variables v "
      "WHERE v.station_id = $1 AND ($2::bigint IS NULL OR v.id > $2) AND ($3::text IS NULL OR v.component = "
      "$3) "
      "AND ($4::text IS NULL OR v.variable = $4) ORDER BY v.id LIMIT $5",
      station_id, cursor, component, variable, page.limit + 1);
  return page_json(rows, page);
}

void PgAdminRepository::record_variables(const std::string& station_id,
                                         const domain::VariableReport& report) {
  upsert_variables(txn_, station_id, report, std::nullopt);
}

std::optional<domain::LocalListState> PgAdminRepository::local_list_state(const std::string& station_id) {
  auto rows = txn_.exec_params(
      "SELECT coalesce(s.protocol, '') AS protocol, l.group_token, coalesce(l.version, 0) AS version, "
      "coalesce(l.entries, '{}'::jsonb)::text AS entries "
      "FROM stations s LEFT JOIN station_local_lists l ON l.station_id = s.id WHERE s.id = $1",
      station_id);
  if (rows.empty()) return std::nullopt;
  domain::LocalListState state;
  state.protocol = rows[0]["protocol"].as<std::string>();
  state.group = opt<std::string>(rows[0]["group_token"]);
  state.version = rows[0]["version"].as<int>();
  state.entries_json = rows[0]["entries"].as<std::string>();
  return state;
}

std::string PgAdminRepository::local_list_entries(const std::optional<std::string>& group, int limit) {
  auto rows = txn_.exec_params(
      "SELECT coalesce(jsonb_object_agg(t.token, jsonb_build_object('status', t.status, "
      "'expires_at', csms_ts(t.expires_at), 'group', t.group_token)), '{}'::jsonb)::text "
      "FROM (SELECT * FROM id_tokens WHERE $1::text IS NULL OR group_token = $1 OR token = $1 "
      "ORDER BY token LIMIT $2) t",
      group, limit);
  return rows[0][0].as<std::string>();
}

void PgAdminRepository::store_local_list(const std::string& station_id,
                                         const std::optional<std::string>& group, int version,
                                         const std::string& entries_json) {
  txn_.exec_params(
      "INSERT INTO station_local_lists (station_id, group_token, version, entries) VALUES ($1, $2, $3, "
      "$4::jsonb) "
      "ON CONFLICT (station_id) DO UPDATE SET group_token = EXCLUDED.group_token, version = "
      "EXCLUDED.version, "
      "entries = EXCLUDED.entries, confirmed_at = now()",
      station_id, group, version, entries_json);
}

std::optional<int> PgAdminRepository::create_reservation(const std::string& fields_json) {
  auto rows = txn_.exec_params(
      "INSERT INTO reservations (station_id, evse_id, id_token, group_id_token, expires_at) "
      "SELECT f->>'station_id', coalesce((f->>'evse_id')::integer, 0), f->>'id_token', f->>'group_id_token', "
      "(f->>'expires_at')::timestamptz FROM (SELECT $1::jsonb AS f) x "
      "WHERE EXISTS (SELECT 1 FROM stations WHERE id = f->>'station_id') RETURNING id",
      fields_json);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<int>();
}

void PgAdminRepository::set_reservation_state(int id, const std::string& state,
                                              const std::optional<std::string>& station_status) {
  txn_.exec_params(
      "UPDATE reservations SET state = $2, station_status = coalesce($3, station_status), updated_at = now() "
      "WHERE id = $1",
      id, state, station_status);
}

std::optional<std::string> PgAdminRepository::get_reservation(int id) {
  auto rows =
      txn_.exec_params("SELECT csms_reservation_json(r)::text FROM reservations r WHERE r.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::string PgAdminRepository::list_reservations(const domain::ReservationFilter& filter,
                                                 const domain::Page& page) {
  auto cursor = numeric_cursor(page);
  auto rows = txn_.exec_params(
      "SELECT csms_reservation_json(r)::text AS doc, r.id AS cursor FROM reservations r "
      "WHERE ($1::bigint IS NULL OR r.id < $1) AND ($2::text IS NULL OR r.station_id = $2) "
      "AND ($3::text IS NULL OR csms_reservation_state(r) = $3) ORDER BY r.id DESC LIMIT $4",
      cursor, filter.station, filter.state, page.limit + 1);
  return page_json(rows, page);
}

void PgAdminRepository::append_audit(const domain::AuditRecord& record) {
  txn_.exec_params(
      "INSERT INTO audit_log (at, actor, role, method, path, target, action, body, status, detail) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)",
      ts(record.at), record.actor, record.role, record.method, record.path, record.target, record.action,
      record.body_json, record.status, record.detail);
}

std::string PgAdminRepository::list_audit(const domain::AuditFilter& filter, const domain::Page& page) {
  auto cursor = numeric_cursor(page);
  std::optional<std::string> prefix;
  std::optional<std::string> exact;
  if (filter.target && filter.target->ends_with("/"))
    prefix = *filter.target;
  else
    exact = filter.target;
  auto rows = txn_.exec_params(
      "SELECT csms_audit_json(a)::text AS doc, a.id AS cursor FROM audit_log a "
      "WHERE ($1::bigint IS NULL OR a.id < $1) AND ($2::text IS NULL OR a.actor = $2) "
      "AND ($3::text IS NULL OR a.target = $3) "
      "AND ($4::text IS NULL OR left(a.target, length($4)) = $4) "
      "AND ($5::text IS NULL OR a.method = $5) AND ($6::integer IS NULL OR a.status = $6) "
      "AND ($7::timestamptz IS NULL OR a.at >= $7) AND ($8::timestamptz IS NULL OR a.at < $8) "
      "ORDER BY a.id DESC LIMIT $9",
      cursor, filter.actor, exact, prefix, filter.method, filter.status, ts(filter.from), ts(filter.to),
      page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::string> PgAdminRepository::get_transaction(std::int64_t id) {
  auto rows =
      txn_.exec_params("SELECT csms_transaction_json(t, true)::text FROM transactions t WHERE t.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::optional<std::string> PgAdminRepository::ocpp_transaction_id(const std::string& station_id,
                                                                  const std::string& id_or_ocpp_id) {
  auto rows = txn_.exec_params(
      "SELECT ocpp_transaction_id FROM transactions WHERE station_id = $1 AND "
      "(ocpp_transaction_id = $2 OR id::text = $2) ORDER BY (ocpp_transaction_id = $2) DESC LIMIT 1",
      station_id, id_or_ocpp_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::optional<std::string> PgAdminRepository::list_meter_samples(std::int64_t transaction_id,
                                                                 const domain::Page& page,
                                                                 std::optional<domain::Timestamp> from) {
  if (txn_.exec_params("SELECT 1 FROM transactions WHERE id = $1", transaction_id).empty())
    return std::nullopt;
  // Keyset on (time, measurand, phase, location, context): see csms_meter_sample_cursor.
  auto rows = txn_.exec_params(
      "SELECT csms_meter_sample_json(m)::text AS doc, csms_meter_sample_cursor(m) AS cursor "
      "FROM meter_samples m WHERE m.transaction_id = $1 AND ($2::text IS NULL OR "
      "(m.sampled_at, m.measurand, m.phase, m.location, m.context) > "
      "(timestamptz 'epoch' + split_part($2, '~', 1)::bigint * interval '1 microsecond', split_part($2, '~', "
      "2), "
      "split_part($2, '~', 3), split_part($2, '~', 4), split_part($2, '~', 5))) "
      "AND ($4::timestamptz IS NULL OR m.sampled_at >= $4) "
      "ORDER BY m.sampled_at, m.measurand, m.phase, m.location, m.context LIMIT $3",
      transaction_id, page.cursor.empty() ? std::nullopt : std::optional(page.cursor), page.limit + 1,
      from ? std::optional(domain::format_timestamp(*from)) : std::nullopt);
  return page_json(rows, page);
}

bool PgAdminRepository::ping() {
  txn_.exec("SELECT 1");
  return true;
}

std::vector<std::int64_t> PgAdminRepository::reserve_transaction_ids(int n) {
  std::vector<std::int64_t> ids;
  for (const auto& row :
       txn_.exec_params("SELECT nextval('transactions_id_seq') FROM generate_series(1, $1)", n))
    ids.push_back(row[0].as<std::int64_t>());
  return ids;
}

}  // namespace csms::store

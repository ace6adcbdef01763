#include <nlohmann/json.hpp>

#include "repositories.hpp"

namespace csms::store {
namespace {

domain::AlertChange change_from(const pqxx::row& row, std::string event) {
  return domain::AlertChange{row["id"].as<std::int64_t>(), std::move(event), row["doc"].as<std::string>()};
}

// Active alerts as the fault service restores them.
constexpr const char* kActiveAlertsSql =
    "SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'rule', rule, 'station_id', station_id, "
    "'evse_id', evse_id, 'connector_id', connector_id, 'severity', severity, "
    "'opened_ms', csms_ms(opened_at), 'actions', actions)), '[]')::text FROM alerts WHERE state <> "
    "'resolved'";

}  // namespace

domain::AlertChange PgFaultRepository::open_alert(const std::string& rule, const std::string& station_id,
                                                  int evse_id, int connector_id, const std::string& severity,
                                                  domain::Timestamp at, const std::string& details_json) {
  // The partial unique index allows one active alert per key; a repeat counts and keeps
  // the highest severity seen.
  auto row = txn_.exec_params1(
      "WITH previous AS (SELECT severity FROM alerts WHERE rule = $1 AND station_id = $2 AND evse_id = $3 "
      "  AND connector_id = $4 AND state <> 'resolved'), "
      "upserted AS (INSERT INTO alerts (rule, station_id, evse_id, connector_id, severity, opened_at, "
      "  last_seen_at, details) VALUES ($1, $2, $3, $4, $5, $6, $6, $7::jsonb) "
      "  ON CONFLICT (rule, station_id, evse_id, connector_id) WHERE state <> 'resolved' DO UPDATE SET "
      "  occurrences = alerts.occurrences + 1, last_seen_at = EXCLUDED.last_seen_at, "
      "  details = alerts.details || EXCLUDED.details, "
      "  severity = CASE WHEN EXCLUDED.severity = 'critical' OR alerts.severity = 'critical' THEN 'critical' "
      "    WHEN EXCLUDED.severity = 'warning' OR alerts.severity = 'warning' THEN 'warning' ELSE 'info' END "
      "  RETURNING *) "
      "SELECT u.id, csms_alert_json(u)::text AS doc, (SELECT severity FROM previous) AS previous_severity, "
      "u.severity FROM upserted u",
      rule, station_id, evse_id, connector_id, severity, ts(at), details_json);
  auto previous = opt<std::string>(row["previous_severity"]);
  std::string event = !previous                                        ? "opened"
                      : *previous != row["severity"].as<std::string>() ? "escalated"
                                                                       : "repeated";
  return change_from(row, event);
}

std::optional<domain::AlertChange> PgFaultRepository::clear_alert(const std::string& rule,
                                                                  const std::string& station_id, int evse_id,
                                                                  int connector_id, domain::Timestamp at,
                                                                  const std::string& details_json) {
  auto rows = txn_.exec_params(
      "WITH resolved AS (UPDATE alerts SET state = 'resolved', resolved_at = $5, resolved_by = 'system', "
      "details = details || jsonb_build_object('cleared', $6::jsonb) "
      "WHERE rule = $1 AND station_id = $2 AND evse_id = $3 AND connector_id = $4 AND state <> 'resolved' "
      "RETURNING *) SELECT r.id, csms_alert_json(r)::text AS doc FROM resolved r",
      rule, station_id, evse_id, connector_id, ts(at), details_json);
  if (rows.empty()) return std::nullopt;
  return change_from(rows[0], "resolved");
}

std::pair<domain::WriteResult, std::optional<domain::AlertChange>> PgFaultRepository::acknowledge_alert(
    std::int64_t id, const std::string& by, domain::Timestamp at) {
  auto rows = txn_.exec_params(
      "WITH acked AS (UPDATE alerts SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3 "
      "WHERE id = $1 AND state = 'open' RETURNING *) SELECT a.id, csms_alert_json(a)::text AS doc FROM acked "
      "a",
      id, ts(at), by);
  if (!rows.empty()) return {domain::WriteResult::Done, change_from(rows[0], "acknowledged")};
  bool exists = !txn_.exec_params("SELECT 1 FROM alerts WHERE id = $1", id).empty();
  return {exists ? domain::WriteResult::Conflict : domain::WriteResult::NotFound, std::nullopt};
}

std::pair<domain::WriteResult, std::optional<domain::AlertChange>> PgFaultRepository::resolve_alert(
    std::int64_t id, const std::string& by, const std::string& note, domain::Timestamp at) {
  auto rows = txn_.exec_params(
      "WITH resolved AS (UPDATE alerts SET state = 'resolved', resolved_at = $2, resolved_by = $3, "
      "resolution_note = $4 WHERE id = $1 AND state <> 'resolved' RETURNING *) "
      "SELECT r.id, csms_alert_json(r)::text AS doc FROM resolved r",
      id, ts(at), by, note);
  if (!rows.empty()) return {domain::WriteResult::Done, change_from(rows[0], "resolved")};
  bool exists = !txn_.exec_params("SELECT 1 FROM alerts WHERE id = $1", id).empty();
  return {exists ? domain::WriteResult::Conflict : domain::WriteResult::NotFound, std::nullopt};
}

void PgFaultRepository::record_alert_action(std::int64_t id, const std::string& action_json) {
  txn_.exec_params("UPDATE alerts SET actions = actions || jsonb_build_array($2::jsonb) WHERE id = $1", id,
                   action_json);
}

std::string PgFaultRepository::list_alerts(const domain::AlertFilter& filter, const domain::Page& page) {
  std::optional<long long> cursor;
  if (!page.cursor.empty()) cursor = std::stoll(page.cursor);
  auto rows = txn_.exec_params(
      "SELECT csms_alert_json(a)::text AS doc, a.id AS cursor FROM alerts a "
      "WHERE ($1::bigint IS NULL OR a.id < $1) AND ($2::text IS NULL OR a.state = $2) "
      "AND ($3::text IS NULL OR a.severity = $3) AND ($4::text IS NULL OR a.station_id = $4) "
      "AND ($5::text IS NULL OR a.rule = $5) AND ($6::timestamptz IS NULL OR a.opened_at >= $6) "
      "AND ($7::timestamptz IS NULL OR a.opened_at < $7) ORDER BY a.id DESC LIMIT $8",
      cursor, filter.state, filter.severity, filter.station, filter.rule, ts(filter.from), ts(filter.to),
      page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::string> PgFaultRepository::get_alert(std::int64_t id) {
  auto rows = txn_.exec_params("SELECT csms_alert_json(a)::text FROM alerts a WHERE a.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::string PgFaultRepository::active_alerts() { return txn_.exec1(kActiveAlertsSql)[0].as<std::string>(); }

std::string PgFaultRepository::active_alerts_of(const std::vector<std::string>& station_ids) {
  return txn_
      .exec_params1(std::string(kActiveAlertsSql) + " AND station_id = ANY ($1::text[])",
                    text_array(station_ids))[0]
      .as<std::string>();
}

std::string PgFaultRepository::rule_settings() {
  auto row = txn_.exec1("SELECT coalesce(jsonb_object_agg(name, settings), '{}')::text FROM fault_rules");
  return row[0].as<std::string>();
}

void PgFaultRepository::save_rule_settings(const std::string& name, const std::string& settings_json) {
  txn_.exec_params(
      "INSERT INTO fault_rules (name, settings) VALUES ($1, $2::jsonb) "
      "ON CONFLICT (name) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()",
      name, settings_json);
}

std::vector<domain::StationLiveness> PgFaultRepository::station_liveness() {
  std::vector<domain::StationLiveness> out;
  for (const auto& row :
       txn_.exec("SELECT id, online, csms_ms(last_seen_at) AS seen_ms, max_power_w, node_id FROM stations")) {
    domain::StationLiveness station;
    station.station_id = row["id"].as<std::string>();
    station.online = row["online"].as<bool>();
    station.last_seen_at = ms(row["seen_ms"]);
    station.max_power_w = opt<double>(row["max_power_w"]);
    station.node_id = opt<std::string>(row["node_id"]);
    out.push_back(std::move(station));
  }
  return out;
}

bool PgFaultRepository::has_open_transaction_on(const std::string& station_id, int evse_id) {
  return !txn_.exec_params(
                  "SELECT 1 FROM transactions WHERE station_id = $1 AND evse_id = $2 AND stopped_at IS NULL "
                  "LIMIT 1",
                  station_id, evse_id)
              .empty();
}

void PgFaultRepository::enqueue_webhook(const std::string& url, const std::string& body) {
  txn_.exec_params("INSERT INTO webhook_outbox (url, body) VALUES ($1, $2)", url, body);
}

std::vector<domain::FaultRepository::Delivery> PgFaultRepository::due_webhooks(domain::Timestamp now,
                                                                               int limit) {
  std::vector<Delivery> out;
  for (const auto& row : txn_.exec_params("SELECT id, url, body, attempts FROM webhook_outbox WHERE "
                                          "delivered_at IS NULL AND next_attempt_at <= $1 "
                                          "ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED",
                                          ts(now), limit))
    out.push_back(Delivery{row["id"].as<std::int64_t>(), row["url"].as<std::string>(),
                           row["body"].as<std::string>(), row["attempts"].as<int>()});
  return out;
}

void PgFaultRepository::webhook_delivered(std::int64_t id, domain::Timestamp at) {
  txn_.exec_params("UPDATE webhook_outbox SET delivered_at = $2, attempts = attempts + 1 WHERE id = $1", id,
                   ts(at));
}

void PgFaultRepository::webhook_failed(std::int64_t id, const std::string& error,
                                       domain::Timestamp next_attempt) {
  txn_.exec_params(
      "UPDATE webhook_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = "
      "$1",
      id, error, ts(next_attempt));
}

std::vector<domain::CertificateExpiry> PgFaultRepository::certificate_expiries() {
  std::vector<domain::CertificateExpiry> out;
  for (const auto& row :
       txn_.exec("SELECT station_id, serial, csms_ms(not_after) FROM (SELECT DISTINCT ON (station_id) * FROM "
                 "station_certificates WHERE last_connected_at IS NOT NULL ORDER BY station_id, "
                 "last_connected_at DESC) "
                 "latest WHERE revoked_at IS NULL AND not_after IS NOT NULL"))
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), *ms(row[2])});
  return out;
}

}  // namespace csms::store

// Sites and the load manager's state (migrations/0034_sites.sql).

#include "repositories.hpp"

#include "pg.hpp"

namespace csms::store {
namespace {

std::string assign(const std::string& column, const std::string& type) {
  return column + " = CASE WHEN $2::jsonb ? '" + column + "' THEN ($2::jsonb->>'" + column + "')::" + type +
         " ELSE " + column + " END";
}

// The open sessions of the sites with load management, with what the load manager knows of
// each: the latest sample of the last two minutes, the EV's needs, the station's fallback,
// what was sent.
constexpr const char* kSessions = R"sql(
SELECT t.id, s.site_id, s.id, coalesce(s.protocol, t.protocol), t.ocpp_transaction_id, coalesce(t.evse_id, 1),
       s.online, csms_ms(coalesce(t.started_at, t.created_at)), s.max_power_w,
       coalesce(tok.priority, 0),
       coalesce(t.charging_state, '') = 'SuspendedEV' OR EXISTS (
         SELECT 1 FROM connectors c WHERE c.station_id = s.id AND c.evse_id = t.evse_id
         AND c.status = 'SuspendedEV'),
       ms.current_a, coalesce(ms.live_phases, 0), coalesce(ms.first_phase, 1), ms.power_w,
       needs.energy_wh - coalesce(needs.delivered_wh, 0), csms_ms(needs.departure), needs.max_a, needs.min_a,
       CASE WHEN f.state = 'accepted' THEN f.limit_a END,
       a.transaction_id IS NOT NULL, coalesce(a.phases, 3), coalesce(a.phase, 1), a.target_a, a.in_force_a,
       csms_ms(a.in_force_at), a.released_a, a.pending_a, a.unconfirmed_a, csms_ms(ms.sampled_at),
       coalesce(a.failures, 0), csms_ms(a.failed_at), coalesce(a.resend, false), ext.max_a
FROM transactions t
JOIN stations s ON s.id = t.station_id
JOIN sites si ON si.id = s.site_id AND si.load_management
LEFT JOIN LATERAL (SELECT max(k.charging_priority) AS priority FROM id_tokens k
                   WHERE lower(k.token) = lower(t.id_token)) tok ON true
LEFT JOIN load_allocations a ON a.transaction_id = t.id
LEFT JOIN station_fallbacks f ON f.station_id = s.id
LEFT JOIN LATERAL (
  -- The station's external limits (NotifyChargingLimit): the lowest of their periods.
  SELECT min(CASE WHEN cp.profile #>> '{schedule,charging_rate_unit}' = 'W'
                  THEN (per->>'limit')::double precision / (si.voltage_v * 3)
                  ELSE (per->>'limit')::double precision END) AS max_a
  FROM charging_profiles cp, jsonb_array_elements(cp.profile #> '{schedule,periods}') per
  WHERE cp.station_id = s.id AND cp.source = 'station' AND cp.state = 'installed'
    AND cp.evse_id IN (0, t.evse_id)
) ext ON true
LEFT JOIN LATERAL (
  SELECT max(m.canonical_value) FILTER (WHERE m.measurand = 'Current.Import') AS current_a,
         count(DISTINCT left(m.phase, 2)) FILTER (WHERE m.measurand = 'Current.Import'
           AND left(m.phase, 2) IN ('L1', 'L2', 'L3') AND m.canonical_value > 1) AS live_phases,
         substr(min(left(m.phase, 2)) FILTER (WHERE m.measurand = 'Current.Import'
           AND left(m.phase, 2) IN ('L1', 'L2', 'L3') AND m.canonical_value > 1), 2)::integer AS first_phase,
         sum(m.canonical_value) FILTER (WHERE m.measurand = 'Power.Active.Import' AND m.phase = '') AS power_w,
         max(m.sampled_at) AS sampled_at
  FROM meter_samples m
  WHERE m.transaction_id = t.id AND m.sampled_at = (
    SELECT max(x.sampled_at) FROM meter_samples x
    WHERE x.transaction_id = t.id AND x.sampled_at > now() - interval '2 minutes'
      AND x.measurand IN ('Current.Import', 'Power.Active.Import'))
) ms ON true
LEFT JOIN LATERAL (
  SELECT coalesce(r.payload #>> '{chargingNeeds,acChargingParameters,energyAmount}',
                  r.payload #>> '{chargingNeeds,dcChargingParameters,energyAmount}')::double precision AS energy_wh,
         (r.payload #>> '{chargingNeeds,departureTime}')::timestamptz AS departure,
         (r.payload #>> '{chargingNeeds,acChargingParameters,evMaxCurrent}')::double precision AS max_a,
         (r.payload #>> '{chargingNeeds,acChargingParameters,evMinCurrent}')::double precision AS min_a,
         (SELECT max(e.canonical_value) - min(e.canonical_value) FROM meter_samples e
          WHERE e.transaction_id = t.id AND e.measurand = 'Energy.Active.Import.Register'
            AND e.sampled_at >= r.received_at - interval '1 minute') AS delivered_wh
  FROM station_reports r
  WHERE r.station_id = s.id AND r.kind = 'NotifyEVChargingNeeds' AND r.payload->>'evseId' = t.evse_id::text
    AND r.received_at >= coalesce(t.started_at, t.created_at) - interval '5 minutes'
  ORDER BY r.received_at DESC LIMIT 1
) needs ON true
WHERE t.stopped_at IS NULL AND ($1::text IS NULL OR s.site_id = $1)
ORDER BY s.site_id, t.id)sql";

}  // namespace

std::string PgSmartChargingRepository::list_sites(const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT csms_site_json(s)::text AS doc, s.id AS cursor FROM sites s "
      "WHERE ($1::text IS NULL OR s.id > $1) ORDER BY s.id LIMIT $2",
      page.cursor.empty() ? std::nullopt : std::optional(page.cursor), page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::string> PgSmartChargingRepository::get_site(const std::string& id) {
  auto rows = txn_.exec_params("SELECT csms_site_json(s)::text FROM sites s WHERE s.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

bool PgSmartChargingRepository::site_exists(const std::string& id) {
  return !txn_.exec_params("SELECT 1 FROM sites WHERE id = $1", id).empty();
}

std::vector<std::string> PgSmartChargingRepository::site_stations(const std::vector<std::string>& sites) {
  std::vector<std::string> out;
  for (const auto& row :
       txn_.exec_params("SELECT s.id FROM stations s WHERE csms_site_of(s) = ANY($1::text[]) ORDER BY s.id",
                        text_array(sites)))
    out.push_back(row[0].as<std::string>());
  return out;
}

domain::WriteResult PgSmartChargingRepository::create_site(const std::string& id,
                                                           const std::string& fields_json) {
  auto rows = txn_.exec_params(
      "INSERT INTO sites (id, name, time_zone, limit_a, limit_w, phases, voltage_v, min_current_a, "
      "fallback_current_a, strategy, schedule, load_management) "
      "SELECT $1, f->>'name', coalesce(f->>'time_zone', 'UTC'), (f->>'limit_a')::double precision, "
      "(f->>'limit_w')::double precision, coalesce((f->>'phases')::integer, 3), "
      "coalesce((f->>'voltage_v')::double precision, 230), coalesce((f->>'min_current_a')::double precision, "
      "6), "
      "coalesce((f->>'fallback_current_a')::double precision, 0), coalesce(f->>'strategy', 'equal_share'), "
      "coalesce(f->'schedule', '[]'), coalesce((f->>'load_management')::boolean, true) "
      "FROM (SELECT $2::jsonb AS f) x ON CONFLICT (id) DO NOTHING RETURNING id",
      id, fields_json);
  return rows.empty() ? domain::WriteResult::Conflict : domain::WriteResult::Done;
}

domain::WriteResult PgSmartChargingRepository::patch_site(const std::string& id,
                                                          const std::string& fields_json) {
  // limit_a and limit_w replace each other: giving one clears the other.
  auto sql = "UPDATE sites SET " + assign("name", "text") + ", " +
             "time_zone = coalesce($2::jsonb->>'time_zone', time_zone), " +
             "limit_a = CASE WHEN $2::jsonb ? 'limit_a' THEN ($2::jsonb->>'limit_a')::double precision "
             "WHEN $2::jsonb ? 'limit_w' THEN NULL ELSE limit_a END, "
             "limit_w = CASE WHEN $2::jsonb ? 'limit_w' THEN ($2::jsonb->>'limit_w')::double precision "
             "WHEN $2::jsonb ? 'limit_a' THEN NULL ELSE limit_w END, " +
             "phases = coalesce(($2::jsonb->>'phases')::integer, phases), " +
             "voltage_v = coalesce(($2::jsonb->>'voltage_v')::double precision, voltage_v), " +
             "min_current_a = coalesce(($2::jsonb->>'min_current_a')::double precision, min_current_a), " +
             "fallback_current_a = coalesce(($2::jsonb->>'fallback_current_a')::double precision, "
             "fallback_current_a), " +
             "strategy = coalesce($2::jsonb->>'strategy', strategy), " +
             "schedule = coalesce($2::jsonb->'schedule', schedule), " +
             "load_management = coalesce(($2::jsonb->>'load_management')::boolean, load_management), " +
             "updated_at = now() WHERE id = $1";
  return txn_.exec_params(sql, id, fields_json).affected_rows() > 0 ? domain::WriteResult::Done
                                                                    : domain::WriteResult::NotFound;
}

domain::WriteResult PgSmartChargingRepository::delete_site(const std::string& id) {
  if (txn_.exec_params("SELECT 1 FROM sites WHERE id = $1 FOR UPDATE", id).empty())
    return domain::WriteResult::NotFound;
  if (!txn_.exec_params("SELECT 1 FROM stations WHERE site_id = $1 LIMIT 1", id).empty())
    return domain::WriteResult::Conflict;
  txn_.exec_params("DELETE FROM sites WHERE id = $1", id);
  return domain::WriteResult::Done;
}

domain::LoadSnapshot PgSmartChargingRepository::load_snapshot(const std::optional<std::string>& site,
                                                              bool claim) {
  domain::LoadSnapshot snapshot;
  if (claim) {
    snapshot.claimed =
        txn_.exec("SELECT pg_try_advisory_xact_lock(hashtext('csms_load_manager'))")[0][0].as<bool>();
    if (!snapshot.claimed) return snapshot;
    // Sessions that ended, or whose station left the site, are no longer managed.
    txn_.exec(
        "DELETE FROM load_allocations a USING transactions t, stations s WHERE t.id = a.transaction_id "
        "AND s.id = t.station_id AND (t.stopped_at IS NOT NULL OR s.site_id IS DISTINCT FROM a.site_id)");
    // No answer in 90 s: the station may have taken it or not; the higher counts.
    txn_.exec(
        "UPDATE load_allocations SET unconfirmed_a = greatest(unconfirmed_a, pending_a), pending_a = NULL, "
        "pending_at = NULL, status = 'unanswered', failures = failures + 1, failed_at = now(), "
        "updated_at = now() WHERE pending_at < now() - interval '90 seconds'");
  }
  for (const auto& row : txn_.exec_params(
           "SELECT si.id, si.time_zone, si.limit_a, si.limit_w, si.phases, si.voltage_v, si.min_current_a, "
           "si.fallback_current_a, si.strategy, si.schedule::text, "
           "(SELECT count(*) FROM (SELECT DISTINCT c.station_id, c.evse_id FROM connectors c "
           "JOIN stations st ON st.id = c.station_id WHERE st.site_id = si.id AND c.evse_id > 0 "
           "AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.station_id = c.station_id "
           "AND t.evse_id = c.evse_id AND t.stopped_at IS NULL)) e)::integer "
           "FROM sites si WHERE si.load_management AND ($1::text IS NULL OR si.id = $1) ORDER BY si.id",
           site)) {
    domain::LoadSiteRow s;
    s.id = row[0].as<std::string>();
    s.time_zone = row[1].as<std::string>();
    s.limit_a = opt<double>(row[2]);
    s.limit_w = opt<double>(row[3]);
    s.phases = row[4].as<int>();
    s.voltage_v = row[5].as<double>();
    s.min_current_a = row[6].as<double>();
    s.fallback_current_a = row[7].as<double>();
    s.strategy = row[8].as<std::string>();
    s.schedule_json = row[9].as<std::string>();
    s.idle_evses = row[10].as<int>();
    snapshot.sites.push_back(std::move(s));
  }
  for (const auto& row : txn_.exec_params(kSessions, site)) {
    domain::LoadSessionRow s;
    int i = 0;
    s.transaction_id = row[i++].as<std::int64_t>();
    s.site_id = row[i++].as<std::string>();
    s.station_id = row[i++].as<std::string>();
    s.protocol = row[i++].as<std::string>();
    s.ocpp_transaction_id = row[i++].as<std::string>();
    s.evse_id = row[i++].as<int>();
    s.online = row[i++].as<bool>();
    s.started_at = ms(row[i++]).value_or(domain::Timestamp{});
    s.station_max_power_w = opt<std::int64_t>(row[i++]);
    s.priority = row[i++].as<int>();
    s.suspended_ev = row[i++].as<bool>();
    s.measured_a = opt<double>(row[i++]);
    s.live_phases = row[i++].as<int>();
    s.first_phase = row[i++].as<int>();
    s.measured_w = opt<double>(row[i++]);
    s.needed_wh = opt<double>(row[i++]);
    s.departure = ms(row[i++]);
    s.ev_max_current_a = opt<double>(row[i++]);
    s.ev_min_current_a = opt<double>(row[i++]);
    s.fallback_a = opt<double>(row[i++]);
    s.managed = row[i++].as<bool>();
    s.phases = row[i++].as<int>();
    s.phase = row[i++].as<int>();
    s.target_a = opt<double>(row[i++]);
    s.in_force_a = opt<double>(row[i++]);
    s.in_force_at = ms(row[i++]);
    s.released_a = opt<double>(row[i++]);
    s.pending_a = opt<double>(row[i++]);
    s.unconfirmed_a = opt<double>(row[i++]);
    s.measured_at = ms(row[i++]);
    s.failures = row[i++].as<int>();
    s.failed_at = ms(row[i++]);
    s.resend = row[i++].as<bool>();
    s.external_max_a = opt<double>(row[i++]);
    snapshot.sessions.push_back(std::move(s));
  }
  if (claim)
    for (const auto& row :
         txn_.exec("SELECT s.id, s.site_id, s.protocol, si.fallback_current_a FROM stations s "
                   "JOIN sites si ON si.id = s.site_id AND si.load_management "
                   "LEFT JOIN station_fallbacks f ON f.station_id = s.id "
                   // Not before its first boot: a station is sent no call before its boot is answered.
                   "WHERE s.online AND s.protocol IS NOT NULL AND s.last_boot_at IS NOT NULL "
                   "AND (f.station_id IS NULL OR f.state IN ('due', 'clearing') "
                   "OR f.limit_a <> si.fallback_current_a "
                   "OR (f.state = 'rejected' AND f.updated_at < now() - interval '10 minutes') "
                   "OR (f.state = 'sent' AND f.updated_at < now() - interval '90 seconds')) "
                   "ORDER BY s.id LIMIT 200"))
      snapshot.fallbacks.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                                    row[2].as<std::string>(), row[3].as<double>()});
  if (claim)
    // At most once a minute per station.
    for (const auto& row :
         txn_.exec("UPDATE station_fallbacks f SET state = 'clearing', updated_at = now() "
                   "FROM stations s LEFT JOIN sites si ON si.id = s.site_id "
                   "WHERE s.id = f.station_id AND s.online AND s.protocol IS NOT NULL "
                   "AND (si.id IS NULL OR NOT si.load_management) "
                   "AND (f.state <> 'clearing' OR f.updated_at < now() - interval '60 seconds') "
                   "RETURNING s.id, coalesce(s.site_id, ''), s.protocol, f.limit_a"))
      snapshot.stale_fallbacks.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                                          row[2].as<std::string>(), row[3].as<double>()});
  return snapshot;
}

std::vector<bool> PgSmartChargingRepository::load_sent(const std::vector<domain::LoadSend>& sends) {
  std::vector<bool> out;
  for (const auto& s : sends) {
    // A send goes out only while none is under way for the session (a node that planned from
    // an older state finds the other's send here).
    auto rows = txn_.exec_params(
        "INSERT INTO load_allocations AS a (transaction_id, site_id, station_id, evse_id, phases, phase, "
        "target_a, pending_a, pending_at, profiles_sent) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7::double precision, "
        "CASE WHEN $8::boolean THEN $7::double precision END, CASE WHEN $8::boolean THEN now() END, "
        "CASE WHEN $8::boolean THEN 1 ELSE 0 END) "
        "ON CONFLICT (transaction_id) DO UPDATE SET target_a = $7::double precision, phases = $5, phase = "
        "$6, "
        "pending_a = CASE WHEN $8::boolean AND a.pending_a IS NULL THEN $7::double precision "
        "ELSE a.pending_a END, "
        "pending_at = CASE WHEN $8::boolean AND a.pending_a IS NULL THEN now() ELSE a.pending_at END, "
        "profiles_sent = a.profiles_sent + CASE WHEN $8::boolean AND a.pending_a IS NULL THEN 1 ELSE 0 END, "
        "resend = CASE WHEN $8::boolean AND a.pending_a IS NULL THEN false ELSE a.resend END, updated_at = "
        "now() "
        "RETURNING a.pending_at = now() AND a.pending_a = $7::double precision",
        s.transaction_id, s.site_id, s.station_id, s.evse_id, s.phases, s.phase, s.limit_a, s.sent);
    out.push_back(s.sent && !rows.empty() && !rows[0][0].is_null() && rows[0][0].as<bool>());
  }
  return out;
}

void PgSmartChargingRepository::load_answered(std::int64_t transaction_id, double sent_a, LoadOutcome outcome,
                                              const std::string& status) {
  const char* kind = outcome == LoadOutcome::Accepted  ? "accepted"
                     : outcome == LoadOutcome::Refused ? "refused"
                                                       : "unknown";
  txn_.exec_params(
      "UPDATE load_allocations SET "
      // The same value again (confirmed) changes neither when it came nor what it replaced.
      "released_a = CASE WHEN $3::text <> 'accepted' OR in_force_a = $2::double precision THEN released_a "
      "WHEN in_force_a > $2::double precision THEN in_force_a END, "
      "in_force_at = CASE WHEN $3::text = 'accepted' AND in_force_a IS DISTINCT FROM $2::double precision "
      "THEN now() ELSE in_force_at END, "
      "in_force_a = CASE WHEN $3::text = 'accepted' THEN $2::double precision ELSE in_force_a END, "
      "unconfirmed_a = CASE WHEN $3::text = 'accepted' THEN NULL "
      "WHEN $3::text = 'unknown' THEN greatest(unconfirmed_a, $2::double precision) ELSE unconfirmed_a END, "
      "pending_a = CASE WHEN pending_a = $2::double precision THEN NULL ELSE pending_a END, "
      "pending_at = CASE WHEN pending_a = $2::double precision THEN NULL ELSE pending_at END, "
      "status = $4::text, failures = CASE WHEN $3::text = 'accepted' THEN 0 ELSE failures + 1 END, "
      "failed_at = CASE WHEN $3::text = 'accepted' THEN failed_at ELSE now() END, updated_at = now() "
      "WHERE transaction_id = $1",
      transaction_id, sent_a, std::string(kind), status);
}

void PgSmartChargingRepository::fallback_cleared(const std::string& station_id) {
  txn_.exec_params("DELETE FROM station_fallbacks WHERE station_id = $1", station_id);
}

bool PgSmartChargingRepository::lock_station_load_managed(const std::string& station_id) {
  auto rows = txn_.exec_params(
      "SELECT si.load_management FROM stations s LEFT JOIN sites si ON si.id = s.site_id WHERE s.id = $1 "
      "FOR UPDATE OF s",
      station_id);
  return !rows.empty() && !rows[0][0].is_null() && rows[0][0].as<bool>();
}

void PgSmartChargingRepository::fallback_sent(const std::vector<domain::FallbackRow>& sent) {
  for (const auto& f : sent)
    txn_.exec_params(
        "INSERT INTO station_fallbacks (station_id, limit_a, state) VALUES ($1, $2::double precision, "
        "'sent') "
        "ON CONFLICT (station_id) DO UPDATE SET limit_a = $2::double precision, state = 'sent', updated_at = "
        "now()",
        f.station_id, f.limit_a);
}

void PgSmartChargingRepository::fallback_answered(const std::string& station_id, bool accepted,
                                                  const std::string& status) {
  txn_.exec_params(
      "UPDATE station_fallbacks SET state = CASE WHEN $2::boolean THEN 'accepted' ELSE 'rejected' END, "
      "status = $3, "
      "updated_at = now() WHERE station_id = $1",
      station_id, accepted, status);
}

void PgSmartChargingRepository::load_reconnected(const std::string& station_id) {
  txn_.exec_params("UPDATE load_allocations SET resend = true WHERE station_id = $1", station_id);
  txn_.exec_params("UPDATE station_fallbacks SET state = 'due', updated_at = now() WHERE station_id = $1",
                   station_id);
}

std::optional<std::string> PgSmartChargingRepository::station_protocol(const std::string& station_id) {
  auto rows = txn_.exec_params("SELECT coalesce(protocol, '') FROM stations WHERE id = $1", station_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

namespace {

constexpr const char* kStoredProfile =
    "SELECT p.id, p.station_id, coalesce(s.protocol, ''), csms_charging_profile_json(p)::text, p.state, "
    "t.ocpp_transaction_id FROM charging_profiles p JOIN stations s ON s.id = p.station_id "
    "LEFT JOIN transactions t ON t.id = p.transaction_id ";

domain::StoredProfile stored_profile(const pqxx::row& row) {
  return {row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
          row[3].as<std::string>(),  row[4].as<std::string>(), opt<std::string>(row[5])};
}

}  // namespace

std::vector<domain::StoredProfile> PgSmartChargingRepository::held_profiles(const std::string& station_id) {
  txn_.exec_params(
      "UPDATE charging_profiles p SET state = 'cleared', status = 'transaction ended', updated_at = now() "
      "FROM transactions t WHERE p.station_id = $1 AND t.id = p.transaction_id AND t.stopped_at IS NOT NULL "
      "AND p.state IN ('pending', 'installed', 'clearing')",
      station_id);
  std::vector<domain::StoredProfile> out;
  for (const auto& row : txn_.exec_params(
           std::string(kStoredProfile) +
               "WHERE p.station_id = $1 AND p.source = 'operator' AND p.state IN ('pending', 'installed', "
               "'clearing') ORDER BY p.id",
           station_id))
    out.push_back(stored_profile(row));
  return out;
}

std::optional<std::string> PgSmartChargingRepository::running_transaction(const std::string& station_id,
                                                                          int evse_id,
                                                                          std::int64_t transaction_id) {
  auto rows = txn_.exec_params(
      "SELECT ocpp_transaction_id FROM transactions WHERE id = $1 AND station_id = $2 AND evse_id = $3 "
      "AND stopped_at IS NULL",
      transaction_id, station_id, evse_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::int64_t PgSmartChargingRepository::create_profile(const std::string& station_id,
                                                       const std::string& profile_json,
                                                       const std::string& created_by) {
  return txn_
      .exec_params1(
          "INSERT INTO charging_profiles (station_id, evse_id, purpose, stack_level, transaction_id, "
          "profile, "
          "created_by) SELECT $1, (p->>'evse_id')::integer, p->>'purpose', (p->>'stack_level')::integer, "
          "(p->>'transaction_id')::bigint, p, $3 FROM (SELECT $2::jsonb AS p) x RETURNING id",
          station_id, profile_json, created_by)[0]
      .as<std::int64_t>();
}

void PgSmartChargingRepository::set_profile_state(std::int64_t id, const std::string& state,
                                                  const std::optional<std::string>& status) {
  txn_.exec_params(
      "UPDATE charging_profiles SET state = $2, status = $3, updated_at = now(), "
      "installed_at = CASE WHEN $2 = 'installed' THEN now() ELSE installed_at END WHERE id = $1",
      id, state, status);
}

std::optional<domain::StoredProfile> PgSmartChargingRepository::find_profile(std::int64_t id) {
  auto rows = txn_.exec_params(std::string(kStoredProfile) + "WHERE p.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return stored_profile(rows[0]);
}

std::optional<std::string> PgSmartChargingRepository::get_profile(std::int64_t id) {
  auto rows = txn_.exec_params(
      "SELECT csms_charging_profile_json(p)::text FROM charging_profiles p WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::string PgSmartChargingRepository::list_profiles(const std::optional<std::string>& station,
                                                     const std::optional<std::string>& state,
                                                     const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT csms_charging_profile_json(p)::text AS doc, p.id AS cursor FROM charging_profiles p "
      "WHERE ($1::bigint IS NULL OR p.id > $1) AND ($2::text IS NULL OR p.station_id = $2) "
      "AND ($3::text IS NULL OR p.state = $3) ORDER BY p.id LIMIT $4",
      numeric_cursor(page), station, state, page.limit + 1);
  return page_json(rows, page);
}

}  // namespace csms::store

// Analytics: the raw history behind rollup windows, the rollups themselves, reports (SQL
// functions of migrations/repeatable/analytics_reports.sql) and maintenance windows.
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "repositories.hpp"

namespace csms::store {

namespace {

using domain::Timestamp;
using json = nlohmann::json;

struct WindowArrays {
  std::string ids, froms, tos;
};

WindowArrays arrays_of(const std::vector<domain::RollupWindow>& windows) {
  std::vector<std::string> ids, froms, tos;
  for (const auto& w : windows) {
    ids.push_back(w.station_id);
    froms.push_back(ts(w.from));
    tos.push_back(ts(w.to));
  }
  return {text_array(ids), text_array(froms), text_array(tos)};
}

WindowArrays arrays_of(const std::vector<domain::RollupInput>& inputs) {
  std::vector<domain::RollupWindow> windows;
  for (const auto& in : inputs) windows.push_back({in.station_id, in.from, in.to});
  return arrays_of(windows);
}

Timestamp at_ms(const pqxx::field& f) { return *ms(f); }

// The query's stations as an array parameter; NULL for all.
std::optional<std::string> stations_of(const domain::AnalyticsQuery& q) {
  if (q.stations.empty()) return std::nullopt;
  return text_array(q.stations);
}

// The windows as a relation w(station_id, f, t), aligned to the stations' local hours.
constexpr const char* kAlignedWindows =
    "w AS (SELECT v.station_id, s.time_zone, date_trunc('hour', v.f, s.time_zone) AS f, "
    "date_trunc('hour', v.t - interval '1 millisecond', s.time_zone) + interval '1 hour' AS t "
    "FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS v(station_id, f, t) "
    "JOIN stations s ON s.id = v.station_id WHERE v.t > v.f) ";

}  // namespace

std::vector<domain::RollupInput> PgAnalyticsRepository::rollup_inputs(
    const std::vector<domain::RollupWindow>& windows) {
  std::vector<domain::RollupInput> inputs;
  if (windows.empty()) return inputs;
  const auto a = arrays_of(windows);
  const std::string with = std::string("WITH ") + kAlignedWindows;

  std::map<std::string, std::size_t> index;  // station -> input (one window per station)
  for (const auto& row :
       txn_.exec_params(with + "SELECT station_id, time_zone, csms_ms(min(f)), csms_ms(max(t)), "
                               "(SELECT csms_ms(min(c.connected_at)) FROM station_connectivity c "
                               "WHERE c.station_id = w.station_id) "
                               "FROM w GROUP BY station_id, time_zone ORDER BY station_id",
                        a.ids, a.froms, a.tos)) {
    domain::RollupInput in;
    in.station_id = row[0].as<std::string>();
    in.time_zone = row[1].as<std::string>();
    in.from = at_ms(row[2]);
    in.to = at_ms(row[3]);
    in.first_connected = ms(row[4]);
    index[in.station_id] = inputs.size();
    inputs.push_back(std::move(in));
  }
  if (inputs.empty()) return inputs;
  // From here on, one merged window per station.
  const auto m = arrays_of(inputs);
  const std::string mw =
      "WITH w AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS w(station_id, f, "
      "t)) ";
  auto input_of = [&](const pqxx::field& f) -> domain::RollupInput& {
    return inputs[index.at(f.as<std::string>())];
  };

  for (const auto& row :
       txn_.exec_params(mw + "SELECT c.station_id, c.evse_id, c.connector_id FROM w "
                             "JOIN connectors c ON c.station_id = w.station_id WHERE c.evse_id > 0",
                        m.ids, m.froms, m.tos)) {
    input_of(row[0]).connectors.emplace_back(row[1].as<int>(), row[2].as<int>());
  }

  auto status_of = [](const pqxx::field& f) {
    return domain::connector_status_from(f.as<std::string>()).value_or(domain::ConnectorStatus::Available);
  };
  for (const auto& row : txn_.exec_params(
           mw + "SELECT h.station_id, h.evse_id, h.connector_id, csms_ms(h.status_at), h.status FROM w "
                "JOIN status_history h ON h.station_id = w.station_id AND h.status_at >= w.f AND h.status_at "
                "< w.t "
                "UNION ALL "
                "SELECT c.station_id, c.evse_id, c.connector_id, csms_ms(l.status_at), l.status FROM w "
                "JOIN connectors c ON c.station_id = w.station_id "
                "CROSS JOIN LATERAL (SELECT h.status_at, h.status FROM status_history h "
                "  WHERE h.station_id = c.station_id AND h.evse_id = c.evse_id AND h.connector_id = "
                "c.connector_id "
                "  AND h.status_at < w.f ORDER BY h.status_at DESC LIMIT 1) l",
           m.ids, m.froms, m.tos)) {
    input_of(row[0]).statuses.push_back(
        {row[1].as<int>(), row[2].as<int>(), at_ms(row[3]), status_of(row[4])});
  }

  for (const auto& row : txn_.exec_params(
           mw + "SELECT c.station_id, csms_ms(c.connected_at), csms_ms(c.disconnected_at) FROM w "
                "JOIN station_connectivity c ON c.station_id = w.station_id AND c.connected_at < w.t "
                "AND (c.disconnected_at IS NULL OR c.disconnected_at > w.f)",
           m.ids, m.froms, m.tos)) {
    input_of(row[0]).online.push_back({at_ms(row[1]), ms(row[2])});
  }

  for (const auto& row : txn_.exec_params(
           mw + "SELECT m.station_id, m.evse_id, csms_ms(m.starts_at), csms_ms(m.ends_at) FROM w "
                "JOIN maintenance_windows m ON m.station_id = w.station_id AND m.starts_at < w.t AND "
                "m.ends_at > w.f",
           m.ids, m.froms, m.tos)) {
    input_of(row[0]).maintenance.push_back({opt<int>(row[1]), at_ms(row[2]), at_ms(row[3])});
  }

  // Sessions overlapping the windows, with their start/stop meter values.
  std::map<std::int64_t, std::pair<std::size_t, std::size_t>> sessions;  // id -> (input, session)
  std::vector<std::string> session_ids, session_froms, session_tos, session_starts;
  std::vector<std::optional<std::string>> stops;
  for (const auto& row : txn_.exec_params(
           mw + "SELECT t.station_id, t.id, coalesce(t.evse_id, 1), coalesce(t.connector_id, 1), "
                "csms_ms(t.started_at), csms_ms(t.stopped_at), t.meter_start_wh, t.meter_stop_wh, "
                "csms_ms(w.f), csms_ms(w.t) FROM w "
                "JOIN transactions t ON t.station_id = w.station_id AND t.started_at < w.t "
                "AND (t.stopped_at IS NULL OR t.stopped_at >= w.f)",
           m.ids, m.froms, m.tos)) {
    auto& in = input_of(row[0]);
    domain::SessionHistory s;
    s.transaction_id = row[1].as<std::int64_t>();
    s.evse_id = row[2].as<int>();
    s.connector_id = row[3].as<int>();
    s.started_at = at_ms(row[4]);
    s.stopped_at = ms(row[5]);
    if (auto start = opt<double>(row[6])) s.register_wh.emplace_back(s.started_at, *start);
    if (auto stop = opt<double>(row[7]); stop && s.stopped_at)
      s.register_wh.emplace_back(*s.stopped_at, *stop);
    sessions[s.transaction_id] = {index.at(in.station_id), in.sessions.size()};
    session_ids.push_back(std::to_string(s.transaction_id));
    session_froms.push_back(ts(at_ms(row[8])));
    session_starts.push_back(ts(s.started_at));
    stops.push_back(ts(s.stopped_at));
    session_tos.push_back(ts(at_ms(row[9])));
    in.sessions.push_back(std::move(s));
  }
  if (sessions.empty()) return inputs;
  const std::string sw =
      "WITH x AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS x(id, f, t)) ";
  const auto sid = text_array(session_ids), sf = text_array(session_froms), st = text_array(session_tos);
  // NULL elements (open sessions) spelled as an array literal.
  std::string session_stops = "{";
  for (std::size_t i = 0; i < stops.size(); ++i) {
    session_stops += (i ? "," : "") + (stops[i] ? "\"" + *stops[i] + "\"" : std::string("NULL"));
  }
  session_stops += "}";
  auto session_of = [&](const pqxx::field& f) -> domain::SessionHistory& {
    const auto& [i, j] = sessions.at(f.as<std::int64_t>());
    return inputs[i].sessions[j];
  };
  // Register readings: for every local hour boundary of the window near the session (and the
  // window's ends), the reading just before and the one at or just after it. Spreading
  // consecutive readings evenly, an hour's energy depends only on those (as long as the
  // register does not go backwards inside the hour), so a charger that reports every second
  // costs four index lookups per hour instead of 3,600 rows.
  const std::string reg = "m.measurand = 'Energy.Active.Import.Register' AND m.phase = ''";
  for (const auto& row : txn_.exec_params(
           "WITH x AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], "
           "$4::timestamptz[], $5::timestamptz[]) AS x(id, f, t, s0, s1)), "
           "b AS (SELECT x.id, g AS at FROM x CROSS JOIN LATERAL generate_series("
           "x.f + floor(greatest(0, extract(epoch FROM x.s0 - x.f)) / 3600) * interval '1 hour', "
           "least(x.t, coalesce(x.s1, x.t) + interval '1 hour'), interval '1 hour') g) "
           "SELECT b.id, csms_ms(p.sampled_at), p.canonical_value FROM b CROSS JOIN LATERAL "
           "(SELECT m.sampled_at, m.canonical_value FROM meter_samples m WHERE m.transaction_id = b.id "
           "AND m.sampled_at < b.at AND " +
               reg +
               " ORDER BY m.sampled_at DESC LIMIT 1) p "
               "UNION ALL SELECT b.id, csms_ms(n.sampled_at), n.canonical_value FROM b CROSS JOIN LATERAL "
               "(SELECT m.sampled_at, m.canonical_value FROM meter_samples m WHERE m.transaction_id = b.id "
               "AND m.sampled_at >= b.at AND " +
               reg + " ORDER BY m.sampled_at LIMIT 1) n",
           sid, sf, st, text_array(session_starts), session_stops)) {
    session_of(row[0]).register_wh.emplace_back(at_ms(row[1]), row[2].as<double>());
  }
  for (const auto& row : txn_.exec_params(
           sw +
               "SELECT x.id, csms_ms(e.event_at), e.charging_state FROM x JOIN transaction_events e "
               "ON e.transaction_id = x.id AND e.event_at >= x.f AND e.event_at < x.t "
               "AND e.charging_state IS NOT NULL "
               "UNION ALL SELECT x.id, csms_ms(b.event_at), b.charging_state FROM x CROSS JOIN LATERAL "
               "(SELECT e.event_at, e.charging_state FROM transaction_events e WHERE e.transaction_id = x.id "
               "AND e.event_at < x.f AND e.charging_state IS NOT NULL ORDER BY e.event_at DESC LIMIT 1) b",
           sid, sf, st)) {
    session_of(row[0]).charging_changes.emplace_back(at_ms(row[1]), row[2].as<std::string>() == "Charging");
  }
  return inputs;
}

void PgAnalyticsRepository::replace_rollups(const std::vector<domain::RollupInput>& windows,
                                            const std::vector<domain::HourRollup>& rows) {
  if (windows.empty()) return;
  const auto a = arrays_of(windows);
  // The stations' rows before the zone rollups' lock, which the triggers take at the first
  // write (migration 0039): a station's deletion takes them in that order too.
  txn_.exec_params("SELECT 1 FROM stations WHERE id = ANY ($1::text[]) ORDER BY id FOR KEY SHARE", a.ids);
  txn_.exec_params(
      "DELETE FROM analytics_hourly h USING unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) "
      "AS w(station_id, f, t) WHERE h.station_id = w.station_id AND h.hour_start >= w.f AND h.hour_start < "
      "w.t",
      a.ids, a.froms, a.tos);
  if (!rows.empty()) {
    std::vector<std::string> cols[14];
    for (const auto& r : rows) {
      cols[0].push_back(r.station_id);
      cols[1].push_back(std::to_string(r.evse_id));
      cols[2].push_back(std::to_string(r.connector_id));
      cols[3].push_back(ts(r.hour_start));
      cols[4].push_back(r.local_hour);
      cols[5].push_back(std::to_string(r.occupied_s));
      cols[6].push_back(std::to_string(r.charging_s));
      cols[7].push_back(std::to_string(r.down_s));
      cols[8].push_back(std::to_string(r.excused_down_s));
      cols[9].push_back(std::to_string(r.offline_s));
      cols[10].push_back(std::to_string(r.all_busy_s));
      cols[11].push_back(json(r.energy_wh).dump());
      cols[12].push_back(std::to_string(r.sessions_started));
    }
    txn_.exec_params(
        "INSERT INTO analytics_hourly (station_id, evse_id, connector_id, hour_start, local_hour, "
        "occupied_s, "
        "charging_s, down_s, excused_down_s, offline_s, all_busy_s, energy_wh, sessions_started) "
        "SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::timestamptz[], $5::timestamp[], "
        "$6::int[], "
        "$7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::float8[], $13::int[])",
        text_array(cols[0]), text_array(cols[1]), text_array(cols[2]), text_array(cols[3]),
        text_array(cols[4]), text_array(cols[5]), text_array(cols[6]), text_array(cols[7]),
        text_array(cols[8]), text_array(cols[9]), text_array(cols[10]), text_array(cols[11]),
        text_array(cols[12]));
  }
  // The local days the windows touch, summed again from their hours.
  const std::string days =
      "WITH w AS (SELECT v.station_id, s.time_zone, v.f, v.t FROM unnest($1::text[], $2::timestamptz[], "
      "$3::timestamptz[]) AS v(station_id, f, t) JOIN stations s ON s.id = v.station_id), "
      "days AS (SELECT DISTINCT w.station_id, w.time_zone, d::date AS local_day FROM w CROSS JOIN LATERAL "
      "generate_series((w.f AT TIME ZONE w.time_zone)::date, ((w.t - interval '1 millisecond') AT TIME ZONE "
      "w.time_zone)::date, interval '1 day') d) ";
  txn_.exec_params(days +
                       "DELETE FROM analytics_daily a USING days WHERE a.station_id = days.station_id "
                       "AND a.local_day = days.local_day",
                   a.ids, a.froms, a.tos);
  txn_.exec_params(
      days +
          "INSERT INTO analytics_daily (station_id, evse_id, connector_id, local_day, day_start, occupied_s, "
          "charging_s, down_s, excused_down_s, offline_s, all_busy_s, energy_wh, sessions_started, day_s) "
          "SELECT h.station_id, h.evse_id, h.connector_id, days.local_day, "
          "csms_local_day_start(days.local_day, days.time_zone), sum(h.occupied_s), sum(h.charging_s), "
          "sum(h.down_s), sum(h.excused_down_s), sum(h.offline_s), sum(h.all_busy_s), sum(h.energy_wh), "
          "sum(h.sessions_started), extract(epoch FROM csms_local_day_start(days.local_day + 1, "
          "days.time_zone) - "
          "csms_local_day_start(days.local_day, days.time_zone))::int "
          "FROM days JOIN analytics_hourly h ON h.station_id = days.station_id "
          "AND h.hour_start >= csms_local_day_start(days.local_day, days.time_zone) "
          "AND h.hour_start < csms_local_day_start(days.local_day + 1, days.time_zone) "
          "GROUP BY h.station_id, h.evse_id, h.connector_id, days.local_day, days.time_zone",
      a.ids, a.froms, a.tos);
  // Hour profiles of those days and the months they are in; the days' revenue and ended sessions.
  txn_.exec_params(days +
                       "SELECT csms_rollup_months(array_agg(station_id), array_agg(local_day)), "
                       "csms_rollup_revenue(array_agg(station_id), array_agg(local_day)), "
                       "csms_rollup_sessions(array_agg(station_id), array_agg(local_day)) FROM days",
                   a.ids, a.froms, a.tos);
}

void PgAnalyticsRepository::mark_dirty(const std::vector<domain::RollupWindow>& windows) {
  if (windows.empty()) return;
  const auto a = arrays_of(windows);
  txn_.exec_params(
      "INSERT INTO analytics_dirty (station_id, from_at, to_at) "
      "SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[])",
      a.ids, a.froms, a.tos);
}

std::vector<domain::RollupWindow> PgAnalyticsRepository::take_dirty(int limit) {
  std::vector<domain::RollupWindow> out;
  for (const auto& row : txn_.exec_params(
           "WITH picked AS (SELECT station_id FROM analytics_dirty GROUP BY station_id "
           "ORDER BY min(marked_at) LIMIT $1), "
           "taken AS (DELETE FROM analytics_dirty d USING picked WHERE d.station_id = picked.station_id "
           "RETURNING d.station_id, d.from_at, d.to_at) "
           "SELECT station_id, csms_ms(min(from_at)), csms_ms(max(to_at)) FROM taken GROUP BY station_id",
           limit)) {
    out.push_back({row[0].as<std::string>(), at_ms(row[1]), at_ms(row[2])});
  }
  return out;
}

std::vector<std::string> PgAnalyticsRepository::stations_between(Timestamp from, Timestamp to) {
  std::vector<std::string> out;
  for (const auto& row : txn_.exec_params("SELECT id FROM stations s WHERE s.created_at < $2 OR EXISTS "
                                          "(SELECT 1 FROM station_connectivity c "
                                          "WHERE c.station_id = s.id AND c.connected_at < $2 AND "
                                          "coalesce(c.disconnected_at, 'infinity') > $1) "
                                          "ORDER BY id",
                                          ts(from), ts(to))) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

std::string PgAnalyticsRepository::overview(domain::Timestamp from, domain::Timestamp to,
                                            domain::Timestamp before_from, domain::Timestamp before_to) {
  txn_.exec("SET LOCAL jit = off");  // as for reports: short queries, expensive to compile
  // Energy and revenue are the energy and revenue reports' sums, so the overview and the
  // analytics pages agree; $3 and $4 are the window compared with.
  auto rows = txn_.exec_params(
      "WITH s AS (SELECT s.id, s.name, s.online, "
      "    EXISTS (SELECT 1 FROM connectors c WHERE c.station_id = s.id AND c.status = 'Faulted') AS faulted "
      "  FROM stations s), "
      "a AS (SELECT state, severity, count(*) AS n FROM alerts "
      "  WHERE state IN ('open', 'acknowledged') GROUP BY 1, 2), "
      "r AS (SELECT w, currency, sum(revenue_incl_vat::numeric)::text AS amount FROM ("
      "    SELECT 0 AS w, * FROM csms_report_revenue($1, $2, 'day', NULL::text[]) UNION ALL "
      "    SELECT 1, * FROM csms_report_revenue($3, $4, 'day', NULL::text[])) x "
      "  GROUP BY 1, 2) "
      "SELECT jsonb_build_object("
      " 'stations', (SELECT jsonb_build_object('total', count(*), "
      "    'online', count(*) FILTER (WHERE online), 'offline', count(*) FILTER (WHERE NOT online), "
      "    'faulted', count(*) FILTER (WHERE faulted)) FROM s), "
      " 'faulted_stations', (SELECT coalesce(jsonb_agg(jsonb_build_object("
      "    'id', id, 'name', name, 'online', online) ORDER BY id), '[]') "
      "  FROM (SELECT * FROM s WHERE faulted ORDER BY id LIMIT 10) f), "
      " 'sessions_in_progress', (SELECT count(*) FROM transactions WHERE stopped_at IS NULL), "
      " 'alerts', jsonb_build_object("
      "   'open', jsonb_build_object("
      "     'critical', coalesce((SELECT n FROM a WHERE state = 'open' AND severity = 'critical'), 0), "
      "     'warning', coalesce((SELECT n FROM a WHERE state = 'open' AND severity = 'warning'), 0), "
      "     'info', coalesce((SELECT n FROM a WHERE state = 'open' AND severity = 'info'), 0)), "
      "   'acknowledged', coalesce((SELECT sum(n) FROM a WHERE state = 'acknowledged'), 0)), "
      " 'latest_alerts', (SELECT coalesce("
      "    jsonb_agg(csms_alert_json(l) ORDER BY l.opened_at DESC, l.id DESC), '[]') "
      "  FROM (SELECT * FROM alerts WHERE state IN ('open', 'acknowledged') "
      "    ORDER BY opened_at DESC, id DESC LIMIT 10) l), "
      " 'energy_wh', jsonb_build_object("
      "   'period', (SELECT coalesce(sum(energy_wh), 0) "
      "     FROM csms_report_energy($1, $2, 'day', NULL::text[])), "
      "   'last_week', (SELECT coalesce(sum(energy_wh), 0) "
      "     FROM csms_report_energy($3, $4, 'day', NULL::text[]))), "
      " 'revenue_incl_vat', jsonb_build_object("
      "   'period', (SELECT coalesce(jsonb_object_agg(currency, amount), '{}') FROM r WHERE w = 0), "
      "   'last_week', (SELECT coalesce(jsonb_object_agg(currency, amount), '{}') FROM r WHERE w = 1))"
      ")::text",
      ts(from), ts(to), ts(before_from), ts(before_to));
  return rows[0][0].as<std::string>();
}

domain::ReportTable PgAnalyticsRepository::report(const std::string& name, const domain::AnalyticsQuery& q) {
  const auto stations = stations_of(q);
  const std::string from = ts(q.from), to = ts(q.to);
  // Report queries are short for PostgreSQL's cost model but expensive to JIT-compile (about
  // half a second each). The functions are inlined into this statement, so they are planned
  // with the actual range and stations.
  txn_.exec("SET LOCAL jit = off");
  pqxx::result r;
  if (name == "utilization" || name == "energy" || name == "revenue" || name == "uptime") {
    // group=fleet: csms_fleet_<name> sums per time zone (the same sums as the station rows').
    const std::string function = q.group == "fleet" ? "csms_fleet_" + name
                                 : name == "utilization" && q.group == "station"
                                     ? "csms_report_utilization_stations"
                                     : "csms_report_" + name;
    const auto sql = "SELECT * FROM " + function +
                     (name == "uptime" ? "($1, $2, $3, $4::text[], $5)" : "($1, $2, $3, $4::text[])");
    r = name == "uptime" ? txn_.exec_params(sql, from, to, q.bucket, stations, q.uptime_threshold_percent)
                         : txn_.exec_params(sql, from, to, q.bucket, stations);
  } else if (name == "peak-hours" || name == "sessions" || name == "faults" || name == "expansion" ||
             name == "maintenance") {
    std::string fn = name == "peak-hours" ? "peak_hours" : name;
    r = txn_.exec_params("SELECT * FROM csms_report_" + fn + "($1, $2, $3::text[])", from, to, stations);
  } else {
    throw std::invalid_argument("unknown report " + name);
  }
  domain::ReportTable table;
  const auto columns = static_cast<std::size_t>(r.columns());
  for (std::size_t i = 0; i < columns; ++i) {
    table.columns.emplace_back(r.column_name(static_cast<pqxx::row::size_type>(i)));
    switch (r.column_type(static_cast<pqxx::row::size_type>(i))) {
      case 16:  // bool
        table.kinds.push_back(domain::ReportTable::Kind::Boolean);
        break;
      case 20:
      case 21:
      case 23:
      case 700:
      case 701:
      case 1700:  // integers, floats, numeric
        table.kinds.push_back(domain::ReportTable::Kind::Number);
        break;
      default:
        table.kinds.push_back(domain::ReportTable::Kind::Text);
    }
  }
  table.cells.reserve(r.size() * columns);
  for (const auto& row : r) {
    for (const auto& field : row) {
      if (field.is_null()) {
        table.cells.emplace_back();
      } else {
        table.cells.emplace_back(std::string(field.c_str(), field.size()));
      }
    }
  }
  return table;
}

namespace {

domain::SessionFact session_fact_of(const pqxx::row& row) {
  domain::SessionFact f;
  f.transaction_id = row[0].as<std::int64_t>();
  f.station_id = row[1].as<std::string>();
  f.started_at = at_ms(row[2]);
  f.duration_ms = row[3].as<std::int64_t>();
  f.energy_wh = row[4].as<double>();
  f.id_token = opt<std::string>(row[5]);
  f.customer_id = opt<std::string>(row[6]);
  f.seq = row[7].as<std::int64_t>();
  return f;
}

}  // namespace

std::vector<domain::SessionFact> PgAnalyticsRepository::session_facts_after(std::int64_t seq,
                                                                            std::size_t limit) {
  std::vector<domain::SessionFact> out;
  for (const auto& row :
       txn_.exec_params("SELECT transaction_id, station_id, csms_ms(started_at), duration_ms, energy_wh, "
                        "id_token, customer_id, "
                        "seq FROM analytics_session_facts WHERE seq > $1 ORDER BY seq LIMIT $2",
                        seq, static_cast<std::int64_t>(limit))) {
    out.push_back(session_fact_of(row));
  }
  return out;
}

std::uint64_t PgAnalyticsRepository::session_facts_horizon() {
  return txn_.exec("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")[0][0].as<std::uint64_t>();
}

std::pair<std::uint64_t, std::vector<domain::SessionFact>> PgAnalyticsRepository::session_facts_since(
    std::uint64_t horizon) {
  std::pair<std::uint64_t, std::vector<domain::SessionFact>> out{horizon, {}};
  // One statement: the horizon and the rows come from the same snapshot.
  for (const auto& row :
       txn_.exec_params("WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) "
                        "SELECT f.transaction_id, f.station_id, csms_ms(f.started_at), f.duration_ms, "
                        "f.energy_wh, f.id_token, "
                        "f.customer_id, f.seq, h.xmin FROM h LEFT JOIN analytics_session_facts f "
                        "ON f.xid >= $1::text::xid8 ORDER BY f.seq",
                        std::to_string(horizon))) {
    out.first = row[8].as<std::uint64_t>();
    if (!row[0].is_null()) out.second.push_back(session_fact_of(row));
  }
  return out;
}

std::vector<domain::SessionFact> PgAnalyticsRepository::open_sessions(const domain::AnalyticsQuery& q) {
  const auto stations = stations_of(q);
  std::vector<domain::SessionFact> out;
  for (const auto& row : txn_.exec_params(
           "SELECT t.id, t.station_id, csms_ms(t.started_at), "
           "round(extract(epoch FROM least(now(), $2::timestamptz) - t.started_at) * 1000)::bigint, "
           "greatest(0, coalesce(csms_last_register_wh(t.id), t.meter_start_wh) - t.meter_start_wh), "
           "t.id_token, "
           "k.customer_id, 0 FROM transactions t LEFT JOIN id_tokens k ON k.token = t.id_token "
           "WHERE t.stopped_at IS NULL AND t.started_at >= $1 AND t.started_at < $2 "
           "AND ($3::text[] IS NULL OR t.station_id = ANY ($3::text[]))",
           ts(q.from), ts(q.to), stations)) {
    out.push_back(session_fact_of(row));
  }
  return out;
}

std::vector<domain::StationIdle> PgAnalyticsRepository::station_idle(const domain::AnalyticsQuery& q) {
  const auto stations = stations_of(q);
  std::vector<domain::StationIdle> out;
  for (const auto& row : txn_.exec_params(
           "WITH i AS (SELECT station_id, sum(occupied_s) AS occupied_s, sum(charging_s) AS charging_s "
           "FROM csms_rollup_rows($1, $2, $3::text[], false, true) WHERE evse_id > 0 GROUP BY 1) "
           "SELECT s.id, round((100.0 * (i.occupied_s - i.charging_s) / nullif(i.occupied_s, 0))::numeric, "
           "2) "
           "FROM stations s LEFT JOIN i ON i.station_id = s.id "
           "WHERE $3::text[] IS NULL OR s.id = ANY ($3::text[]) ORDER BY s.id",
           ts(q.from), ts(q.to), stations)) {
    out.push_back({row[0].as<std::string>(), opt<std::string>(row[1])});
  }
  return out;
}

domain::ReportScope PgAnalyticsRepository::report_scope(const std::vector<std::string>& stations) {
  std::optional<std::string> only;
  if (!stations.empty()) only = text_array(stations);
  auto row = txn_.exec_params1(
      "SELECT (SELECT count(*) FROM stations WHERE $1::text[] IS NULL OR id = ANY ($1::text[])), "
      "(SELECT count(*) FROM connectors WHERE $1::text[] IS NULL OR station_id = ANY ($1::text[])), "
      "(SELECT coalesce(string_agg(DISTINCT time_zone, ',' ORDER BY time_zone), '') FROM stations "
      "WHERE $1::text[] IS NULL OR id = ANY ($1::text[]))",
      only);
  domain::ReportScope scope;
  scope.stations = row[0].as<std::int64_t>();
  scope.connectors = row[1].as<std::int64_t>();
  // IANA zone names hold no comma.
  std::stringstream zones(row[2].as<std::string>());
  for (std::string zone; std::getline(zones, zone, ',');) scope.time_zones.push_back(zone);
  return scope;
}

std::string PgAnalyticsRepository::list_maintenance_windows(const domain::MaintenanceWindowFilter& f,
                                                            const domain::Page& page) {
  // Keyset on (starts_at, id): the cursor is the last window's id.
  auto rows = txn_.exec_params(
      "SELECT csms_maintenance_window_json(m)::text AS doc, m.id AS cursor "
      "FROM maintenance_windows m WHERE ($1::text IS NULL OR m.station_id = $1) "
      "AND ($2::timestamptz IS NULL OR m.ends_at > $2) AND ($3::timestamptz IS NULL OR m.starts_at < $3) "
      "AND ($4::bigint IS NULL OR (m.starts_at, m.id) > (SELECT c.starts_at, c.id FROM maintenance_windows c "
      "WHERE c.id = $4::bigint)) ORDER BY m.starts_at, m.id LIMIT $5",
      f.station, ts(f.from), ts(f.to), page.cursor.empty() ? std::nullopt : std::optional(page.cursor),
      page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::string> PgAnalyticsRepository::get_maintenance_window(std::int64_t id) {
  auto r =
      txn_.exec_params("SELECT csms_maintenance_window_json(m) FROM maintenance_windows m WHERE id = $1", id);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

std::optional<std::string> PgAnalyticsRepository::create_maintenance_window(const std::string& fields_json) {
  auto r = txn_.exec_params(
      "WITH v AS (SELECT * FROM json_to_record($1::json) AS x(station_id text, evse_id integer, "
      "starts_at timestamptz, ends_at timestamptz, reason text)) "
      "INSERT INTO maintenance_windows (station_id, evse_id, starts_at, ends_at, reason) "
      "SELECT v.station_id, v.evse_id, v.starts_at, v.ends_at, v.reason FROM v "
      "WHERE EXISTS (SELECT 1 FROM stations s WHERE s.id = v.station_id) "
      "RETURNING csms_maintenance_window_json(maintenance_windows.*)",
      fields_json);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

std::optional<std::string> PgAnalyticsRepository::delete_maintenance_window(std::int64_t id) {
  auto r = txn_.exec_params(
      "DELETE FROM maintenance_windows m WHERE id = $1 RETURNING csms_maintenance_window_json(m.*)", id);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

}  // namespace csms::store

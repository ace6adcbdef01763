-- Reports read each station's rows by index ranges (one LATERAL lookup per station) instead
-- of joining a whole rollup table: with a year of 500 stations the join scanned 4 million
-- hourly rows for the edges of a range (4 s for peak-hours).

CREATE OR REPLACE FUNCTION csms_rollup_rows(p_from timestamptz, p_to timestamptz, p_stations text[], p_hourly boolean)
RETURNS TABLE (station_id text, time_zone text, evse_id integer, connector_id integer, local_day date,
               hour_start timestamptz, occupied_s bigint, charging_s bigint, down_s bigint,
               excused_down_s bigint, offline_s bigint, all_busy_s bigint, energy_wh double precision,
               sessions_started bigint)
LANGUAGE sql STABLE AS $$
  WITH st0 AS (
    SELECT s.id, s.time_zone,
           CASE WHEN (p_from AT TIME ZONE s.time_zone)::time = '00:00'
                THEN (p_from AT TIME ZONE s.time_zone)::date
                ELSE (p_from AT TIME ZONE s.time_zone)::date + 1 END AS d0,
           (p_to AT TIME ZONE s.time_zone)::date AS d1
    FROM stations s WHERE p_stations IS NULL OR s.id = ANY (p_stations)
  ), st1 AS (
    SELECT st0.*, NOT p_hourly AND d0 < d1 AS has_days,
           -- whole months inside [d0, d1)
           (date_trunc('month', d0 - 1) + interval '1 month')::date AS m0,
           date_trunc('month', d1)::date AS m1
    FROM st0
  ), st AS (
    SELECT st1.*, has_days AND m0 < m1 AS has_months,
           CASE WHEN has_days THEN csms_local_day_start(d0, time_zone) ELSE p_to END AS a_end,
           CASE WHEN has_days THEN csms_local_day_start(d1, time_zone) ELSE p_to END AS b_start
    FROM st1
  )
  SELECT m.station_id, st.time_zone, m.evse_id, m.connector_id, m.local_month, m.month_start,
         m.occupied_s, m.charging_s, m.down_s, m.excused_down_s, m.offline_s, m.all_busy_s, m.energy_wh,
         m.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_monthly x WHERE x.station_id = st.id
                               AND x.local_month >= st.m0 AND x.local_month < st.m1) m
  WHERE st.has_months
  UNION ALL
  SELECT d.station_id, st.time_zone, d.evse_id, d.connector_id, d.local_day, d.day_start,
         d.occupied_s, d.charging_s, d.down_s, d.excused_down_s, d.offline_s, d.all_busy_s, d.energy_wh,
         d.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_daily x WHERE x.station_id = st.id AND x.local_day >= st.d0
                               AND x.local_day < CASE WHEN st.has_months THEN st.m0 ELSE st.d1 END) d
  WHERE st.has_days
  UNION ALL
  SELECT d.station_id, st.time_zone, d.evse_id, d.connector_id, d.local_day, d.day_start,
         d.occupied_s, d.charging_s, d.down_s, d.excused_down_s, d.offline_s, d.all_busy_s, d.energy_wh,
         d.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_daily x WHERE x.station_id = st.id AND x.local_day >= st.m1
                               AND x.local_day < st.d1) d
  WHERE st.has_months
  UNION ALL
  SELECT h.station_id, st.time_zone, h.evse_id, h.connector_id, h.local_hour::date, h.hour_start,
         h.occupied_s, h.charging_s, h.down_s, h.excused_down_s, h.offline_s, h.all_busy_s, h.energy_wh,
         h.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_hourly x WHERE x.station_id = st.id
                               AND x.hour_start >= p_from AND x.hour_start < st.a_end) h
  UNION ALL
  SELECT h.station_id, st.time_zone, h.evse_id, h.connector_id, h.local_hour::date, h.hour_start,
         h.occupied_s, h.charging_s, h.down_s, h.excused_down_s, h.offline_s, h.all_busy_s, h.energy_wh,
         h.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_hourly x WHERE x.station_id = st.id
                               AND x.hour_start >= st.b_start AND x.hour_start < p_to) h
  WHERE st.has_days
$$;

-- peak-hours: whole local months from the monthly profiles, whole days at the edges from the
-- daily hour profiles, partial days from the hourly rows (arrays are unnested once per row:
-- subscripting a TOASTed array per slot detoasted it 504 times per row).
CREATE OR REPLACE FUNCTION csms_report_peak_hours(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH st0 AS (
    SELECT s.id, s.time_zone,
           (SELECT count(*) FROM connectors c WHERE c.station_id = s.id AND c.evse_id > 0) AS connectors,
           CASE WHEN (p_from AT TIME ZONE s.time_zone)::time = '00:00'
                THEN (p_from AT TIME ZONE s.time_zone)::date
                ELSE (p_from AT TIME ZONE s.time_zone)::date + 1 END AS d0,
           (p_to AT TIME ZONE s.time_zone)::date AS d1
    FROM stations s WHERE p_stations IS NULL OR s.id = ANY (p_stations)
  ), st1 AS (
    SELECT st0.*, d0 < d1 AS has_days, (date_trunc('month', d0 - 1) + interval '1 month')::date AS m0,
           date_trunc('month', d1)::date AS m1
    FROM st0
  ), st AS (
    SELECT st1.*, has_days AND m0 < m1 AS has_months,
           CASE WHEN has_days THEN csms_local_day_start(d0, time_zone) ELSE p_to END AS a_end,
           CASE WHEN has_days THEN csms_local_day_start(d1, time_zone) ELSE p_to END AS b_start
    FROM st1
  ), zones AS (
    SELECT time_zone, sum(connectors) AS connectors FROM st GROUP BY time_zone
  ), slots AS (  -- connector-seconds available per weekday and local hour
    SELECT (extract(isodow FROM h AT TIME ZONE z.time_zone)::int - 1) * 24
             + extract(hour FROM h AT TIME ZONE z.time_zone)::int + 1 AS slot,
           sum(z.connectors * extract(epoch FROM least(h + interval '1 hour', p_to, now()) - h)) AS capacity_s
    FROM zones z CROSS JOIN LATERAL generate_series(date_trunc('hour', p_from, z.time_zone),
                                                    p_to - interval '1 millisecond', interval '1 hour') h
    WHERE h < now()
    GROUP BY 1
  ), months AS (
    SELECT x.profile_occupied, x.profile_sessions, x.profile_energy
    FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_monthly x WHERE x.station_id = st.id AND x.evse_id = 0
                                 AND x.connector_id = 0 AND x.local_month >= st.m0 AND x.local_month < st.m1) x
    WHERE st.has_months
  ), days AS (
    SELECT x.local_day, x.occupied_by_hour, x.sessions_by_hour, x.energy_by_hour
    FROM st CROSS JOIN LATERAL (
      SELECT * FROM analytics_daily x WHERE x.station_id = st.id AND x.evse_id = 0 AND x.connector_id = 0
        AND x.local_day >= st.d0 AND x.local_day < CASE WHEN st.has_months THEN st.m0 ELSE st.d1 END
      UNION ALL
      SELECT * FROM analytics_daily x WHERE st.has_months AND x.station_id = st.id AND x.evse_id = 0
        AND x.connector_id = 0 AND x.local_day >= st.m1 AND x.local_day < st.d1) x
    WHERE st.has_days
  ), parts AS (
    SELECT u.slot::int AS slot, u.o::numeric AS occupied_s, u.s::numeric AS sessions, u.e AS energy_wh
    FROM months CROSS JOIN LATERAL unnest(months.profile_occupied, months.profile_sessions, months.profile_energy)
      WITH ORDINALITY AS u(o, s, e, slot)
    UNION ALL
    SELECT (extract(isodow FROM days.local_day)::int - 1) * 24 + u.hr::int, u.o, u.s, u.e
    FROM days CROSS JOIN LATERAL unnest(days.occupied_by_hour, days.sessions_by_hour, days.energy_by_hour)
      WITH ORDINALITY AS u(o, s, e, hr)
    UNION ALL
    SELECT (extract(isodow FROM h.local_hour)::int - 1) * 24 + extract(hour FROM h.local_hour)::int + 1,
           CASE WHEN h.evse_id > 0 THEN h.occupied_s ELSE 0 END, h.sessions_started, h.energy_wh
    FROM st CROSS JOIN LATERAL (
      SELECT * FROM analytics_hourly x WHERE x.station_id = st.id AND x.hour_start >= p_from
        AND x.hour_start < st.a_end
      UNION ALL
      SELECT * FROM analytics_hourly x WHERE st.has_days AND x.station_id = st.id AND x.hour_start >= st.b_start
        AND x.hour_start < p_to) h
  ), r AS (
    SELECT slot, sum(occupied_s) AS occupied_s, sum(sessions) AS sessions, sum(energy_wh) AS energy_wh
    FROM parts GROUP BY slot
  ), grid AS (
    SELECT w AS weekday, hr AS hour, (w - 1) * 24 + hr + 1 AS slot
    FROM generate_series(1, 7) w, generate_series(0, 23) hr
  )
  SELECT coalesce(json_agg(json_build_object(
           'weekday', g.weekday, 'hour', g.hour, 'sessions_started', coalesce(r.sessions, 0),
           'avg_occupancy_percent', coalesce(round((100.0 * r.occupied_s / nullif(s.capacity_s, 0))::numeric, 2), 0),
           'energy_wh', round(coalesce(r.energy_wh, 0))::bigint)
         ORDER BY g.weekday, g.hour), '[]')
  FROM grid g
  LEFT JOIN slots s ON s.slot = g.slot
  LEFT JOIN r ON r.slot = g.slot
$$;

-- Report queries are short for PostgreSQL's cost model but expensive to JIT-compile (about
-- half a second each); they run without JIT.
ALTER FUNCTION csms_report_utilization(timestamptz, timestamptz, text, text[]) SET jit = off;
ALTER FUNCTION csms_report_energy(timestamptz, timestamptz, text, text[]) SET jit = off;
ALTER FUNCTION csms_report_uptime(timestamptz, timestamptz, text, text[], double precision) SET jit = off;
ALTER FUNCTION csms_report_revenue(timestamptz, timestamptz, text, text[]) SET jit = off;
ALTER FUNCTION csms_report_peak_hours(timestamptz, timestamptz, text[]) SET jit = off;
ALTER FUNCTION csms_report_sessions(timestamptz, timestamptz, text[]) SET jit = off;
ALTER FUNCTION csms_report_faults(timestamptz, timestamptz, text[]) SET jit = off;
ALTER FUNCTION csms_report_expansion(timestamptz, timestamptz, text[]) SET jit = off;
ALTER FUNCTION csms_report_maintenance(timestamptz, timestamptz, text[]) SET jit = off;

-- Whole-month rollup rows only where the report buckets by month. 0010 read them for any
-- bucket, so a day or week bucket got a whole month's figures on the month's first day
-- (caught by a pg test of daily buckets across a whole month). The four-argument form now
-- reads days and hours only (reports without buckets and the maintenance report's
-- recent-weeks split); bucketed reports pass whether months may be used.

CREATE FUNCTION csms_rollup_rows(p_from timestamptz, p_to timestamptz, p_stations text[], p_hourly boolean,
                                 p_months boolean)
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
    SELECT st1.*, has_days AND p_months AND m0 < m1 AS has_months,
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

CREATE OR REPLACE FUNCTION csms_rollup_rows(p_from timestamptz, p_to timestamptz, p_stations text[], p_hourly boolean)
RETURNS TABLE (station_id text, time_zone text, evse_id integer, connector_id integer, local_day date,
               hour_start timestamptz, occupied_s bigint, charging_s bigint, down_s bigint,
               excused_down_s bigint, offline_s bigint, all_busy_s bigint, energy_wh double precision,
               sessions_started bigint)
LANGUAGE sql STABLE AS $$ SELECT * FROM csms_rollup_rows(p_from, p_to, p_stations, p_hourly, false) $$;

CREATE OR REPLACE FUNCTION csms_report_utilization(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT station_id, evse_id, connector_id,
           csms_bucket_start(p_bucket, local_day, hour_start, time_zone) AS bucket_start,
           sum(occupied_s) AS occupied_s, sum(charging_s) AS charging_s, sum(sessions_started) AS sessions
    FROM csms_rollup_rows(p_from, p_to, p_stations, p_bucket = 'hour', p_bucket = 'month')
    WHERE evse_id > 0
    GROUP BY 1, 2, 3, 4
  ), c AS (
    SELECT station_id, evse_id, connector_id FROM connectors WHERE evse_id > 0
    UNION SELECT station_id, evse_id, connector_id FROM r
  )
  SELECT coalesce(json_agg(json_build_object(
           'station_id', b.station_id, 'evse_id', c.evse_id, 'connector', c.connector_id,
           'bucket_start', csms_local_ts(b.bucket_start, b.time_zone), 'period_s', b.period_s,
           'occupied_s', coalesce(r.occupied_s, 0), 'charging_s', coalesce(r.charging_s, 0),
           'utilization_percent', round(100.0 * coalesce(r.occupied_s, 0) / nullif(b.period_s, 0), 2),
           'charging_percent', round(100.0 * coalesce(r.charging_s, 0) / nullif(b.period_s, 0), 2),
           'sessions', coalesce(r.sessions, 0))
         ORDER BY b.station_id, c.evse_id, c.connector_id, b.bucket_start), '[]')
  FROM csms_buckets(p_from, p_to, p_bucket, p_stations) b
  JOIN c ON c.station_id = b.station_id
  LEFT JOIN r ON r.station_id = b.station_id AND r.evse_id = c.evse_id AND r.connector_id = c.connector_id
             AND r.bucket_start = b.bucket_start
$$;

CREATE OR REPLACE FUNCTION csms_report_energy(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT station_id, csms_bucket_start(p_bucket, local_day, hour_start, time_zone) AS bucket_start,
           sum(energy_wh) AS energy_wh, sum(sessions_started) AS sessions
    FROM csms_rollup_rows(p_from, p_to, p_stations, p_bucket = 'hour', p_bucket = 'month')
    WHERE evse_id > 0
    GROUP BY 1, 2
  )
  SELECT coalesce(json_agg(json_build_object(
           'station_id', b.station_id, 'bucket_start', csms_local_ts(b.bucket_start, b.time_zone),
           'energy_wh', round(coalesce(r.energy_wh, 0))::bigint, 'sessions', coalesce(r.sessions, 0))
         ORDER BY b.station_id, b.bucket_start), '[]')
  FROM csms_buckets(p_from, p_to, p_bucket, p_stations) b
  LEFT JOIN r ON r.station_id = b.station_id AND r.bucket_start = b.bucket_start
$$;

CREATE OR REPLACE FUNCTION csms_report_uptime(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[],
                                   p_threshold double precision)
RETURNS json LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT station_id, csms_bucket_start(p_bucket, local_day, hour_start, time_zone) AS bucket_start,
           sum(down_s) FILTER (WHERE evse_id > 0) AS down_s,
           sum(excused_down_s) FILTER (WHERE evse_id > 0) AS excused_s,
           sum(offline_s) FILTER (WHERE evse_id = 0) AS offline_s
    FROM csms_rollup_rows(p_from, p_to, p_stations, p_bucket = 'hour', p_bucket = 'month')
    GROUP BY 1, 2
  ), n AS (
    SELECT station_id, count(*) AS connectors FROM connectors WHERE evse_id > 0 GROUP BY station_id
  ), u AS (
    SELECT b.*, coalesce(n.connectors, 0) AS connectors, coalesce(r.down_s, 0) AS down_s,
           coalesce(r.excused_s, 0) AS excused_s, coalesce(r.offline_s, 0) AS offline_s,
           CASE WHEN b.period_s > 0 AND coalesce(n.connectors, 0) > 0
                THEN round((100.0 * (1 - (coalesce(r.down_s, 0) - coalesce(r.excused_s, 0))::numeric
                                         / (n.connectors * b.period_s)))::numeric, 3) END AS uptime_percent
    FROM csms_buckets(p_from, p_to, p_bucket, p_stations) b
    LEFT JOIN n ON n.station_id = b.station_id
    LEFT JOIN r ON r.station_id = b.station_id AND r.bucket_start = b.bucket_start
  )
  SELECT coalesce(json_agg(json_build_object(
           'station_id', station_id, 'bucket_start', csms_local_ts(bucket_start, time_zone),
           'period_s', period_s, 'connectors', connectors, 'downtime_s', down_s - excused_s,
           'excused_downtime_s', excused_s, 'offline_s', offline_s, 'uptime_percent', uptime_percent,
           'below_threshold', coalesce(uptime_percent < p_threshold, false))
         ORDER BY station_id, bucket_start), '[]')
  FROM u
$$;

ALTER FUNCTION csms_report_utilization(timestamptz, timestamptz, text, text[]) SET jit = off;
ALTER FUNCTION csms_report_energy(timestamptz, timestamptz, text, text[]) SET jit = off;
ALTER FUNCTION csms_report_uptime(timestamptz, timestamptz, text, text[], double precision) SET jit = off;

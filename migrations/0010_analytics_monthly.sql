-- Monthly rollups and weekday x hour profiles, so that reports over a year read one row per
-- connector per month (and one profile per station per month) instead of every day or hour.

-- Per station per local day (station row, evse 0 / connector 0): occupied connector-seconds,
-- sessions started and energy by local hour of the day (index 1 = 00:00).
ALTER TABLE analytics_daily ADD COLUMN occupied_by_hour bigint[], ADD COLUMN sessions_by_hour bigint[],
  ADD COLUMN energy_by_hour double precision[];

CREATE TABLE analytics_monthly (
  station_id       text NOT NULL,
  evse_id          integer NOT NULL,
  connector_id     integer NOT NULL,
  local_month      date NOT NULL,  -- the first day of the month
  month_start      timestamptz NOT NULL,
  occupied_s       bigint NOT NULL DEFAULT 0,
  charging_s       bigint NOT NULL DEFAULT 0,
  down_s           bigint NOT NULL DEFAULT 0,
  excused_down_s   bigint NOT NULL DEFAULT 0,
  offline_s        bigint NOT NULL DEFAULT 0,
  all_busy_s       bigint NOT NULL DEFAULT 0,
  energy_wh        double precision NOT NULL DEFAULT 0,
  sessions_started bigint NOT NULL DEFAULT 0,
  -- Station row: by ISO weekday and local hour, index (weekday - 1) * 24 + hour + 1.
  profile_occupied bigint[],
  profile_sessions bigint[],
  profile_energy   double precision[],
  PRIMARY KEY (station_id, local_month, evse_id, connector_id)
);
CREATE INDEX analytics_monthly_month ON analytics_monthly (local_month);

-- Recomputes the daily hour profiles and the monthly rows of the given stations' local
-- days (called after the hourly and daily rows of those days were replaced).
CREATE FUNCTION csms_rollup_months(p_stations text[], p_days date[]) RETURNS void
LANGUAGE sql AS $$
  -- Hour-of-day profiles on the daily station rows (created when missing).
  WITH d AS (
    SELECT DISTINCT x.station_id, x.local_day, s.time_zone
    FROM unnest(p_stations, p_days) AS x(station_id, local_day) JOIN stations s ON s.id = x.station_id
  ), x AS (
    SELECT d.station_id, d.local_day, extract(hour FROM h.local_hour)::int AS hr,
           sum(h.occupied_s) FILTER (WHERE h.evse_id > 0) AS occupied, sum(h.sessions_started) AS sessions,
           sum(h.energy_wh) AS energy
    FROM d JOIN analytics_hourly h ON h.station_id = d.station_id
     AND h.hour_start >= csms_local_day_start(d.local_day, d.time_zone)
     AND h.hour_start < csms_local_day_start(d.local_day + 1, d.time_zone)
    GROUP BY 1, 2, 3
  )
  INSERT INTO analytics_daily AS a (station_id, evse_id, connector_id, local_day, day_start, day_s,
                                    occupied_by_hour, sessions_by_hour, energy_by_hour)
  SELECT d.station_id, 0, 0, d.local_day, csms_local_day_start(d.local_day, d.time_zone),
         extract(epoch FROM csms_local_day_start(d.local_day + 1, d.time_zone)
                            - csms_local_day_start(d.local_day, d.time_zone))::int,
         array_agg(coalesce(x.occupied, 0) ORDER BY g.hr), array_agg(coalesce(x.sessions, 0) ORDER BY g.hr),
         array_agg(coalesce(x.energy, 0) ORDER BY g.hr)
  FROM d CROSS JOIN generate_series(0, 23) g(hr)
  LEFT JOIN x ON x.station_id = d.station_id AND x.local_day = d.local_day AND x.hr = g.hr
  GROUP BY d.station_id, d.local_day, d.time_zone
  ON CONFLICT (station_id, local_day, evse_id, connector_id) DO UPDATE SET
    occupied_by_hour = EXCLUDED.occupied_by_hour, sessions_by_hour = EXCLUDED.sessions_by_hour,
    energy_by_hour = EXCLUDED.energy_by_hour;

  -- The months those days are in, summed again from their days (every such month has a
  -- station row now, because every day has one).
  DELETE FROM analytics_monthly m
  USING (SELECT DISTINCT station_id, date_trunc('month', local_day)::date AS local_month
         FROM unnest(p_stations, p_days) AS d(station_id, local_day)) t
  WHERE m.station_id = t.station_id AND m.local_month = t.local_month;

  WITH t AS (
    SELECT DISTINCT x.station_id, date_trunc('month', x.local_day)::date AS local_month, s.time_zone
    FROM unnest(p_stations, p_days) AS x(station_id, local_day) JOIN stations s ON s.id = x.station_id
  ), p AS (  -- weekday x hour from the days' hour profiles
    SELECT t.station_id, t.local_month,
           (extract(isodow FROM a.local_day)::int - 1) * 24 + u.hr::int - 1 AS slot,
           sum(u.occupied) AS occupied, sum(u.sessions) AS sessions, sum(u.energy) AS energy
    FROM t JOIN analytics_daily a ON a.station_id = t.station_id AND a.evse_id = 0 AND a.connector_id = 0
     AND a.local_day >= t.local_month AND a.local_day < (t.local_month + interval '1 month')::date
    CROSS JOIN LATERAL unnest(a.occupied_by_hour, a.sessions_by_hour, a.energy_by_hour)
      WITH ORDINALITY AS u(occupied, sessions, energy, hr)
    GROUP BY 1, 2, 3
  ), profiles AS (
    SELECT t.station_id, t.local_month,
           array_agg(coalesce(p.occupied, 0)::bigint ORDER BY g.slot) AS occupied,
           array_agg(coalesce(p.sessions, 0)::bigint ORDER BY g.slot) AS sessions,
           array_agg(coalesce(p.energy, 0) ORDER BY g.slot) AS energy
    FROM t CROSS JOIN generate_series(0, 167) g(slot)
    LEFT JOIN p ON p.station_id = t.station_id AND p.local_month = t.local_month AND p.slot = g.slot
    GROUP BY t.station_id, t.local_month
  )
  INSERT INTO analytics_monthly (station_id, evse_id, connector_id, local_month, month_start, occupied_s,
                                 charging_s, down_s, excused_down_s, offline_s, all_busy_s, energy_wh,
                                 sessions_started, profile_occupied, profile_sessions, profile_energy)
  SELECT a.station_id, a.evse_id, a.connector_id, t.local_month, csms_local_day_start(t.local_month, t.time_zone),
         sum(a.occupied_s), sum(a.charging_s), sum(a.down_s), sum(a.excused_down_s), sum(a.offline_s),
         sum(a.all_busy_s), sum(a.energy_wh), sum(a.sessions_started),
         min(pr.occupied), min(pr.sessions), min(pr.energy)
  FROM t JOIN analytics_daily a ON a.station_id = t.station_id AND a.local_day >= t.local_month
   AND a.local_day < (t.local_month + interval '1 month')::date
  LEFT JOIN profiles pr ON pr.station_id = t.station_id AND pr.local_month = t.local_month
   AND a.evse_id = 0 AND a.connector_id = 0
  GROUP BY a.station_id, a.evse_id, a.connector_id, t.local_month, t.time_zone;
$$;

-- Rollup rows of [p_from, p_to) per station: whole local months from analytics_monthly,
-- whole local days at the edges from analytics_daily, the hours of partial days at the
-- very edges (or every hour with p_hourly) from analytics_hourly.
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
  FROM st JOIN analytics_monthly m ON m.station_id = st.id AND m.local_month >= st.m0 AND m.local_month < st.m1
  WHERE st.has_months
  UNION ALL
  SELECT d.station_id, st.time_zone, d.evse_id, d.connector_id, d.local_day, d.day_start,
         d.occupied_s, d.charging_s, d.down_s, d.excused_down_s, d.offline_s, d.all_busy_s, d.energy_wh,
         d.sessions_started
  FROM st JOIN analytics_daily d ON d.station_id = st.id AND d.local_day >= st.d0 AND d.local_day < st.d1
  WHERE st.has_days AND NOT (st.has_months AND d.local_day >= st.m0 AND d.local_day < st.m1)
  UNION ALL
  SELECT h.station_id, st.time_zone, h.evse_id, h.connector_id, h.local_hour::date, h.hour_start,
         h.occupied_s, h.charging_s, h.down_s, h.excused_down_s, h.offline_s, h.all_busy_s, h.energy_wh,
         h.sessions_started
  FROM st JOIN analytics_hourly h ON h.station_id = st.id AND h.hour_start >= p_from AND h.hour_start < st.a_end
  UNION ALL
  SELECT h.station_id, st.time_zone, h.evse_id, h.connector_id, h.local_hour::date, h.hour_start,
         h.occupied_s, h.charging_s, h.down_s, h.excused_down_s, h.offline_s, h.all_busy_s, h.energy_wh,
         h.sessions_started
  FROM st JOIN analytics_hourly h ON h.station_id = st.id AND h.hour_start >= st.b_start AND h.hour_start < p_to
  WHERE st.has_days
$$;

-- peak-hours from the profiles: whole local months from analytics_monthly (168 sums over
-- one row per station and month), the rest of the range from the hourly rows.
CREATE OR REPLACE FUNCTION csms_report_peak_hours(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
  sums text;
  result json;
BEGIN
  SELECT string_agg(format('sum(m.profile_occupied[%1$s]), sum(m.profile_sessions[%1$s]), sum(m.profile_energy[%1$s])', i), ', ')
  INTO sums FROM generate_series(1, 168) i;
  EXECUTE format($q$
  WITH st AS (
    SELECT s.id, s.time_zone,
           (SELECT count(*) FROM connectors c WHERE c.station_id = s.id AND c.evse_id > 0) AS connectors,
           (date_trunc('month', ($1 AT TIME ZONE s.time_zone)::date - 1) + interval '1 month')::date AS m0,
           date_trunc('month', ($2 AT TIME ZONE s.time_zone)::date)::date AS m1
    FROM stations s WHERE $3 IS NULL OR s.id = ANY ($3)
  ), st2 AS (
    SELECT st.*, m0 < m1 AS has_months,
           CASE WHEN m0 < m1 THEN csms_local_day_start(m0, time_zone) ELSE $2 END AS a_end,
           CASE WHEN m0 < m1 THEN csms_local_day_start(m1, time_zone) ELSE $2 END AS b_start
    FROM st
  ), zones AS (
    SELECT time_zone, sum(connectors) AS connectors FROM st GROUP BY time_zone
  ), slots AS (  -- connector-hours available per weekday and local hour
    SELECT extract(isodow FROM h AT TIME ZONE z.time_zone)::int AS weekday,
           extract(hour FROM h AT TIME ZONE z.time_zone)::int AS hour,
           sum(z.connectors * extract(epoch FROM least(h + interval '1 hour', $2, now()) - h)) AS capacity_s
    FROM zones z CROSS JOIN LATERAL generate_series(date_trunc('hour', $1, z.time_zone),
                                                    $2 - interval '1 millisecond', interval '1 hour') h
    WHERE h < now()
    GROUP BY 1, 2
  ), months AS (
    SELECT ARRAY[%s] AS v
    FROM st2 JOIN analytics_monthly m ON m.station_id = st2.id AND m.evse_id = 0 AND m.connector_id = 0
      AND m.local_month >= st2.m0 AND m.local_month < st2.m1
    WHERE st2.has_months
  ), from_months AS (
    SELECT i / 3 + 1 AS slot,
           sum(v[i + 1]) FILTER (WHERE i %% 3 = 0) AS occupied_s,
           sum(v[i + 1]) FILTER (WHERE i %% 3 = 1) AS sessions,
           sum(v[i + 1]) FILTER (WHERE i %% 3 = 2) AS energy_wh
    FROM months, generate_series(0, 503) i
    GROUP BY 1
  ), from_hours AS (
    SELECT (extract(isodow FROM h.local_hour)::int - 1) * 24 + extract(hour FROM h.local_hour)::int + 1 AS slot,
           sum(h.occupied_s) FILTER (WHERE h.evse_id > 0) AS occupied_s,
           sum(h.sessions_started) AS sessions, sum(h.energy_wh) AS energy_wh
    FROM st2 JOIN analytics_hourly h ON h.station_id = st2.id
      AND ((h.hour_start >= $1 AND h.hour_start < st2.a_end) OR (st2.has_months AND h.hour_start >= st2.b_start AND h.hour_start < $2))
    GROUP BY 1
  ), r AS (
    SELECT slot, sum(occupied_s) AS occupied_s, sum(sessions) AS sessions, sum(energy_wh) AS energy_wh
    FROM (SELECT * FROM from_months UNION ALL SELECT * FROM from_hours) x GROUP BY slot
  ), grid AS (
    SELECT w AS weekday, hr AS hour, (w - 1) * 24 + hr + 1 AS slot FROM generate_series(1, 7) w, generate_series(0, 23) hr
  )
  SELECT coalesce(json_agg(json_build_object(
           'weekday', g.weekday, 'hour', g.hour, 'sessions_started', coalesce(r.sessions, 0),
           'avg_occupancy_percent', coalesce(round((100.0 * r.occupied_s / nullif(s.capacity_s, 0))::numeric, 2), 0),
           'energy_wh', round(coalesce(r.energy_wh, 0))::bigint)
         ORDER BY g.weekday, g.hour), '[]')
  FROM grid g
  LEFT JOIN slots s ON s.weekday = g.weekday AND s.hour = g.hour
  LEFT JOIN r ON r.slot = g.slot
  $q$, sums) INTO result USING p_from, p_to, p_stations;
  RETURN result;
END $$;

-- sessions: the repeat rate per station in one pass (was a subquery per station).
CREATE OR REPLACE FUNCTION csms_report_sessions(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH t AS (
    SELECT t.id, t.station_id, t.id_token, k.customer_id,
           extract(epoch FROM coalesce(t.stopped_at, least(now(), p_to)) - t.started_at) AS duration_s,
           greatest(0, coalesce(t.meter_stop_wh, csms_last_register_wh(t.id)) - t.meter_start_wh) AS energy_wh
    FROM transactions t LEFT JOIN id_tokens k ON k.token = t.id_token
    WHERE t.started_at >= p_from AND t.started_at < p_to
      AND (p_stations IS NULL OR t.station_id = ANY (p_stations))
  ), repeat AS (
    SELECT station_id, count(*) FILTER (WHERE n > 1) AS repeaters
    FROM (SELECT station_id, id_token, count(*) AS n FROM t WHERE id_token IS NOT NULL GROUP BY 1, 2) p
    GROUP BY station_id
  ), idle AS (  -- connected time not charging, from the rollups
    SELECT station_id, sum(occupied_s) AS occupied_s, sum(charging_s) AS charging_s
    FROM csms_rollup_rows(p_from, p_to, p_stations, false) WHERE evse_id > 0 GROUP BY 1
  ), s AS (
    SELECT station_id, count(*) AS sessions,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_s) AS d50,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY duration_s) AS d90, max(duration_s) AS dmax,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY energy_wh) AS e50,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY energy_wh) AS e90, max(energy_wh) AS emax,
           count(DISTINCT id_token) AS tokens, count(DISTINCT customer_id) AS customers
    FROM t GROUP BY station_id
  )
  SELECT coalesce(json_agg(json_build_object(
           'station_id', s.station_id, 'sessions', s.sessions,
           'duration_p50_s', round(s.d50)::bigint, 'duration_p90_s', round(s.d90)::bigint,
           'duration_max_s', round(s.dmax)::bigint,
           'energy_p50_wh', round(s.e50)::bigint, 'energy_p90_wh', round(s.e90)::bigint,
           'energy_max_wh', round(s.emax)::bigint,
           'idle_percent', round((100.0 * (i.occupied_s - i.charging_s) / nullif(i.occupied_s, 0))::numeric, 2),
           'unique_id_tokens', s.tokens, 'unique_customers', s.customers,
           'repeat_percent', round((100.0 * coalesce(r.repeaters, 0) / nullif(s.tokens, 0))::numeric, 2))
         ORDER BY s.station_id), '[]')
  FROM s LEFT JOIN idle i ON i.station_id = s.station_id LEFT JOIN repeat r ON r.station_id = s.station_id
$$;

-- Existing daily rows get their profiles and months (a rebuild does the same for any range).
SELECT csms_rollup_months(array_agg(station_id), array_agg(local_day))
FROM (SELECT DISTINCT station_id, local_day FROM analytics_daily) d
HAVING count(*) > 0;

-- Analytics reports (GET /api/v1/analytics/{report}) and the rollup reader they share.
-- A repeatable migration: applied again whenever this text changes, so each function is
-- defined once, here (the numbered migrations 0006-0016 hold their earlier versions).

-- `t` as RFC 3339 in the zone's local time with its offset, e.g. 2026-03-29T03:00:00+02:00.
-- One expression, so that PostgreSQL inlines it (0006's version with a FROM clause was a
-- function call per row: 10 us, a fifth of a 14,000-row report).
CREATE OR REPLACE FUNCTION csms_local_ts(t timestamptz, zone text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE zone, 'YYYY-MM-DD"T"HH24:MI:SS') ||
         CASE WHEN t AT TIME ZONE zone < t AT TIME ZONE 'UTC' THEN '-' ELSE '+' END ||
         to_char(abs(extract(epoch FROM (t AT TIME ZONE zone) - (t AT TIME ZONE 'UTC'))) * interval '1 second',
                 'HH24:MI')
$$;

-- The buckets of [p_from, p_to) per time zone of the chosen stations: local hours, days, ISO
-- weeks or months, each with the seconds of it that lie inside the range and before now, and
-- its start as RFC 3339 in local time. Stations share their zone's buckets: a year of daily
-- buckets for 500 stations in five zones is 1,825 of these.
DROP FUNCTION IF EXISTS csms_zone_buckets(timestamptz, timestamptz, text, text[]);
CREATE FUNCTION csms_zone_buckets(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (time_zone text, bucket_start timestamptz, bucket_end timestamptz, period_s bigint, label text)
LANGUAGE sql STABLE AS $$
  SELECT z.time_zone, g.b0, g.b1,
         greatest(0, extract(epoch FROM least(g.b1, p_to, now()) - greatest(g.b0, p_from)))::bigint,
         csms_local_ts(g.b0, z.time_zone)
  FROM (SELECT DISTINCT s.time_zone FROM stations s WHERE p_stations IS NULL OR s.id = ANY (p_stations)) z
  CROSS JOIN LATERAL (
    SELECT h AS b0, h + interval '1 hour' AS b1
    FROM generate_series(date_trunc('hour', p_from, z.time_zone), p_to - interval '1 millisecond',
                         interval '1 hour') h
    WHERE p_bucket = 'hour'
    UNION ALL
    SELECT d AT TIME ZONE z.time_zone,
           (d + CASE p_bucket WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '1 week'
                              ELSE interval '1 month' END) AT TIME ZONE z.time_zone
    FROM generate_series(date_trunc(CASE p_bucket WHEN 'week' THEN 'week' WHEN 'month' THEN 'month' ELSE 'day' END,
                                    p_from AT TIME ZONE z.time_zone),
                         (p_to - interval '1 millisecond') AT TIME ZONE z.time_zone,
                         CASE p_bucket WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '1 week'
                                       ELSE interval '1 month' END) d
    WHERE p_bucket <> 'hour'
  ) g
$$;

-- The buckets per station: its zone's (the labels are made once per zone and bucket, not per
-- station: that was a fifth of a month's daily report for 500 stations).
DROP FUNCTION IF EXISTS csms_buckets(timestamptz, timestamptz, text, text[]);
CREATE FUNCTION csms_buckets(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (station_id text, time_zone text, bucket_start timestamptz, bucket_end timestamptz, period_s bigint,
               label text)
LANGUAGE sql STABLE AS $$
  WITH z AS MATERIALIZED (SELECT * FROM csms_zone_buckets(p_from, p_to, p_bucket, p_stations))
  SELECT s.id, z.time_zone, z.bucket_start, z.bucket_end, z.period_s, z.label
  FROM z JOIN stations s ON s.time_zone = z.time_zone
  WHERE p_stations IS NULL OR s.id = ANY (p_stations)
$$;

-- How a range [p_from, p_to) splits per station (its local calendar): the hours before the
-- first whole local day d0 and from the last one d1 on (a_end, b_start), whole local days
-- [d0, d1) when p_days, of which whole months [m0, m1) when p_months, and with p_tail the
-- last, partial month [m1, d1) as its monthly row less its days from d1 on when those are
-- fewer (a range up to now: the month so far less today); lead_end ends the days read at
-- the start of the range. The report functions below share it.
CREATE OR REPLACE FUNCTION csms_range_parts(p_from timestamptz, p_to timestamptz, p_stations text[],
                                            p_days boolean, p_months boolean, p_tail boolean)
RETURNS TABLE (id text, time_zone text, d0 date, d1 date, m0 date, m1 date, m1_end date, has_days boolean,
               has_months boolean, tail_month boolean, lead_end date, a_end timestamptz, b_start timestamptz)
LANGUAGE sql STABLE AS $$
  WITH st0 AS (
    SELECT s.id, s.time_zone,
           CASE WHEN (p_from AT TIME ZONE s.time_zone)::time = '00:00'
                THEN (p_from AT TIME ZONE s.time_zone)::date
                ELSE (p_from AT TIME ZONE s.time_zone)::date + 1 END AS d0,
           (p_to AT TIME ZONE s.time_zone)::date AS d1
    FROM stations s WHERE p_stations IS NULL OR s.id = ANY (p_stations)
  ), st1 AS (
    SELECT st0.*, (date_trunc('month', d0 - 1) + interval '1 month')::date AS m0, date_trunc('month', d1)::date AS m1,
           (date_trunc('month', d1) + interval '1 month')::date AS m1_end, p_days AND d0 < d1 AS has_days
    FROM st0
  ), st2 AS (
    SELECT st1.*, has_days AND p_months AND m0 < m1 AS has_months,
           has_days AND p_months AND p_tail AND d0 <= m1 AND m1 < d1 AND m1_end - d1 < d1 - m1 AS tail_month
    FROM st1
  )
  SELECT id, time_zone, d0, d1, m0, m1, m1_end, has_days, has_months, tail_month,
         CASE WHEN has_months THEN m0 WHEN tail_month THEN m1 ELSE d1 END,
         CASE WHEN has_days THEN csms_local_day_start(d0, time_zone) ELSE p_to END,
         CASE WHEN has_days THEN csms_local_day_start(d1, time_zone) ELSE p_to END
  FROM st2
$$;

CREATE OR REPLACE FUNCTION csms_rollup_rows(p_from timestamptz, p_to timestamptz, p_stations text[], p_hourly boolean,
                                 p_months boolean)
RETURNS TABLE (station_id text, time_zone text, evse_id integer, connector_id integer, local_day date,
               hour_start timestamptz, occupied_s bigint, charging_s bigint, down_s bigint,
               excused_down_s bigint, offline_s bigint, all_busy_s bigint, energy_wh double precision,
               sessions_started bigint)
LANGUAGE sql STABLE AS $$
  WITH st AS (SELECT * FROM csms_range_parts(p_from, p_to, p_stations, NOT p_hourly, p_months, true))
  SELECT m.station_id, st.time_zone, m.evse_id, m.connector_id, m.local_month, m.month_start,
         m.occupied_s, m.charging_s, m.down_s, m.excused_down_s, m.offline_s, m.all_busy_s, m.energy_wh,
         m.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_monthly x WHERE x.station_id = st.id
                               AND x.local_month >= st.m0
                               AND x.local_month < CASE WHEN st.tail_month THEN st.m1_end ELSE st.m1 END
                               OFFSET 0) m
  WHERE st.has_months OR st.tail_month
  UNION ALL
  SELECT d.station_id, st.time_zone, d.evse_id, d.connector_id, d.local_day, d.day_start,
         d.occupied_s, d.charging_s, d.down_s, d.excused_down_s, d.offline_s, d.all_busy_s, d.energy_wh,
         d.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_daily x WHERE x.station_id = st.id AND x.local_day >= st.d0
                               AND x.local_day < st.lead_end OFFSET 0) d
  WHERE st.has_days
  UNION ALL
  SELECT d.station_id, st.time_zone, d.evse_id, d.connector_id, d.local_day, d.day_start,
         d.occupied_s, d.charging_s, d.down_s, d.excused_down_s, d.offline_s, d.all_busy_s, d.energy_wh,
         d.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_daily x WHERE x.station_id = st.id AND x.local_day >= st.m1
                               AND x.local_day < st.d1 OFFSET 0) d
  WHERE st.has_months AND NOT st.tail_month
  UNION ALL  -- the tail month's days from d1 on, subtracted
  SELECT d.station_id, st.time_zone, d.evse_id, d.connector_id, d.local_day, d.day_start,
         -d.occupied_s, -d.charging_s, -d.down_s, -d.excused_down_s, -d.offline_s, -d.all_busy_s, -d.energy_wh,
         -d.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_daily x WHERE x.station_id = st.id AND x.local_day >= st.d1
                               AND x.local_day < st.m1_end OFFSET 0) d
  WHERE st.tail_month
  UNION ALL
  SELECT h.station_id, st.time_zone, h.evse_id, h.connector_id, h.local_hour::date, h.hour_start,
         h.occupied_s, h.charging_s, h.down_s, h.excused_down_s, h.offline_s, h.all_busy_s, h.energy_wh,
         h.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_hourly x WHERE x.station_id = st.id
                               AND x.hour_start >= p_from AND x.hour_start < st.a_end OFFSET 0) h
  UNION ALL
  SELECT h.station_id, st.time_zone, h.evse_id, h.connector_id, h.local_hour::date, h.hour_start,
         h.occupied_s, h.charging_s, h.down_s, h.excused_down_s, h.offline_s, h.all_busy_s, h.energy_wh,
         h.sessions_started
  FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_hourly x WHERE x.station_id = st.id
                               AND x.hour_start >= st.b_start AND x.hour_start < p_to OFFSET 0) h
  WHERE st.has_days
$$;

CREATE OR REPLACE FUNCTION csms_rollup_rows(p_from timestamptz, p_to timestamptz, p_stations text[], p_hourly boolean)
RETURNS TABLE (station_id text, time_zone text, evse_id integer, connector_id integer, local_day date,
               hour_start timestamptz, occupied_s bigint, charging_s bigint, down_s bigint,
               excused_down_s bigint, offline_s bigint, all_busy_s bigint, energy_wh double precision,
               sessions_started bigint)
LANGUAGE sql STABLE AS $$ SELECT * FROM csms_rollup_rows(p_from, p_to, p_stations, p_hourly, false) $$;

-- A station's connectors as the utilization reports count them, whatever the range: those it
-- reported and any its rollups named (analytics_connectors: a session or status on a connector
-- it never reported).
CREATE OR REPLACE FUNCTION csms_station_connectors(p_stations text[])
RETURNS TABLE (station_id text, evse_id integer, connector_id integer)
LANGUAGE sql STABLE AS $$
  SELECT c.station_id, c.evse_id, c.connector_id FROM connectors c
  WHERE c.evse_id > 0 AND (p_stations IS NULL OR c.station_id = ANY (p_stations))
  UNION
  SELECT a.station_id, a.evse_id, a.connector_id FROM analytics_connectors a
  WHERE p_stations IS NULL OR a.station_id = ANY (p_stations)
$$;

DROP FUNCTION IF EXISTS csms_report_utilization(timestamptz, timestamptz, text, text[]);
CREATE FUNCTION csms_report_utilization(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (station_id text, evse_id integer, connector integer, bucket_start text, period_s bigint, occupied_s numeric, charging_s numeric, utilization_percent numeric, charging_percent numeric, sessions numeric, connectors bigint)
LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT station_id, evse_id, connector_id,
           csms_bucket_start(p_bucket, local_day, hour_start, time_zone) AS bucket_start,
           sum(occupied_s) AS occupied_s, sum(charging_s) AS charging_s, sum(sessions_started) AS sessions
    FROM csms_rollup_rows(p_from, p_to, p_stations, p_bucket = 'hour', p_bucket = 'month')
    WHERE evse_id > 0
    GROUP BY 1, 2, 3, 4
  ), c AS (
    SELECT * FROM csms_station_connectors(p_stations)
  )
  SELECT b.station_id AS station_id,
         c.evse_id AS evse_id,
         c.connector_id AS connector,
         b.label AS bucket_start,
         b.period_s AS period_s,
         coalesce(r.occupied_s, 0) AS occupied_s,
         coalesce(r.charging_s, 0) AS charging_s,
         round(100.0 * coalesce(r.occupied_s, 0) / nullif(b.period_s, 0), 2) AS utilization_percent,
         round(100.0 * coalesce(r.charging_s, 0) / nullif(b.period_s, 0), 2) AS charging_percent,
         coalesce(r.sessions, 0) AS sessions,
         1::bigint AS connectors
  FROM csms_buckets(p_from, p_to, p_bucket, p_stations) b
  JOIN c ON c.station_id = b.station_id
  LEFT JOIN r ON r.station_id = b.station_id AND r.evse_id = c.evse_id AND r.connector_id = c.connector_id
             AND r.bucket_start = b.bucket_start
  ORDER BY b.station_id, c.evse_id, c.connector_id, b.bucket_start
$$;

-- utilization per station (GET ...?group=station): the connectors' times summed, period_s in
-- connector-seconds (the station's connectors, as the per-connector report lists them, times
-- the bucket's seconds), evse_id and connector NULL. The same sums as adding up the
-- per-connector rows, without making them (a month of 500 stations is 34,000 of them).
DROP FUNCTION IF EXISTS csms_report_utilization_stations(timestamptz, timestamptz, text, text[]);
CREATE FUNCTION csms_report_utilization_stations(p_from timestamptz, p_to timestamptz, p_bucket text,
                                                 p_stations text[])
RETURNS TABLE (station_id text, evse_id integer, connector integer, bucket_start text, period_s bigint, occupied_s numeric, charging_s numeric, utilization_percent numeric, charging_percent numeric, sessions numeric, connectors bigint)
LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT station_id, csms_bucket_start(p_bucket, local_day, hour_start, time_zone) AS bucket_start,
           sum(occupied_s) AS occupied_s, sum(charging_s) AS charging_s, sum(sessions_started) AS sessions
    FROM csms_rollup_rows(p_from, p_to, p_stations, p_bucket = 'hour', p_bucket = 'month')
    WHERE evse_id > 0
    GROUP BY 1, 2
  ), n AS (  -- as the per-connector report lists them
    SELECT k.station_id, count(*) AS connectors FROM csms_station_connectors(p_stations) k GROUP BY 1
  )
  SELECT b.station_id AS station_id,
         NULL::integer AS evse_id,
         NULL::integer AS connector,
         b.label AS bucket_start,
         n.connectors * b.period_s AS period_s,
         coalesce(r.occupied_s, 0) AS occupied_s,
         coalesce(r.charging_s, 0) AS charging_s,
         round(100.0 * coalesce(r.occupied_s, 0) / nullif(n.connectors * b.period_s, 0), 2) AS utilization_percent,
         round(100.0 * coalesce(r.charging_s, 0) / nullif(n.connectors * b.period_s, 0), 2) AS charging_percent,
         coalesce(r.sessions, 0) AS sessions,
         n.connectors AS connectors
  FROM csms_buckets(p_from, p_to, p_bucket, p_stations) b
  JOIN n ON n.station_id = b.station_id
  LEFT JOIN r ON r.station_id = b.station_id AND r.bucket_start = b.bucket_start
  ORDER BY b.station_id, b.bucket_start
$$;

DROP FUNCTION IF EXISTS csms_report_energy(timestamptz, timestamptz, text, text[]);
CREATE FUNCTION csms_report_energy(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (station_id text, bucket_start text, energy_wh bigint, sessions numeric)
LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT station_id, csms_bucket_start(p_bucket, local_day, hour_start, time_zone) AS bucket_start,
           sum(energy_wh) AS energy_wh, sum(sessions_started) AS sessions
    FROM csms_rollup_rows(p_from, p_to, p_stations, p_bucket = 'hour', p_bucket = 'month')
    WHERE evse_id > 0
    GROUP BY 1, 2
  )
  SELECT b.station_id AS station_id,
         b.label AS bucket_start,
         round(coalesce(r.energy_wh, 0))::bigint AS energy_wh,
         coalesce(r.sessions, 0) AS sessions
  FROM csms_buckets(p_from, p_to, p_bucket, p_stations) b
  LEFT JOIN r ON r.station_id = b.station_id AND r.bucket_start = b.bucket_start
  ORDER BY b.station_id, b.bucket_start
$$;

DROP FUNCTION IF EXISTS csms_report_uptime(timestamptz, timestamptz, text, text[], double precision);
CREATE FUNCTION csms_report_uptime(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[],
                                   p_threshold double precision)
RETURNS TABLE (station_id text, bucket_start text, period_s bigint, connectors bigint, downtime_s numeric, excused_downtime_s numeric, offline_s numeric, uptime_percent numeric, below_threshold boolean)
LANGUAGE sql STABLE AS $$
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
  SELECT station_id AS station_id,
         label AS bucket_start,
         period_s AS period_s,
         connectors AS connectors,
         down_s - excused_s AS downtime_s,
         excused_s AS excused_downtime_s,
         offline_s AS offline_s,
         uptime_percent AS uptime_percent,
         coalesce(uptime_percent < p_threshold, false) AS below_threshold
  FROM u
  ORDER BY u.station_id, u.bucket_start
$$;

-- The daily station rows (hour profiles) a range reads for one station besides its whole
-- months, with the sign they count with: days at the start [d0, lead_end), the last partial
-- month's days [m1, d1) when months are read, or with a tail month its days from d1 on,
-- subtracted. Arguments are a csms_range_parts row's.
CREATE OR REPLACE FUNCTION csms_profile_days(p_station text, p_d0 date, p_d1 date, p_m1 date, p_m1_end date,
                                             p_has_months boolean, p_tail_month boolean, p_lead_end date)
RETURNS TABLE (sign integer, local_day date, occupied_by_hour bigint[], sessions_by_hour bigint[],
               energy_by_hour double precision[])
LANGUAGE sql STABLE AS $$
  SELECT * FROM (
    SELECT 1, x.local_day, x.occupied_by_hour, x.sessions_by_hour, x.energy_by_hour FROM analytics_daily x
    WHERE x.station_id = p_station AND x.evse_id = 0 AND x.connector_id = 0 AND x.local_day >= p_d0
      AND x.local_day < p_lead_end
    UNION ALL
    SELECT 1, x.local_day, x.occupied_by_hour, x.sessions_by_hour, x.energy_by_hour FROM analytics_daily x
    WHERE p_has_months AND NOT p_tail_month AND x.station_id = p_station AND x.evse_id = 0 AND x.connector_id = 0
      AND x.local_day >= p_m1 AND x.local_day < p_d1
    UNION ALL
    SELECT -1, x.local_day, x.occupied_by_hour, x.sessions_by_hour, x.energy_by_hour FROM analytics_daily x
    WHERE p_tail_month AND x.station_id = p_station AND x.evse_id = 0 AND x.connector_id = 0
      AND x.local_day >= p_d1 AND x.local_day < p_m1_end) y
  OFFSET 0
$$;

-- peak-hours: whole local months from the monthly profiles, whole days at the edges from the
-- daily hour profiles, partial days from the hourly rows. The profiles are summed slot by
-- slot (sum(o[1]), ..., sum(o[168]), written out below by format()) with each array
-- detoasted once: unnesting them was a row per slot, 1.3 million rows for a year of 500
-- stations (1.1 s); subscripting a TOASTed array per slot detoasted it every time.
DROP FUNCTION IF EXISTS csms_report_peak_hours(timestamptz, timestamptz, text[]);
DO $generate$
DECLARE
  week text := (SELECT string_agg(format('sum(p.%%1$s[%s])', i), ', ' ORDER BY i) FROM generate_series(1, 168) i);
  day text := (SELECT string_agg(format('sum(p.sign * p.%%1$s[%s])', i), ', ' ORDER BY i) FROM generate_series(1, 24) i);
BEGIN
  EXECUTE format($function$
CREATE FUNCTION csms_report_peak_hours(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS TABLE (weekday integer, hour integer, sessions_started numeric, avg_occupancy_percent numeric, energy_wh bigint)
LANGUAGE sql STABLE AS $$
  WITH st AS (
    SELECT r.*, (SELECT count(*) FROM connectors c WHERE c.station_id = r.id AND c.evse_id > 0) AS connectors
    FROM csms_range_parts(p_from, p_to, p_stations, true, true, true) r
  ), zones AS (
    SELECT time_zone, sum(connectors) AS connectors FROM st GROUP BY time_zone
  ), zone_days AS (  -- each zone's local days from p_from's to the one before p_to (or now)
    SELECT z.time_zone, z.connectors, d::date AS day, csms_local_day_start(d::date, z.time_zone) AS day_start,
           csms_local_day_start(d::date + 1, z.time_zone) AS day_end
    FROM zones z CROSS JOIN LATERAL generate_series(
      (p_from AT TIME ZONE z.time_zone)::date,
      ((least(p_to, now()) - interval '1 millisecond') AT TIME ZONE z.time_zone)::date, interval '1 day') d
  ), slots AS (  -- connector-seconds available per weekday and local hour
    SELECT slot, sum(capacity_s) AS capacity_s FROM (
      -- a whole 24-hour local day inside the range: an hour in each slot of its weekday
      SELECT (w.isodow - 1) * 24 + hr + 1 AS slot, w.connectors * 3600 AS capacity_s
      FROM (SELECT extract(isodow FROM day)::int AS isodow, sum(connectors) AS connectors FROM zone_days
            WHERE day_start >= p_from AND day_end <= least(p_to, now()) AND day_end - day_start = interval '24 hours'
            GROUP BY 1) w
      CROSS JOIN generate_series(0, 23) hr
      UNION ALL
      -- the other days (the range's ends, DST changes) hour by hour; a range starting inside
      -- an hour counts that whole hour
      SELECT (extract(isodow FROM h AT TIME ZONE d.time_zone)::int - 1) * 24
               + extract(hour FROM h AT TIME ZONE d.time_zone)::int + 1,
             d.connectors * extract(epoch FROM least(h + interval '1 hour', p_to, now()) - h)
      FROM zone_days d CROSS JOIN LATERAL generate_series(greatest(d.day_start, date_trunc('hour', p_from, d.time_zone)),
                                                          least(d.day_end, p_to) - interval '1 millisecond',
                                                          interval '1 hour') h
      WHERE NOT (d.day_start >= p_from AND d.day_end <= least(p_to, now())
                 AND d.day_end - d.day_start = interval '24 hours')
        AND h < now()) x
    GROUP BY slot
  ), months AS (  -- the whole months' weekday x hour profiles, summed slot by slot
    SELECT ARRAY[%1$s] AS occupied, ARRAY[%2$s] AS sessions, ARRAY[%3$s] AS energy
    FROM (SELECT x.profile_occupied || '{}'::bigint[] AS o, x.profile_sessions || '{}'::bigint[] AS s,
                 x.profile_energy || '{}'::float8[] AS e
          FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_monthly x WHERE x.station_id = st.id
                                       AND x.evse_id = 0 AND x.connector_id = 0 AND x.local_month >= st.m0
                                       AND x.local_month < CASE WHEN st.tail_month THEN st.m1_end ELSE st.m1 END
                                       OFFSET 0) x
          WHERE st.has_months OR st.tail_month OFFSET 0) p
  ), days AS (  -- the whole days' hour profiles at the edges (sign -1: a tail month's days from d1 on)
    SELECT extract(isodow FROM p.local_day)::int AS weekday,
           ARRAY[%4$s] AS occupied, ARRAY[%5$s] AS sessions, ARRAY[%6$s] AS energy
    FROM (SELECT x.local_day, x.sign, x.occupied_by_hour AS o, x.sessions_by_hour AS s, x.energy_by_hour AS e
          FROM st CROSS JOIN LATERAL csms_profile_days(st.id, st.d0, st.d1, st.m1, st.m1_end, st.has_months,
                                                       st.tail_month, st.lead_end) x
          WHERE st.has_days OFFSET 0) p
    GROUP BY 1
  ), parts AS (
    SELECT u.slot::int AS slot, u.o AS occupied_s, u.s AS sessions, u.e AS energy_wh
    FROM months CROSS JOIN LATERAL unnest(months.occupied, months.sessions, months.energy)
      WITH ORDINALITY AS u(o, s, e, slot)
    UNION ALL
    SELECT (days.weekday - 1) * 24 + u.hr::int, u.o, u.s, u.e
    FROM days CROSS JOIN LATERAL unnest(days.occupied, days.sessions, days.energy) WITH ORDINALITY AS u(o, s, e, hr)
    UNION ALL
    SELECT (extract(isodow FROM h.local_hour)::int - 1) * 24 + extract(hour FROM h.local_hour)::int + 1,
           CASE WHEN h.evse_id > 0 THEN h.occupied_s ELSE 0 END, h.sessions_started, h.energy_wh
    FROM st CROSS JOIN LATERAL (
      (SELECT * FROM (SELECT * FROM analytics_hourly x WHERE x.station_id = st.id AND x.hour_start >= p_from
                        AND x.hour_start < st.a_end
                      UNION ALL
                      SELECT * FROM analytics_hourly x WHERE st.has_days AND x.station_id = st.id
                        AND x.hour_start >= st.b_start AND x.hour_start < p_to) y OFFSET 0)) h
  ), r AS (
    SELECT slot, sum(occupied_s) AS occupied_s, sum(sessions) AS sessions, sum(energy_wh) AS energy_wh
    FROM parts GROUP BY slot
  ), grid AS (
    SELECT w AS weekday, hr AS hour, (w - 1) * 24 + hr + 1 AS slot
    FROM generate_series(1, 7) w, generate_series(0, 23) hr
  )
  SELECT g.weekday AS weekday,
         g.hour AS hour,
         coalesce(r.sessions, 0) AS sessions_started,
         coalesce(round((100.0 * r.occupied_s / nullif(s.capacity_s, 0))::numeric, 2), 0) AS avg_occupancy_percent,
         round(coalesce(r.energy_wh, 0))::bigint AS energy_wh
  FROM grid g
  LEFT JOIN slots s ON s.slot = g.slot
  LEFT JOIN r ON r.slot = g.slot
  ORDER BY g.weekday, g.hour
$$
$function$,
    format(week, 'o'), format(week, 's'), format(week, 'e'), format(day, 'o'), format(day, 's'), format(day, 'e'));
END
$generate$;

-- The sessions of one station that ended at the partial days of a range: from p_from to
-- a_end and (with whole days between) from b_start to p_to, as a csms_range_parts row gives
-- them. Revenue and the ended-session counts read these instead of a rollup.
CREATE OR REPLACE FUNCTION csms_edge_sessions(p_station text, p_from timestamptz, p_to timestamptz,
                                              p_a_end timestamptz, p_b_start timestamptz, p_has_days boolean)
RETURNS SETOF transactions
LANGUAGE sql STABLE AS $$
  SELECT * FROM (
    SELECT * FROM transactions x WHERE x.station_id = p_station AND x.stopped_at >= p_from AND x.stopped_at < p_a_end
    UNION ALL
    SELECT * FROM transactions x WHERE p_has_days AND x.station_id = p_station AND x.stopped_at >= p_b_start
      AND x.stopped_at < p_to) y
  OFFSET 0
$$;

-- revenue per station, zone, bucket start, tariff and currency: whole local months (for monthly
-- buckets) from the monthly revenue rollup, whole local days from the daily one, the partial
-- days at the ends of the range (and hourly buckets) from the sessions themselves. The
-- revenue report labels these rows; the fleet's sums them per start instant.
DROP FUNCTION IF EXISTS csms_revenue_rows(timestamptz, timestamptz, text, text[]);
CREATE FUNCTION csms_revenue_rows(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (station_id text, time_zone text, bucket_start timestamptz, tariff_id text, currency text,
               sessions numeric, excl numeric, incl numeric, energy_wh numeric)
LANGUAGE sql STABLE AS $$
  WITH st AS (SELECT * FROM csms_range_parts(p_from, p_to, p_stations, p_bucket <> 'hour', p_bucket = 'month', false)
  ), r AS (
    SELECT st.id AS station_id, st.time_zone, csms_local_day_start(x.local_month, st.time_zone) AS bucket_start,
           x.tariff_id, x.currency, x.sessions, x.excl, x.incl, x.energy_wh
    FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_revenue_monthly x WHERE x.station_id = st.id
                                 AND x.local_month >= st.m0 AND x.local_month < st.m1 OFFSET 0) x
    WHERE st.has_months
    UNION ALL
    SELECT st.id AS station_id, st.time_zone, csms_bucket_start(p_bucket, x.local_day, NULL, st.time_zone) AS bucket_start,
           x.tariff_id, x.currency, x.sessions, x.excl, x.incl, x.energy_wh
    FROM st CROSS JOIN LATERAL (
      (SELECT * FROM (SELECT * FROM analytics_revenue_daily x WHERE x.station_id = st.id AND x.local_day >= st.d0
                        AND x.local_day < st.lead_end
                      UNION ALL
                      SELECT * FROM analytics_revenue_daily x WHERE st.has_months AND x.station_id = st.id
                        AND x.local_day >= st.m1 AND x.local_day < st.d1) y OFFSET 0)) x
    WHERE st.has_days
    UNION ALL
    SELECT st.id, st.time_zone,
           csms_bucket_start(p_bucket, (t.stopped_at AT TIME ZONE st.time_zone)::date,
                             date_trunc('hour', t.stopped_at, st.time_zone), st.time_zone),
           coalesce(t.cost ->> 'tariff_id', ''), t.cost ->> 'currency', 1, (t.cost ->> 'total_excl_vat')::numeric,
           (t.cost ->> 'total_incl_vat')::numeric, coalesce((t.cost ->> 'energy_wh')::bigint, 0)
    FROM st CROSS JOIN LATERAL csms_edge_sessions(st.id, p_from, p_to, st.a_end, st.b_start, st.has_days) t
    WHERE t.cost ? 'currency'
  ), g AS (
    SELECT station_id, time_zone, bucket_start, tariff_id, currency, sum(sessions) AS sessions,
           sum(excl) AS excl, sum(incl) AS incl, sum(energy_wh) AS energy_wh
    FROM r GROUP BY 1, 2, 3, 4, 5
  )
  SELECT * FROM g
$$;

DROP FUNCTION IF EXISTS csms_report_revenue(timestamptz, timestamptz, text, text[]);
CREATE FUNCTION csms_report_revenue(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (station_id text, bucket_start text, tariff_id text, currency text, sessions numeric, revenue_excl_vat text, revenue_incl_vat text, energy_wh numeric)
LANGUAGE sql STABLE AS $$
  WITH g AS MATERIALIZED (SELECT * FROM csms_revenue_rows(p_from, p_to, p_bucket, p_stations)
  ), labels AS (  -- once per zone and bucket
    SELECT z.time_zone, z.bucket_start, csms_local_ts(z.bucket_start, z.time_zone) AS label
    FROM (SELECT DISTINCT time_zone, bucket_start FROM g) z
  )
  SELECT g.station_id AS station_id,
         l.label AS bucket_start,
         nullif(g.tariff_id, '') AS tariff_id,
         g.currency AS currency,
         g.sessions AS sessions,
         g.excl::text AS revenue_excl_vat,
         g.incl::text AS revenue_incl_vat,
         g.energy_wh AS energy_wh
  FROM g JOIN labels l ON l.time_zone = g.time_zone AND l.bucket_start = g.bucket_start
  ORDER BY g.station_id, g.bucket_start, g.tariff_id, g.currency
$$;

-- The time series for the whole fleet (GET ...?group=fleet): a row per bucket start instant
-- with the sums of the per-station rows of that start, made per time zone rather than per
-- station. Stations in several zones give a row per distinct start, labelled in the zone whose
-- label sorts first.
--
-- Over every station (p_stations NULL) the sums come from the zone rollups (migration 0039): a
-- month by day of five zones is 150 daily rows and the hours at its two ends, where the
-- stations' own rows are 50,000. For some stations, from theirs.

-- How a range [p_from, p_to) splits for each time zone that has stations: its stations'
-- csms_range_parts (whole local days [d0, d1), none when p_hourly; the hours before d0, up to
-- a_end, and from d1 on, from b_start), which depend on the zone only.
CREATE OR REPLACE FUNCTION csms_zone_parts(p_from timestamptz, p_to timestamptz, p_hourly boolean)
RETURNS TABLE (time_zone text, d0 date, d1 date, has_days boolean, a_end timestamptz, b_start timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT r.time_zone, r.d0, r.d1, r.has_days, r.a_end, r.b_start
  FROM csms_range_parts(p_from, p_to, NULL, NOT p_hourly, false, false) r
$$;

-- The zone rollups' rows of [p_from, p_to) split by csms_zone_parts.
CREATE OR REPLACE FUNCTION csms_zone_rows(p_from timestamptz, p_to timestamptz, p_hourly boolean)
RETURNS TABLE (time_zone text, local_day date, hour_start timestamptz, occupied_s bigint, charging_s bigint,
               down_s bigint, excused_down_s bigint, offline_s bigint, energy_wh numeric, sessions_started bigint)
LANGUAGE sql STABLE AS $$
  WITH zp AS MATERIALIZED (SELECT * FROM csms_zone_parts(p_from, p_to, p_hourly))
  -- (A day row's start is not needed: hourly buckets read no days.)
  SELECT d.time_zone, d.local_day, NULL::timestamptz, d.occupied_s, d.charging_s,
         d.down_s, d.excused_down_s, d.offline_s, d.energy_wh, d.sessions_started
  FROM zp JOIN analytics_zone_daily d ON d.time_zone = zp.time_zone AND d.local_day >= zp.d0 AND d.local_day < zp.d1
  WHERE zp.has_days
  UNION ALL
  SELECT h.time_zone, h.local_hour::date, h.hour_start, h.occupied_s, h.charging_s, h.down_s, h.excused_down_s,
         h.offline_s, h.energy_wh, h.sessions_started
  FROM zp JOIN analytics_zone_hourly h ON h.time_zone = zp.time_zone AND h.hour_start >= p_from
   AND h.hour_start < zp.a_end
  UNION ALL
  SELECT h.time_zone, h.local_hour::date, h.hour_start, h.occupied_s, h.charging_s, h.down_s, h.excused_down_s,
         h.offline_s, h.energy_wh, h.sessions_started
  FROM zp JOIN analytics_zone_hourly h ON h.time_zone = zp.time_zone AND h.hour_start >= zp.b_start
   AND h.hour_start < p_to
  WHERE zp.has_days
$$;

-- The fleet's sums per time zone and bucket: connector sums, and offline_s of the station rows.
-- From the zone rollups over every station, else from the chosen stations' rows.
CREATE OR REPLACE FUNCTION csms_fleet_rows(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (time_zone text, bucket_start timestamptz, occupied_s numeric, charging_s numeric, down_s numeric,
               excused_down_s numeric, offline_s numeric, energy_wh numeric, sessions numeric)
LANGUAGE sql STABLE AS $$
  SELECT x.time_zone, csms_bucket_start(p_bucket, x.local_day, x.hour_start, x.time_zone),
         sum(x.occupied_s), sum(x.charging_s), sum(x.down_s), sum(x.excused_down_s), sum(x.offline_s),
         sum(x.energy_wh), sum(x.sessions_started)
  FROM (
    SELECT z.time_zone, z.local_day, z.hour_start, z.occupied_s, z.charging_s, z.down_s, z.excused_down_s,
           z.offline_s, z.energy_wh, z.sessions_started
    FROM csms_zone_rows(p_from, p_to, p_bucket = 'hour') z
    WHERE p_stations IS NULL
    UNION ALL
    SELECT r.time_zone, r.local_day, r.hour_start,
           CASE WHEN r.evse_id > 0 THEN r.occupied_s ELSE 0 END,
           CASE WHEN r.evse_id > 0 THEN r.charging_s ELSE 0 END,
           CASE WHEN r.evse_id > 0 THEN r.down_s ELSE 0 END,
           CASE WHEN r.evse_id > 0 THEN r.excused_down_s ELSE 0 END,
           CASE WHEN r.evse_id = 0 THEN r.offline_s ELSE 0 END,
           CASE WHEN r.evse_id > 0 THEN r.energy_wh::numeric ELSE 0 END,
           CASE WHEN r.evse_id > 0 THEN r.sessions_started ELSE 0 END
    FROM csms_rollup_rows(p_from, p_to, p_stations, p_bucket = 'hour', p_bucket = 'month') r
    WHERE p_stations IS NOT NULL
  ) x
  GROUP BY 1, 2
$$;

DROP FUNCTION IF EXISTS csms_fleet_utilization(timestamptz, timestamptz, text, text[]);
CREATE FUNCTION csms_fleet_utilization(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (station_id text, evse_id integer, connector integer, bucket_start text, period_s bigint, occupied_s numeric, charging_s numeric, utilization_percent numeric, charging_percent numeric, sessions numeric, connectors bigint)
LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT * FROM csms_fleet_rows(p_from, p_to, p_bucket, p_stations)
  ), n AS (  -- connectors per zone, counted as the per-station report counts them
    SELECT s.time_zone, count(*) AS connectors
    FROM csms_station_connectors(p_stations) k JOIN stations s ON s.id = k.station_id
    GROUP BY 1
  ), z AS (
    SELECT b.bucket_start, b.label, n.connectors, n.connectors * b.period_s AS period_s,
           coalesce(r.occupied_s, 0) AS occupied_s,
           coalesce(r.charging_s, 0) AS charging_s, coalesce(r.sessions, 0) AS sessions
    FROM csms_zone_buckets(p_from, p_to, p_bucket, p_stations) b
    JOIN n ON n.time_zone = b.time_zone
    LEFT JOIN r ON r.time_zone = b.time_zone AND r.bucket_start = b.bucket_start
  )
  SELECT NULL::text AS station_id,
         NULL::integer AS evse_id,
         NULL::integer AS connector,
         min(z.label) AS bucket_start,
         sum(z.period_s)::bigint AS period_s,
         sum(z.occupied_s) AS occupied_s,
         sum(z.charging_s) AS charging_s,
         round(100.0 * sum(z.occupied_s) / nullif(sum(z.period_s), 0), 2) AS utilization_percent,
         round(100.0 * sum(z.charging_s) / nullif(sum(z.period_s), 0), 2) AS charging_percent,
         sum(z.sessions) AS sessions,
         sum(z.connectors)::bigint AS connectors
  FROM z GROUP BY z.bucket_start ORDER BY z.bucket_start
$$;

-- The fleet's energy is its exact sum rounded once (a station's row rounds its own: the
-- stations' rows of a bucket add up to the fleet's within half a Wh per station).
DROP FUNCTION IF EXISTS csms_fleet_energy(timestamptz, timestamptz, text, text[]);
CREATE FUNCTION csms_fleet_energy(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (station_id text, bucket_start text, energy_wh bigint, sessions numeric)
LANGUAGE sql STABLE AS $$
  SELECT NULL::text AS station_id,
         min(b.label) AS bucket_start,
         round(coalesce(sum(r.energy_wh), 0))::bigint AS energy_wh,
         coalesce(sum(r.sessions), 0) AS sessions
  FROM csms_zone_buckets(p_from, p_to, p_bucket, p_stations) b
  LEFT JOIN csms_fleet_rows(p_from, p_to, p_bucket, p_stations) r
    ON r.time_zone = b.time_zone AND r.bucket_start = b.bucket_start
  GROUP BY b.bucket_start ORDER BY b.bucket_start
$$;

DROP FUNCTION IF EXISTS csms_fleet_uptime(timestamptz, timestamptz, text, text[], double precision);
CREATE FUNCTION csms_fleet_uptime(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[],
                                  p_threshold double precision)
RETURNS TABLE (station_id text, bucket_start text, period_s bigint, connectors bigint, downtime_s numeric, excused_downtime_s numeric, offline_s numeric, uptime_percent numeric, below_threshold boolean)
LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT time_zone, bucket_start, down_s, excused_down_s AS excused_s, offline_s
    FROM csms_fleet_rows(p_from, p_to, p_bucket, p_stations)
  ), n AS (  -- the stations' connectors per zone (a station without any counts none)
    SELECT s.time_zone, count(c.connector_id) AS connectors
    FROM stations s LEFT JOIN connectors c ON c.station_id = s.id AND c.evse_id > 0
    WHERE p_stations IS NULL OR s.id = ANY (p_stations)
    GROUP BY 1
  ), z AS (
    SELECT b.bucket_start, b.label, b.period_s, n.connectors,
           coalesce(r.down_s, 0) - coalesce(r.excused_s, 0) AS downtime_s, coalesce(r.excused_s, 0) AS excused_s,
           coalesce(r.offline_s, 0) AS offline_s
    FROM csms_zone_buckets(p_from, p_to, p_bucket, p_stations) b
    JOIN n ON n.time_zone = b.time_zone
    LEFT JOIN r ON r.time_zone = b.time_zone AND r.bucket_start = b.bucket_start
  ), f AS (
    SELECT z.bucket_start, min(z.label) AS label, max(z.period_s) AS period_s, sum(z.connectors)::bigint AS connectors,
           sum(z.downtime_s) AS downtime_s, sum(z.excused_s) AS excused_s, sum(z.offline_s) AS offline_s,
           CASE WHEN sum(z.connectors * z.period_s) > 0
                THEN round(100.0 * (1 - sum(z.downtime_s) / sum(z.connectors * z.period_s)), 3) END AS uptime_percent
    FROM z GROUP BY z.bucket_start
  )
  SELECT NULL::text AS station_id,
         f.label AS bucket_start,
         f.period_s AS period_s,
         f.connectors AS connectors,
         f.downtime_s AS downtime_s,
         f.excused_s AS excused_downtime_s,
         f.offline_s AS offline_s,
         f.uptime_percent AS uptime_percent,
         coalesce(f.uptime_percent < p_threshold, false) AS below_threshold
  FROM f ORDER BY f.bucket_start
$$;

-- Revenue of every station per zone, bucket start, tariff and currency: whole local days from
-- the zone revenue rollup, the ends of the range (and hourly buckets) from the sessions that
-- stopped in them, read by stop time for all stations at once.
CREATE OR REPLACE FUNCTION csms_zone_revenue_rows(p_from timestamptz, p_to timestamptz, p_bucket text)
RETURNS TABLE (time_zone text, bucket_start timestamptz, tariff_id text, currency text, sessions numeric,
               excl numeric, incl numeric, energy_wh numeric)
LANGUAGE sql STABLE AS $$
  WITH zp AS MATERIALIZED (SELECT * FROM csms_zone_parts(p_from, p_to, p_bucket = 'hour')),
  edges AS (
    SELECT t.stopped_at, t.cost, zp.time_zone
    FROM transactions t JOIN stations s ON s.id = t.station_id JOIN zp ON zp.time_zone = s.time_zone
    WHERE t.cost IS NOT NULL AND t.stopped_at >= p_from AND t.stopped_at < (SELECT max(a_end) FROM zp)
      AND t.stopped_at < zp.a_end
    UNION ALL
    SELECT t.stopped_at, t.cost, zp.time_zone
    FROM transactions t JOIN stations s ON s.id = t.station_id JOIN zp ON zp.time_zone = s.time_zone
    WHERE t.cost IS NOT NULL AND t.stopped_at >= (SELECT min(b_start) FROM zp WHERE has_days) AND t.stopped_at < p_to
      AND zp.has_days AND t.stopped_at >= zp.b_start
  )
  SELECT zp.time_zone, csms_bucket_start(p_bucket, d.local_day, NULL, zp.time_zone), d.tariff_id, d.currency,
         d.sessions, d.excl, d.incl, d.energy_wh
  FROM zp JOIN analytics_zone_revenue_daily d ON d.time_zone = zp.time_zone AND d.local_day >= zp.d0
   AND d.local_day < zp.d1
  WHERE zp.has_days AND d.sessions <> 0  -- a row whose sessions all left (a moved station's)
  UNION ALL
  SELECT e.time_zone,
         csms_bucket_start(p_bucket, (e.stopped_at AT TIME ZONE e.time_zone)::date,
                           date_trunc('hour', e.stopped_at, e.time_zone), e.time_zone),
         coalesce(e.cost ->> 'tariff_id', ''), e.cost ->> 'currency', 1, (e.cost ->> 'total_excl_vat')::numeric,
         (e.cost ->> 'total_incl_vat')::numeric, coalesce((e.cost ->> 'energy_wh')::bigint, 0)
  FROM edges e
  WHERE e.cost ? 'currency'
$$;

DROP FUNCTION IF EXISTS csms_fleet_revenue(timestamptz, timestamptz, text, text[]);
CREATE FUNCTION csms_fleet_revenue(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (station_id text, bucket_start text, tariff_id text, currency text, sessions numeric, revenue_excl_vat text, revenue_incl_vat text, energy_wh numeric)
LANGUAGE sql STABLE AS $$
  WITH z AS (
    SELECT x.time_zone, x.bucket_start, x.tariff_id, x.currency, sum(x.sessions) AS sessions, sum(x.excl) AS excl,
           sum(x.incl) AS incl, sum(x.energy_wh) AS energy_wh
    FROM (SELECT r.time_zone, r.bucket_start, r.tariff_id, r.currency, r.sessions, r.excl, r.incl, r.energy_wh
          FROM csms_revenue_rows(p_from, p_to, p_bucket, p_stations) r
          WHERE p_stations IS NOT NULL
          UNION ALL
          SELECT * FROM csms_zone_revenue_rows(p_from, p_to, p_bucket)
          WHERE p_stations IS NULL) x
    GROUP BY 1, 2, 3, 4
  )
  SELECT NULL::text AS station_id,
         min(csms_local_ts(z.bucket_start, z.time_zone)) AS bucket_start,
         nullif(z.tariff_id, '') AS tariff_id,
         z.currency AS currency,
         sum(z.sessions) AS sessions,
         sum(z.excl)::text AS revenue_excl_vat,
         sum(z.incl)::text AS revenue_incl_vat,
         sum(z.energy_wh) AS energy_wh
  FROM z
  GROUP BY z.bucket_start, z.tariff_id, z.currency
  ORDER BY z.bucket_start, nullif(z.tariff_id, '') NULLS FIRST, z.currency
$$;

-- sessions: the repeat rate per station in one pass (was a subquery per station).
DROP FUNCTION IF EXISTS csms_report_sessions(timestamptz, timestamptz, text[]);
CREATE FUNCTION csms_report_sessions(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS TABLE (station_id text, sessions bigint, duration_p50_s bigint, duration_p90_s bigint, duration_max_s bigint, energy_p50_wh bigint, energy_p90_wh bigint, energy_max_wh bigint, idle_percent numeric, unique_id_tokens bigint, unique_customers bigint, repeat_percent numeric)
LANGUAGE sql STABLE AS $$
  WITH t AS (
    SELECT t.id, t.station_id, t.id_token, k.customer_id,
           extract(epoch FROM coalesce(t.stopped_at, least(now(), p_to)) - t.started_at) AS duration_s,
           greatest(0, coalesce(t.meter_stop_wh, csms_last_register_wh(t.id)) - t.meter_start_wh) AS energy_wh
    FROM stations s CROSS JOIN LATERAL (
      SELECT * FROM transactions x WHERE x.station_id = s.id AND x.started_at >= p_from AND x.started_at < p_to OFFSET 0) t
    LEFT JOIN id_tokens k ON k.token = t.id_token
    WHERE p_stations IS NULL OR s.id = ANY (p_stations)
  ), repeat AS (
    SELECT station_id, count(*) FILTER (WHERE n > 1) AS repeaters
    FROM (SELECT station_id, id_token, count(*) AS n FROM t WHERE id_token IS NOT NULL GROUP BY 1, 2) p
    GROUP BY station_id
  ), idle AS (  -- connected time not charging, from the rollups
    SELECT station_id, sum(occupied_s) AS occupied_s, sum(charging_s) AS charging_s
    FROM csms_rollup_rows(p_from, p_to, p_stations, false, true) WHERE evse_id > 0 GROUP BY 1
  ), s AS (
    SELECT station_id, count(*) AS sessions,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_s) AS d50,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY duration_s) AS d90, max(duration_s) AS dmax,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY energy_wh) AS e50,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY energy_wh) AS e90, max(energy_wh) AS emax,
           count(DISTINCT id_token) AS tokens, count(DISTINCT customer_id) AS customers
    FROM t GROUP BY station_id
  )
  SELECT s.station_id AS station_id,
         s.sessions AS sessions,
         round(s.d50)::bigint AS duration_p50_s,
         round(s.d90)::bigint AS duration_p90_s,
         round(s.dmax)::bigint AS duration_max_s,
         round(s.e50)::bigint AS energy_p50_wh,
         round(s.e90)::bigint AS energy_p90_wh,
         round(s.emax)::bigint AS energy_max_wh,
         round((100.0 * (i.occupied_s - i.charging_s) / nullif(i.occupied_s, 0))::numeric, 2) AS idle_percent,
         s.tokens AS unique_id_tokens,
         s.customers AS unique_customers,
         round((100.0 * coalesce(r.repeaters, 0) / nullif(s.tokens, 0))::numeric, 2) AS repeat_percent
  FROM s LEFT JOIN idle i ON i.station_id = s.station_id LEFT JOIN repeat r ON r.station_id = s.station_id
  ORDER BY s.station_id
$$;

-- faults: alerts per rule and station opened in the range; MTTR over the resolved ones,
-- MTBF = (range - repair time) / failures.
DROP FUNCTION IF EXISTS csms_report_faults(timestamptz, timestamptz, text[]);
CREATE FUNCTION csms_report_faults(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS TABLE (station_id text, rule text, alerts bigint, resolved bigint, mttr_s bigint, mtbf_s bigint)
LANGUAGE sql STABLE AS $$
  WITH a AS (
    SELECT station_id, rule, count(*) AS alerts,
           count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
           avg(extract(epoch FROM resolved_at - opened_at)) FILTER (WHERE resolved_at IS NOT NULL) AS mttr_s,
           sum(extract(epoch FROM coalesce(resolved_at, least(now(), p_to)) - opened_at)) AS repair_s
    FROM alerts
    WHERE opened_at >= p_from AND opened_at < p_to AND (p_stations IS NULL OR station_id = ANY (p_stations))
    GROUP BY 1, 2
  )
  SELECT station_id AS station_id,
         rule AS rule,
         alerts AS alerts,
         resolved AS resolved,
         round(mttr_s)::bigint AS mttr_s,
         round((extract(epoch FROM least(now(), p_to) - p_from) - repair_s) / alerts)::bigint AS mtbf_s
  FROM a
  ORDER BY station_id, rule
$$;

DROP FUNCTION IF EXISTS csms_report_expansion(timestamptz, timestamptz, text[]);
CREATE FUNCTION csms_report_expansion(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS TABLE (level text, station_id text, site text, connectors bigint, sessions numeric, energy_wh bigint, occupancy_percent numeric, busiest_hour integer, busiest_hour_occupancy_percent numeric, saturation_percent numeric, sessions_growth_percent numeric, energy_growth_percent numeric, rank_busiest_hour bigint, rank_saturation bigint, needs_capacity boolean, under_used boolean)
LANGUAGE sql STABLE AS $$
  WITH st AS (
    SELECT s.id, s.time_zone, csms_site_of(s) AS site,
           (SELECT count(*) FROM connectors c WHERE c.station_id = s.id AND c.evse_id > 0) AS connectors,
           greatest(0, extract(epoch FROM least(p_to, now()) - p_from)) AS period_s,
           date_trunc('month', (least(p_to, now()) AT TIME ZONE s.time_zone))::date AS this_month,
           (p_from AT TIME ZONE s.time_zone)::date AS from_day
    FROM stations s WHERE p_stations IS NULL OR s.id = ANY (p_stations)
  ), r AS (
    SELECT station_id, sum(occupied_s) FILTER (WHERE evse_id > 0) AS occupied_s,
           sum(all_busy_s) FILTER (WHERE evse_id = 0) AS all_busy_s,
           sum(sessions_started) AS sessions, sum(energy_wh) AS energy_wh
    FROM csms_rollup_rows(p_from, p_to, p_stations, false, true) GROUP BY station_id
  ), b AS (SELECT * FROM csms_range_parts(p_from, p_to, p_stations, true, true, true)
  ), hour_sums AS (
    -- Occupied connector-seconds by local hour of the day per station, as 24 sums over the
    -- months' weekday x hour profiles and the days' hour profiles (each array detoasted once;
    -- unnesting them was 1.3 million rows for a year of 500 stations).
    SELECT y.station_id,
           ARRAY[sum(p[1] + p[25] + p[49] + p[73] + p[97] + p[121] + p[145]),
                 sum(p[2] + p[26] + p[50] + p[74] + p[98] + p[122] + p[146]),
                 sum(p[3] + p[27] + p[51] + p[75] + p[99] + p[123] + p[147]),
                 sum(p[4] + p[28] + p[52] + p[76] + p[100] + p[124] + p[148]),
                 sum(p[5] + p[29] + p[53] + p[77] + p[101] + p[125] + p[149]),
                 sum(p[6] + p[30] + p[54] + p[78] + p[102] + p[126] + p[150]),
                 sum(p[7] + p[31] + p[55] + p[79] + p[103] + p[127] + p[151]),
                 sum(p[8] + p[32] + p[56] + p[80] + p[104] + p[128] + p[152]),
                 sum(p[9] + p[33] + p[57] + p[81] + p[105] + p[129] + p[153]),
                 sum(p[10] + p[34] + p[58] + p[82] + p[106] + p[130] + p[154]),
                 sum(p[11] + p[35] + p[59] + p[83] + p[107] + p[131] + p[155]),
                 sum(p[12] + p[36] + p[60] + p[84] + p[108] + p[132] + p[156]),
                 sum(p[13] + p[37] + p[61] + p[85] + p[109] + p[133] + p[157]),
                 sum(p[14] + p[38] + p[62] + p[86] + p[110] + p[134] + p[158]),
                 sum(p[15] + p[39] + p[63] + p[87] + p[111] + p[135] + p[159]),
                 sum(p[16] + p[40] + p[64] + p[88] + p[112] + p[136] + p[160]),
                 sum(p[17] + p[41] + p[65] + p[89] + p[113] + p[137] + p[161]),
                 sum(p[18] + p[42] + p[66] + p[90] + p[114] + p[138] + p[162]),
                 sum(p[19] + p[43] + p[67] + p[91] + p[115] + p[139] + p[163]),
                 sum(p[20] + p[44] + p[68] + p[92] + p[116] + p[140] + p[164]),
                 sum(p[21] + p[45] + p[69] + p[93] + p[117] + p[141] + p[165]),
                 sum(p[22] + p[46] + p[70] + p[94] + p[118] + p[142] + p[166]),
                 sum(p[23] + p[47] + p[71] + p[95] + p[119] + p[143] + p[167]),
                 sum(p[24] + p[48] + p[72] + p[96] + p[120] + p[144] + p[168])] AS occupied
    FROM (SELECT b.id AS station_id, m.profile_occupied || ARRAY[]::bigint[] AS p
          FROM b CROSS JOIN LATERAL (SELECT * FROM analytics_monthly x WHERE x.station_id = b.id AND x.evse_id = 0
                                      AND x.connector_id = 0 AND x.local_month >= b.m0
                                      AND x.local_month < CASE WHEN b.tail_month THEN b.m1_end ELSE b.m1 END
                                      OFFSET 0) m
          WHERE b.has_months OR b.tail_month OFFSET 0) y
    GROUP BY y.station_id
    UNION ALL
    SELECT y.station_id, ARRAY[sum(y.sign * p[1]), sum(y.sign * p[2]), sum(y.sign * p[3]), sum(y.sign * p[4]), sum(y.sign * p[5]), sum(y.sign * p[6]),
                                sum(y.sign * p[7]), sum(y.sign * p[8]), sum(y.sign * p[9]), sum(y.sign * p[10]), sum(y.sign * p[11]), sum(y.sign * p[12]),
                                sum(y.sign * p[13]), sum(y.sign * p[14]), sum(y.sign * p[15]), sum(y.sign * p[16]), sum(y.sign * p[17]), sum(y.sign * p[18]),
                                sum(y.sign * p[19]), sum(y.sign * p[20]), sum(y.sign * p[21]), sum(y.sign * p[22]), sum(y.sign * p[23]), sum(y.sign * p[24])]
    FROM (SELECT b.id AS station_id, d.sign, d.occupied_by_hour AS p
          FROM b CROSS JOIN LATERAL csms_profile_days(b.id, b.d0, b.d1, b.m1, b.m1_end, b.has_months, b.tail_month,
                                                      b.lead_end) d
          WHERE b.has_days OFFSET 0) y
    GROUP BY y.station_id
  ), edge_sums AS (  -- the hours at the ends of the range, as 24 sums per station
    SELECT h.station_id,
           ARRAY[
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 0), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 1), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 2), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 3), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 4), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 5), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 6), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 7), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 8), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 9), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 10), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 11), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 12), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 13), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 14), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 15), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 16), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 17), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 18), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 19), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 20), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 21), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 22), 0),
                 coalesce(sum(h.occupied_s) FILTER (WHERE h.hr = 23), 0)] AS occupied
    FROM b CROSS JOIN LATERAL (
      (SELECT y.station_id, y.occupied_s, extract(hour FROM y.local_hour)::int AS hr
       FROM (SELECT * FROM analytics_hourly x WHERE x.station_id = b.id AND x.hour_start >= p_from AND x.hour_start < b.a_end
             UNION ALL
             SELECT * FROM analytics_hourly x WHERE b.has_days AND x.station_id = b.id AND x.hour_start >= b.b_start
               AND x.hour_start < p_to) y
       WHERE y.evse_id > 0 OFFSET 0)) h
    GROUP BY h.station_id
  ), by_hour AS (  -- occupied connector-seconds per local hour of the day, per station
    SELECT x.station_id, ARRAY[sum(p[1]), sum(p[2]), sum(p[3]), sum(p[4]), sum(p[5]), sum(p[6]), sum(p[7]), sum(p[8]), sum(p[9]), sum(p[10]), sum(p[11]), sum(p[12]), sum(p[13]), sum(p[14]), sum(p[15]), sum(p[16]), sum(p[17]), sum(p[18]), sum(p[19]), sum(p[20]), sum(p[21]), sum(p[22]), sum(p[23]), sum(p[24])] AS occupied
    FROM (SELECT station_id, occupied AS p FROM hour_sums UNION ALL SELECT station_id, occupied FROM edge_sums) x
    GROUP BY x.station_id
  ), peak AS (  -- the busiest hour (the earliest of equals)
    SELECT b.station_id, m.hour, 100.0 * m.occupied_s / nullif(st.connectors * st.period_s / 24.0, 0) AS occupancy
    FROM by_hour b JOIN st ON st.id = b.station_id
    CROSS JOIN LATERAL (SELECT u.i::int - 1 AS hour, u.o AS occupied_s FROM unnest(b.occupied) WITH ORDINALITY AS u(o, i)
                        ORDER BY u.o DESC NULLS LAST, u.i LIMIT 1) m
  ), months AS (
    SELECT d.station_id,
           sum(d.sessions_started) FILTER (WHERE d.local_day >= st.this_month - interval '1 month'
                                             AND d.local_day < st.this_month) AS sessions_last,
           sum(d.sessions_started) FILTER (WHERE d.local_day >= st.this_month - interval '2 months'
                                             AND d.local_day < st.this_month - interval '1 month') AS sessions_prev,
           sum(d.energy_wh) FILTER (WHERE d.local_day >= st.this_month - interval '1 month'
                                      AND d.local_day < st.this_month) AS energy_last,
           sum(d.energy_wh) FILTER (WHERE d.local_day >= st.this_month - interval '2 months'
                                      AND d.local_day < st.this_month - interval '1 month') AS energy_prev
    FROM st CROSS JOIN LATERAL (  -- a month inside the range from its monthly rows, else its days in the range
      (SELECT * FROM (SELECT x.station_id, x.local_month AS local_day, x.sessions_started, x.energy_wh
                      FROM analytics_monthly x WHERE x.station_id = st.id
                        AND x.local_month >= (st.this_month - interval '2 months')::date
                        AND x.local_month < st.this_month AND x.evse_id > 0 AND x.month_start >= p_from
                      UNION ALL
                      SELECT x.station_id, x.local_day, x.sessions_started, x.energy_wh
                      FROM analytics_daily x WHERE x.station_id = st.id  -- only the month p_from cuts
                        AND x.local_day >= greatest(st.from_day, (st.this_month - interval '2 months')::date)
                        AND x.local_day < least(st.this_month, (date_trunc('month', st.from_day) + interval '1 month')::date)
                        AND x.evse_id > 0 AND x.day_start >= p_from
                        AND csms_local_day_start(date_trunc('month', x.local_day)::date, st.time_zone) < p_from) y
       OFFSET 0)) d
    -- Growth needs both months: none when the month before the last has no day in the range
    -- (30 days up to now: the last month's days alone were half the report's reading).
    WHERE (st.this_month - interval '1 month')::date > st.from_day
    GROUP BY d.station_id
  ), stations_out AS (
    SELECT 'station'::text AS level, st.id AS station_id, st.site, st.connectors,
           coalesce(r.sessions, 0) AS sessions, round(coalesce(r.energy_wh, 0))::bigint AS energy_wh,
           round((100.0 * coalesce(r.occupied_s, 0) / nullif(st.connectors * st.period_s, 0))::numeric, 2) AS occupancy_percent,
           peak.hour AS busiest_hour,
           round(peak.occupancy::numeric, 2) AS busiest_hour_occupancy_percent,
           round((100.0 * coalesce(r.all_busy_s, 0) / nullif(st.period_s, 0))::numeric, 2) AS saturation_percent,
           round((100.0 * (m.sessions_last - m.sessions_prev) / nullif(m.sessions_prev, 0))::numeric, 1) AS sessions_growth_percent,
           round((100.0 * (m.energy_last - m.energy_prev) / nullif(m.energy_prev, 0))::numeric, 1) AS energy_growth_percent
    FROM st LEFT JOIN r ON r.station_id = st.id LEFT JOIN peak ON peak.station_id = st.id
    LEFT JOIN months m ON m.station_id = st.id
  ), sites_out AS (
    SELECT 'site'::text AS level, NULL::text AS station_id, site, sum(connectors)::bigint AS connectors,
           sum(sessions) AS sessions, sum(energy_wh)::bigint AS energy_wh,
           round(sum(occupancy_percent * connectors) / nullif(sum(connectors), 0), 2) AS occupancy_percent,
           NULL::int AS busiest_hour,
           round(max(busiest_hour_occupancy_percent), 2) AS busiest_hour_occupancy_percent,
           round(min(saturation_percent), 2) AS saturation_percent,
           NULL::numeric AS sessions_growth_percent, NULL::numeric AS energy_growth_percent
    FROM stations_out GROUP BY site
  ), ranked AS (
    SELECT o.*,
           rank() OVER (PARTITION BY level ORDER BY busiest_hour_occupancy_percent DESC NULLS LAST) AS rank_busiest_hour,
           rank() OVER (PARTITION BY level ORDER BY saturation_percent DESC NULLS LAST) AS rank_saturation,
           coalesce(saturation_percent >= 10 OR busiest_hour_occupancy_percent >= 80, false) AS needs_capacity,
           coalesce(occupancy_percent < 5, true) AS under_used
    FROM (SELECT * FROM stations_out UNION ALL SELECT * FROM sites_out) o
  )
  SELECT level AS level,
         station_id AS station_id,
         site AS site,
         connectors AS connectors,
         sessions AS sessions,
         energy_wh AS energy_wh,
         occupancy_percent AS occupancy_percent,
         busiest_hour AS busiest_hour,
         busiest_hour_occupancy_percent AS busiest_hour_occupancy_percent,
         saturation_percent AS saturation_percent,
         sessions_growth_percent AS sessions_growth_percent,
         energy_growth_percent AS energy_growth_percent,
         rank_busiest_hour AS rank_busiest_hour,
         rank_saturation AS rank_saturation,
         needs_capacity AS needs_capacity,
         under_used AS under_used
  FROM ranked
  ORDER BY level DESC, rank_busiest_hour, station_id, site
$$;

-- Sessions that ended in [p_from, p_to) per station, and how many were failed starts: whole
-- local months from analytics_sessions_monthly, whole local days at the edges from
-- analytics_sessions_daily, the partial days at the ends from the sessions.
CREATE OR REPLACE FUNCTION csms_session_counts(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS TABLE (station_id text, ended bigint, failed bigint)
LANGUAGE sql STABLE AS $$
  WITH st AS (SELECT * FROM csms_range_parts(p_from, p_to, p_stations, true, true, false)
  ), parts AS (
    SELECT st.id, x.ended, x.failed
    FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_sessions_monthly x WHERE x.station_id = st.id
                                 AND x.local_month >= st.m0 AND x.local_month < st.m1 OFFSET 0) x
    WHERE st.has_months
    UNION ALL
    SELECT st.id, x.ended, x.failed
    FROM st CROSS JOIN LATERAL (
      (SELECT * FROM (SELECT * FROM analytics_sessions_daily x WHERE x.station_id = st.id AND x.local_day >= st.d0
                        AND x.local_day < st.lead_end
                      UNION ALL
                      SELECT * FROM analytics_sessions_daily x WHERE st.has_months AND x.station_id = st.id
                        AND x.local_day >= st.m1 AND x.local_day < st.d1) y OFFSET 0)) x
    WHERE st.has_days
    UNION ALL
    SELECT st.id, 1, csms_failed_start(t.meter_start_wh, t.meter_stop_wh, t.started_at, t.stopped_at,
                                       t.authorization_status)::int
    FROM st CROSS JOIN LATERAL csms_edge_sessions(st.id, p_from, p_to, st.a_end, st.b_start, st.has_days) t
    WHERE p_from < p_to
  )
  SELECT id, sum(ended)::bigint, sum(failed)::bigint FROM parts GROUP BY id
$$;

-- maintenance: each station's last four weeks before `p_to` against its own history from
-- `p_from` (per week): alerts opened, failed starts among the sessions that ended (under
-- 50 Wh or 2 minutes, or not authorized) and delivered power while charging. A station is a candidate when a
-- measure rose (or power fell) by half and by a meaningful amount.
DROP FUNCTION IF EXISTS csms_report_maintenance(timestamptz, timestamptz, text[]);
CREATE FUNCTION csms_report_maintenance(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS TABLE (station_id text, candidate boolean, reasons text, recent_alerts_per_week numeric, baseline_alerts_per_week numeric, recent_failed_start_percent numeric, baseline_failed_start_percent numeric, recent_avg_power_kw numeric, baseline_avg_power_kw numeric, recent_sessions bigint)
LANGUAGE sql STABLE AS $$
  WITH b AS (
    SELECT least(p_to, now()) AS t_end, least(p_to, now()) - interval '28 days' AS t_recent
  ), st AS (
    SELECT s.id FROM stations s WHERE p_stations IS NULL OR s.id = ANY (p_stations)
  ), weeks AS (
    SELECT greatest(extract(epoch FROM b.t_recent - p_from) / 604800.0, 0) AS baseline_weeks FROM b
  ), a AS (
    SELECT al.station_id,
           count(*) FILTER (WHERE al.opened_at >= b.t_recent) AS recent,
           count(*) FILTER (WHERE al.opened_at < b.t_recent) AS baseline
    FROM alerts al, b
    WHERE al.opened_at >= p_from AND al.opened_at < b.t_end AND al.station_id IN (SELECT id FROM st)
    GROUP BY al.station_id
  ), f AS (  -- failed starts among the sessions that ended in each part
    SELECT coalesce(r.station_id, o.station_id) AS station_id,
           100.0 * r.failed / nullif(r.ended, 0) AS recent, 100.0 * o.failed / nullif(o.ended, 0) AS baseline,
           r.ended AS recent_sessions
    FROM csms_session_counts(greatest(p_from, least(p_to, now()) - interval '28 days'), least(p_to, now()),
                             p_stations) r
    FULL JOIN csms_session_counts(p_from, least(p_to, now()) - interval '28 days', p_stations) o
      ON o.station_id = r.station_id
  ), p AS (  -- average power while charging, kW
    SELECT coalesce(r.station_id, o.station_id) AS station_id,
           r.energy_wh * 3.6 / nullif(r.charging_s, 0) AS recent,
           o.energy_wh * 3.6 / nullif(o.charging_s, 0) AS baseline
    FROM (SELECT x.station_id, sum(x.energy_wh) AS energy_wh, sum(x.charging_s) AS charging_s
          FROM csms_rollup_rows(greatest(p_from, least(p_to, now()) - interval '28 days'), least(p_to, now()),
                                p_stations, false, false) x
          WHERE x.evse_id > 0 GROUP BY 1) r
    FULL JOIN (SELECT x.station_id, sum(x.energy_wh) AS energy_wh, sum(x.charging_s) AS charging_s
               FROM csms_rollup_rows(p_from, least(p_to, now()) - interval '28 days', p_stations, false, true) x
               WHERE x.evse_id > 0 GROUP BY 1) o ON o.station_id = r.station_id
  ), m AS (
    SELECT st.id AS station_id,
           round(coalesce(a.recent, 0) / 4.0, 2) AS recent_alerts_per_week,
           round(coalesce(a.baseline, 0) / nullif(w.baseline_weeks, 0), 2) AS baseline_alerts_per_week,
           round(f.recent::numeric, 1) AS recent_failed_start_percent,
           round(f.baseline::numeric, 1) AS baseline_failed_start_percent,
           round(p.recent::numeric, 2) AS recent_avg_power_kw, round(p.baseline::numeric, 2) AS baseline_avg_power_kw,
           coalesce(f.recent_sessions, 0) AS recent_sessions
    FROM st CROSS JOIN weeks w LEFT JOIN a ON a.station_id = st.id LEFT JOIN f ON f.station_id = st.id
    LEFT JOIN p ON p.station_id = st.id
  ), flagged AS (
    SELECT m.*,
           array_remove(ARRAY[
             CASE WHEN recent_alerts_per_week >= 1 AND recent_alerts_per_week > 1.5 * coalesce(baseline_alerts_per_week, 0)
                  THEN 'alerts rising' END,
             CASE WHEN recent_sessions >= 5 AND recent_failed_start_percent >= 10
                   AND recent_failed_start_percent > 1.5 * coalesce(baseline_failed_start_percent, 0)
                  THEN 'failed starts rising' END,
             CASE WHEN recent_avg_power_kw IS NOT NULL AND baseline_avg_power_kw > 0
                   AND recent_avg_power_kw < 0.67 * baseline_avg_power_kw
                  THEN 'power falling' END], NULL) AS reasons
    FROM m
  )
  SELECT station_id AS station_id,
         cardinality(reasons) > 0 AS candidate,
         array_to_string(reasons, '; ') AS reasons,
         recent_alerts_per_week AS recent_alerts_per_week,
         baseline_alerts_per_week AS baseline_alerts_per_week,
         recent_failed_start_percent AS recent_failed_start_percent,
         baseline_failed_start_percent AS baseline_failed_start_percent,
         recent_avg_power_kw AS recent_avg_power_kw,
         baseline_avg_power_kw AS baseline_avg_power_kw,
         recent_sessions AS recent_sessions
  FROM flagged
  ORDER BY cardinality(reasons) DESC, recent_alerts_per_week DESC NULLS LAST, station_id
$$;


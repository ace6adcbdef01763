-- Analytics: what the rollups are computed from (connectivity history, maintenance
-- windows) and the rollups themselves. Rollups are derived data: `csms analytics rebuild`
-- recomputes any range from the raw tables.

-- When each station was connected to a node (server time). An open row has no
-- disconnected_at; at start-up a node closes the rows it left open.
CREATE TABLE station_connectivity (
  id              bigserial PRIMARY KEY,
  station_id      text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  connected_at    timestamptz NOT NULL,
  disconnected_at timestamptz
);
CREATE INDEX station_connectivity_station ON station_connectivity (station_id, connected_at);
CREATE INDEX station_connectivity_open ON station_connectivity (station_id) WHERE disconnected_at IS NULL;

-- Planned maintenance recorded by an operator: downtime inside a window does not count
-- against uptime. evse_id NULL: the whole station.
CREATE TABLE maintenance_windows (
  id         bigserial PRIMARY KEY,
  station_id text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  evse_id    integer,
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL CHECK (ends_at > starts_at),
  reason     text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_windows_station ON maintenance_windows (station_id, starts_at);

-- Per connector per local hour of the station (hour_start is the instant the local hour
-- begins). Connector rows have evse_id, connector_id > 0; the station row (0, 0) carries
-- what belongs to the station as a whole (offline_s, all_busy_s).
-- Seconds are whole seconds of the hour; energy is Wh spread evenly over each interval
-- between two register readings.
CREATE TABLE analytics_hourly (
  station_id       text NOT NULL,
  evse_id          integer NOT NULL,
  connector_id     integer NOT NULL,
  hour_start       timestamptz NOT NULL,
  local_hour       timestamp NOT NULL,  -- wall-clock start in the station's zone
  occupied_s       integer NOT NULL DEFAULT 0,
  charging_s       integer NOT NULL DEFAULT 0,
  down_s           integer NOT NULL DEFAULT 0,  -- faulted, unavailable or offline
  excused_down_s   integer NOT NULL DEFAULT 0,  -- the part of down_s inside maintenance windows
  offline_s        integer NOT NULL DEFAULT 0,
  all_busy_s       integer NOT NULL DEFAULT 0,  -- station row: every connector occupied
  energy_wh        double precision NOT NULL DEFAULT 0,
  sessions_started integer NOT NULL DEFAULT 0,
  PRIMARY KEY (station_id, hour_start, evse_id, connector_id)
);
CREATE INDEX analytics_hourly_hour ON analytics_hourly (hour_start);

-- The same per local day (summed from the hours), so that reports over a year read one
-- row per connector per day.
CREATE TABLE analytics_daily (
  station_id       text NOT NULL,
  evse_id          integer NOT NULL,
  connector_id     integer NOT NULL,
  local_day        date NOT NULL,
  day_start        timestamptz NOT NULL,
  occupied_s       integer NOT NULL DEFAULT 0,
  charging_s       integer NOT NULL DEFAULT 0,
  down_s           integer NOT NULL DEFAULT 0,
  excused_down_s   integer NOT NULL DEFAULT 0,
  offline_s        integer NOT NULL DEFAULT 0,
  all_busy_s       integer NOT NULL DEFAULT 0,
  energy_wh        double precision NOT NULL DEFAULT 0,
  sessions_started integer NOT NULL DEFAULT 0,
  day_s            integer NOT NULL,  -- 86400, or 82800 / 90000 on a DST change
  PRIMARY KEY (station_id, local_day, evse_id, connector_id)
);
CREATE INDEX analytics_daily_day ON analytics_daily (local_day);

-- Where recomputation has to happen (persisted so that a restart does not forget).
CREATE TABLE analytics_dirty (
  station_id text NOT NULL,
  from_at    timestamptz NOT NULL,
  to_at      timestamptz NOT NULL,
  marked_at  timestamptz NOT NULL DEFAULT now()
);

-- Revenue reports read priced sessions by stop time.
CREATE INDEX transactions_stopped ON transactions (stopped_at) WHERE cost IS NOT NULL;

-- Local day boundaries of a zone: [day_start, next day's start).
CREATE FUNCTION csms_local_day_start(day date, zone text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (day::timestamp) AT TIME ZONE zone $$;

-- Sessions of a station by start time (analytics reads a station's sessions in a window).
CREATE INDEX transactions_station_started ON transactions (station_id, started_at);

-- `t` as RFC 3339 in the zone's local time with its offset, e.g. 2026-03-29T03:00:00+02:00.
CREATE FUNCTION csms_local_ts(t timestamptz, zone text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE zone, 'YYYY-MM-DD"T"HH24:MI:SS') ||
         CASE WHEN off < 0 THEN '-' ELSE '+' END ||
         lpad((abs(off) / 60)::text, 2, '0') || ':' || lpad((abs(off) % 60)::text, 2, '0')
  FROM (SELECT (extract(epoch FROM (t AT TIME ZONE zone) - (t AT TIME ZONE 'UTC')) / 60)::integer AS off) o
$$;

-- The local bucket a local day or hour falls in, as the instant it begins.
CREATE FUNCTION csms_bucket_start(bucket text, local_day date, hour_start timestamptz, zone text)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE bucket
    WHEN 'hour' THEN hour_start
    WHEN 'day' THEN csms_local_day_start(local_day, zone)
    WHEN 'week' THEN csms_local_day_start(date_trunc('week', local_day)::date, zone)
    ELSE csms_local_day_start(date_trunc('month', local_day)::date, zone)
  END
$$;

-- The buckets of [p_from, p_to) per station: local hours, days, ISO weeks or months, each
-- with the seconds of it that lie inside the range and before now.
CREATE FUNCTION csms_buckets(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS TABLE (station_id text, time_zone text, bucket_start timestamptz, bucket_end timestamptz, period_s bigint)
LANGUAGE sql STABLE AS $$
  WITH st AS (
    SELECT s.id, s.time_zone FROM stations s WHERE p_stations IS NULL OR s.id = ANY (p_stations)
  ), b AS (
    SELECT st.id, st.time_zone, g.b0, g.b1
    FROM st CROSS JOIN LATERAL (
      SELECT h AS b0, h + interval '1 hour' AS b1
      FROM generate_series(date_trunc('hour', p_from, st.time_zone), p_to - interval '1 millisecond',
                           interval '1 hour') h
      WHERE p_bucket = 'hour'
      UNION ALL
      SELECT d AT TIME ZONE st.time_zone,
             (d + CASE p_bucket WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '1 week'
                                ELSE interval '1 month' END) AT TIME ZONE st.time_zone
      FROM generate_series(date_trunc(CASE p_bucket WHEN 'week' THEN 'week' WHEN 'month' THEN 'month' ELSE 'day' END,
                                      p_from AT TIME ZONE st.time_zone),
                           (p_to - interval '1 millisecond') AT TIME ZONE st.time_zone,
                           CASE p_bucket WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '1 week'
                                         ELSE interval '1 month' END) d
      WHERE p_bucket <> 'hour'
    ) g
  )
  SELECT b.id, b.time_zone, b.b0, b.b1,
         greatest(0, extract(epoch FROM least(b.b1, p_to, now()) - greatest(b.b0, p_from)))::bigint
  FROM b
$$;

-- Rollup rows of [p_from, p_to) per station: whole local days from analytics_daily, the
-- hours of the partial days at either end (or every hour with p_hourly) from
-- analytics_hourly. Ranges count in whole local hours (rows whose hour begins inside).
CREATE FUNCTION csms_rollup_rows(p_from timestamptz, p_to timestamptz, p_stations text[], p_hourly boolean)
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
  ), st AS (
    SELECT st0.*, NOT p_hourly AND d0 < d1 AS has_days,
           CASE WHEN NOT p_hourly AND d0 < d1 THEN csms_local_day_start(d0, time_zone) ELSE p_to END AS a_end,
           CASE WHEN NOT p_hourly AND d0 < d1 THEN csms_local_day_start(d1, time_zone) ELSE p_to END AS b_start
    FROM st0
  )
  SELECT d.station_id, st.time_zone, d.evse_id, d.connector_id, d.local_day, d.day_start,
         d.occupied_s, d.charging_s, d.down_s, d.excused_down_s, d.offline_s, d.all_busy_s, d.energy_wh,
         d.sessions_started
  FROM st JOIN analytics_daily d ON d.station_id = st.id AND d.local_day >= st.d0 AND d.local_day < st.d1
  WHERE st.has_days
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

-- utilization: per station, connector and bucket.
CREATE FUNCTION csms_report_utilization(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT station_id, evse_id, connector_id,
           csms_bucket_start(p_bucket, local_day, hour_start, time_zone) AS bucket_start,
           sum(occupied_s) AS occupied_s, sum(charging_s) AS charging_s, sum(sessions_started) AS sessions
    FROM csms_rollup_rows(p_from, p_to, p_stations, p_bucket = 'hour')
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

-- energy: Wh per station and bucket.
CREATE FUNCTION csms_report_energy(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT station_id, csms_bucket_start(p_bucket, local_day, hour_start, time_zone) AS bucket_start,
           sum(energy_wh) AS energy_wh, sum(sessions_started) AS sessions
    FROM csms_rollup_rows(p_from, p_to, p_stations, p_bucket = 'hour')
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

-- uptime: per station and bucket, over its connectors (NEVI counts ports): 1 - (down -
-- excused) / (connectors x period).
CREATE FUNCTION csms_report_uptime(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[],
                                   p_threshold double precision)
RETURNS json LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT station_id, csms_bucket_start(p_bucket, local_day, hour_start, time_zone) AS bucket_start,
           sum(down_s) FILTER (WHERE evse_id > 0) AS down_s,
           sum(excused_down_s) FILTER (WHERE evse_id > 0) AS excused_s,
           sum(offline_s) FILTER (WHERE evse_id = 0) AS offline_s
    FROM csms_rollup_rows(p_from, p_to, p_stations, p_bucket = 'hour')
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

-- peak-hours: weekday x local hour over the range, all chosen stations together.
CREATE FUNCTION csms_report_peak_hours(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH st AS (
    SELECT s.id, s.time_zone,
           (SELECT count(*) FROM connectors c WHERE c.station_id = s.id AND c.evse_id > 0) AS connectors
    FROM stations s WHERE p_stations IS NULL OR s.id = ANY (p_stations)
  ), zones AS (
    SELECT time_zone, sum(connectors) AS connectors FROM st GROUP BY time_zone
  ), slots AS (  -- connector-hours available per weekday and local hour
    SELECT extract(isodow FROM h AT TIME ZONE z.time_zone)::int AS weekday,
           extract(hour FROM h AT TIME ZONE z.time_zone)::int AS hour,
           sum(z.connectors * extract(epoch FROM least(h + interval '1 hour', p_to, now()) - h)) AS capacity_s
    FROM zones z CROSS JOIN LATERAL generate_series(date_trunc('hour', p_from, z.time_zone),
                                                    p_to - interval '1 millisecond', interval '1 hour') h
    WHERE h < now()
    GROUP BY 1, 2
  ), r AS (
    SELECT extract(isodow FROM h.local_hour)::int AS weekday, extract(hour FROM h.local_hour)::int AS hour,
           sum(h.occupied_s) FILTER (WHERE h.evse_id > 0) AS occupied_s,
           sum(h.sessions_started) AS sessions, sum(h.energy_wh) AS energy_wh
    FROM st JOIN analytics_hourly h ON h.station_id = st.id AND h.hour_start >= p_from AND h.hour_start < p_to
    GROUP BY 1, 2
  ), grid AS (
    SELECT w AS weekday, hr AS hour FROM generate_series(1, 7) w, generate_series(0, 23) hr
  )
  SELECT coalesce(json_agg(json_build_object(
           'weekday', g.weekday, 'hour', g.hour, 'sessions_started', coalesce(r.sessions, 0),
           'avg_occupancy_percent', coalesce(round((100.0 * r.occupied_s / nullif(s.capacity_s, 0))::numeric, 2), 0),
           'energy_wh', round(coalesce(r.energy_wh, 0))::bigint)
         ORDER BY g.weekday, g.hour), '[]')
  FROM grid g
  LEFT JOIN slots s ON s.weekday = g.weekday AND s.hour = g.hour
  LEFT JOIN r ON r.weekday = g.weekday AND r.hour = g.hour
$$;

-- revenue: priced sessions by the local bucket of their end, per station, tariff and currency.
CREATE FUNCTION csms_report_revenue(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH r AS (
    SELECT t.station_id, s.time_zone,
           csms_bucket_start(p_bucket, (t.stopped_at AT TIME ZONE s.time_zone)::date,
                             date_trunc('hour', t.stopped_at, s.time_zone), s.time_zone) AS bucket_start,
           t.cost ->> 'tariff_id' AS tariff_id, t.cost ->> 'currency' AS currency,
           count(*) AS sessions, sum((t.cost ->> 'total_excl_vat')::numeric) AS excl,
           sum((t.cost ->> 'total_incl_vat')::numeric) AS incl,
           sum((t.cost ->> 'energy_wh')::bigint) AS energy_wh
    FROM transactions t JOIN stations s ON s.id = t.station_id
    WHERE t.cost IS NOT NULL AND t.stopped_at >= p_from AND t.stopped_at < p_to
      AND (p_stations IS NULL OR t.station_id = ANY (p_stations))
    GROUP BY 1, 2, 3, 4, 5
  )
  SELECT coalesce(json_agg(json_build_object(
           'station_id', station_id, 'bucket_start', csms_local_ts(bucket_start, time_zone),
           'tariff_id', tariff_id, 'currency', currency, 'sessions', sessions,
           'revenue_excl_vat', excl::text, 'revenue_incl_vat', incl::text, 'energy_wh', energy_wh)
         ORDER BY station_id, bucket_start, tariff_id, currency), '[]')
  FROM r
$$;

-- sessions: distributions per station over the range (sessions that started in it).
CREATE FUNCTION csms_report_sessions(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH t AS (
    SELECT t.id, t.station_id, t.id_token, k.customer_id,
           extract(epoch FROM coalesce(t.stopped_at, least(now(), p_to)) - t.started_at) AS duration_s,
           greatest(0, coalesce(t.meter_stop_wh, csms_last_register_wh(t.id)) - t.meter_start_wh) AS energy_wh
    FROM transactions t LEFT JOIN id_tokens k ON k.token = t.id_token
    WHERE t.started_at >= p_from AND t.started_at < p_to
      AND (p_stations IS NULL OR t.station_id = ANY (p_stations))
  ), per_token AS (
    SELECT station_id, id_token, count(*) AS n FROM t WHERE id_token IS NOT NULL GROUP BY 1, 2
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
           'repeat_percent', round((100.0 * (SELECT count(*) FILTER (WHERE n > 1) FROM per_token p
                                             WHERE p.station_id = s.station_id)
                                    / nullif(s.tokens, 0))::numeric, 2))
         ORDER BY s.station_id), '[]')
  FROM s LEFT JOIN idle i ON i.station_id = s.station_id
$$;

-- faults: alerts per rule and station opened in the range; MTTR over the resolved ones,
-- MTBF = (range - repair time) / failures.
CREATE FUNCTION csms_report_faults(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH a AS (
    SELECT station_id, rule, count(*) AS alerts,
           count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
           avg(extract(epoch FROM resolved_at - opened_at)) FILTER (WHERE resolved_at IS NOT NULL) AS mttr_s,
           sum(extract(epoch FROM coalesce(resolved_at, least(now(), p_to)) - opened_at)) AS repair_s
    FROM alerts
    WHERE opened_at >= p_from AND opened_at < p_to AND (p_stations IS NULL OR station_id = ANY (p_stations))
    GROUP BY 1, 2
  )
  SELECT coalesce(json_agg(json_build_object(
           'station_id', station_id, 'rule', rule, 'alerts', alerts, 'resolved', resolved,
           'mttr_s', round(mttr_s)::bigint,
           'mtbf_s', round((extract(epoch FROM least(now(), p_to) - p_from) - repair_s) / alerts)::bigint)
         ORDER BY station_id, rule), '[]')
  FROM a
$$;

CREATE FUNCTION csms_maintenance_window_json(m maintenance_windows) RETURNS json
LANGUAGE sql STABLE AS $$
  SELECT json_build_object('id', m.id, 'station_id', m.station_id, 'evse_id', m.evse_id,
                           'starts_at', csms_ts(m.starts_at), 'ends_at', csms_ts(m.ends_at),
                           'reason', m.reason, 'created_at', csms_ts(m.created_at))
$$;

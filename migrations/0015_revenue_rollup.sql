-- Revenue per station, local day, tariff and currency, from the priced sessions that ended
-- that day; reports over whole days read it instead of every session's cost document.
CREATE TABLE analytics_revenue_daily (
  station_id text NOT NULL,
  local_day  date NOT NULL,
  tariff_id  text NOT NULL DEFAULT '',
  currency   text NOT NULL,
  sessions   bigint NOT NULL,
  excl       numeric NOT NULL,
  incl       numeric NOT NULL,
  energy_wh  bigint NOT NULL,
  PRIMARY KEY (station_id, local_day, tariff_id, currency)
);

-- Recomputes the given stations' local days (called with the rollups of those days; a
-- session's day is marked again when its cost is stored).
CREATE FUNCTION csms_rollup_revenue(p_stations text[], p_days date[]) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM analytics_revenue_daily r
  USING (SELECT DISTINCT station_id, local_day FROM unnest(p_stations, p_days) AS d(station_id, local_day)) d
  WHERE r.station_id = d.station_id AND r.local_day = d.local_day;
  INSERT INTO analytics_revenue_daily (station_id, local_day, tariff_id, currency, sessions, excl, incl, energy_wh)
  SELECT d.station_id, d.local_day, coalesce(t.cost ->> 'tariff_id', ''), t.cost ->> 'currency', count(*),
         sum((t.cost ->> 'total_excl_vat')::numeric), sum((t.cost ->> 'total_incl_vat')::numeric),
         sum(coalesce((t.cost ->> 'energy_wh')::bigint, 0))
  FROM (SELECT DISTINCT x.station_id, x.local_day, s.time_zone
        FROM unnest(p_stations, p_days) AS x(station_id, local_day) JOIN stations s ON s.id = x.station_id) d
  CROSS JOIN LATERAL (
    SELECT * FROM transactions t WHERE t.station_id = d.station_id AND t.cost IS NOT NULL
      AND t.stopped_at >= csms_local_day_start(d.local_day, d.time_zone)
      AND t.stopped_at < csms_local_day_start(d.local_day + 1, d.time_zone)) t
  WHERE t.cost ? 'currency'
  GROUP BY 1, 2, 3, 4;
$$;

-- What is priced already.
INSERT INTO analytics_revenue_daily (station_id, local_day, tariff_id, currency, sessions, excl, incl, energy_wh)
SELECT t.station_id, (t.stopped_at AT TIME ZONE s.time_zone)::date, coalesce(t.cost ->> 'tariff_id', ''),
       t.cost ->> 'currency', count(*), sum((t.cost ->> 'total_excl_vat')::numeric),
       sum((t.cost ->> 'total_incl_vat')::numeric), sum(coalesce((t.cost ->> 'energy_wh')::bigint, 0))
FROM transactions t JOIN stations s ON s.id = t.station_id
WHERE t.cost IS NOT NULL AND t.stopped_at IS NOT NULL AND t.cost ? 'currency'
GROUP BY 1, 2, 3, 4;

-- revenue: whole local days from the daily revenue rollup, the partial days at the ends of
-- the range (and hourly buckets) from the sessions themselves.
CREATE OR REPLACE FUNCTION csms_report_revenue(p_from timestamptz, p_to timestamptz, p_bucket text, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH st0 AS (
    SELECT s.id, s.time_zone,
           CASE WHEN (p_from AT TIME ZONE s.time_zone)::time = '00:00'
                THEN (p_from AT TIME ZONE s.time_zone)::date
                ELSE (p_from AT TIME ZONE s.time_zone)::date + 1 END AS d0,
           (p_to AT TIME ZONE s.time_zone)::date AS d1
    FROM stations s WHERE p_stations IS NULL OR s.id = ANY (p_stations)
  ), st AS (
    SELECT st0.*, p_bucket <> 'hour' AND d0 < d1 AS has_days,
           CASE WHEN p_bucket <> 'hour' AND d0 < d1 THEN csms_local_day_start(d0, time_zone) ELSE p_to END AS a_end,
           CASE WHEN p_bucket <> 'hour' AND d0 < d1 THEN csms_local_day_start(d1, time_zone) ELSE p_to END AS b_start
    FROM st0
  ), r AS (
    SELECT st.id AS station_id, st.time_zone, csms_bucket_start(p_bucket, x.local_day, NULL, st.time_zone) AS bucket_start,
           x.tariff_id, x.currency, x.sessions, x.excl, x.incl, x.energy_wh
    FROM st CROSS JOIN LATERAL (SELECT * FROM analytics_revenue_daily x WHERE x.station_id = st.id
                                 AND x.local_day >= st.d0 AND x.local_day < st.d1) x
    WHERE st.has_days
    UNION ALL
    SELECT st.id, st.time_zone,
           csms_bucket_start(p_bucket, (t.stopped_at AT TIME ZONE st.time_zone)::date,
                             date_trunc('hour', t.stopped_at, st.time_zone), st.time_zone),
           coalesce(t.cost ->> 'tariff_id', ''), t.cost ->> 'currency', 1, (t.cost ->> 'total_excl_vat')::numeric,
           (t.cost ->> 'total_incl_vat')::numeric, coalesce((t.cost ->> 'energy_wh')::bigint, 0)
    FROM st CROSS JOIN LATERAL (
      SELECT * FROM transactions x WHERE x.station_id = st.id AND x.cost IS NOT NULL
        AND x.stopped_at >= p_from AND x.stopped_at < st.a_end
      UNION ALL
      SELECT * FROM transactions x WHERE st.has_days AND x.station_id = st.id AND x.cost IS NOT NULL
        AND x.stopped_at >= st.b_start AND x.stopped_at < p_to) t
    WHERE t.cost ? 'currency'
  ), g AS (
    SELECT station_id, time_zone, bucket_start, tariff_id, currency, sum(sessions) AS sessions,
           sum(excl) AS excl, sum(incl) AS incl, sum(energy_wh) AS energy_wh
    FROM r GROUP BY 1, 2, 3, 4, 5
  )
  SELECT coalesce(json_agg(json_build_object(
           'station_id', station_id, 'bucket_start', csms_local_ts(bucket_start, time_zone),
           'tariff_id', nullif(tariff_id, ''), 'currency', currency, 'sessions', sessions,
           'revenue_excl_vat', excl::text, 'revenue_incl_vat', incl::text, 'energy_wh', energy_wh)
         ORDER BY station_id, bucket_start, tariff_id, currency), '[]')
  FROM g
$$;
ALTER FUNCTION csms_report_revenue(timestamptz, timestamptz, text, text[]) SET jit = off;

-- Rollup maintenance functions that the analytics worker calls for the local days it
-- recomputed (src/store/analytics_repository.cpp, replace_rollups). A repeatable migration:
-- applied again whenever this text changes (0015 and 0018 created the first versions).

-- Recomputes the given stations' local days of revenue, and the months those days are in
-- (called with the other rollups of those days; a session's day is marked again when its
-- cost is stored).
CREATE OR REPLACE FUNCTION csms_rollup_revenue(p_stations text[], p_days date[]) RETURNS void
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
      AND t.stopped_at < csms_local_day_start(d.local_day + 1, d.time_zone) OFFSET 0) t
  WHERE t.cost ? 'currency'
  GROUP BY 1, 2, 3, 4;

  DELETE FROM analytics_revenue_monthly r
  USING (SELECT DISTINCT station_id, date_trunc('month', local_day)::date AS local_month
         FROM unnest(p_stations, p_days) AS d(station_id, local_day)) m
  WHERE r.station_id = m.station_id AND r.local_month = m.local_month;
  WITH m AS (
    SELECT DISTINCT station_id, date_trunc('month', local_day)::date AS local_month
    FROM unnest(p_stations, p_days) AS d(station_id, local_day)
  )
  INSERT INTO analytics_revenue_monthly (station_id, local_month, tariff_id, currency, sessions, excl, incl,
                                         energy_wh)
  SELECT m.station_id, m.local_month, x.tariff_id, x.currency, sum(x.sessions), sum(x.excl), sum(x.incl),
         sum(x.energy_wh)
  FROM m CROSS JOIN LATERAL (SELECT * FROM analytics_revenue_daily x WHERE x.station_id = m.station_id
                              AND x.local_day >= m.local_month
                              AND x.local_day < (m.local_month + interval '1 month')::date OFFSET 0) x
  GROUP BY 1, 2, 3, 4;
$$;

-- Recomputes the given stations' local days of ended sessions and the months those days
-- are in (called with the other rollups of those days; a session's end marks its day).
CREATE OR REPLACE FUNCTION csms_rollup_sessions(p_stations text[], p_days date[]) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM analytics_sessions_daily r
  USING (SELECT DISTINCT station_id, local_day FROM unnest(p_stations, p_days) AS d(station_id, local_day)) d
  WHERE r.station_id = d.station_id AND r.local_day = d.local_day;
  INSERT INTO analytics_sessions_daily (station_id, local_day, ended, failed)
  SELECT d.station_id, d.local_day, count(*),
         count(*) FILTER (WHERE csms_failed_start(t.meter_start_wh, t.meter_stop_wh, t.started_at, t.stopped_at,
                                                  t.authorization_status))
  FROM (SELECT DISTINCT x.station_id, x.local_day, s.time_zone
        FROM unnest(p_stations, p_days) AS x(station_id, local_day) JOIN stations s ON s.id = x.station_id) d
  CROSS JOIN LATERAL (
    SELECT * FROM transactions t WHERE t.station_id = d.station_id
      AND t.stopped_at >= csms_local_day_start(d.local_day, d.time_zone)
      AND t.stopped_at < csms_local_day_start(d.local_day + 1, d.time_zone) OFFSET 0) t
  GROUP BY 1, 2;

  DELETE FROM analytics_sessions_monthly r
  USING (SELECT DISTINCT station_id, date_trunc('month', local_day)::date AS local_month
         FROM unnest(p_stations, p_days) AS d(station_id, local_day)) m
  WHERE r.station_id = m.station_id AND r.local_month = m.local_month;
  INSERT INTO analytics_sessions_monthly (station_id, local_month, ended, failed)
  SELECT m.station_id, m.local_month, sum(x.ended), sum(x.failed)
  FROM (SELECT DISTINCT station_id, date_trunc('month', local_day)::date AS local_month
        FROM unnest(p_stations, p_days) AS d(station_id, local_day)) m
  CROSS JOIN LATERAL (SELECT * FROM analytics_sessions_daily x WHERE x.station_id = m.station_id
                       AND x.local_day >= m.local_month
                       AND x.local_day < (m.local_month + interval '1 month')::date OFFSET 0) x
  GROUP BY 1, 2;
$$;


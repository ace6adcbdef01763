-- Rollup maintenance functions that the analytics worker calls for the local days it
-- recomputed (src/store/analytics_repository.cpp, replace_rollups). A repeatable migration:
-- applied again whenever this text changes (0010, 0015 and 0018 created the first versions).

-- Recomputes the daily hour profiles and the monthly rows of the given stations' local days
-- (called after the hourly and daily rows of those days were replaced). The monthly weekday x
-- hour profiles are summed hour by hour per weekday, then slot by slot (sum(o[1]) ... written
-- out by format() below): 0010's version unnested every day's arrays, 1.5 s a tick for 1,000
-- stations.
DO $generate$
DECLARE
  -- per weekday: the days' 24 hours of one array
  hours text := (SELECT string_agg(format('sum(a.%%1$s[%s])', h), ', ' ORDER BY h) FROM generate_series(1, 24) h);
  -- per month: slot (w - 1) * 24 + h from weekday w's sums
  slots text := (SELECT string_agg(format('coalesce(sum(w.%%1$s[%s]) FILTER (WHERE w.isodow = %s), 0)', h, d),
                                   ', ' ORDER BY d, h)
                 FROM generate_series(1, 7) d, generate_series(1, 24) h);
BEGIN
  EXECUTE format($function$
CREATE OR REPLACE FUNCTION csms_rollup_months(p_stations text[], p_days date[]) RETURNS void
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
  ), w AS (  -- per weekday of the month: its days' hour profiles summed hour by hour
    SELECT t.station_id, t.local_month, extract(isodow FROM a.local_day)::int AS isodow,
           ARRAY[%1$s]::bigint[] AS o, ARRAY[%2$s]::bigint[] AS s, ARRAY[%3$s]::double precision[] AS e
    FROM t JOIN analytics_daily a ON a.station_id = t.station_id AND a.evse_id = 0 AND a.connector_id = 0
     AND a.local_day >= t.local_month AND a.local_day < (t.local_month + interval '1 month')::date
    GROUP BY 1, 2, 3
  ), profiles AS (  -- weekday x hour, index (weekday - 1) * 24 + hour + 1
    SELECT w.station_id, w.local_month, ARRAY[%4$s]::bigint[] AS occupied, ARRAY[%5$s]::bigint[] AS sessions,
           ARRAY[%6$s]::double precision[] AS energy
    FROM w GROUP BY 1, 2
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
$$
$function$,
    format(hours, 'occupied_by_hour'), format(hours, 'sessions_by_hour'), format(hours, 'energy_by_hour'),
    format(slots, 'o'), format(slots, 's'), format(slots, 'e'));
END
$generate$;

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


-- expansion finds each station's busiest local hour from the monthly and daily hour
-- profiles (and the hours of partial days) instead of a year of hourly rows (2.5 s for 500
-- stations).

CREATE OR REPLACE FUNCTION csms_report_expansion(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
  WITH st AS (
    SELECT s.id, s.time_zone, csms_site_of(s) AS site,
           (SELECT count(*) FROM connectors c WHERE c.station_id = s.id AND c.evse_id > 0) AS connectors,
           greatest(0, extract(epoch FROM least(p_to, now()) - p_from)) AS period_s,
           date_trunc('month', (least(p_to, now()) AT TIME ZONE s.time_zone))::date AS this_month
    FROM stations s WHERE p_stations IS NULL OR s.id = ANY (p_stations)
  ), r AS (
    SELECT station_id, sum(occupied_s) FILTER (WHERE evse_id > 0) AS occupied_s,
           sum(all_busy_s) FILTER (WHERE evse_id = 0) AS all_busy_s,
           sum(sessions_started) AS sessions, sum(energy_wh) AS energy_wh
    FROM csms_rollup_rows(p_from, p_to, p_stations, false) GROUP BY station_id
  ), bounds AS (
    SELECT st.id, st.time_zone, x.d0, x.d1, x.d0 < x.d1 AS has_days,
           (date_trunc('month', x.d0 - 1) + interval '1 month')::date AS m0, date_trunc('month', x.d1)::date AS m1
    FROM st CROSS JOIN LATERAL (
      SELECT CASE WHEN (p_from AT TIME ZONE st.time_zone)::time = '00:00' THEN (p_from AT TIME ZONE st.time_zone)::date
                  ELSE (p_from AT TIME ZONE st.time_zone)::date + 1 END AS d0,
             (p_to AT TIME ZONE st.time_zone)::date AS d1) x
  ), b AS (
    SELECT bounds.*, has_days AND m0 < m1 AS has_months,
           CASE WHEN has_days THEN csms_local_day_start(d0, time_zone) ELSE p_to END AS a_end,
           CASE WHEN has_days THEN csms_local_day_start(d1, time_zone) ELSE p_to END AS b_start
    FROM bounds
  ), by_hour_parts AS (  -- occupied connector-seconds by local hour of the day
    SELECT b.id AS station_id, (u.slot::int - 1) % 24 AS hour, u.o::numeric AS occupied_s
    FROM b CROSS JOIN LATERAL (SELECT * FROM analytics_monthly x WHERE x.station_id = b.id AND x.evse_id = 0
                                AND x.connector_id = 0 AND x.local_month >= b.m0 AND x.local_month < b.m1) m
    CROSS JOIN LATERAL unnest(m.profile_occupied) WITH ORDINALITY AS u(o, slot)
    WHERE b.has_months
    UNION ALL
    SELECT b.id, u.hr::int - 1, u.o
    FROM b CROSS JOIN LATERAL (
      SELECT * FROM analytics_daily x WHERE x.station_id = b.id AND x.evse_id = 0 AND x.connector_id = 0
        AND x.local_day >= b.d0 AND x.local_day < CASE WHEN b.has_months THEN b.m0 ELSE b.d1 END
      UNION ALL
      SELECT * FROM analytics_daily x WHERE b.has_months AND x.station_id = b.id AND x.evse_id = 0
        AND x.connector_id = 0 AND x.local_day >= b.m1 AND x.local_day < b.d1) d
    CROSS JOIN LATERAL unnest(d.occupied_by_hour) WITH ORDINALITY AS u(o, hr)
    WHERE b.has_days
    UNION ALL
    SELECT b.id, extract(hour FROM h.local_hour)::int, h.occupied_s
    FROM b CROSS JOIN LATERAL (
      SELECT * FROM analytics_hourly x WHERE x.station_id = b.id AND x.hour_start >= p_from AND x.hour_start < b.a_end
      UNION ALL
      SELECT * FROM analytics_hourly x WHERE b.has_days AND x.station_id = b.id AND x.hour_start >= b.b_start
        AND x.hour_start < p_to) h
    WHERE h.evse_id > 0
  ), by_hour AS (
    SELECT station_id, hour, sum(occupied_s) AS occupied_s FROM by_hour_parts GROUP BY 1, 2
  ), peak AS (
    SELECT DISTINCT ON (b.station_id) b.station_id, b.hour,
           100.0 * b.occupied_s / nullif(st.connectors * st.period_s / 24.0, 0) AS occupancy
    FROM by_hour b JOIN st ON st.id = b.station_id
    ORDER BY b.station_id, b.occupied_s DESC
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
    FROM st JOIN analytics_daily d ON d.station_id = st.id AND d.evse_id > 0
      AND d.local_day >= st.this_month - interval '2 months' AND d.local_day < st.this_month
      AND d.day_start >= p_from
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
  SELECT coalesce(json_agg(json_build_object(
           'level', level, 'station_id', station_id, 'site', site, 'connectors', connectors,
           'sessions', sessions, 'energy_wh', energy_wh, 'occupancy_percent', occupancy_percent,
           'busiest_hour', busiest_hour, 'busiest_hour_occupancy_percent', busiest_hour_occupancy_percent,
           'saturation_percent', saturation_percent, 'sessions_growth_percent', sessions_growth_percent,
           'energy_growth_percent', energy_growth_percent, 'rank_busiest_hour', rank_busiest_hour,
           'rank_saturation', rank_saturation, 'needs_capacity', needs_capacity, 'under_used', under_used)
         ORDER BY level DESC, rank_busiest_hour, station_id, site), '[]')
  FROM ranked
$$;

ALTER FUNCTION csms_report_expansion(timestamptz, timestamptz, text[]) SET jit = off;

-- Analytics for planning and upkeep: where to build (expansion) and which stations to
-- visit before they break (maintenance).

-- Sites group stations by their location (else name, else id).
CREATE FUNCTION csms_site_of(s stations) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(nullif(s.location, ''), nullif(s.name, ''), s.id) $$;

-- expansion: per station and per site over the range: occupancy, occupancy in the busiest
-- local hour of the day, saturation (all connectors busy at once), month-over-month growth
-- of sessions and energy (the last whole local month in the range against the one before),
-- ranks, and flags: needs_capacity (saturation >= 10 % or busiest-hour occupancy >= 80 %),
-- under_used (occupancy < 5 %).
CREATE FUNCTION csms_report_expansion(p_from timestamptz, p_to timestamptz, p_stations text[])
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
  ), by_hour AS (  -- occupancy per local hour of the day
    SELECT h.station_id, extract(hour FROM h.local_hour)::int AS hour, sum(h.occupied_s) AS occupied_s
    FROM st JOIN analytics_hourly h ON h.station_id = st.id AND h.hour_start >= p_from AND h.hour_start < p_to
    WHERE h.evse_id > 0
    GROUP BY 1, 2
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

-- maintenance: each station's last four weeks before `p_to` against its own history from
-- `p_from` (per week): alerts opened, failed starts (sessions under 50 Wh or 2 minutes, or
-- not authorized) and delivered power while charging. A station is a candidate when a
-- measure rose (or power fell) by half and by a meaningful amount.
CREATE FUNCTION csms_report_maintenance(p_from timestamptz, p_to timestamptz, p_stations text[])
RETURNS json LANGUAGE sql STABLE AS $$
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
  ), t AS (
    SELECT tr.station_id, tr.started_at >= b.t_recent AS recent,
           (coalesce(tr.meter_stop_wh, tr.meter_start_wh) - tr.meter_start_wh < 50
            OR tr.stopped_at - tr.started_at < interval '2 minutes'
            OR coalesce(tr.authorization_status, 'Accepted') <> 'Accepted') AS failed
    FROM transactions tr, b
    WHERE tr.started_at >= p_from AND tr.started_at < b.t_end AND tr.stopped_at IS NOT NULL
      AND tr.station_id IN (SELECT id FROM st)
  ), f AS (
    SELECT station_id,
           100.0 * count(*) FILTER (WHERE recent AND failed) / nullif(count(*) FILTER (WHERE recent), 0) AS recent,
           100.0 * count(*) FILTER (WHERE NOT recent AND failed) / nullif(count(*) FILTER (WHERE NOT recent), 0) AS baseline,
           count(*) FILTER (WHERE recent) AS recent_sessions
    FROM t GROUP BY station_id
  ), p AS (  -- average power while charging, kW
    SELECT r.station_id,
           sum(r.energy_wh) FILTER (WHERE r.hour_start >= b.t_recent) * 3.6
             / nullif(sum(r.charging_s) FILTER (WHERE r.hour_start >= b.t_recent), 0) AS recent,
           sum(r.energy_wh) FILTER (WHERE r.hour_start < b.t_recent) * 3.6
             / nullif(sum(r.charging_s) FILTER (WHERE r.hour_start < b.t_recent), 0) AS baseline
    FROM csms_rollup_rows(p_from, (SELECT t_end FROM b), p_stations, false) r, b
    WHERE r.evse_id > 0
    GROUP BY r.station_id
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
  SELECT coalesce(json_agg(json_build_object(
           'station_id', station_id, 'candidate', cardinality(reasons) > 0,
           'reasons', array_to_string(reasons, '; '),
           'recent_alerts_per_week', recent_alerts_per_week, 'baseline_alerts_per_week', baseline_alerts_per_week,
           'recent_failed_start_percent', recent_failed_start_percent,
           'baseline_failed_start_percent', baseline_failed_start_percent,
           'recent_avg_power_kw', recent_avg_power_kw, 'baseline_avg_power_kw', baseline_avg_power_kw,
           'recent_sessions', recent_sessions)
         ORDER BY cardinality(reasons) DESC, recent_alerts_per_week DESC NULLS LAST, station_id), '[]')
  FROM flagged
$$;

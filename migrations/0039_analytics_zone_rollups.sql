-- The fleet's rollups: the stations' hourly, daily and daily revenue rows summed per time
-- zone (the zone the station has now) and hour or local day. A fleet report over every
-- station reads these instead of every station's rows: a month by day is 150 rows for five
-- zones, not 50,000.
--
-- Kept by triggers, so every writer of analytics_hourly, analytics_daily and
-- analytics_revenue_daily (the rollup worker, `csms analytics rebuild`) keeps them: each
-- statement adds the sums of the rows it inserted and subtracts those of the rows it deleted.
-- A station that changes its time zone moves its sums to the new zone; a deleted station's
-- sums are taken out. Connector sums are of the connector rows (evse_id > 0), offline_s of the
-- station rows (evse 0, connector 0), as the fleet reports read them. Energy is numeric so
-- that a sum taken out again is exact.
CREATE TABLE analytics_zone_hourly (
  time_zone        text NOT NULL,
  hour_start       timestamptz NOT NULL,
  local_hour       timestamp NOT NULL,
  occupied_s       bigint NOT NULL DEFAULT 0,
  charging_s       bigint NOT NULL DEFAULT 0,
  down_s           bigint NOT NULL DEFAULT 0,
  excused_down_s   bigint NOT NULL DEFAULT 0,
  offline_s        bigint NOT NULL DEFAULT 0,
  energy_wh        numeric NOT NULL DEFAULT 0,
  sessions_started bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (time_zone, hour_start)
);

CREATE TABLE analytics_zone_daily (
  time_zone        text NOT NULL,
  local_day        date NOT NULL,
  occupied_s       bigint NOT NULL DEFAULT 0,
  charging_s       bigint NOT NULL DEFAULT 0,
  down_s           bigint NOT NULL DEFAULT 0,
  excused_down_s   bigint NOT NULL DEFAULT 0,
  offline_s        bigint NOT NULL DEFAULT 0,
  energy_wh        numeric NOT NULL DEFAULT 0,
  sessions_started bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (time_zone, local_day)
);

-- The fleet's revenue per zone, local day, tariff and currency: analytics_revenue_daily summed.
CREATE TABLE analytics_zone_revenue_daily (
  time_zone text NOT NULL,
  local_day date NOT NULL,
  tariff_id text NOT NULL,
  currency  text NOT NULL,
  sessions  bigint NOT NULL DEFAULT 0,
  excl      numeric NOT NULL DEFAULT 0,
  incl      numeric NOT NULL DEFAULT 0,
  energy_wh bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (time_zone, local_day, tariff_id, currency)
);

-- Every connector a station's rollups have named (a session or status on a connector the
-- station never reported is still one of its connectors). The utilization reports count a
-- station's connectors as these and the ones in `connectors`, whatever the range.
CREATE TABLE analytics_connectors (
  station_id   text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  evse_id      integer NOT NULL,
  connector_id integer NOT NULL,
  PRIMARY KEY (station_id, evse_id, connector_id)
);

-- One writer of the zone rows at a time, to the end of its transaction: the triggers below
-- take it first, before they read anything. A rollup (src/store/analytics_repository.cpp)
-- locks its stations' rows (FOR KEY SHARE) before it writes, so that a station being deleted
-- (its row locked, then this lock in its trigger) and a rollup naming one of its connectors
-- (this lock, then the station row for analytics_connectors' foreign key) cannot deadlock.
CREATE FUNCTION csms_zone_lock() RETURNS void
LANGUAGE sql AS $$ SELECT pg_advisory_xact_lock(hashtext('csms analytics zone rollups')) $$;

-- csms_zone_add_hours and csms_zone_add_days (written out by format() below, one text for
-- both) add the sums of p_new and take out those of p_old (hourly or daily rows) per zone and
-- hour or local day: the zone of each row's station, or p_old_zone / p_new_zone when given (a
-- station that moves). Zone rows are changed in key order; one whose sums do not change is not
-- written (a rollup rewrites whole days of which most hours stay the same). The daily one also
-- notes the connectors p_new names (analytics_connectors).
DO $generate$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
      ('csms_zone_add_hours', 'analytics_hourly', 'analytics_zone_hourly', 'hour_start', ', local_hour',
       ', g.key AT TIME ZONE g.zone', ''),
      ('csms_zone_add_days', 'analytics_daily', 'analytics_zone_daily', 'local_day', '', '',
       'INSERT INTO analytics_connectors (station_id, evse_id, connector_id)
        SELECT DISTINCT n.station_id, n.evse_id, n.connector_id
        FROM unnest(p_new) n JOIN stations s ON s.id = n.station_id
        WHERE n.evse_id > 0
        ORDER BY 1, 2, 3
        ON CONFLICT DO NOTHING;')) v(fn, source, zone, key, extra_column, extra_value, tail)
  LOOP
    EXECUTE format($function$
CREATE FUNCTION %1$I(p_old %2$I[], p_new %2$I[], p_old_zone text, p_new_zone text) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO %3$I AS z (time_zone, %4$I%5$s, occupied_s, charging_s, down_s, excused_down_s, offline_s, energy_wh,
                         sessions_started)
  SELECT g.zone, g.key%6$s, g.o, g.c, g.d, g.e, g.f, g.w, g.n
  FROM (SELECT r.zone, r.%4$I AS key,
               coalesce(sum(r.sign * r.occupied_s) FILTER (WHERE r.evse_id > 0), 0) AS o,
               coalesce(sum(r.sign * r.charging_s) FILTER (WHERE r.evse_id > 0), 0) AS c,
               coalesce(sum(r.sign * r.down_s) FILTER (WHERE r.evse_id > 0), 0) AS d,
               coalesce(sum(r.sign * r.excused_down_s) FILTER (WHERE r.evse_id > 0), 0) AS e,
               coalesce(sum(r.sign * r.offline_s) FILTER (WHERE r.evse_id = 0), 0) AS f,
               coalesce(sum(r.sign * r.energy_wh::numeric) FILTER (WHERE r.evse_id > 0), 0) AS w,
               coalesce(sum(r.sign * r.sessions_started) FILTER (WHERE r.evse_id > 0), 0) AS n
        FROM (SELECT -1 AS sign, coalesce(p_old_zone, s.time_zone) AS zone, o.*
              FROM unnest(p_old) o JOIN stations s ON s.id = o.station_id
              UNION ALL
              SELECT 1, coalesce(p_new_zone, s.time_zone), n.*
              FROM unnest(p_new) n JOIN stations s ON s.id = n.station_id) r
        GROUP BY 1, 2) g
  WHERE (g.o, g.c, g.d, g.e, g.f, g.w, g.n) <> (0, 0, 0, 0, 0, 0, 0)
  ORDER BY 1, 2
  ON CONFLICT (time_zone, %4$I) DO UPDATE SET
    occupied_s = z.occupied_s + EXCLUDED.occupied_s, charging_s = z.charging_s + EXCLUDED.charging_s,
    down_s = z.down_s + EXCLUDED.down_s, excused_down_s = z.excused_down_s + EXCLUDED.excused_down_s,
    offline_s = z.offline_s + EXCLUDED.offline_s, energy_wh = z.energy_wh + EXCLUDED.energy_wh,
    sessions_started = z.sessions_started + EXCLUDED.sessions_started;
  %7$s
$$
$function$, t.fn, t.source, t.zone, t.key, t.extra_column, t.extra_value, t.tail);
  END LOOP;
END
$generate$;

-- The same for daily revenue rows.
CREATE FUNCTION csms_zone_add_revenue(p_old analytics_revenue_daily[], p_new analytics_revenue_daily[],
                                      p_old_zone text, p_new_zone text) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO analytics_zone_revenue_daily AS z (time_zone, local_day, tariff_id, currency, sessions, excl, incl,
                                                 energy_wh)
  SELECT g.*
  FROM (SELECT r.zone, r.local_day, r.tariff_id, r.currency, sum(r.sign * r.sessions) AS n,
               sum(r.sign * r.excl) AS e, sum(r.sign * r.incl) AS i, sum(r.sign * r.energy_wh) AS w
        FROM (SELECT -1 AS sign, coalesce(p_old_zone, s.time_zone) AS zone, o.*
              FROM unnest(p_old) o JOIN stations s ON s.id = o.station_id
              UNION ALL
              SELECT 1, coalesce(p_new_zone, s.time_zone), n.*
              FROM unnest(p_new) n JOIN stations s ON s.id = n.station_id) r
        GROUP BY 1, 2, 3, 4) g
  WHERE (g.n, g.e, g.i, g.w) <> (0, 0, 0, 0)
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (time_zone, local_day, tariff_id, currency) DO UPDATE SET
    sessions = z.sessions + EXCLUDED.sessions, excl = z.excl + EXCLUDED.excl, incl = z.incl + EXCLUDED.incl,
    energy_wh = z.energy_wh + EXCLUDED.energy_wh;
$$;

-- Statement triggers on the three station rollups: the rows a statement inserted, deleted or
-- changed, at once, given to the table's csms_zone_add_* function (the trigger's argument).
-- Emptying a station rollup empties its zone rollup (a rebuild then fills both again).
CREATE FUNCTION csms_zone_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM csms_zone_lock();
  IF TG_OP = 'TRUNCATE' THEN
    EXECUTE format('TRUNCATE %I', TG_ARGV[1]);
  ELSE
    EXECUTE format('SELECT %I(%s, %s, NULL, NULL)', TG_ARGV[0],
                   CASE WHEN TG_OP IN ('DELETE', 'UPDATE')
                        THEN format('(SELECT array_agg(o::%I) FROM old_rows o)', TG_TABLE_NAME)
                        ELSE format('NULL::%I[]', TG_TABLE_NAME) END,
                   CASE WHEN TG_OP IN ('INSERT', 'UPDATE')
                        THEN format('(SELECT array_agg(n::%I) FROM new_rows n)', TG_TABLE_NAME)
                        ELSE format('NULL::%I[]', TG_TABLE_NAME) END);
  END IF;
  RETURN NULL;
END $$;

DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('analytics_hourly', 'csms_zone_add_hours', 'analytics_zone_hourly'),
                                 ('analytics_daily', 'csms_zone_add_days', 'analytics_zone_daily'),
                                 ('analytics_revenue_daily', 'csms_zone_add_revenue', 'analytics_zone_revenue_daily'))
                         v(source, add, zone) LOOP
    EXECUTE format('CREATE TRIGGER %1$s_zone_insert AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION csms_zone_rows_changed(%2$L, %3$L)', t.source, t.add, t.zone);
    EXECUTE format('CREATE TRIGGER %1$s_zone_delete AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION csms_zone_rows_changed(%2$L, %3$L)', t.source, t.add, t.zone);
    EXECUTE format('CREATE TRIGGER %1$s_zone_update AFTER UPDATE ON %1$I REFERENCING OLD TABLE AS old_rows '
                   'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION csms_zone_rows_changed(%2$L, %3$L)',
                   t.source, t.add, t.zone);
    EXECUTE format('CREATE TRIGGER %1$s_zone_truncate AFTER TRUNCATE ON %1$I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION csms_zone_rows_changed(%2$L, %3$L)', t.source, t.add, t.zone);
  END LOOP;
END $$;

-- A station's own rows: moved to its new zone, taken out when it is deleted, counted again
-- when a station with rows under its id is created. The lock comes first: a rollup that is
-- rewriting the station's rows must commit before they are read here.
CREATE FUNCTION csms_zone_station_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  station text := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
  hours analytics_hourly[];
  days analytics_daily[];
  revenue analytics_revenue_daily[];
BEGIN
  PERFORM csms_zone_lock();
  SELECT array_agg(h) INTO hours FROM analytics_hourly h WHERE h.station_id = station;
  SELECT array_agg(d) INTO days FROM analytics_daily d WHERE d.station_id = station;
  SELECT array_agg(r) INTO revenue FROM analytics_revenue_daily r WHERE r.station_id = station;
  IF revenue IS NOT NULL THEN
    PERFORM csms_zone_add_revenue(CASE WHEN TG_OP <> 'INSERT' THEN revenue END,
                                  CASE WHEN TG_OP <> 'DELETE' THEN revenue END, OLD.time_zone, NEW.time_zone);
  END IF;
  IF hours IS NOT NULL OR days IS NOT NULL THEN
    PERFORM csms_zone_add_hours(CASE WHEN TG_OP <> 'INSERT' THEN hours END,
                                CASE WHEN TG_OP <> 'DELETE' THEN hours END, OLD.time_zone, NEW.time_zone);
    PERFORM csms_zone_add_days(CASE WHEN TG_OP <> 'INSERT' THEN days END,
                               CASE WHEN TG_OP <> 'DELETE' THEN days END, OLD.time_zone, NEW.time_zone);
  END IF;
  -- The delete trigger runs before the row goes (so that the station is there to join), and
  -- a BEFORE trigger that returns NULL would cancel the deletion.
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER stations_zone_rollups_insert AFTER INSERT ON stations
  FOR EACH ROW EXECUTE FUNCTION csms_zone_station_changed();
CREATE TRIGGER stations_zone_rollups_update AFTER UPDATE OF time_zone ON stations
  FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION csms_zone_station_changed();
-- BEFORE: the station row is still there for the join in csms_zone_add_*.
CREATE TRIGGER stations_zone_rollups_delete BEFORE DELETE ON stations
  FOR EACH ROW EXECUTE FUNCTION csms_zone_station_changed();

-- The rows already there.
INSERT INTO analytics_zone_hourly (time_zone, hour_start, local_hour, occupied_s, charging_s, down_s,
                                   excused_down_s, offline_s, energy_wh, sessions_started)
SELECT s.time_zone, h.hour_start, min(h.hour_start AT TIME ZONE s.time_zone),
       coalesce(sum(h.occupied_s) FILTER (WHERE h.evse_id > 0), 0),
       coalesce(sum(h.charging_s) FILTER (WHERE h.evse_id > 0), 0),
       coalesce(sum(h.down_s) FILTER (WHERE h.evse_id > 0), 0),
       coalesce(sum(h.excused_down_s) FILTER (WHERE h.evse_id > 0), 0),
       coalesce(sum(h.offline_s) FILTER (WHERE h.evse_id = 0), 0),
       coalesce(sum(h.energy_wh::numeric) FILTER (WHERE h.evse_id > 0), 0),
       coalesce(sum(h.sessions_started) FILTER (WHERE h.evse_id > 0), 0)
FROM analytics_hourly h JOIN stations s ON s.id = h.station_id
GROUP BY 1, 2;

INSERT INTO analytics_zone_daily (time_zone, local_day, occupied_s, charging_s, down_s, excused_down_s, offline_s,
                                  energy_wh, sessions_started)
SELECT s.time_zone, d.local_day,
       coalesce(sum(d.occupied_s) FILTER (WHERE d.evse_id > 0), 0),
       coalesce(sum(d.charging_s) FILTER (WHERE d.evse_id > 0), 0),
       coalesce(sum(d.down_s) FILTER (WHERE d.evse_id > 0), 0),
       coalesce(sum(d.excused_down_s) FILTER (WHERE d.evse_id > 0), 0),
       coalesce(sum(d.offline_s) FILTER (WHERE d.evse_id = 0), 0),
       coalesce(sum(d.energy_wh::numeric) FILTER (WHERE d.evse_id > 0), 0),
       coalesce(sum(d.sessions_started) FILTER (WHERE d.evse_id > 0), 0)
FROM analytics_daily d JOIN stations s ON s.id = d.station_id
GROUP BY 1, 2;

INSERT INTO analytics_connectors (station_id, evse_id, connector_id)
SELECT DISTINCT d.station_id, d.evse_id, d.connector_id
FROM analytics_daily d JOIN stations s ON s.id = d.station_id
WHERE d.evse_id > 0;

INSERT INTO analytics_zone_revenue_daily (time_zone, local_day, tariff_id, currency, sessions, excl, incl, energy_wh)
SELECT s.time_zone, r.local_day, r.tariff_id, r.currency, sum(r.sessions), sum(r.excl), sum(r.incl), sum(r.energy_wh)
FROM analytics_revenue_daily r JOIN stations s ON s.id = r.station_id
GROUP BY 1, 2, 3, 4;

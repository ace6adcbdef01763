-- Sites and load management (issue 17). A site is the stations behind one grid connection:
-- its limit (A per phase, or W over all phases) with optional time-of-day limits, the minimum
-- current a session is given or nothing, and how the rest is shared. The load manager keeps,
-- per open session at a site, what it wants the session to draw (target), what the station
-- accepted (in_force) and what was sent and not yet answered (pending); and per station the
-- fallback (a TxDefaultProfile at the site's fallback current) it installs at boot, so a
-- station that loses its connection never starts a session above it.
CREATE TABLE sites (
  id                 text PRIMARY KEY,
  name               text,
  time_zone          text NOT NULL DEFAULT 'UTC',
  limit_a            double precision CHECK (limit_a > 0),
  limit_w            double precision CHECK (limit_w > 0),
  phases             integer NOT NULL DEFAULT 3 CHECK (phases IN (1, 3)),
  voltage_v          double precision NOT NULL DEFAULT 230 CHECK (voltage_v > 0),
  min_current_a      double precision NOT NULL DEFAULT 6 CHECK (min_current_a >= 0),
  fallback_current_a double precision NOT NULL DEFAULT 0 CHECK (fallback_current_a >= 0),
  strategy           text NOT NULL DEFAULT 'equal_share' CHECK (strategy IN ('equal_share', 'priority')),
  schedule           jsonb NOT NULL DEFAULT '[]',  -- [{"from": "HH:MM", "limit_a" | "limit_w": n}]
  load_management    boolean NOT NULL DEFAULT true,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((limit_a IS NULL) <> (limit_w IS NULL))
);

ALTER TABLE stations ADD COLUMN site_id text REFERENCES sites (id);
CREATE INDEX stations_site ON stations (site_id) WHERE site_id IS NOT NULL;
-- 2.0.1 chargingPriority's range; higher is served first.
ALTER TABLE id_tokens ADD COLUMN charging_priority integer CHECK (charging_priority BETWEEN -9 AND 9);

CREATE TABLE load_allocations (
  transaction_id bigint PRIMARY KEY REFERENCES transactions (id) ON DELETE CASCADE,
  site_id        text NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  station_id     text NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
  evse_id        integer NOT NULL,
  phases         integer NOT NULL DEFAULT 3,
  phase          integer NOT NULL DEFAULT 1,
  target_a       double precision,
  in_force_a     double precision,
  in_force_at    timestamptz,       -- when the station accepted it
  released_a     double precision,  -- what it held before a decrease, while the car settles
  pending_a      double precision,
  -- The highest value sent whose fate is unknown (no answer, connection lost): the station may
  -- apply it until it accepts another.
  unconfirmed_a  double precision,
  pending_at     timestamptz,
  status         text,  -- the station's last answer, or offline / timeout / a CALLERROR code
  failures       integer NOT NULL DEFAULT 0,
  failed_at      timestamptz,
  profiles_sent  integer NOT NULL DEFAULT 0,
  resend         boolean NOT NULL DEFAULT false,  -- the station reconnected: send it again
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX load_allocations_site ON load_allocations (site_id);
CREATE INDEX load_allocations_station ON load_allocations (station_id);

CREATE TABLE station_fallbacks (
  station_id text PRIMARY KEY REFERENCES stations (id) ON DELETE CASCADE,
  limit_a    double precision NOT NULL,
  -- clearing: the station left the site (or its load management was turned off).
  state      text NOT NULL CHECK (state IN ('due', 'sent', 'accepted', 'rejected', 'clearing')),
  status     text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Stations at a site group under it in the analytics (else by location, name, id as before).
CREATE OR REPLACE FUNCTION csms_site_of(s stations) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(s.site_id, nullif(s.location, ''), nullif(s.name, ''), s.id) $$;

CREATE FUNCTION csms_site_json(s sites) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', s.id, 'name', s.name, 'time_zone', s.time_zone,
           'limit_a', s.limit_a, 'limit_w', s.limit_w, 'phases', s.phases, 'voltage_v', s.voltage_v,
           'min_current_a', s.min_current_a, 'fallback_current_a', s.fallback_current_a,
           'strategy', s.strategy, 'schedule', s.schedule, 'load_management', s.load_management,
           'stations', coalesce((SELECT jsonb_agg(st.id ORDER BY st.id) FROM stations st
                                 WHERE st.site_id = s.id), '[]'),
           'created_at', csms_ts(s.created_at), 'updated_at', csms_ts(s.updated_at))
$$;

CREATE OR REPLACE FUNCTION csms_id_token_json(t id_tokens) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('token', t.token, 'status', t.status,
                            'expires_at', csms_ts(t.expires_at), 'group', t.group_token,
                            'customer_id', t.customer_id,
                            'max_concurrent_sessions', t.max_concurrent_sessions,
                            'charging_priority', t.charging_priority,
                            'created_at', csms_ts(t.created_at))
$$;

CREATE OR REPLACE FUNCTION csms_station_json(s stations) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', s.id, 'name', s.name, 'location', s.location, 'site_id', s.site_id,
    'latitude', s.latitude, 'longitude', s.longitude,
    'time_zone', s.time_zone, 'tariff_id', s.tariff_id, 'max_power_w', s.max_power_w,
    'registration', s.registration, 'auto_registered', s.auto_registered,
    'password_set', s.password_hash IS NOT NULL,
    'security_profile', s.security_profile, 'certificate_cn', s.certificate_cn,
    'connected_profile', s.connected_profile,
    'password_rotation_pending', s.pending_password_hash IS NOT NULL,
    'pending_security_profile', s.pending_security_profile,
    'online', s.online, 'connected_at', csms_ts(s.connected_at), 'last_seen_at', csms_ts(s.last_seen_at),
    'protocol', s.protocol, 'vendor', s.vendor, 'model', s.model,
    'serial_number', s.serial_number, 'firmware_version', s.firmware_version,
    'iccid', s.iccid, 'imsi', s.imsi, 'meter_type', s.meter_type,
    'meter_serial_number', s.meter_serial_number,
    'last_boot_at', csms_ts(s.last_boot_at), 'last_boot_reason', s.last_boot_reason,
    'status', (SELECT c.status FROM connectors c
               WHERE c.station_id = s.id AND c.evse_id = 0 AND c.connector_id = 0),
    'evses', coalesce((
      SELECT jsonb_agg(jsonb_build_object('evse_id', e.evse_id, 'connectors', e.connectors)
                       ORDER BY e.evse_id)
      FROM (SELECT c.evse_id,
                   jsonb_agg(jsonb_build_object(
                     'connector_id', c.connector_id, 'status', c.status,
                     'error_code', c.error_code, 'info', c.info,
                     'vendor_error_code', c.vendor_error_code,
                     'status_at', csms_ts(c.status_at)) ORDER BY c.connector_id) AS connectors
            FROM connectors c
            WHERE c.station_id = s.id AND c.evse_id > 0
            GROUP BY c.evse_id) e), '[]'::jsonb),
    'created_at', csms_ts(s.created_at))
$$;

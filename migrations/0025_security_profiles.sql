-- Security profiles (issue 15): each station may be pinned to profile 1, 2 or 3 (NULL: not
-- pinned, any profile its credentials pass); a profile-3 station's certificate CN is its
-- identity unless certificate_cn names another. The certificates stations connected with,
-- were signed for them or had installed, with their expiry; a serial revoked here is refused.

ALTER TABLE stations
  ADD COLUMN security_profile smallint CHECK (security_profile BETWEEN 1 AND 3),
  ADD COLUMN certificate_cn text,
  ADD COLUMN connected_profile smallint;

CREATE TABLE station_certificates (
  station_id     text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  serial         text NOT NULL,
  subject_cn     text,
  subject_o      text,
  issuer_cn      text,
  not_before     timestamptz,
  not_after      timestamptz,
  fingerprint    text,
  pem            text,
  source         text NOT NULL CHECK (source IN ('connected', 'signed', 'revoked')),
  first_seen_at  timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz,
  revoked_reason text,
  PRIMARY KEY (station_id, serial)
);
CREATE INDEX station_certificates_revoked ON station_certificates (serial) WHERE revoked_at IS NOT NULL;
CREATE INDEX station_certificates_expiry ON station_certificates (not_after) WHERE revoked_at IS NULL;

CREATE FUNCTION csms_certificate_json(c station_certificates) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'station_id', c.station_id, 'serial', c.serial, 'subject_cn', c.subject_cn, 'subject_o', c.subject_o,
    'issuer_cn', c.issuer_cn, 'not_before', csms_ts(c.not_before), 'not_after', csms_ts(c.not_after),
    'fingerprint_sha256', c.fingerprint, 'source', c.source, 'first_seen_at', csms_ts(c.first_seen_at),
    'last_seen_at', csms_ts(c.last_seen_at), 'revoked_at', csms_ts(c.revoked_at),
    'revoked_reason', c.revoked_reason, 'pem', c.pem)
$$;

CREATE OR REPLACE FUNCTION csms_station_json(s stations) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', s.id, 'name', s.name, 'location', s.location,
    'latitude', s.latitude, 'longitude', s.longitude,
    'time_zone', s.time_zone, 'tariff_id', s.tariff_id, 'max_power_w', s.max_power_w,
    'registration', s.registration, 'auto_registered', s.auto_registered,
    'password_set', s.password_hash IS NOT NULL,
    'security_profile', s.security_profile, 'certificate_cn', s.certificate_cn,
    'connected_profile', s.connected_profile,
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

-- Password rotation (A01) and profile upgrades (A05): the new password (hash) and profile
-- wait beside the current ones until the station connects with them; then they replace
-- them. Until then both are accepted.
ALTER TABLE stations
  ADD COLUMN pending_password_hash text,
  ADD COLUMN pending_security_profile smallint CHECK (pending_security_profile BETWEEN 1 AND 3);

-- When a station last connected with a certificate (one we signed may be used later, or
-- never): certificate_expiring judges the one in use.
ALTER TABLE station_certificates ADD COLUMN last_connected_at timestamptz;
UPDATE station_certificates SET last_connected_at = last_seen_at WHERE source = 'connected';
CREATE INDEX station_certificates_in_use ON station_certificates (station_id, last_connected_at DESC)
  WHERE last_connected_at IS NOT NULL;

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

-- JSON read models of the REST API (DESIGN.md section 2), rendered where the data is.

-- RFC 3339 UTC: seconds, with milliseconds only when there are any.
CREATE FUNCTION csms_ts(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t IS NULL THEN NULL
              WHEN date_trunc('second', t) = t
                THEN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
              ELSE to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END
$$;

CREATE FUNCTION csms_station_json(s stations) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', s.id, 'name', s.name, 'location', s.location,
    'latitude', s.latitude, 'longitude', s.longitude,
    'time_zone', s.time_zone, 'tariff_id', s.tariff_id, 'max_power_w', s.max_power_w,
    'registration', s.registration, 'auto_registered', s.auto_registered,
    'password_set', s.password_hash IS NOT NULL,
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

CREATE FUNCTION csms_id_token_json(t id_tokens) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('token', t.token, 'status', t.status,
                            'expires_at', csms_ts(t.expires_at), 'group', t.group_token,
                            'customer_id', t.customer_id, 'created_at', csms_ts(t.created_at))
$$;

-- The latest energy register reading of a transaction (for open ones).
CREATE FUNCTION csms_last_register_wh(tx bigint) RETURNS double precision
LANGUAGE sql STABLE AS $$
  SELECT canonical_value FROM meter_samples
  WHERE transaction_id = tx AND measurand = 'Energy.Active.Import.Register' AND phase = ''
    AND NOT ('unparseable_value' = ANY (flags))
  ORDER BY sampled_at DESC LIMIT 1
$$;

CREATE FUNCTION csms_transaction_json(t transactions, with_samples boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', t.id, 'station_id', t.station_id, 'protocol', t.protocol,
    'evse_id', t.evse_id, 'connector_id', t.connector_id,
    'id_token', t.id_token, 'stop_id_token', t.stop_id_token,
    'authorization_status', t.authorization_status,
    'ocpp_transaction_id', t.ocpp_transaction_id,
    'started_at', csms_ts(t.started_at), 'stopped_at', csms_ts(t.stopped_at),
    'meter_start_wh', t.meter_start_wh, 'meter_stop_wh', t.meter_stop_wh,
    'energy_wh', round((coalesce(t.meter_stop_wh, csms_last_register_wh(t.id)) - t.meter_start_wh)::numeric)::bigint,
    'stop_reason', t.stop_reason, 'charging_state', t.charging_state,
    'state', CASE WHEN t.stopped_at IS NULL THEN 'open' ELSE 'closed' END,
    'remote_start_id', t.remote_start_id, 'reservation_id', t.reservation_id,
    'last_seq_no', t.last_seq_no, 'offline', t.offline, 'flags', to_jsonb(t.flags),
    'cost', NULL)
  || CASE WHEN with_samples THEN jsonb_build_object('meter_samples', coalesce((
       SELECT jsonb_agg(jsonb_build_object(
         'timestamp', csms_ts(m.sampled_at), 'measurand', m.measurand,
         'phase', nullif(m.phase, ''), 'location', m.location, 'context', m.context,
         'unit', m.unit, 'value', m.raw_value, 'canonical_unit', m.canonical_unit,
         'canonical_value', m.canonical_value, 'signed_data', m.signed_data,
         'flags', to_jsonb(m.flags)) ORDER BY m.sampled_at, m.measurand, m.phase)
       FROM meter_samples m WHERE m.transaction_id = t.id), '[]'::jsonb))
     ELSE '{}'::jsonb END
$$;

-- Billing: versioned tariffs (a session is priced with the version in force when it
-- started; editing a tariff adds a version and never reprices a session) and the priced
-- cost stored on each transaction when it ends.

CREATE TABLE tariffs (
  id         text NOT NULL,
  version    integer NOT NULL,
  document   jsonb NOT NULL,
  is_default boolean NOT NULL DEFAULT false,
  deleted    boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (id, version)
);

ALTER TABLE transactions ADD COLUMN cost jsonb, ADD COLUMN priced_at timestamptz;

-- The latest version of each tariff, as the REST API shows it.
CREATE FUNCTION csms_tariff_json(t tariffs) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT t.document || jsonb_build_object('id', t.id, 'version', t.version, 'is_default', t.is_default,
                                          'last_updated', csms_ts(t.created_at))
$$;

CREATE OR REPLACE FUNCTION csms_transaction_json(t transactions, with_samples boolean) RETURNS jsonb
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
    'cost', t.cost)
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

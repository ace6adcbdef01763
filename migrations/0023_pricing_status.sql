-- Why a session has no cost: pricing_status is NULL until pricing ran ("pending" once the
-- session ended), then 'priced' or the reason it could not be priced (no_tariff,
-- no_tariff_in_force, no_energy_readings, invalid_tariff) with pricing_detail in words.
-- Sessions ended without a cost and without a status are what the pricing sweep retries
-- (after a database outage, a crash, or an upgrade from a version without the sweep).
ALTER TABLE transactions ADD COLUMN pricing_status text, ADD COLUMN pricing_detail text;

CREATE INDEX transactions_unpriced ON transactions (stopped_at)
  WHERE stopped_at IS NOT NULL AND cost IS NULL AND pricing_status IS NULL;

CREATE FUNCTION csms_pricing_status(t transactions) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t.stopped_at IS NULL THEN 'running'
              WHEN t.pricing_status IS NOT NULL THEN t.pricing_status
              WHEN t.cost IS NOT NULL THEN 'priced'
              ELSE 'pending' END
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
    'cost', t.cost, 'pricing_status', csms_pricing_status(t), 'pricing_detail', t.pricing_detail,
    'priced_at', csms_ts(t.priced_at))
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

CREATE OR REPLACE FUNCTION csms_cdr_json(t transactions, p_customer_id text) RETURNS json
LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
           'transaction_id', t.id, 'station_id', t.station_id, 'evse_id', t.evse_id,
           'connector_id', t.connector_id, 'id_token', t.id_token, 'customer_id', p_customer_id,
           'started_at', csms_ts(t.started_at), 'stopped_at', csms_ts(t.stopped_at),
           'energy_wh', round((coalesce(t.meter_stop_wh, csms_last_register_wh(t.id)) - t.meter_start_wh)::numeric)::bigint,
           'stop_reason', t.stop_reason, 'tariff_id', t.cost ->> 'tariff_id',
           'currency', t.cost ->> 'currency', 'total_excl_vat', t.cost ->> 'total_excl_vat',
           'vat', t.cost ->> 'vat', 'total_incl_vat', t.cost ->> 'total_incl_vat',
           'start_reading_signature', t.cost #>> '{signed_meter_values,start,status}',
           'stop_reading_signature', t.cost #>> '{signed_meter_values,stop,status}',
           'pricing_status', csms_pricing_status(t))
$$;

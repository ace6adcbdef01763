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

-- csms_transaction_json shows pricing_status, pricing_detail and priced_at: see 0024.

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

-- The CDR export is read a page at a time (keyset on stop time, then id) instead of one
-- json_agg of a whole range built in memory. csms_cdrs_json stays for nodes of the previous
-- version during a rolling upgrade.
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
           'stop_reading_signature', t.cost #>> '{signed_meter_values,stop,status}')
$$;

CREATE INDEX transactions_stopped_id ON transactions (stopped_at, id) WHERE stopped_at IS NOT NULL;

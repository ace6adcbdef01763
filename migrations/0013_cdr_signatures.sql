-- CDRs say whether the billed start and stop readings were signed and verified.
CREATE OR REPLACE FUNCTION csms_cdrs_json(p_from timestamptz, p_to timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
  SELECT coalesce(json_agg(json_build_object(
           'transaction_id', t.id, 'station_id', t.station_id, 'evse_id', t.evse_id,
           'connector_id', t.connector_id, 'id_token', t.id_token, 'customer_id', k.customer_id,
           'started_at', csms_ts(t.started_at), 'stopped_at', csms_ts(t.stopped_at),
           'energy_wh', round((coalesce(t.meter_stop_wh, csms_last_register_wh(t.id)) - t.meter_start_wh)::numeric)::bigint,
           'stop_reason', t.stop_reason, 'tariff_id', t.cost ->> 'tariff_id',
           'currency', t.cost ->> 'currency', 'total_excl_vat', t.cost ->> 'total_excl_vat',
           'vat', t.cost ->> 'vat', 'total_incl_vat', t.cost ->> 'total_incl_vat',
           'start_reading_signature', t.cost #>> '{signed_meter_values,start,status}',
           'stop_reading_signature', t.cost #>> '{signed_meter_values,stop,status}')
         ORDER BY t.stopped_at, t.id), '[]')
  FROM transactions t LEFT JOIN id_tokens k ON k.token = t.id_token
  WHERE t.stopped_at >= p_from AND t.stopped_at < p_to
$$;

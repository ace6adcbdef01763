-- Documents whose size grew with the data are bounded: a transaction embeds its first
-- 1,000 meter samples (the rest through GET /transactions/{id}/meter-samples, a page at a
-- time), a customer its first 100 id tokens (all of them through GET /id-tokens?customer=).

CREATE FUNCTION csms_meter_sample_json(m meter_samples) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object(
    'timestamp', csms_ts(m.sampled_at), 'measurand', m.measurand,
    'phase', nullif(m.phase, ''), 'location', m.location, 'context', m.context,
    'unit', m.unit, 'value', m.raw_value, 'canonical_unit', m.canonical_unit,
    'canonical_value', m.canonical_value, 'signed_data', m.signed_data,
    'flags', to_jsonb(m.flags))
$$;

-- The keyset of a transaction's samples: microseconds since the epoch, measurand, phase,
-- location and context, joined by '~' (none of them holds one: they are OCPP enumerations).
CREATE FUNCTION csms_meter_sample_cursor(m meter_samples) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT (extract(epoch FROM m.sampled_at) * 1000000)::bigint || '~' || m.measurand || '~' || m.phase
         || '~' || m.location || '~' || m.context
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
  || CASE WHEN with_samples THEN jsonb_build_object(
       'meter_samples', coalesce((
         SELECT jsonb_agg(csms_meter_sample_json(m) ORDER BY m.sampled_at, m.measurand, m.phase, m.location,
                          m.context)
         FROM (SELECT * FROM meter_samples s WHERE s.transaction_id = t.id
               ORDER BY s.sampled_at, s.measurand, s.phase, s.location, s.context LIMIT 1000) m), '[]'::jsonb),
       'meter_samples_truncated', EXISTS (SELECT 1 FROM meter_samples s WHERE s.transaction_id = t.id
                                          ORDER BY s.sampled_at OFFSET 1000 LIMIT 1))
     ELSE '{}'::jsonb END
$$;

CREATE OR REPLACE FUNCTION csms_customer_json(c customers) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email, 'time_zone', c.time_zone,
                            'plan_id', c.plan_id, 'created_at', csms_ts(c.created_at),
                            'id_tokens', coalesce((SELECT jsonb_agg(x.token ORDER BY x.token) FROM
                                                     (SELECT t.token FROM id_tokens t WHERE t.customer_id = c.id
                                                      ORDER BY t.token LIMIT 100) x), '[]'::jsonb),
                            'id_token_count', (SELECT count(*) FROM id_tokens t WHERE t.customer_id = c.id))
$$;
CREATE INDEX IF NOT EXISTS id_tokens_customer ON id_tokens (customer_id) WHERE customer_id IS NOT NULL;

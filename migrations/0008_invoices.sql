-- Monthly invoices per customer. Numbers run without gaps per year: the counter row is
-- taken in the same transaction that inserts the invoice, so a failed generation gives
-- its number back. An issued invoice never changes.

CREATE TABLE invoice_counters (
  year integer PRIMARY KEY,
  last integer NOT NULL
);

CREATE TABLE invoices (
  id          bigserial PRIMARY KEY,
  number      text NOT NULL UNIQUE,
  customer_id text NOT NULL,  -- no foreign key: an invoice outlives its customer record
  month       text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  currency    text NOT NULL,
  document    jsonb NOT NULL,
  issued_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, month)
);

CREATE FUNCTION csms_invoice_json(i invoices) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT i.document || jsonb_build_object('id', i.id, 'number', i.number, 'status', 'issued',
                                          'issued_at', csms_ts(i.issued_at))
$$;

-- Charge detail records for accounting: every ended session with its priced cost.
CREATE FUNCTION csms_cdrs_json(p_from timestamptz, p_to timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
  SELECT coalesce(json_agg(json_build_object(
           'transaction_id', t.id, 'station_id', t.station_id, 'evse_id', t.evse_id,
           'connector_id', t.connector_id, 'id_token', t.id_token, 'customer_id', k.customer_id,
           'started_at', csms_ts(t.started_at), 'stopped_at', csms_ts(t.stopped_at),
           'energy_wh', round((coalesce(t.meter_stop_wh, csms_last_register_wh(t.id)) - t.meter_start_wh)::numeric)::bigint,
           'stop_reason', t.stop_reason, 'tariff_id', t.cost ->> 'tariff_id',
           'currency', t.cost ->> 'currency', 'total_excl_vat', t.cost ->> 'total_excl_vat',
           'vat', t.cost ->> 'vat', 'total_incl_vat', t.cost ->> 'total_incl_vat')
         ORDER BY t.stopped_at, t.id), '[]')
  FROM transactions t LEFT JOIN id_tokens k ON k.token = t.id_token
  WHERE t.stopped_at >= p_from AND t.stopped_at < p_to
$$;

-- Core schema: stations and their connectors, id tokens, transactions, meter samples,
-- status history and the reports chargers send.

CREATE TABLE stations (
  id                  text PRIMARY KEY,
  name                text,
  location            text,
  latitude            double precision,
  longitude           double precision,
  time_zone           text NOT NULL DEFAULT 'UTC',
  tariff_id           text,
  max_power_w         bigint,
  password_hash       text,
  registration        text NOT NULL DEFAULT 'Accepted'
                        CHECK (registration IN ('Accepted', 'Pending', 'Rejected')),
  auto_registered     boolean NOT NULL DEFAULT false,
  protocol            text,
  vendor              text,
  model               text,
  serial_number       text,
  firmware_version    text,
  iccid               text,
  imsi                text,
  meter_type          text,
  meter_serial_number text,
  last_boot_at        timestamptz,
  last_boot_reason    text,
  online              boolean NOT NULL DEFAULT false,
  connected_at        timestamptz,
  last_seen_at        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Live status per connector (evse 0 / connector 0 is the station itself).
CREATE TABLE connectors (
  station_id        text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  evse_id           integer NOT NULL,
  connector_id      integer NOT NULL,
  status            text NOT NULL,
  error_code        text,
  info              text,
  vendor_id         text,
  vendor_error_code text,
  status_at         timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, evse_id, connector_id)
);

-- Every status change as the charger reported it.
CREATE TABLE status_history (
  id                bigserial PRIMARY KEY,
  station_id        text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  evse_id           integer NOT NULL,
  connector_id      integer NOT NULL,
  status            text NOT NULL,
  error_code        text,
  info              text,
  vendor_id         text,
  vendor_error_code text,
  status_at         timestamptz NOT NULL,
  received_at       timestamptz NOT NULL,
  flags             text[] NOT NULL DEFAULT '{}',
  UNIQUE (station_id, evse_id, connector_id, status_at, status)
);
CREATE INDEX status_history_station_time ON status_history (station_id, status_at);

CREATE TABLE id_tokens (
  token       text PRIMARY KEY,
  status      text NOT NULL DEFAULT 'Accepted'
                CHECK (status IN ('Accepted', 'Blocked', 'Expired', 'Invalid')),
  expires_at  timestamptz,
  group_token text,
  customer_id text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per charging session, for both versions. `ocpp_transaction_id` is what the
-- charger uses: our integer id as text in 1.6, the charger's string in 2.0.1.
CREATE TABLE transactions (
  id                   bigserial PRIMARY KEY,
  station_id           text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  protocol             text NOT NULL,
  ocpp_transaction_id  text NOT NULL,
  evse_id              integer,
  connector_id         integer,
  id_token             text,
  id_token_type        text,
  stop_id_token        text,
  authorization_status text,
  reservation_id       integer,
  remote_start_id      integer,
  started_at           timestamptz,
  stopped_at           timestamptz,
  meter_start_wh       double precision,
  meter_stop_wh        double precision,
  stop_reason          text,
  charging_state       text,
  last_seq_no          integer,
  last_event_at        timestamptz,
  offline              boolean NOT NULL DEFAULT false,
  flags                text[] NOT NULL DEFAULT '{}',
  -- 1.6 StartTransaction retried after a lost reply: same connector, tag, time and meter.
  start_key            text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (station_id, ocpp_transaction_id)
);
CREATE UNIQUE INDEX transactions_start_key ON transactions (station_id, start_key)
  WHERE start_key IS NOT NULL;
CREATE INDEX transactions_open_token ON transactions (id_token) WHERE stopped_at IS NULL;
CREATE INDEX transactions_started ON transactions (started_at);

-- 2.0.1 TransactionEvent log (and the 1.6 start/stop mapped onto it); seq_no makes
-- retries idempotent.
CREATE TABLE transaction_events (
  transaction_id bigint NOT NULL REFERENCES transactions(id) ON DELETE CASCADE,
  seq_no         integer NOT NULL,
  event_type     text NOT NULL,
  trigger_reason text,
  event_at       timestamptz NOT NULL,
  charging_state text,
  offline        boolean NOT NULL DEFAULT false,
  received_at    timestamptz NOT NULL,
  flags          text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (transaction_id, seq_no)
);

-- Every sampled value; partitioned by month on the sample time. The default partition
-- keeps samples whose month has no partition yet (a charger clock far off).
CREATE TABLE meter_samples (
  station_id      text NOT NULL,
  evse_id         integer NOT NULL,
  transaction_id  bigint,
  sampled_at      timestamptz NOT NULL,
  measurand       text NOT NULL,
  phase           text NOT NULL DEFAULT '',
  location        text NOT NULL,
  context         text NOT NULL,
  unit            text NOT NULL,
  raw_value       text NOT NULL,
  value           double precision NOT NULL,
  canonical_unit  text NOT NULL,
  canonical_value double precision NOT NULL,
  signed_data     text,
  flags           text[] NOT NULL DEFAULT '{}',
  received_at     timestamptz NOT NULL,
  UNIQUE (station_id, evse_id, sampled_at, measurand, phase, location, context)
) PARTITION BY RANGE (sampled_at);
CREATE TABLE meter_samples_default PARTITION OF meter_samples DEFAULT;
CREATE INDEX meter_samples_transaction ON meter_samples (transaction_id, sampled_at);

-- Creates the monthly partitions from the month of `from_month` for `months` months. Rows
-- that already landed in the default partition for such a month are moved into it.
CREATE FUNCTION csms_ensure_meter_partitions(from_month date, months integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', from_month)::date;
  m date;
  next date;
  name text;
BEGIN
  FOR i IN 0 .. months - 1 LOOP
    m := (first + make_interval(months => i))::date;
    next := (m + interval '1 month')::date;
    name := format('meter_samples_%s', to_char(m, 'YYYY_MM'));
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE meter_samples INCLUDING DEFAULTS)', name);
      EXECUTE format('WITH moved AS (DELETE FROM meter_samples_default WHERE sampled_at >= %L '
                     'AND sampled_at < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                     m, next, name);
      EXECUTE format('ALTER TABLE meter_samples ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                     name, m, next);
    END IF;
  END LOOP;
END $$;
SELECT csms_ensure_meter_partitions((now() - interval '1 month')::date, 4);

-- Messages recorded as they came: NotifyEvent, SecurityEventNotification, firmware,
-- diagnostics and log status, NotifyReport, DataTransfer, ...
CREATE TABLE station_reports (
  id          bigserial PRIMARY KEY,
  station_id  text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  kind        text NOT NULL,
  reported_at timestamptz,
  payload     jsonb NOT NULL,
  message_id  text,
  received_at timestamptz NOT NULL,
  flags       text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX station_reports_station ON station_reports (station_id, kind, received_at);

-- Epoch milliseconds, how the server reads times back.
CREATE FUNCTION csms_ms(t timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (extract(epoch FROM t) * 1000)::bigint $$;

-- Fault detection: alerts with their lifecycle, rule settings changed at run time, and the
-- webhook outbox (a notification is written with the alert change it announces).

CREATE TABLE alerts (
  id               bigserial PRIMARY KEY,
  rule             text NOT NULL,
  station_id       text NOT NULL,
  evse_id          integer NOT NULL DEFAULT 0,
  connector_id     integer NOT NULL DEFAULT 0,
  severity         text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
  opened_at        timestamptz NOT NULL,
  last_seen_at     timestamptz NOT NULL,
  occurrences      integer NOT NULL DEFAULT 1,
  acknowledged_at  timestamptz,
  acknowledged_by  text,
  resolved_at      timestamptz,
  resolved_by      text,
  resolution_note  text,
  details          jsonb NOT NULL DEFAULT '{}',
  actions          jsonb NOT NULL DEFAULT '[]'
);
-- One alert per (rule, station, EVSE, connector) until it is resolved.
CREATE UNIQUE INDEX alerts_one_active ON alerts (rule, station_id, evse_id, connector_id)
  WHERE state <> 'resolved';
CREATE INDEX alerts_station_time ON alerts (station_id, opened_at);
CREATE INDEX alerts_state ON alerts (state, opened_at);

CREATE TABLE fault_rules (
  name       text PRIMARY KEY,
  settings   jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_outbox (
  id              bigserial PRIMARY KEY,
  url             text NOT NULL,
  body            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  last_error      text
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE delivered_at IS NULL;

CREATE FUNCTION csms_alert_json(a alerts) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', a.id, 'rule', a.rule, 'severity', a.severity, 'state', a.state,
    'station_id', a.station_id, 'evse_id', a.evse_id, 'connector_id', a.connector_id,
    'opened_at', csms_ts(a.opened_at), 'last_seen_at', csms_ts(a.last_seen_at),
    'occurrences', a.occurrences,
    'acknowledged_at', csms_ts(a.acknowledged_at), 'acknowledged_by', a.acknowledged_by,
    'resolved_at', csms_ts(a.resolved_at), 'resolved_by', a.resolved_by,
    'resolution_note', a.resolution_note, 'details', a.details, 'actions', a.actions)
$$;

-- Reservations (issue 16): ReserveNow / CancelReservation for both versions. The id is the
-- OCPP reservationId (an integer). `state`: pending (sent, not yet answered), active (the
-- station accepted), rejected (it answered Faulted, Occupied, Rejected or Unavailable: in
-- station_status), failed (offline, an error, no answer), used (a transaction consumed it),
-- cancelled (CancelReservation accepted), removed (2.0.1 ReservationStatusUpdate Removed),
-- expired (reported Expired, or an active one past expires_at: computed when read).
CREATE TABLE reservations (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  station_id text NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
  evse_id integer NOT NULL DEFAULT 0 CHECK (evse_id >= 0),  -- 0: any (1.6 connectorId 0)
  id_token text NOT NULL,
  group_id_token text,
  expires_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'active', 'rejected', 'failed', 'used', 'cancelled', 'removed', 'expired')),
  station_status text,
  transaction_id bigint REFERENCES transactions (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservations_station ON reservations (station_id, id);
CREATE INDEX reservations_active ON reservations (expires_at) WHERE state = 'active';

CREATE FUNCTION csms_reservation_state(r reservations) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN r.state = 'active' AND r.expires_at <= now() THEN 'expired' ELSE r.state END
$$;

CREATE FUNCTION csms_reservation_json(r reservations) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', r.id, 'station_id', r.station_id, 'evse_id', r.evse_id,
                            'id_token', r.id_token, 'group_id_token', r.group_id_token,
                            'expires_at', csms_ts(r.expires_at), 'state', csms_reservation_state(r),
                            'station_status', r.station_status, 'transaction_id', r.transaction_id,
                            'created_at', csms_ts(r.created_at), 'updated_at', csms_ts(r.updated_at))
$$;

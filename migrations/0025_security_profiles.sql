-- Security profiles (issue 15): each station may be pinned to profile 1, 2 or 3 (NULL: not
-- pinned, any profile its credentials pass); a profile-3 station's certificate CN is its
-- identity unless certificate_cn names another. The certificates stations connected with,
-- were signed for them or had installed, with their expiry; a serial revoked here is refused.

ALTER TABLE stations
  ADD COLUMN security_profile smallint CHECK (security_profile BETWEEN 1 AND 3),
  ADD COLUMN certificate_cn text,
  ADD COLUMN connected_profile smallint;

CREATE TABLE station_certificates (
  station_id     text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  serial         text NOT NULL,
  subject_cn     text,
  subject_o      text,
  issuer_cn      text,
  not_before     timestamptz,
  not_after      timestamptz,
  fingerprint    text,
  pem            text,
  source         text NOT NULL CHECK (source IN ('connected', 'signed', 'revoked')),
  first_seen_at  timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz,
  revoked_reason text,
  PRIMARY KEY (station_id, serial)
);
CREATE INDEX station_certificates_revoked ON station_certificates (serial) WHERE revoked_at IS NOT NULL;
CREATE INDEX station_certificates_expiry ON station_certificates (not_after) WHERE revoked_at IS NULL;

CREATE FUNCTION csms_certificate_json(c station_certificates) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'station_id', c.station_id, 'serial', c.serial, 'subject_cn', c.subject_cn, 'subject_o', c.subject_o,
    'issuer_cn', c.issuer_cn, 'not_before', csms_ts(c.not_before), 'not_after', csms_ts(c.not_after),
    'fingerprint_sha256', c.fingerprint, 'source', c.source, 'first_seen_at', csms_ts(c.first_seen_at),
    'last_seen_at', csms_ts(c.last_seen_at), 'revoked_at', csms_ts(c.revoked_at),
    'revoked_reason', c.revoked_reason, 'pem', c.pem)
$$;

-- csms_station_json shows security_profile, certificate_cn and connected_profile: see 0026.

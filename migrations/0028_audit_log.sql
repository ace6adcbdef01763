-- The audit log (issue 16): every REST call that changes something or sends a command, by an
-- authenticated token (refusals of its role included), with who, when, what and the result.
-- Append-only: the table refuses UPDATE and DELETE (TRUNCATE too) for every role but the
-- owner's deliberate ALTER ... DISABLE TRIGGER.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,          -- the token's name, or sha256:<12 hex> of an unnamed one
  role text NOT NULL,           -- admin, operator, viewer
  method text NOT NULL,
  path text NOT NULL,           -- as requested, query included
  target text,                  -- the resource (e.g. "stations/CP-1")
  action text,                  -- the command or action (e.g. "remote-start", "password:rotate")
  body jsonb,                   -- the request body, secrets replaced by "***"
  status integer NOT NULL,      -- the HTTP status answered
  detail text                   -- what was answered: a problem's detail, a command's status
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_target ON audit_log (target, id);

CREATE FUNCTION csms_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION csms_audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION csms_audit_log_append_only();

CREATE FUNCTION csms_audit_json(a audit_log) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', a.id, 'at', csms_ts(a.at), 'actor', a.actor, 'role', a.role,
                            'method', a.method, 'path', a.path, 'target', a.target, 'action', a.action,
                            'body', a.body, 'status', a.status, 'detail', a.detail)
$$;

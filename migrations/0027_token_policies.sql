-- Id tokens (issue 16). OCPP's IdToken is case-insensitive (a CiString in 1.6, "case
-- insensitive" in 2.0.1): tokens are found whatever the case a station sends, and a new token
-- that differs from an existing one only in case is refused by the API. A token may run
-- several sessions at once when the operator says so (fleet cards): max_concurrent_sessions,
-- 1 by default, null for no limit.
ALTER TABLE id_tokens
  ADD COLUMN max_concurrent_sessions integer DEFAULT 1
    CHECK (max_concurrent_sessions IS NULL OR max_concurrent_sessions >= 1);
CREATE INDEX id_tokens_token_ci ON id_tokens (lower(token));
CREATE INDEX transactions_open_token_ci ON transactions (lower(id_token)) WHERE stopped_at IS NULL;

CREATE OR REPLACE FUNCTION csms_id_token_json(t id_tokens) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('token', t.token, 'status', t.status,
                            'expires_at', csms_ts(t.expires_at), 'group', t.group_token,
                            'customer_id', t.customer_id,
                            'max_concurrent_sessions', t.max_concurrent_sessions,
                            'created_at', csms_ts(t.created_at))
$$;

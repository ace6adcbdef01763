-- csms_ms was declared IMMUTABLE around extract(epoch FROM timestamptz), which PostgreSQL
-- marks STABLE: such a function is never inlined, so every row read back through it ran a
-- SQL function call of its own (5 % of PostgreSQL's time on the meter-value path). Declared
-- STABLE, as its body is, it is inlined into the calling statement. Nothing indexes it.
CREATE OR REPLACE FUNCTION csms_ms(t timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT (extract(epoch FROM t) * 1000)::bigint $$;

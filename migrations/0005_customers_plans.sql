-- Customers and subscription plans. An id token names its customer (id_tokens.customer_id);
-- a customer may subscribe to a plan.

CREATE TABLE plans (
  id         text PRIMARY KEY,
  document   jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
  id         text PRIMARY KEY,
  name       text,
  email      text,
  time_zone  text NOT NULL DEFAULT 'UTC',
  plan_id    text REFERENCES plans(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION csms_customer_json(c customers) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email, 'time_zone', c.time_zone,
                            'plan_id', c.plan_id, 'created_at', csms_ts(c.created_at),
                            'id_tokens', coalesce((SELECT jsonb_agg(t.token ORDER BY t.token) FROM id_tokens t
                                                   WHERE t.customer_id = c.id), '[]'::jsonb))
$$;

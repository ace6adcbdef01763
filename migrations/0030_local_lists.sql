-- Local authorization lists (issue 16): what each station confirmed it holds (SendLocalList
-- Accepted), so that the next update can be a differential one. `group_token`: the list is
-- the id tokens of that group (the token itself and those whose group it is); null: all.
CREATE TABLE station_local_lists (
  station_id text PRIMARY KEY REFERENCES stations (id) ON DELETE CASCADE,
  group_token text,
  version integer NOT NULL CHECK (version >= 0),
  entries jsonb NOT NULL,  -- token -> {"status", "expires_at", "group"} as confirmed
  confirmed_at timestamptz NOT NULL DEFAULT now()
);

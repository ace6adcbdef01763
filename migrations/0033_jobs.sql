-- Fleet jobs (issue 16): one command for many stations, run with bounded concurrency, in
-- waves (a wave starts once every station of the one before has an outcome; a wave whose
-- failures pass max_failure_percent halts the job and cancels the stations not yet sent).
-- A station row: pending (to send), sending (sent, waiting for its answer), waiting (the
-- station was offline: sent again once it is connected), running (accepted; its file
-- transfer decides), succeeded, failed, cancelled. Past the deadline, what is still open
-- fails.
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  command text NOT NULL,
  body jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'completed', 'halted', 'cancelled')),
  concurrency integer NOT NULL CHECK (concurrency BETWEEN 1 AND 1000),
  wave_size integer CHECK (wave_size >= 1),  -- null: one wave
  max_failure_percent integer CHECK (max_failure_percent BETWEEN 0 AND 100),  -- null: never halts
  max_attempts integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
  deadline timestamptz NOT NULL,
  detail text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX jobs_running ON jobs (id) WHERE state = 'running';

CREATE TABLE job_stations (
  job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  station_id text NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
  wave integer NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN
    ('pending', 'sending', 'waiting', 'running', 'succeeded', 'failed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  status text,  -- the station's answer
  detail text,
  file_transfer_id bigint REFERENCES file_transfers (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, station_id)
);
CREATE INDEX job_stations_open ON job_stations (job_id, wave)
  WHERE state IN ('pending', 'sending', 'waiting', 'running');

CREATE FUNCTION csms_job_json(j jobs) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', j.id, 'command', j.command, 'body', j.body, 'state', j.state,
           'concurrency', j.concurrency, 'wave_size', j.wave_size,
           'max_failure_percent', j.max_failure_percent, 'max_attempts', j.max_attempts,
           'deadline', csms_ts(j.deadline), 'detail', j.detail, 'created_by', j.created_by,
           'created_at', csms_ts(j.created_at), 'updated_at', csms_ts(j.updated_at),
           'finished_at', csms_ts(j.finished_at),
           'waves', (SELECT coalesce(max(wave) + 1, 0) FROM job_stations WHERE job_id = j.id),
           'stations', (SELECT count(*) FROM job_stations WHERE job_id = j.id),
           'counts', (SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*) AS n FROM job_stations
                      WHERE job_id = j.id GROUP BY state) c),
           'progress', (SELECT CASE WHEN count(*) = 0 THEN 1 ELSE round(count(*) FILTER (WHERE state IN
                          ('succeeded', 'failed', 'cancelled'))::numeric / count(*), 3) END
                        FROM job_stations WHERE job_id = j.id))
$$;

CREATE FUNCTION csms_job_station_json(s job_stations) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('station_id', s.station_id, 'wave', s.wave, 'state', s.state,
           'attempts', s.attempts, 'status', s.status, 'detail', s.detail,
           'file_transfer_id', s.file_transfer_id, 'updated_at', csms_ts(s.updated_at))
$$;

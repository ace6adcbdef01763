-- Firmware images and file transfers (issue 16). An image's metadata is created first, its
-- bytes uploaded after (stored on disk under files.dir, named by the image's id); `sha256`
-- and `size_bytes` are set once the bytes are there. A transfer is one station moving one
-- file through this server's file endpoint: downloading an image (UpdateFirmware) or
-- uploading diagnostics or a log (GetDiagnostics / GetLog). Its URL carries a random token
-- of which only the SHA-256 is kept; it works until `expires_at`.
CREATE TABLE firmware_images (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  version text NOT NULL UNIQUE,
  file_name text NOT NULL,
  vendor text,
  model text,
  signing_certificate text,
  signature text,
  expected_sha256 text,  -- given with the metadata: the upload must match it
  sha256 text,
  size_bytes bigint,
  uploaded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION csms_firmware_json(f firmware_images) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', f.id, 'version', f.version, 'file_name', f.file_name,
                            'vendor', f.vendor, 'model', f.model,
                            'signing_certificate', f.signing_certificate, 'signature', f.signature,
                            'sha256', f.sha256, 'size_bytes', f.size_bytes,
                            'uploaded', f.uploaded_at IS NOT NULL, 'uploaded_at', csms_ts(f.uploaded_at),
                            'created_at', csms_ts(f.created_at))
$$;

-- `state`: pending (the command not yet answered), rejected (the station refused it),
-- failed_to_send (offline, an error, no answer), accepted (the station took it; no status
-- yet), in_progress (a status such as Downloading or Uploading came), succeeded (Installed,
-- Uploaded), failed (a failure status). `status` is the station's last status as it sent it.
CREATE TABLE file_transfers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  station_id text NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('firmware', 'log')),  -- log: 1.6 diagnostics too
  firmware_id bigint REFERENCES firmware_images (id) ON DELETE RESTRICT,
  request_id integer,
  token_sha256 text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN
    ('pending', 'rejected', 'failed_to_send', 'accepted', 'in_progress', 'succeeded', 'failed')),
  status text,
  status_at timestamptz,
  downloads integer NOT NULL DEFAULT 0,
  file_name text,  -- an upload: the name the station gave
  size_bytes bigint,
  sha256 text,
  received_at timestamptz,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX file_transfers_station ON file_transfers (station_id, kind, id);

CREATE FUNCTION csms_transfer_json(t file_transfers) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', t.id, 'station_id', t.station_id, 'kind', t.kind,
                            'firmware_id', t.firmware_id, 'request_id', t.request_id,
                            'expires_at', csms_ts(t.expires_at), 'state', t.state, 'status', t.status,
                            'status_at', csms_ts(t.status_at), 'downloads', t.downloads,
                            'file_name', t.file_name, 'size_bytes', t.size_bytes, 'sha256', t.sha256,
                            'received_at', csms_ts(t.received_at), 'created_by', t.created_by,
                            'created_at', csms_ts(t.created_at), 'updated_at', csms_ts(t.updated_at))
$$;

-- The 2.0.1 device model (issue 16): each station's components and variables with their
-- attributes (Actual, Target, MinSet, MaxSet), mutability and characteristics, kept current
-- from NotifyReport (GetBaseReport / GetReport), GetVariables / SetVariables answers and, for
-- 1.6 stations, GetConfiguration / ChangeConfiguration (component '' and the key as the
-- variable). Absent parts of the key are '' and 0.
CREATE TABLE station_variables (
  id bigserial PRIMARY KEY,
  station_id text NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
  component text NOT NULL,
  component_instance text NOT NULL DEFAULT '',
  evse_id integer NOT NULL DEFAULT 0,
  connector_id integer NOT NULL DEFAULT 0,
  variable text NOT NULL,
  variable_instance text NOT NULL DEFAULT '',
  attribute_type text NOT NULL DEFAULT 'Actual',
  value text,
  mutability text,
  persistent boolean,
  constant boolean,
  characteristics jsonb,
  source text NOT NULL,  -- NotifyReport, GetVariables, SetVariables, GetConfiguration, ChangeConfiguration
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (station_id, component, component_instance, evse_id, connector_id, variable, variable_instance,
          attribute_type)
);

-- NotifyReport parts per request: a report is complete when the part without tbc came.
CREATE TABLE device_model_reports (
  station_id text NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
  request_id integer NOT NULL,
  parts integer NOT NULL DEFAULT 0,
  last_seq_no integer,
  complete boolean NOT NULL DEFAULT false,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, request_id)
);

CREATE FUNCTION csms_variable_json(v station_variables) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('component', v.component, 'component_instance', nullif(v.component_instance, ''),
                            'evse_id', nullif(v.evse_id, 0), 'connector_id', nullif(v.connector_id, 0),
                            'variable', v.variable, 'variable_instance', nullif(v.variable_instance, ''),
                            'attribute_type', v.attribute_type, 'value', v.value, 'mutability', v.mutability,
                            'persistent', v.persistent, 'constant', v.constant,
                            'characteristics', v.characteristics, 'source', v.source,
                            'updated_at', csms_ts(v.updated_at))
$$;

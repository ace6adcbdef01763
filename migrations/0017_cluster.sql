-- Several csms nodes on one database.
--
-- A node is alive while it holds its session advisory lock (csms_cluster_lock_class(),
-- lock_key) on its cluster connection and its heartbeat is recent; a node that crashed loses
-- the lock with its connection, one that hangs stops its heartbeat.
CREATE TABLE cluster_nodes (
  node_id       text PRIMARY KEY,
  lock_key      integer NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now()
);

-- Which node holds a station: node_id names the node whose connection it is on
-- (node_connection set) or, while it is offline, the node that watches it for fault
-- detection (node_connection null). A crashed node's stations are taken over by the leader.
ALTER TABLE stations ADD COLUMN node_id text, ADD COLUMN node_connection bigint;
CREATE INDEX stations_node_id ON stations (node_id);

-- Messages between nodes (commands for a station held by another node and their answers,
-- hand-overs). The row carries the body; NOTIFY csms_cluster with the addressee's node id
-- wakes it to take its rows.
CREATE TABLE cluster_messages (
  id          bigserial PRIMARY KEY,
  to_node     text NOT NULL,
  body        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cluster_messages_to_node ON cluster_messages (to_node, id);

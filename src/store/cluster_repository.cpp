#include "repositories.hpp"

namespace csms::store {

std::optional<domain::StationHolder> PgClusterRepository::claim_station(const std::string& station_id,
                                                                        const std::string& node_id,
                                                                        std::int64_t connection) {
  // The CTE sees the row as it was before the update: its previous holder.
  auto rows = exec_cached(
      txn_,
      "WITH old AS (SELECT node_id, node_connection FROM stations WHERE id = $1 FOR NO KEY UPDATE) "
      "UPDATE stations s SET node_id = $2, node_connection = $3 FROM old WHERE s.id = $1 "
      "RETURNING old.node_id, old.node_connection",
      station_id, node_id, connection);
  if (rows.empty() || rows[0][0].is_null()) return std::nullopt;
  domain::StationHolder previous{rows[0][0].as<std::string>(), opt<std::int64_t>(rows[0][1])};
  if (previous.node_id == node_id) return std::nullopt;
  return previous;
}

bool PgClusterRepository::release_station(const std::string& station_id, const std::string& node_id,
                                          std::int64_t connection) {
  auto result = exec_cached(
      txn_,
      "UPDATE stations SET node_connection = NULL WHERE id = $1 AND node_id = $2 AND node_connection = $3",
      station_id, node_id, connection);
  return result.affected_rows() > 0;
}

std::optional<std::string> PgClusterRepository::station_holder(const std::string& station_id) {
  // Only a node that still holds its liveness lock: one that crashed a moment ago (not yet
  // removed by the leader) would never answer.
  auto rows = txn_.exec_params(
      "SELECT s.node_id FROM stations s JOIN cluster_nodes n ON n.node_id = s.node_id "
      "WHERE s.id = $1 AND s.node_connection IS NOT NULL AND EXISTS (SELECT 1 FROM pg_locks l "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1129532755::oid "
      "AND l.objid = n.lock_key::oid AND l.objsubid = 2)",
      station_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

void PgClusterRepository::post(const std::string& to_node, const std::string& body_json) {
  // NOTIFY is delivered when the transaction commits, after the row is visible.
  exec_cached(txn_,
              "WITH m AS (INSERT INTO cluster_messages (to_node, body) VALUES ($1, $2::jsonb) RETURNING id) "
              "SELECT pg_notify('csms_cluster', $1) FROM m",
              to_node, body_json);
}

void PgClusterRepository::post_to_others(const std::string& from_node, const std::string& body_json) {
  exec_cached(
      txn_,
      "WITH m AS (INSERT INTO cluster_messages (to_node, body) SELECT node_id, $2::jsonb FROM cluster_nodes "
      "WHERE node_id <> $1 RETURNING to_node) "
      "SELECT pg_notify('csms_cluster', to_node) FROM m",
      from_node, body_json);
}

}  // namespace csms::store

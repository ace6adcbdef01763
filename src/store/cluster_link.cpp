#include "csms/store/cluster_link.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <stdexcept>
#include <thread>

#include "pg.hpp"

namespace csms::store {
namespace {

// The first key of every advisory lock the cluster takes ("CSMS"); the second is 0 for the
// leader and the node's random lock key for its liveness.
constexpr int kLockClass = 0x43534D53;
constexpr int kLeaderKey = 0;
constexpr const char* kChannel = "csms_cluster";

// Whether the node's liveness lock is held by some session: SQL over cluster_nodes `n`.
constexpr const char* kNodeLockHeld =
    "EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted "
    "AND l.classid = 1129532755::oid AND l.objid = n.lock_key::oid AND l.objsubid = 2)";
static_assert(kLockClass == 1129532755);

// Stations that were on a connection of a node that is gone: offline since they were last
// seen, their connectivity spans closed then.
void take_offline(pqxx::transaction_base& txn, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  auto array = text_array(ids);
  txn.exec_params(
      "UPDATE station_connectivity c SET disconnected_at = "
      "greatest(c.connected_at, least(coalesce(s.last_seen_at, now()), now())) "
      "FROM stations s WHERE s.id = c.station_id AND c.disconnected_at IS NULL AND s.id = ANY($1::text[])",
      array);
  txn.exec_params(
      "UPDATE stations SET online = false, node_connection = NULL, last_seen_at = least(last_seen_at, "
      "now()), "
      "updated_at = now() WHERE id = ANY($1::text[]) AND (online OR node_connection IS NOT NULL)",
      array);
}

std::vector<std::string> ids_of(const pqxx::result& rows) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row[0].as<std::string>());
  return out;
}

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, std::string node_id, bool& woken)
      : pqxx::notification_receiver(connection, kChannel), node_id_(std::move(node_id)), woken_(woken) {}
  void operator()(const std::string& payload, int) override {
    if (payload == node_id_) woken_ = true;
  }

 private:
  std::string node_id_;
  bool& woken_;
};

}  // namespace

struct ClusterLink::Impl {
  ClusterSettings settings;
  Handlers handlers;
  int lock_key = 0;
  std::unique_ptr<pqxx::connection> connection;
  std::unique_ptr<Receiver> receiver;
  bool woken = false;
  std::atomic<bool> leader{false};
  std::atomic<std::size_t> peers{0};
  std::atomic<bool> stopping{false};
  std::thread thread;

  // A new connection holding this node's liveness lock and listening for its messages.
  void connect() {
    receiver.reset();
    connection = std::make_unique<pqxx::connection>(settings.url);
    leader = false;
    pqxx::nontransaction txn(*connection);
    if (lock_key == 0) {
      std::random_device random;
      std::uniform_int_distribution<int> keys(1, std::numeric_limits<int>::max());
      do lock_key = keys(random);
      while (!txn.exec_params1("SELECT pg_try_advisory_lock($1, $2)", kLockClass, lock_key)[0].as<bool>());
    } else if (!txn.exec_params1("SELECT pg_try_advisory_lock($1, $2)", kLockClass, lock_key)[0].as<bool>()) {
      throw std::runtime_error("the cluster liveness lock is held by another session");
    }
    txn.commit();
    receiver = std::make_unique<Receiver>(*connection, settings.node_id, woken);
  }

  // Inserts the node's row; a row of a previous run of this node id is replaced, one of a
  // running node is refused.
  void register_node() {
    pqxx::work txn(*connection);
    auto running =
        txn.exec_params(std::string("SELECT 1 FROM cluster_nodes n WHERE n.node_id = $1 AND n.lock_key <> $2 "
                                    "AND n.heartbeat_at > now() - make_interval(secs => $3) AND ") +
                            kNodeLockHeld,
                        settings.node_id, lock_key, static_cast<double>(settings.node_timeout.count()));
    if (!running.empty())
      throw std::runtime_error("cluster.node_id '" + settings.node_id +
                               "' is in use by a running node; give each node its own id");
    txn.exec_params(
        "INSERT INTO cluster_nodes (node_id, lock_key) VALUES ($1, $2) ON CONFLICT (node_id) DO UPDATE "
        "SET lock_key = EXCLUDED.lock_key, started_at = now(), heartbeat_at = now()",
        settings.node_id, lock_key);
    peers = txn.exec_params1("SELECT count(*) FROM cluster_nodes WHERE node_id <> $1", settings.node_id)[0]
                .as<std::size_t>();
    // Nothing is connected to a node that just started: what its previous run held is offline.
    take_offline(txn,
                 ids_of(txn.exec_params(
                     "SELECT id FROM stations WHERE node_id = $1 AND (online OR node_connection IS NOT NULL) "
                     "ORDER BY id FOR NO KEY UPDATE",
                     settings.node_id)));
    txn.commit();
  }

  // False when the node's row is gone: another node declared it dead. Throws when this
  // session no longer holds the node's locks (libpqxx reconnected after a broken connection:
  // a new session holds none of them), so that the node connects and locks again.
  bool heartbeat() {
    pqxx::work txn(*connection);
    auto held = txn.exec_params1(
        "SELECT count(*) FILTER (WHERE objid = $1::oid), count(*) FILTER (WHERE objid = 0) FROM pg_locks "
        "WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() AND classid = $2::oid AND "
        "objsubid = 2",
        lock_key, kLockClass);
    if (held[0].as<int>() == 0 || (leader && held[1].as<int>() == 0))
      throw std::runtime_error("this session lost the cluster locks (the database connection was reset)");
    auto result = txn.exec_params(
        "UPDATE cluster_nodes SET heartbeat_at = now() WHERE node_id = $1 AND lock_key = $2 "
        "RETURNING (SELECT count(*) FROM cluster_nodes o WHERE o.node_id <> $1)",
        settings.node_id, lock_key);
    txn.commit();
    if (!result.empty()) peers = result[0][0].as<std::size_t>();
    return !result.empty();
  }

  void try_lead() {
    if (leader) return;
    pqxx::nontransaction txn(*connection);
    if (txn.exec_params1("SELECT pg_try_advisory_lock($1, $2)", kLockClass, kLeaderKey)[0].as<bool>()) {
      leader = true;
      spdlog::info("cluster: node {} is the leader", settings.node_id);
    }
  }

  // The leader's duty: remove dead nodes, take their stations (and any station no node
  // holds) offline and watch them here.
  std::vector<domain::StationLiveness> reap() {
    pqxx::work txn(*connection);
    for (const auto& row :
         txn.exec_params(std::string("DELETE FROM cluster_nodes n WHERE n.node_id <> $1 AND "
                                     "(n.heartbeat_at < now() - make_interval(secs => $2) OR NOT ") +
                             kNodeLockHeld + ") RETURNING node_id",
                         settings.node_id, static_cast<double>(settings.node_timeout.count())))
      spdlog::warn("cluster: node {} is gone; its stations are taken over by {}", row[0].c_str(),
                   settings.node_id);
    auto orphans =
        ids_of(txn.exec("SELECT id FROM stations s WHERE s.node_id IS NULL OR NOT EXISTS "
                        "(SELECT 1 FROM cluster_nodes n WHERE n.node_id = s.node_id) ORDER BY id FOR NO KEY "
                        "UPDATE SKIP LOCKED"));
    std::vector<domain::StationLiveness> out;
    if (!orphans.empty()) {
      take_offline(txn, orphans);
      for (const auto& row :
           txn.exec_params("UPDATE stations SET node_id = $1 WHERE id = ANY($2::text[]) "
                           "RETURNING id, online, csms_ms(last_seen_at), max_power_w, node_id",
                           settings.node_id, text_array(orphans))) {
        domain::StationLiveness station;
        station.station_id = row[0].as<std::string>();
        station.online = row[1].as<bool>();
        station.last_seen_at = ms(row[2]);
        station.max_power_w = opt<double>(row[3]);
        station.node_id = row[4].as<std::string>();
        out.push_back(std::move(station));
      }
    }
    // Messages nobody will read: to nodes that are gone, or never taken for minutes.
    txn.exec(
        "DELETE FROM cluster_messages m WHERE created_at < now() - interval '10 minutes' OR NOT EXISTS "
        "(SELECT 1 FROM cluster_nodes n WHERE n.node_id = m.to_node)");
    txn.commit();
    return out;
  }

  std::vector<std::string> take_messages() {
    pqxx::work txn(*connection);
    auto rows = txn.exec_params(
        "DELETE FROM cluster_messages WHERE id IN (SELECT id FROM cluster_messages WHERE to_node = $1 "
        "ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING id, body::text",
        settings.node_id);
    txn.commit();
    std::vector<std::pair<std::int64_t, std::string>> taken;
    for (const auto& row : rows) taken.emplace_back(row[0].as<std::int64_t>(), row[1].as<std::string>());
    std::sort(taken.begin(), taken.end());
    std::vector<std::string> out;
    for (auto& [id, body] : taken) out.push_back(std::move(body));
    return out;
  }

  void duties(bool first) {
    if (!first && !heartbeat()) {
      spdlog::error("cluster: node {} was declared dead by another node; joining again", settings.node_id);
      register_node();
      if (handlers.lost) handlers.lost();
    }
    try_lead();
    if (leader) {
      auto taken = reap();
      if (!taken.empty()) {
        spdlog::info("cluster: {} now watches {} stations no live node held", settings.node_id, taken.size());
        if (handlers.took_over) handlers.took_over(std::move(taken));
      }
    }
  }

  void run() {
    auto next_duty = std::chrono::steady_clock::now() + settings.heartbeat;
    bool check_messages = true;
    while (!stopping) {
      try {
        if (!connection) {
          connect();
          register_node();
          check_messages = true;
        }
        if (check_messages || woken) {
          woken = false;
          check_messages = false;
          auto bodies = take_messages();
          if (!bodies.empty() && handlers.messages) handlers.messages(std::move(bodies));
        }
        if (std::chrono::steady_clock::now() >= next_duty) {
          duties(false);
          next_duty = std::chrono::steady_clock::now() + settings.heartbeat;
          check_messages = true;  // a notification may have been missed
        }
        if (handlers.tick) handlers.tick();
        connection->await_notification(0, 250'000);
      } catch (const std::exception& e) {
        spdlog::error("cluster: {}; reconnecting", e.what());
        receiver.reset();
        connection.reset();
        leader = false;
        for (int i = 0; i < 10 && !stopping; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
};

ClusterLink::ClusterLink(ClusterSettings settings) : impl_(std::make_unique<Impl>()) {
  impl_->settings = std::move(settings);
}

ClusterLink::~ClusterLink() { stop(); }

void ClusterLink::start(Handlers handlers) {
  impl_->handlers = std::move(handlers);
  impl_->connect();
  impl_->register_node();
  impl_->duties(true);
  impl_->thread = std::thread([this] { impl_->run(); });
}

void ClusterLink::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->stopping = true;
  impl_->thread.join();
  try {
    if (impl_->connection) {
      pqxx::work txn(*impl_->connection);
      txn.exec_params("DELETE FROM cluster_nodes WHERE node_id = $1 AND lock_key = $2",
                      impl_->settings.node_id, impl_->lock_key);
      txn.commit();
    }
  } catch (const std::exception& e) {
    spdlog::warn("cluster: could not leave the cluster cleanly: {}", e.what());
  }
  impl_->receiver.reset();
  impl_->connection.reset();
}

bool ClusterLink::leader() const { return impl_->leader; }

std::size_t ClusterLink::peers() const { return impl_->peers; }

void ClusterLink::note_peer() {
  std::size_t alone = 0;
  impl_->peers.compare_exchange_strong(alone, 1);
}

}  // namespace csms::store

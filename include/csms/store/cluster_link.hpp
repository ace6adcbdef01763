#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "csms/domain/ports.hpp"

namespace csms::store {

struct ClusterSettings {
  std::string url;
  std::string node_id;
  // How often the node proves it is alive, and how long a silent node counts as alive.
  std::chrono::milliseconds heartbeat{2000};
  std::chrono::seconds node_timeout{20};
};

// This node's membership of the cluster, on a connection of its own: the node's row and
// its liveness lock, LISTEN for messages addressed to it, and the leader's duties. A node
// is alive while it holds its session advisory lock and its heartbeat is recent; a crashed
// process loses the lock at once with its connection. One node at a time is the leader (a
// second advisory lock): it removes dead nodes and takes over their stations.
class ClusterLink {
 public:
  struct Handlers {
    // Messages addressed to this node (JSON objects), in the order they were posted.
    std::function<void(std::vector<std::string>)> messages;
    // The leader took over the stations of nodes that died (now offline, watched here).
    std::function<void(std::vector<domain::StationLiveness>)> took_over;
    // Another node declared this one dead and took its stations (its database connection
    // was lost for too long); the node has registered again.
    std::function<void()> lost;
    // Runs on the cluster thread about every 250 ms.
    std::function<void()> tick;
  };

  explicit ClusterLink(ClusterSettings settings);
  ~ClusterLink();
  ClusterLink(const ClusterLink&) = delete;
  ClusterLink& operator=(const ClusterLink&) = delete;

  // Joins the cluster: registers the node (throws when a running node has the same id),
  // takes the stations this node id held in a previous run offline, becomes the leader if
  // none is and then does its duties once; then starts the cluster thread.
  void start(Handlers handlers);
  // Leaves the cluster: stops the thread and removes the node's row (its stations are
  // taken over by the leader).
  void stop();

  bool leader() const;
  // How many other nodes the cluster had at this node's last heartbeat (0: it is alone).
  std::size_t peers() const;
  // Another node said it joined: at least one until the next heartbeat counts them.
  void note_peer();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace csms::store

#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "csms/api/api.hpp"
#include "csms/app/station_gateway.hpp"
#include "csms/domain/ports.hpp"

namespace csms::app {

// This node's side of the conversation between nodes (messages through PostgreSQL, see
// store::ClusterLink): a command for a station held by another node is sent there and its
// answer returned; commands from other nodes are carried to the local connection; a node
// that lost a station to another lets go of it.
class ClusterNode final : public api::CommandPort {
 public:
  // `remote_timeout`: how long to wait for another node's answer (its own call timeout
  // plus the trip through the database).
  ClusterNode(std::string node_id, std::chrono::milliseconds remote_timeout, StationGateway& gateway,
              domain::UnitOfWorkRunner& db);
  ~ClusterNode() override;

  // What to do when a station this node held or watched moved to another node (the fault
  // service lets go of its state).
  void set_on_moved_away(std::function<void(const std::string& station_id)> handler) {
    on_moved_away_ = std::move(handler);
  }

  // What to do with messages of another `type` than the node's own (command,
  // command_result, station_moved): news other nodes broadcast.
  void on(const std::string& type, std::function<void(const nlohmann::json&)> handler) {
    handlers_[type] = std::move(handler);
  }
  // Sends a message (a JSON object with a "type") to every other node; `done`, when given,
  // learns whether it was stored for them.
  void broadcast(const nlohmann::json& message, std::function<void(bool stored)> done = nullptr);

  // store::ClusterLink handlers.
  void on_messages(const std::vector<std::string>& bodies);
  // Answers Timeout to remote commands whose answer is overdue.
  void expire();
  // Fails every remote command still waiting (at shutdown).
  void cancel_all();

  // Inside the unit of work that recorded a station's connection here: tells the node
  // that held it before.
  void station_moved_here(domain::Repositories& repos, const std::string& station_id,
                          const domain::StationHolder& previous);

  void send(const std::string& station_id, const std::string& name, const nlohmann::json& body,
            std::function<void(api::CommandResult)> done) override;
  // Here and on every other node (the station may be on any of them, or move).
  void set_frame_logging(const std::string& station_id, bool enabled) override;

 private:
  struct Pending {
    std::function<void(api::CommandResult)> done;
    std::chrono::steady_clock::time_point deadline;
  };

  void handle_command(const nlohmann::json& message);
  void handle_result(const nlohmann::json& message);
  void handle_moved(const nlohmann::json& message);
  // Finishes a remote command once (whoever takes it from the map answers it).
  void finish(const std::string& request_id, api::CommandResult result);
  void post(const std::string& to_node, const nlohmann::json& body);
  static void count_remote(api::CommandResult::Kind kind);

  std::string node_id_;
  std::chrono::milliseconds remote_timeout_;
  StationGateway& gateway_;
  domain::UnitOfWorkRunner& db_;
  std::function<void(const std::string&)> on_moved_away_;
  std::map<std::string, std::function<void(const nlohmann::json&)>> handlers_;
  std::atomic<std::uint64_t> next_request_{1};
  std::mutex mutex_;
  std::map<std::string, Pending> pending_;  // by request id
};

// The command outcome as it travels between nodes, and back.
nlohmann::json to_json(const api::CommandResult& result);
api::CommandResult command_result_from(const nlohmann::json& json);

}  // namespace csms::app

#include "csms/app/cluster_node.hpp"

#include <spdlog/spdlog.h>

#include "csms/metrics/metrics.hpp"
#include "csms/ocpp/commands.hpp"

namespace csms::app {

using json = nlohmann::json;
using Kind = api::CommandResult::Kind;

namespace {

constexpr std::pair<Kind, const char*> kKinds[] = {
    {Kind::Answered, "answered"},
    {Kind::UnknownStation, "unknown_station"},
    {Kind::Offline, "offline"},
    {Kind::Timeout, "timeout"},
    {Kind::CallError, "call_error"},
    {Kind::BadRequest, "bad_request"},
    {Kind::InvalidAnswer, "invalid_answer"},
};

}  // namespace

json to_json(const api::CommandResult& result) {
  const char* kind = "offline";
  for (const auto& [k, name] : kKinds)
    if (k == result.kind) kind = name;
  return {{"kind", kind},
          {"status", result.status},
          {"response", result.response},
          {"error_code", result.error_code},
          {"description", result.description}};
}

api::CommandResult command_result_from(const json& doc) {
  api::CommandResult result;
  result.kind = Kind::Offline;
  auto kind = doc.value("kind", std::string());
  for (const auto& [k, name] : kKinds)
    if (kind == name) result.kind = k;
  result.status = doc.value("status", std::string());
  result.response = doc.value("response", json());
  result.error_code = doc.value("error_code", std::string());
  result.description = doc.value("description", std::string());
  return result;
}

ClusterNode::ClusterNode(std::string node_id, std::chrono::milliseconds remote_timeout,
                         StationGateway& gateway, domain::UnitOfWorkRunner& db)
    : node_id_(std::move(node_id)), remote_timeout_(remote_timeout), gateway_(gateway), db_(db) {}

ClusterNode::~ClusterNode() { cancel_all(); }

void ClusterNode::post(const std::string& to_node, const json& body) {
  db_.run([to_node, text = body.dump()](domain::Repositories& repos) { repos.cluster().post(to_node, text); },
          [to_node](std::exception_ptr error) {
            if (error) spdlog::error("cluster: could not send a message to node {}", to_node);
          });
}

void ClusterNode::broadcast(const json& message, std::function<void(bool stored)> done) {
  db_.run([this, text = message.dump()](
              domain::Repositories& repos) { repos.cluster().post_to_others(node_id_, text); },
          [done = std::move(done)](std::exception_ptr error) {
            if (error) spdlog::error("cluster: could not send a message to the other nodes");
            if (done) done(!error);
          });
}

void ClusterNode::set_frame_logging(const std::string& station_id, bool enabled) {
  gateway_.set_frame_logging(station_id, enabled);
  broadcast({{"type", "frame_logging"}, {"station_id", station_id}, {"enabled", enabled}});
}

void ClusterNode::station_moved_here(domain::Repositories& repos, const std::string& station_id,
                                     const domain::StationHolder& previous) {
  json message = {{"type", "station_moved"},
                  {"station_id", station_id},
                  {"connection", previous.connection ? json(*previous.connection) : json()},
                  {"to", node_id_}};
  repos.cluster().post(previous.node_id, message.dump());
}

void ClusterNode::send(const std::string& station_id, const std::string& name, const json& body,
                       std::function<void(api::CommandResult)> done) {
  // Whichever node sent it, what the answer teaches of the station's variables is read here.
  done = [name, body, done = std::move(done)](api::CommandResult result) {
    if (result.kind == Kind::Answered) result.learnt = ocpp::learnt_variables(name, body, result.response);
    done(std::move(result));
  };
  gateway_.send(
      station_id, name, body,
      [this, station_id, name, body, done = std::move(done)](api::CommandResult local) mutable {
        if (local.kind != Kind::Offline) return done(std::move(local));
        // Not connected here: the node whose connection holds it, if any, gets the command.
        auto request_id = node_id_ + "/" + std::to_string(next_request_++);
        {
          std::lock_guard lock(mutex_);
          pending_[request_id] = Pending{std::move(done), std::chrono::steady_clock::now() + remote_timeout_};
        }
        auto sent = std::make_shared<bool>(false);
        json message = {{"type", "command"}, {"request_id", request_id},
                        {"from", node_id_},  {"station_id", station_id},
                        {"name", name},      {"body", body}};
        db_.run(
            [this, station_id, sent, text = message.dump()](domain::Repositories& repos) {
              auto holder = repos.cluster().station_holder(station_id);
              if (!holder || *holder == node_id_) return;
              repos.cluster().post(*holder, text);
              *sent = true;
            },
            [this, request_id, sent, local = std::move(local)](std::exception_ptr error) mutable {
              if (error) spdlog::error("cluster: could not route a command for another node");
              if (error || !*sent) finish(request_id, std::move(local));
            });
      });
}

void ClusterNode::finish(const std::string& request_id, api::CommandResult result) {
  std::function<void(api::CommandResult)> done;
  {
    std::lock_guard lock(mutex_);
    auto found = pending_.find(request_id);
    if (found == pending_.end()) return;  // answered or expired already
    done = std::move(found->second.done);
    pending_.erase(found);
  }
  done(std::move(result));
}

void ClusterNode::expire() {
  std::vector<std::string> overdue;
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    for (const auto& [id, pending] : pending_)
      if (pending.deadline <= now) overdue.push_back(id);
  }
  for (const auto& id : overdue) {
    api::CommandResult result;
    result.kind = Kind::Timeout;
    result.description = "the node holding the station did not answer in time";
    count_remote(result.kind);
    finish(id, std::move(result));
  }
}

void ClusterNode::cancel_all() {
  std::vector<std::string> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, pending] : pending_) all.push_back(id);
  }
  for (const auto& id : all) {
    api::CommandResult result;
    result.kind = Kind::Offline;
    result.description = "this node is shutting down";
    finish(id, std::move(result));
  }
}

void ClusterNode::on_messages(const std::vector<std::string>& bodies) {
  for (const auto& body : bodies) {
    try {
      auto message = json::parse(body);
      auto type = message.value("type", std::string());
      metrics::registry()
          .counter("csms_cluster_messages_received_total", "Messages from other nodes, by type",
                   {{"type", type}})
          .inc();
      if (type == "command")
        handle_command(message);
      else if (type == "command_result")
        handle_result(message);
      else if (type == "station_moved")
        handle_moved(message);
      else if (type == "frame_logging")
        gateway_.set_frame_logging(message.at("station_id").get<std::string>(),
                                   message.at("enabled").get<bool>());
      else if (auto handler = handlers_.find(type); handler != handlers_.end())
        handler->second(message);
      else
        spdlog::warn("cluster: ignoring a message of unknown type '{}'", type);
    } catch (const std::exception& e) {
      spdlog::error("cluster: unreadable message: {}", e.what());
    }
  }
}

void ClusterNode::handle_command(const json& message) {
  auto from = message.at("from").get<std::string>();
  auto request_id = message.at("request_id").get<std::string>();
  auto station_id = message.at("station_id").get<std::string>();
  spdlog::info("cluster: command {} for station {} from node {}", message.at("name").get<std::string>(),
               station_id, from);
  // Only the local connection: a station that moved on meanwhile is reported offline.
  gateway_.send(
      station_id, message.at("name").get<std::string>(), message.value("body", json::object()),
      [this, from, request_id](api::CommandResult result) {
        post(from, {{"type", "command_result"}, {"request_id", request_id}, {"result", to_json(result)}});
      });
}

void ClusterNode::handle_result(const json& message) {
  auto result = command_result_from(message.at("result"));
  count_remote(result.kind);
  finish(message.at("request_id").get<std::string>(), std::move(result));
}

void ClusterNode::count_remote(api::CommandResult::Kind kind) {
  const char* name = "offline";
  for (const auto& [k, text] : kKinds)
    if (k == kind) name = text;
  metrics::registry()
      .counter("csms_cluster_remote_commands_total",
               "Commands carried out by the node holding the station, by outcome", {{"result", name}})
      .inc();
}

void ClusterNode::handle_moved(const json& message) {
  auto station_id = message.at("station_id").get<std::string>();
  std::optional<std::int64_t> connection;
  if (message.contains("connection") && message["connection"].is_number_integer())
    connection = message["connection"].get<std::int64_t>();
  auto to = message.value("to", std::string("another node"));
  if (!gateway_.let_go(station_id, connection, "the station connected to node " + to)) return;
  if (on_moved_away_) on_moved_away_(station_id);
}

}  // namespace csms::app

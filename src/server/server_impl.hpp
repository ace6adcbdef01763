#pragma once

// The server's shared state: listeners, the io_context and its threads, the registry of live
// charger connections. Private to the server module.

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "connection_gate.hpp"
#include "csms/server/server.hpp"

namespace csms::server {

class WsConnection;

struct Server::Impl {
  using tcp = boost::asio::ip::tcp;

  Impl(ServerSettings s, StationHandler& h, HttpHandler hh);

  ServerSettings settings;
  StationHandler& stations;
  HttpHandler http_handler;
  // Before the io_context: tickets held by its handlers give their places back to the gates
  // while it is destroyed.
  ConnectionGate ocpp_gate;
  ConnectionGate api_gate;
  std::atomic<std::size_t> uploads{0};  // large request bodies being read
  boost::asio::io_context ioc;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  tcp::acceptor ocpp_acceptor{ioc};
  tcp::acceptor tls_acceptor{ioc};
  tcp::acceptor api_acceptor{ioc};

  // The wss:// listener's context; replaced whole when the files change (open connections
  // keep the one they started with).
  mutable std::mutex tls_mutex;
  std::shared_ptr<boost::asio::ssl::context> tls_context;
  std::map<std::string, std::filesystem::file_time_type> tls_file_times;
  std::shared_ptr<boost::asio::ssl::context> current_tls() const {
    std::lock_guard lock(tls_mutex);
    return tls_context;
  }
  // Builds a context from the files; false (logged) when they cannot be used.
  bool load_tls();
  boost::asio::awaitable<void> watch_tls_files();
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> next_connection{1};
  std::atomic<bool> stopping{false};

  // Live sessions by station (the newest connection) and by connection. Only weak
  // references: a session's lifetime is its own coroutine's.
  mutable std::mutex registry_mutex;
  std::unordered_map<std::string, std::weak_ptr<WsConnection>> registry;
  std::unordered_map<std::uint64_t, std::weak_ptr<WsConnection>> sessions;

  mutable std::mutex stats_mutex;
  std::map<std::string, std::uint64_t> leniencies;

  // Stations whose frames are logged; the flag keeps the common case to one atomic load.
  std::atomic<bool> any_frame_logging{false};
  mutable std::mutex frame_logging_mutex;
  std::set<std::string> frame_logging;

  void log_frame(const std::string& station_id, const char* direction, const std::string& frame) const;
  void count_leniencies(const std::vector<std::string>& names);

  // Runs the io_context on this thread until it stops; an exception escaping a handler is
  // logged and counted, and the thread carries on.
  void run_io();
  enum class Listener { Ocpp, OcppTls, Api };
  boost::asio::awaitable<void> accept(tcp::acceptor& acceptor, Listener listener);
  void start_connection(Listener listener, tcp::socket socket, ConnectionGate::Ticket ticket);
};

// One REST client's connection (HTTP/1.1 keep-alive, server-sent events).
// `tls`: HTTPS with this context; null: plain HTTP.
boost::asio::awaitable<void> serve_http(Server::Impl& server, boost::asio::ip::tcp::socket socket,
                                        ConnectionGate::Ticket ticket,
                                        std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

}  // namespace csms::server

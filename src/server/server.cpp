#include "csms/server/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/beast.hpp>

#include "async_support.hpp"
#include "csms/metrics/metrics.hpp"
#include "server_impl.hpp"
#include "spawn.hpp"
#include "tls_context.hpp"
#include "ws_session.hpp"

// The server's wiring: the io_context and its threads, the two listeners and their caps,
// start and stop. Connections live in ws_session.cpp (chargers) and http_session.cpp (REST).

namespace csms::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::awaitable;

// SO_SNDBUF of charger connections (the kernel doubles it for its bookkeeping).
constexpr int kOcppSendBuffer = 128 * 1024;

Server::Impl::Impl(ServerSettings s, StationHandler& h, HttpHandler hh)
    : settings(std::move(s)),
      stations(h),
      http_handler(std::move(hh)),
      ocpp_gate("ocpp", settings.max_connections, settings.max_handshakes),
      api_gate("api", settings.api_max_connections, settings.api_max_connections) {}

void Server::Impl::log_frame(const std::string& station_id, const char* direction,
                             const std::string& frame) const {
  if (!any_frame_logging.load(std::memory_order_relaxed)) return;
  {
    std::lock_guard lock(frame_logging_mutex);
    if (!frame_logging.count(station_id)) return;
  }
  spdlog::info("station {} {} {}", station_id, direction, settings.redact ? settings.redact(frame) : frame);
}

void Server::Impl::count_leniencies(const std::vector<std::string>& names) {
  std::lock_guard lock(stats_mutex);
  for (const auto& name : names) {
    ++leniencies[name];
    metrics::registry()
        .counter("csms_ocpp_leniencies_total", "Tolerated deviations from the schemas, by leniency entry",
                 {{"leniency", name}})
        .inc();
  }
}

void Server::Impl::run_io() {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (...) {
      // The handler that threw is gone; every other connection carries on.
      log_failure("an I/O handler", std::current_exception());
    }
  }
}

awaitable<void> Server::Impl::accept(tcp::acceptor& acceptor, Listener listener) {
  // Both charger listeners share one set of caps: wss:// has the limits of ws://.
  ConnectionGate& gate = listener == Listener::Api ? api_gate : ocpp_gate;
  asio::steady_timer pause(acceptor.get_executor());
  for (;;) {
    // While the handshakes in progress are at their cap, new connections wait in the
    // kernel's backlog: a storm of reconnects is slowed down, not refused.
    while (gate.handshakes_full() && !stopping) {
      pause.expires_after(std::chrono::milliseconds(20));
      co_await pause.async_wait(kAsTuple);
    }
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kAsTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) co_return;
      // Out of descriptors (EMFILE) and the like: back off instead of spinning.
      spdlog::warn("{} accept failed: {}", gate.listener(), ec.message());
      pause.expires_after(std::chrono::milliseconds(100));
      co_await pause.async_wait(kAsTuple);
      continue;
    }
    auto [ticket, refusal] = gate.admit();
    if (!ticket) {
      metrics::registry()
          .counter("csms_connections_refused_total", "Connections closed at once because a cap was reached",
                   {{"listener", gate.listener()},
                    {"reason",
                     refusal == ConnectionGate::Refusal::TooManyConnections ? "connections" : "handshakes"}})
          .inc();
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (listener != Listener::Api) {
      // OCPP frames are small: a bounded kernel send buffer keeps a peer that does not read
      // from pinning megabytes of kernel memory (autotuning allows 4 MiB) and lets the write
      // watchdog see the stall after kilobytes rather than megabytes.
      socket.set_option(asio::socket_base::send_buffer_size(kOcppSendBuffer), ec);
    }
    start_connection(listener, std::move(socket), std::move(ticket));
  }
}

namespace {
template <class Session>
void start_session(std::shared_ptr<Session> session) {
  spawn(session->executor(), session->run(), "station connection", [session] {
    asio::post(session->executor(), [session] { session->abort("its connection failed"); });
  });
}
}  // namespace

void Server::Impl::start_connection(Listener listener, tcp::socket socket, ConnectionGate::Ticket ticket) {
  switch (listener) {
    case Listener::Api: {
      auto executor = socket.get_executor();
      auto tls = settings.api_tls ? current_tls() : nullptr;
      spawn(executor, serve_http(*this, std::move(socket), std::move(ticket), std::move(tls)),
            "API connection", nullptr);
      return;
    }
    case Listener::Ocpp:
      return start_session(std::make_shared<PlainSession>(*this, std::move(socket), std::move(ticket)));
    case Listener::OcppTls:
      return start_session(
          std::make_shared<TlsSession>(*this, std::move(socket), std::move(ticket), current_tls()));
  }
}

namespace {
std::map<std::string, std::filesystem::file_time_type> file_times(const TlsSettings& tls) {
  std::map<std::string, std::filesystem::file_time_type> times;
  for (const auto& file :
       {tls.cert_file, tls.key_file, tls.ecdsa_cert_file, tls.ecdsa_key_file, tls.client_ca_file}) {
    std::error_code ec;
    if (!file.empty()) times[file] = std::filesystem::last_write_time(file, ec);
  }
  return times;
}
}  // namespace

bool Server::Impl::load_tls() {
  const auto& tls = *settings.tls;
  auto times = file_times(tls);
  try {
    auto context = make_tls_context(tls);
    std::lock_guard lock(tls_mutex);
    tls_context = std::move(context);
    tls_file_times = std::move(times);
    return true;
  } catch (const std::exception& e) {
    spdlog::error("{}; the certificates in use stay", e.what());
    std::lock_guard lock(tls_mutex);
    tls_file_times = std::move(times);  // not tried again until they change once more
    return false;
  }
}

awaitable<void> Server::Impl::watch_tls_files() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stopping) {
    timer.expires_after(settings.tls->reload_check);
    auto [ec] = co_await timer.async_wait(kAsTuple);
    if (ec || stopping) co_return;
    bool changed = false;
    {
      std::lock_guard lock(tls_mutex);
      for (const auto& [file, time] : tls_file_times) {
        std::error_code error;
        if (std::filesystem::last_write_time(file, error) != time) changed = true;
      }
    }
    // Loading reads and parses a few files: off the I/O threads' hot path but short.
    if (changed && load_tls()) spdlog::info("TLS certificates reloaded (files changed)");
  }
}

Server::Server(ServerSettings settings, StationHandler& stations, HttpHandler http)
    : impl_(std::make_unique<Impl>(std::move(settings), stations, std::move(http))) {}

Server::~Server() {
  if (!impl_->threads.empty()) stop(std::chrono::milliseconds(0));
}

namespace {
void listen_on(tcp::acceptor& acceptor, asio::io_context& ioc, const std::string& host, unsigned short port,
               const char* what) {
  try {
    tcp::resolver resolver(ioc);
    auto endpoint = *resolver.resolve(host, std::to_string(port), tcp::resolver::passive).begin();
    acceptor.open(endpoint.endpoint().protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("cannot listen for ") + what + " on " + host + ":" +
                             std::to_string(port) + ": " + e.what());
  }
}
}  // namespace

void Server::start() {
  metrics::registry().callback(
      "csms_stations_connected", "Stations connected to this node, by protocol", [this] {
        std::map<std::string, double> by_protocol = {{"ocpp1.6", 0}, {"ocpp2.0.1", 0}};
        std::lock_guard lock(impl_->registry_mutex);
        for (const auto& [id, weak] : impl_->sessions)
          if (auto session = weak.lock())
            by_protocol[std::string(ocpp::subprotocol(session->version()))] += 1;
        std::vector<std::pair<metrics::Labels, double>> out;
        for (const auto& [protocol, n] : by_protocol) out.push_back({{{"protocol", protocol}}, n});
        return out;
      });
  metrics::registry().callback("csms_connections_open", "Open connections, by listener", [this] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{{"listener", "ocpp"}}, static_cast<double>(impl_->ocpp_gate.open())},
        {{{"listener", "api"}}, static_cast<double>(impl_->api_gate.open())}};
  });
  metrics::registry().callback(
      "csms_handshakes_in_progress", "Connections still in their handshake, by listener", [this] {
        return std::vector<std::pair<metrics::Labels, double>>{
            {{{"listener", "ocpp"}}, static_cast<double>(impl_->ocpp_gate.handshakes())}};
      });
  listen_on(impl_->ocpp_acceptor, impl_->ioc, impl_->settings.ocpp_host, impl_->settings.ocpp_port, "OCPP");
  if (impl_->settings.tls) {
    // The files must be usable at start (a typo is found now, not at the first station).
    const auto& tls = *impl_->settings.tls;
    impl_->tls_file_times = file_times(tls);
    impl_->tls_context = make_tls_context(tls);
    if (tls.listen) listen_on(impl_->tls_acceptor, impl_->ioc, tls.host, tls.port, "OCPP over TLS");
  }
  listen_on(impl_->api_acceptor, impl_->ioc, impl_->settings.api_host, impl_->settings.api_port, "the API");
  impl_->work.emplace(impl_->ioc.get_executor());
  // An accept loop that fails stops taking connections: that is fatal for the process, so it
  // is logged loudly (and counted); the listeners are not restarted behind the operator's back.
  spawn(impl_->ioc.get_executor(), impl_->accept(impl_->ocpp_acceptor, Impl::Listener::Ocpp),
        "the OCPP accept loop", nullptr);
  if (impl_->settings.tls) {
    if (impl_->settings.tls->listen)
      spawn(impl_->ioc.get_executor(), impl_->accept(impl_->tls_acceptor, Impl::Listener::OcppTls),
            "the OCPP TLS accept loop", nullptr);
    spawn(impl_->ioc.get_executor(), impl_->watch_tls_files(), "the TLS file watch", nullptr);
  }
  spawn(impl_->ioc.get_executor(), impl_->accept(impl_->api_acceptor, Impl::Listener::Api),
        "the API accept loop", nullptr);
  for (int i = 0; i < std::max(1, impl_->settings.threads); ++i)
    impl_->threads.emplace_back([this] { impl_->run_io(); });
}

void Server::stop(std::chrono::milliseconds grace) {
  metrics::registry().remove_callback("csms_stations_connected");
  metrics::registry().remove_callback("csms_connections_open");
  metrics::registry().remove_callback("csms_handshakes_in_progress");
  impl_->stopping = true;
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->ocpp_acceptor.close(ec);
    impl_->tls_acceptor.close(ec);
    impl_->api_acceptor.close(ec);
  });
  std::vector<std::shared_ptr<WsConnection>> live;
  {
    std::lock_guard lock(impl_->registry_mutex);
    for (auto& [id, weak] : impl_->registry)
      if (auto session = weak.lock()) live.push_back(session);
  }
  // Chargers are told to come back (1001 going away) and reconnect elsewhere or later.
  for (auto& session : live) session->close_with(websocket::close_code::going_away, "server shutting down");
  live.clear();
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(impl_->registry_mutex);
      if (impl_->sessions.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& thread : impl_->threads)
    if (thread.joinable()) thread.join();
  impl_->threads.clear();
}

unsigned short Server::ocpp_port() const { return impl_->ocpp_acceptor.local_endpoint().port(); }
unsigned short Server::api_port() const { return impl_->api_acceptor.local_endpoint().port(); }
unsigned short Server::tls_port() const {
  return impl_->tls_acceptor.is_open() ? impl_->tls_acceptor.local_endpoint().port() : 0;
}

bool Server::reload_tls() {
  if (!impl_->settings.tls) return false;
  if (!impl_->load_tls()) return false;
  spdlog::info("TLS certificates reloaded");
  return true;
}

void Server::set_frame_logging(const std::string& station_id, bool enabled) {
  std::lock_guard lock(impl_->frame_logging_mutex);
  if (enabled)
    impl_->frame_logging.insert(station_id);
  else
    impl_->frame_logging.erase(station_id);
  impl_->any_frame_logging = !impl_->frame_logging.empty();
}

std::shared_ptr<StationLink> Server::find(const std::string& station_id) const {
  std::lock_guard lock(impl_->registry_mutex);
  auto found = impl_->registry.find(station_id);
  if (found == impl_->registry.end()) return nullptr;
  return found->second.lock();
}

ServerStats Server::stats() const {
  ServerStats stats;
  {
    std::lock_guard lock(impl_->registry_mutex);
    stats.connections = impl_->sessions.size();
  }
  std::lock_guard lock(impl_->stats_mutex);
  stats.leniencies = impl_->leniencies;
  return stats;
}

}  // namespace csms::server

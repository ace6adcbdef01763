#pragma once

// One charger connection: HTTP upgrade (with authentication), then OCPP-J RPC over the
// WebSocket. Everything runs on the connection's strand. Private to the server module.

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "connection_gate.hpp"
#include "csms/ocpp/frame.hpp"
#include "outbox.hpp"
#include "server_impl.hpp"
#include "tls_stream.hpp"

namespace csms::server {

// What the registries hold: a charger connection over either listener.
class WsConnection : public StationLink {
 public:
  virtual void close_with(boost::beast::websocket::close_code code, std::string reason) = 0;
  virtual void mark_replaced() = 0;
};

// One connection; NextLayer is beast::tcp_stream (ws://) or TlsStream over one (wss://).
template <class NextLayer>
class WsSession final : public WsConnection, public std::enable_shared_from_this<WsSession<NextLayer>> {
 public:
  static constexpr bool kTls = !std::is_same_v<NextLayer, boost::beast::tcp_stream>;

  // `tls`: the listener's context of the moment (held for the connection's life); null for ws://.
  WsSession(Server::Impl& server, boost::asio::ip::tcp::socket socket, ConnectionGate::Ticket ticket,
            std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~WsSession() override;

  const std::string& station_id() const override { return station_id_; }
  int transport_profile() const override { return !kTls ? 1 : client_certificate_ ? 3 : 2; }
  const std::optional<pki::CertificateInfo>& client_certificate() const override {
    return client_certificate_;
  }
  ocpp::Version version() const override { return version_; }
  std::uint64_t connection_id() const override { return connection_id_; }
  void call(std::string action, nlohmann::json payload, std::chrono::seconds timeout,
            std::function<void(CallOutcome)> done) override;
  void close(std::string reason) override;

  void close_with(boost::beast::websocket::close_code code, std::string reason) override;
  void mark_replaced() override;
  auto executor() { return ws_.get_executor(); }

  // The connection's life: handshake, then reading until the peer or we end it.
  boost::asio::awaitable<void> run();
  // Ends the connection at once, without a close frame (a failure, or a peer that does not
  // read); runs finish() unless run() already did. On the strand.
  void abort(const char* why);

 private:
  struct PendingCall {
    std::string action;
    nlohmann::json payload;
    std::chrono::seconds timeout;
    std::function<void(CallOutcome)> done;
  };

  boost::asio::awaitable<bool> handshake();
  void register_self();
  void unregister_self();
  boost::asio::awaitable<void> write_loop();
  void arm_write_watchdog();
  void send(std::string frame);
  void on_frame(const std::string& text);
  void on_answer(ocpp::CallResult result);
  void dispatch_next();
  void handle(ocpp::Call call, bool reused);
  void finish_call(const std::string& message_id, Reply reply);
  void send_next_call();
  void complete_outstanding(CallOutcome outcome);
  // Everything owed when the connection ends: waiting calls failed, registry and
  // application told. Once.
  void finish();

  Server::Impl& server_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // before ws_, which refers to it
  boost::beast::websocket::stream<NextLayer> ws_;
  std::optional<pki::CertificateInfo> client_certificate_;
  ConnectionGate::Ticket ticket_;
  boost::asio::steady_timer write_signal_;
  boost::asio::steady_timer read_resume_;
  boost::asio::steady_timer write_watchdog_;
  boost::asio::steady_timer call_timer_;
  std::uint64_t connection_id_;
  std::string station_id_;
  ocpp::Version version_ = ocpp::Version::V16;
  Outbox outbox_;
  std::size_t outbox_high_water_;  // reading pauses while the outbox holds this many
  bool closing_ = false;
  bool closed_ = false;
  bool opened_ = false;    // on_open was called: on_close is owed
  bool finished_ = false;  // finish() ran
  bool replaced_ = false;
  boost::beast::websocket::close_reason close_reason_;
  std::chrono::steady_clock::time_point write_started_;
  bool watchdog_armed_ = false;

  std::deque<ocpp::Call> incoming_;
  bool busy_ = false;
  std::deque<std::string> recent_ids_;
  std::unordered_set<std::string> recent_id_set_;

  std::unordered_map<std::string, std::pair<std::chrono::steady_clock::time_point, std::string>>
      call_started_;
  std::deque<PendingCall> pending_calls_;
  std::optional<PendingCall> outstanding_;
  std::string outstanding_id_;
  std::uint64_t call_generation_ = 0;
};

using PlainSession = WsSession<boost::beast::tcp_stream>;
using TlsSession = WsSession<TlsStream>;
extern template class WsSession<boost::beast::tcp_stream>;
extern template class WsSession<TlsStream>;

}  // namespace csms::server

#include "csms/server/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "csms/metrics/metrics.hpp"
#include "csms/ocpp/frame.hpp"
#include "csms/ocpp/translate.hpp"
#include "http_util.hpp"

namespace csms::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using json = nlohmann::json;

namespace {

constexpr auto kAsTuple = asio::as_tuple(use_awaitable);

// Errors that mean "the peer went away", logged at debug only.
bool expected_close(const beast::error_code& ec) {
  return ec == websocket::error::closed || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == beast::error::timeout ||
         ec == asio::error::broken_pipe || ec == http::error::end_of_stream;
}

// Waits for a callback-style operation to call back, resuming on the caller's executor.
// Not itself a coroutine: GCC 12 double-destroys by-value coroutine parameters captured
// into lambdas, so `start` travels as an initiation argument instead.
template <typename T>
awaitable<T> await_callback(std::function<void(std::function<void(T)>)> start) {
  return asio::async_initiate<decltype(use_awaitable), void(T)>(
      [](auto handler, std::function<void(std::function<void(T)>)> begin) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        begin([shared](T value) {
          auto executor = asio::get_associated_executor(*shared);
          asio::post(executor,
                     [shared, value = std::move(value)]() mutable { std::move (*shared)(std::move(value)); });
        });
      },
      use_awaitable, std::move(start));
}

std::string new_message_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::uint64_t> dist;
  auto a = dist(rng);
  auto b = dist(rng);
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0x0fff),
                static_cast<unsigned>(((b >> 48) & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return out;
}

}  // namespace

namespace {
// Messages from stations by action and result ("ok" or the CALLERROR code).
void count_received(const std::string& action, const std::string& result) {
  metrics::registry()
      .counter("csms_ocpp_messages_received_total", "CALLs received from stations, by action and result",
               {{"action", action}, {"result", result}})
      .inc();
}
}  // namespace

class WsSession;

struct Server::Impl {
  ServerSettings settings;
  StationHandler& stations;
  HttpHandler http_handler;
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor ocpp_acceptor{ioc};
  tcp::acceptor api_acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> next_connection{1};
  std::atomic<bool> stopping{false};

  mutable std::mutex registry_mutex;
  std::unordered_map<std::string, std::weak_ptr<WsSession>> registry;
  std::unordered_set<WsSession*> sessions;  // every live OCPP session, for shutdown

  mutable std::mutex stats_mutex;
  std::map<std::string, std::uint64_t> leniencies;

  // Stations whose frames are logged; the flag keeps the common case to one atomic load.
  std::atomic<bool> any_frame_logging{false};
  mutable std::mutex frame_logging_mutex;
  std::set<std::string> frame_logging;

  void log_frame(const std::string& station_id, const char* direction, const std::string& frame) const {
    if (!any_frame_logging.load(std::memory_order_relaxed)) return;
    {
      std::lock_guard lock(frame_logging_mutex);
      if (!frame_logging.count(station_id)) return;
    }
    spdlog::info("station {} {} {}", station_id, direction, frame);
  }

  Impl(ServerSettings s, StationHandler& h, HttpHandler hh)
      : settings(std::move(s)), stations(h), http_handler(std::move(hh)) {}

  void count_leniencies(const std::vector<std::string>& names) {
    std::lock_guard lock(stats_mutex);
    for (const auto& name : names) {
      ++leniencies[name];
      metrics::registry()
          .counter("csms_ocpp_leniencies_total", "Tolerated deviations from the schemas, by leniency entry",
                   {{"leniency", name}})
          .inc();
    }
  }

  awaitable<void> accept_ocpp();
  awaitable<void> accept_api();
  awaitable<void> serve_http(tcp::socket socket);
  awaitable<void> stream_events(beast::tcp_stream& stream, std::shared_ptr<EventStream> events);
};

// One charger connection: HTTP upgrade, then OCPP-J RPC over the WebSocket. Everything
// runs on the connection's strand.
class WsSession final : public StationLink, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(Server::Impl& server, tcp::socket socket)
      : server_(server),
        ws_(std::move(socket)),
        write_signal_(ws_.get_executor()),
        call_timer_(ws_.get_executor()),
        connection_id_(server.next_connection++) {
    write_signal_.expires_at(asio::steady_timer::time_point::max());
  }

  const std::string& station_id() const override { return station_id_; }
  ocpp::Version version() const override { return version_; }
  std::uint64_t connection_id() const override { return connection_id_; }

  void call(std::string action, json payload, std::chrono::seconds timeout,
            std::function<void(CallOutcome)> done) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), action = std::move(action),
                                    payload = std::move(payload), timeout, done = std::move(done)]() mutable {
      if (self->closed_) {
        done(CallFailure{CallFailure::Kind::Closed, "", "the station disconnected", json::object()});
        return;
      }
      self->pending_calls_.push_back({std::move(action), std::move(payload), timeout, std::move(done)});
      self->send_next_call();
    });
  }

  auto executor() { return ws_.get_executor(); }

  void close(std::string reason) override { close_with(websocket::close_code::normal, std::move(reason)); }

  void close_with(websocket::close_code code, std::string reason) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
      if (self->closing_ || self->closed_) return;
      self->closing_ = true;
      self->close_reason_ = websocket::close_reason(code, reason);
      self->write_signal_.cancel();
    });
  }

  void mark_replaced() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->replaced_ = true; });
    close_with(websocket::close_code::policy_error, "replaced by a newer connection");
  }

  awaitable<void> run();

 private:
  struct PendingCall {
    std::string action;
    json payload;
    std::chrono::seconds timeout;
    std::function<void(CallOutcome)> done;
  };

  awaitable<bool> handshake();
  void register_self();
  void unregister_self();
  awaitable<void> write_loop();
  void send(std::string frame);
  void on_frame(const std::string& text);
  void dispatch_next();
  void finish_call(const std::string& message_id, Reply reply);
  void send_next_call();
  void complete_outstanding(CallOutcome outcome);

  Server::Impl& server_;
  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer write_signal_;
  asio::steady_timer call_timer_;
  std::uint64_t connection_id_;
  std::string station_id_;
  ocpp::Version version_ = ocpp::Version::V16;
  std::deque<std::string> outbox_;
  bool closing_ = false;
  bool closed_ = false;
  bool replaced_ = false;
  websocket::close_reason close_reason_;

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

awaitable<bool> WsSession::handshake() {
  auto& stream = beast::get_lowest_layer(ws_);
  stream.expires_after(server_.settings.handshake_timeout);
  beast::flat_buffer buffer;
  http::request_parser<http::string_body> parser;
  parser.body_limit(8 * 1024);
  auto [ec, n] = co_await http::async_read(stream, buffer, parser, kAsTuple);
  (void)n;
  if (ec) co_return false;
  auto request = parser.release();

  auto refuse = [&](http::status status, std::string body,
                    std::optional<std::string> www_authenticate = std::nullopt) -> awaitable<bool> {
    http::response<http::string_body> response{status, request.version()};
    response.set(http::field::content_type, "text/plain");
    if (www_authenticate) response.set(http::field::www_authenticate, *www_authenticate);
    response.body() = std::move(body) + "\n";
    response.keep_alive(false);
    response.prepare_payload();
    co_await http::async_write(stream, response, kAsTuple);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return false;
  };

  if (!websocket::is_upgrade(request))
    co_return co_await refuse(http::status::bad_request, "expected a WebSocket upgrade to " +
                                                             server_.settings.path_prefix + "/<stationId>");
  auto identity = station_identity(request.target(), server_.settings.path_prefix);
  if (!identity)
    co_return co_await refuse(http::status::not_found,
                              "connect to " + server_.settings.path_prefix + "/<stationId>");
  station_id_ = *identity;

  auto chosen = choose_subprotocol(request[http::field::sec_websocket_protocol]);
  if (!chosen)
    co_return co_await refuse(http::status::bad_request,
                              "no supported OCPP subprotocol offered (ocpp2.0.1, ocpp1.6)");
  version_ = *chosen;

  HandshakeInfo info;
  info.station_id = station_id_;
  if (auto credentials = basic_credentials(request[http::field::authorization])) {
    info.basic_user = credentials->first;
    info.basic_password = credentials->second;
  }
  beast::error_code endpoint_ec;
  auto remote = stream.socket().remote_endpoint(endpoint_ec);
  if (!endpoint_ec) info.remote_address = remote.address().to_string();
  std::function<void(std::function<void(bool)>)> check = [this, info](std::function<void(bool)> done) {
    server_.stations.authenticate(info, std::move(done));
  };
  bool allowed = co_await await_callback<bool>(std::move(check));
  if (!allowed)
    co_return co_await refuse(http::status::unauthorized, "valid credentials required",
                              std::string("Basic realm=\"csms\", charset=\"UTF-8\""));

  stream.expires_never();
  ws_.read_message_max(server_.settings.max_frame_bytes);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = server_.settings.handshake_timeout;
  // Beast pings after half the idle time without traffic and drops the peer when the whole
  // idle time passes without anything (a pong included) coming back.
  timeouts.idle_timeout = server_.settings.ping_interval.count() > 0
                              ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    server_.settings.ping_interval * 2)
                              : websocket::stream_base::none();
  timeouts.keep_alive_pings = server_.settings.ping_interval.count() > 0;
  ws_.set_option(timeouts);
  auto protocol = std::string(ocpp::subprotocol(version_));
  ws_.set_option(websocket::stream_base::decorator([protocol](websocket::response_type& response) {
    response.set(http::field::sec_websocket_protocol, protocol);
    response.set(http::field::server, "csms");
  }));
  // Registered before the 101 goes out: a command sent the moment the charger sees its
  // connection open must find it (what is sent meanwhile waits in the outbox).
  register_self();
  auto [accept_ec] = co_await ws_.async_accept(request, kAsTuple);
  if (accept_ec) {
    unregister_self();
    co_return false;
  }
  co_return true;
}

void WsSession::register_self() {
  std::shared_ptr<WsSession> previous;
  {
    std::lock_guard lock(server_.registry_mutex);
    auto& slot = server_.registry[station_id_];
    previous = slot.lock();
    slot = shared_from_this();
    server_.sessions.insert(this);
  }
  if (previous) previous->mark_replaced();
}

void WsSession::unregister_self() {
  std::lock_guard lock(server_.registry_mutex);
  auto found = server_.registry.find(station_id_);
  if (found != server_.registry.end() && found->second.lock().get() == this) server_.registry.erase(found);
  server_.sessions.erase(this);
}

awaitable<void> WsSession::run() {
  auto self = shared_from_this();
  if (!co_await handshake()) co_return;

  spdlog::info("station {} connected ({}, connection {})", station_id_, ocpp::subprotocol(version_),
               connection_id_);
  server_.stations.on_open(self);
  asio::co_spawn(ws_.get_executor(), write_loop(), asio::detached);

  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws_.async_read(buffer, kAsTuple);
    if (ec) {
      if (ec == websocket::error::message_too_big)
        spdlog::warn("station {}: frame larger than {} bytes, closing", station_id_,
                     server_.settings.max_frame_bytes);
      else if (!expected_close(ec))
        spdlog::warn("station {}: read failed: {}", station_id_, ec.message());
      break;
    }
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(n);
    on_frame(text);
  }

  closed_ = true;
  write_signal_.cancel();
  call_timer_.cancel();
  if (outstanding_)
    complete_outstanding(
        CallFailure{CallFailure::Kind::Closed, "", "the station disconnected", json::object()});
  for (auto& pending : pending_calls_)
    pending.done(CallFailure{CallFailure::Kind::Closed, "", "the station disconnected", json::object()});
  pending_calls_.clear();
  unregister_self();
  spdlog::info("station {} disconnected (connection {}{})", station_id_, connection_id_,
               replaced_ ? ", replaced" : "");
  server_.stations.on_close(self, replaced_);
}

awaitable<void> WsSession::write_loop() {
  auto self = shared_from_this();
  while (!closed_) {
    if (outbox_.empty()) {
      if (closing_) {
        auto [ec] = co_await ws_.async_close(close_reason_, kAsTuple);
        (void)ec;
        co_return;
      }
      auto [ec] = co_await write_signal_.async_wait(kAsTuple);
      (void)ec;
      continue;
    }
    ws_.text(true);
    auto [ec, n] = co_await ws_.async_write(asio::buffer(outbox_.front()), kAsTuple);
    (void)n;
    outbox_.pop_front();
    if (ec) {
      if (!expected_close(ec)) spdlog::warn("station {}: write failed: {}", station_id_, ec.message());
      beast::get_lowest_layer(ws_).close();
      co_return;
    }
  }
}

void WsSession::send(std::string frame) {
  if (closed_ || closing_) return;
  server_.log_frame(station_id_, "<-", frame);
  if (outbox_.size() >= server_.settings.max_outbox) {
    // A peer that does not read is closed, not buffered without end.
    spdlog::warn("station {}: {} frames unread, closing", station_id_, outbox_.size());
    outbox_.clear();
    closing_ = true;
    close_reason_ = websocket::close_reason(websocket::close_code::try_again_later, "not reading");
  } else {
    outbox_.push_back(std::move(frame));
  }
  write_signal_.cancel();
}

void WsSession::on_frame(const std::string& text) {
  server_.log_frame(station_id_, "->", text);
  auto parsed = ocpp::parse_frame(text, version_);
  if (auto* error = std::get_if<ocpp::FrameError>(&parsed)) {
    spdlog::debug("station {}: bad frame: {}", station_id_, error->description);
    metrics::registry()
        .counter("csms_ocpp_bad_frames_total", "Frames that were not usable OCPP-J messages, by error code",
                 {{"code", std::string(ocpp::spell(error->code, ocpp::Version::V201))}})
        .inc();
    if (error->reply)
      send(ocpp::serialize_error(error->message_id, error->code, version_, error->description));
    return;
  }
  auto& frame = std::get<ocpp::Frame>(parsed);
  if (auto* call = std::get_if<ocpp::Call>(&frame)) {
    incoming_.push_back(std::move(*call));
    if (!busy_) dispatch_next();
    return;
  }
  if (auto* result = std::get_if<ocpp::CallResult>(&frame)) {
    if (outstanding_ && result->message_id == outstanding_id_) {
      complete_outstanding(std::move(result->payload));
    } else {
      spdlog::debug("station {}: CALLRESULT for unknown id {}", station_id_, result->message_id);
    }
    return;
  }
  auto& error = std::get<ocpp::CallError>(frame);
  if (outstanding_ && error.message_id == outstanding_id_) {
    complete_outstanding(
        CallFailure{CallFailure::Kind::CallError, error.code, error.description, error.details});
  } else {
    spdlog::debug("station {}: CALLERROR for unknown id {}", station_id_, error.message_id);
  }
}

void WsSession::dispatch_next() {
  while (!busy_ && !incoming_.empty() && !closed_) {
    auto call = std::move(incoming_.front());
    incoming_.pop_front();

    bool reused = recent_id_set_.count(call.message_id) > 0;
    if (!reused) {
      recent_ids_.push_back(call.message_id);
      recent_id_set_.insert(call.message_id);
      if (recent_ids_.size() > 256) {
        recent_id_set_.erase(recent_ids_.front());
        recent_ids_.pop_front();
      }
    }

    const auto* schema = ocpp::find_schema(version_, call.action, ocpp::Direction::Request);
    if (schema == nullptr) {
      count_received("unknown", "NotImplemented");
      send(ocpp::serialize_error(call.message_id, ocpp::ErrorCode::NotImplemented, version_,
                                 "unknown action '" + call.action + "'"));
      continue;
    }
    if (!ocpp::handles(version_, call.action)) {
      count_received(call.action, "NotSupported");
      send(ocpp::serialize_error(call.message_id, ocpp::ErrorCode::NotSupported, version_,
                                 call.action + " is not sent by a charging station"));
      continue;
    }
    auto result = ocpp::validate(*schema, call.payload, server_.settings.leniency);
    if (!result.leniencies_applied.empty()) {
      server_.count_leniencies(result.leniencies_applied);
      for (const auto& name : result.leniencies_applied)
        spdlog::debug("station {}: {} {}: tolerated {}", station_id_, call.action, call.message_id, name);
    }
    if (result.violation) {
      const auto& v = *result.violation;
      count_received(call.action, std::string(ocpp::spell(v.code, ocpp::Version::V201)));
      send(ocpp::serialize_error(call.message_id, v.code, version_,
                                 (v.path.empty() ? std::string() : v.path + ": ") + v.detail));
      continue;
    }
    busy_ = true;
    call_started_[call.message_id] = {std::chrono::steady_clock::now(), call.action};
    IncomingCall incoming{call.message_id, call.action, std::move(call.payload), reused};
    auto self = shared_from_this();
    auto replied = std::make_shared<std::atomic<bool>>(false);
    auto reply = [self, replied, id = call.message_id, action = call.action](Reply answer) mutable {
      if (replied->exchange(true)) return;  // one answer per call
      asio::post(self->ws_.get_executor(), [self, id = std::move(id), action = std::move(action),
                                            answer = std::move(answer)]() mutable {
        if (auto* payload = std::get_if<json>(&answer)) {
          // Strict in what we send: a reply that breaks the schema is our bug.
          const auto* reply_schema = ocpp::find_schema(self->version_, action, ocpp::Direction::Response);
          if (reply_schema != nullptr) {
            if (auto violation = ocpp::validate_strict(*reply_schema, *payload)) {
              spdlog::error("station {}: our {} reply is invalid at {}: {}", self->station_id_, action,
                            violation->path, violation->detail);
              answer = ReplyError{ocpp::ErrorCode::InternalError, "the CSMS produced an invalid reply"};
            }
          }
        }
        self->finish_call(id, std::move(answer));
      });
    };
    // The one exception boundary of the OCPP side: any handler failure is a CALLERROR.
    try {
      server_.stations.on_call(self, std::move(incoming), reply);
    } catch (const std::exception& e) {
      spdlog::error("station {}: {} handler failed: {}", station_id_, call.action, e.what());
      reply(ReplyError{ocpp::ErrorCode::InternalError, "the message could not be processed"});
    }
  }
}

void WsSession::finish_call(const std::string& message_id, Reply reply) {
  auto started = call_started_.find(message_id);
  if (started != call_started_.end()) {
    auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started->second.first).count();
    metrics::registry()
        .histogram("csms_ocpp_handler_seconds", "Time from a station's CALL to our answer, by action",
                   metrics::latency_buckets(), {{"action", started->second.second}})
        .observe(seconds);
    count_received(started->second.second,
                   std::holds_alternative<json>(reply)
                       ? std::string("ok")
                       : std::string(ocpp::spell(std::get<ReplyError>(reply).code, ocpp::Version::V201)));
    call_started_.erase(started);
  }
  if (auto* payload = std::get_if<json>(&reply)) {
    send(ocpp::serialize(ocpp::CallResult{message_id, std::move(*payload)}));
  } else {
    const auto& error = std::get<ReplyError>(reply);
    send(ocpp::serialize_error(message_id, error.code, version_, error.description));
  }
  busy_ = false;
  dispatch_next();
}

void WsSession::send_next_call() {
  if (outstanding_ || pending_calls_.empty() || closed_) return;
  outstanding_ = std::move(pending_calls_.front());
  pending_calls_.pop_front();
  outstanding_id_ = new_message_id();
  send(ocpp::serialize(ocpp::Call{outstanding_id_, outstanding_->action, outstanding_->payload}));
  auto generation = ++call_generation_;
  call_timer_.expires_after(outstanding_->timeout);
  call_timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    if (ec || generation != self->call_generation_ || !self->outstanding_) return;
    self->complete_outstanding(
        CallFailure{CallFailure::Kind::Timeout, "", "no answer in time", json::object()});
  });
}

void WsSession::complete_outstanding(CallOutcome outcome) {
  auto call = std::move(*outstanding_);
  std::string result = "ok";
  if (auto* failure = std::get_if<CallFailure>(&outcome))
    result = failure->kind == CallFailure::Kind::Timeout  ? "timeout"
             : failure->kind == CallFailure::Kind::Closed ? "closed"
                                                          : failure->code;
  metrics::registry()
      .counter("csms_ocpp_calls_sent_total", "CALLs we sent to stations, by action and result",
               {{"action", call.action}, {"result", result}})
      .inc();
  outstanding_.reset();
  ++call_generation_;
  call_timer_.cancel();
  call.done(std::move(outcome));
  send_next_call();
}

awaitable<void> Server::Impl::accept_ocpp() {
  for (;;) {
    auto [ec, socket] = co_await ocpp_acceptor.async_accept(asio::make_strand(ioc), kAsTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) co_return;
      spdlog::warn("ocpp accept failed: {}", ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto session = std::make_shared<WsSession>(*this, std::move(socket));
    asio::co_spawn(session->executor(), session->run(), asio::detached);
  }
}

awaitable<void> Server::Impl::accept_api() {
  for (;;) {
    auto [ec, socket] = co_await api_acceptor.async_accept(asio::make_strand(ioc), kAsTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) co_return;
      spdlog::warn("api accept failed: {}", ec.message());
      continue;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve_http(std::move(socket)), asio::detached);
  }
}

awaitable<void> Server::Impl::serve_http(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    stream.expires_after(std::chrono::seconds(30));
    http::request_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, kAsTuple);
    (void)n;
    if (ec) {
      if (ec == http::error::body_limit) {
        http::response<http::string_body> response{http::status::payload_too_large, 11};
        response.set(http::field::content_type, "application/problem+json");
        response.body() =
            R"({"type":"about:blank","title":"Payload Too Large","status":413,"detail":"bodies are limited to 1 MiB"})";
        response.prepare_payload();
        co_await http::async_write(stream, response, kAsTuple);
      }
      break;
    }
    auto request = parser.release();
    HttpRequest plain;
    plain.method = std::string(request.method_string());
    plain.target = std::string(request.target());
    for (const auto& field : request) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      plain.headers[name] = std::string(field.value());
    }
    plain.body = std::move(request.body());
    stream.expires_never();
    // Named, not a temporary inside the co_await: GCC 12 mishandles destructors of
    // temporaries in co_await expressions.
    auto shared_request = std::make_shared<HttpRequest>(std::move(plain));
    std::function<void(std::function<void(HttpResponse)>)> start =
        [this, shared_request](std::function<void(HttpResponse)> done) {
          try {
            http_handler(std::move(*shared_request), std::move(done));
          } catch (const std::exception& e) {
            spdlog::error("http handler threw: {}", e.what());
            done(HttpResponse{500,
                              "application/problem+json",
                              {},
                              R"({"type":"about:blank","title":"Internal Server Error","status":500})",
                              nullptr});
          }
        };
    auto answer = co_await await_callback<HttpResponse>(std::move(start));
    if (answer.stream) {
      co_await stream_events(stream, answer.stream);
      break;
    }
    http::response<http::string_body> response{static_cast<http::status>(answer.status), request.version()};
    response.set(http::field::content_type, answer.content_type);
    response.set(http::field::server, "csms");
    for (const auto& [name, value] : answer.headers) response.set(name, value);
    response.body() = std::move(answer.body);
    response.keep_alive(request.keep_alive() && !stopping);
    response.prepare_payload();
    stream.expires_after(std::chrono::seconds(30));
    auto [write_ec, written] = co_await http::async_write(stream, response, kAsTuple);
    (void)written;
    if (write_ec || !response.keep_alive()) break;
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

// Server-sent events: the header, then each pushed event as it comes, a comment every 15 s
// so that dead clients are noticed, until the stream or the server closes.
awaitable<void> Server::Impl::stream_events(beast::tcp_stream& stream, std::shared_ptr<EventStream> events) {
  auto timer = std::make_shared<asio::steady_timer>(stream.get_executor());
  events->set_notifier(
      [timer, executor = stream.get_executor()] { asio::post(executor, [timer] { timer->cancel(); }); });
  std::string header =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "Connection: close\r\nServer: csms\r\n\r\n: connected\n\n";
  stream.expires_after(std::chrono::seconds(30));
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(header), kAsTuple);
  (void)n;
  while (!ec && !stopping) {
    std::string chunk;
    for (auto& event : events->take()) chunk += event;
    if (chunk.empty()) {
      if (events->closed()) break;
      timer->expires_after(std::chrono::seconds(15));
      auto [wait_ec] = co_await timer->async_wait(kAsTuple);
      if (!wait_ec)
        chunk = ": keep-alive\n\n";  // the timer ran out: nothing happened
      else
        continue;
    }
    stream.expires_after(std::chrono::seconds(30));
    auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(chunk), kAsTuple);
    (void)written;
    ec = write_ec;
  }
  events->set_notifier(nullptr);
  events->close();
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
        for (auto* session : impl_->sessions)
          by_protocol[std::string(ocpp::subprotocol(session->version()))] += 1;
        std::vector<std::pair<metrics::Labels, double>> out;
        for (const auto& [protocol, n] : by_protocol) out.push_back({{{"protocol", protocol}}, n});
        return out;
      });
  listen_on(impl_->ocpp_acceptor, impl_->ioc, impl_->settings.ocpp_host, impl_->settings.ocpp_port, "OCPP");
  listen_on(impl_->api_acceptor, impl_->ioc, impl_->settings.api_host, impl_->settings.api_port, "the API");
  impl_->work.emplace(impl_->ioc.get_executor());
  asio::co_spawn(impl_->ioc, impl_->accept_ocpp(), asio::detached);
  asio::co_spawn(impl_->ioc, impl_->accept_api(), asio::detached);
  for (int i = 0; i < std::max(1, impl_->settings.threads); ++i)
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

void Server::stop(std::chrono::milliseconds grace) {
  metrics::registry().remove_callback("csms_stations_connected");
  impl_->stopping = true;
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->ocpp_acceptor.close(ec);
    impl_->api_acceptor.close(ec);
  });
  std::vector<std::shared_ptr<WsSession>> live;
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

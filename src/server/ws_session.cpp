#include "ws_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/beast.hpp>
#include <random>

#include "async_support.hpp"
#include "csms/metrics/metrics.hpp"
#include "csms/ocpp/translate.hpp"
#include "csms/ocpp/validator.hpp"
#include "http_util.hpp"
#include "spawn.hpp"
#include "tls_context.hpp"

namespace csms::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::awaitable;
using json = nlohmann::json;

namespace {

// Calls read but not yet handled: while this many wait, the next frame stays in TCP (the
// charger's writes block) instead of in our memory.
constexpr std::size_t kMaxWaitingCalls = 4;

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

// Messages from stations by action and result ("ok" or the CALLERROR code).
void count_received(const std::string& action, const std::string& result) {
  metrics::registry()
      .counter("csms_ocpp_messages_received_total", "CALLs received from stations, by action and result",
               {{"action", action}, {"result", result}})
      .inc();
}

void count_dropped(const char* reason) {
  metrics::registry()
      .counter("csms_ocpp_connections_dropped_total",
               "Charger connections we ended without a close handshake, by reason", {{"reason", reason}})
      .inc();
}

CallFailure closed_failure() {
  return CallFailure{CallFailure::Kind::Closed, "", "the station disconnected", json::object()};
}

// Calls a callback owed to someone else; what it throws is logged and counted, never lets
// the caller skip the rest of its cleanup.
template <typename F>
void guarded(const char* where, F&& f) {
  try {
    f();
  } catch (...) {
    log_failure(where, std::current_exception());
  }
}

template <class NextLayer>
NextLayer make_stream(tcp::socket socket, asio::ssl::context* tls) {
  if constexpr (std::is_same_v<NextLayer, beast::tcp_stream>) {
    (void)tls;
    return NextLayer(std::move(socket));
  } else {
    return NextLayer(std::move(socket), *tls);
  }
}

}  // namespace

template <class NextLayer>
WsSession<NextLayer>::WsSession(Server::Impl& server, tcp::socket socket, ConnectionGate::Ticket ticket,
                                std::shared_ptr<asio::ssl::context> tls)
    : server_(server),
      tls_(std::move(tls)),
      ws_(make_stream<NextLayer>(std::move(socket), tls_.get())),
      ticket_(std::move(ticket)),
      write_signal_(ws_.get_executor()),
      read_resume_(ws_.get_executor()),
      write_watchdog_(ws_.get_executor()),
      call_timer_(ws_.get_executor()),
      connection_id_(server.next_connection++),
      outbox_(server.settings.max_outbox),
      outbox_high_water_(std::max<std::size_t>(1, server.settings.max_outbox / 2)) {
  write_signal_.expires_at(asio::steady_timer::time_point::max());
  read_resume_.expires_at(asio::steady_timer::time_point::max());
}

template <class NextLayer>
WsSession<NextLayer>::~WsSession() = default;

template <class NextLayer>
void WsSession<NextLayer>::call(std::string action, json payload, std::chrono::seconds timeout,
                                std::function<void(CallOutcome)> done) {
  asio::post(ws_.get_executor(), [self = this->shared_from_this(), action = std::move(action),
                                  payload = std::move(payload), timeout, done = std::move(done)]() mutable {
    if (self->closed_) {
      guarded("a command's completion", [&] { done(closed_failure()); });
      return;
    }
    self->pending_calls_.push_back({std::move(action), std::move(payload), timeout, std::move(done)});
    self->send_next_call();
  });
}

template <class NextLayer>
void WsSession<NextLayer>::close(std::string reason) {
  close_with(websocket::close_code::normal, std::move(reason));
}

template <class NextLayer>
void WsSession<NextLayer>::close_with(websocket::close_code code, std::string reason) {
  asio::post(ws_.get_executor(), [self = this->shared_from_this(), code, reason = std::move(reason)] {
    if (self->closing_ || self->closed_) return;
    self->closing_ = true;
    self->close_reason_ = websocket::close_reason(code, reason);
    self->write_signal_.cancel();
    self->read_resume_.cancel();
  });
}

template <class NextLayer>
void WsSession<NextLayer>::mark_replaced() {
  asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->replaced_ = true; });
  close_with(websocket::close_code::policy_error, "replaced by a newer connection");
}

template <class NextLayer>
void WsSession<NextLayer>::abort(const char* why) {
  if (!closed_) spdlog::debug("station {}: connection {} aborted: {}", station_id_, connection_id_, why);
  closed_ = true;
  beast::error_code ignored;
  auto& stream = beast::get_lowest_layer(ws_);
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.close();  // a write in flight completes with operation_aborted; its frame is still held
  finish();
}

template <class NextLayer>
awaitable<bool> WsSession<NextLayer>::handshake() {
  auto& lowest = beast::get_lowest_layer(ws_);
  auto& stream = ws_.next_layer();
  // One deadline for the TLS handshake, reading the request, answering a refusal and
  // authenticating.
  lowest.expires_after(server_.settings.handshake_timeout);
  if constexpr (kTls) {
    auto [tls_ec] = co_await stream.async_handshake(kAsTuple);
    if (tls_ec) {
      metrics::registry()
          .counter("csms_tls_handshake_failures_total",
                   "wss:// connections whose TLS handshake failed (no common version or suite, a client "
                   "certificate refused, a timeout)")
          .inc();
      beast::error_code endpoint_ec;
      auto remote = lowest.socket().remote_endpoint(endpoint_ec);
      spdlog::info("TLS handshake from {} failed: {}", endpoint_ec ? "?" : remote.address().to_string(),
                   tls_ec.message());
      co_return false;
    }
    client_certificate_ = peer_certificate(stream.native_handle());
  }
  beast::flat_buffer buffer;
  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(8 * 1024);
  auto [ec, n] = co_await http::async_read(stream, buffer, parser, kAsTuple);
  (void)n;
  if (ec) co_return false;
  auto request = parser.release();

  auto refuse = [&](http::status status, std::string body,
                    std::optional<std::pair<http::field, std::string>> header =
                        std::nullopt) -> awaitable<bool> {
    http::response<http::string_body> response{status, request.version()};
    response.set(http::field::content_type, "text/plain");
    if (header) response.set(header->first, header->second);
    response.body() = std::move(body) + "\n";
    response.keep_alive(false);
    response.prepare_payload();
    co_await http::async_write(stream, response, kAsTuple);
    beast::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
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
  info.version = version_;
  if (auto credentials = basic_credentials(request[http::field::authorization])) {
    info.basic_user = credentials->first;
    info.basic_password = credentials->second;
  }
  beast::error_code endpoint_ec;
  auto remote = lowest.socket().remote_endpoint(endpoint_ec);
  if (!endpoint_ec) info.remote_address = remote.address().to_string();
  info.tls = kTls;
  info.client_certificate = client_certificate_;
  std::function<void(std::function<void(AuthDecision)>)> check =
      [this, info](std::function<void(AuthDecision)> done) {
        server_.stations.authenticate(info, std::move(done));
      };
  // The stream's own deadline does not cover waiting for the application: this one does.
  auto decision = co_await await_callback<AuthDecision>(std::move(check), server_.settings.handshake_timeout,
                                                        AuthDecision::Unavailable);
  switch (decision) {
    case AuthDecision::Allow:
      break;
    case AuthDecision::Deny:
      co_return co_await refuse(
          http::status::unauthorized, "valid credentials required",
          std::pair{http::field::www_authenticate, std::string("Basic realm=\"csms\", charset=\"UTF-8\"")});
    case AuthDecision::RateLimited:
      co_return co_await refuse(http::status::too_many_requests, "too many failed attempts; try again later",
                                std::pair{http::field::retry_after, std::string("60")});
    case AuthDecision::Unavailable:
      co_return co_await refuse(http::status::service_unavailable,
                                "cannot check credentials now; try again later",
                                std::pair{http::field::retry_after, std::string("30")});
  }

  lowest.expires_never();
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
    finish();  // commands queued meanwhile are answered "closed"; the registry lets go
    co_return false;
  }
  co_return true;
}

template <class NextLayer>
void WsSession<NextLayer>::register_self() {
  std::shared_ptr<WsConnection> previous;
  {
    std::lock_guard lock(server_.registry_mutex);
    auto& slot = server_.registry[station_id_];
    previous = slot.lock();
    slot = this->shared_from_this();
    server_.sessions[connection_id_] = this->weak_from_this();
  }
  if (previous) previous->mark_replaced();
}

template <class NextLayer>
void WsSession<NextLayer>::unregister_self() {
  std::lock_guard lock(server_.registry_mutex);
  auto found = server_.registry.find(station_id_);
  if (found != server_.registry.end()) {
    auto holder = found->second.lock();
    if (!holder || holder.get() == this) server_.registry.erase(found);
  }
  server_.sessions.erase(connection_id_);
}

template <class NextLayer>
awaitable<void> WsSession<NextLayer>::run() {
  auto self = this->shared_from_this();
  bool upgraded = co_await handshake();
  ticket_.handshake_done();
  if (!upgraded) {
    closed_ = true;
    co_return;
  }

  spdlog::info("station {} connected ({}, connection {})", station_id_, ocpp::subprotocol(version_),
               connection_id_);
  opened_ = true;
  server_.stations.on_open(self);
  spawn(ws_.get_executor(), write_loop(), "station write loop",
        [self] { self->abort("its write loop failed"); });

  beast::flat_buffer buffer;
  while (!closed_) {
    // Back-pressure: while several calls wait to be handled, or many answers wait to be
    // written (the charger reads slower than it writes), the next frame stays in TCP. The
    // outbox's own cap is then only ever reached by what we send on our own.
    while ((incoming_.size() >= kMaxWaitingCalls || outbox_.size() >= outbox_high_water_) && !closed_ &&
           !closing_) {
      read_resume_.expires_at(asio::steady_timer::time_point::max());
      co_await read_resume_.async_wait(kAsTuple);
    }
    if (closed_) break;
    auto [ec, n] = co_await ws_.async_read(buffer, kAsTuple);
    if (ec) {
      if (ec == websocket::error::message_too_big)
        spdlog::warn("station {}: frame larger than {} bytes, closing", station_id_,
                     server_.settings.max_frame_bytes);
      else if (!expected_close(ec) && !closed_)
        spdlog::warn("station {}: read failed: {}", station_id_, ec.message());
      break;
    }
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(n);
    on_frame(text);
  }
  finish();
}

template <class NextLayer>
void WsSession<NextLayer>::finish() {
  if (finished_) return;
  finished_ = true;
  closed_ = true;
  write_signal_.cancel();
  read_resume_.cancel();
  write_watchdog_.cancel();
  call_timer_.cancel();
  if (outstanding_) guarded("a command's completion", [&] { complete_outstanding(closed_failure()); });
  auto pending = std::move(pending_calls_);
  pending_calls_.clear();
  for (auto& call : pending) guarded("a command's completion", [&] { call.done(closed_failure()); });
  incoming_.clear();
  unregister_self();
  if (!opened_) return;
  spdlog::info("station {} disconnected (connection {}{})", station_id_, connection_id_,
               replaced_ ? ", replaced" : "");
  guarded("the station's close handler",
          [&] { server_.stations.on_close(this->shared_from_this(), replaced_); });
}

template <class NextLayer>
awaitable<void> WsSession<NextLayer>::write_loop() {
  auto self = this->shared_from_this();
  while (!closed_) {
    const std::string* frame = outbox_.start_write();
    if (frame == nullptr) {
      if (closing_) {
        write_started_ = std::chrono::steady_clock::now();
        auto [ec] = co_await ws_.async_close(close_reason_, kAsTuple);
        (void)ec;
        co_return;
      }
      co_await write_signal_.async_wait(kAsTuple);
      continue;
    }
    ws_.text(true);
    write_started_ = std::chrono::steady_clock::now();
    arm_write_watchdog();
    auto [ec, n] = co_await ws_.async_write(asio::buffer(*frame), kAsTuple);
    (void)n;
    outbox_.finish_write();  // only now is the frame released
    read_resume_.cancel();
    if (ec) {
      if (!expected_close(ec) && !closed_)
        spdlog::warn("station {}: write failed: {}", station_id_, ec.message());
      abort("write failed");
      co_return;
    }
  }
}

// A peer that stops reading leaves our write pending forever once its TCP window is shut;
// one timer per connection, armed only while a write is in flight, ends that.
template <class NextLayer>
void WsSession<NextLayer>::arm_write_watchdog() {
  if (watchdog_armed_ || server_.settings.write_timeout.count() <= 0) return;
  watchdog_armed_ = true;
  write_watchdog_.expires_after(server_.settings.write_timeout);
  write_watchdog_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
    self->watchdog_armed_ = false;
    if (ec || self->closed_ || !self->outbox_.writing()) return;
    if (std::chrono::steady_clock::now() - self->write_started_ >= self->server_.settings.write_timeout) {
      spdlog::warn("station {}: a write has not completed for {} s, closing", self->station_id_,
                   self->server_.settings.write_timeout.count());
      count_dropped("write_stalled");
      self->abort("write stalled");
      return;
    }
    self->arm_write_watchdog();
  });
}

template <class NextLayer>
void WsSession<NextLayer>::send(std::string frame) {
  if (closed_ || closing_) return;
  server_.log_frame(station_id_, "<-", frame);
  if (!outbox_.push(std::move(frame))) {
    // A peer that does not read is closed, not buffered without end; the frame being
    // written stays with its write.
    spdlog::warn("station {}: {} frames unread, closing", station_id_, outbox_.size());
    count_dropped("not_reading");
    abort("not reading");
    return;
  }
  write_signal_.cancel();
}

template <class NextLayer>
void WsSession<NextLayer>::on_frame(const std::string& text) {
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
  if (auto* result = std::get_if<ocpp::CallResult>(&frame)) return on_answer(std::move(*result));
  auto& error = std::get<ocpp::CallError>(frame);
  if (outstanding_ && error.message_id == outstanding_id_) {
    complete_outstanding(
        CallFailure{CallFailure::Kind::CallError, error.code, error.description, error.details});
  } else {
    spdlog::debug("station {}: CALLERROR for unknown id {}", station_id_, error.message_id);
  }
}

// A charger's answer is input like any other: checked against the response schema before
// anyone reads it; a bad one is an error for whoever sent the call, never an exception.
template <class NextLayer>
void WsSession<NextLayer>::on_answer(ocpp::CallResult result) {
  if (!outstanding_ || result.message_id != outstanding_id_) {
    spdlog::debug("station {}: CALLRESULT for unknown id {}", station_id_, result.message_id);
    return;
  }
  if (const auto* schema = ocpp::find_schema(version_, outstanding_->action, ocpp::Direction::Response)) {
    auto checked = ocpp::validate(*schema, result.payload, server_.settings.leniency);
    if (!checked.leniencies_applied.empty()) server_.count_leniencies(checked.leniencies_applied);
    if (checked.violation) {
      const auto& v = *checked.violation;
      auto description = "the station's " + outstanding_->action + " answer is invalid" +
                         (v.path.empty() ? std::string() : " at " + v.path) + ": " + v.detail;
      spdlog::warn("station {}: {}", station_id_, description);
      return complete_outstanding(CallFailure{CallFailure::Kind::InvalidAnswer,
                                              std::string(ocpp::spell(v.code, version_)), description,
                                              json::object()});
    }
  }
  complete_outstanding(std::move(result.payload));
}

template <class NextLayer>
void WsSession<NextLayer>::dispatch_next() {
  while (!busy_ && !incoming_.empty() && !closed_) {
    auto call = std::move(incoming_.front());
    incoming_.pop_front();
    read_resume_.cancel();  // room for the next frame

    bool reused = recent_id_set_.count(call.message_id) > 0;
    if (!reused) {
      recent_ids_.push_back(call.message_id);
      recent_id_set_.insert(call.message_id);
      if (recent_ids_.size() > 256) {
        recent_id_set_.erase(recent_ids_.front());
        recent_ids_.pop_front();
      }
    }
    handle(std::move(call), reused);
  }
}

template <class NextLayer>
void WsSession<NextLayer>::handle(ocpp::Call call, bool reused) {
  const auto* schema = ocpp::find_schema(version_, call.action, ocpp::Direction::Request);
  if (schema == nullptr) {
    count_received("unknown", "NotImplemented");
    return send(ocpp::serialize_error(call.message_id, ocpp::ErrorCode::NotImplemented, version_,
                                      "unknown action '" + call.action + "'"));
  }
  if (!ocpp::handles(version_, call.action)) {
    count_received(call.action, "NotSupported");
    return send(ocpp::serialize_error(call.message_id, ocpp::ErrorCode::NotSupported, version_,
                                      call.action + " is not sent by a charging station"));
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
    return send(ocpp::serialize_error(call.message_id, v.code, version_,
                                      (v.path.empty() ? std::string() : v.path + ": ") + v.detail));
  }
  busy_ = true;
  call_started_[call.message_id] = {std::chrono::steady_clock::now(), call.action};
  IncomingCall incoming{call.message_id, call.action, std::move(call.payload), reused};
  auto self = this->shared_from_this();
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

template <class NextLayer>
void WsSession<NextLayer>::finish_call(const std::string& message_id, Reply reply) {
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

template <class NextLayer>
void WsSession<NextLayer>::send_next_call() {
  if (outstanding_ || pending_calls_.empty() || closed_) return;
  outstanding_ = std::move(pending_calls_.front());
  pending_calls_.pop_front();
  outstanding_id_ = new_message_id();
  send(ocpp::serialize(ocpp::Call{outstanding_id_, outstanding_->action, outstanding_->payload}));
  if (!outstanding_) return;  // sending it closed the connection
  auto generation = ++call_generation_;
  call_timer_.expires_after(outstanding_->timeout);
  call_timer_.async_wait([self = this->shared_from_this(), generation](beast::error_code ec) {
    if (ec || generation != self->call_generation_ || !self->outstanding_) return;
    self->complete_outstanding(
        CallFailure{CallFailure::Kind::Timeout, "", "no answer in time", json::object()});
  });
}

template <class NextLayer>
void WsSession<NextLayer>::complete_outstanding(CallOutcome outcome) {
  auto call = std::move(*outstanding_);
  std::string result = "ok";
  if (auto* failure = std::get_if<CallFailure>(&outcome)) {
    switch (failure->kind) {
      case CallFailure::Kind::Timeout:
        result = "timeout";
        break;
      case CallFailure::Kind::Closed:
        result = "closed";
        break;
      case CallFailure::Kind::InvalidAnswer:
        result = "invalid_answer";
        break;
      case CallFailure::Kind::CallError: {
        // A label value the charger chose would let it grow the metrics without bound.
        auto code = ocpp::parse_error_code(failure->code);
        result = code ? std::string(ocpp::spell(*code, ocpp::Version::V201)) : std::string("other");
        break;
      }
    }
  }
  metrics::registry()
      .counter("csms_ocpp_calls_sent_total", "CALLs we sent to stations, by action and result",
               {{"action", call.action}, {"result", result}})
      .inc();
  outstanding_.reset();
  ++call_generation_;
  call_timer_.cancel();
  guarded("a command's completion", [&] { call.done(std::move(outcome)); });
  send_next_call();
}

template class WsSession<beast::tcp_stream>;
template class WsSession<TlsStream>;

}  // namespace csms::server

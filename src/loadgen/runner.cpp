// The only translation unit of csms-loadgen that sees Asio and Beast. Each simulated
// charger is one WebSocket, two coroutines (a driver that sends one CALL at a time, as
// OCPP-J requires, and a reader that matches replies by message id and answers the CSMS's
// own CALLs) and two timers. One io_context per thread, no strands: a charger lives on
// one thread for its whole life.
#include "loadgen/runner.hpp"

#include <netinet/in.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "loadgen/messages.hpp"

namespace csms::loadgen {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// Lets the kernel choose the source port at connect() time, per destination, so a bound
// source address is not limited to one connection per ephemeral port overall.
using BindNoPort = asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;

std::chrono::nanoseconds seconds(double s) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(s * 1e9));
}

// splitmix64: eight bytes of state per charger, good enough for jitter and ids.
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

class Recorder {
 public:
  explicit Recorder(const std::string& path) {
    if (path.empty()) return;
    file_ = std::fopen(path.c_str(), "w");
    if (!file_) throw std::runtime_error("cannot open --record file " + path);
  }
  ~Recorder() {
    if (file_) std::fclose(file_);
  }
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  bool enabled() const { return file_ != nullptr; }

  // kind, station, OCPP transaction id, seqNo, EVSE, timestamp, sampled values; "\N" is
  // NULL for psql's \copy.
  void write(const char* kind, const std::string& station, const std::string& txn, int seq, int evse,
             const std::string& ts, int samples) {
    std::lock_guard lock(mutex_);
    std::fprintf(file_, "%s\t%s\t%s\t", kind, station.c_str(), txn.empty() ? "\\N" : txn.c_str());
    if (seq >= 0) {
      std::fprintf(file_, "%d\t", seq);
    } else {
      std::fputs("\\N\t", file_);
    }
    std::fprintf(file_, "%d\t%s\t%d\n", evse, ts.c_str(), samples);
  }

 private:
  std::FILE* file_ = nullptr;
  std::mutex mutex_;
};

struct Global {
  Global(const Options& o, tcp::endpoint t)
      : options(o), target(t), start(Clock::now()), recorder(o.record_path) {}

  const Options& options;
  tcp::endpoint target;
  Clock::time_point start;
  Recorder recorder;
  std::atomic<bool> stopping{false};
  std::atomic<bool> counting{true};
  std::atomic<int> finished{0};
  std::atomic<std::int64_t> connected{0};
  std::atomic<std::int64_t> ready{0};
  std::atomic<std::uint64_t> calls_ok{0};
  std::function<void()> request_stop;

  double since_start() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
};

class Charger;

struct Context {
  explicit Context(Global& g) : global(g) {}
  asio::io_context ioc{1};
  Global& global;
  Stats stats;
  std::uint64_t stats_epoch = 0;  // bumped when --warmup ends: calls sent before are not counted
  std::chrono::nanoseconds pace_period{0};
  Clock::time_point next_slot{};
  std::vector<std::unique_ptr<Charger>> chargers;
};

enum class Outcome { Ok, Error, Timeout, Dropped };

struct Reply {
  Outcome outcome = Outcome::Dropped;
  json payload;
  std::string error_code;
};

// A transaction-related message being delivered: kept as built until it is answered, so a
// timeout or a reconnect resends the very same content, as a real charger does.
struct Pending {
  Pending(std::string_view action_, json payload_, std::string ts_)
      : action(action_), payload(std::move(payload_)), ts(std::move(ts_)) {}
  Pending(std::string_view action_, json payload_, std::string ts_, std::string text_,
          std::string transaction, int seq_no, int evse, int samples)
      : action(action_),
        payload(std::move(payload_)),
        ts(std::move(ts_)),
        text(std::move(text_)),
        record_transaction(std::move(transaction)),
        record_seq_no(seq_no),
        record_evse(evse),
        record_samples(samples) {}

  std::string_view action;
  json payload;
  std::string ts;
  // The busiest messages carry their payload as JSON text instead of `payload`, and what
  // --record writes of them.
  std::string text;
  std::string record_transaction;
  int record_seq_no = -1;
  int record_evse = 1;
  int record_samples = 0;
};

enum class Step { Authorize, Start, StatusCharging, Meter, Stop, StatusAvailable };

constexpr std::string_view kBoot = "BootNotification";
constexpr std::string_view kStatus = "StatusNotification";
constexpr std::string_view kHeartbeat = "Heartbeat";
constexpr std::string_view kAuthorize = "Authorize";
constexpr std::string_view kStart = "StartTransaction";
constexpr std::string_view kStop = "StopTransaction";
constexpr std::string_view kMeterValues = "MeterValues";
constexpr std::string_view kTransactionEvent = "TransactionEvent";

class Charger {
 public:
  Charger(Context& ctx, int index, Protocol protocol, std::optional<std::uint32_t> source)
      : ctx_(ctx),
        opt_(ctx.global.options),
        protocol_(protocol),
        id_(charger_id(opt_.id_prefix, index)),
        source_(source),
        reply_timer_(ctx.ioc),
        sleep_timer_(ctx.ioc),
        random_{opt_.seed * 0x100000001b3ull + static_cast<std::uint64_t>(index)} {
    meter_.register_wh = static_cast<double>(random_.next() % 1'000'000);
    meter_.voltage_v = 230;
  }

  awaitable<void> run();

  void stop() {
    beast::error_code ec;
    if (ws_) ws_->next_layer().close(ec);
    reply_timer_.cancel();
    sleep_timer_.cancel();
  }

 private:
  bool stopping() const { return ctx_.global.stopping.load(std::memory_order_relaxed); }

  awaitable<bool> connect();
  awaitable<void> serve();
  awaitable<void> read_loop(std::uint64_t generation);
  awaitable<Reply> call(std::string_view action, const json& payload);
  awaitable<void> sleep_until(Clock::time_point t);
  awaitable<void> session_step();
  awaitable<Reply> deliver();
  awaitable<Reply> call_text(std::string_view action, std::string payload);

  void send(std::string frame);
  void write_next();
  void on_frame(std::string_view text);
  void on_disconnect();
  void on_ready();
  void finish();
  messages::TimePoint timestamp();
  void advance_meter();
  void record_acknowledged(const Reply& reply);
  std::string make_transaction_id();

  Context& ctx_;
  const Options& opt_;
  Protocol protocol_;
  std::string id_;
  std::optional<std::uint32_t> source_;
  std::optional<websocket::stream<tcp::socket>> ws_;
  beast::flat_buffer buffer_;
  asio::steady_timer reply_timer_;
  asio::steady_timer sleep_timer_;
  Random random_;

  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool connected_ = false;
  std::uint64_t generation_ = 0;
  std::uint64_t next_message_ = 0;
  std::string pending_id_;
  std::optional<Reply> reply_;

  bool ever_ready_ = false;
  bool ready_now_ = false;
  bool finished_ = false;
  std::optional<Clock::time_point> dropped_at_;
  std::chrono::nanoseconds heartbeat_{std::chrono::seconds(300)};
  Clock::time_point next_heartbeat_{};
  Clock::time_point next_step_at_{};
  std::int64_t last_ms_ = 0;

  Step step_ = Step::Authorize;
  std::optional<Pending> pending_;
  std::int64_t sessions_done_ = 0;
  int meters_sent_ = 0;
  int seq_no_ = 0;
  std::int64_t transaction_16_ = 0;
  std::string transaction_201_;
  messages::Meter meter_;
  Clock::time_point meter_at_{};
};

messages::TimePoint Charger::timestamp() {
  // Strictly increasing per charger: meter samples are unique per (station, EVSE, time,
  // measurand, ...), so two readings in the same millisecond would be one row.
  using namespace std::chrono;
  auto now_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  last_ms_ = std::max(now_ms, last_ms_ + 1);
  return messages::TimePoint(milliseconds(last_ms_));
}

void Charger::advance_meter() {
  auto now = Clock::now();
  double dt = meter_at_ == Clock::time_point{} ? 0 : std::chrono::duration<double>(now - meter_at_).count();
  meter_at_ = now;
  meter_.power_w = 7000 + static_cast<double>(random_.next() % 800);
  meter_.current_a = meter_.power_w / meter_.voltage_v;
  meter_.register_wh += std::max(1.0, std::round(meter_.power_w * dt / 3600.0));
}

std::string Charger::make_transaction_id() {
  auto a = random_.next();
  auto b = random_.next();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>((b >> 48) & 0xfff),
                static_cast<unsigned long long>(b & 0xffffffffffffull));
  return buf;
}

void Charger::send(std::string frame) {
  outbox_.push_back(std::move(frame));
  if (!writing_) write_next();
}

void Charger::write_next() {
  writing_ = true;
  ws_->async_write(asio::buffer(outbox_.front()),
                   [this, gen = generation_](beast::error_code ec, std::size_t) {
                     writing_ = false;
                     if (gen != generation_) return;
                     outbox_.pop_front();
                     if (ec) {
                       // The reader notices the closed socket and reports the drop.
                       beast::error_code ignored;
                       ws_->next_layer().close(ignored);
                       return;
                     }
                     if (!outbox_.empty()) write_next();
                   });
}

awaitable<void> Charger::sleep_until(Clock::time_point t) {
  if (t <= Clock::now()) co_return;
  sleep_timer_.expires_at(t);
  auto [ec] = co_await sleep_timer_.async_wait(kAsTuple);
  (void)ec;
}

awaitable<bool> Charger::connect() {
  auto& st = ctx_.stats;
  st.connections_attempted += 1;
  ws_.emplace(ctx_.ioc);
  outbox_.clear();
  buffer_.clear();
  auto& sock = ws_->next_layer();
  beast::error_code ec;
  sock.open(tcp::v4(), ec);
  if (!ec && source_) {
    sock.set_option(BindNoPort(true), ec);
    ec = {};
    sock.bind(tcp::endpoint(asio::ip::address_v4(*source_), 0), ec);
  }
  if (ec) {
    st.connections_failed += 1;
    co_return false;
  }
  // One deadline for TCP connect and the upgrade: a listen backlog that overflows makes
  // connect() wait for SYN retransmits otherwise.
  const auto gen = ++generation_;
  sleep_timer_.expires_after(std::chrono::seconds(15));
  sleep_timer_.async_wait([this, gen](beast::error_code wait_ec) {
    if (!wait_ec && gen == generation_ && !connected_ && ws_) {
      beast::error_code ignored;
      ws_->next_layer().close(ignored);
    }
  });
  auto [connect_ec] = co_await sock.async_connect(ctx_.global.target, kAsTuple);
  if (connect_ec || stopping()) {
    sleep_timer_.cancel();
    st.connections_failed += connect_ec ? 1 : 0;
    co_return false;
  }
  sock.set_option(tcp::no_delay(true), ec);
  const std::string subprotocol = protocol_ == Protocol::V201 ? "ocpp2.0.1" : "ocpp1.6";
  ws_->set_option(websocket::stream_base::decorator([subprotocol](websocket::request_type& req) {
    req.set(http::field::sec_websocket_protocol, subprotocol);
  }));
  ws_->text(true);
  ws_->auto_fragment(false);
  const std::string host = opt_.host + ":" + std::to_string(opt_.port);
  const std::string target = opt_.path + "/" + id_;
  websocket::response_type response;
  auto [hs_ec] = co_await ws_->async_handshake(response, host, target, kAsTuple);
  sleep_timer_.cancel();
  if (hs_ec || stopping()) {
    st.connections_failed += hs_ec ? 1 : 0;
    ws_->next_layer().close(ec);
    co_return false;
  }
  st.connections_established += 1;
  connected_ = true;
  ctx_.global.connected.fetch_add(1, std::memory_order_relaxed);
  co_return true;
}

void Charger::on_disconnect() {
  connected_ = false;
  ctx_.global.connected.fetch_sub(1, std::memory_order_relaxed);
  if (ready_now_) {
    ready_now_ = false;
    ctx_.global.ready.fetch_sub(1, std::memory_order_relaxed);
  }
  if (!stopping()) {
    ctx_.stats.connections_dropped += 1;
    if (ctx_.stats.first_drop_s < 0) ctx_.stats.first_drop_s = ctx_.global.since_start();
    // Recovery is measured from the first drop after being ready.
    if (ever_ready_ && !dropped_at_) dropped_at_ = Clock::now();
  }
  beast::error_code ignored;
  ws_->next_layer().close(ignored);
  reply_timer_.cancel();
  sleep_timer_.cancel();
}

void Charger::on_ready() {
  auto& st = ctx_.stats;
  const double now = ctx_.global.since_start();
  ready_now_ = true;
  ctx_.global.ready.fetch_add(1, std::memory_order_relaxed);
  if (!ever_ready_) {
    ever_ready_ = true;
    st.chargers_ready += 1;
    if (st.first_ready_s < 0) st.first_ready_s = now;
    st.last_ready_s = std::max(st.last_ready_s, now);
  } else if (dropped_at_) {
    st.rereadied += 1;
    st.last_reready_s = std::max(st.last_reready_s, now);
    st.max_recovery_s =
        std::max(st.max_recovery_s, std::chrono::duration<double>(Clock::now() - *dropped_at_).count());
    dropped_at_.reset();
  }
}

void Charger::finish() {
  if (finished_) return;
  finished_ = true;
  if (ctx_.global.finished.fetch_add(1) + 1 == opt_.chargers) ctx_.global.request_stop();
}

awaitable<void> Charger::read_loop(std::uint64_t generation) {
  for (;;) {
    auto [ec, n] = co_await ws_->async_read(buffer_, kAsTuple);
    if (ec || generation != generation_) break;
    const auto data = buffer_.cdata();
    on_frame(std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
  }
  if (generation == generation_ && connected_) on_disconnect();
}

void Charger::on_frame(std::string_view text) {
  auto frame = messages::parse_frame(text);
  if (!frame) return;
  if (frame->type == 2) {
    ctx_.stats.csms_calls[frame->action] += 1;
    auto reply = messages::answer(protocol_, frame->action, frame->payload);
    if (reply) {
      send(messages::result_frame(frame->id, *reply));
    } else {
      ctx_.stats.csms_calls_not_implemented += 1;
      send(messages::error_frame(frame->id, "NotImplemented", "not simulated by csms-loadgen"));
    }
    return;
  }
  if (frame->id != pending_id_ || pending_id_.empty()) {
    ctx_.stats.unmatched_replies += 1;
    return;
  }
  Reply reply;
  reply.outcome = frame->type == 3 ? Outcome::Ok : Outcome::Error;
  reply.payload = std::move(frame->payload);
  reply.error_code = std::move(frame->error_code);
  reply_ = std::move(reply);
  pending_id_.clear();
  reply_timer_.cancel();
}

awaitable<Reply> Charger::call(std::string_view action, const json& payload) {
  co_return co_await call_text(action, payload.dump());
}

awaitable<Reply> Charger::call_text(std::string_view action, std::string payload) {
  if (ctx_.pace_period.count() > 0 && connected_) {
    auto now = Clock::now();
    auto slot = std::max(now, ctx_.next_slot);
    ctx_.next_slot = slot + ctx_.pace_period;
    co_await sleep_until(slot);
  }
  if (!connected_ || stopping()) co_return Reply{};
  pending_id_ = std::to_string(++next_message_);
  reply_.reset();
  send(messages::call_frame_text(pending_id_, action, payload));
  const auto sent_at = Clock::now();
  const auto epoch = ctx_.stats_epoch;
  ctx_.stats.action(action).sent += 1;
  reply_timer_.expires_after(seconds(opt_.call_timeout));
  auto [ec] = co_await reply_timer_.async_wait(kAsTuple);
  (void)ec;
  pending_id_.clear();
  if (epoch != ctx_.stats_epoch) {
    // Sent during the warmup: its outcome belongs to neither period.
    Reply out;
    if (reply_) out = std::move(*reply_);
    if (!reply_ && connected_ && !stopping()) out.outcome = Outcome::Timeout;
    reply_.reset();
    co_return out;
  }
  auto& stats = ctx_.stats.action(action);
  if (reply_) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent_at).count();
    stats.latency.record(static_cast<std::uint64_t>(us));
    if (reply_->outcome == Outcome::Ok) {
      stats.ok += 1;
      ctx_.global.calls_ok.fetch_add(1, std::memory_order_relaxed);
    } else {
      stats.errors += 1;
      ctx_.stats.call_errors[reply_->error_code] += 1;
    }
    Reply out = std::move(*reply_);
    reply_.reset();
    co_return out;
  }
  Reply out;
  if (connected_ && !stopping()) {
    stats.timeouts += 1;
    out.outcome = Outcome::Timeout;
  } else if (!stopping()) {
    stats.dropped += 1;
  }
  co_return out;
}

awaitable<void> Charger::run() {
  double backoff = opt_.reconnect_min;
  while (!stopping()) {
    const bool ok = co_await connect();
    if (ok) {
      backoff = opt_.reconnect_min;
      co_spawn(ctx_.ioc, read_loop(generation_), asio::detached);
      co_await serve();
      if (connected_) on_disconnect();
    }
    if (stopping() || !opt_.reconnect) break;
    // Let the last write of the old connection complete before the stream is replaced.
    while (writing_) co_await sleep_until(Clock::now() + std::chrono::milliseconds(5));
    const double wait = backoff + backoff * random_.uniform();
    backoff = std::min(backoff * 2, opt_.reconnect_max);
    co_await sleep_until(Clock::now() + seconds(wait));
  }
  while (writing_) co_await sleep_until(Clock::now() + std::chrono::milliseconds(5));
  finish();
}

awaitable<void> Charger::serve() {
  auto& st = ctx_.stats;
  for (;;) {
    const json boot = messages::boot_notification(protocol_, id_);
    Reply r = co_await call(kBoot, boot);
    if (!connected_ || stopping()) co_return;
    if (r.outcome != Outcome::Ok) {
      co_await sleep_until(Clock::now() + std::chrono::seconds(5));
      continue;
    }
    const std::string status = r.payload.value("status", "");
    const int interval = r.payload.value("interval", 300);
    heartbeat_ = opt_.heartbeat_interval
                     ? seconds(*opt_.heartbeat_interval)
                     : std::chrono::nanoseconds(std::chrono::seconds(std::max(interval, 1)));
    if (status == "Accepted") {
      st.boots_accepted += 1;
      break;
    }
    (status == "Pending" ? st.boots_pending : st.boots_rejected) += 1;
    co_await sleep_until(Clock::now() + std::chrono::seconds(std::max(interval, 1)));
    if (!connected_ || stopping()) co_return;
  }

  const bool in_session = step_ != Step::Authorize && step_ != Step::Start;
  for (int c = 1; c <= opt_.connectors && connected_; ++c) {
    const json status = messages::status_notification(
        protocol_, c, in_session && c == 1 ? "Charging" : "Available", timestamp());
    Reply r = co_await call(kStatus, status);
    if (r.outcome == Outcome::Timeout) --c;
  }
  if (!connected_ || stopping()) co_return;
  on_ready();

  next_heartbeat_ = Clock::now() + heartbeat_;
  while (connected_ && !stopping()) {
    const auto now = Clock::now();
    if (now >= next_heartbeat_) {
      const json hb = messages::heartbeat();
      co_await call(kHeartbeat, hb);
      next_heartbeat_ = Clock::now() + heartbeat_;
      continue;
    }
    const bool more = sessions_done_ < opt_.sessions || step_ != Step::Authorize;
    if (!more) {
      // Chargers with sessions to run end the run early once all have run them; idle
      // chargers stay until --duration.
      if (opt_.sessions > 0) finish();
      co_await sleep_until(next_heartbeat_);
      continue;
    }
    if (now < next_step_at_) {
      co_await sleep_until(std::min(next_step_at_, next_heartbeat_));
      continue;
    }
    co_await session_step();
  }
}

awaitable<Reply> Charger::deliver() {
  // (Not a conditional expression around the two co_awaits: g++ 12 miscompiles that.)
  Reply r;
  if (pending_->text.empty())
    r = co_await call(pending_->action, pending_->payload);
  else
    r = co_await call_text(pending_->action, pending_->text);
  if (r.outcome == Outcome::Ok) record_acknowledged(r);
  co_return r;
}

void Charger::record_acknowledged(const Reply& reply) {
  auto& rec = ctx_.global.recorder;
  if (!rec.enabled()) return;
  const auto& p = pending_->payload;
  auto& st = ctx_.stats;
  if (!pending_->text.empty()) {
    const auto& pending = *pending_;
    if (pending.action == kTransactionEvent) {
      rec.write("event", id_, pending.record_transaction, pending.record_seq_no, pending.record_evse,
                pending.ts, 0);
      st.recorded += 1;
    }
    rec.write("meter", id_, pending.record_transaction, -1, pending.record_evse, pending.ts,
              pending.record_samples);
    st.recorded += 1;
    return;
  }
  if (pending_->action == kStart) {
    auto txn = std::to_string(reply.payload.value("transactionId", std::int64_t{0}));
    rec.write("start", id_, txn, -1, 1, pending_->ts, 0);
    st.recorded += 1;
  } else if (pending_->action == kStop) {
    rec.write("stop", id_, std::to_string(p["transactionId"].get<std::int64_t>()), -1, 1, pending_->ts, 0);
    st.recorded += 1;
  } else if (pending_->action == kMeterValues) {
    const int n = static_cast<int>(p["meterValue"][0]["sampledValue"].size());
    const int evse = protocol_ == Protocol::V201 ? p["evseId"].get<int>() : p["connectorId"].get<int>();
    std::string txn =
        protocol_ == Protocol::V16 ? std::to_string(p["transactionId"].get<std::int64_t>()) : "";
    rec.write("meter", id_, txn, -1, evse, pending_->ts, n);
    st.recorded += 1;
  } else if (pending_->action == kTransactionEvent) {
    const auto& txn = p["transactionInfo"]["transactionId"].get_ref<const std::string&>();
    rec.write("event", id_, txn, p["seqNo"].get<int>(), 1, pending_->ts, 0);
    st.recorded += 1;
    if (auto mv = p.find("meterValue"); mv != p.end()) {
      rec.write("meter", id_, txn, -1, 1, pending_->ts, static_cast<int>((*mv)[0]["sampledValue"].size()));
      st.recorded += 1;
    }
  }
}

awaitable<void> Charger::session_step() {
  auto& st = ctx_.stats;
  const auto think = seconds(opt_.think_time_ms / 1000.0);
  const bool v201 = protocol_ == Protocol::V201;
  switch (step_) {
    case Step::Authorize: {
      const json payload = messages::authorize(protocol_, opt_.id_tag);
      Reply r = co_await call(kAuthorize, payload);
      // The benchmark goes on whatever the token's status: it measures the server, not
      // the authorization policy.
      if (r.outcome == Outcome::Ok || r.outcome == Outcome::Error) {
        step_ = Step::Start;
        next_step_at_ = Clock::now() + think;
      }
      co_return;
    }
    case Step::Start: {
      if (!pending_) {
        advance_meter();
        const auto t = timestamp();
        st.sessions_started += 1;
        if (v201) {
          transaction_201_ = make_transaction_id();
          seq_no_ = 0;
          messages::TransactionEvent e{
              messages::EventType::Started, seq_no_, transaction_201_, 1, t, opt_.id_tag, meter_, 1};
          pending_ = Pending{kTransactionEvent, messages::transaction_event(e), messages::format_time(t)};
        } else {
          pending_ = Pending{
              kStart,
              messages::start_transaction(1, opt_.id_tag, static_cast<std::int64_t>(meter_.register_wh), t),
              messages::format_time(t)};
        }
      }
      Reply r = co_await deliver();
      if (r.outcome == Outcome::Ok) {
        if (!v201) transaction_16_ = r.payload.value("transactionId", std::int64_t{0});
        seq_no_ = 1;
        meters_sent_ = 0;
        if (opt_.stagger && sessions_done_ == 0 && opt_.meters_per_session > 0)
          meters_sent_ =
              static_cast<int>(random_.next() % static_cast<std::uint64_t>(opt_.meters_per_session));
        step_ = Step::StatusCharging;
        pending_.reset();
      } else if (r.outcome == Outcome::Error) {
        pending_.reset();
        step_ = Step::Authorize;
        next_step_at_ = Clock::now() + std::chrono::seconds(1);
      }
      co_return;
    }
    case Step::StatusCharging: {
      const json payload = messages::status_notification(protocol_, 1, "Charging", timestamp());
      Reply r = co_await call(kStatus, payload);
      if (r.outcome == Outcome::Ok || r.outcome == Outcome::Error) {
        step_ = Step::Meter;
        next_step_at_ = Clock::now() + seconds(opt_.meter_interval);
      }
      co_return;
    }
    case Step::Meter: {
      if (meters_sent_ >= opt_.meters_per_session) {
        step_ = Step::Stop;
        co_return;
      }
      if (!pending_) {
        advance_meter();
        const auto t = timestamp();
        const int samples = std::min(std::max(opt_.samples, 1), messages::kMaxSamples);
        if (!v201) {
          pending_ = Pending{kMeterValues,
                             json(),
                             messages::format_time(t),
                             messages::meter_values_v16_text(1, transaction_16_, t, meter_, opt_.samples),
                             std::to_string(transaction_16_),
                             -1,
                             1,
                             samples};
        } else if (opt_.v201_meter == V201Meter::MeterValues) {
          pending_ = Pending{kMeterValues, messages::meter_values_v201(1, t, meter_, opt_.samples),
                             messages::format_time(t)};
        } else {
          messages::TransactionEvent e{
              messages::EventType::Updated, seq_no_++, transaction_201_, 1, t, "", meter_, opt_.samples};
          pending_ = Pending{kTransactionEvent,
                             json(),
                             messages::format_time(t),
                             messages::transaction_updated_text(e),
                             transaction_201_,
                             e.seq_no,
                             1,
                             samples};
        }
      }
      Reply r = co_await deliver();
      if (r.outcome == Outcome::Ok || r.outcome == Outcome::Error) {
        pending_.reset();
        meters_sent_ += 1;
        next_step_at_ = Clock::now() + seconds(opt_.meter_interval);
      }
      co_return;
    }
    case Step::Stop: {
      if (!pending_) {
        advance_meter();
        const auto t = timestamp();
        if (v201) {
          messages::TransactionEvent e{
              messages::EventType::Ended, seq_no_++, transaction_201_, 1, t, opt_.id_tag, meter_, 1};
          pending_ = Pending{kTransactionEvent, messages::transaction_event(e), messages::format_time(t)};
        } else {
          pending_ =
              Pending{kStop,
                      messages::stop_transaction(
                          transaction_16_, static_cast<std::int64_t>(meter_.register_wh), t, opt_.id_tag),
                      messages::format_time(t)};
        }
      }
      Reply r = co_await deliver();
      if (r.outcome == Outcome::Ok || r.outcome == Outcome::Error) {
        if (r.outcome == Outcome::Ok) st.sessions_completed += 1;
        pending_.reset();
        sessions_done_ += 1;
        step_ = Step::StatusAvailable;
      }
      co_return;
    }
    case Step::StatusAvailable: {
      const json payload = messages::status_notification(protocol_, 1, "Available", timestamp());
      Reply r = co_await call(kStatus, payload);
      if (r.outcome == Outcome::Ok || r.outcome == Outcome::Error) {
        step_ = Step::Authorize;
        next_step_at_ = Clock::now() + think;
      }
      co_return;
    }
  }
}

// Starts this context's chargers at its share of the global ramp.
awaitable<void> launch(Context& ctx, int threads, int thread_index) {
  const auto& opt = ctx.global.options;
  asio::steady_timer timer(ctx.ioc);
  for (std::size_t i = 0; i < ctx.chargers.size(); ++i) {
    if (ctx.global.stopping) co_return;
    const double global_index = static_cast<double>(i) * threads + thread_index;
    if (opt.ramp > 0) {
      timer.expires_at(ctx.global.start + seconds(global_index / opt.ramp));
      auto [ec] = co_await timer.async_wait(kAsTuple);
      (void)ec;
    }
    co_spawn(ctx.ioc, ctx.chargers[i]->run(), asio::detached);
  }
}

}  // namespace

RunResult run(const Options& options) {
  asio::io_context resolver_ioc;
  tcp::resolver resolver(resolver_ioc);
  auto endpoints = resolver.resolve(tcp::v4(), options.host, std::to_string(options.port));
  if (endpoints.empty()) throw std::runtime_error("cannot resolve " + options.host);

  Global global(options, endpoints.begin()->endpoint());
  std::vector<std::unique_ptr<Context>> contexts;
  for (int t = 0; t < options.threads; ++t) {
    auto ctx = std::make_unique<Context>(global);
    if (options.rate > 0) ctx->pace_period = seconds(options.threads / options.rate);
    contexts.push_back(std::move(ctx));
  }
  for (int i = 0; i < options.chargers; ++i) {
    auto& ctx = *contexts[static_cast<std::size_t>(i % options.threads)];
    std::optional<std::uint32_t> source;
    if (!options.source_addrs.empty())
      source = options.source_addrs[static_cast<std::size_t>(i) % options.source_addrs.size()];
    ctx.chargers.push_back(std::make_unique<Charger>(ctx, i, protocol_of(options, i), source));
  }

  auto& first = *contexts.front();
  asio::steady_timer end_timer(first.ioc);
  asio::steady_timer warmup_timer(first.ioc);
  asio::steady_timer progress_timer(first.ioc);
  // SIGINT / SIGTERM end the run early, with a report.
  asio::signal_set signals(first.ioc, SIGINT, SIGTERM);

  std::atomic<bool> stop_requested{false};
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> stopped_after_ns{-1};
  global.request_stop = [&] {
    if (stop_requested.exchange(true)) return;
    stopped_after_ns = (Clock::now() - global.start).count();
    global.stopping = true;
    // The control timers live on the first context; only its thread may touch them.
    asio::post(first.ioc, [&] {
      end_timer.cancel();
      signals.cancel();
      warmup_timer.cancel();
      progress_timer.cancel();
    });
    for (auto& ctx : contexts) {
      asio::post(ctx->ioc, [c = ctx.get()] {
        for (auto& charger : c->chargers) charger->stop();
      });
    }
  };

  signals.async_wait([&](beast::error_code ec, int) {
    if (!ec) global.request_stop();
  });

  global.start = Clock::now();
  end_timer.expires_at(global.start + seconds(options.duration));
  end_timer.async_wait([&](beast::error_code ec) {
    if (!ec) global.request_stop();
  });
  if (options.warmup > 0) {
    warmup_timer.expires_at(global.start + seconds(options.warmup));
    warmup_timer.async_wait([&](beast::error_code ec) {
      if (ec) return;
      for (auto& ctx : contexts)
        asio::post(ctx->ioc, [c = ctx.get()] {
          c->stats.reset_calls();
          c->stats_epoch += 1;
        });
    });
  }
  std::function<void()> progress;
  progress = [&] {
    progress_timer.expires_after(seconds(options.progress));
    progress_timer.async_wait([&](beast::error_code ec) {
      if (ec || global.stopping) return;
      std::fprintf(stderr, "[%7.1f s] connected %lld, ready %lld, calls ok %llu\n", global.since_start(),
                   static_cast<long long>(global.connected.load()),
                   static_cast<long long>(global.ready.load()),
                   static_cast<unsigned long long>(global.calls_ok.load()));
      progress();
    });
  };
  if (options.progress > 0) progress();

  for (std::size_t t = 0; t < contexts.size(); ++t)
    co_spawn(contexts[t]->ioc, launch(*contexts[t], options.threads, static_cast<int>(t)), asio::detached);

  // A charger stuck in a handshake would otherwise hold the run open: five seconds after
  // the stop, whatever is left is abandoned.
  std::thread watchdog([&] {
    while (!stop_requested && !done) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (int i = 0; i < 250 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!done)
      for (auto& ctx : contexts) ctx->ioc.stop();
  });
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < contexts.size(); ++t)
    threads.emplace_back([c = contexts[t].get()] { c->ioc.run(); });
  first.ioc.run();
  for (auto& t : threads) t.join();
  done = true;
  watchdog.join();

  RunResult result;
  const auto stopped = stopped_after_ns.load();
  result.elapsed_s = stopped >= 0 ? static_cast<double>(stopped) / 1e9 : global.since_start();
  result.window_s = std::max(0.0, result.elapsed_s - options.warmup);
  for (auto& ctx : contexts) result.stats.merge(ctx->stats);
  return result;
}

}  // namespace csms::loadgen

#pragma once

// A server-side TLS stream over beast::tcp_stream that holds buffers only while bytes are in
// flight. Asio's ssl::stream keeps four 17 KiB buffers (engine input and output, a BIO pair)
// for a connection's whole life: ~68 KiB on every idle charger. Here OpenSSL talks to a BIO
// of our own whose input and output are strings released once drained, and an idle
// connection waits for its next byte with a one-byte read; with SSL_MODE_RELEASE_BUFFERS an
// idle wss:// connection costs its SSL object and little else.
//
// Operations follow Asio's stream rules: one read and one write may be outstanding at once
// (what a WebSocket stream does); socket writes are serialised in order, a second operation
// that needs the socket waits for the first. An operation that produced TLS records
// completes once they are written, so a peer that does not read stalls our writers exactly
// as on a plain socket. Renegotiation is refused by the context; the peer closing TCP, with
// or without close_notify, completes a read with asio::error::eof. Private to the server
// module.

#include <openssl/ssl.h>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <memory>
#include <string>

namespace csms::server {

struct TlsPipeAccess;

class TlsStream {
 public:
  using next_layer_type = boost::beast::tcp_stream;
  using executor_type = next_layer_type::executor_type;
  using error_code = boost::system::error_code;

  // Throws std::runtime_error when OpenSSL cannot make the connection's SSL object.
  TlsStream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& context);
  TlsStream(TlsStream&&) noexcept;
  TlsStream& operator=(TlsStream&&) = delete;
  ~TlsStream();

  executor_type get_executor() { return next_.get_executor(); }
  next_layer_type& next_layer() { return next_; }
  SSL* native_handle() { return ssl_.get(); }

  // The server side of the handshake.
  template <class Token>
  auto async_handshake(Token&& token) {
    return run<false>([](TlsStream& s) { return s.step_handshake(); }, std::forward<Token>(token));
  }
  // Sends close_notify (not waiting for the peer's).
  template <class Token>
  auto async_shutdown(Token&& token) {
    return run<false>([](TlsStream& s) { return s.step_shutdown(); }, std::forward<Token>(token));
  }
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    boost::asio::mutable_buffer target;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      if (boost::asio::buffer_size(*it) > 0) {
        target = *it;
        break;
      }
    }
    return run<true>([target](TlsStream& s) { return s.step_read(target); }, std::forward<Token>(token));
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return run<true>([plan = WritePlan::of(buffers)](TlsStream& s) mutable { return s.step_write(plan); },
                     std::forward<Token>(token));
  }

 private:
  // What one SSL call left us to do.
  struct Step {
    enum Kind { Done, NeedInput, Failed } kind = Done;
    std::size_t bytes = 0;
    error_code ec;
  };
  // The bytes a write_some sends as one TLS record: the first buffer when it fills a record,
  // else up to a record's worth gathered from the first buffers (a WebSocket frame's header
  // and the start of its payload become one record, not two).
  struct WritePlan {
    static constexpr std::size_t kRecord = 16 * 1024;
    boost::asio::const_buffer single;
    std::string gathered;  // when set, the bytes (pointers into it would not survive a move)
    boost::asio::const_buffer bytes() const {
      return gathered.empty() ? single : boost::asio::buffer(gathered);
    }
    template <class ConstBuffers>
    static WritePlan of(const ConstBuffers& buffers) {
      WritePlan plan;
      std::size_t count = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers) && plan.gathered.size() < kRecord; ++it) {
        boost::asio::const_buffer buffer = *it;
        if (buffer.size() == 0) continue;
        if (++count == 1) {
          plan.single = buffer;
          if (buffer.size() >= kRecord) return plan;
          continue;
        }
        if (count == 2)
          plan.gathered.append(static_cast<const char*>(plan.single.data()), plan.single.size());
        plan.gathered.append(static_cast<const char*>(buffer.data()),
                             std::min(buffer.size(), kRecord - plan.gathered.size()));
      }
      return plan;
    }
  };
  // The bytes between OpenSSL and the socket; held apart so that the BIO's pointer survives
  // a move of the stream.
  struct Pipe {
    std::string in;  // read from the socket, not yet taken by OpenSSL
    std::size_t in_taken = 0;
    std::string out;      // TLS records not yet handed to the socket
    std::string sending;  // the records being written (here, not in the moving operation)
    // Bytes of records OpenSSL has produced and the socket has taken, since the start: an
    // operation whose records end at `produced` is done with them once `flushed` reaches it.
    std::uint64_t produced = 0;
    std::uint64_t flushed = 0;
    error_code write_error;  // a failed socket write: the stream has a gap from then on
    bool eof = false;
    bool reading = false;  // an operation reads from the socket
    bool writing = false;  // an operation writes to the socket
    char first_byte = 0;   // what an idle connection's read waits for
  };
  friend struct TlsPipeAccess;
  struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };

  Step step_handshake();
  Step step_shutdown();
  Step step_read(boost::asio::mutable_buffer target);
  Step step_write(WritePlan& plan);
  Step outcome(int result, std::size_t bytes);
  // After the one-byte read: takes what else the socket already holds, without waiting.
  void take_available();
  void wake_waiters() { wake_.cancel(); }

  // WithBytes: the operation completes with (error_code, bytes) rather than (error_code).
  template <class StepFn, bool WithBytes>
  struct Op;

  template <bool WithBytes, class StepFn, class Token>
  auto run(StepFn step, Token&& token) {
    using Signature = std::conditional_t<WithBytes, void(error_code, std::size_t), void(error_code)>;
    return boost::asio::async_compose<Token, Signature>(Op<StepFn, WithBytes>{*this, std::move(step)}, token,
                                                        next_);
  }

  next_layer_type next_;
  std::unique_ptr<Pipe> pipe_;
  std::unique_ptr<SSL, SslFree> ssl_;
  boost::asio::steady_timer wake_;  // never expires; cancelled when the socket is free again
};

// One operation: SSL calls, with the socket reads and writes they ask for, until done.
template <class StepFn, bool WithBytes>
struct TlsStream::Op {
  enum State { Start, Sent, Received, Woken, Deferred };
  Op(TlsStream& stream, StepFn fn) : s(stream), step(std::move(fn)) {}
  TlsStream& s;
  StepFn step;
  State state = Start;
  bool have_step = false;
  bool inline_start = true;  // still inside the initiating call: completion must be posted
  Step result;
  std::uint64_t owed = 0;  // where this operation's own records end (Pipe::produced)

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t transferred = 0) {
    (void)transferred;
    Pipe& pipe = *s.pipe_;
    switch (state) {
      case Start:
        break;
      case Deferred:
        return complete(self);
      case Sent:
        pipe.writing = false;
        if (ec) {
          pipe.write_error = ec;
        } else {
          pipe.flushed += pipe.sending.size();
        }
        std::string().swap(pipe.sending);
        s.wake_waiters();
        break;
      case Received:
        pipe.reading = false;
        s.wake_waiters();
        if (ec == boost::asio::error::eof) {
          pipe.eof = true;
        } else if (ec) {
          result = {Step::Failed, 0, ec};
          return complete(self);
        } else {
          pipe.in.push_back(pipe.first_byte);
          s.take_available();
        }
        break;
      case Woken:
        // The socket may be free; and what the operation beside us read may be what OpenSSL
        // was waiting for: ask it again.
        if (result.kind == Step::NeedInput) have_step = false;
        break;
    }
    if (!have_step) {
      const auto before = pipe.produced;
      result = step(s);
      have_step = true;
      if (pipe.produced != before) owed = pipe.produced;
    }
    // Our records go out before we complete (with any produced before them, in order); an
    // operation with none to send does not wait for the other's writing.
    if (pipe.flushed < owed) {
      if (pipe.write_error) {
        // An SSL failure whose alert could not be sent is still reported as itself.
        if (result.kind != Step::Failed) result = {Step::Failed, 0, pipe.write_error};
        return complete(self);
      }
      if (pipe.writing) return wait(self);
      pipe.sending.swap(pipe.out);
      pipe.writing = true;
      state = Sent;
      inline_start = false;
      return boost::asio::async_write(s.next_, boost::asio::buffer(pipe.sending), std::move(self));
    }
    if (result.kind != Step::NeedInput) return complete(self);
    if (pipe.eof) {
      result = {Step::Failed, 0, boost::asio::error::eof};
      return complete(self);
    }
    if (pipe.reading) return wait(self);
    pipe.reading = true;
    have_step = false;
    state = Received;
    inline_start = false;
    s.next_.async_read_some(boost::asio::buffer(&pipe.first_byte, 1), std::move(self));
  }

  template <class Self>
  void wait(Self& self) {
    state = Woken;
    inline_start = false;
    s.wake_.async_wait(std::move(self));
  }

  template <class Self>
  void complete(Self& self) {
    if (inline_start) {
      state = Deferred;
      inline_start = false;
      return boost::asio::post(s.get_executor(), std::move(self));
    }
    if constexpr (WithBytes) {
      self.complete(result.kind == Step::Failed ? result.ec : error_code{}, result.bytes);
    } else {
      self.complete(result.kind == Step::Failed ? result.ec : error_code{});
    }
  }
};

// The WebSocket close of a wss:// connection: close_notify, then the TCP teardown.
struct TlsTeardownOp {
  boost::beast::role_type role;
  TlsStream& stream;
  int stage = 0;
  template <class Self>
  void operator()(Self& self, boost::system::error_code ec = {}) {
    switch (stage++) {
      case 0:
        return stream.async_shutdown(std::move(self));
      case 1:  // a failed close_notify still ends in the TCP teardown
        return boost::beast::websocket::async_teardown(role, stream.next_layer().socket(), std::move(self));
      default:
        self.complete(ec);
    }
  }
};

template <class Handler>
void async_teardown(boost::beast::role_type role, TlsStream& stream, Handler&& handler) {
  boost::asio::async_compose<Handler, void(boost::system::error_code)>(TlsTeardownOp{role, stream, 0},
                                                                       handler, stream.next_layer());
}

}  // namespace csms::server

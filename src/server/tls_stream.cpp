#include "tls_stream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <algorithm>
#include <boost/asio/ssl/error.hpp>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace csms::server {

namespace asio = boost::asio;

// The BIO OpenSSL reads records from and writes records to: the connection's Pipe.
struct TlsPipeAccess {
  using Pipe = TlsStream::Pipe;
  static Pipe& pipe_of(BIO* bio) { return *static_cast<Pipe*>(BIO_get_data(bio)); }

  static int read(BIO* bio, char* data, int length) {
    auto& pipe = pipe_of(bio);
    BIO_clear_retry_flags(bio);
    const std::size_t held = pipe.in.size() - pipe.in_taken;
    if (held == 0) {
      // Never an end of file for OpenSSL: the operation sees the socket's and answers eof.
      BIO_set_retry_read(bio);
      return -1;
    }
    const std::size_t n = std::min(held, static_cast<std::size_t>(std::max(length, 0)));
    std::memcpy(data, pipe.in.data() + pipe.in_taken, n);
    pipe.in_taken += n;
    if (pipe.in_taken == pipe.in.size()) {
      std::string().swap(pipe.in);  // drained: an idle connection holds no input buffer
      pipe.in_taken = 0;
    }
    return static_cast<int>(n);
  }
  static int write(BIO* bio, const char* data, int length) {
    auto& pipe = pipe_of(bio);
    BIO_clear_retry_flags(bio);
    const auto n = static_cast<std::size_t>(std::max(length, 0));
    pipe.out.append(data, n);
    pipe.produced += n;
    return length;
  }
  static long ctrl(BIO* bio, int command, long, void*) {
    auto& pipe = pipe_of(bio);
    switch (command) {
      case BIO_CTRL_FLUSH:
        return 1;
      case BIO_CTRL_PENDING:
        return static_cast<long>(pipe.in.size() - pipe.in_taken);
      case BIO_CTRL_WPENDING:
        return static_cast<long>(pipe.out.size());
      default:
        return 0;
    }
  }
};

TlsStream::TlsStream(asio::ip::tcp::socket socket, asio::ssl::context& context)
    : next_(std::move(socket)), pipe_(std::make_unique<Pipe>()), wake_(next_.get_executor()) {
  wake_.expires_at(asio::steady_timer::time_point::max());
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "csms connection pipe");
    if (m == nullptr) return m;
    BIO_meth_set_write(m, &TlsPipeAccess::write);
    BIO_meth_set_read(m, &TlsPipeAccess::read);
    BIO_meth_set_ctrl(m, &TlsPipeAccess::ctrl);
    BIO_meth_set_create(m, [](BIO* bio) {
      BIO_set_init(bio, 1);
      return 1;
    });
    return m;
  }();
  ssl_.reset(SSL_new(context.native_handle()));
  BIO* bio = method ? BIO_new(method) : nullptr;
  if (!ssl_ || bio == nullptr) {
    BIO_free(bio);
    throw std::runtime_error("OpenSSL could not make a TLS connection object");
  }
  BIO_set_data(bio, pipe_.get());
  SSL_set_bio(ssl_.get(), bio, bio);  // the SSL object owns it
  SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                               SSL_MODE_RELEASE_BUFFERS);
  SSL_set_accept_state(ssl_.get());
}

TlsStream::TlsStream(TlsStream&& other) noexcept
    : next_(std::move(other.next_)),
      pipe_(std::move(other.pipe_)),
      ssl_(std::move(other.ssl_)),
      wake_(std::move(other.wake_)) {}

TlsStream::~TlsStream() = default;

TlsStream::Step TlsStream::outcome(int result, std::size_t bytes) {
  if (result > 0) return {Step::Done, bytes, {}};
  switch (SSL_get_error(ssl_.get(), result)) {
    case SSL_ERROR_WANT_READ:
      return {Step::NeedInput, 0, {}};
    case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
      return {Step::Failed, 0, asio::error::eof};
    case SSL_ERROR_WANT_WRITE:  // our BIO takes every write: not expected, reported as done
      return {Step::Done, bytes, {}};
    default: {
      unsigned long code = ERR_get_error();
      ERR_clear_error();  // the rest of the queue: nobody else's to read
      if (code == 0) return {Step::Failed, 0, asio::ssl::error::stream_truncated};
      return {Step::Failed, 0, error_code(static_cast<int>(code), asio::error::get_ssl_category())};
    }
  }
}

TlsStream::Step TlsStream::step_handshake() {
  ERR_clear_error();
  return outcome(SSL_do_handshake(ssl_.get()), 0);
}

TlsStream::Step TlsStream::step_shutdown() {
  ERR_clear_error();
  int result = SSL_shutdown(ssl_.get());
  if (result >= 0) return {Step::Done, 0, {}};  // 0: ours sent, the peer's not awaited
  return outcome(result, 0);
}

TlsStream::Step TlsStream::step_read(asio::mutable_buffer target) {
  if (target.size() == 0) return {Step::Done, 0, {}};
  ERR_clear_error();
  std::size_t n = 0;
  int result = SSL_read_ex(ssl_.get(), target.data(), target.size(), &n);
  return outcome(result, n);
}

TlsStream::Step TlsStream::step_write(WritePlan& plan) {
  const asio::const_buffer bytes = plan.bytes();
  if (bytes.size() == 0) return {Step::Done, 0, {}};
  ERR_clear_error();
  std::size_t n = 0;
  int result = SSL_write_ex(ssl_.get(), bytes.data(), std::min(bytes.size(), WritePlan::kRecord), &n);
  return outcome(result, n);
}

void TlsStream::take_available() {
  auto& socket = next_.socket();
  error_code ec;
  std::size_t available = socket.available(ec);
  if (ec || available == 0) return;
  Pipe& pipe = *pipe_;
  const std::size_t old = pipe.in.size();
  pipe.in.resize(old + std::min<std::size_t>(available, 64 * 1024));
  // The bytes are already there: this read does not wait.
  std::size_t n = socket.read_some(asio::buffer(pipe.in.data() + old, pipe.in.size() - old), ec);
  pipe.in.resize(old + (ec ? 0 : n));
  if (ec == asio::error::eof) pipe.eof = true;
}

}  // namespace csms::server

// The wss:// stream against Asio's own TLS client over loopback: records of every size both
// ways, a read and a write outstanding at once, the peer's close with and without
// close_notify, a handshake that is not TLS, and a close while a read waits.

#include "server/tls_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <future>
#include <stdexcept>
#include <string>

#include "csms/pki/certificate.hpp"

namespace csms::server {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

const pki::Issued& server_certificate() {
  static const pki::Issued issued = [] {
    auto ca = pki::make_ca("Stream Test CA", "Test", 24h);
    return pki::make_server_certificate({ca.cert_pem, ca.key_pem}, {"127.0.0.1"}, pki::KeyType::EcP256, 24h);
  }();
  return issued;
}

std::string pattern(std::size_t size) {
  std::string text(size, '\0');
  for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return text;
}

// Waits (on the coroutine's executor) up to 2 s for `future`; false when it is not ready.
template <class T>
awaitable<bool> ready(std::future<T>& future) {
  for (int i = 0; i < 200 && future.wait_for(0s) != std::future_status::ready; ++i) {
    asio::steady_timer pause(co_await asio::this_coro::executor, 10ms);
    co_await pause.async_wait(use_awaitable);
  }
  co_return future.wait_for(0s) == std::future_status::ready;
}

class TlsStreamTest : public ::testing::Test {
 protected:
  TlsStreamTest() : server_context_(ssl::context::tls_server), client_context_(ssl::context::tls_client) {
    server_context_.use_certificate_chain(asio::buffer(server_certificate().cert_pem));
    server_context_.use_private_key(asio::buffer(server_certificate().key_pem), ssl::context::pem);
    client_context_.set_verify_mode(ssl::verify_none);
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
  }

  // A connected pair: our stream (not yet handshaken) and Asio's client over a socket.
  awaitable<std::pair<std::unique_ptr<TlsStream>, std::unique_ptr<ssl::stream<tcp::socket>>>> connect() {
    auto client = std::make_unique<ssl::stream<tcp::socket>>(ioc_, client_context_);
    client->lowest_layer().connect(acceptor_.local_endpoint());  // completes in the backlog
    auto socket = co_await acceptor_.async_accept(asio::make_strand(ioc_), use_awaitable);
    co_return std::make_pair(std::make_unique<TlsStream>(std::move(socket), server_context_),
                             std::move(client));
  }

  // Both handshakes, run together.
  static awaitable<void> handshake(TlsStream& server, ssl::stream<tcp::socket>& client) {
    std::promise<boost::system::error_code> server_done;
    server.async_handshake([&](boost::system::error_code ec) { server_done.set_value(ec); });
    co_await client.async_handshake(ssl::stream_base::client, use_awaitable);
    // The server's completes once it has read the client's Finished.
    auto future = server_done.get_future();
    if (!co_await ready(future)) throw std::runtime_error("the server's handshake did not complete");
    EXPECT_FALSE(future.get());
  }

  template <class F>
  void run(F body) {
    auto done = asio::co_spawn(ioc_, body(), asio::use_future);
    ioc_.run_for(30s);
    ASSERT_EQ(done.wait_for(0s), std::future_status::ready) << "the exchange did not finish";
    done.get();
  }

  asio::io_context ioc_;
  ssl::context server_context_;
  ssl::context client_context_;
  tcp::acceptor acceptor_{ioc_};
};

TEST_F(TlsStreamTest, Echo_OfOneByteToSeveralRecordWrites_ArrivesWholeAndInOrder_GatheredBuffersIncluded) {
  run([this]() -> awaitable<void> {
    auto [server, client] = co_await connect();
    co_await handshake(*server, *client);
    // What the client sends: writes of 1 and 2 bytes, then 100 kB (seven records).
    const std::string sent = "a" + std::string("bc") + pattern(100'000);
    TlsStream& stream = *server;
    auto echo = [&stream]() -> awaitable<void> {
      std::string chunk(4096, '\0');
      std::size_t total = 0;
      while (total < 100'003) {
        std::size_t n = co_await stream.async_read_some(asio::buffer(chunk), use_awaitable);
        total += n;
        // Echoed as three buffers (one byte, the middle, the last byte): small ones are
        // gathered into one record; the data must come back unchanged either way.
        std::array<asio::const_buffer, 3> parts{asio::buffer(chunk.data(), 1),
                                                asio::buffer(chunk.data() + 1, n > 2 ? n - 2 : 0),
                                                asio::buffer(chunk.data() + n - 1, n > 1 ? 1 : 0)};
        co_await asio::async_write(stream, parts, use_awaitable);
      }
    };
    auto& peer = *client;
    auto send = [&]() -> awaitable<void> {
      co_await asio::async_write(peer, asio::buffer(sent.data(), 1), use_awaitable);
      co_await asio::async_write(peer, asio::buffer(sent.data() + 1, 2), use_awaitable);
      co_await asio::async_write(peer, asio::buffer(sent.data() + 3, sent.size() - 3), use_awaitable);
    };
    std::string received(sent.size(), '\0');
    auto receive = [&]() -> awaitable<void> {
      co_await asio::async_read(peer, asio::buffer(received), use_awaitable);
    };
    co_await (echo() && send() && receive());
    EXPECT_EQ(received, sent);
  });
}

TEST_F(TlsStreamTest, AReadWaitingForInput_DoesNotHoldUpAWrite_AndBothComplete) {
  run([this]() -> awaitable<void> {
    auto [server, client] = co_await connect();
    co_await handshake(*server, *client);
    std::string inbound(4, '\0');
    std::promise<std::size_t> read_done;
    // The read is outstanding while 1 MB is written: the client reads it all before it
    // writes the four bytes the read waits for.
    asio::async_read(*server, asio::buffer(inbound),
                     [&](boost::system::error_code ec, std::size_t n) { read_done.set_value(ec ? 0 : n); });
    const std::string big = pattern(1'000'000);
    std::string received(big.size(), '\0');
    auto [written, read] = co_await (asio::async_write(*server, asio::buffer(big), use_awaitable) &&
                                     asio::async_read(*client, asio::buffer(received), use_awaitable));
    EXPECT_EQ(written, big.size());
    EXPECT_EQ(read, big.size());
    EXPECT_EQ(received, big);
    co_await asio::async_write(*client, asio::buffer(std::string("done")), use_awaitable);
    auto future = read_done.get_future();
    if (!co_await ready(future)) throw std::runtime_error("the read did not complete");
    EXPECT_EQ(future.get(), 4u);
    EXPECT_EQ(inbound, "done");
  });
}

TEST_F(TlsStreamTest, AReadStartedWhileAWriteIsStalled_StillReceives_WritesDoNotHoldUpReads) {
  // The peer does not read until we have read what it sent: a read that waited for our
  // stalled write would never come (on ws:// the two are independent; so they must be here).
  run([this]() -> awaitable<void> {
    auto [server, client] = co_await connect();
    co_await handshake(*server, *client);
    const std::string big = pattern(4'000'000);  // more than both sockets' buffers hold
    std::promise<std::size_t> written;
    asio::async_write(*server, asio::buffer(big),
                      [&](boost::system::error_code ec, std::size_t n) { written.set_value(ec ? 0 : n); });
    std::string inbound(4, '\0');
    std::promise<std::size_t> read_done;
    asio::async_read(*server, asio::buffer(inbound),
                     [&](boost::system::error_code ec, std::size_t n) { read_done.set_value(ec ? 0 : n); });
    co_await asio::async_write(*client, asio::buffer(std::string("ping")), use_awaitable);
    auto read_future = read_done.get_future();
    const bool read_while_writing = co_await ready(read_future);
    EXPECT_TRUE(read_while_writing) << "the read waited for the stalled write";
    std::string received(big.size(), '\0');
    co_await asio::async_read(*client, asio::buffer(received), use_awaitable);
    EXPECT_EQ(received, big);
    auto write_future = written.get_future();
    if (!co_await ready(write_future)) throw std::runtime_error("the write did not complete");
    EXPECT_EQ(write_future.get(), big.size());
    if (read_while_writing) {
      EXPECT_EQ(read_future.get(), 4u);
      EXPECT_EQ(inbound, "ping");
    }
  });
}

TEST_F(TlsStreamTest, ThePeersCloseNotify_OrATcpCloseWithoutIt_EndsAReadWithEof) {
  run([this]() -> awaitable<void> {
    for (bool close_notify : {true, false}) {
      auto [server, client] = co_await connect();
      co_await handshake(*server, *client);
      // Asio's shutdown sends close_notify and then waits for ours: started, not awaited
      // (it ends when its socket is closed below, before the stream goes).
      std::promise<void> shut;
      if (close_notify)
        client->async_shutdown([&](boost::system::error_code) { shut.set_value(); });
      else  // a FIN (a close would send a reset: the session tickets are still unread)
        client->lowest_layer().shutdown(tcp::socket::shutdown_send);
      char byte = 0;
      auto [ec, n] = co_await server->async_read_some(asio::buffer(&byte, 1), asio::as_tuple(use_awaitable));
      EXPECT_EQ(ec, asio::error::eof) << (close_notify ? "close_notify: " : "TCP close: ") << ec.message();
      EXPECT_EQ(n, 0u);
      if (close_notify) {
        client->lowest_layer().close();
        auto ended = shut.get_future();
        if (!co_await ready(ended)) throw std::runtime_error("the client's shutdown did not end");
      }
    }
  });
}

TEST_F(TlsStreamTest, AHandshakeThatIsNotTls_FailsWithAnSslError) {
  run([this]() -> awaitable<void> {
    auto [server, client] = co_await connect();
    co_await asio::async_write(client->next_layer(), asio::buffer(std::string("GET / HTTP/1.1\r\n\r\n")),
                               use_awaitable);
    auto [ec] = co_await server->async_handshake(asio::as_tuple(use_awaitable));
    EXPECT_TRUE(ec);
    EXPECT_EQ(ec.category(), asio::error::get_ssl_category()) << ec.message();
  });
}

TEST_F(TlsStreamTest, ClosingTheSocket_EndsAWaitingRead) {
  run([this]() -> awaitable<void> {
    auto [server, client] = co_await connect();
    co_await handshake(*server, *client);
    char byte = 0;
    std::promise<boost::system::error_code> read_done;
    server->async_read_some(asio::buffer(&byte, 1),
                            [&](boost::system::error_code ec, std::size_t) { read_done.set_value(ec); });
    asio::steady_timer pause(server->get_executor(), 50ms);
    co_await pause.async_wait(use_awaitable);
    server->next_layer().close();
    auto future = read_done.get_future();
    if (!co_await ready(future)) throw std::runtime_error("the read did not end");
    EXPECT_EQ(future.get(), asio::error::operation_aborted);
  });
}

}  // namespace
}  // namespace csms::server

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

#include "async_support.hpp"
#include "server_impl.hpp"

namespace csms::server {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::size_t kMaxBody = 1024 * 1024;

HttpResponse problem(int status, const char* title, const std::string& detail) {
  std::string body = R"({"type":"about:blank","title":")" + std::string(title) + R"(","status":)" +
                     std::to_string(status) + R"(,"detail":")" + detail + "\"}";
  return HttpResponse{status, "application/problem+json", {}, std::move(body), nullptr, {}};
}

// Server-sent events: the header, then each pushed event as it comes, a comment every 15 s
// so that dead clients are noticed, until the stream or the server closes.
template <class Stream>
awaitable<void> stream_events(Server::Impl& server, Stream& stream, std::shared_ptr<EventStream> events) {
  auto timer = std::make_shared<asio::steady_timer>(stream.get_executor());
  events->set_notifier(
      [timer, executor = stream.get_executor()] { asio::post(executor, [timer] { timer->cancel(); }); });
  std::string header =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "Connection: close\r\nServer: csms\r\n\r\n: connected\n\n";
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(header), kAsTuple);
  (void)n;
  while (!ec && !server.stopping) {
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
    beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
    auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(chunk), kAsTuple);
    (void)written;
    ec = write_ec;
  }
  events->set_notifier(nullptr);
  events->close();
}

// A large body being read: holds one of the server's upload places.
class UploadPlace {
 public:
  explicit UploadPlace(std::atomic<std::size_t>& count) : count_(count) {}
  ~UploadPlace() {
    if (held_) --count_;
  }
  UploadPlace(const UploadPlace&) = delete;
  UploadPlace& operator=(const UploadPlace&) = delete;
  bool take(std::size_t max) {
    if (++count_ > max) {
      --count_;
      return false;
    }
    held_ = true;
    return true;
  }

 private:
  std::atomic<std::size_t>& count_;
  bool held_ = false;
};

template <class Stream>
awaitable<void> write_simple(Stream& stream, int status, unsigned version, std::string body) {
  http::response<http::string_body> response{static_cast<http::status>(status), version};
  response.set(http::field::content_type, "application/problem+json");
  response.set(http::field::server, "csms");
  response.body() = std::move(body);
  response.keep_alive(false);
  response.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  co_await http::async_write(stream, response, kAsTuple);
}

// A file as the body, written a piece at a time so a large one gets a deadline per piece.
template <class Stream>
awaitable<bool> write_file(Stream& stream, const HttpResponse& answer, unsigned version, bool keep_alive) {
  http::file_body::value_type file;
  beast::error_code open_ec;
  file.open(answer.file_path.c_str(), beast::file_mode::scan, open_ec);
  if (open_ec) {
    co_await write_simple(stream, 404, version, problem(404, "Not Found", "the file is gone").body);
    co_return false;
  }
  http::response<http::file_body> response{static_cast<http::status>(answer.status), version};
  response.set(http::field::content_type, answer.content_type);
  response.set(http::field::server, "csms");
  for (const auto& [name, value] : answer.headers) response.set(name, value);
  response.body() = std::move(file);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  http::response_serializer<http::file_body> serializer{response};
  while (!serializer.is_done()) {
    beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
    auto [ec, n] = co_await http::async_write_some(stream, serializer, kAsTuple);
    (void)n;
    if (ec) co_return false;
  }
  co_return keep_alive;
}

template <class Stream>
awaitable<void> serve(Server::Impl& server, Stream& stream, ConnectionGate::Ticket& ticket) {
  beast::flat_buffer buffer;
  for (;;) {
    beast::get_lowest_layer(stream).expires_after(kReadTimeout);
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    // Beast checks a Content-Length against the limit as the header completes: the limit is
    // ours to decide once the target is known (below).
    parser.body_limit(boost::none);
    auto [header_ec, header_n] = co_await http::async_read_header(stream, buffer, parser, kAsTuple);
    (void)header_n;
    ticket.handshake_done();  // a keep-alive connection waiting for its next request is not "arriving"
    beast::error_code ec = header_ec;
    std::size_t limit = kMaxBody;
    UploadPlace upload(server.uploads);
    if (!ec) {
      const auto& head = parser.get();
      if (server.settings.upload_limit)
        limit = std::max(
            limit, server.settings.upload_limit(std::string(head.method_string()), std::string(head.target()),
                                                std::string(head[http::field::authorization])));
      const auto length = parser.content_length();
      if (length && *length > limit) ec = http::error::body_limit;
      // A large body, or one of unknown length where a large one may come, holds a place.
      const bool large = limit > kMaxBody && (!length || *length > kMaxBody);
      if (!ec && large && !upload.take(server.settings.max_uploads)) {
        co_await write_simple(
            stream, 503, head.version(),
            problem(503, "Service Unavailable", "too many uploads at once; try again later").body);
        break;
      }
      parser.body_limit(limit);  // a chunked body is counted as it comes
      auto expect = head.find(http::field::expect);
      if (!ec && expect != head.end() && beast::iequals(expect->value(), "100-continue") &&
          !parser.is_done()) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [continue_ec, written] =
            co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()), kAsTuple);
        (void)written;
        ec = continue_ec;
      }
      if (!ec && !parser.is_done() && !large) {
        auto [body_ec, n] = co_await http::async_read(stream, buffer, parser, kAsTuple);
        (void)n;
        ec = body_ec;
      }
      // A large body: 30 s at most between pieces, and after the first 30 s at least 16 KiB/s
      // on average, so a sender that trickles cannot hold an upload place for long.
      const auto started = std::chrono::steady_clock::now();
      std::uint64_t received = 0;
      while (!ec && !parser.is_done() && large) {
        beast::get_lowest_layer(stream).expires_after(kReadTimeout);
        auto [body_ec, n] = co_await http::async_read_some(stream, buffer, parser, kAsTuple);
        ec = body_ec;
        received += n;
        const auto elapsed = std::chrono::steady_clock::now() - started;
        if (!ec && elapsed > kReadTimeout &&
            received < static_cast<std::uint64_t>(
                           std::chrono::duration_cast<std::chrono::seconds>(elapsed).count()) *
                           16 * 1024) {
          co_await write_simple(
              stream, 408, head.version(),
              problem(408, "Request Timeout", "the body came too slowly (under 16 KiB/s)").body);
          ec = beast::error::timeout;
          break;
        }
      }
    }
    if (ec) {
      if (ec == http::error::body_limit || ec == http::error::header_limit) {
        bool body = ec == http::error::body_limit;
        co_await write_simple(
            stream, body ? 413 : 431, 11,
            body ? problem(413, "Payload Too Large",
                           "bodies are limited to " + std::to_string(limit) + " bytes here")
                       .body
                 : problem(431, "Request Header Fields Too Large", "headers are limited to 16 KiB").body);
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
    beast::get_lowest_layer(stream).expires_never();
    // Named, not a temporary inside the co_await: GCC 12 mishandles destructors of
    // temporaries in co_await expressions.
    auto shared_request = std::make_shared<HttpRequest>(std::move(plain));
    std::function<void(std::function<void(HttpResponse)>)> start =
        [&server, shared_request](std::function<void(HttpResponse)> done) {
          // `done` is copied, not moved: a handler that throws after taking its copy must
          // still leave one here to answer with (answering twice is harmless: the first wins).
          try {
            server.http_handler(std::move(*shared_request), done);
          } catch (const std::exception& e) {
            spdlog::error("http handler threw: {}", e.what());
            done(problem(500, "Internal Server Error", "the request could not be completed"));
          }
        };
    auto answer = co_await await_callback<HttpResponse>(
        std::move(start), server.settings.api_request_timeout,
        problem(503, "Service Unavailable", "the request took too long; try again later"));
    if (answer.stream) {
      co_await stream_events(server, stream, answer.stream);
      break;
    }
    const bool keep_alive = request.keep_alive() && !server.stopping;
    if (!answer.file_path.empty()) {
      if (!co_await write_file(stream, answer, request.version(), keep_alive)) break;
      continue;
    }
    http::response<http::string_body> response{static_cast<http::status>(answer.status), request.version()};
    response.set(http::field::content_type, answer.content_type);
    response.set(http::field::server, "csms");
    for (const auto& [name, value] : answer.headers) response.set(name, value);
    response.body() = std::move(answer.body);
    response.keep_alive(keep_alive);
    response.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
    auto [write_ec, written] = co_await http::async_write(stream, response, kAsTuple);
    (void)written;
    if (write_ec || !response.keep_alive()) break;
  }
}

}  // namespace

awaitable<void> serve_http(Server::Impl& server, tcp::socket socket, ConnectionGate::Ticket ticket,
                           std::shared_ptr<asio::ssl::context> tls) {
  if (!tls) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve(server, stream, ticket);
  } else {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
    beast::get_lowest_layer(stream).expires_after(kReadTimeout);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kAsTuple);
    if (!ec) co_await serve(server, stream, ticket);
  }
  // The socket is closed with the stream; nothing more to say to a client over TLS or not.
}

}  // namespace csms::server

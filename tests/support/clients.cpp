#include "support/clients.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/websocket.hpp>
#include <thread>

namespace csms::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http_ns = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

std::string base64(const std::string& text) {
  std::string out;
  out.resize(beast::detail::base64::encoded_size(text.size()));
  out.resize(beast::detail::base64::encode(out.data(), text.data(), text.size()));
  return out;
}

}  // namespace

struct OcppClient::Impl {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  std::string protocol;
  bool closed = false;
};

OcppClient::OcppClient(unsigned short port, const std::string& station_id,
                       const std::vector<std::string>& protocols,
                       std::optional<std::pair<std::string, std::string>> basic,
                       const std::string& path_prefix)
    : impl_(std::make_unique<Impl>()) {
  auto& lowest = beast::get_lowest_layer(impl_->ws);
  lowest.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::string offered;
  for (const auto& p : protocols) offered += (offered.empty() ? "" : ", ") + p;
  impl_->ws.set_option(websocket::stream_base::decorator([offered, basic](websocket::request_type& request) {
    if (!offered.empty()) request.set(http_ns::field::sec_websocket_protocol, offered);
    if (basic)
      request.set(http_ns::field::authorization, "Basic " + base64(basic->first + ":" + basic->second));
  }));
  websocket::response_type response;
  beast::error_code ec;
  impl_->ws.handshake(response, "127.0.0.1:" + std::to_string(port), path_prefix + "/" + station_id, ec);
  if (ec) throw HandshakeRefused(static_cast<int>(response.result_int()), response.body());
  impl_->protocol = std::string(response[http_ns::field::sec_websocket_protocol]);
}

OcppClient::~OcppClient() {
  if (!impl_->closed) {
    beast::error_code ec;
    beast::get_lowest_layer(impl_->ws).close();
  }
}

const std::string& OcppClient::protocol() const { return impl_->protocol; }

void OcppClient::send_text(const std::string& text) {
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text));
}

std::string OcppClient::receive(std::chrono::milliseconds timeout) {
  beast::error_code result = asio::error::would_block;
  std::size_t size = 0;
  impl_->ws.async_read(impl_->buffer, [&](beast::error_code ec, std::size_t n) {
    result = ec;
    size = n;
  });
  impl_->ioc.restart();
  impl_->ioc.run_for(timeout);
  if (result == asio::error::would_block) {
    beast::get_lowest_layer(impl_->ws).close();  // cancels the read
    impl_->ioc.restart();
    impl_->ioc.run();
    impl_->closed = true;
    throw std::runtime_error("no frame within the timeout");
  }
  if (result) {
    impl_->closed = true;
    throw std::runtime_error("connection ended: " + result.message());
  }
  std::string text = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(size);
  return text;
}

bool OcppClient::silent_for(std::chrono::milliseconds quiet) {
  std::this_thread::sleep_for(quiet);
  return impl_->buffer.size() == 0 && beast::get_lowest_layer(impl_->ws).socket().available() == 0;
}

bool OcppClient::closed_by_server(std::chrono::milliseconds timeout) {
  try {
    for (;;) receive(timeout);
  } catch (const std::exception& e) {
    return std::string(e.what()).find("connection ended") != std::string::npos;
  }
}

nlohmann::json OcppClient::call(const std::string& action, const nlohmann::json& payload) {
  auto id = "c" + std::to_string(next_id_++);
  send_text(nlohmann::json::array({2, id, action, payload}).dump());
  for (;;) {
    auto frame = nlohmann::json::parse(receive());
    if (frame.is_array() && frame.size() >= 2 && (frame[0] == 3 || frame[0] == 4) && frame[1] == id)
      return frame;
  }
}

struct EventStreamClient::Impl {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  std::string text;
};

EventStreamClient::EventStreamClient(unsigned short port, const std::string& target, const std::string& token)
    : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                        "\r\nAccept: text/event-stream\r\n\r\n";
  asio::write(impl_->socket, asio::buffer(request));
}

EventStreamClient::~EventStreamClient() {
  beast::error_code ec;
  impl_->socket.close(ec);
}

std::string EventStreamClient::read_until(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char chunk[4096];
  while (impl_->text.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    bool done = false;
    impl_->socket.async_read_some(asio::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
      done = true;
      if (!ec) impl_->text.append(chunk, n);
    });
    impl_->ioc.restart();
    impl_->ioc.run_for(deadline - std::chrono::steady_clock::now());
    if (!done) {
      impl_->socket.cancel();
      impl_->ioc.restart();
      impl_->ioc.run();
    }
  }
  return impl_->text;
}

HttpResult http(unsigned short port, const std::string& method, const std::string& target,
                const std::optional<nlohmann::json>& body, const std::string& token,
                const std::string& accept) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http_ns::request<http_ns::string_body> request{http_ns::string_to_verb(method), target, 11};
  request.set(http_ns::field::host, "127.0.0.1");
  if (!token.empty()) request.set(http_ns::field::authorization, "Bearer " + token);
  if (!accept.empty()) request.set(http_ns::field::accept, accept);
  if (body) {
    request.set(http_ns::field::content_type, "application/json");
    request.body() = body->dump();
  }
  request.prepare_payload();
  http_ns::write(stream, request);
  beast::flat_buffer buffer;
  http_ns::response<http_ns::string_body> response;
  http_ns::read(stream, buffer, response);
  HttpResult result;
  result.status = static_cast<int>(response.result_int());
  result.content_type = std::string(response[http_ns::field::content_type]);
  result.raw = response.body();
  result.body = nlohmann::json::parse(result.raw, nullptr, false);
  if (result.body.is_discarded()) result.body = nullptr;
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return result;
}

}  // namespace csms::testing

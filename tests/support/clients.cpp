#include "support/clients.hpp"

#include <ctime>

#include <algorithm>
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
  // poll(): a read left waiting across calls, and its outcome.
  bool reading = false;
  beast::error_code read_result;
  std::size_t read_size = 0;
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

std::optional<std::string> OcppClient::poll(std::chrono::milliseconds timeout) {
  if (!impl_->reading) {
    impl_->reading = true;
    impl_->read_result = asio::error::would_block;
    impl_->ws.async_read(impl_->buffer, [this](beast::error_code ec, std::size_t n) {
      impl_->read_result = ec;
      impl_->read_size = n;
    });
  }
  impl_->ioc.restart();
  impl_->ioc.run_for(timeout);
  if (impl_->read_result == asio::error::would_block) return std::nullopt;
  impl_->reading = false;
  if (impl_->read_result) {
    impl_->closed = true;
    throw std::runtime_error("connection ended: " + impl_->read_result.message());
  }
  std::string text = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->read_size);
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
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return result;
}

std::string masked_text_frame(const std::string& payload) {
  std::string frame;
  frame += static_cast<char>(0x81);  // FIN, text
  const std::size_t n = payload.size();
  if (n < 126) {
    frame += static_cast<char>(0x80 | n);
  } else if (n < 65536) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>((n >> 8) & 0xff);
    frame += static_cast<char>(n & 0xff);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((n >> shift) & 0xff);
  }
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  frame.append(mask, 4);
  for (std::size_t i = 0; i < n; ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  return frame;
}

struct RawWsClient::Impl {
  asio::io_context ioc;
  tcp::socket socket{ioc};
};

RawWsClient::RawWsClient(unsigned short port, const std::string& station_id, const std::string& protocol)
    : impl_(std::make_unique<Impl>()) {
  // A small receive window, as a hostile non-reader would choose: the server's answers fill
  // it after a few hundred frames rather than after the megabytes loopback autotuning allows,
  // so a stalled writer shows in seconds even under the sanitizers.
  impl_->socket.open(tcp::v4());
  impl_->socket.set_option(asio::socket_base::receive_buffer_size(4096));
  impl_->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::string request = "GET /ocpp/" + station_id +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        "Sec-WebSocket-Protocol: " +
                        protocol + "\r\n\r\n";
  asio::write(impl_->socket, asio::buffer(request));
  // Read the response head byte by byte so that no frame after it is swallowed.
  std::string head;
  char c = 0;
  while (head.find("\r\n\r\n") == std::string::npos) {
    asio::read(impl_->socket, asio::buffer(&c, 1));
    head += c;
  }
  if (head.rfind("HTTP/1.1 101", 0) != 0) throw std::runtime_error("upgrade refused: " + head);
  impl_->socket.non_blocking(true);
}

RawWsClient::~RawWsClient() {
  beast::error_code ec;
  impl_->socket.close(ec);
}

std::size_t RawWsClient::flood(const std::string& payload, std::size_t count,
                               std::chrono::milliseconds stall) {
  const std::string frame = masked_text_frame(payload);
  // Frames are written in chunks of many at once; a partial write leaves an offset.
  std::string chunk;
  const std::size_t per_chunk = std::max<std::size_t>(1, 65536 / frame.size());
  for (std::size_t i = 0; i < per_chunk; ++i) chunk += frame;
  std::size_t bytes_sent = 0;
  const std::size_t total = frame.size() * count;
  auto last_progress = std::chrono::steady_clock::now();
  while (bytes_sent < total) {
    const std::size_t offset = bytes_sent % chunk.size();
    const std::size_t want = std::min(chunk.size() - offset, total - bytes_sent);
    beast::error_code ec;
    const std::size_t n = impl_->socket.write_some(asio::buffer(chunk.data() + offset, want), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      if (std::chrono::steady_clock::now() - last_progress > stall) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (ec) break;  // the server closed the connection
    bytes_sent += n;
    last_progress = std::chrono::steady_clock::now();
  }
  return bytes_sent / frame.size();
}

bool RawWsClient::closed_by_server(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  while (std::chrono::steady_clock::now() < deadline) {
    beast::error_code ec;
    impl_->socket.read_some(asio::buffer(buffer), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (ec) return true;
  }
  return false;
}

std::vector<std::string> RawWsClient::pipeline(const std::vector<std::string>& frames, std::size_t replies,
                                               std::chrono::milliseconds timeout) {
  std::string out;
  for (const auto& frame : frames) out += masked_text_frame(frame);
  std::size_t written = 0;
  std::string in;
  std::vector<std::string> messages;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  while (messages.size() < replies && std::chrono::steady_clock::now() < deadline) {
    bool progress = false;
    beast::error_code ec;
    if (written < out.size()) {
      auto n = impl_->socket.write_some(asio::buffer(out.data() + written, out.size() - written), ec);
      if (!ec) {
        written += n;
        progress = n > 0;
      } else if (ec != asio::error::would_block && ec != asio::error::try_again) {
        break;
      }
    }
    auto n = impl_->socket.read_some(asio::buffer(buffer), ec);
    if (!ec) {
      in.append(buffer, n);
      progress = progress || n > 0;
    } else if (ec != asio::error::would_block && ec != asio::error::try_again) {
      break;
    }
    // Server frames are unmasked: FIN/opcode, length (7, 16 or 64 bits), payload.
    for (;;) {
      if (in.size() < 2) break;
      std::size_t length = static_cast<unsigned char>(in[1]) & 0x7f;
      std::size_t header = 2;
      if (length == 126) {
        if (in.size() < 4) break;
        length = (static_cast<std::size_t>(static_cast<unsigned char>(in[2])) << 8) |
                 static_cast<unsigned char>(in[3]);
        header = 4;
      } else if (length == 127) {
        if (in.size() < 10) break;
        length = 0;
        for (int i = 2; i < 10; ++i)
          length = (length << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
        header = 10;
      }
      if (in.size() < header + length) break;
      if ((in[0] & 0x0f) == 0x1) messages.push_back(in.substr(header, length));
      in.erase(0, header + length);
    }
    if (!progress) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return messages;
}

HttpResult http_raw(unsigned short port, const std::string& raw, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.expires_after(timeout);
  HttpResult result;
  beast::error_code ec;
  asio::write(stream.socket(), asio::buffer(raw), ec);
  beast::flat_buffer buffer;
  http_ns::response_parser<http_ns::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http_ns::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  ioc.run();  // the stream's expiry bounds it
  if (!parser.is_header_done()) return result;
  auto response = parser.release();
  result.status = static_cast<int>(response.result_int());
  result.content_type = std::string(response[http_ns::field::content_type]);
  result.raw = response.body();
  result.body = nlohmann::json::parse(result.raw, nullptr, false);
  if (result.body.is_discarded()) result.body = nullptr;
  return result;
}

std::string utc(std::chrono::system_clock::time_point t) {
  auto tt = std::chrono::system_clock::to_time_t(t);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return out;
}

}  // namespace csms::testing

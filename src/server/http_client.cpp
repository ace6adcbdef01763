#include "csms/server/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

namespace csms::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// Connect (and for TLS, handshake), write, read: one chain of completions on `ioc`.
template <class Stream>
void exchange(Stream& stream, tcp::resolver& resolver, const std::string& host, const std::string& port,
              http::request<http::string_body>& request, beast::flat_buffer& buffer,
              http::response<http::string_body>& response, HttpPostResult& result) {
  auto send = [&] {
    http::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
      if (ec) return void(result.error = "write: " + ec.message());
      http::async_read(stream, buffer, response, [&](beast::error_code read_ec, std::size_t) {
        if (read_ec) return void(result.error = "read: " + read_ec.message());
        result.status = static_cast<int>(response.result_int());
      });
    });
  };
  resolver.async_resolve(host, port, [&, send](beast::error_code ec, tcp::resolver::results_type endpoints) {
    if (ec) return void(result.error = "resolve: " + ec.message());
    beast::get_lowest_layer(stream).async_connect(
        endpoints, [&, send](beast::error_code connect_ec, const tcp::endpoint&) {
          if (connect_ec) return void(result.error = "connect: " + connect_ec.message());
          if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            send();
          } else {
            stream.async_handshake(ssl::stream_base::client, [&, send](beast::error_code tls_ec) {
              if (tls_ec) return void(result.error = "TLS: " + tls_ec.message());
              send();
            });
          }
        });
  });
}

}  // namespace

HttpPostResult http_post(const std::string& url, const std::map<std::string, std::string>& headers,
                         const std::string& body, std::chrono::milliseconds timeout,
                         const std::string& ca_file) {
  const bool tls = url.starts_with("https://");
  if (!tls && !url.starts_with("http://")) return {0, "only http:// and https:// URLs are supported: " + url};
  auto rest = url.substr(tls ? 8 : 7);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string host = authority;
  std::string port = tls ? "443" : "80";
  if (auto colon = authority.rfind(':');
      colon != std::string::npos && authority.find(']') == std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return {0, "no host in " + url};

  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "csms");
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  HttpPostResult result;

  if (!tls) {
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    exchange(stream, resolver, host, port, request, buffer, response, result);
    ioc.run_for(timeout + std::chrono::seconds(1));
  } else {
    ssl::context context(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    beast::error_code ec;
    if (ca_file.empty())
      context.set_default_verify_paths(ec);
    else
      context.load_verify_file(ca_file, ec);
    if (ec)
      return {0, "TLS: cannot load the CA bundle " + (ca_file.empty() ? "(system)" : ca_file) + ": " +
                     ec.message()};
    context.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, context);
    // SNI and the name the certificate must carry.
    if (SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()) != 1)
      return {0, "TLS: bad host name " + host};
    stream.set_verify_callback(ssl::host_name_verification(host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    exchange(stream, resolver, host, port, request, buffer, response, result);
    ioc.run_for(timeout + std::chrono::seconds(1));
  }
  if (result.status == 0 && result.error.empty()) result.error = "timed out";
  return result;
}

}  // namespace csms::server

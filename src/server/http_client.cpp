#include "csms/server/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

namespace csms::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpPostResult http_post(const std::string& url, const std::map<std::string, std::string>& headers,
                         const std::string& body, std::chrono::milliseconds timeout) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return {0, "only http:// URLs are supported: " + url};
  auto rest = url.substr(kScheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string host = authority;
  std::string port = "80";
  if (auto colon = authority.rfind(':');
      colon != std::string::npos && authority.find(']') == std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return {0, "no host in " + url};

  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
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

  stream.expires_after(timeout);
  resolver.async_resolve(host, port, [&](beast::error_code ec, tcp::resolver::results_type endpoints) {
    if (ec) return void(result.error = "resolve: " + ec.message());
    stream.async_connect(endpoints, [&](beast::error_code ec2, const tcp::endpoint&) {
      if (ec2) return void(result.error = "connect: " + ec2.message());
      http::async_write(stream, request, [&](beast::error_code ec3, std::size_t) {
        if (ec3) return void(result.error = "write: " + ec3.message());
        http::async_read(stream, buffer, response, [&](beast::error_code ec4, std::size_t) {
          if (ec4) return void(result.error = "read: " + ec4.message());
          result.status = static_cast<int>(response.result_int());
        });
      });
    });
  });
  ioc.run_for(timeout + std::chrono::seconds(1));
  if (result.status == 0 && result.error.empty()) result.error = "timed out";
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return result;
}

}  // namespace csms::server

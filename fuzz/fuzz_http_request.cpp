// An HTTP request as either listener reads it (Beast's parser, 1 MiB body limit), then the
// WebSocket handshake's own reading of it: the station identity from the target, the
// subprotocol chosen from the charger's list, the Basic credentials.
//
// Input: the bytes a client sends on the connection.

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "fuzz_util.hpp"
#include "server/http_util.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using namespace csms;
using fuzz::require;

void handshake(const http::request<http::string_body>& request) {
  (void)beast::websocket::is_upgrade(request);
  if (auto identity = server::station_identity(request.target(), "/ocpp")) {
    require(!identity->empty() && identity->size() <= 48, "an identity has 1 to 48 characters");
    require(identity->find(':') == std::string::npos, "an identity has no ':' (the Basic user name)");
    require(identity->find('/') == std::string::npos, "an identity is one path segment");
  }
  if (auto version = server::choose_subprotocol(request[http::field::sec_websocket_protocol]))
    (void)ocpp::subprotocol(*version);
  if (auto credentials = server::basic_credentials(request[http::field::authorization]))
    require(credentials->first.find(':') == std::string::npos, "a Basic user name has no ':'");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  beast::error_code ec;
  boost::asio::const_buffer rest(data, size);
  while (rest.size() > 0 && !parser.is_done()) {
    auto used = parser.put(rest, ec);
    rest += used;
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) break;  // the header is incomplete and nothing more will come
    } else if (ec) {
      return 0;  // the listener answers 400 or 413, or drops the connection
    }
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  handshake(parser.get());
  return 0;
}

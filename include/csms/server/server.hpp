#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "csms/ocpp/validator.hpp"
#include "csms/server/http_types.hpp"
#include "csms/server/station_link.hpp"

namespace csms::server {

// The wss:// listener (security profiles 2 and 3). PEM files; the ECDSA pair is optional
// beside the RSA one (either alone works too).
struct TlsSettings {
  bool listen = true;  // the wss:// listener (else the certificates serve HTTPS for the API only)
  std::string host = "0.0.0.0";
  unsigned short port = 9443;
  std::string cert_file;
  std::string key_file;
  std::string ecdsa_cert_file;
  std::string ecdsa_key_file;
  // CA bundle that client certificates must chain to; empty: none are asked for (profile 2 only).
  std::string client_ca_file;
  // Expired client certificates pass the handshake (the application lets them in as Pending
  // and renews them, A00.FR.429); otherwise the handshake fails.
  bool accept_expired_clients = false;
  // How often the files are looked at for changes (reloaded without dropping connections).
  std::chrono::seconds reload_check{10};
};

struct ServerSettings {
  std::string ocpp_host = "0.0.0.0";
  unsigned short ocpp_port = 9000;
  std::string path_prefix = "/ocpp";
  std::string api_host = "127.0.0.1";
  unsigned short api_port = 8080;
  std::size_t max_frame_bytes = 64 * 1024;
  std::chrono::seconds ping_interval{60};
  // From accepting a connection to its 101: reading the request, authenticating, answering.
  std::chrono::seconds handshake_timeout{10};
  std::size_t max_outbox = 256;  // frames queued for a charger that does not read
  // A charger whose one frame in flight is not taken for this long is closed.
  std::chrono::seconds write_timeout{60};
  std::size_t max_connections = 50000;  // chargers' connections open at once
  std::size_t max_handshakes = 2000;    // of which still in their handshake (more wait in the backlog)
  std::size_t api_max_connections = 512;
  // A REST request whose handler has not answered by then gets 503.
  std::chrono::seconds api_request_timeout{120};
  // Applied to a frame before frame logging writes it (secrets out); none: as it is.
  std::function<std::string(const std::string&)> redact;
  ocpp::Leniency leniency;
  int threads = 2;
  std::optional<TlsSettings> tls;  // the wss:// listener, beside the ws:// one
  bool api_tls = false;            // the API listener speaks HTTPS with the certificates of `tls`
  // Requests that may carry a large body (firmware images, stations' log uploads): the
  // largest body for a method, target and Authorization header (checked before the body is
  // read); 1 MiB where it answers less. Such a body must keep coming (30 s between pieces at
  // most, 16 KiB/s on average after the first 30 s), and at most `max_uploads` are read at
  // once (more are answered 503).
  std::function<std::size_t(const std::string& method, const std::string& target,
                            const std::string& authorization)>
      upload_limit;
  std::size_t max_uploads = 4;
};

struct ServerStats {
  std::size_t connections = 0;
  std::map<std::string, std::uint64_t> leniencies;  // how often each was applied
};

// The Beast listeners: OCPP-J WebSockets for chargers and HTTP for the REST API. Owns the
// io_context and its threads.
class Server {
 public:
  Server(ServerSettings settings, StationHandler& stations, HttpHandler http);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds both listeners (throws with the address on failure) and starts the threads.
  void start();
  // Stops accepting, closes chargers with "going away", lets in-flight work finish for at
  // most `grace`, then stops the threads.
  void stop(std::chrono::milliseconds grace);
  // Ports actually bound (useful with port 0).
  unsigned short ocpp_port() const;
  unsigned short api_port() const;
  unsigned short tls_port() const;  // 0 without a wss:// listener
  // Reads the certificate and key files again; new connections use them, open ones keep
  // theirs. Returns false (and logs why) when they cannot be used; the old ones stay.
  bool reload_tls();

  std::shared_ptr<StationLink> find(const std::string& station_id) const;
  // Logs every frame to and from this station at info level (debugging one charger).
  void set_frame_logging(const std::string& station_id, bool enabled);
  ServerStats stats() const;

  struct Impl;  // public so the connection classes in server.cpp can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace csms::server

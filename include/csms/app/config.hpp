#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "csms/api/api_token.hpp"
#include "csms/ocpp/validator.hpp"

namespace csms::app {

// A bad configuration value; what() is one line naming the key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Endpoint {
  std::string host;
  unsigned short port = 0;
};

enum class UnknownStations { Accept, Pending, Reject };
using Role = api::Role;

struct Config {
  std::optional<std::string> database_url;
  int database_pool_size = 4;
  int database_max_batch = 256;
  int database_max_queue = 100'000;
  // Empty: spool/<node id>.journal under the working directory.
  std::string spool_path;
  int spool_max_mib = 1024;
  // The file endpoint (firmware images, stations' uploads).
  std::string files_dir = "files";
  std::string files_base_url;  // empty: http://<api.listen> unless it listens on every address
  int files_url_ttl_s = 86400;
  int files_max_upload_mib = 256;

  Endpoint ocpp_listen{"0.0.0.0", 9000};
  std::optional<Endpoint> ocpp_tls_listen;
  // TLS (DESIGN.md): the wss:// listener's certificates, client CAs for profile 3, the CA that
  // signs stations' CSRs, the CSO name a station certificate's O must carry.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_ecdsa_cert_file;
  std::string tls_ecdsa_key_file;
  std::string tls_client_ca_file;
  std::string tls_signing_ca_cert_file;
  std::string tls_signing_ca_key_file;
  std::string tls_cso_name;
  // A00.FR.429: an expired station certificate is refused, or let in as Pending and renewed.
  bool tls_expired_pending = false;
  bool api_tls = false;  // the REST API over HTTPS with tls.cert_file / tls.key_file
  std::string ocpp_path_prefix = "/ocpp";
  UnknownStations unknown_stations = UnknownStations::Accept;
  int heartbeat_interval_s = 300;
  int call_timeout_s = 30;
  int ping_interval_s = 60;
  std::size_t max_frame_bytes = 64 * 1024;
  int handshake_timeout_s = 10;
  int max_connections = 50000;
  int max_handshakes = 2000;
  int write_timeout_s = 60;
  int api_max_connections = 512;
  ocpp::Leniency leniency = ocpp::Leniency::all();
  int future_tolerance_s = 300;

  Endpoint api_listen{"127.0.0.1", 8080};
  // api.tokens and api.token_file together, as digests; empty: one admin token is generated
  // at start-up and written to api_generated_token_file.
  std::vector<api::ApiToken> api_tokens;
  std::string api_generated_token_file = ".csms-admin-token";
  // The dashboard's built files; empty: found beside the binary (../share/csms/ui), else in
  // the build tree that made it.
  std::string api_ui_dir;

  std::vector<std::string> webhook_urls;
  std::string webhook_secret;
  std::string webhook_ca_file;  // https:// receivers' CA bundle; empty: the system's
  int faults_tick_ms = 1000;
  int certificate_check_s = 3600;  // how often certificate_expiring looks at the certificates

  int running_cost_interval_s = 60;
  // How often ended sessions left unpriced (database outage, crash) are priced.
  int pricing_sweep_interval_s = 60;

  int analytics_tick_ms = 60000;
  int analytics_refresh_s = 300;

  std::string cluster_node_id;  // empty: <host name>-<OCPP port> (or -<pid> for port 0)
  int cluster_heartbeat_ms = 2000;
  int cluster_node_timeout_s = 20;

  std::string log_level = "info";
  std::string log_format = "text";
};

// Builds the configuration from built-in defaults, then `file` (when given), then the
// environment (CSMS_<SECTION>_<KEY>), then `flags` ("section.key" -> value).
Config load_config(const std::optional<std::string>& file,
                   const std::map<std::string, std::string>& environment,
                   const std::map<std::string, std::string>& flags);

// The CSMS_* variables of the process environment.
std::map<std::string, std::string> process_environment();

}  // namespace csms::app

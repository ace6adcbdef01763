#include "csms/app/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>

extern char** environ;

namespace csms::app {
namespace {

[[noreturn]] void fail(const std::string& key, const std::string& what) {
  throw ConfigError("config key " + key + ": " + what);
}

std::string env_name(const std::string& key) {
  std::string name = "CSMS_";
  for (char c : key) name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (c == sep) {
      parts.push_back(current);
      current.clear();
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      current += c;
    }
  }
  if (!current.empty() || !parts.empty()) parts.push_back(current);
  return parts;
}

void flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (node.IsMap()) {
    for (const auto& item : node) {
      auto name = item.first.as<std::string>();
      flatten(item.second, prefix.empty() ? name : prefix + "." + name, out);
    }
  } else if (node.IsSequence()) {
    std::string joined;
    for (const auto& item : node) {
      if (!joined.empty()) joined += ',';
      joined += item.as<std::string>();
    }
    out[prefix] = joined;
  } else if (node.IsScalar()) {
    out[prefix] = node.as<std::string>();
  } else if (node.IsNull()) {
    out.erase(prefix);
  }
}

int parse_int(const std::string& key, const std::string& value, int min, int max) {
  int parsed = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc{} || end != value.data() + value.size())
    fail(key, "expected an integer, got '" + value + "'");
  if (parsed < min || parsed > max)
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + value);
  return parsed;
}

Endpoint parse_endpoint(const std::string& key, const std::string& value) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) fail(key, "expected host:port, got '" + value + "'");
  Endpoint endpoint;
  endpoint.host = value.substr(0, colon);
  if (endpoint.host.size() > 2 && endpoint.host.front() == '[' && endpoint.host.back() == ']')
    endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
  endpoint.port = static_cast<unsigned short>(parse_int(key, value.substr(colon + 1), 0, 65535));
  return endpoint;
}

// "token:role" or "sha256:<64 hex digits>:role", optionally after "name=" (who holds it,
// for the audit log: letters, digits, '.', '_', '-', '@', up to 64). Messages never quote the
// entry: it may be a token.
api::ApiToken parse_token_entry(const std::string& key, std::string_view entry,
                                const std::string& where = "") {
  std::string name;
  if (auto equals = entry.find('='); equals != std::string_view::npos && equals > 0 && equals <= 64 &&
                                     equals + 1 < entry.size() && entry[equals + 1] != ':') {
    auto candidate = entry.substr(0, equals);
    if (std::all_of(candidate.begin(), candidate.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
        })) {
      name = std::string(candidate);
      entry.remove_prefix(equals + 1);
    }
  }
  auto colon = entry.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    fail(key, where + "expected token:role or sha256:<64 hex digits>:role entries");
  auto role = api::role_from_name(entry.substr(colon + 1));
  if (!role) fail(key, where + "the role after the last ':' must be admin, operator or viewer");
  auto token = entry.substr(0, colon);
  if (token.starts_with("sha256:")) {
    auto digest = api::parse_token_digest(token);
    if (!digest) fail(key, where + "a sha256: entry needs the token's SHA-256 as 64 hex digits");
    return {*digest, *role, name};
  }
  return {api::digest_of_token(token), *role, name};
}

// One entry per line; blank lines and lines starting with '#' are skipped.
std::vector<api::ApiToken> read_token_file(const std::string& key, const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(key, "cannot read " + path);
  std::vector<api::ApiToken> tokens;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    auto last = line.find_last_not_of(" \t\r");
    tokens.push_back(parse_token_entry(key, std::string_view(line).substr(first, last - first + 1),
                                       path + " line " + std::to_string(number) + ": "));
  }
  return tokens;
}

ocpp::Leniency parse_leniency(const std::string& key, const std::string& value) {
  auto leniency = ocpp::Leniency::none();
  const std::map<std::string, bool ocpp::Leniency::*> flags = {
      {"celsius_spelling", &ocpp::Leniency::celsius_spelling},
      {"timestamp_without_zone", &ocpp::Leniency::timestamp_without_zone},
      {"multiple_of_noise", &ocpp::Leniency::multiple_of_noise},
      {"error_code_outside_enum", &ocpp::Leniency::error_code_outside_enum},
      {"unknown_properties", &ocpp::Leniency::unknown_properties},
      {"integer_as_float", &ocpp::Leniency::integer_as_float},
      {"empty_sampled_value", &ocpp::Leniency::empty_sampled_value},
      {"unit_outside_enum", &ocpp::Leniency::unit_outside_enum},
  };
  for (const auto& name : split(value, ',')) {
    if (name.empty()) continue;
    auto flag = flags.find(name);
    if (flag == flags.end()) fail(key, "unknown leniency '" + name + "'");
    leniency.*(flag->second) = true;
  }
  return leniency;
}

}  // namespace

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (!text.starts_with("CSMS_")) continue;
    auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

Config load_config(const std::optional<std::string>& file,
                   const std::map<std::string, std::string>& environment,
                   const std::map<std::string, std::string>& flags) {
  Config config;
  const std::map<std::string, std::function<void(const std::string&, const std::string&)>> apply = {
      {"database.url",
       [&](auto&, auto& v) {
         if (!v.empty()) config.database_url = v;
       }},
      {"database.pool_size", [&](auto& k, auto& v) { config.database_pool_size = parse_int(k, v, 1, 64); }},
      {"database.max_batch",
       [&](auto& k, auto& v) { config.database_max_batch = parse_int(k, v, 1, 100000); }},
      {"database.max_queue",
       [&](auto& k, auto& v) { config.database_max_queue = parse_int(k, v, 100, 10'000'000); }},
      {"spool.path", [&](auto&, auto& v) { config.spool_path = v; }},
      {"files.dir", [&](auto&, auto& v) { config.files_dir = v; }},
      {"files.base_url",
       [&](auto& k, auto& v) {
         if (!v.empty() && !v.starts_with("http://") && !v.starts_with("https://"))
           fail(k, "must be an http:// or https:// URL");
         config.files_base_url = v;
       }},
      {"files.url_ttl_s",
       [&](auto& k, auto& v) { config.files_url_ttl_s = parse_int(k, v, 60, 30 * 86400); }},
      {"files.max_upload_mib",
       [&](auto& k, auto& v) { config.files_max_upload_mib = parse_int(k, v, 1, 4096); }},
      {"spool.max_bytes", [&](auto& k, auto& v) { config.spool_max_mib = parse_int(k, v, 1, 1 << 20); }},
      {"ocpp.listen", [&](auto& k, auto& v) { config.ocpp_listen = parse_endpoint(k, v); }},
      {"ocpp.tls_listen",
       [&](auto& k, auto& v) {
         if (!v.empty()) config.ocpp_tls_listen = parse_endpoint(k, v);
       }},
      {"tls.cert_file", [&](auto&, auto& v) { config.tls_cert_file = v; }},
      {"tls.key_file", [&](auto&, auto& v) { config.tls_key_file = v; }},
      {"tls.ecdsa_cert_file", [&](auto&, auto& v) { config.tls_ecdsa_cert_file = v; }},
      {"tls.ecdsa_key_file", [&](auto&, auto& v) { config.tls_ecdsa_key_file = v; }},
      {"tls.client_ca_file", [&](auto&, auto& v) { config.tls_client_ca_file = v; }},
      {"tls.signing_ca_cert_file", [&](auto&, auto& v) { config.tls_signing_ca_cert_file = v; }},
      {"tls.signing_ca_key_file", [&](auto&, auto& v) { config.tls_signing_ca_key_file = v; }},
      {"tls.cso_name", [&](auto&, auto& v) { config.tls_cso_name = v; }},
      {"api.tls",
       [&](auto& k, auto& v) {
         if (v != "true" && v != "false") fail(k, "expected true or false, got '" + v + "'");
         config.api_tls = v == "true";
       }},
      {"tls.expired_certificates",
       [&](auto& k, auto& v) {
         if (v != "refuse" && v != "pending") fail(k, "expected refuse or pending, got '" + v + "'");
         config.tls_expired_pending = v == "pending";
       }},
      {"ocpp.path_prefix",
       [&](auto& k, auto& v) {
         if (v.empty() || v.front() != '/') fail(k, "must start with '/', got '" + v + "'");
         config.ocpp_path_prefix = v.size() > 1 && v.back() == '/' ? v.substr(0, v.size() - 1) : v;
       }},
      {"ocpp.unknown_stations",
       [&](auto& k, auto& v) {
         if (v == "accept")
           config.unknown_stations = UnknownStations::Accept;
         else if (v == "pending")
           config.unknown_stations = UnknownStations::Pending;
         else if (v == "reject")
           config.unknown_stations = UnknownStations::Reject;
         else
           fail(k, "expected accept, pending or reject, got '" + v + "'");
       }},
      {"ocpp.heartbeat_interval_s",
       [&](auto& k, auto& v) { config.heartbeat_interval_s = parse_int(k, v, 1, 86400); }},
      {"ocpp.call_timeout_s", [&](auto& k, auto& v) { config.call_timeout_s = parse_int(k, v, 1, 3600); }},
      {"ocpp.ping_interval_s", [&](auto& k, auto& v) { config.ping_interval_s = parse_int(k, v, 0, 86400); }},
      {"ocpp.max_frame_bytes",
       [&](auto& k, auto& v) {
         config.max_frame_bytes = static_cast<std::size_t>(parse_int(k, v, 1024, 16 << 20));
       }},
      {"ocpp.handshake_timeout_s",
       [&](auto& k, auto& v) { config.handshake_timeout_s = parse_int(k, v, 1, 600); }},
      {"ocpp.max_connections",
       [&](auto& k, auto& v) { config.max_connections = parse_int(k, v, 1, 10'000'000); }},
      {"ocpp.max_handshakes",
       [&](auto& k, auto& v) { config.max_handshakes = parse_int(k, v, 1, 1'000'000); }},
      {"ocpp.write_timeout_s", [&](auto& k, auto& v) { config.write_timeout_s = parse_int(k, v, 1, 3600); }},
      {"api.max_connections",
       [&](auto& k, auto& v) { config.api_max_connections = parse_int(k, v, 1, 100'000); }},
      {"ocpp.leniency", [&](auto& k, auto& v) { config.leniency = parse_leniency(k, v); }},
      {"ocpp.future_tolerance_s",
       [&](auto& k, auto& v) { config.future_tolerance_s = parse_int(k, v, 0, 86400 * 365); }},
      {"api.listen", [&](auto& k, auto& v) { config.api_listen = parse_endpoint(k, v); }},
      {"api.tokens",
       [&](auto& k, auto& v) {
         for (const auto& entry : split(v, ',')) {
           if (entry.empty()) continue;
           config.api_tokens.push_back(parse_token_entry(k, entry));
         }
       }},
      {"api.token_file",
       [&](auto& k, auto& v) {
         if (v.empty()) return;
         for (auto& token : read_token_file(k, v)) config.api_tokens.push_back(token);
       }},
      {"api.ui_dir", [&](auto&, auto& v) { config.api_ui_dir = v; }},
      {"api.generated_token_file",
       [&](auto& k, auto& v) {
         if (v.empty()) fail(k, "expected a file path");
         config.api_generated_token_file = v;
       }},
      {"faults.webhook_urls",
       [&](auto& k, auto& v) {
         config.webhook_urls.clear();
         for (const auto& url : split(v, ',')) {
           if (url.empty()) continue;
           if (!url.starts_with("http://") && !url.starts_with("https://"))
             fail(k, "webhook URLs must start with http:// or https://, got '" + url + "'");
           config.webhook_urls.push_back(url);
         }
       }},
      {"faults.webhook_secret", [&](auto&, auto& v) { config.webhook_secret = v; }},
      {"faults.webhook_ca_file", [&](auto&, auto& v) { config.webhook_ca_file = v; }},
      {"faults.certificate_check_s",
       [&](auto& k, auto& v) { config.certificate_check_s = parse_int(k, v, 1, 86400); }},
      {"faults.tick_ms", [&](auto& k, auto& v) { config.faults_tick_ms = parse_int(k, v, 100, 10000); }},
      {"billing.running_cost_interval_s",
       [&](auto& k, auto& v) { config.running_cost_interval_s = parse_int(k, v, 0, 86400); }},
      {"billing.sweep_interval_s",
       [&](auto& k, auto& v) { config.pricing_sweep_interval_s = parse_int(k, v, 1, 86400); }},
      {"analytics.tick_ms",
       [&](auto& k, auto& v) { config.analytics_tick_ms = parse_int(k, v, 100, 600000); }},
      {"analytics.refresh_s",
       [&](auto& k, auto& v) { config.analytics_refresh_s = parse_int(k, v, 10, 3600); }},
      {"cluster.node_id",
       [&](auto& k, auto& v) {
         if (v.size() > 100) fail(k, "expected at most 100 characters");
         config.cluster_node_id = v;
       }},
      {"cluster.heartbeat_ms",
       [&](auto& k, auto& v) { config.cluster_heartbeat_ms = parse_int(k, v, 100, 60000); }},
      {"cluster.node_timeout_s",
       [&](auto& k, auto& v) { config.cluster_node_timeout_s = parse_int(k, v, 2, 3600); }},
      {"log.level",
       [&](auto& k, auto& v) {
         static const std::vector<std::string> levels = {"trace", "debug",    "info", "warn",
                                                         "error", "critical", "off"};
         if (std::find(levels.begin(), levels.end(), v) == levels.end()) fail(k, "unknown level '" + v + "'");
         config.log_level = v;
       }},
      {"log.format",
       [&](auto& k, auto& v) {
         if (v != "text" && v != "json") fail(k, "expected text or json, got '" + v + "'");
         config.log_format = v;
       }},
  };
  // The table above is every key the configuration knows; anything else is a typo.
  std::map<std::string, std::string> values;
  if (file) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(*file);
    } catch (const YAML::Exception& e) {
      throw ConfigError("config file " + *file + ": " + e.what());
    }
    flatten(root, "", values);
    for (const auto& [key, value] : values)
      if (!apply.count(key)) fail(key, "unknown key in " + *file);
  }
  for (const auto& [key, setter] : apply) {
    auto env = environment.find(env_name(key));
    if (env != environment.end()) values[key] = env->second;
  }
  for (const auto& [key, value] : flags) {
    if (!apply.count(key)) fail(key, "unknown flag --" + key);
    values[key] = value;
  }

  for (const auto& [key, value] : values) apply.at(key)(key, value);
  if (config.ocpp_tls_listen && config.tls_cert_file.empty() && config.tls_ecdsa_cert_file.empty())
    fail("ocpp.tls_listen",
         "needs tls.cert_file and tls.key_file (or tls.ecdsa_cert_file and tls.ecdsa_key_file)");
  if (config.api_tls && config.tls_cert_file.empty() && config.tls_ecdsa_cert_file.empty())
    fail("api.tls", "needs tls.cert_file and tls.key_file");
  if (config.tls_cert_file.empty() != config.tls_key_file.empty())
    fail("tls.cert_file", "tls.cert_file and tls.key_file go together");
  if (config.tls_ecdsa_cert_file.empty() != config.tls_ecdsa_key_file.empty())
    fail("tls.ecdsa_cert_file", "tls.ecdsa_cert_file and tls.ecdsa_key_file go together");
  if (config.tls_signing_ca_cert_file.empty() != config.tls_signing_ca_key_file.empty())
    fail("tls.signing_ca_cert_file", "tls.signing_ca_cert_file and tls.signing_ca_key_file go together");
  return config;
}

}  // namespace csms::app

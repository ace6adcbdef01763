#include "csms/app/app.hpp"

#include <signal.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "csms/analytics/analytics_service.hpp"
#include "csms/api/api.hpp"
#include "csms/app/cluster_node.hpp"
#include "csms/app/config.hpp"
#include "csms/app/log_context.hpp"
#include "csms/app/secret_file.hpp"
#include "csms/app/station_gateway.hpp"
#include "csms/app/station_stream_relay.hpp"
#include "csms/app/webhook_dispatcher.hpp"
#include "csms/billing/billing_service.hpp"
#include "csms/charging/charging_service.hpp"
#include "csms/domain/time.hpp"
#include "csms/faults/fault_service.hpp"
#include "csms/metrics/metrics.hpp"
#include "csms/ocpp/redact.hpp"
#include "csms/server/server.hpp"
#include "csms/store/cluster_link.hpp"
#include "csms/store/database.hpp"
#include "csms/store/migrations.hpp"
#include "csms/store/seed.hpp"

#ifndef CSMS_VERSION
#define CSMS_VERSION "0.0.0"
#endif

namespace csms::app {
namespace {

// Where the dashboard's built files are: the configured directory, else beside the binary
// (installed: <prefix>/bin/csms and <prefix>/share/csms/ui), else the build tree that made
// it. Empty (with a warning) when none has an index.html.
std::string dashboard_dir(const std::string& configured) {
  namespace fs = std::filesystem;
  std::error_code error;
  auto has_index = [&error](const fs::path& dir) { return fs::is_regular_file(dir / "index.html", error); };
  // Canonical: the files served are checked to resolve inside it.
  auto resolved = [&error](const fs::path& dir) { return fs::canonical(dir, error).string(); };
  if (!configured.empty()) {
    if (has_index(configured)) return resolved(configured);
    spdlog::warn("api.ui_dir {} has no index.html: the dashboard is not served", configured);
    return {};
  }
  std::vector<fs::path> candidates;
  if (auto exe = fs::read_symlink("/proc/self/exe", error); !error)
    candidates.push_back(exe.parent_path().parent_path() / "share" / "csms" / "ui");
  candidates.emplace_back(CSMS_UI_BUILD_DIR);
  for (const auto& dir : candidates)
    if (!dir.empty() && has_index(dir)) return resolved(dir);
  spdlog::warn("the dashboard is not built (no index.html in {}): /ui/ answers 404",
               candidates.back().string());
  return {};
}

// A small text file named by a setting (a PEM certificate or key), read whole at start.
std::string read_text_file(const std::string& path, const char* setting) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string(setting) + ": cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr const char* kUsage =
    "usage: csms [serve|migrate|version] [--config FILE] [--<section>.<key>=<value> ...]\n"
    "  serve    run the server (default)\n"
    "  migrate  apply database migrations and exit\n"
    "  version  print the version\n"
    "  analytics rebuild --from=T [--to=T] [--station=ID ...]\n"
    "           recompute the analytics rollups of a range from the raw history\n"
    "  seed --stations=N --days=D [--seed=S] [--rebuild]\n"
    "           write a synthetic network history ending today (and its rollups)\n"
    "  pki init [--dir=DIR] [--host=NAME ...] [--cso=NAME]\n"
    "           a private CA, RSA and ECDSA server certificates for wss:// (a lab, a small network)\n"
    "  pki station ID [--dir=DIR] [--cso=NAME]\n"
    "           a station's client certificate (security profile 3) signed by DIR's CA\n"
    "Every configuration key can also be set as CSMS_<SECTION>_<KEY> (see config/csms.yaml).\n";

void setup_logging(const Config& config) {
  auto logger = spdlog::stderr_color_mt("csms");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (config.log_format == "json")
    spdlog::set_formatter(json_log_formatter());
  else
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
}

// Without configured tokens the API gets one admin token for this run. It goes to a file
// only its owner can read, never to the log (issue 14: logs are shipped and kept).
std::vector<api::ApiToken> api_tokens(const Config& config) {
  if (!config.api_tokens.empty()) return config.api_tokens;
  auto token = api::generate_api_token();
  const auto path = std::filesystem::absolute(config.api_generated_token_file);
  try {
    write_secret_file(path, token + "\n");
  } catch (const std::exception& e) {
    throw ConfigError(
        std::string("config key api.generated_token_file: api.tokens is not set, and a generated ") +
        "admin token could not be saved: " + e.what() +
        " (set api.tokens or api.token_file, or point api.generated_token_file at a writable place)");
  }
  spdlog::warn("api.tokens is not set; an admin token for this run is in {} (readable by its owner only)",
               path.string());
  return {{api::digest_of_token(token), api::Role::Admin, "generated-admin"}};
}

const std::string& database_url(const Config& config) {
  if (!config.database_url)
    throw ConfigError(
        "config key database.url: not set (set CSMS_DATABASE_URL, or use scripts/run.sh which starts a "
        "private PostgreSQL)");
  return *config.database_url;
}

int migrate_command(const Config& config) {
  auto report = store::migrate(database_url(config));
  store::ensure_partitions(*config.database_url);
  for (const auto& name : report.applied) std::cout << "applied " << name << "\n";
  for (const auto& name : report.refreshed) std::cout << "refreshed repeatable/" << name << "\n";
  std::cout << report.applied.size() << " applied, " << report.already_applied << " already applied, "
            << report.refreshed.size() << " repeatable refreshed\n";
  return 0;
}

// csms analytics rebuild --from=T --to=T [--station=ID ...]: recomputes the rollups of the
// range from the raw tables.
int analytics_command(const Config& config, const std::vector<std::string>& args) {
  std::optional<domain::Timestamp> from, to;
  std::vector<std::string> stations;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto& arg = args[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      std::string prefix = std::string("--") + name + "=";
      if (arg.starts_with(prefix)) return arg.substr(prefix.size());
      return std::nullopt;
    };
    if (auto v = value("from")) {
      from = domain::parse_timestamp(*v);
      if (!from) throw ConfigError("--from must be an RFC 3339 time, e.g. 2026-01-01T00:00:00Z");
    } else if (auto v2 = value("to")) {
      to = domain::parse_timestamp(*v2);
      if (!to) throw ConfigError("--to must be an RFC 3339 time, e.g. 2026-02-01T00:00:00Z");
    } else if (auto v3 = value("station")) {
      stations.push_back(*v3);
    } else {
      throw ConfigError("analytics rebuild takes --from=, --to= and --station=, got '" + arg + "'");
    }
  }
  if (args.empty() || args[0] != "rebuild")
    throw ConfigError("usage: csms analytics rebuild --from=T --to=T");
  domain::SystemClock clock;
  if (!to) to = clock.now();
  if (!from) throw ConfigError("analytics rebuild needs --from=<RFC 3339 time>");
  if (!(*from < *to)) throw ConfigError("--from must be before --to");
  const auto& url = database_url(config);
  store::migrate(url);
  store::Database db({url, config.database_pool_size, config.database_max_batch});
  db.start();
  const auto started = std::chrono::steady_clock::now();
  auto rows = analytics::AnalyticsService::rebuild(
      db, clock, stations, *from, *to, {}, [](std::size_t done, std::size_t total) {
        std::cerr << "\rrebuilding: " << done << "/" << total << " stations" << std::flush;
      });
  db.stop();
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cerr << "\n";
  std::cout << "rebuilt " << rows << " hourly rows in " << seconds << " s\n";
  return 0;
}

// csms seed --stations=N --days=D [--seed=S] [--rebuild]: a synthetic history ending today.
int seed_command(const Config& config, const std::vector<std::string>& args) {
  store::SeedOptions options;
  bool rebuild = false;
  auto number = [](const std::string& text, const char* name, long long lo, long long hi) {
    char* end = nullptr;
    long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < lo || value > hi)
      throw ConfigError(std::string("--") + name + " must be an integer from " + std::to_string(lo) + " to " +
                        std::to_string(hi));
    return value;
  };
  for (const auto& arg : args) {
    if (arg.starts_with("--stations="))
      options.stations = static_cast<int>(number(arg.substr(11), "stations", 1, 100000));
    else if (arg.starts_with("--days="))
      options.days = static_cast<int>(number(arg.substr(7), "days", 1, 3650));
    else if (arg.starts_with("--seed="))
      options.seed = static_cast<std::uint64_t>(number(arg.substr(7), "seed", 0, 1LL << 62));
    else if (arg == "--rebuild")
      rebuild = true;
    else
      throw ConfigError("seed takes --stations=, --days=, --seed= and --rebuild, got '" + arg + "'");
  }
  domain::SystemClock clock;
  const auto today = std::chrono::floor<std::chrono::days>(clock.now());
  options.start = today - std::chrono::days(options.days);
  const auto& url = database_url(config);
  store::migrate(url);
  auto started = std::chrono::steady_clock::now();
  auto summary = store::seed_history(url, options, [](int done, int total) {
    std::cerr << "\rseeding: " << done << "/" << total << " stations" << std::flush;
  });
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cerr << "\n";
  std::cout << "seeded " << summary.stations << " stations, " << summary.sessions << " sessions, "
            << summary.samples << " meter samples, " << summary.faults << " faults, "
            << static_cast<long long>(summary.energy_wh / 1000) << " kWh in " << seconds << " s\n";
  if (!rebuild) return 0;
  store::Database db({url, config.database_pool_size, config.database_max_batch});
  db.start();
  started = std::chrono::steady_clock::now();
  auto rows = analytics::AnalyticsService::rebuild(
      db, clock, {}, options.start, clock.now(), {}, [](std::size_t done, std::size_t total) {
        std::cerr << "\rrebuilding: " << done << "/" << total << " stations" << std::flush;
      });
  db.stop();
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cerr << "\n";
  std::cout << "rebuilt " << rows << " hourly rows in " << seconds << " s\n";
  return 0;
}

// Each charger holds a socket: raise the soft limit on open files to the hard one (the
// usual soft default of 1,024 would cap the server near 1,000 chargers).
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  spdlog::info("open file limit: {} (each charger needs one)",
               static_cast<unsigned long long>(limit.rlim_cur));
}

// This node's id in the cluster: configured, or the host name and OCPP port (unique among
// the processes of one host; the process id when the port is chosen by the system).
std::string cluster_node_id(const Config& config) {
  if (!config.cluster_node_id.empty()) return config.cluster_node_id;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "csms");
  auto suffix = config.ocpp_listen.port != 0 ? std::to_string(config.ocpp_listen.port)
                                             : "pid" + std::to_string(static_cast<long long>(getpid()));
  return std::string(host) + "-" + suffix;
}

int serve_command(const Config& config) {
  raise_open_file_limit();
  // Signals are taken by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const auto& url = database_url(config);
  auto api_tokens_of_run = api_tokens(config);
  std::atomic<bool> ready{false};
  auto report = store::migrate(url);
  store::ensure_partitions(url);
  for (const auto& name : report.applied) spdlog::info("applied migration {}", name);
  for (const auto& name : report.refreshed) spdlog::info("refreshed repeatable/{}", name);
  if (report.newer_database)
    spdlog::warn(
        "the database has migrations newer than this binary (a newer node runs); its functions are kept");

  // The station stream's events for the other nodes (before the pools and the cluster link,
  // whose threads and callbacks use it, so that it outlives them on every way out).
  StationStreamRelay station_relay;
  store::Database db({url, config.database_pool_size, config.database_max_batch, "csms_db_queue_depth",
                      static_cast<std::size_t>(config.database_max_queue)});
  db.start();
  // Work that may take long (reports, rollups, pricing, webhooks) runs on connections of its
  // own, one unit per transaction: grouped with chargers' messages it would hold their
  // commit (and their replies) back for as long as it runs.
  store::Database background({url, 2, 1, "csms_db_background_queue_depth"});
  background.start();
  domain::SystemClock clock;
  domain::EventBus events;

  charging::ChargingSettings charging_settings;
  charging_settings.unknown_stations =
      config.unknown_stations == UnknownStations::Accept    ? charging::UnknownStationPolicy::Accept
      : config.unknown_stations == UnknownStations::Pending ? charging::UnknownStationPolicy::Pending
                                                            : charging::UnknownStationPolicy::Reject;
  charging_settings.heartbeat_interval_s = config.heartbeat_interval_s;
  charging_settings.future_tolerance = std::chrono::seconds(config.future_tolerance_s);
  charging::ChargingService charging(charging_settings);

  const auto node_id = cluster_node_id(config);
  store::ClusterLink cluster({url, node_id, std::chrono::milliseconds(config.cluster_heartbeat_ms),
                              std::chrono::seconds(config.cluster_node_timeout_s)});

  faults::FaultServiceSettings fault_settings;
  fault_settings.webhook_urls = config.webhook_urls;
  fault_settings.tick = std::chrono::milliseconds(config.faults_tick_ms);
  fault_settings.heartbeat_interval_s = config.heartbeat_interval_s;
  fault_settings.node_id = node_id;
  fault_settings.certificate_check = std::chrono::seconds(config.certificate_check_s);
  faults::FaultService fault_service(fault_settings, db, clock);
  api::ApiStreams api_streams;
  events.subscribe([&fault_service](const domain::Event& event) { fault_service.on_event(event); });
  analytics::AnalyticsSettings analytics_settings;
  analytics_settings.tick = std::chrono::milliseconds(config.analytics_tick_ms);
  analytics_settings.refresh = std::chrono::seconds(config.analytics_refresh_s);
  analytics_settings.recompute_here = [&cluster] { return cluster.leader(); };
  analytics::AnalyticsService analytics_service(analytics_settings, background, clock);
  events.subscribe([&analytics_service](const domain::Event& event) { analytics_service.on_event(event); });
  billing::BillingSettings billing_settings;
  billing_settings.sweep_interval = std::chrono::seconds(config.pricing_sweep_interval_s);
  billing::BillingService billing_service(background, billing_settings);
  events.subscribe([&billing_service](const domain::Event& event) { billing_service.on_event(event); });
  billing_service.set_on_priced(
      [&analytics_service](const std::string& station, domain::Timestamp stopped_at) {
        analytics_service.mark(station, stopped_at, stopped_at + std::chrono::seconds(1));
      });
  metrics::registry().gauge("csms_build_info", "Build of this process", {{"version", CSMS_VERSION}}).set(1);
  metrics::registry()
      .gauge("csms_cluster_node_info", "This node's id in the cluster", {{"node_id", node_id}})
      .set(1);
  metrics::registry().callback(
      "csms_cluster_leader", "1 on the node that is the cluster's leader", [&cluster] {
        return std::vector<std::pair<metrics::Labels, double>>{{{}, cluster.leader() ? 1.0 : 0.0}};
      });
  metrics::registry().callback("csms_alerts_open", "Active alerts by rule", [&fault_service] {
    std::vector<std::pair<metrics::Labels, double>> out;
    for (const auto& [rule, n] : fault_service.open_by_rule())
      out.push_back({{{"rule", rule}}, static_cast<double>(n)});
    return out;
  });
  WebhookDispatcher webhooks(background, clock, config.webhook_secret, std::chrono::milliseconds(500),
                             config.webhook_ca_file);

  GatewaySettings gateway_settings;
  gateway_settings.call_timeout = std::chrono::seconds(config.call_timeout_s);
  gateway_settings.running_cost_interval = std::chrono::seconds(config.running_cost_interval_s);
  gateway_settings.node_id = node_id;
  gateway_settings.heartbeat_interval_s = config.heartbeat_interval_s;
  gateway_settings.profile_policy = {config.tls_cso_name, config.tls_expired_pending};
  if (!config.tls_signing_ca_cert_file.empty()) {
    gateway_settings.signing_ca =
        pki::SigningCa{read_text_file(config.tls_signing_ca_cert_file, "tls.signing_ca_cert_file"),
                       read_text_file(config.tls_signing_ca_key_file, "tls.signing_ca_key_file")};
    if (!pki::inspect_pem(gateway_settings.signing_ca->cert_pem))
      throw std::runtime_error("tls.signing_ca_cert_file: no PEM certificate in " +
                               config.tls_signing_ca_cert_file);
  }
  gateway_settings.spool_path =
      config.spool_path.empty() ? "spool/" + node_id + ".journal" : config.spool_path;
  gateway_settings.spool_max_bytes = static_cast<std::uint64_t>(config.spool_max_mib) << 20;
  StationGateway gateway(gateway_settings, charging, db, clock, events);
  // Commands for stations on other nodes travel through the database.
  ClusterNode cluster_node(node_id, gateway_settings.call_timeout + std::chrono::seconds(5), gateway, db);
  gateway.set_moved_hook([&cluster_node](domain::Repositories& repos, const std::string& station,
                                         const domain::StationHolder& previous) {
    cluster_node.station_moved_here(repos, station, previous);
  });
  cluster_node.set_on_moved_away(
      [&fault_service](const std::string& station) { fault_service.release(station); });
  // What other nodes must hear of: operators' rule settings and resolved alerts, and every
  // alert change (for the live streams of their API clients).
  fault_service.set_on_rule_saved([&cluster_node] { cluster_node.broadcast({{"type", "rules_changed"}}); });
  fault_service.set_on_alert_forgotten([&cluster_node](const faults::AlertKey& key) {
    cluster_node.broadcast({{"type", "alert_forgotten"},
                            {"rule", key.rule},
                            {"station_id", key.station_id},
                            {"evse_id", key.evse_id},
                            {"connector_id", key.connector_id}});
  });
  fault_service.set_listener([&api_streams, &cluster_node](const domain::AlertChange& change) {
    api_streams.alerts.publish("alert." + change.event, change.document_json);
    cluster_node.broadcast({{"type", "alert_change"},
                            {"id", change.id},
                            {"event", change.event},
                            {"document", change.document_json}});
  });
  cluster_node.on("rules_changed", [&fault_service](const nlohmann::json&) { fault_service.reload_rules(); });
  cluster_node.on("alert_forgotten", [&fault_service](const nlohmann::json& m) {
    fault_service.forget_alert({m.at("rule"), m.at("station_id"), m.at("evse_id"), m.at("connector_id")});
  });
  cluster_node.on("alert_change", [&api_streams](const nlohmann::json& m) {
    api_streams.alerts.publish("alert." + m.at("event").get<std::string>(),
                               m.at("document").get<std::string>());
  });
  // The stations' events of the other nodes, for this node's station stream clients; a node
  // that joins says so at once, so that the others relay to it before their next heartbeat.
  cluster_node.on(StationStreamRelay::kMessageType, [&api_streams](const nlohmann::json& m) {
    StationStreamRelay::deliver(m, api_streams.stations);
  });
  cluster_node.on("node_joined", [&cluster](const nlohmann::json&) { cluster.note_peer(); });
  cluster.start({[&cluster_node](std::vector<std::string> bodies) { cluster_node.on_messages(bodies); },
                 [&fault_service](std::vector<domain::StationLiveness> stations) {
                   fault_service.adopt(std::move(stations));
                 },
                 [&gateway] { gateway.reclaim_all(); },
                 [&cluster_node, &cluster, &station_relay] {
                   cluster_node.expire();
                   // What this node's stations did, to the others: a batch at most every
                   // 250 ms, one at a time (in order); one that is not stored counts as lost.
                   auto batch = station_relay.take(std::chrono::steady_clock::now());
                   if (!batch) return;
                   if (cluster.peers() == 0) return station_relay.sent(true);  // nobody left to tell
                   cluster_node.broadcast(*batch,
                                          [&station_relay](bool stored) { station_relay.sent(stored); });
                 }});
  // Whatever ends this function (an exception at start-up included), the cluster thread
  // stops before the objects its handlers use are destroyed.
  struct StopCluster {
    store::ClusterLink& link;
    ~StopCluster() { link.stop(); }
  } stop_cluster{cluster};
  cluster_node.broadcast({{"type", "node_joined"}});
  fault_service.start();
  analytics_service.start();
  billing_service.start();
  // A database out of reach opens the alert database_unavailable (written, with its times,
  // once the database is back); /readyz and csms_database_up say so at once. One state for
  // both pools: the database is back when both reach it again, not when the first does.
  std::mutex database_state_mutex;
  bool database_reported_up = true;
  for (auto* pool : {&db, &background})
    pool->set_availability_listener([&](bool, const std::string& detail) {
      std::lock_guard lock(database_state_mutex);
      const bool up = db.available() && background.available();
      if (up == database_reported_up) return;
      database_reported_up = up;
      fault_service.database_state(up, detail);
    });
  metrics::registry().callback("csms_database_up", "1 while both connection pools reach PostgreSQL",
                               [&db, &background] {
                                 return std::vector<std::pair<metrics::Labels, double>>{
                                     {{}, db.available() && background.available() ? 1.0 : 0.0}};
                               });

  api::ApiSettings api_settings;
  api_settings.tokens = std::move(api_tokens_of_run);
  api_settings.files_dir = config.files_dir;
  api_settings.ui_dir = dashboard_dir(config.api_ui_dir);
  api_settings.files_base_url = config.files_base_url;
  // Without files.base_url: the API listener's address, unless it listens on every address
  // (then no one address is known to reach it).
  std::atomic<unsigned short> bound_api_port{0};
  if (config.api_listen.host != "0.0.0.0" && config.api_listen.host != "::" &&
      !config.api_listen.host.empty())
    api_settings.default_files_base_url = [&bound_api_port, &config]() -> std::string {
      const auto port = bound_api_port.load();
      if (port == 0) return {};
      const auto& host = config.api_listen.host;
      return std::string(config.api_tls ? "https://" : "http://") +
             (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
    };
  api_settings.file_url_ttl = std::chrono::seconds(config.files_url_ttl_s);
  api_settings.max_upload_bytes = static_cast<std::size_t>(config.files_max_upload_mib) * 1024 * 1024;
  fault_service.set_remediator([&cluster_node](const std::string& station, const std::string& command,
                                               const nlohmann::json& body,
                                               std::function<void(nlohmann::json)> done) {
    cluster_node.send(station, command, body, [done = std::move(done)](api::CommandResult result) {
      if (result.kind == api::CommandResult::Kind::Answered)
        return done({{"status", result.status}, {"response", result.response}});
      done({{"error", result.kind == api::CommandResult::Kind::Offline ? "offline"
                      : result.kind == api::CommandResult::Kind::Timeout
                          ? "timeout"
                          : result.error_code + " " + result.description}});
    });
  });
  api::Api api(
      api_settings, background, cluster_node, clock, [&ready] { return ready.load(); }, fault_service,
      api_streams);
  api.set_analytics(&analytics_service);
  // Site load management: the cluster's leader re-plans on every session change and every
  // second; a station that connects or boots gets what it should hold again.
  api.set_load_listener([&events](const domain::Event& event) { events.publish(event); });
  api.set_load_leader([&cluster] { return cluster.leader(); });
  events.subscribe([&api](const domain::Event& event) {
    // Profiles are sent again after every new connection (the station may have lost them;
    // one that kept them replaces them by the same ids): at its boot, else 3 s after it.
    if (const auto* connected = std::get_if<domain::StationConnected>(&event))
      return api.load_station_reconnected(connected->station_id, false);
    if (const auto* booted = std::get_if<domain::StationBooted>(&event))
      return api.load_station_reconnected(booted->station_id, true);
    if ((std::holds_alternative<domain::TransactionStarted>(event) ||
         std::holds_alternative<domain::TransactionEnded>(event) ||
         std::holds_alternative<domain::TransactionUpdated>(event)))
      api.run_load_management();
  });

  // The dashboard's live view of the stations (GET /api/v1/stations/stream): this node's
  // events go to its own stream clients and, batched, to the other nodes' (station_relay).
  events.subscribe([&api_streams, &cluster, &station_relay](const domain::Event& event) {
    const bool here = api_streams.stations.has_subscribers();
    const bool elsewhere = cluster.peers() > 0;
    if (!here && !elsewhere) return;
    auto publish = [&](const char* name, nlohmann::json data) {
      // Station ids may carry any byte: never throw on the gateway's path.
      auto text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (here) api_streams.stations.publish(name, text);
      if (elsewhere) station_relay.add(name, std::move(text));
    };
    std::visit(
        [&publish](const auto& e) {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, domain::StationConnected>)
            publish("station.connected", {{"station_id", e.station_id},
                                          {"protocol", e.protocol},
                                          {"at", domain::format_timestamp(e.at)}});
          else if constexpr (std::is_same_v<E, domain::StationDisconnected>)
            publish("station.disconnected",
                    {{"station_id", e.station_id}, {"at", domain::format_timestamp(e.at)}});
          else if constexpr (std::is_same_v<E, domain::StationBooted>)
            publish("station.booted", {{"station_id", e.station_id}, {"at", domain::format_timestamp(e.at)}});
          else if constexpr (std::is_same_v<E, domain::ConnectorStatusChanged>)
            publish("station.status", {{"station_id", e.station_id},
                                       {"evse_id", e.evse_id},
                                       {"connector_id", e.connector_id},
                                       {"status", domain::to_string(e.status)},
                                       {"at", domain::format_timestamp(e.at)}});
          else if constexpr (std::is_same_v<E, domain::TransactionStarted>)
            publish("transaction.started", {{"station_id", e.station_id},
                                            {"transaction_id", e.transaction_id},
                                            {"evse_id", e.evse_id},
                                            {"at", domain::format_timestamp(e.at)}});
          else if constexpr (std::is_same_v<E, domain::TransactionEnded>)
            publish("transaction.ended", {{"station_id", e.station_id},
                                          {"transaction_id", e.transaction_id},
                                          {"at", domain::format_timestamp(e.at)}});
        },
        event);
  });

  server::ServerSettings server_settings;
  server_settings.ocpp_host = config.ocpp_listen.host;
  server_settings.ocpp_port = config.ocpp_listen.port;
  server_settings.path_prefix = config.ocpp_path_prefix;
  server_settings.api_host = config.api_listen.host;
  server_settings.api_port = config.api_listen.port;
  server_settings.max_frame_bytes = config.max_frame_bytes;
  server_settings.ping_interval = std::chrono::seconds(config.ping_interval_s);
  server_settings.handshake_timeout = std::chrono::seconds(config.handshake_timeout_s);
  server_settings.max_connections = static_cast<std::size_t>(config.max_connections);
  server_settings.max_handshakes = static_cast<std::size_t>(config.max_handshakes);
  server_settings.write_timeout = std::chrono::seconds(config.write_timeout_s);
  server_settings.api_max_connections = static_cast<std::size_t>(config.api_max_connections);
  // Longer than any command's wait, including one routed to another node.
  server_settings.api_request_timeout = std::max(
      std::chrono::seconds(120), std::chrono::seconds(config.call_timeout_s) + std::chrono::seconds(30));
  server_settings.leniency = config.leniency;
  server_settings.upload_limit = [&api](const std::string& method, const std::string& target,
                                        const std::string& authorization) {
    return api.upload_limit(method, target, authorization);
  };
  // Frame logging never writes a password or key (AuthorizationKey, BasicAuthPassword, ...).
  server_settings.redact = [](const std::string& frame) { return ocpp::redact_secrets(frame); };
  if (config.ocpp_tls_listen || config.api_tls) {
    server::TlsSettings tls;
    tls.listen = config.ocpp_tls_listen.has_value();
    if (config.ocpp_tls_listen) {
      tls.host = config.ocpp_tls_listen->host;
      tls.port = config.ocpp_tls_listen->port;
    }
    tls.cert_file = config.tls_cert_file;
    tls.key_file = config.tls_key_file;
    tls.ecdsa_cert_file = config.tls_ecdsa_cert_file;
    tls.ecdsa_key_file = config.tls_ecdsa_key_file;
    tls.client_ca_file = config.tls_client_ca_file;
    tls.accept_expired_clients = config.tls_expired_pending;
    server_settings.tls = tls;
    server_settings.api_tls = config.api_tls;
  }
  server::Server server(
      server_settings, gateway,
      [&api](server::HttpRequest request, std::function<void(server::HttpResponse)> respond) {
        api.handle(std::move(request), std::move(respond));
      });
  gateway.attach(server);
  server.start();
  bound_api_port = server.api_port();
  if (config.files_base_url.empty()) {
    const auto& host = config.api_listen.host;
    if (host == "0.0.0.0" || host == "::" || host.empty())
      spdlog::warn(
          "files.base_url is not set and the API listens on every address: firmware and log "
          "transfers through this server are refused until it is set");
    else if (host.starts_with("127.") || host == "::1" || host == "localhost")
      spdlog::warn(
          "files.base_url is not set: stations are given file URLs on {} (only a station on this "
          "machine reaches them); set files.base_url to the address stations reach",
          host);
  }
  ready = true;
  spdlog::info("csms {} ready: OCPP on ws://{}:{}{}/<stationId>{}, API on {}{}:{} (node {}{})", CSMS_VERSION,
               config.ocpp_listen.host, server.ocpp_port(), config.ocpp_path_prefix,
               config.ocpp_tls_listen
                   ? " and wss://" + config.ocpp_tls_listen->host + ":" + std::to_string(server.tls_port()) +
                         config.ocpp_path_prefix + "/<stationId>"
                   : std::string(),
               config.api_tls ? "https://" : "http://", config.api_listen.host, server.api_port(), node_id,
               cluster.leader() ? ", leader" : "");

  // Meter sample partitions are kept three months ahead while the server runs.
  std::mutex maintenance_mutex;
  std::condition_variable maintenance_wake;
  bool stopping = false;
  std::thread maintenance([&] {
    std::unique_lock lock(maintenance_mutex);
    while (!maintenance_wake.wait_for(lock, std::chrono::hours(6), [&] { return stopping; })) {
      lock.unlock();  // the jobs thread shares the mutex
      try {
        store::ensure_partitions(url);
      } catch (const std::exception& e) {
        spdlog::warn("could not create meter sample partitions: {}", e.what());
      }
      lock.lock();
    }
  });

  // Fleet jobs and site load management move on every second (their state is in the database; in a cluster
  // one node at a time moves them on).
  std::thread jobs([&] {
    std::unique_lock lock(maintenance_mutex);
    while (!maintenance_wake.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; })) {
      lock.unlock();
      api.run_jobs();
      api.run_reconciliations();
      api.run_load_management();
      lock.lock();
    }
  });

  // SIGHUP reloads the TLS certificates (they are also reloaded when their files change);
  // SIGINT and SIGTERM stop.
  int signal_number = 0;
  for (;;) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    if (!config.ocpp_tls_listen && !config.api_tls) {
      spdlog::info("SIGHUP: no TLS listener, nothing to reload");
      continue;
    }
    server.reload_tls();
  }
  {
    std::lock_guard lock(maintenance_mutex);
    stopping = true;
  }
  maintenance_wake.notify_all();
  maintenance.join();
  jobs.join();
  spdlog::info("received {}, shutting down", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  ready = false;
  api_streams.close_all();
  server.stop(std::chrono::seconds(5));
  gateway.stop();
  cluster.stop();
  cluster_node.cancel_all();
  metrics::registry().remove_callback("csms_alerts_open");
  metrics::registry().remove_callback("csms_database_up");
  db.set_availability_listener(nullptr);
  background.set_availability_listener(nullptr);
  metrics::registry().remove_callback("csms_cluster_leader");
  fault_service.stop();
  billing_service.stop();
  analytics_service.stop();
  webhooks.stop();
  background.stop();  // before the locals its availability listener used go out of scope
  db.stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

// `csms pki init` / `csms pki station ID`: certificates for wss:// without another tool.
int pki_command(const std::vector<std::string>& args) {
  std::string sub = args.empty() ? "" : args[0];
  std::filesystem::path dir = "pki";
  std::vector<std::string> hosts;
  std::string cso = "CSMS";
  std::string station;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a.starts_with("--dir="))
      dir = a.substr(6);
    else if (a.starts_with("--host="))
      hosts.push_back(a.substr(7));
    else if (a.starts_with("--cso="))
      cso = a.substr(6);
    else if (sub == "station" && station.empty() && !a.starts_with("--"))
      station = a;
    else
      throw ConfigError("pki: unknown argument '" + a + "'");
  }
  using std::chrono::hours;
  auto write_public = [](const std::filesystem::path& path, const std::string& pem) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << pem;
    if (!out) throw std::runtime_error("cannot write " + path.string());
  };
  std::filesystem::create_directories(dir);
  if (sub == "init") {
    if (std::filesystem::exists(dir / "ca.key"))
      throw ConfigError("pki init: " + (dir / "ca.key").string() +
                        " exists; a CA is not replaced (remove it first)");
    if (hosts.empty()) hosts = {"localhost", "127.0.0.1"};
    auto ca = pki::make_ca(cso + " CSMS CA", cso, hours(24 * 3650));
    pki::SigningCa signing{ca.cert_pem, ca.key_pem};
    auto rsa = pki::make_server_certificate(signing, hosts, pki::KeyType::Rsa2048, hours(24 * 825));
    auto ec = pki::make_server_certificate(signing, hosts, pki::KeyType::EcP256, hours(24 * 825));
    write_public(dir / "ca.pem", ca.cert_pem);
    write_secret_file(dir / "ca.key", ca.key_pem);
    write_public(dir / "server.pem", rsa.cert_pem);
    write_secret_file(dir / "server.key", rsa.key_pem);
    write_public(dir / "server-ec.pem", ec.cert_pem);
    write_secret_file(dir / "server-ec.key", ec.key_pem);
    const auto at = std::filesystem::absolute(dir);
    auto path = [&at](const char* name) { return (at / name).string(); };
    std::cout << "wrote a CA and RSA and ECDSA server certificates for " << hosts.front() << " to "
              << at.string() << "\nconfiguration:\n"
              << "  ocpp.tls_listen: 0.0.0.0:9443\n"
              << "  tls.cert_file: " << path("server.pem") << "\n"
              << "  tls.key_file: " << path("server.key") << "\n"
              << "  tls.ecdsa_cert_file: " << path("server-ec.pem") << "\n"
              << "  tls.ecdsa_key_file: " << path("server-ec.key") << "\n"
              << "  tls.client_ca_file: " << path("ca.pem") << "\n"
              << "  tls.signing_ca_cert_file: " << path("ca.pem") << "\n"
              << "  tls.signing_ca_key_file: " << path("ca.key") << "\n"
              << "  tls.cso_name: " << cso << "\n"
              << "stations trust " << path("ca.pem") << " (install it as their CSMS root certificate)\n";
    return 0;
  }
  if (sub == "station") {
    if (station.empty()) throw ConfigError("pki station: name the station's identity");
    pki::SigningCa signing{read_text_file((dir / "ca.pem").string(), "pki station"),
                           read_text_file((dir / "ca.key").string(), "pki station")};
    auto issued = pki::make_client_certificate(signing, station, cso, hours(24 * 825));
    write_public(dir / (station + ".pem"), issued.cert_pem);
    write_secret_file(dir / (station + ".key"), issued.key_pem);
    std::cout << "wrote " << (dir / (station + ".pem")).string() << " and its key (CN " << station << ", O "
              << cso << ")\n";
    return 0;
  }
  throw ConfigError("pki: expected 'init' or 'station ID'");
}

int main(const std::vector<std::string>& args) {
  std::string command = "serve";
  std::optional<std::string> config_file;
  std::map<std::string, std::string> flags;
  std::vector<std::string> command_args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "--config" || arg.starts_with("--config=")) {
      if (arg == "--config") {
        if (i + 1 >= args.size()) {
          std::cerr << "csms: --config needs a file\n";
          return 2;
        }
        config_file = args[++i];
      } else {
        config_file = arg.substr(9);
      }
      continue;
    }
    if (arg.starts_with("--")) {
      auto eq = arg.find('=');
      if (eq == std::string::npos) {
        std::cerr << "csms: flags take the form --<section>.<key>=<value>, got " << arg << "\n";
        return 2;
      }
      flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
      continue;
    }
    if (i == 0 && (arg == "analytics" || arg == "seed" || arg == "pki")) {
      command = arg;
      // Its own arguments (a sub-command, --from=, --stations=, ...); the rest are config flags.
      for (++i; i < args.size(); ++i) {
        static const char* kOwn[] = {"--from=", "--to=",     "--station=", "--stations=", "--days=",
                                     "--seed=", "--rebuild", "--dir=",     "--host=",     "--cso="};
        bool own = !args[i].starts_with("--");
        for (const char* prefix : kOwn) own = own || args[i].starts_with(prefix);
        if (own)
          command_args.push_back(args[i]);
        else if (args[i].starts_with("--config="))
          config_file = args[i].substr(9);
        else if (auto eq = args[i].find('='); eq != std::string::npos)
          flags[args[i].substr(2, eq - 2)] = args[i].substr(eq + 1);
        else {
          std::cerr << "csms: unknown argument '" << args[i] << "'\n";
          return 2;
        }
      }
      break;
    }
    if (i == 0 && (arg == "serve" || arg == "migrate" || arg == "version")) {
      command = arg;
      continue;
    }
    std::cerr << "csms: unknown argument '" << arg << "'\n" << kUsage;
    return 2;
  }
  if (command == "version") {
    std::cout << "csms " << CSMS_VERSION << "\n";
    return 0;
  }
  try {
    if (command == "pki") return pki_command(command_args);
    auto config = load_config(config_file, process_environment(), flags);
    setup_logging(config);
    if (command == "migrate") return migrate_command(config);
    if (command == "analytics") return analytics_command(config, command_args);
    if (command == "seed") return seed_command(config, command_args);
    return serve_command(config);
  } catch (const ConfigError& e) {
    std::cerr << "csms: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "csms: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace csms::app

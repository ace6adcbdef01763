#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "csms/api/api_token.hpp"
#include "csms/domain/clock.hpp"
#include "csms/domain/events.hpp"
#include "csms/domain/ports.hpp"
#include "csms/faults/fault_service.hpp"
#include "csms/server/http_types.hpp"

namespace csms::analytics {
class AnalyticsService;
}

namespace csms::api {
namespace detail {
struct Target;
}

// The outcome of a command sent to a station.
struct CommandResult {
  enum class Kind { Answered, UnknownStation, Offline, Timeout, CallError, InvalidAnswer, BadRequest };
  Kind kind = Kind::Answered;
  std::string status;       // the charger's status (Answered)
  nlohmann::json response;  // its full reply (Answered) or error details (CallError)
  std::string error_code;   // CallError
  std::string description;  // CallError, InvalidAnswer (the schema violation), BadRequest, Offline
  // What the answer says of the station's variables, for its device model (Answered).
  std::optional<domain::VariableReport> learnt;
};

// Sends a command to whichever connection holds the station.
class CommandPort {
 public:
  virtual ~CommandPort() = default;
  // `body` is the REST body (DESIGN.md "Command bodies"); for remote-stop the
  // transaction_id has been resolved to the charger's id.
  virtual void send(const std::string& station_id, const std::string& name, const nlohmann::json& body,
                    std::function<void(CommandResult)> done) = 0;
  // Logs every OCPP frame of the station (both directions) while enabled.
  virtual void set_frame_logging(const std::string& station_id, bool enabled) = 0;
};

struct ApiSettings {
  std::vector<ApiToken> tokens;  // digests only (api_token.hpp)
  // The file endpoint (file_routes.cpp): where images and uploads are kept, the base URL
  // stations reach this server at (empty: file transfers are refused), how long a
  // transfer's URL works after the transfer may start, the largest image or upload.
  std::string files_dir = "files";
  // The dashboard's built files (index.html, assets/, api-docs/); empty: not built, and
  // /ui/ answers 404 saying so.
  std::string ui_dir;
  std::string files_base_url;
  std::function<std::string()> default_files_base_url;  // when files_base_url is empty
  std::chrono::seconds file_url_ttl{24 * 3600};
  std::size_t max_upload_bytes = 256u * 1024 * 1024;
};

// The REST admin API (DESIGN.md section 2): routing, bearer-token roles, validation,
// problem+json errors. Storage work runs through the unit-of-work runner.
// Live event streams (server-sent events): every change published goes to every client of
// the stream. A client that falls kMaxPending events behind is disconnected.
class EventStreams {
 public:
  std::shared_ptr<server::EventStream> subscribe();
  void publish(const std::string& event, const std::string& data);
  // Whether a client may be listening (one that left is noticed at the next publish): one
  // atomic read, so publishers skip building events nobody reads.
  bool has_subscribers() const { return listening_.load(std::memory_order_relaxed) > 0; }
  void close_all();

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<server::EventStream>> streams_;
  std::atomic<std::size_t> listening_{0};
};

// GET /api/v1/alerts/stream (alert changes) and GET /api/v1/stations/stream (connections,
// connector statuses, sessions starting and ending).
struct ApiStreams {
  EventStreams alerts;
  EventStreams stations;
  void close_all() {
    alerts.close_all();
    stations.close_all();
  }
};

// Runs blocking operator actions (they wait for the database) off the I/O threads, one at a
// time. At most `max_queued` wait: a task beyond them is not taken (post returns false) and
// its request is answered 503 (each may hold an upload's body).
class BlockingWorker {
 public:
  explicit BlockingWorker(std::size_t max_queued = 64);
  ~BlockingWorker();
  [[nodiscard]] bool post(std::function<void()> task);

 private:
  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

class Api {
 public:
  Api(ApiSettings settings, domain::UnitOfWorkRunner& db, CommandPort& commands, const domain::Clock& clock,
      std::function<bool()> ready, faults::FaultService& faults, ApiStreams& streams);

  void handle(server::HttpRequest request, std::function<void(server::HttpResponse)> respond);
  // The largest body a request may carry (ServerSettings::upload_limit): images and uploads.
  std::size_t upload_limit(const std::string& method, const std::string& target,
                           const std::string& authorization) const;
  // Moves the fleet jobs on and sends what is due (one round at a time); called every second.
  void run_jobs();
  // One round of site load management (site_routes.cpp): reads the sites and their sessions,
  // plans and sends the profiles that are due. One round at a time; a call during a round
  // runs another after it. Called every second and on every session change.
  void run_load_management();
  // A station connected or booted: what the load manager and the operators had installed is
  // sent again, at its boot, or 3 s after a connection without one (a station is not sent
  // calls before its boot is answered).
  void load_station_reconnected(const std::string& station_id, bool booted);
  // Reconciliations whose time has come; called every second on every node.
  void run_reconciliations();
  // Where the stations' answers to the load manager's profiles go (the event bus).
  void set_load_listener(std::function<void(const domain::Event&)> listener) {
    load_listener_ = std::move(listener);
  }
  // Whether this node plans (one node of a cluster: two planning at once could each give
  // the same headroom away).
  void set_load_leader(std::function<bool()> leader) { load_leader_ = std::move(leader); }
  // Maintenance-window changes mark the affected history for recomputation.
  void set_analytics(analytics::AnalyticsService* analytics) { analytics_ = analytics; }

 private:
  // Writes an audit entry with the answer it is about to get, then sends the answer (so
  // entries are in the order of the answers; one the database cannot take is logged and
  // counted instead).
  void record_audit(domain::AuditRecord record, server::HttpResponse response,
                    std::function<void(server::HttpResponse)> respond);
  // Runs `task` on the blocking worker, or answers 503 (Retry-After: 1) when its queue is full.
  void run_blocking(std::function<void()> task, const std::function<void(server::HttpResponse)>& respond);
  // Runs `work` in one unit of work and answers with what it returns (or the error it threw).
  void run_unit(std::function<server::HttpResponse(domain::Repositories&)> work,
                std::function<void(server::HttpResponse)> respond);
  // POST /stations/{id}/password:rotate and /stations/{id}/security-profile:upgrade.
  void handle_security(const std::string& station_id, const std::string& action,
                       const server::HttpRequest& request, std::function<void(server::HttpResponse)> respond);
  void handle_billing(const std::vector<std::string>& segments, const server::HttpRequest& request,
                      std::function<void(server::HttpResponse)> respond);
  void handle_faults(const std::vector<std::string>& segments, const server::HttpRequest& request,
                     const std::string& actor, int role, std::function<void(server::HttpResponse)> respond);
  void handle_analytics(const std::vector<std::string>& segments, const server::HttpRequest& request,
                        std::function<void(server::HttpResponse)> respond);
  // /reservations and the station commands reserve / cancel-reservation (reservation_routes.cpp).
  void handle_reservations(const std::vector<std::string>& segments, const server::HttpRequest& request,
                           std::function<void(server::HttpResponse)> respond);
  void station_reservation_command(const std::string& station_id, const std::string& name,
                                   const server::HttpRequest& request,
                                   std::function<void(server::HttpResponse)> respond);
  void reserve(nlohmann::json fields, bool as_command, std::function<void(server::HttpResponse)> respond);
  // The station command send-local-list and GET /stations/{id}/local-list (local_list_routes.cpp).
  struct LocalListPlan;
  void send_local_list(const std::string& station_id, const server::HttpRequest& request,
                       std::function<void(server::HttpResponse)> respond);
  void send_local_list_update(const std::string& station_id, std::shared_ptr<LocalListPlan> plan, bool full,
                              std::function<void(server::HttpResponse)> respond);
  void local_list_info(const std::string& station_id, std::function<void(server::HttpResponse)> respond);
  void cancel_reservation(int id, std::optional<std::string> station, bool as_command,
                          std::function<void(server::HttpResponse)> respond);

  // POST /stations/{id}/commands/{name}: answers with the station's answer (or the problem);
  // throws HttpError for a request refused before anything is sent.
  void station_command(const std::string& station_id, const std::string& name,
                       const server::HttpRequest& request, const std::string& actor,
                       std::function<void(server::HttpResponse)> respond);
  // Fleet jobs (job_routes.cpp): /api/v1/jobs, and the runner that sends their commands.
  void handle_jobs(const std::vector<std::string>& segments, const detail::Target& target,
                   const server::HttpRequest& request, const std::string& actor,
                   std::function<void(server::HttpResponse)> respond);
  void send_job_work(domain::JobWork work);
  std::atomic<bool> jobs_running_{false};
  // Sites and load management (site_routes.cpp).
  void handle_sites(const std::vector<std::string>& segments, const detail::Target& target,
                    const server::HttpRequest& request, std::function<void(server::HttpResponse)> respond);
  void send_load_profile(domain::LoadSend send);
  void send_fallback(domain::FallbackRow fallback);
  using Outcome = domain::SmartChargingRepository::LoadOutcome;
  void load_answer(const std::string& station_id, int evse_id, double limit_a, const CommandResult& result,
                   std::function<void(domain::Repositories&, Outcome, const std::string&)> record);
  void clear_fallback(domain::FallbackRow fallback);
  void finish_load_round();
  // Operators' charging profiles (profile_routes.cpp).
  void handle_charging_profiles(const std::vector<std::string>& segments, const detail::Target& target,
                                const server::HttpRequest& request, const std::string& actor,
                                std::function<void(server::HttpResponse)> respond);
  // Sends the profile; `done` gets its document after the station's answer ("" if unread).
  void install_profile(domain::StoredProfile stored, std::function<void(std::string)> done);
  // Clears it on the station; `done` gets 200 (cleared), 202 (later) or 502 and the document.
  void clear_profile(domain::StoredProfile stored, std::function<void(int, std::string)> done);
  void reconcile_profiles(const std::string& station_id);
  void charging_schedule(const std::string& station_id, const detail::Target& target,
                         std::function<void(server::HttpResponse)> respond);
  std::atomic<bool> load_running_{false};
  std::atomic<bool> load_again_{false};
  std::function<void(const domain::Event&)> load_listener_;
  std::function<bool()> load_leader_;
  void reconcile_now(const std::string& station_id);
  // Stations connected without a boot yet, and when to reconcile them anyway.
  std::mutex reconcile_mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point> reconcile_due_;
  // Firmware images, file transfers and the file endpoint /files/{token} (file_routes.cpp).
  // What is served without a token (x-csms-role none): health, metrics, the OpenAPI
  // document, the file endpoint, the dashboard's files and the API reference.
  void handle_public(const std::vector<std::string>& segments, server::HttpRequest request,
                     std::function<void(server::HttpResponse)> respond);
  server::HttpResponse dashboard_file(const std::vector<std::string>& segments) const;
  void handle_file_endpoint(const std::vector<std::string>& segments, server::HttpRequest request,
                            std::function<void(server::HttpResponse)> respond);
  void handle_firmware(const std::vector<std::string>& segments, const detail::Target& target,
                       server::HttpRequest request, std::function<void(server::HttpResponse)> respond);
  void handle_file_transfers(const std::vector<std::string>& segments, const detail::Target& target,
                             const server::HttpRequest& request,
                             std::function<void(server::HttpResponse)> respond);
  // update-firmware with a firmware_id, get-diagnostics without a location: through the file endpoint.
  static bool is_file_command(const std::string& name, const nlohmann::json& body);
  void file_command(const std::string& station_id, const std::string& name, nlohmann::json body,
                    const std::string& actor, std::function<void(server::HttpResponse)> respond);
  std::filesystem::path firmware_path(std::int64_t id) const;
  std::filesystem::path upload_path(std::int64_t id) const;

  ApiSettings settings_;
  domain::UnitOfWorkRunner& db_;
  CommandPort& commands_;
  const domain::Clock& clock_;
  std::function<bool()> ready_;
  faults::FaultService& faults_;
  ApiStreams& streams_;
  BlockingWorker worker_;
  analytics::AnalyticsService* analytics_ = nullptr;
};

}  // namespace csms::api

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "csms/domain/model.hpp"
#include "csms/domain/page.hpp"
#include "csms/domain/time.hpp"

// What analytics reads from and writes to storage: the raw history of a station over a
// window (to compute hourly rollups) and the rollups themselves. The computation is pure
// (csms/analytics/rollup.hpp); `store` implements the port.
namespace csms::domain {

// A stretch of a station's history to (re)compute, [from, to).
struct RollupWindow {
  std::string station_id;
  Timestamp from;
  Timestamp to;
};

struct StatusPoint {  // from `at` on, the connector reported `status`
  int evse_id = 0;    // 0/0: the station as a whole
  int connector_id = 0;
  Timestamp at;
  ConnectorStatus status = ConnectorStatus::Available;
};

struct TimeSpan {
  Timestamp from;
  std::optional<Timestamp> to;  // open: still going on
};

struct MaintenanceSpan {
  std::optional<int> evse_id;  // none: the whole station
  Timestamp from;
  Timestamp to;
};

struct SessionHistory {
  std::int64_t transaction_id = 0;
  int evse_id = 1;
  int connector_id = 1;
  Timestamp started_at;
  std::optional<Timestamp> stopped_at;
  // Energy import register readings (Wh), including the start and stop meter values, in any
  // order; for a window, at least the last one before it and the first one after it.
  std::vector<std::pair<Timestamp, double>> register_wh;
  // 2.0.1 chargingState changes: from then on charging or not.
  std::vector<std::pair<Timestamp, bool>> charging_changes;
};

// Everything the rollup of one station's window needs. `from`/`to` are aligned to the
// station's local hours by the repository.
struct RollupInput {
  std::string station_id;
  std::string time_zone = "UTC";
  Timestamp from;
  Timestamp to;
  std::vector<std::pair<int, int>> connectors;  // (evse, connector) with evse > 0
  // Status changes inside the window plus, per connector, the last one before it.
  std::vector<StatusPoint> statuses;
  std::vector<TimeSpan> online;  // connectivity overlapping the window
  // The station's first connection ever; before it (or with none) it is not offline yet:
  // messages it sends later about that time (queued while it was never connected) count.
  std::optional<Timestamp> first_connected;
  std::vector<MaintenanceSpan> maintenance;
  std::vector<SessionHistory> sessions;  // sessions overlapping the window
};

// One local hour of one connector (or of the station: evse 0, connector 0).
struct HourRollup {
  std::string station_id;
  int evse_id = 0;
  int connector_id = 0;
  Timestamp hour_start;
  std::string local_hour;  // "YYYY-MM-DD HH:00:00" in the station's zone
  std::int64_t occupied_s = 0;
  std::int64_t charging_s = 0;
  std::int64_t down_s = 0;
  std::int64_t excused_down_s = 0;
  std::int64_t offline_s = 0;
  std::int64_t all_busy_s = 0;
  double energy_wh = 0;
  std::int64_t sessions_started = 0;

  friend bool operator==(const HourRollup&, const HourRollup&) = default;
};

struct AnalyticsQuery {
  Timestamp from;
  Timestamp to;
  std::vector<std::string> stations;  // empty: all
  std::string bucket = "day";         // hour | day | week | month
  double uptime_threshold_percent = 97.0;
  // Time-series reports: "connector" (utilization's rows), "station" (the others'), or
  // "fleet" (every station summed per bucket); empty: the report's own.
  std::string group;
};

// What a report covers: its stations, their connectors and their time zones (sorted).
struct ReportScope {
  std::int64_t stations = 0;
  std::int64_t connectors = 0;
  std::vector<std::string> time_zones;
};

// A report's rows as the database answered them: named, typed columns and each cell's text
// (NULL as nullopt), row by row. Rendered to JSON or CSV without building a document.
struct ReportTable {
  enum class Kind { Number, Boolean, Text };
  std::vector<std::string> columns;
  std::vector<Kind> kinds;                        // one per column
  std::vector<std::optional<std::string>> cells;  // rows * columns.size(), row-major

  std::size_t rows() const { return columns.empty() ? 0 : cells.size() / columns.size(); }
  const std::optional<std::string>& cell(std::size_t row, std::size_t column) const {
    return cells[row * columns.size() + column];
  }
};

// The rows as a JSON array of objects with exactly `columns`, in that order (a column the
// table lacks is null). Numbers as the database wrote them (NaN and infinities as null),
// booleans as true/false, everything else as strings.
std::string report_rows_json(const ReportTable& table, const std::vector<std::string>& columns);
// The same as CSV (RFC 4180, CRLF): a header of `columns`, then one line per row; NULL empty,
// booleans true/false, a field with a comma, quote or line break quoted.
std::string report_rows_csv(const ReportTable& table, const std::vector<std::string>& columns);

// A session as the sessions report reads it (analytics_session_facts; open sessions are
// measured up to the end of the asked range or now).
struct SessionFact {
  std::int64_t transaction_id = 0;
  std::string station_id;
  Timestamp started_at;
  std::int64_t duration_ms = 0;
  double energy_wh = 0;
  std::optional<std::string> id_token;
  std::optional<std::string> customer_id;
  std::int64_t seq = 0;  // 0 for an open session
};

// A station in the sessions report's scope with its idle share from the rollups (connected
// time not charging, as PostgreSQL rounds it; nullopt when never occupied).
struct StationIdle {
  std::string station_id;
  std::optional<std::string> idle_percent;
};

struct MaintenanceWindowFilter {
  std::optional<std::string> station;
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
};

class AnalyticsRepository {
 public:
  virtual ~AnalyticsRepository() = default;

  // The raw history behind each window, with the window aligned to local hours. Unknown
  // stations are left out.
  virtual std::vector<RollupInput> rollup_inputs(const std::vector<RollupWindow>& windows) = 0;
  // Replaces the rollups of the inputs' windows with `rows` (hourly and the daily sums of
  // every local day the windows touch).
  virtual void replace_rollups(const std::vector<RollupInput>& windows,
                               const std::vector<HourRollup>& rows) = 0;

  // Windows still to compute, persisted so that a restart does not forget them.
  virtual void mark_dirty(const std::vector<RollupWindow>& windows) = 0;
  // Up to `limit` stations' marks merged into one window each, removed from the table.
  virtual std::vector<RollupWindow> take_dirty(int limit) = 0;
  // Stations (optionally only these) that existed at some point in [from, to).
  virtual std::vector<std::string> stations_between(Timestamp from, Timestamp to) = 0;

  // How many of these stations (all when empty) exist, how many connectors they have (what a
  // report's size is estimated from before it is run) and their time zones.
  virtual ReportScope report_scope(const std::vector<std::string>& stations) = 0;
  // A report's rows (see openapi.json for the columns of each).
  virtual ReportTable report(const std::string& name, const AnalyticsQuery& query) = 0;
  // The fleet at a glance (GET /api/v1/overview), one document: stations online / offline /
  // faulted, sessions in progress, active alerts by state and severity with the newest ones,
  // energy and revenue in [from, to) and in [before_from, before_to) (the same stretch a week
  // earlier).
  virtual std::string overview(Timestamp from, Timestamp to, Timestamp before_from, Timestamp before_to) = 0;

  // Ended sessions' facts in seq order after `seq`, at most `limit` (a first, full reading).
  virtual std::vector<SessionFact> session_facts_after(std::int64_t seq, std::size_t limit) = 0;
  // The oldest transaction still running: every fact written before it is visible now.
  virtual std::uint64_t session_facts_horizon() = 0;
  // The facts written by transactions from `horizon` on, and the horizon to ask with next
  // (both as of one snapshot, so that no fact committed later is skipped).
  virtual std::pair<std::uint64_t, std::vector<SessionFact>> session_facts_since(std::uint64_t horizon) = 0;
  // Sessions not yet ended that started in the query's range (its stations, or all).
  virtual std::vector<SessionFact> open_sessions(const AnalyticsQuery& query) = 0;
  // The query's stations (or all) with their idle share over the range, by station id.
  virtual std::vector<StationIdle> station_idle(const AnalyticsQuery& query) = 0;

  // A page ({"items", "next_cursor"}) by start time.
  virtual std::string list_maintenance_windows(const MaintenanceWindowFilter& filter, const Page& page) = 0;
  virtual std::optional<std::string> get_maintenance_window(std::int64_t id) = 0;
  // `fields_json`: station_id, evse_id, starts_at, ends_at, reason (validated by the API).
  // Returns the new window's JSON; nullopt when the station does not exist.
  virtual std::optional<std::string> create_maintenance_window(const std::string& fields_json) = 0;
  // The deleted window's JSON (so that the caller can recompute its span).
  virtual std::optional<std::string> delete_maintenance_window(std::int64_t id) = 0;
};

}  // namespace csms::domain

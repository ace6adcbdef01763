// /api/v1/analytics/{report} (JSON and text/csv) and /api/v1/maintenance-windows.
#include <algorithm>
#include <map>

#include "csms/analytics/analytics_service.hpp"
#include "csms/api/api.hpp"
#include "csms/billing/simulation.hpp"
#include "csms/billing/tariff.hpp"
#include "http_support.hpp"

namespace csms::api {
using namespace detail;

namespace {

// A report is refused beyond this many rows (about 75 MB of JSON): narrower ranges, larger
// buckets or named stations fit.
constexpr std::int64_t kMaxReportRows = 500'000;

// An upper bound of a report's rows from the stations and connectors it covers.
std::int64_t estimated_rows(const std::string& report, const domain::AnalyticsQuery& query,
                            std::int64_t stations, std::int64_t connectors) {
  using std::chrono::days;
  using std::chrono::hours;
  const auto span = query.to - query.from;
  const auto bucket = query.bucket == "hour" ? std::chrono::duration_cast<std::chrono::milliseconds>(hours(1))
                      : query.bucket == "day" ? std::chrono::duration_cast<std::chrono::milliseconds>(days(1))
                      : query.bucket == "week"
                          ? std::chrono::duration_cast<std::chrono::milliseconds>(days(7))
                          : std::chrono::duration_cast<std::chrono::milliseconds>(days(28));
  const std::int64_t buckets = span / bucket + 2;  // partial buckets at both ends (local time)
  if (report == "peak-hours") return 168;
  // group=fleet sums the per-station rows: those are what it costs, and what is limited.
  if (report == "utilization" && query.group == "connector") return std::max(stations, connectors) * buckets;
  if (report == "utilization") return stations * buckets;
  if (report == "energy" || report == "uptime" || report == "revenue") return stations * buckets;
  if (report == "faults") return stations * 20;  // per station and rule
  return stations;                               // sessions, expansion, maintenance
}

// The columns of each report, in order: the CSV header and the keys of every JSON row.
const std::map<std::string, std::vector<std::string>>& report_columns() {
  static const std::map<std::string, std::vector<std::string>> columns = {
      {"utilization",
       {"station_id", "evse_id", "connector", "bucket_start", "period_s", "occupied_s", "charging_s",
        "utilization_percent", "charging_percent", "sessions", "connectors"}},
      {"energy", {"station_id", "bucket_start", "energy_wh", "sessions"}},
      {"uptime",
       {"station_id", "bucket_start", "period_s", "connectors", "downtime_s", "excused_downtime_s",
        "offline_s", "uptime_percent", "below_threshold"}},
      {"peak-hours", {"weekday", "hour", "sessions_started", "avg_occupancy_percent", "energy_wh"}},
      {"revenue",
       {"station_id", "bucket_start", "tariff_id", "currency", "sessions", "revenue_excl_vat",
        "revenue_incl_vat", "energy_wh"}},
      {"sessions",
       {"station_id", "sessions", "duration_p50_s", "duration_p90_s", "duration_max_s", "energy_p50_wh",
        "energy_p90_wh", "energy_max_wh", "idle_percent", "unique_id_tokens", "unique_customers",
        "repeat_percent"}},
      {"faults", {"station_id", "rule", "alerts", "resolved", "mttr_s", "mtbf_s"}},
      {"expansion",
       {"level", "station_id", "site", "connectors", "sessions", "energy_wh", "occupancy_percent",
        "busiest_hour", "busiest_hour_occupancy_percent", "saturation_percent", "sessions_growth_percent",
        "energy_growth_percent", "rank_busiest_hour", "rank_saturation", "needs_capacity", "under_used"}},
      {"maintenance",
       {"station_id", "candidate", "reasons", "recent_alerts_per_week", "baseline_alerts_per_week",
        "recent_failed_start_percent", "baseline_failed_start_percent", "recent_avg_power_kw",
        "baseline_avg_power_kw", "recent_sessions"}},
  };
  return columns;
}

// The top three weekday-hours by occupancy (ties: more sessions first).
json peak_windows(const json& rows) {
  std::vector<json> sorted(rows.begin(), rows.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const json& a, const json& b) {
    double oa = a.value("avg_occupancy_percent", 0.0), ob = b.value("avg_occupancy_percent", 0.0);
    if (oa != ob) return oa > ob;
    return a.value("sessions_started", 0) > b.value("sessions_started", 0);
  });
  static const char* kDays[] = {"",         "Monday", "Tuesday",  "Wednesday",
                                "Thursday", "Friday", "Saturday", "Sunday"};
  json peaks = json::array();
  for (std::size_t i = 0; i < sorted.size() && i < 3; ++i) {
    const auto& r = sorted[i];
    if (r.value("avg_occupancy_percent", 0.0) <= 0 && r.value("sessions_started", 0) == 0) break;
    int day = r.value("weekday", 1), hour = r.value("hour", 0);
    char label[48];
    std::snprintf(label, sizeof label, "%s %02d:00-%02d:00", kDays[std::clamp(day, 1, 7)], hour,
                  (hour + 1) % 24);
    peaks.push_back({{"weekday", day},
                     {"hour", hour},
                     {"label", label},
                     {"avg_occupancy_percent", r["avg_occupancy_percent"]},
                     {"sessions_started", r["sessions_started"]}});
  }
  return peaks;
}

}  // namespace

void Api::handle_analytics(const std::vector<std::string>& seg, const HttpRequest& request,
                           std::function<void(HttpResponse)> respond) {
  auto target = parse_target(request.target);
  const auto& method = request.method;
  const std::string resource = seg[2];
  const std::size_t depth = seg.size();

  if (resource == "analytics" && depth == 4 && seg[3] == "tariff-simulation") {
    if (method != "POST") throw HttpError(405, "send the proposed tariff with POST");
    auto body = parse_body(request);
    check_known(body, {"tariff", "from", "to", "station"});
    const auto tariff = proposed_tariff(body);
    auto time_of = [&body](const char* key) {
      if (!body.contains(key) || !body[key].is_string())
        throw HttpError(400, std::string(key) + " is required (RFC 3339)");
      auto parsed = domain::parse_timestamp(body[key].get<std::string>());
      if (!parsed) throw HttpError(400, std::string(key) + " must be an RFC 3339 time with an offset");
      return *parsed;
    };
    const auto from = time_of("from"), to = time_of("to");
    if (!(from < to)) throw HttpError(400, "from must be before to");
    std::vector<std::string> stations;
    if (body.contains("station")) {
      const auto& list = body["station"];
      if (!list.is_array()) throw HttpError(400, "station must be an array of station ids");
      for (const auto& id : list) {
        if (!id.is_string() || id.get<std::string>().empty())
          throw HttpError(400, "station must be an array of station ids");
        stations.push_back(id.get<std::string>());
      }
    }
    constexpr std::size_t kMaxSessions = 250'000;
    return run_unit(
        [tariff, from, to, stations](domain::Repositories& repos) {
          auto sessions = repos.billing().historical_sessions(from, to, stations, kMaxSessions + 1);
          const bool truncated = sessions.size() > kMaxSessions;
          if (truncated) sessions.resize(kMaxSessions);
          auto result = billing::simulate_tariff(tariff, sessions);
          nlohmann::ordered_json out;
          out["from"] = domain::format_timestamp(from);
          out["to"] = domain::format_timestamp(to);
          out["tariff_id"] = tariff.id;
          out["sessions"] = sessions.size();
          out["truncated"] = truncated;
          if (truncated) {
            out["until"] = domain::format_timestamp(sessions.back().data.started_at);
          }
          out["rows"] = result["rows"];
          return json_response(200, out.dump());
        },
        respond);
  }

  if (resource == "overview") {
    // The fleet at a glance for the dashboard's first page; the window is the caller's
    // "today" (its local day), compared with the same window a week earlier.
    const auto to = time_param(target, "to").value_or(clock_.now());
    const auto from = time_param(target, "from").value_or(to - std::chrono::days(1));
    if (!(from < to)) throw HttpError(400, "from must be before to");
    if (to - from > std::chrono::days(31)) throw HttpError(400, "the window may span at most 31 days");
    // The caller knows its calendar: a week before local midnight is 167 or 169 hours earlier
    // across a change to or from summer time.
    const auto before_from = time_param(target, "last_week_from").value_or(from - std::chrono::days(7));
    const auto before_to = time_param(target, "last_week_to").value_or(to - std::chrono::days(7));
    if (!(before_from < before_to)) throw HttpError(400, "last_week_from must be before last_week_to");
    if (before_to - before_from > std::chrono::days(31))
      throw HttpError(400, "the window compared with may span at most 31 days");
    return run_unit(
        [from, to, before_from, before_to](domain::Repositories& repos) {
          auto doc = json::parse(repos.analytics().overview(from, to, before_from, before_to));
          nlohmann::ordered_json out;
          out["from"] = domain::format_timestamp(from);
          out["to"] = domain::format_timestamp(to);
          out["last_week_from"] = domain::format_timestamp(before_from);
          out["last_week_to"] = domain::format_timestamp(before_to);
          for (const char* key : {"stations", "faulted_stations", "sessions_in_progress", "alerts",
                                  "latest_alerts", "energy_wh", "revenue_incl_vat"})
            out[key] = doc[key];
          return json_response(200, out.dump());
        },
        respond);
  }

  if (resource == "analytics") {
    if (depth != 4) throw HttpError(404, "no such resource; try /api/v1/analytics/utilization");
    if (method != "GET") throw HttpError(405, "analytics reports are read with GET");
    const std::string name = seg[3];
    auto columns = report_columns().find(name);
    if (columns == report_columns().end())
      throw HttpError(404,
                      "no report '" + name +
                          "'; reports: utilization, energy, peak-hours, sessions, revenue, uptime, faults");
    domain::AnalyticsQuery query;
    query.to = time_param(target, "to").value_or(clock_.now());
    query.from = time_param(target, "from").value_or(query.to - std::chrono::days(30));
    if (!(query.from < query.to)) throw HttpError(400, "from must be before to");
    if (query.to - query.from > std::chrono::days(5 * 366))
      throw HttpError(400, "the range may span at most five years");
    query.bucket = target.param("bucket").value_or("day");
    if (query.bucket != "hour" && query.bucket != "day" && query.bucket != "week" && query.bucket != "month")
      throw HttpError(400, "bucket must be hour, day, week or month");
    if (query.bucket == "hour" && query.to - query.from > std::chrono::days(93))
      throw HttpError(400, "hourly buckets cover at most 93 days; use bucket=day for longer ranges");
    for (auto [it, end] = target.query.equal_range("station"); it != end; ++it) {
      if (it->second.empty()) throw HttpError(400, "station must not be empty");
      query.stations.push_back(it->second);
    }
    // The grouping of a time series: per connector (utilization only), per station, or the
    // fleet as one.
    const bool series = name == "utilization" || name == "energy" || name == "uptime" || name == "revenue";
    query.group = target.param("group").value_or(name == "utilization" ? "connector"
                                                 : series              ? "station"
                                                                       : "");
    if (!series && target.param("group"))
      throw HttpError(400, "group applies to the utilization, energy, uptime and revenue reports");
    if (series && query.group != "station" && query.group != "fleet" &&
        !(name == "utilization" && query.group == "connector"))
      throw HttpError(400, name == "utilization" ? "group must be connector, station or fleet"
                                                 : "group must be station or fleet");
    // The site dimension: the stations of these sites (a station's site_id, else its location
    // or name, as the expansion report groups them); with station= too, those of them there.
    std::vector<std::string> sites;
    for (auto [it, end] = target.query.equal_range("site"); it != end; ++it) {
      if (it->second.empty()) throw HttpError(400, "site must not be empty");
      sites.push_back(it->second);
    }
    if (auto threshold = target.param("threshold")) {
      char* end = nullptr;
      query.uptime_threshold_percent = std::strtod(threshold->c_str(), &end);
      if (end != threshold->c_str() + threshold->size() || !(query.uptime_threshold_percent >= 0) ||
          query.uptime_threshold_percent > 100)
        throw HttpError(400, "threshold must be a percentage from 0 to 100");
    }
    const bool csv = accepts(request, "text/csv");
    const auto& cols = columns->second;
    auto* analytics = analytics_;
    return run_unit(
        [name, query, sites, csv, cols, analytics](domain::Repositories& repos) mutable {
          bool none = false;
          if (!sites.empty()) {
            auto at_sites = repos.smart_charging().site_stations(sites);
            if (!query.stations.empty())
              std::erase_if(at_sites, [&](const std::string& id) {
                return std::find(query.stations.begin(), query.stations.end(), id) == query.stations.end();
              });
            none = at_sites.empty();
            query.stations = std::move(at_sites);
          }
          const auto scope = repos.analytics().report_scope(query.stations);
          const auto stations = scope.stations;
          if (auto rows = estimated_rows(name, query, stations, scope.connectors);
              !none && rows > kMaxReportRows)
            return problem(400, std::string(query.group == "fleet" ? "this report would sum"
                                                                   : "this report would have") +
                                    " up to " + std::to_string(rows) + " rows (" + std::to_string(stations) +
                                    " stations from " + domain::format_timestamp(query.from) + " to " +
                                    domain::format_timestamp(query.to) + " by " + query.bucket +
                                    "); at most " + std::to_string(kMaxReportRows) +
                                    ": name stations, narrow the range or use a larger bucket");
          // Sessions: percentiles and distinct tokens come from the node's copy of the ended
          // sessions (a year of a large network is too many rows to sort per request).
          domain::ReportTable table;
          if (none) {
            table.columns = cols;
            table.kinds.assign(cols.size(), domain::ReportTable::Kind::Text);
          } else {
            table = name == "sessions" && analytics ? analytics->sessions_report(repos, query)
                                                    : repos.analytics().report(name, query);
          }
          if (csv)
            return HttpResponse{
                200, "text/csv; charset=utf-8", {}, domain::report_rows_csv(table, cols), nullptr, {}};
          // Rows rendered straight from the database's text (a year of a large network's
          // utilization is tens of thousands of rows); every row carries the report's columns
          // in the CSV's order.
          nlohmann::ordered_json head;
          head["report"] = name;
          head["from"] = domain::format_timestamp(query.from);
          head["to"] = domain::format_timestamp(query.to);
          head["bucket"] = query.bucket;
          if (!query.group.empty()) head["group"] = query.group;
          // The zones of the stations covered: one zone is the time axis to draw in.
          head["time_zones"] = none ? std::vector<std::string>{} : scope.time_zones;
          if (name == "uptime") head["threshold_percent"] = query.uptime_threshold_percent;
          const std::string rows = domain::report_rows_json(table, cols);
          if (name == "peak-hours") head["peaks"] = peak_windows(json::parse(rows));
          std::string body = head.dump();
          body.pop_back();  // the closing brace
          body.reserve(body.size() + rows.size() + 10);
          body += ",\"rows\":";
          body += rows;
          body += '}';
          return json_response(200, body);
        },
        respond);
  }

  // Maintenance windows: downtime inside one does not count against uptime.
  auto remark = [this](const std::string& window_json) {
    if (!analytics_) return;
    auto w = json::parse(window_json);
    auto from = domain::parse_timestamp(w.value("starts_at", ""));
    auto to = domain::parse_timestamp(w.value("ends_at", ""));
    if (from && to) analytics_->mark(w.value("station_id", ""), *from, *to);
  };
  if (depth == 3 && method == "GET") {
    domain::MaintenanceWindowFilter filter;
    filter.station = target.param("station");
    filter.from = time_param(target, "from");
    filter.to = time_param(target, "to");
    auto page = page_of(target);
    require_numeric_cursor(page);
    return run_unit(
        [filter, page](domain::Repositories& repos) {
          return json_response(200, repos.analytics().list_maintenance_windows(filter, page));
        },
        respond);
  }
  if (depth == 3 && method == "POST") {
    auto body = parse_body(request);
    check_known(body, {"station_id", "evse_id", "starts_at", "ends_at", "reason"});
    if (!body.contains("station_id") || !body["station_id"].is_string() ||
        body["station_id"].get<std::string>().empty())
      throw HttpError(400, "station_id is required");
    if (body.contains("evse_id") && !body["evse_id"].is_null() &&
        (!body["evse_id"].is_number_integer() || body["evse_id"].get<long long>() < 1 ||
         body["evse_id"].get<long long>() > 1000))
      throw HttpError(400, "evse_id must be a positive integer (or null for the whole station)");
    auto time_of = [&body](const char* key) {
      if (!body.contains(key) || !body[key].is_string())
        throw HttpError(400, std::string(key) + " is required");
      auto parsed = domain::parse_timestamp(body[key].get<std::string>());
      if (!parsed) throw HttpError(400, std::string(key) + " must be an RFC 3339 time with an offset");
      return *parsed;
    };
    auto starts = time_of("starts_at"), ends = time_of("ends_at");
    if (!(starts < ends)) throw HttpError(400, "ends_at must be after starts_at");
    expect_string(body, "reason", 500);
    body["starts_at"] = domain::format_timestamp(starts);
    body["ends_at"] = domain::format_timestamp(ends);
    auto fields = body.dump();
    return run_unit(
        [fields, remark](domain::Repositories& repos) {
          auto created = repos.analytics().create_maintenance_window(fields);
          if (!created)
            throw HttpError(404,
                            "station " + json::parse(fields)["station_id"].get<std::string>() + " not found");
          remark(*created);
          return json_response(201, *created);
        },
        respond);
  }
  if (depth == 4) {
    const auto id = id_in_path(seg[3], "maintenance window " + seg[3] + " not found");
    if (method == "GET")
      return run_unit(
          [id](domain::Repositories& repos) {
            auto window = repos.analytics().get_maintenance_window(id);
            return window ? json_response(200, *window)
                          : problem(404, "maintenance window " + std::to_string(id) + " not found");
          },
          respond);
    if (method == "DELETE")
      return run_unit(
          [id, remark](domain::Repositories& repos) {
            auto deleted = repos.analytics().delete_maintenance_window(id);
            if (!deleted) return problem(404, "maintenance window " + std::to_string(id) + " not found");
            remark(*deleted);
            return HttpResponse{204, "application/json", {}, "", nullptr, {}};
          },
          respond);
  }
  throw HttpError(405, "method not allowed here");
}

}  // namespace csms::api

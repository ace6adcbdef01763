#include "loadgen/report.hpp"

#include <algorithm>
#include <cstdio>

namespace csms::loadgen {

namespace {

using json = nlohmann::json;

double ms(std::uint64_t us) { return static_cast<double>(us) / 1000.0; }

double min_set(double a, double b) { return a < 0 ? b : (b < 0 ? a : std::min(a, b)); }

json latency_json(const Histogram& h) {
  return {{"count", h.count()},
          {"mean_ms", h.mean() / 1000.0},
          {"p50_ms", ms(h.percentile(50))},
          {"p90_ms", ms(h.percentile(90))},
          {"p99_ms", ms(h.percentile(99))},
          {"p99_9_ms", ms(h.percentile(99.9))},
          {"max_ms", ms(h.max())}};
}

std::string fmt(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

}  // namespace

void ActionStats::merge(const ActionStats& o) {
  sent += o.sent;
  ok += o.ok;
  errors += o.errors;
  timeouts += o.timeouts;
  dropped += o.dropped;
  latency.merge(o.latency);
}

ActionStats& Stats::action(std::string_view name) {
  auto it = actions.find(name);
  if (it == actions.end()) it = actions.emplace(std::string(name), ActionStats{}).first;
  return it->second;
}

void Stats::merge(const Stats& o) {
  connections_attempted += o.connections_attempted;
  connections_established += o.connections_established;
  connections_failed += o.connections_failed;
  connections_dropped += o.connections_dropped;
  boots_accepted += o.boots_accepted;
  boots_pending += o.boots_pending;
  boots_rejected += o.boots_rejected;
  chargers_ready += o.chargers_ready;
  sessions_started += o.sessions_started;
  sessions_completed += o.sessions_completed;
  recorded += o.recorded;
  unmatched_replies += o.unmatched_replies;
  first_ready_s = min_set(first_ready_s, o.first_ready_s);
  last_ready_s = std::max(last_ready_s, o.last_ready_s);
  first_drop_s = min_set(first_drop_s, o.first_drop_s);
  last_reready_s = std::max(last_reready_s, o.last_reready_s);
  rereadied += o.rereadied;
  max_recovery_s = std::max(max_recovery_s, o.max_recovery_s);
  for (const auto& [name, a] : o.actions) action(name).merge(a);
  for (const auto& [code, n] : o.call_errors) call_errors[code] += n;
  for (const auto& [name, n] : o.csms_calls) csms_calls[name] += n;
  csms_calls_not_implemented += o.csms_calls_not_implemented;
}

void Stats::reset_calls() {
  actions.clear();
  call_errors.clear();
  csms_calls.clear();
  csms_calls_not_implemented = 0;
}

json report_json(const Stats& s, const RunInfo& info) {
  const double window = info.window_s > 0 ? info.window_s : 1.0;
  Histogram all;
  std::uint64_t ok = 0;
  json actions = json::object();
  for (const auto& [name, a] : s.actions) {
    all.merge(a.latency);
    ok += a.ok;
    actions[name] = {{"sent", a.sent},
                     {"ok", a.ok},
                     {"errors", a.errors},
                     {"timeouts", a.timeouts},
                     {"dropped", a.dropped},
                     {"per_second", static_cast<double>(a.ok) / window},
                     {"latency", latency_json(a.latency)}};
  }
  return {
      {"url", info.url},
      {"chargers", info.chargers},
      {"protocol", info.protocol},
      {"threads", info.threads},
      {"command", info.command},
      {"elapsed_s", info.elapsed_s},
      {"window_s", info.window_s},
      {"connections",
       {{"attempted", s.connections_attempted},
        {"established", s.connections_established},
        {"failed", s.connections_failed},
        {"dropped", s.connections_dropped}}},
      {"boots",
       {{"accepted", s.boots_accepted}, {"pending", s.boots_pending}, {"rejected", s.boots_rejected}}},
      {"chargers_ready", s.chargers_ready},
      {"first_ready_s", s.first_ready_s},
      {"last_ready_s", s.last_ready_s},
      {"recovery",
       {{"first_drop_s", s.first_drop_s},
        {"last_ready_again_s", s.last_reready_s},
        {"ready_again", s.rereadied},
        {"max_per_charger_s", s.max_recovery_s}}},
      {"sessions", {{"started", s.sessions_started}, {"completed", s.sessions_completed}}},
      {"calls_ok", ok},
      {"calls_per_second", static_cast<double>(ok) / window},
      {"latency", latency_json(all)},
      {"actions", actions},
      {"call_errors", s.call_errors},
      {"csms_calls", s.csms_calls},
      {"csms_calls_not_implemented", s.csms_calls_not_implemented},
      {"unmatched_replies", s.unmatched_replies},
      {"recorded", s.recorded},
  };
}

std::string report_text(const Stats& s, const RunInfo& info) {
  const double window = info.window_s > 0 ? info.window_s : 1.0;
  std::string out;
  out += fmt("csms-loadgen: %d chargers (%s) -> %s, %d thread(s), %.1f s (rates over %.1f s)\n",
             info.chargers, info.protocol.c_str(), info.url.c_str(), info.threads, info.elapsed_s, window);
  out += fmt("connections: attempted %llu, established %llu, failed %llu, dropped %llu\n",
             static_cast<unsigned long long>(s.connections_attempted),
             static_cast<unsigned long long>(s.connections_established),
             static_cast<unsigned long long>(s.connections_failed),
             static_cast<unsigned long long>(s.connections_dropped));
  out +=
      fmt("boots: accepted %llu, pending %llu, rejected %llu; ready %llu (first %.2f s, last %.2f s)\n",
          static_cast<unsigned long long>(s.boots_accepted), static_cast<unsigned long long>(s.boots_pending),
          static_cast<unsigned long long>(s.boots_rejected),
          static_cast<unsigned long long>(s.chargers_ready), s.first_ready_s, s.last_ready_s);
  if (s.first_drop_s >= 0)
    out +=
        fmt("recovery: first drop at %.2f s, %llu ready again, last at %.2f s (%.2f s after the first drop); "
            "longest per charger %.2f s\n",
            s.first_drop_s, static_cast<unsigned long long>(s.rereadied), s.last_reready_s,
            s.last_reready_s >= 0 ? s.last_reready_s - s.first_drop_s : 0.0, s.max_recovery_s);
  if (s.sessions_started > 0)
    out +=
        fmt("sessions: started %llu, completed %llu\n", static_cast<unsigned long long>(s.sessions_started),
            static_cast<unsigned long long>(s.sessions_completed));
  Histogram all;
  std::uint64_t ok = 0;
  out += fmt("%-20s %9s %9s %7s %7s %7s %9s %8s %8s %8s %8s %8s\n", "action", "sent", "ok", "error",
             "timeout", "dropped", "ok/s", "p50 ms", "p90 ms", "p99 ms", "p99.9", "max ms");
  for (const auto& [name, a] : s.actions) {
    all.merge(a.latency);
    ok += a.ok;
    const auto& h = a.latency;
    out += fmt("%-20s %9llu %9llu %7llu %7llu %7llu %9.1f %8.2f %8.2f %8.2f %8.2f %8.2f\n", name.c_str(),
               static_cast<unsigned long long>(a.sent), static_cast<unsigned long long>(a.ok),
               static_cast<unsigned long long>(a.errors), static_cast<unsigned long long>(a.timeouts),
               static_cast<unsigned long long>(a.dropped), static_cast<double>(a.ok) / window,
               ms(h.percentile(50)), ms(h.percentile(90)), ms(h.percentile(99)), ms(h.percentile(99.9)),
               ms(h.max()));
  }
  out += fmt("%-20s %9s %9llu %7s %7s %7s %9.1f %8.2f %8.2f %8.2f %8.2f %8.2f\n", "all", "",
             static_cast<unsigned long long>(ok), "", "", "", static_cast<double>(ok) / window,
             ms(all.percentile(50)), ms(all.percentile(90)), ms(all.percentile(99)), ms(all.percentile(99.9)),
             ms(all.max()));
  if (!s.call_errors.empty()) {
    out += "CALLERRORs:";
    for (const auto& [code, n] : s.call_errors)
      out += fmt(" %s=%llu", code.c_str(), static_cast<unsigned long long>(n));
    out += "\n";
  }
  if (!s.csms_calls.empty()) {
    out += "CSMS-initiated calls answered:";
    for (const auto& [name, n] : s.csms_calls)
      out += fmt(" %s=%llu", name.c_str(), static_cast<unsigned long long>(n));
    out += fmt(" (NotImplemented: %llu)\n", static_cast<unsigned long long>(s.csms_calls_not_implemented));
  }
  if (s.unmatched_replies > 0)
    out += fmt("replies with an unknown message id: %llu\n",
               static_cast<unsigned long long>(s.unmatched_replies));
  if (s.recorded > 0)
    out += fmt("recorded: %llu acknowledged transaction messages\n",
               static_cast<unsigned long long>(s.recorded));
  return out;
}

}  // namespace csms::loadgen

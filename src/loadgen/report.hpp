#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "loadgen/histogram.hpp"

namespace csms::loadgen {

struct ActionStats {
  std::uint64_t sent = 0;
  std::uint64_t ok = 0;        // CALLRESULT
  std::uint64_t errors = 0;    // CALLERROR
  std::uint64_t timeouts = 0;  // no reply within --call-timeout
  std::uint64_t dropped = 0;   // connection lost while waiting
  Histogram latency;           // CALLRESULT and CALLERROR, microseconds

  void merge(const ActionStats& other);
};

// What one I/O thread counted; merged into one at the end. Times are seconds since start.
struct Stats {
  std::uint64_t connections_attempted = 0;
  std::uint64_t connections_established = 0;
  std::uint64_t connections_failed = 0;   // TCP connect or WebSocket handshake failed
  std::uint64_t connections_dropped = 0;  // established, then lost before the end of the run
  std::uint64_t boots_accepted = 0;
  std::uint64_t boots_pending = 0;
  std::uint64_t boots_rejected = 0;
  std::uint64_t chargers_ready = 0;  // booted and every connector's status acknowledged, at least once
  std::uint64_t sessions_started = 0;
  std::uint64_t sessions_completed = 0;
  std::uint64_t recorded = 0;           // lines written by --record
  std::uint64_t unmatched_replies = 0;  // replies whose id we were not waiting for

  // Storm figures: when chargers first became ready and, after a drop, ready again.
  double first_ready_s = -1;
  double last_ready_s = -1;
  double first_drop_s = -1;
  double last_reready_s = -1;
  std::uint64_t rereadied = 0;
  double max_recovery_s = 0;  // longest drop -> ready again of one charger

  std::map<std::string, ActionStats, std::less<>> actions;        // calls we sent, by action
  std::map<std::string, std::uint64_t, std::less<>> call_errors;  // CALLERROR codes received
  std::map<std::string, std::uint64_t, std::less<>> csms_calls;   // CALLs the CSMS sent us
  std::uint64_t csms_calls_not_implemented = 0;

  ActionStats& action(std::string_view name);
  void merge(const Stats& other);
  // Forgets call counts and latencies (not connection counts): the end of --warmup.
  void reset_calls();
};

struct RunInfo {
  std::string url;
  int chargers = 0;
  std::string protocol;
  int threads = 1;
  double elapsed_s = 0;  // start to end of the run
  double window_s = 0;   // what call rates are divided by (elapsed minus warmup)
  std::string command;   // the command line
};

nlohmann::json report_json(const Stats& stats, const RunInfo& info);
std::string report_text(const Stats& stats, const RunInfo& info);

}  // namespace csms::loadgen

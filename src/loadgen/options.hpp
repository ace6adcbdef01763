#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::loadgen {

enum class Protocol { V16, V201, Mix };

// How a 2.0.1 charger reports meter readings during a session.
enum class V201Meter { TransactionEvent, MeterValues };

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9000;
  std::string path = "/ocpp";  // stations connect to <path>/<identity>

  int chargers = 100;
  Protocol protocol = Protocol::Mix;
  double ramp = 1000;                       // connections started per second; 0 = all at once
  double duration = 60;                     // seconds; the run ends after this whatever happens
  int threads = 1;                          // one io_context per thread, chargers spread over them
  std::vector<std::uint32_t> source_addrs;  // IPv4, host byte order; empty = no bind
  std::string id_prefix = "lg";
  std::uint64_t seed = 1;

  std::optional<double> heartbeat_interval;  // seconds; unset = the interval the server returns
  int connectors = 1;                        // per charger (1.6 connectors / 2.0.1 EVSEs)

  std::int64_t sessions = 0;  // charging sessions per charger; 0 = idle chargers
  int meters_per_session = 10;
  // The first session of each charger is shortened to a random number of MeterValues, so that
  // sessions do not end and start in step across the fleet (as real ones do not).
  bool stagger = false;
  double meter_interval = 0;  // seconds; 0 = next MeterValues as soon as the last is answered
  int samples = 4;            // sampled values per MeterValues
  V201Meter v201_meter = V201Meter::TransactionEvent;
  double think_time_ms = 0;  // pause between session steps (authorize, start, stop, next)
  double rate = 0;           // global calls/s limit (open-loop pacing); 0 = unlimited

  double call_timeout = 30;  // seconds a call waits for its reply
  bool reconnect = false;    // reconnect dropped chargers (with backoff) and boot again
  double reconnect_min = 1;  // first backoff, seconds (plus up to the same again at random)
  double reconnect_max = 30;

  bool json = false;
  std::string record_path;           // durability mode: one line per acknowledged transaction message
  double progress = 0;               // seconds between progress lines on stderr; 0 = none
  double warmup = 0;                 // seconds after the start whose calls are not counted
  std::string id_tag = "LOADGEN01";  // what every charger authorizes with
};

// Parses the command line (without argv[0]). Throws std::invalid_argument with a message
// naming the option on anything it cannot use. `--help` throws HelpRequested.
struct HelpRequested {};
Options parse_options(const std::vector<std::string>& args);
std::string usage();

// "127.0.0.1-127.0.0.16", "127.0.0.1,127.0.0.5", "none".
std::vector<std::uint32_t> parse_source_addrs(const std::string& text);
std::string format_ipv4(std::uint32_t addr);

// The identity of charger `index`, e.g. "lg-000042".
std::string charger_id(const std::string& prefix, int index);
Protocol protocol_of(const Options& options, int index);

}  // namespace csms::loadgen

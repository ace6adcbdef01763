// csms-loadgen: simulates many OCPP chargers against a CSMS; see `csms-loadgen --help`.
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "loadgen/options.hpp"
#include "loadgen/report.hpp"
#include "loadgen/runner.hpp"

namespace {

// Every charger is a socket: raise the descriptor limit as far as we may (as root up to
// fs.nr_open, the hard limit included).
void raise_fd_limit(int chargers) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  rlim_t nr_open = lim.rlim_max;
  if (std::ifstream in("/proc/sys/fs/nr_open"); in) in >> nr_open;
  rlimit wanted{nr_open, nr_open};
  if (lim.rlim_max < nr_open && setrlimit(RLIMIT_NOFILE, &wanted) == 0) return;
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < static_cast<rlim_t>(chargers) + 64)
    std::fprintf(stderr, "csms-loadgen: warning: descriptor limit %llu is below %d chargers\n",
                 static_cast<unsigned long long>(lim.rlim_cur), chargers);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace csms::loadgen;
  std::vector<std::string> args(argv + 1, argv + argc);
  Options options;
  try {
    options = parse_options(args);
  } catch (const HelpRequested&) {
    std::cout << usage();
    return 0;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "csms-loadgen: %s (see --help)\n", e.what());
    return 2;
  }
  raise_fd_limit(options.chargers);

  RunResult result;
  try {
    result = run(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "csms-loadgen: %s\n", e.what());
    return 1;
  }

  RunInfo info;
  info.url = "ws://" + options.host + ":" + std::to_string(options.port) + options.path;
  info.chargers = options.chargers;
  info.protocol = options.protocol == Protocol::V16    ? "1.6"
                  : options.protocol == Protocol::V201 ? "2.0.1"
                                                       : "mix";
  info.threads = options.threads;
  info.elapsed_s = result.elapsed_s;
  info.window_s = result.window_s;
  info.command = "csms-loadgen";
  for (const auto& a : args) info.command += " " + a;
  if (options.json) {
    std::cout << report_json(result.stats, info).dump(2) << "\n";
  } else {
    std::cout << report_text(result.stats, info);
  }
  return result.stats.connections_established > 0 ? 0 : 1;
}

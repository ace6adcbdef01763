#pragma once

#include "loadgen/options.hpp"
#include "loadgen/report.hpp"

namespace csms::loadgen {

struct RunResult {
  Stats stats;
  double elapsed_s = 0;
  double window_s = 0;
};

// Runs the simulated chargers until --duration has passed or every charger has finished
// its sessions. Throws std::runtime_error when the target cannot be resolved or the
// record file cannot be opened.
RunResult run(const Options& options);

}  // namespace csms::loadgen

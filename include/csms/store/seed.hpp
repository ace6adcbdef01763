#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "csms/domain/time.hpp"

namespace csms::store {

struct SeedOptions {
  int stations = 500;
  int days = 365;
  domain::Timestamp start;  // the first day (UTC midnight)
  std::uint64_t seed = 1;
  std::string prefix = "SEED-";  // station ids: <prefix><n>
};

struct SeedSummary {
  int stations = 0;
  std::int64_t sessions = 0;
  std::int64_t samples = 0;
  std::int64_t faults = 0;
  double energy_wh = 0;
};

// Writes a synthetic network history (stations, connectivity, status changes, priced
// sessions with register readings, faults with alerts) with COPY. Rollups are not
// written: run the analytics rebuild over the same range afterwards.
SeedSummary seed_history(const std::string& url, const SeedOptions& options,
                         const std::function<void(int done, int total)>& progress = {});

}  // namespace csms::store

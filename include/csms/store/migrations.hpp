#pragma once

#include <string>
#include <vector>

namespace csms::store {

struct MigrationReport {
  std::vector<std::string> applied;  // file names applied by this run
  std::size_t already_applied = 0;
  std::vector<std::string> refreshed;  // repeatable files (re)applied because their text changed
  // The database has numbered migrations this binary does not know (a newer node migrated
  // it); its repeatable files were left alone.
  bool newer_database = false;
};

// Applies the embedded migrations/NNNN_name.sql files that are not yet recorded, in order,
// under an advisory lock so that nodes starting together do not race. An applied file
// whose checksum changed is an error (std::runtime_error naming the file). Then applies
// each migrations/repeatable/NAME.sql whose text differs from the one last applied (report
// functions live there once, instead of a copy per numbered migration that changes them),
// unless the database is newer than this binary (then they are left as they are).
MigrationReport migrate(const std::string& database_url);

// Creates meter sample partitions for the months ahead (idempotent).
void ensure_partitions(const std::string& database_url, int months_ahead = 3);

}  // namespace csms::store

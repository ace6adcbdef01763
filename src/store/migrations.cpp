#include "csms/store/migrations.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "embedded_migrations.hpp"
#include "pg.hpp"

namespace csms::store {
namespace {

// Any fixed key works; it only has to be the same for every node.
constexpr long long kMigrationLock = 7358123001;

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

int version_of(std::string_view name) { return std::stoi(std::string(name.substr(0, 4))); }

pqxx::connection connect(const std::string& url) {
  try {
    return pqxx::connection(url);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("cannot connect to the database: ") + e.what());
  }
}

// Session-level advisory locks outlive the transaction that takes them.
void advisory(pqxx::connection& connection, const char* function) {
  pqxx::work txn(connection);
  txn.exec_params(std::string("SELECT ") + function + "($1)", kMigrationLock);
  txn.commit();
}

}  // namespace

MigrationReport migrate(const std::string& database_url) {
  auto connection = connect(database_url);
  advisory(connection, "pg_advisory_lock");
  MigrationReport report;
  try {
    std::map<int, std::pair<std::string, std::string>> applied;
    {
      pqxx::work txn(connection);
      txn.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT "
          "NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      for (const auto& row : txn.exec("SELECT version, name, checksum FROM schema_migrations"))
        applied[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
      txn.commit();
    }

    for (const auto& migration : embedded_migrations()) {
      auto version = version_of(migration.name);
      auto checksum = sha256_hex(migration.sql);
      auto found = applied.find(version);
      if (found != applied.end()) {
        if (found->second.second != checksum)
          throw std::runtime_error("migration " + std::string(migration.name) +
                                   " was changed after it was applied (checksum differs); add a "
                                   "new migration instead");
        ++report.already_applied;
        continue;
      }
      pqxx::work txn(connection);
      txn.exec(std::string(migration.sql));
      txn.exec_params("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", version,
                      std::string(migration.name), checksum);
      txn.commit();
      report.applied.emplace_back(migration.name);
    }

    // A database that a newer binary migrated keeps that binary's functions: an older node
    // (in a rolling upgrade) must not put its own versions back.
    int newest_known = 0, newest_applied = 0;
    for (const auto& migration : embedded_migrations())
      newest_known = std::max(newest_known, version_of(migration.name));
    for (const auto& [version, entry] : applied) newest_applied = std::max(newest_applied, version);
    if (newest_applied > newest_known) {
      report.newer_database = true;
      advisory(connection, "pg_advisory_unlock");
      return report;
    }
    std::map<std::string, std::string> refreshed;
    {
      pqxx::work txn(connection);
      txn.exec(
          "CREATE TABLE IF NOT EXISTS schema_repeatables (name text PRIMARY KEY, checksum text NOT NULL, "
          "applied_at timestamptz NOT NULL DEFAULT now())");
      for (const auto& row : txn.exec("SELECT name, checksum FROM schema_repeatables"))
        refreshed[row[0].as<std::string>()] = row[1].as<std::string>();
      txn.commit();
    }
    for (const auto& repeatable : embedded_repeatables()) {
      auto checksum = sha256_hex(repeatable.sql);
      const std::string name(repeatable.name);
      if (auto found = refreshed.find(name); found != refreshed.end() && found->second == checksum) continue;
      pqxx::work txn(connection);
      try {
        txn.exec(std::string(repeatable.sql));
      } catch (const std::exception& e) {
        throw std::runtime_error("repeatable migration " + name + " failed: " + e.what());
      }
      txn.exec_params(
          "INSERT INTO schema_repeatables (name, checksum) VALUES ($1, $2) "
          "ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()",
          name, checksum);
      txn.commit();
      report.refreshed.push_back(name);
    }
  } catch (...) {
    advisory(connection, "pg_advisory_unlock");
    throw;
  }
  advisory(connection, "pg_advisory_unlock");
  return report;
}

void ensure_partitions(const std::string& database_url, int months_ahead) {
  auto connection = connect(database_url);
  pqxx::work txn(connection);
  txn.exec_params("SELECT csms_ensure_meter_partitions(now()::date, $1)", months_ahead + 1);
  txn.commit();
}

}  // namespace csms::store

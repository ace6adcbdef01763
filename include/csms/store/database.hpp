#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "csms/domain/ports.hpp"

namespace csms::store {

struct DatabaseSettings {
  std::string url;
  int pool_size = 4;
  int max_batch = 256;
  // The gauge of waiting units (one per pool: a process may run two).
  std::string queue_metric = "csms_db_queue_depth";
  // Units of work waiting at most; more fail at once with domain::StoreUnavailable.
  std::size_t max_queue = 100'000;
};

// A pool of database threads, each with its own connection, fed by one queue. Units of
// work that are waiting when a thread becomes free run together in one PostgreSQL
// transaction (each under its own savepoint, so one failing unit does not undo the
// others) and commit once: group commit. `done` runs on the database thread after the
// commit.
class Database final : public domain::UnitOfWorkRunner {
 public:
  explicit Database(DatabaseSettings settings);
  ~Database() override;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Connects every thread; throws with a readable message when the database is unreachable.
  void start();
  // Finishes queued work, then joins the threads.
  void stop();

  void run(std::function<void(domain::Repositories&)> work,
           std::function<void(std::exception_ptr)> done) override;
  std::size_t queue_depth() const;
  // Whether the last batch reached PostgreSQL (false from a lost connection until a batch
  // commits again).
  bool available() const;
  // Told on each change of available(), on a database thread (`detail`: the error).
  void set_availability_listener(std::function<void(bool available, const std::string& detail)> listener);
  // Units of work committed per batch, for metrics and tests.
  std::size_t batches_committed() const;
  std::size_t units_committed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace csms::store

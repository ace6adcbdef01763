#include "csms/store/database.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "csms/metrics/metrics.hpp"
#include "pg.hpp"
#include "repositories.hpp"

namespace csms::store {

namespace {
// A database that stops answering (a partition, a host gone) must fail units within seconds,
// as "unavailable", rather than after the kernel's TCP timeouts (minutes): libpq's connect
// timeout, keepalives and TCP user timeout, unless the URL sets them itself.
std::string with_timeouts(const std::string& url) {
  static const std::pair<const char*, const char*> kDefaults[] = {
      {"connect_timeout", "5"},     {"keepalives", "1"},       {"keepalives_idle", "10"},
      {"keepalives_interval", "5"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "20000"}};
  const bool uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  std::string out = url;
  for (const auto& [key, value] : kDefaults) {
    if (url.find(key) != std::string::npos) continue;
    if (uri)
      out += std::string(out.find('?') == std::string::npos ? "?" : "&") + key + "=" + value;
    else
      out += std::string(out.empty() ? "" : " ") + key + "=" + value;
  }
  return out;
}
}  // namespace

struct Database::Impl {
  struct Unit {
    std::function<void(domain::Repositories&)> work;
    std::function<void(std::exception_ptr)> done;
  };

  DatabaseSettings settings;
  mutable std::mutex mutex;
  std::condition_variable wake;
  std::deque<Unit> queue;
  bool stopping = false;
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<pqxx::connection>> connections;
  std::atomic<bool> available{true};
  std::function<void(bool, const std::string&)> on_availability;  // under `mutex`

  void availability_changed(bool now_available, const std::string& detail) {
    std::function<void(bool, const std::string&)> listener;
    {
      std::lock_guard lock(mutex);
      listener = on_availability;
    }
    if (!listener) return;
    try {
      listener(now_available, detail);
    } catch (const std::exception& e) {
      spdlog::error("database: availability listener threw: {}", e.what());
    }
  }
  std::atomic<std::size_t> batches{0};
  std::atomic<std::size_t> units{0};

  void worker(std::unique_ptr<pqxx::connection>& connection) {
    std::vector<Unit> batch;
    for (;;) {
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping and drained
        auto n = std::min<std::size_t>(queue.size(), static_cast<std::size_t>(settings.max_batch));
        for (std::size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
      run_batch(connection, batch);
      batch.clear();
    }
  }

  static metrics::Counter& retries() {
    static auto& counter = metrics::registry().counter(
        "csms_db_unit_retries_total", "Units of work run again after a deadlock or serialization failure");
    return counter;
  }

  // Runs one unit after `SAVEPOINT unit`. Two batches on different connections may lock
  // the same rows in opposite orders (a coalesced last-seen update and a boot, say);
  // PostgreSQL then aborts one of them with a deadlock. That unit is rolled back to its
  // savepoint and run again, a few times, instead of failing the charger's message.
  void run_with_retries(pqxx::work& txn, PgRepositories& repos, Unit& unit) {
    for (int attempt = 1;; ++attempt) {
      try {
        unit.work(repos);
        return;
      } catch (const pqxx::transaction_rollback& e) {
        if (attempt >= 4) throw;
        retries().inc();
        spdlog::debug("database: unit retried after: {}", e.what());
        txn.exec("ROLLBACK TO SAVEPOINT unit");
        std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt));
      }
    }
  }

  // Each unit under its own savepoint (reusing one name is fine: ROLLBACK TO goes back to
  // the latest savepoint of that name). Savepoints by hand: libpqxx 6.4's subtransaction
  // only begins on exec(), not on exec_params(), so it would silently not isolate the unit.
  void run_isolated(pqxx::connection& connection, std::vector<Unit>& batch,
                    std::vector<std::exception_ptr>& errors) {
    pqxx::work txn(connection);
    PgRepositories repos(txn);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      txn.exec("SAVEPOINT unit");
      try {
        run_with_retries(txn, repos, batch[i]);
      } catch (...) {
        if (batch.size() == 1) throw;  // the unit's failure is the transaction's
        errors[i] = std::current_exception();
        txn.exec("ROLLBACK TO SAVEPOINT unit");
      }
    }
    txn.commit();
  }

  // Runs the batch in one transaction and commits; `errors` gets each unit's own failure.
  void commit(pqxx::connection& connection, std::vector<Unit>& batch,
              std::vector<std::exception_ptr>& errors) {
    static auto& fallbacks = metrics::registry().counter(
        "csms_db_batch_isolated_total", "Batches run again unit by unit (savepoints) after a unit failed");
    // First without savepoints: each is a round trip, and a transaction with more than 64
    // subtransactions that wrote overflows PostgreSQL's per-backend subtransaction cache,
    // which slows every other session's snapshots. Units almost never fail; when one does
    // (bad data, a deadlock), the batch is rolled back and run again unit by unit, each
    // under its own savepoint, so that one failing unit does not undo the others.
    bool committed = false;
    {
      pqxx::work txn(connection);
      PgRepositories repos(txn);
      bool ran = false;
      try {
        for (auto& unit : batch) unit.work(repos);
        ran = true;
      } catch (const pqxx::broken_connection&) {
        throw;
      } catch (const pqxx::transaction_rollback& e) {
        // A deadlock or serialization failure: the units run again below.
        retries().inc();
        fallbacks.inc();
        spdlog::debug("database: batch of {} runs again unit by unit after: {}", batch.size(), e.what());
      } catch (const std::exception& e) {
        fallbacks.inc();
        spdlog::debug("database: batch of {} runs again unit by unit after: {}", batch.size(), e.what());
      }
      if (ran) {
        txn.commit();
        committed = true;
      }
    }
    if (!committed) run_isolated(connection, batch, errors);
  }

  // Whether `error` means the connection is gone (the units may be kept for later). A commit
  // in doubt may have stored them: spooling them would give a 1.6 start a second id, so it
  // stays a plain failure (the charger retries; natural keys dedup).
  static bool is_connection_lost(const std::exception& error, const pqxx::connection& connection) {
    if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) return false;
    return dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr || !connection.is_open();
  }

  void run_batch(std::unique_ptr<pqxx::connection>& connection, std::vector<Unit>& batch) {
    static auto& batch_sizes = metrics::registry().histogram(
        "csms_db_batch_units", "Units of work committed together (group commit)",
        {1, 2, 4, 8, 16, 32, 64, 128, 256, 512});
    static auto& commit_seconds = metrics::registry().histogram(
        "csms_db_batch_seconds", "Time to run and commit one batch", metrics::latency_buckets());
    static auto& failures =
        metrics::registry().counter("csms_db_batch_failures_total", "Batches rolled back");
    auto started = std::chrono::steady_clock::now();
    std::vector<std::exception_ptr> errors(batch.size());
    std::exception_ptr batch_error;
    try {
      // A connection known to be lost is replaced; the batch then runs on the new one.
      bool fresh = false;
      if (!connection->is_open()) {
        connection = std::make_unique<pqxx::connection>(with_timeouts(settings.url));
        fresh = true;
      }
      try {
        commit(*connection, batch, errors);
      } catch (const std::exception& e) {
        // One the server closed while it sat idle (a restart) is found dead only now, before
        // anything committed: one new connection and one more try before the database counts
        // as unavailable.
        if (fresh || !is_connection_lost(e, *connection)) throw;
        spdlog::info("database: connection closed by the server while idle ({}); reconnecting", e.what());
        std::fill(errors.begin(), errors.end(), nullptr);
        connection = std::make_unique<pqxx::connection>(with_timeouts(settings.url));
        commit(*connection, batch, errors);
      }
      batch_sizes.observe(static_cast<double>(batch.size()));
      commit_seconds.observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      batches.fetch_add(1, std::memory_order_relaxed);
      units.fetch_add(batch.size(), std::memory_order_relaxed);
    } catch (const std::exception& e) {
      // A lost connection (and a refused reconnect) is "unavailable": the caller may keep
      // the work for later. Anything else is the units' own failure.
      if (connection && is_connection_lost(e, *connection)) {
        batch_error = std::make_exception_ptr(
            domain::StoreUnavailable(std::string("database unavailable: ") + e.what()));
        if (available.exchange(false)) {
          spdlog::error("database: unavailable: {}", e.what());
          availability_changed(false, e.what());
        }
      } else {
        batch_error = std::current_exception();
        spdlog::error("database: batch of {} failed: {}", batch.size(), e.what());
      }
      failures.inc();
    }
    if (!batch_error && !available.exchange(true)) {
      spdlog::info("database: available again");
      availability_changed(true, "");
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto error = batch_error ? batch_error : errors[i];
      try {
        if (batch[i].done) batch[i].done(error);
      } catch (const std::exception& e) {
        spdlog::error("database: completion handler threw: {}", e.what());
      }
    }
  }
};

Database::Database(DatabaseSettings settings) : impl_(std::make_unique<Impl>()) {
  impl_->settings = std::move(settings);
}

Database::~Database() { stop(); }

void Database::start() {
  metrics::registry().callback(
      impl_->settings.queue_metric, "Units of work waiting for a database thread", [this] {
        return std::vector<std::pair<metrics::Labels, double>>{{{}, static_cast<double>(queue_depth())}};
      });
  for (int i = 0; i < impl_->settings.pool_size; ++i) {
    try {
      impl_->connections.push_back(std::make_unique<pqxx::connection>(with_timeouts(impl_->settings.url)));
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("cannot connect to the database: ") + e.what());
    }
  }
  for (auto& connection : impl_->connections)
    impl_->threads.emplace_back([this, &connection] { impl_->worker(connection); });
}

void Database::stop() {
  if (!impl_) return;
  metrics::registry().remove_callback(impl_->settings.queue_metric);
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  for (auto& thread : impl_->threads)
    if (thread.joinable()) thread.join();
  impl_->threads.clear();
  impl_->connections.clear();
}

void Database::run(std::function<void(domain::Repositories&)> work,
                   std::function<void(std::exception_ptr)> done) {
  std::unique_lock lock(impl_->mutex);
  if (impl_->stopping) {
    lock.unlock();
    if (done) done(std::make_exception_ptr(std::runtime_error("the database is shutting down")));
    return;
  }
  // Bounded: while the database is out of reach, work piles up no further than this; the
  // excess is failed at once as "unavailable" (callers that must not lose it spool it).
  if (impl_->queue.size() >= impl_->settings.max_queue) {
    lock.unlock();
    if (done) done(std::make_exception_ptr(domain::StoreUnavailable("the database queue is full")));
    return;
  }
  impl_->queue.push_back({std::move(work), std::move(done)});
  lock.unlock();
  impl_->wake.notify_one();
}

std::size_t Database::queue_depth() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->queue.size();
}

bool Database::available() const { return impl_->available.load(); }

void Database::set_availability_listener(std::function<void(bool, const std::string&)> listener) {
  std::lock_guard lock(impl_->mutex);
  impl_->on_availability = std::move(listener);
}

std::size_t Database::batches_committed() const { return impl_->batches.load(); }
std::size_t Database::units_committed() const { return impl_->units.load(); }

}  // namespace csms::store

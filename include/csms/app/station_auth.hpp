#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "csms/domain/ports.hpp"
#include "csms/server/station_link.hpp"

// What the handshake of a charger needs besides the database: a failure limit per identity
// and per address, a small pool of its own for the deliberately slow password hash, and the
// credentials last read from the database (for when it cannot be read).
namespace csms::app {

// Failed logins in a window, per identity (from one address) and per remote address. Over
// `max_failures` either is refused without a password check until the window has passed
// since its first failure.
// Thread-safe; memory bounded by `max_tracked` entries per kind.
class FailureLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  FailureLimiter(int max_failures, std::chrono::seconds window, std::size_t max_tracked = 100'000);

  bool blocked(const std::string& identity, const std::string& address, Clock::time_point now);
  void failed(const std::string& identity, const std::string& address, Clock::time_point now);
  // A correct password: the identity's count from that address starts again (the address's
  // does not: one address may try many identities).
  void succeeded(const std::string& identity, const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point first;
  };
  bool over(std::unordered_map<std::string, Entry>& map, const std::string& key, Clock::time_point now);
  void count(std::unordered_map<std::string, Entry>& map, const std::string& key, Clock::time_point now);

  int max_failures_;
  std::chrono::seconds window_;
  std::size_t max_tracked_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> by_identity_;
  std::unordered_map<std::string, Entry> by_address_;
};

// A few threads for password hashing with a bounded queue: a flood of logins waits (or is
// turned away) here instead of holding the database threads.
class WorkPool {
 public:
  WorkPool(int threads, std::size_t max_queued);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;
  // False (and `job` dropped) when `max_queued` jobs are waiting already.
  bool submit(std::function<void()> job);
  // Drops what waits (its callbacks are never run: at shutdown they would reach an
  // io_context that is going away), finishes the jobs running, joins. Idempotent.
  void stop();

 private:
  std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Each station's credentials as last read from the database, so that known stations can
// still connect while it is unreachable (a revocation read then stays in force). Thread-safe.
class CredentialCache {
 public:
  void remember(const std::string& identity, domain::StationCredentials credentials);
  void forget(const std::string& identity);
  std::optional<domain::StationCredentials> find(const std::string& identity) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, domain::StationCredentials> known_;
};

// What the security profiles ask of a handshake (DIGEST A.10).
struct ProfilePolicy {
  std::string cso_name;             // a profile-3 certificate's subject O; empty: not checked
  bool expired_as_pending = false;  // A00.FR.429: an expired certificate gets in as Pending
};

struct ProfileCheck {
  enum class Outcome {
    Allow,         // no password needed (profile 3, or a station without one)
    AllowPending,  // profile 3 with an expired certificate: Pending, and renew it
    NeedPassword,  // profiles 1 and 2: Basic credentials decide
    Deny,
  };
  Outcome outcome = Outcome::Deny;
  int profile = 1;        // the profile the connection uses
  bool upgraded = false;  // it is the station's pending profile (A05): record it once in
  std::string reason;     // why it is denied (for the log)
};

// The profile a connection uses: 1 ws://, 2 wss:// without a client certificate, 3 with one
// (a certificate sent by a station pinned to profile 2 is ignored). A pinned station must use
// its profile (no downgrade, A00.FR.005) or the one it is being upgraded to; profile 3 checks the
// certificate's CN (the station's certificate_cn, else its identity), O (the CSO name) and revocation and
// expiry. `station` is nullopt for a station not known yet.
ProfileCheck check_profile(const server::HandshakeInfo& info,
                           const std::optional<domain::StationCredentials>& station,
                           const ProfilePolicy& policy, std::chrono::system_clock::time_point now);

}  // namespace csms::app

#include "csms/app/station_auth.hpp"

namespace csms::app {

FailureLimiter::FailureLimiter(int max_failures, std::chrono::seconds window, std::size_t max_tracked)
    : max_failures_(max_failures), window_(window), max_tracked_(max_tracked) {}

bool FailureLimiter::over(std::unordered_map<std::string, Entry>& map, const std::string& key,
                          Clock::time_point now) {
  auto found = map.find(key);
  if (found == map.end()) return false;
  if (now - found->second.first >= window_) {
    map.erase(found);
    return false;
  }
  return found->second.failures >= max_failures_;
}

void FailureLimiter::count(std::unordered_map<std::string, Entry>& map, const std::string& key,
                           Clock::time_point now) {
  if (map.size() >= max_tracked_ && !map.count(key)) {
    std::erase_if(map, [&](const auto& item) { return now - item.second.first >= window_; });
    // Still full of fresh entries: an attack from very many places. Forgetting them all keeps
    // memory bounded; the pool's queue still bounds the work.
    if (map.size() >= max_tracked_) map.clear();
  }
  auto& entry = map[key];
  if (entry.failures == 0 || now - entry.first >= window_) entry = Entry{0, now};
  ++entry.failures;
}

// The identity's count is kept per address: failures from elsewhere must not lock the real
// charger out (anyone who knows a station's id could otherwise keep it off the network).
bool FailureLimiter::blocked(const std::string& identity, const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return over(by_identity_, identity + '\n' + address, now) ||
         (!address.empty() && over(by_address_, address, now));
}

void FailureLimiter::failed(const std::string& identity, const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  count(by_identity_, identity + '\n' + address, now);
  if (!address.empty()) count(by_address_, address, now);
}

void FailureLimiter::succeeded(const std::string& identity, const std::string& address) {
  std::lock_guard lock(mutex_);
  by_identity_.erase(identity + '\n' + address);
}

WorkPool::WorkPool(int threads, std::size_t max_queued) : max_queued_(max_queued) {
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this] {
      for (;;) {
        std::function<void()> job;
        {
          std::unique_lock lock(mutex_);
          wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
          if (queue_.empty()) return;  // stopping, and everything queued is done
          job = std::move(queue_.front());
          queue_.pop_front();
        }
        job();
      }
    });
}

WorkPool::~WorkPool() { stop(); }

void WorkPool::stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
}

bool WorkPool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void CredentialCache::remember(const std::string& identity, domain::StationCredentials credentials) {
  std::lock_guard lock(mutex_);
  known_[identity] = std::move(credentials);
}

void CredentialCache::forget(const std::string& identity) {
  std::lock_guard lock(mutex_);
  known_.erase(identity);
}

std::optional<domain::StationCredentials> CredentialCache::find(const std::string& identity) const {
  std::lock_guard lock(mutex_);
  auto found = known_.find(identity);
  if (found == known_.end()) return std::nullopt;
  return found->second;
}

ProfileCheck check_profile(const server::HandshakeInfo& info,
                           const std::optional<domain::StationCredentials>& station,
                           const ProfilePolicy& policy, std::chrono::system_clock::time_point now) {
  using Outcome = ProfileCheck::Outcome;
  ProfileCheck check;
  const std::optional<int> pinned = station ? station->security_profile : std::nullopt;
  const std::optional<int> pending = station ? station->pending_security_profile : std::nullopt;
  check.profile = !info.tls ? 1 : info.client_certificate && (pinned != 2 || pending == 3) ? 3 : 2;
  auto deny = [&](std::string reason) {
    check.outcome = Outcome::Deny;
    check.reason = std::move(reason);
    return check;
  };
  check.upgraded = station && station->pending_security_profile == check.profile && pinned != check.profile;
  if (pinned && *pinned != check.profile && !check.upgraded)
    return deny("configured for security profile " + std::to_string(*pinned) + ", connected with profile " +
                std::to_string(check.profile) +
                (*pinned == 3 && check.profile == 2 ? " (no client certificate)" : ""));
  if (check.profile == 3) {
    const auto& cert = *info.client_certificate;
    const std::string expected =
        station && station->certificate_cn ? *station->certificate_cn : info.station_id;
    if (cert.subject_cn != expected)
      return deny("client certificate CN '" + cert.subject_cn + "' is not '" + expected + "'");
    if (!policy.cso_name.empty() && cert.subject_o != policy.cso_name)
      return deny("client certificate O '" + cert.subject_o + "' is not the CSO name '" + policy.cso_name +
                  "'");
    if (station && station->certificate_revoked)
      return deny("client certificate serial " + cert.serial + " is revoked");
    if (cert.not_after <= now) {
      if (!policy.expired_as_pending)
        return deny("client certificate serial " + cert.serial + " has expired");
      check.outcome = Outcome::AllowPending;
      return check;
    }
    check.outcome = Outcome::Allow;
    return check;
  }
  if (station && (station->password_hash || station->pending_password_hash)) {
    check.outcome = Outcome::NeedPassword;
    return check;
  }
  // No password: a station not known yet (ocpp.unknown_stations decides at its boot) or one
  // without credentials; a station pinned to profile 1 or 2 must have a password.
  if (pinned)
    return deny("pinned to security profile " + std::to_string(*pinned) + " but no password is set");
  check.outcome = Outcome::Allow;
  return check;
}

}  // namespace csms::app

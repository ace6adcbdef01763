#include "csms/app/station_auth.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace csms::app {
namespace {

using namespace std::chrono_literals;
using Clock = FailureLimiter::Clock;

TEST(FailureLimiter, BlocksAnIdentityAfterMaxFailures_UntilTheWindowHasPassed) {
  FailureLimiter limiter(3, 60s);
  const auto t0 = Clock::time_point{} + 1000s;
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter.blocked("CP1", "", t0 + std::chrono::seconds(i)));
    limiter.failed("CP1", "", t0 + std::chrono::seconds(i));
  }
  EXPECT_TRUE(limiter.blocked("CP1", "", t0 + 10s));
  EXPECT_FALSE(limiter.blocked("CP2", "", t0 + 10s)) << "other identities are not affected";
  // The window runs from the first failure: 60 s after t0 it is over.
  EXPECT_TRUE(limiter.blocked("CP1", "", t0 + 59s));
  EXPECT_FALSE(limiter.blocked("CP1", "", t0 + 60s));
}

TEST(FailureLimiter, CountsPerAddressAcrossIdentities_FailuresElsewhereDoNotLockAStationOut) {
  FailureLimiter limiter(2, 60s);
  const auto t0 = Clock::time_point{} + 1000s;
  limiter.failed("A", "10.0.0.1", t0);
  limiter.failed("B", "10.0.0.1", t0);
  EXPECT_TRUE(limiter.blocked("C", "10.0.0.1", t0)) << "an address that tried two identities is blocked";
  EXPECT_FALSE(limiter.blocked("C", "10.0.0.2", t0));
  limiter.failed("D", "10.0.0.3", t0);
  limiter.failed("D", "10.0.0.4", t0);
  EXPECT_FALSE(limiter.blocked("D", "10.0.0.5", t0)) << "the real charger elsewhere is not locked out";
  FailureLimiter other(2, 60s);
  other.failed("E", "", t0);
  other.succeeded("E", "");
  other.failed("E", "", t0);
  EXPECT_FALSE(other.blocked("E", "", t0)) << "a success starts the identity's count again";
}

TEST(FailureLimiter, MemoryIsBoundedByMaxTracked) {
  FailureLimiter limiter(1, 60s, 100);
  const auto t0 = Clock::time_point{} + 1000s;
  for (int i = 0; i < 1000; ++i) limiter.failed("id" + std::to_string(i), "", t0);
  // The newest is tracked; the map was cleared when it filled with fresh entries.
  EXPECT_TRUE(limiter.blocked("id999", "", t0));
  EXPECT_FALSE(limiter.blocked("id0", "", t0));
}

TEST(WorkPool, RunsJobsOnItsThreads_AndRefusesBeyondTheQueueBound) {
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<int> done{0};
  {
    WorkPool pool(1, 2);
    std::promise<void> started;
    ASSERT_TRUE(pool.submit([&] {
      started.set_value();
      gate.wait();
      ++done;
    }));
    started.get_future().wait();  // the only thread is busy
    EXPECT_TRUE(pool.submit([&] { ++done; }));
    EXPECT_TRUE(pool.submit([&] { ++done; }));
    EXPECT_FALSE(pool.submit([&] { ++done; })) << "two wait already";
    release.set_value();
  }  // the destructor lets the running job finish and drops what waits
  EXPECT_GE(done, 1);
  EXPECT_LE(done, 3);
}

TEST(CredentialCache, RemembersHashOrNone_ForgetsOnRequest) {
  CredentialCache cache;
  EXPECT_FALSE(cache.find("CP1"));
  cache.remember("CP1", std::nullopt);
  cache.remember("CP2", std::string("pbkdf2-sha256$1$00$00"));
  ASSERT_TRUE(cache.find("CP1"));
  EXPECT_FALSE(cache.find("CP1")->password_hash);
  EXPECT_EQ(cache.find("CP2")->password_hash, "pbkdf2-sha256$1$00$00");
  cache.forget("CP2");
  EXPECT_FALSE(cache.find("CP2"));
}

}  // namespace
}  // namespace csms::app

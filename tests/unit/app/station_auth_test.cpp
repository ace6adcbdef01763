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
  cache.remember("CP1", domain::StationCredentials{});
  domain::StationCredentials with_password;
  with_password.password_hash = "pbkdf2-sha256$1$00$00";
  cache.remember("CP2", with_password);
  ASSERT_TRUE(cache.find("CP1"));
  EXPECT_FALSE(cache.find("CP1")->password_hash);
  EXPECT_EQ(cache.find("CP2")->password_hash, "pbkdf2-sha256$1$00$00");
  cache.forget("CP2");
  EXPECT_FALSE(cache.find("CP2"));
}

// Security profiles (DIGEST A.10): what each kind of connection needs.
class ProfileCheckTest : public ::testing::Test {
 protected:
  using Outcome = ProfileCheck::Outcome;
  const std::chrono::system_clock::time_point now = std::chrono::system_clock::from_time_t(1'800'000'000);

  static server::HandshakeInfo plain() {
    server::HandshakeInfo info;
    info.station_id = "CP1";
    return info;
  }
  server::HandshakeInfo tls(std::optional<std::string> cn = std::nullopt, std::string o = "ACME",
                            std::chrono::hours valid_for = std::chrono::hours(24 * 365)) const {
    auto info = plain();
    info.tls = true;
    if (cn) {
      pki::CertificateInfo cert;
      cert.subject_cn = *cn;
      cert.subject_o = o;
      cert.serial = "1A2B";
      cert.not_after = now + valid_for;
      info.client_certificate = cert;
    }
    return info;
  }
  static domain::StationCredentials station(std::optional<int> profile, bool password = true) {
    domain::StationCredentials c;
    c.security_profile = profile;
    if (password) c.password_hash = "hash";
    return c;
  }
  ProfileCheck check(const server::HandshakeInfo& info, const std::optional<domain::StationCredentials>& s,
                     ProfilePolicy policy = {"ACME", false}) const {
    return check_profile(info, s, policy, now);
  }
};

TEST_F(ProfileCheckTest, TheProfileUsedFollowsTheTransport) {
  EXPECT_EQ(check(plain(), station(std::nullopt)).profile, 1);
  EXPECT_EQ(check(tls(), station(std::nullopt)).profile, 2);
  EXPECT_EQ(check(tls("CP1"), station(std::nullopt)).profile, 3);
  // A certificate sent by a station pinned to profile 2 is ignored: its password decides.
  auto two = check(tls("CP1"), station(2));
  EXPECT_EQ(two.profile, 2);
  EXPECT_EQ(two.outcome, Outcome::NeedPassword);
}

TEST_F(ProfileCheckTest, APinnedStation_MustUseItsProfile_NoDowngrade) {
  auto plain_for_two = check(plain(), station(2));
  EXPECT_EQ(plain_for_two.outcome, Outcome::Deny);
  EXPECT_EQ(plain_for_two.reason, "configured for security profile 2, connected with profile 1");
  auto no_cert_for_three = check(tls(), station(3));
  EXPECT_EQ(no_cert_for_three.outcome, Outcome::Deny);
  EXPECT_EQ(no_cert_for_three.reason,
            "configured for security profile 3, connected with profile 2 (no client certificate)");
  EXPECT_EQ(check(tls("CP1"), station(1)).outcome, Outcome::Deny);
  EXPECT_EQ(check(plain(), station(1)).outcome, Outcome::NeedPassword);
  EXPECT_EQ(check(tls(), station(2)).outcome, Outcome::NeedPassword);
  EXPECT_EQ(check(tls("CP1"), station(3, false)).outcome, Outcome::Allow);
}

TEST_F(ProfileCheckTest, AnUpgradeFromTwoToThree_CountsTheCertificate) {
  auto upgrading = station(2);
  upgrading.pending_security_profile = 3;
  auto check = check_profile(tls("CP1"), upgrading, {"ACME", false}, now);
  EXPECT_EQ(check.profile, 3);
  EXPECT_TRUE(check.upgraded);
  EXPECT_EQ(check.outcome, Outcome::Allow);
  // Its certificate is checked like any other: another station's CN does not get it in.
  EXPECT_EQ(check_profile(tls("CP2"), upgrading, {"ACME", false}, now).outcome, Outcome::Deny);
}

TEST_F(ProfileCheckTest, ProfileThree_ChecksCnOrganisationRevocationAndExpiry) {
  EXPECT_EQ(check(tls("CP2"), station(3)).reason, "client certificate CN 'CP2' is not 'CP1'");
  auto named = station(3);
  named.certificate_cn = "SN-0042";
  EXPECT_EQ(check(tls("SN-0042"), named).outcome, Outcome::Allow);
  EXPECT_EQ(check(tls("CP1"), named).outcome, Outcome::Deny);
  EXPECT_EQ(check(tls("CP1", "Other Co"), station(3)).reason,
            "client certificate O 'Other Co' is not the CSO name 'ACME'");
  EXPECT_EQ(check(tls("CP1", "Other Co"), station(3), {"", false}).outcome, Outcome::Allow);
  auto revoked = station(3);
  revoked.certificate_revoked = true;
  EXPECT_EQ(check(tls("CP1"), revoked).reason, "client certificate serial 1A2B is revoked");
  auto expired = tls("CP1", "ACME", std::chrono::hours(-1));
  EXPECT_EQ(check(expired, station(3)).reason, "client certificate serial 1A2B has expired");
  EXPECT_EQ(check(expired, station(3), {"ACME", true}).outcome, Outcome::AllowPending);
}

TEST_F(ProfileCheckTest, WithoutAPassword_OnlyAnUnpinnedStationGetsIn) {
  EXPECT_EQ(check(plain(), std::nullopt).outcome, Outcome::Allow);  // unknown: ocpp.unknown_stations decides
  EXPECT_EQ(check(plain(), station(std::nullopt, false)).outcome, Outcome::Allow);
  EXPECT_EQ(check(plain(), station(1, false)).reason, "pinned to security profile 1 but no password is set");
  // An unknown station with a certificate: its CN must be its identity.
  EXPECT_EQ(check(tls("CP1"), std::nullopt).outcome, Outcome::Allow);
  EXPECT_EQ(check(tls("CP9"), std::nullopt).outcome, Outcome::Deny);
}

}  // namespace
}  // namespace csms::app

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "csms/faults/rule_settings.hpp"
#include "faults/rule.hpp"

namespace csms::faults {
namespace {

// Every default but database_unavailable and certificate_expiring, which no event feeds
// (FaultEngine::on_database, on_certificates).
TEST(RuleRegistry, MakesOneRuleOfEachDefaultInTheSameOrder) {
  std::vector<std::string> made;
  for (const auto& rule : make_rules()) made.emplace_back(rule->name());
  std::vector<std::string> defaults;
  for (const auto& settings : default_rules())
    if (settings.name != kDatabaseUnavailable && settings.name != kCertificateExpiring)
      defaults.push_back(settings.name);
  EXPECT_EQ(made, defaults);
}

}  // namespace
}  // namespace csms::faults

// certificate_expiring: fed the certificates stations use, not events.
namespace csms::faults {
namespace {

domain::Timestamp day(int n) { return domain::Timestamp(std::chrono::hours(24 * n)); }

TEST(CertificateExpiring, OpensWithinTheDays_EscalatesOnceExpired_ClearsWhenRenewedOrGone) {
  FaultEngine engine;
  auto at = day(1000);
  // Valid for 40 more days: nothing; 10 more days: opened (warning).
  EXPECT_TRUE(engine.on_certificates({{"CP1", "AA", day(1040)}}, at).empty());
  auto opened = engine.on_certificates({{"CP1", "AA", day(1010)}}, at);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0].kind, Decision::Kind::Open);
  EXPECT_EQ(opened[0].key.rule, "certificate_expiring");
  EXPECT_EQ(opened[0].severity, Severity::Warning);
  EXPECT_EQ(opened[0].details["days_left"], 10);
  EXPECT_EQ(opened[0].details["serial"], "AA");
  EXPECT_TRUE(engine.on_certificates({{"CP1", "AA", day(1010)}}, at + std::chrono::hours(1)).empty())
      << "an open alert is not repeated at every check";
  // Expired: the same alert again, critical.
  auto expired = engine.on_certificates({{"CP1", "AA", day(1010)}}, day(1011));
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].severity, Severity::Critical);
  // Renewed (a later certificate): cleared.
  auto renewed = engine.on_certificates({{"CP1", "BB", day(1400)}}, day(1011));
  ASSERT_EQ(renewed.size(), 1u);
  EXPECT_EQ(renewed[0].kind, Decision::Kind::Clear);
  // Opened again, then the station no longer listed: cleared.
  ASSERT_EQ(engine.on_certificates({{"CP1", "CC", day(1020)}}, day(1011)).size(), 1u);
  auto gone = engine.on_certificates({}, day(1011));
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].kind, Decision::Kind::Clear);
  EXPECT_EQ(gone[0].key.station_id, "CP1");
}

TEST(CertificateExpiring, TheDaysComeFromTheRuleAndItsOverrides) {
  FaultEngine engine;
  auto settings = engine.settings();
  for (auto& s : settings)
    if (s.name == "certificate_expiring") {
      s.params["days"] = 5;
      s.overrides["CP2"] = {{"days", 60}};
      engine.configure(s);
    }
  auto decisions = engine.on_certificates({{"CP1", "AA", day(1010)}, {"CP2", "BB", day(1050)}}, day(1000));
  ASSERT_EQ(decisions.size(), 1u);  // CP1: 10 days > 5; CP2: 50 days < 60
  EXPECT_EQ(decisions[0].key.station_id, "CP2");
}

}  // namespace
}  // namespace csms::faults

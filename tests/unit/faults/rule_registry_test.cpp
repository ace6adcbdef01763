#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "csms/faults/rule_settings.hpp"
#include "faults/rule.hpp"

namespace csms::faults {
namespace {

// Every default but database_unavailable, which no event feeds (FaultEngine::on_database).
TEST(RuleRegistry, MakesOneRuleOfEachDefaultInTheSameOrder) {
  std::vector<std::string> made;
  for (const auto& rule : make_rules()) made.emplace_back(rule->name());
  std::vector<std::string> defaults;
  for (const auto& settings : default_rules())
    if (settings.name != kDatabaseUnavailable) defaults.push_back(settings.name);
  EXPECT_EQ(made, defaults);
}

}  // namespace
}  // namespace csms::faults

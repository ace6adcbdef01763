#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "csms/faults/rule_settings.hpp"
#include "faults/rule.hpp"

namespace csms::faults {
namespace {

TEST(RuleRegistry, MakesOneRuleOfEachDefaultInTheSameOrder) {
  std::vector<std::string> made;
  for (const auto& rule : make_rules()) made.emplace_back(rule->name());
  std::vector<std::string> defaults;
  for (const auto& settings : default_rules()) defaults.push_back(settings.name);
  EXPECT_EQ(made, defaults);
}

}  // namespace
}  // namespace csms::faults

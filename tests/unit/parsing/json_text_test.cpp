#include "csms/parsing/json_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace csms::parsing {
namespace {

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

TEST(ParseJson, DepthAtTheLimitIsParsed_OneMoreIsRefusedUnparsed) {
  EXPECT_TRUE(parse_json(nested(64)).ok());
  EXPECT_EQ(parse_json(nested(65)).error, JsonError::TooDeep);
  // Objects count like arrays; brackets inside strings (escaped quotes too) do not.
  EXPECT_EQ(parse_json(R"({"a":{"b":[1]}})", {1024, 2}).error, JsonError::TooDeep);
  EXPECT_TRUE(parse_json(R"({"a":"[[[[\"[[[["})", {1024, 1}).ok());
}

TEST(ParseJson, HalfAMillionLevels_AreRefusedWithoutBuildingADocument) {
  auto text = R"({"id":)" + nested(500'000) + "}";
  EXPECT_EQ(parse_json(text, {2 * 1024 * 1024, 64}).error, JsonError::TooDeep);
}

TEST(ParseJson, SizeOverTheLimit_AndBrokenText_AreErrors) {
  EXPECT_EQ(parse_json(R"({"a":1})", {6, 64}).error, JsonError::TooLarge);
  EXPECT_TRUE(parse_json(R"({"a":1})", {7, 64}).ok());
  EXPECT_EQ(parse_json("{\"a\":").error, JsonError::Invalid);
  EXPECT_EQ(parse_json("").error, JsonError::Invalid);
  EXPECT_EQ(parse_json(R"({"a":1})").value["a"], 1);
}

}  // namespace
}  // namespace csms::parsing

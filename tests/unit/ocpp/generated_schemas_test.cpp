#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "csms/ocpp/validator.hpp"

#ifndef CSMS_SHARED_DIR
#error "the test target defines CSMS_SHARED_DIR"
#endif

namespace csms::ocpp {
namespace {

namespace fs = std::filesystem;

struct SchemaFile {
  std::string action;
  Direction direction;
};

// 1.6 names files <Action>.json / <Action>Response.json, 2.0.1 <Action>Request.json /
// <Action>Response.json.
SchemaFile classify(const std::string& stem, Version version) {
  const auto strip = [&](std::string_view suffix) { return stem.substr(0, stem.size() - suffix.size()); };
  if (stem.ends_with("Response")) {
    return {strip("Response"), Direction::Response};
  }
  if (version == Version::V201 && stem.ends_with("Request")) {
    return {strip("Request"), Direction::Request};
  }
  return {stem, Direction::Request};
}

void expect_generated(const fs::path& directory, Version version) {
  std::set<std::string> actions;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() != ".json") {
      continue;
    }
    const auto file = classify(entry.path().stem().string(), version);
    actions.insert(file.action);
    EXPECT_NE(find_schema(version, file.action, file.direction), nullptr)
        << entry.path().filename() << " has no generated definition; rerun tools/ocpp_codegen/gen.py";
  }
  EXPECT_FALSE(actions.empty()) << directory;
  // Nothing generated that the schema directory no longer has.
  EXPECT_EQ(known_actions(version).size(), actions.size());
}

TEST(GeneratedSchemas, EveryOfficialSchemaFile_HasAGeneratedDefinition) {
  const fs::path root = fs::path(CSMS_SHARED_DIR) / "ocpp" / "schemas";
  if (!fs::is_directory(root)) {
    GTEST_SKIP() << root << " is not available";
  }
  expect_generated(root / "1.6", Version::V16);
  expect_generated(root / "2.0.1", Version::V201);
}

}  // namespace
}  // namespace csms::ocpp

#include "csms/app/spool.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>

namespace csms::app {
namespace {

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("csms-spool-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "sub" / "csms.spool").string(); }

  static bool append(Spool& spool, const std::string& line) {
    std::promise<bool> stored;
    spool.append(line, [&](bool ok) { stored.set_value(ok); });
    return stored.get_future().get();
  }

  std::filesystem::path dir_;
};

TEST_F(SpoolTest, AppendsAreDurableInOrder_AndReadBackFromAnOffset) {
  Spool spool(path(), 1 << 20);
  EXPECT_TRUE(spool.empty());
  ASSERT_TRUE(append(spool, R"({"n":1})"));
  ASSERT_TRUE(append(spool, R"({"n":2})"));
  ASSERT_TRUE(append(spool, R"({"n":3})"));
  EXPECT_EQ(spool.bytes(), 3u * 8u);  // each line and its newline
  auto first = spool.read(0, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].line, R"({"n":1})");
  EXPECT_EQ(first[1].line, R"({"n":2})");
  EXPECT_EQ(first[1].next, 16u);
  auto rest = spool.read(first[1].next, 10);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].line, R"({"n":3})");
}

TEST_F(SpoolTest, SurvivesReopening_AndATornLastLineIsCutOff) {
  {
    Spool spool(path(), 1 << 20);
    ASSERT_TRUE(append(spool, "one"));
    ASSERT_TRUE(append(spool, "two"));
  }
  {
    std::ofstream torn(path(), std::ios::app);
    torn << "thr";  // a crash in the middle of writing "three"
  }
  Spool spool(path(), 1 << 20);
  EXPECT_EQ(spool.bytes(), 8u);
  ASSERT_TRUE(append(spool, "four"));
  auto entries = spool.read(0, 10);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].line, "one");
  EXPECT_EQ(entries[1].line, "two");
  EXPECT_EQ(entries[2].line, "four");
}

TEST_F(SpoolTest, RefusesBeyondItsCap_AndTruncatesOnlyWhenEverythingWasRead) {
  Spool spool(path(), 10);
  ASSERT_TRUE(append(spool, "12345"));    // 6 bytes
  EXPECT_FALSE(append(spool, "123456"));  // 6 more would exceed 10
  ASSERT_TRUE(append(spool, "123"));      // 4 more: exactly 10
  EXPECT_FALSE(spool.truncate_at(6)) << "an entry after offset 6 was not read yet";
  EXPECT_EQ(spool.bytes(), 10u);
  EXPECT_TRUE(spool.truncate_at(10));
  EXPECT_TRUE(spool.empty());
  EXPECT_TRUE(spool.read(0, 10).empty());
  EXPECT_TRUE(append(spool, "again"));
  EXPECT_EQ(spool.read(0, 10).at(0).line, "again");
}

}  // namespace
}  // namespace csms::app

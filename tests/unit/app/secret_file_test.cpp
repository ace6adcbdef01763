// The generated admin token's file: owner-only, written whole, never through a planted link.

#include "csms/app/secret_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace csms::app {
namespace {

class SecretFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("csms-secret-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static unsigned mode_of(const std::filesystem::path& path) {
    struct stat st {};
    EXPECT_EQ(lstat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
  }
  std::filesystem::path dir_;
};

TEST_F(SecretFile, IsReadableByItsOwnerOnly) {
  auto path = dir_ / "token";
  write_secret_file(path, "abc\n");
  EXPECT_EQ(read(path), "abc\n");
  EXPECT_EQ(mode_of(path), 0600u);
  // Nothing else is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), std::filesystem::directory_iterator()),
            1);
}

TEST_F(SecretFile, AnExistingWiderFile_IsReplacedWithAnOwnerOnlyOne) {
  auto path = dir_ / "token";
  std::ofstream(path) << "old";
  chmod(path.c_str(), 0644);
  write_secret_file(path, "new");
  EXPECT_EQ(read(path), "new");
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST_F(SecretFile, ALinkPlantedAtThePath_IsReplacedNotFollowed) {
  auto target = dir_ / "elsewhere";
  std::ofstream(target) << "untouched";
  auto path = dir_ / "token";
  std::filesystem::create_symlink(target, path);
  write_secret_file(path, "secret");
  EXPECT_EQ(read(target), "untouched");
  EXPECT_FALSE(std::filesystem::is_symlink(path));
  EXPECT_EQ(read(path), "secret");
}

TEST_F(SecretFile, AMissingDirectory_ThrowsNamingThePath) {
  auto path = dir_ / "no-such-dir" / "token";
  try {
    write_secret_file(path, "secret-value");
    FAIL() << "written into a missing directory";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_EQ(message.find("secret-value"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace csms::app

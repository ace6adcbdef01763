#include "csms/app/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace csms::app {

void write_secret_file(const std::filesystem::path& path, std::string_view content) {
  auto failed = [&path](const std::string& what, int error) {
    throw std::runtime_error("cannot write " + path.string() + ": " + what + ": " + std::strerror(error));
  };
  // Beside the target, so the rename stays on one file system.
  auto temporary = path;
  temporary += ".tmp-" + std::to_string(getpid());
  ::unlink(temporary.c_str());  // left over by a crash of an earlier process with this pid
  // O_EXCL | O_NOFOLLOW: a new file of ours, never an existing one or a link's target; the
  // mode is set explicitly because the umask only ever narrows it.
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) failed("create", errno);
  auto abandon = [&](const std::string& what) {
    int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    failed(what, error);
  };
  if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) abandon("chmod");
  std::size_t written = 0;
  while (written < content.size()) {
    auto n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) abandon("write");
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) abandon("fsync");
  if (::close(fd) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    failed("close", error);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    failed("rename", error);
  }
}

}  // namespace csms::app

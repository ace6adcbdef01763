#include "csms/app/spool.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace csms::app {

Spool::Spool(std::string path, std::uint64_t max_bytes) : path_(std::move(path)), max_bytes_(max_bytes) {
  std::error_code ec;
  auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error("cannot open the spool " + path_ + ": " + std::strerror(errno));
  // The file's directory entry is durable too, or a power cut could take a new file along.
  int dir = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  struct stat info {};
  if (::fstat(fd_, &info) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot read the spool " + path_ + ": " + std::strerror(errno));
  }
  durable_bytes_ = static_cast<std::uint64_t>(info.st_size);
  // A torn last line (a crash during a write that was never acknowledged) is cut off, so
  // that the next entry starts on a line of its own.
  while (durable_bytes_ > 0) {
    char last = 0;
    if (::pread(fd_, &last, 1, static_cast<off_t>(durable_bytes_ - 1)) != 1 || last == '\n') break;
    --durable_bytes_;
  }
  if (durable_bytes_ != static_cast<std::uint64_t>(info.st_size) &&
      ::ftruncate(fd_, static_cast<off_t>(durable_bytes_)) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot repair the spool " + path_ + ": " + std::strerror(errno));
  }
  thread_ = std::thread([this] { writer(); });
}

Spool::~Spool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  ::close(fd_);
  // Nothing waits in it: a file left behind would only puzzle the operator.
  if (durable_bytes_ == 0) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
}

void Spool::append(std::string line, std::function<void(bool)> done) {
  {
    std::lock_guard lock(mutex_);
    const std::uint64_t size = line.size() + 1;
    if (!stopping_ && durable_bytes_ + pending_bytes_ + size <= max_bytes_) {
      pending_bytes_ += size;
      pending_.emplace_back(std::move(line), std::move(done));
      wake_.notify_one();
      return;
    }
  }
  done(false);
}

void Spool::writer() {
  for (;;) {
    std::vector<std::pair<std::string, std::function<void(bool)>>> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, everything written
      batch.swap(pending_);
      pending_bytes_ = 0;
      writing_ = true;
    }
    std::string text;
    for (const auto& [line, done] : batch) {
      text += line;
      text += '\n';
    }
    bool ok = true;
    std::size_t written = 0;
    while (ok && written < text.size()) {
      auto n = ::write(fd_, text.data() + written, text.size() - written);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) written += static_cast<std::size_t>(n);
    }
    ok = ok && ::fdatasync(fd_) == 0;
    {
      std::lock_guard lock(mutex_);
      writing_ = false;
      if (ok) {
        durable_bytes_ += text.size();
      } else if (written > 0) {
        // Part of the batch reached the file but none of it is acknowledged: cut it off
        // so that no later entry follows half a line.
        if (::ftruncate(fd_, static_cast<off_t>(durable_bytes_)) != 0) durable_bytes_ += written;
      }
    }
    for (auto& [line, done] : batch) done(ok);
  }
}

std::vector<Spool::Entry> Spool::read(std::uint64_t offset, std::size_t max) const {
  std::uint64_t end = bytes();
  std::vector<Entry> entries;
  std::string buffer;
  std::uint64_t position = offset;
  char chunk[65536];
  std::uint64_t read_at = offset;
  while (entries.size() < max && read_at < end) {
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof chunk, end - read_at));
    auto n = ::pread(fd_, chunk, want, static_cast<off_t>(read_at));
    if (n <= 0) break;
    read_at += static_cast<std::uint64_t>(n);
    buffer.append(chunk, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (;;) {
      auto newline = buffer.find('\n', start);
      if (newline == std::string::npos || entries.size() >= max) break;
      position += newline - start + 1;
      entries.push_back({buffer.substr(start, newline - start), position});
      start = newline + 1;
    }
    buffer.erase(0, start);
    if (entries.size() >= max) break;
  }
  return entries;
}

bool Spool::truncate_at(std::uint64_t offset) {
  std::lock_guard lock(mutex_);
  if (offset != durable_bytes_ || !pending_.empty() || writing_) return false;
  if (::ftruncate(fd_, 0) != 0) return false;
  ::fdatasync(fd_);
  durable_bytes_ = 0;
  return true;
}

std::uint64_t Spool::bytes() const {
  std::lock_guard lock(mutex_);
  return durable_bytes_;
}

}  // namespace csms::app

#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace csms::app {

// An append-only journal file of chargers' transaction messages taken while the database is
// out of reach. Appends are group-committed: one write and one fdatasync for whatever arrived
// meanwhile, and each append's callback runs only after its bytes are on disk. Entries are
// single lines (JSON text without newlines). Replay reads them back in order; once every
// entry has been stored elsewhere the file is truncated. A torn last line (a crash in the
// middle of a write, never acknowledged) is skipped when read.
class Spool {
 public:
  // Opens (creating the directory and file if needed) `path`, capped at `max_bytes`.
  // Throws std::runtime_error with the path when it cannot be opened.
  Spool(std::string path, std::uint64_t max_bytes);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // `done(true)` once `line` is durable; `done(false)` when the spool is full or the write
  // failed (the message must then be refused, not acknowledged). Called on the writer thread.
  void append(std::string line, std::function<void(bool)> done);

  struct Entry {
    std::string line;
    std::uint64_t next;  // offset just after this entry
  };
  // Up to `max` complete entries from `offset` (0: the beginning).
  std::vector<Entry> read(std::uint64_t offset, std::size_t max) const;
  // Empties the file if nothing was appended beyond `offset`; true when it did.
  bool truncate_at(std::uint64_t offset);

  std::uint64_t bytes() const;  // durable bytes in the file
  bool empty() const { return bytes() == 0; }
  const std::string& path() const { return path_; }

 private:
  void writer();

  std::string path_;
  std::uint64_t max_bytes_;
  int fd_ = -1;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::pair<std::string, std::function<void(bool)>>> pending_;
  std::uint64_t pending_bytes_ = 0;
  std::uint64_t durable_bytes_ = 0;
  bool stopping_ = false;
  bool writing_ = false;  // a batch is being written: not yet durable, not to be truncated
  std::thread thread_;
};

}  // namespace csms::app

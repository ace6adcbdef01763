#pragma once

#include <cstddef>
#include <deque>
#include <string>

namespace csms::server {

// The frames waiting to go out on one connection, with at most one being written. The frame
// in flight belongs to the write until finish_write(): nothing that happens meanwhile (more
// frames, an overflow) moves or frees it. Not thread-safe: one connection's strand owns it.
class Outbox {
 public:
  explicit Outbox(std::size_t max_frames) : max_frames_(max_frames) {}

  // False when `max_frames` are already waiting: the frame is dropped and the caller closes
  // the connection (a peer that does not read is not buffered without end).
  bool push(std::string frame) {
    if (queue_.size() >= max_frames_) return false;
    queue_.push_back(std::move(frame));
    return true;
  }

  // The next frame to write, now in flight; nullptr while one is in flight or none waits.
  const std::string* start_write() {
    if (writing_ || queue_.empty()) return nullptr;
    writing_ = true;
    return &queue_.front();
  }

  // The write of the frame in flight completed (or failed): it is released.
  void finish_write() {
    if (!writing_) return;
    writing_ = false;
    queue_.pop_front();
  }

  bool writing() const { return writing_; }
  bool empty() const { return queue_.empty(); }
  // Frames held, the one in flight included.
  std::size_t size() const { return queue_.size(); }

 private:
  std::size_t max_frames_;
  std::deque<std::string> queue_;  // front() is in flight while writing_
  bool writing_ = false;
};

}  // namespace csms::server

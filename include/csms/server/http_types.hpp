#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace csms::server {

// A plain HTTP exchange, free of Beast types, for the REST API.
struct HttpRequest {
  std::string method;
  std::string target;                          // path and query as sent
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// A server-sent-events body: the server writes what is pushed until either side closes.
// Thread-safe; a client that falls more than `kMaxPending` events behind is dropped.
class EventStream {
 public:
  static constexpr std::size_t kMaxPending = 1000;

  // Queues one event ("event: <name>\ndata: <data>\n\n"); false once the stream is closed.
  bool push(const std::string& name, const std::string& data) {
    std::function<void()> notify;
    {
      std::lock_guard lock(mutex_);
      if (closed_) return false;
      if (pending_.size() >= kMaxPending) {
        closed_ = true;
      } else {
        pending_.push_back("event: " + name + "\ndata: " + data + "\n\n");
      }
      notify = notify_;
    }
    if (notify) notify();
    return true;
  }
  void close() {
    std::function<void()> notify;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      notify = notify_;
    }
    if (notify) notify();
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

  // Server side.
  void set_notifier(std::function<void()> notify) {
    std::lock_guard lock(mutex_);
    notify_ = std::move(notify);
  }
  std::deque<std::string> take() {
    std::lock_guard lock(mutex_);
    std::deque<std::string> out;
    out.swap(pending_);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<std::string> pending_;
  std::function<void()> notify_;
  bool closed_ = false;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  std::string body;
  std::shared_ptr<EventStream> stream;  // set: a text/event-stream response instead of `body`
  std::string file_path;                // set: the file's bytes are the body (streamed from disk)
};

using HttpHandler = std::function<void(HttpRequest, std::function<void(HttpResponse)>)>;

}  // namespace csms::server

#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace csms::testing {

// A local HTTP endpoint that records the webhooks it receives and answers 200.
class WebhookReceiver {
 public:
  struct Received {
    std::string target;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
  };

  WebhookReceiver();
  ~WebhookReceiver();
  unsigned short port() const;
  // Waits until at least `count` arrived (or the timeout) and returns all so far.
  std::vector<Received> wait_for(std::size_t count,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace csms::testing

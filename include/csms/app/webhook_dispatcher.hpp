#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "csms/domain/clock.hpp"
#include "csms/domain/ports.hpp"

namespace csms::app {

// Delivers the webhook outbox: each due notification is POSTed with an HMAC-SHA256
// signature of its body (X-CSMS-Signature: sha256=<hex>); a 2xx answer marks it delivered,
// anything else retries with exponential backoff (capped at an hour). On its own thread,
// so a slow receiver never delays charger traffic.
class WebhookDispatcher {
 public:
  // `ca_file`: the PEM bundle https:// receivers' certificates must verify against (empty:
  // the system's CAs).
  WebhookDispatcher(domain::UnitOfWorkRunner& db, const domain::Clock& clock, std::string secret,
                    std::chrono::milliseconds poll = std::chrono::milliseconds(500),
                    std::string ca_file = "");
  ~WebhookDispatcher();
  void stop();

  static std::string signature(const std::string& secret, const std::string& body);

 private:
  void run();
  bool deliver_due();

  domain::UnitOfWorkRunner& db_;
  const domain::Clock& clock_;
  std::string secret_;
  std::string ca_file_;
  std::chrono::milliseconds poll_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace csms::app

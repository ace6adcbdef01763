#include "csms/app/webhook_dispatcher.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include <future>

#include "csms/server/http_client.hpp"

namespace csms::app {

WebhookDispatcher::WebhookDispatcher(domain::UnitOfWorkRunner& db, const domain::Clock& clock,
                                     std::string secret, std::chrono::milliseconds poll, std::string ca_file)
    : db_(db), clock_(clock), secret_(std::move(secret)), ca_file_(std::move(ca_file)), poll_(poll) {
  thread_ = std::thread([this] { run(); });
}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

void WebhookDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string WebhookDispatcher::signature(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

void WebhookDispatcher::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    bool more = false;
    try {
      more = deliver_due();
    } catch (const std::exception& e) {
      spdlog::warn("webhooks: {}", e.what());
    }
    lock.lock();
    if (!more) wake_.wait_for(lock, poll_, [this] { return stopping_; });
  }
}

// Returns true when a full batch went out (there may be more waiting).
bool WebhookDispatcher::deliver_due() {
  constexpr int kBatch = 20;
  std::vector<domain::FaultRepository::Delivery> due;
  auto now = clock_.now();
  {
    std::promise<void> done;
    db_.run([&](domain::Repositories& repos) { due = repos.faults().due_webhooks(now, kBatch); },
            [&done](std::exception_ptr error) {
              if (error)
                done.set_exception(error);
              else
                done.set_value();
            });
    done.get_future().get();
  }
  for (const auto& delivery : due) {
    std::map<std::string, std::string> headers = {{"X-CSMS-Delivery", std::to_string(delivery.id)},
                                                  {"X-CSMS-Signature", signature(secret_, delivery.body)}};
    auto result = server::http_post(delivery.url, headers, delivery.body, std::chrono::seconds(10), ca_file_);
    bool ok = result.status >= 200 && result.status < 300;
    auto error = ok ? std::string() : result.status ? "HTTP " + std::to_string(result.status) : result.error;
    auto backoff = std::chrono::seconds(std::min(3600LL, 1LL << std::min(delivery.attempts, 12)));
    auto at = clock_.now();
    db_.run(
        [ok, error, backoff, at, id = delivery.id](domain::Repositories& repos) {
          if (ok)
            repos.faults().webhook_delivered(id, at);
          else
            repos.faults().webhook_failed(id, error, at + backoff);
        },
        [id = delivery.id](std::exception_ptr failure) {
          if (failure) spdlog::warn("webhooks: could not record the delivery of {}", id);
        });
    if (!ok)
      spdlog::info("webhooks: {} to {} failed ({}), retry in {} s", delivery.id, delivery.url, error,
                   backoff.count());
  }
  return static_cast<int>(due.size()) == kBatch;
}

}  // namespace csms::app

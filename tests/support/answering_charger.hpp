#pragma once

// A charger that answers every CALL of the server with what `answer` says, on its own thread,
// keeps the calls it was sent, and sends CALLs of its own (their answers are kept by id).

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/clients.hpp"

namespace csms::testing {

class AnsweringCharger {
 public:
  using json = nlohmann::json;

  AnsweringCharger(unsigned short port, const std::string& id, const std::string& protocol,
                   std::function<json(const json& call)> answer)
      : client_(port, id, {protocol}), answer_(std::move(answer)) {
    if (protocol == "ocpp1.6")
      client_.call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}});
    else
      client_.call("BootNotification",
                   {{"reason", "PowerUp"}, {"chargingStation", {{"vendorName", "V"}, {"model", "M"}}}});
    thread_ = std::thread([this] { run(); });
  }
  ~AnsweringCharger() {
    stop_ = true;
    thread_.join();
  }
  AnsweringCharger(const AnsweringCharger&) = delete;
  AnsweringCharger& operator=(const AnsweringCharger&) = delete;

  std::vector<json> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  // A CALL of the charger's own, sent by its thread; returns its message id.
  std::string send_call(const std::string& action, const json& payload) {
    std::lock_guard lock(mutex_);
    auto id = "own-" + std::to_string(++own_);
    outgoing_.push_back(json::array({2, id, action, payload}).dump());
    return id;
  }
  // The answer frame to an own CALL, once it came (waits up to `timeout`).
  std::optional<json> answer_of(const std::string& id,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lock(mutex_);
        if (auto it = answers_.find(id); it != answers_.end()) return it->second;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }
  // Sends the own CALL and waits for its answer's payload (null when none came).
  json call(const std::string& action, const json& payload) {
    auto answer = answer_of(send_call(action, payload));
    return answer && (*answer)[0] == 3 ? (*answer)[2] : json();
  }

 private:
  void run() {
    using namespace std::chrono_literals;
    while (!stop_) {
      std::deque<std::string> out;
      {
        std::lock_guard lock(mutex_);
        out.swap(outgoing_);
      }
      for (const auto& text : out) client_.send_text(text);
      std::optional<std::string> text;
      try {
        text = client_.poll(20ms);
      } catch (const std::exception&) {
        return;  // closed
      }
      if (!text) continue;
      auto frame = json::parse(*text);
      if (frame[0] != 2) {
        std::lock_guard lock(mutex_);
        answers_[frame[1].get<std::string>()] = frame;
        continue;
      }
      auto reply = json::array({3, frame[1], answer_(frame)}).dump();
      {
        std::lock_guard lock(mutex_);
        calls_.push_back(frame);
      }
      client_.send_text(reply);
    }
  }

  OcppClient client_;
  std::function<json(const json&)> answer_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<json> calls_;
  std::map<std::string, json> answers_;
  std::deque<std::string> outgoing_;
  int own_ = 0;
  std::thread thread_;
};

}  // namespace csms::testing

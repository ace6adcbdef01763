#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

namespace csms::server {

// Caps on one listener's connections: how many are open and how many are still in their
// handshake (HTTP upgrade and authentication). A Ticket holds one connection's place and
// gives it back when destroyed; thread-safe.
class ConnectionGate {
 public:
  ConnectionGate(std::string listener, std::size_t max_open, std::size_t max_handshakes)
      : listener_(std::move(listener)), max_open_(max_open), max_handshakes_(max_handshakes) {}

  class Ticket {
   public:
    Ticket() = default;
    explicit Ticket(ConnectionGate* gate) : gate_(gate) {}
    Ticket(Ticket&& other) noexcept
        : gate_(std::exchange(other.gate_, nullptr)),
          handshaking_(std::exchange(other.handshaking_, false)) {}
    Ticket& operator=(Ticket&& other) noexcept {
      if (this != &other) {
        release();
        gate_ = std::exchange(other.gate_, nullptr);
        handshaking_ = std::exchange(other.handshaking_, false);
      }
      return *this;
    }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { release(); }

    explicit operator bool() const { return gate_ != nullptr; }
    // The handshake is over (upgraded or refused): its place among handshakes is free.
    void handshake_done() {
      if (gate_ && handshaking_) {
        handshaking_ = false;
        gate_->handshakes_.fetch_sub(1, std::memory_order_relaxed);
      }
    }

   private:
    friend class ConnectionGate;
    void release() {
      handshake_done();
      if (gate_) gate_->open_.fetch_sub(1, std::memory_order_relaxed);
      gate_ = nullptr;
    }
    ConnectionGate* gate_ = nullptr;
    bool handshaking_ = false;
  };

  enum class Refusal { None, TooManyConnections, TooManyHandshakes };

  // A place for a new connection, in its handshake; an empty ticket and the reason when a
  // cap is reached.
  std::pair<Ticket, Refusal> admit() {
    if (open_.fetch_add(1, std::memory_order_relaxed) >= max_open_) {
      open_.fetch_sub(1, std::memory_order_relaxed);
      return {Ticket(), Refusal::TooManyConnections};
    }
    if (handshakes_.fetch_add(1, std::memory_order_relaxed) >= max_handshakes_) {
      handshakes_.fetch_sub(1, std::memory_order_relaxed);
      open_.fetch_sub(1, std::memory_order_relaxed);
      return {Ticket(), Refusal::TooManyHandshakes};
    }
    Ticket ticket(this);
    ticket.handshaking_ = true;
    return {std::move(ticket), Refusal::None};
  }

  bool handshakes_full() const { return handshakes_.load(std::memory_order_relaxed) >= max_handshakes_; }

  const std::string& listener() const { return listener_; }
  std::size_t open() const { return open_.load(std::memory_order_relaxed); }
  std::size_t handshakes() const { return handshakes_.load(std::memory_order_relaxed); }

 private:
  std::string listener_;
  std::size_t max_open_;
  std::size_t max_handshakes_;
  std::atomic<std::size_t> open_{0};
  std::atomic<std::size_t> handshakes_{0};
};

}  // namespace csms::server

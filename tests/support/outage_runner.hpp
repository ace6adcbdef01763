#pragma once

#include <atomic>

#include "csms/domain/ports.hpp"

namespace csms::testing {

// A real unit-of-work runner (the store's Database) that can be cut off: while `down`, every
// unit fails at once with domain::StoreUnavailable, as the Database does when PostgreSQL is
// out of reach; the real database stays up for the test to look at.
class OutageRunner final : public domain::UnitOfWorkRunner {
 public:
  explicit OutageRunner(domain::UnitOfWorkRunner& real) : real_(real) {}
  std::atomic<bool> down{false};

  void run(std::function<void(domain::Repositories&)> work,
           std::function<void(std::exception_ptr)> done) override {
    if (down) {
      if (done) done(std::make_exception_ptr(domain::StoreUnavailable("database unavailable (test outage)")));
      return;
    }
    real_.run(std::move(work), std::move(done));
  }

 private:
  domain::UnitOfWorkRunner& real_;
};

}  // namespace csms::testing

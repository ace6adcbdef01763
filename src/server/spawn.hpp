#pragma once

// Coroutines of the server are never `detached`: a failure is logged, counted in
// csms_server_failures_total{where} and handed to `on_failure` (which closes what the
// coroutine owned), instead of vanishing and leaving a half-closed connection behind.

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <exception>
#include <functional>
#include <string>

#include "csms/metrics/metrics.hpp"

namespace csms::server {

inline void count_failure(const std::string& where) {
  metrics::registry()
      .counter("csms_server_failures_total",
               "Exceptions that escaped a connection's coroutine or an I/O handler, by where; each closed "
               "that connection",
               {{"where", where}})
      .inc();
}

inline void log_failure(const std::string& where, std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", where, e.what());
  } catch (...) {
    spdlog::error("{} failed with an unknown exception", where);
  }
  count_failure(where);
}

template <typename Executor, typename Awaitable>
void spawn(const Executor& executor, Awaitable&& work, std::string where, std::function<void()> on_failure) {
  boost::asio::co_spawn(
      executor, std::forward<Awaitable>(work),
      [where = std::move(where), on_failure = std::move(on_failure)](std::exception_ptr error) {
        if (!error) return;
        log_failure(where, error);
        if (on_failure) {
          try {
            on_failure();
          } catch (...) {
            log_failure(where + " cleanup", std::current_exception());
          }
        }
      });
}

}  // namespace csms::server

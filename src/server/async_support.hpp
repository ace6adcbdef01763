#pragma once

// What the server's coroutines share: error classification and waiting, with a deadline,
// for a callback-style application interface. Private to the server module.

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace csms::server {

namespace asio = boost::asio;

inline constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// Errors that mean "the peer went away", logged at debug only.
inline bool expected_close(const boost::beast::error_code& ec) {
  namespace beast = boost::beast;
  return ec == beast::websocket::error::closed || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == beast::error::timeout || ec == asio::error::broken_pipe ||
         ec == beast::http::error::end_of_stream || ec == asio::error::bad_descriptor;
}

// Waits for a callback-style operation to call back, resuming on the caller's executor; after
// `timeout` it resumes with `on_timeout` instead and a late callback is ignored. Not itself a
// coroutine: GCC 12 double-destroys by-value coroutine parameters captured into lambdas, so
// `start` travels as an initiation argument instead.
template <typename T>
asio::awaitable<T> await_callback(std::function<void(std::function<void(T)>)> start,
                                  std::chrono::steady_clock::duration timeout, T on_timeout) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(T)>(
      [](auto handler, std::function<void(std::function<void(T)>)> begin,
         std::chrono::steady_clock::duration limit, T fallback) {
        using Handler = decltype(handler);
        struct State {
          State(Handler h, asio::any_io_executor ex) : handler(std::move(h)), executor(ex), timer(ex) {}
          Handler handler;
          asio::any_io_executor executor;
          asio::steady_timer timer;
          std::atomic<bool> done{false};
        };
        auto executor = asio::get_associated_executor(handler);
        auto state = std::make_shared<State>(std::move(handler), executor);
        state->timer.expires_after(limit);
        state->timer.async_wait(
            [state, fallback = std::move(fallback)](boost::system::error_code ec) mutable {
              if (ec || state->done.exchange(true)) return;
              std::move(state->handler)(std::move(fallback));
            });
        begin([state](T value) {
          if (state->done.exchange(true)) return;  // too late: the caller has moved on
          asio::post(state->executor, [state, value = std::move(value)]() mutable {
            state->timer.cancel();
            std::move(state->handler)(std::move(value));
          });
        });
      },
      asio::use_awaitable, std::move(start), timeout, std::move(on_timeout));
}

}  // namespace csms::server

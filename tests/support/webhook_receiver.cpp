#include "support/webhook_receiver.hpp"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace csms::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct WebhookReceiver::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Received> received;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      auto buffer = std::make_shared<beast::flat_buffer>();
      auto request = std::make_shared<http::request<http::string_body>>();
      http::async_read(
          *stream, *buffer, *request,
          [this, stream, buffer, request](beast::error_code read_ec, std::size_t) {
            if (read_ec) return;
            Received item;
            item.target = std::string(request->target());
            for (const auto& field : *request) {
              std::string name(field.name_string());
              std::transform(name.begin(), name.end(), name.begin(),
                             [](unsigned char c) { return std::tolower(c); });
              item.headers[name] = std::string(field.value());
            }
            item.body = request->body();
            {
              std::lock_guard lock(mutex);
              received.push_back(std::move(item));
            }
            arrived.notify_all();
            auto response = std::make_shared<http::response<http::string_body>>(http::status::ok, 11);
            response->body() = "ok";
            response->prepare_payload();
            http::async_write(*stream, *response, [stream, response](beast::error_code, std::size_t) {
              beast::error_code ignored;
              stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
            });
          });
      accept();
    });
  }
};

WebhookReceiver::WebhookReceiver() : impl_(std::make_unique<Impl>()) {
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

WebhookReceiver::~WebhookReceiver() {
  impl_->ioc.stop();
  impl_->thread.join();
}

unsigned short WebhookReceiver::port() const { return impl_->acceptor.local_endpoint().port(); }

std::vector<WebhookReceiver::Received> WebhookReceiver::wait_for(std::size_t count,
                                                                 std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->arrived.wait_for(lock, timeout, [&] { return impl_->received.size() >= count; });
  return impl_->received;
}

}  // namespace csms::testing

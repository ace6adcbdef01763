#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/csms_process.hpp"

namespace csms::testing {

// The server refused the WebSocket upgrade with this HTTP status.
class HandshakeRefused : public std::runtime_error {
 public:
  HandshakeRefused(int status, const std::string& body)
      : std::runtime_error("upgrade refused with HTTP " + std::to_string(status) + ": " + body),
        status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

// A charger's side of an OCPP-J connection: raw frames in and out.
class OcppClient {
 public:
  OcppClient(unsigned short port, const std::string& station_id, const std::vector<std::string>& protocols,
             std::optional<std::pair<std::string, std::string>> basic = std::nullopt,
             const std::string& path_prefix = "/ocpp");
  ~OcppClient();
  OcppClient(const OcppClient&) = delete;
  OcppClient& operator=(const OcppClient&) = delete;

  const std::string& protocol() const;
  void send_text(const std::string& text);
  // The next text frame; throws on timeout or close.
  std::string receive(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when nothing at all arrives for `quiet` (without consuming anything).
  bool silent_for(std::chrono::milliseconds quiet);
  // Whether the server closed the connection within `timeout`.
  bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Sends a CALL with a fresh id and returns the answer frame (CALLRESULT or CALLERROR).
  nlohmann::json call(const std::string& action, const nlohmann::json& payload);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int next_id_ = 1;
};

struct HttpResult {
  int status = 0;
  std::string content_type;
  nlohmann::json body;  // null when the body is not JSON
  std::string raw;
};

// An open server-sent-events response: what has arrived so far, read on demand.
class EventStreamClient {
 public:
  EventStreamClient(unsigned short port, const std::string& target,
                    const std::string& token = CsmsProcess::kToken);
  ~EventStreamClient();
  // Reads until the text received so far contains `needle` or the timeout passes.
  std::string read_until(const std::string& needle,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

HttpResult http(unsigned short port, const std::string& method, const std::string& target,
                const std::optional<nlohmann::json>& body = std::nullopt,
                const std::string& token = CsmsProcess::kToken, const std::string& accept = "");

}  // namespace csms::testing

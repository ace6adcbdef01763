#pragma once

#include <chrono>
#include <map>
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
  // The next text frame if one comes within `timeout`; unlike receive(), waiting in vain
  // leaves the connection open (the read stays pending for the next poll). Do not mix with
  // receive() or call() while a poll's read is pending.
  std::optional<std::string> poll(std::chrono::milliseconds timeout);
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

// A hostile peer at the byte level: upgrades by hand, then writes masked frames of its own
// making and reads only when asked to (a slow reader, a flooder, a charger sending frames
// at or over a limit).
class RawWsClient {
 public:
  RawWsClient(unsigned short port, const std::string& station_id, const std::string& protocol);
  ~RawWsClient();
  RawWsClient(const RawWsClient&) = delete;
  RawWsClient& operator=(const RawWsClient&) = delete;

  // Writes `count` text frames of `payload` without reading anything, until all are written,
  // the peer closes, or no byte could be written for `stall`. Returns the frames written.
  std::size_t flood(const std::string& payload, std::size_t count, std::chrono::milliseconds stall);
  // Reads and discards whatever comes until the server ends the connection (true) or
  // `timeout` passes (false).
  bool closed_by_server(std::chrono::milliseconds timeout);
  // Writes `frames` as fast as the socket takes them while reading what comes back; returns
  // the text messages received once `replies` have come, the connection ended or `timeout`
  // passed.
  std::vector<std::string> pipeline(const std::vector<std::string>& frames, std::size_t replies,
                                    std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A WebSocket frame as a client sends it: FIN, text opcode, masked payload.
std::string masked_text_frame(const std::string& payload);

struct HttpResult {
  int status = 0;
  std::string content_type;
  nlohmann::json body;  // null when the body is not JSON
  std::string raw;
  std::map<std::string, std::string> headers;  // names in lower case
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

// Sends `raw` bytes as an HTTP request to the API port and returns the response (status 0
// when the connection ended without one).
HttpResult http_raw(unsigned short port, const std::string& raw,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// "YYYY-MM-DDTHH:MM:SSZ", as chargers send times.
std::string utc(std::chrono::system_clock::time_point t);

HttpResult http(unsigned short port, const std::string& method, const std::string& target,
                const std::optional<nlohmann::json>& body = std::nullopt,
                const std::string& token = CsmsProcess::kToken, const std::string& accept = "");

}  // namespace csms::testing

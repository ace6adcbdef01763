#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "csms/ocpp/error_code.hpp"
#include "csms/ocpp/version.hpp"
#include "csms/pki/certificate.hpp"

namespace csms::server {

// The charger's answer to a CSMS-initiated call: its CALLRESULT payload (valid against the
// response schema), or an error (its CALLERROR, an answer that breaks the schema, a timeout,
// or the connection going away).
struct CallFailure {
  enum class Kind { CallError, InvalidAnswer, Timeout, Closed };
  Kind kind = Kind::CallError;
  std::string code;  // the charger's CALLERROR code as sent; InvalidAnswer: the violation's code
  std::string description;
  nlohmann::json details;
};
using CallOutcome = std::variant<nlohmann::json, CallFailure>;

// A live, upgraded charger connection as the application sees it. Safe to use from any
// thread; everything runs on the connection's strand.
class StationLink {
 public:
  virtual ~StationLink() = default;
  virtual const std::string& station_id() const = 0;
  // 1: plain ws://; 2: wss:// without a client certificate; 3: wss:// with one.
  virtual int transport_profile() const = 0;
  // The client certificate a profile-3 connection presented.
  virtual const std::optional<pki::CertificateInfo>& client_certificate() const = 0;
  virtual ocpp::Version version() const = 0;
  virtual std::uint64_t connection_id() const = 0;
  // Sends a CALL. Calls are queued so that only one is outstanding (OCPP-J §4.1.1); each
  // waits at most `timeout` for its answer.
  virtual void call(std::string action, nlohmann::json payload, std::chrono::seconds timeout,
                    std::function<void(CallOutcome)> done) = 0;
  // Closes with a WebSocket close frame.
  virtual void close(std::string reason) = 0;
};

// An incoming CALL that passed framing and validation.
struct IncomingCall {
  std::string message_id;
  std::string action;
  nlohmann::json payload;  // validated; lenient fixes applied
  bool message_id_reused = false;
};

// The reply to an incoming call: a CALLRESULT payload or a CALLERROR.
struct ReplyError {
  ocpp::ErrorCode code;
  std::string description;
};
using Reply = std::variant<nlohmann::json, ReplyError>;

struct HandshakeInfo {
  std::string station_id;
  ocpp::Version version = ocpp::Version::V16;
  std::optional<std::string> basic_user;
  std::optional<std::string> basic_password;
  std::string remote_address;
  bool tls = false;  // came in on the wss:// listener
  // The client certificate of a TLS connection, its chain verified against the configured
  // client CAs (an expired one only gets here when expired certificates may connect).
  std::optional<pki::CertificateInfo> client_certificate;
};

// What becomes of a handshake's credentials: Allow upgrades; Deny is HTTP 401, RateLimited
// 429 (too many failures from this identity or address), Unavailable 503 (they cannot be
// checked now; also what a check that takes too long gets).
enum class AuthDecision { Allow, Deny, RateLimited, Unavailable };

// What the application does with chargers' traffic.
class StationHandler {
 public:
  virtual ~StationHandler() = default;
  // Before the upgrade: whether the station may connect.
  virtual void authenticate(const HandshakeInfo& info, std::function<void(AuthDecision)> done) = 0;
  virtual void on_open(const std::shared_ptr<StationLink>& link) = 0;
  // One call at a time per connection: the next is delivered after `reply` is called.
  virtual void on_call(const std::shared_ptr<StationLink>& link, IncomingCall call,
                       std::function<void(Reply)> reply) = 0;
  // `replaced`: a newer connection of the same station took over.
  virtual void on_close(const std::shared_ptr<StationLink>& link, bool replaced) = 0;
};

}  // namespace csms::server

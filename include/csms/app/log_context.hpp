#pragma once

#include <memory>
#include <string>

#include <spdlog/formatter.h>

// What a log line is about, where known: the station, the OCPP message id and action being
// handled on this thread. JSON logs carry them as fields (`log.format: json`).
namespace csms::app {

struct LogContext {
  std::string station_id;
  std::string message_id;
  std::string action;
};

// Sets this thread's context until the end of the scope (then restores the previous one).
class ScopedLogContext {
 public:
  ScopedLogContext(std::string station_id, std::string message_id, std::string action);
  ~ScopedLogContext();
  ScopedLogContext(const ScopedLogContext&) = delete;
  ScopedLogContext& operator=(const ScopedLogContext&) = delete;

 private:
  LogContext saved_;
};

const LogContext& current_log_context();

// One JSON object per line: time, level, station_id / message_id / action when set, message.
std::unique_ptr<spdlog::formatter> json_log_formatter();

}  // namespace csms::app

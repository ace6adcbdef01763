#include "csms/app/log_context.hpp"

#include <spdlog/pattern_formatter.h>

#include <nlohmann/json.hpp>

namespace csms::app {

namespace {

thread_local LogContext context;

void append_json_string(const std::string& text, spdlog::memory_buf_t& dest) {
  auto quoted = nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  dest.append(quoted.data(), quoted.data() + quoted.size());
}

// %* : the message as the inside of a JSON string.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    auto text = nlohmann::json(std::string(msg.payload.data(), msg.payload.size()))
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data() + 1, text.data() + text.size() - 1);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

// %& : ,"station_id":"...","message_id":"...","action":"..." for the fields that are set.
class JsonContextFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    auto field = [&dest](std::string_view name, const std::string& value) {
      if (value.empty()) return;
      dest.append(std::string_view(",\""));
      dest.append(name);
      dest.append(std::string_view("\":"));
      append_json_string(value, dest);
    };
    field("station_id", context.station_id);
    field("message_id", context.message_id);
    field("action", context.action);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonContextFlag>();
  }
};

}  // namespace

ScopedLogContext::ScopedLogContext(std::string station_id, std::string message_id, std::string action)
    : saved_(std::move(context)) {
  context = LogContext{std::move(station_id), std::move(message_id), std::move(action)};
}

ScopedLogContext::~ScopedLogContext() { context = std::move(saved_); }

const LogContext& current_log_context() { return context; }

std::unique_ptr<spdlog::formatter> json_log_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonMessageFlag>('*').add_flag<JsonContextFlag>('&').set_pattern(
      R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l"%&,"message":"%*"})");
  return formatter;
}

}  // namespace csms::app

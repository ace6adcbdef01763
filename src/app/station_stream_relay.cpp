#include "csms/app/station_stream_relay.hpp"

namespace csms::app {

void StationStreamRelay::add(std::string event, std::string data) {
  std::lock_guard lock(mutex_);
  if (events_.size() >= max_events_) {
    ++lost_;
    return;
  }
  events_.emplace_back(std::move(event), std::move(data));
}

std::optional<nlohmann::json> StationStreamRelay::take(std::chrono::steady_clock::time_point now) {
  std::vector<std::pair<std::string, std::string>> events;
  std::size_t lost = 0;
  {
    std::lock_guard lock(mutex_);
    if (in_flight_ || now < next_ || (events_.empty() && lost_ == 0)) return std::nullopt;
    events.swap(events_);
    std::swap(lost, lost_);
    in_flight_ = true;
    in_flight_events_ = events.size() + lost;
    next_ = now + kInterval;
  }
  auto list = nlohmann::json::array();
  for (auto& [event, data] : events) list.push_back({std::move(event), std::move(data)});
  return nlohmann::json{{"type", kMessageType}, {"events", std::move(list)}, {"lost", lost}};
}

void StationStreamRelay::sent(bool stored) {
  std::lock_guard lock(mutex_);
  in_flight_ = false;
  if (!stored) lost_ += in_flight_events_;
}

void StationStreamRelay::deliver(const nlohmann::json& batch, api::EventStreams& streams) {
  const auto& events = batch.at("events");
  for (const auto& event : events)
    streams.publish(event.at(0).get<std::string>(), event.at(1).get<std::string>());
  // Events were dropped on the way: the clients' picture has a gap they cannot see.
  if (batch.value("lost", std::size_t{0}) > 0) streams.close_all();
}

}  // namespace csms::app

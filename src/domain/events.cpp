#include "csms/domain/events.hpp"

namespace csms::domain {

void EventBus::subscribe(Handler handler) { handlers_.push_back(std::move(handler)); }

void EventBus::publish(const Event& event) const {
  for (const auto& handler : handlers_) handler(event);
}

void EventBus::publish(const std::vector<Event>& events) const {
  for (const auto& event : events) publish(event);
}

}  // namespace csms::domain

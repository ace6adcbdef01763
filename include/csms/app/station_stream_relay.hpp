#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "csms/api/api.hpp"

namespace csms::app {

// Carries the station stream (GET /api/v1/stations/stream: connections, connector statuses,
// sessions starting and ending) to the cluster's other nodes, so that a dashboard sees every
// station live whichever node it asks. Events are collected as they happen and sent as one
// message about every 250 ms, one at a time: a database write per batch, not per event. At
// most `max_events` wait for a batch; the ones beyond (and those of a batch that could not be
// stored) are counted as lost, and a node that receives a batch with losses disconnects its
// stream clients, which reconnect and read the stations again (as after any gap in a stream).
class StationStreamRelay {
 public:
  static constexpr const char* kMessageType = "station_events";
  static constexpr std::chrono::milliseconds kInterval{250};

  explicit StationStreamRelay(std::size_t max_events = 2000) : max_events_(max_events) {}

  // Thread-safe: the gateway's threads add, the cluster thread takes.
  void add(std::string event, std::string data);

  // The events collected since the last batch, oldest first, as a cluster message
  // {"type": "station_events", "events": [[event, data], ...], "lost": n}; nothing when there
  // were none, when the last batch left less than kInterval before `now`, or while it is
  // still on its way (batches arrive in order). The caller reports the batch's fate to sent().
  std::optional<nlohmann::json> take(std::chrono::steady_clock::time_point now);
  // The batch take() gave was stored for the other nodes (or not: its events, and those it
  // reported lost, count as lost, so the next batch tells the receivers of the gap).
  void sent(bool stored);

  // Publishes a batch another node sent into this node's stream. Throws on a malformed batch
  // (the cluster node logs and drops the message).
  static void deliver(const nlohmann::json& batch, api::EventStreams& streams);

 private:
  const std::size_t max_events_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> events_;
  std::size_t lost_ = 0;
  bool in_flight_ = false;
  std::size_t in_flight_events_ = 0;  // the batch on its way: its events and its lost count
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace csms::app

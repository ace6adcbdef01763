#include "csms/app/station_stream_relay.hpp"

#include <gtest/gtest.h>

namespace csms::app {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

TEST(StationStreamRelay, BatchesEventsInOrder_OneBatchAtATime_AtMostEveryInterval) {
  StationStreamRelay relay;
  const auto t0 = Clock::now();
  EXPECT_FALSE(relay.take(t0));  // nothing happened: no message
  relay.add("station.connected", R"({"station_id":"A"})");
  relay.add("station.status", R"({"station_id":"A","status":"Faulted"})");
  auto batch = relay.take(t0);
  ASSERT_TRUE(batch);
  EXPECT_EQ((*batch)["type"], "station_events");
  EXPECT_EQ((*batch)["events"], json::parse(R"([["station.connected","{\"station_id\":\"A\"}"],
                                               ["station.status","{\"station_id\":\"A\",\"status\":\"Faulted\"}"]])"));
  EXPECT_EQ((*batch)["lost"], 0);

  relay.add("station.disconnected", R"({"station_id":"A"})");
  // The batch before is still on its way: the next waits, so that batches arrive in order.
  EXPECT_FALSE(relay.take(t0 + milliseconds(300)));
  relay.sent(true);
  // Stored, but a quarter second has not passed since it left.
  EXPECT_FALSE(relay.take(t0 + milliseconds(100)));
  auto next = relay.take(t0 + StationStreamRelay::kInterval);
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["events"].size(), 1u);
  relay.sent(true);
  EXPECT_FALSE(relay.take(t0 + milliseconds(1000)));  // nothing new
}

TEST(StationStreamRelay, KeepsAtMostItsBound_CountsTheRestAndUnstoredBatchesAsLost) {
  StationStreamRelay relay(2);
  const auto t0 = Clock::now();
  for (int i = 0; i < 5; ++i) relay.add("station.booted", std::to_string(i));
  auto batch = relay.take(t0);
  ASSERT_TRUE(batch);
  EXPECT_EQ((*batch)["events"].size(), 2u);
  EXPECT_EQ((*batch)["events"][1][1], "1");
  EXPECT_EQ((*batch)["lost"], 3);
  // That batch could not be stored: its 2 events and the 3 it reported are lost, and the next
  // batch says so even without events of its own.
  relay.sent(false);
  auto next = relay.take(t0 + StationStreamRelay::kInterval);
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["events"].size(), 0u);
  EXPECT_EQ((*next)["lost"], 5);
  relay.sent(true);
  relay.add("station.booted", "6");
  EXPECT_EQ((*relay.take(t0 + 2 * StationStreamRelay::kInterval))["lost"], 0);
}

TEST(StationStreamRelay, DeliversABatchToTheStreamsClients_ClosesThemWhenEventsWereLost) {
  api::EventStreams streams;
  auto client = streams.subscribe();
  StationStreamRelay::deliver(json{{"type", "station_events"},
                                   {"events", json::array({json::array({"station.connected", "{\"x\":1}"})})},
                                   {"lost", 0}},
                              streams);
  auto pending = client->take();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending.front(), "event: station.connected\ndata: {\"x\":1}\n\n");
  EXPECT_FALSE(client->closed());

  // A gap: the client must read the stations again, so its stream ends.
  StationStreamRelay::deliver(json{{"type", "station_events"}, {"events", json::array()}, {"lost", 7}},
                              streams);
  EXPECT_TRUE(client->closed());
  // A malformed batch is refused, not half-delivered as garbage.
  EXPECT_THROW(StationStreamRelay::deliver(json{{"type", "station_events"}}, streams), json::exception);
}

}  // namespace
}  // namespace csms::app

#include "csms/app/station_stream_relay.hpp"

#include <gtest/gtest.h>

namespace csms::app {
namespace {

using nlohmann::json;

TEST(StationStreamRelay, BatchesEventsInOrder_TakingEmptiesIt) {
  StationStreamRelay relay;
  EXPECT_FALSE(relay.take());  // nothing happened: no message
  relay.add("station.connected", R"({"station_id":"A"})");
  relay.add("station.status", R"({"station_id":"A","status":"Faulted"})");
  auto batch = relay.take();
  ASSERT_TRUE(batch);
  EXPECT_EQ((*batch)["type"], "station_events");
  EXPECT_EQ((*batch)["events"], json::parse(R"([["station.connected","{\"station_id\":\"A\"}"],
                                               ["station.status","{\"station_id\":\"A\",\"status\":\"Faulted\"}"]])"));
  EXPECT_EQ((*batch)["lost"], 0);
  EXPECT_FALSE(relay.take());
}

TEST(StationStreamRelay, KeepsAtMostItsBound_CountsTheRestAsLost) {
  StationStreamRelay relay(2);
  for (int i = 0; i < 5; ++i) relay.add("station.booted", std::to_string(i));
  auto batch = relay.take();
  ASSERT_TRUE(batch);
  EXPECT_EQ((*batch)["events"].size(), 2u);
  EXPECT_EQ((*batch)["events"][1][1], "1");
  EXPECT_EQ((*batch)["lost"], 3);
  // The next batch starts afresh.
  relay.add("station.booted", "5");
  EXPECT_EQ((*relay.take())["lost"], 0);
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

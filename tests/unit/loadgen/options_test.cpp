#include "loadgen/options.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace csms::loadgen {
namespace {

TEST(LoadgenOptions, DefaultsTargetLoopbackFromSixteenSourceAddresses) {
  auto o = parse_options({});
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 9000);
  EXPECT_EQ(o.path, "/ocpp");
  EXPECT_EQ(o.protocol, Protocol::Mix);
  EXPECT_EQ(o.samples, 4);
  ASSERT_EQ(o.source_addrs.size(), 16u);
  EXPECT_EQ(format_ipv4(o.source_addrs.front()), "127.0.0.1");
  EXPECT_EQ(format_ipv4(o.source_addrs.back()), "127.0.0.16");
}

TEST(LoadgenOptions, ReadsBothValueSpellings) {
  auto o = parse_options({"--url", "ws://10.0.0.5:9100/ocpp/", "--chargers=5000", "--protocol", "2.0.1",
                          "--meter-interval", "0.5", "--json", "--reconnect", "--heartbeat-interval=30",
                          "--stagger"});
  EXPECT_EQ(o.host, "10.0.0.5");
  EXPECT_EQ(o.port, 9100);
  EXPECT_EQ(o.path, "/ocpp");
  EXPECT_EQ(o.chargers, 5000);
  EXPECT_EQ(o.protocol, Protocol::V201);
  EXPECT_DOUBLE_EQ(o.meter_interval, 0.5);
  EXPECT_TRUE(o.json);
  EXPECT_TRUE(o.reconnect);
  EXPECT_TRUE(o.stagger);
  EXPECT_FALSE(parse_options({}).stagger);
  ASSERT_TRUE(o.heartbeat_interval.has_value());
  EXPECT_DOUBLE_EQ(*o.heartbeat_interval, 30);
  // Not loopback: no source binding unless asked for.
  EXPECT_TRUE(o.source_addrs.empty());
}

TEST(LoadgenOptions, SourceAddressesFromRangesAndLists) {
  auto addrs = parse_source_addrs("127.0.0.254-127.0.1.1,127.0.0.9");
  ASSERT_EQ(addrs.size(), 5u);
  EXPECT_EQ(format_ipv4(addrs[0]), "127.0.0.254");
  EXPECT_EQ(format_ipv4(addrs[2]), "127.0.1.0");
  EXPECT_EQ(format_ipv4(addrs[4]), "127.0.0.9");
  EXPECT_TRUE(parse_source_addrs("none").empty());
  EXPECT_THROW(parse_source_addrs("127.0.0.300"), std::invalid_argument);
  EXPECT_THROW(parse_source_addrs("127.0.0.9-127.0.0.1"), std::invalid_argument);
}

TEST(LoadgenOptions, RefusesWhatItCannotUse) {
  EXPECT_THROW(parse_options({"--chargers", "0"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"--chargers"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"--protocol", "2.1"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"--url", "wss://host/ocpp"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"--samples", "13"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"--frobnicate", "1"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"--json=yes"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"--duration", "10", "--warmup", "10"}), std::invalid_argument);
  EXPECT_THROW(parse_options({"--help"}), HelpRequested);
}

TEST(LoadgenOptions, IdentitiesAreZeroPaddedAndMixAlternates) {
  EXPECT_EQ(charger_id("lg", 42), "lg-000042");
  Options o;
  o.protocol = Protocol::Mix;
  EXPECT_EQ(protocol_of(o, 0), Protocol::V16);
  EXPECT_EQ(protocol_of(o, 1), Protocol::V201);
  o.protocol = Protocol::V16;
  EXPECT_EQ(protocol_of(o, 1), Protocol::V16);
}

}  // namespace
}  // namespace csms::loadgen

#include "server/connection_gate.hpp"

#include <gtest/gtest.h>

namespace csms::server {
namespace {

TEST(ConnectionGate, CapsOpenConnectionsAndHandshakes_TicketsGiveTheirPlacesBack) {
  ConnectionGate gate("ocpp", 3, 2);
  auto [a, ra] = gate.admit();
  auto [b, rb] = gate.admit();
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_TRUE(gate.handshakes_full());
  auto [c, rc] = gate.admit();
  EXPECT_FALSE(c);
  EXPECT_EQ(rc, ConnectionGate::Refusal::TooManyHandshakes);
  EXPECT_EQ(gate.open(), 2u) << "a refused connection holds no place";

  a.handshake_done();
  a.handshake_done();  // twice is once
  EXPECT_EQ(gate.handshakes(), 1u);
  auto [d, rd] = gate.admit();
  ASSERT_TRUE(d);
  EXPECT_EQ(gate.open(), 3u);
  d.handshake_done();
  auto [e, re] = gate.admit();
  EXPECT_FALSE(e);
  EXPECT_EQ(re, ConnectionGate::Refusal::TooManyConnections);

  {
    ConnectionGate::Ticket moved = std::move(b);  // still in its handshake
    EXPECT_EQ(gate.handshakes(), 1u);
  }
  EXPECT_EQ(gate.handshakes(), 0u);
  EXPECT_EQ(gate.open(), 2u);
  auto [f, rf] = gate.admit();
  EXPECT_TRUE(f);
  (void)ra;
  (void)rb;
  (void)rf;
}

}  // namespace
}  // namespace csms::server

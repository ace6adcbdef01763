#include "server/outbox.hpp"

#include <gtest/gtest.h>

namespace csms::server {
namespace {

TEST(Outbox, FrameInFlight_StaysValidWhileMoreFramesArriveAndOverflowIsRefused) {
  Outbox outbox(3);
  ASSERT_TRUE(outbox.push("first"));
  const std::string* in_flight = outbox.start_write();
  ASSERT_NE(in_flight, nullptr);
  const char* bytes = in_flight->data();
  EXPECT_TRUE(outbox.push("second"));
  EXPECT_TRUE(outbox.push("third"));
  // Full (the frame in flight counts): the fourth is refused and nothing held is touched.
  EXPECT_FALSE(outbox.push("fourth"));
  EXPECT_EQ(outbox.size(), 3u);
  EXPECT_EQ(*in_flight, "first");
  EXPECT_EQ(in_flight->data(), bytes) << "the frame being written was not moved";
  EXPECT_EQ(outbox.start_write(), nullptr) << "one write in flight at a time";
  outbox.finish_write();
  const std::string* next = outbox.start_write();
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(*next, "second");
}

TEST(Outbox, FinishWrite_WithoutAWriteInFlight_ReleasesNothing) {
  Outbox outbox(2);
  outbox.finish_write();
  ASSERT_TRUE(outbox.push("a"));
  outbox.finish_write();  // "a" is queued, not in flight: it stays
  EXPECT_EQ(outbox.size(), 1u);
  EXPECT_FALSE(outbox.writing());
  ASSERT_NE(outbox.start_write(), nullptr);
  EXPECT_TRUE(outbox.writing());
  outbox.finish_write();
  EXPECT_TRUE(outbox.empty());
  EXPECT_EQ(outbox.start_write(), nullptr);
}

}  // namespace
}  // namespace csms::server

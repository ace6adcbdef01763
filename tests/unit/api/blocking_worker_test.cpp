// The worker that runs blocking operator actions (include/csms/api/api.hpp): its queue has a
// bound, and a task beyond it is refused rather than kept.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "csms/api/api.hpp"

namespace csms::api {
namespace {

TEST(BlockingWorker, TakesTasksUpToItsBound_RefusesTheNext_TakesMoreOnceTheyRan) {
  BlockingWorker worker(3);
  std::promise<void> started, release;
  auto gate = release.get_future().share();
  ASSERT_TRUE(worker.post([&started, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // the first task runs: it no longer waits in the queue

  std::atomic<int> ran{0};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(worker.post([&ran] { ++ran; })) << i;
  EXPECT_FALSE(worker.post([&ran] { ran += 100; })) << "a fourth waiting task is refused";

  release.set_value();
  for (int i = 0; i < 500 && ran.load() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(ran.load(), 3) << "the three taken tasks ran, the refused one did not";
  EXPECT_TRUE(worker.post([&ran] { ++ran; }));
  for (int i = 0; i < 500 && ran.load() < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(ran.load(), 4);
}

}  // namespace
}  // namespace csms::api

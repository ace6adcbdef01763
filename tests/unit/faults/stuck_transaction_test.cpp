#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

using domain::ChargingState;

// Default: no meter values or transaction events for more than 1800 s while connected.

RuleHarness transaction_started_at_0() {
  RuleHarness rule("stuck_transaction");
  rule.on(connected("CS1", 0), 0);
  rule.on(started("CS1", 1, 1, 0, 0.0), 0);
  return rule;
}

TEST(StuckTransaction, SilentOpenTransaction_OpensWarningOnTick) {
  auto rule = transaction_started_at_0();
  // 1800 s of silence is not more than 1800 s.
  EXPECT_EQ(rule.tick(1800), Summaries{});
  EXPECT_EQ(rule.tick(1801), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.details()["transaction_id"], 1);
  EXPECT_EQ(rule.details()["silent_s"], 1801);
  EXPECT_EQ(rule.tick(1811), Summaries{});
}

TEST(StuckTransaction, MeterValues_KeepTheTransactionAlive) {
  auto rule = transaction_started_at_0();
  rule.on(meter("CS1", 1, {energy(100, 1000)}, 1), 1000);
  EXPECT_EQ(rule.tick(1801), Summaries{});
  // Last activity at 1000: 2800 - 1000 = 1800 s.
  EXPECT_EQ(rule.tick(2800), Summaries{});
  EXPECT_EQ(rule.tick(2801), Summaries{"open CS1 1/0 warning"});
}

TEST(StuckTransaction, NextMeterValue_Clears) {
  auto rule = transaction_started_at_0();
  rule.tick(1801);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(100, 1900)}, 1), 1900), Summaries{"clear CS1 1/0"});
}

TEST(StuckTransaction, TransactionUpdatedWithoutEvse_CountsAsActivityAndClears) {
  auto rule = transaction_started_at_0();
  rule.tick(1801);
  EXPECT_EQ(rule.on(updated("CS1", 1, ChargingState::Charging, 1900), 1900), Summaries{"clear CS1 1/0"});
}

TEST(StuckTransaction, TransactionEnding_ClearsAndStopsWatching) {
  auto rule = transaction_started_at_0();
  rule.tick(1801);
  EXPECT_EQ(rule.on(ended("CS1", 1, 1900), 1900), Summaries{"clear CS1 1/0"});
  EXPECT_EQ(rule.tick(9000), Summaries{});
}

TEST(StuckTransaction, SilenceWhileDisconnected_DoesNotCount) {
  auto rule = transaction_started_at_0();
  rule.on(disconnected("CS1", 100), 100);
  EXPECT_EQ(rule.tick(5000), Summaries{});
  // The reconnect restarts the clock: 6800 - 5000 = 1800 s.
  rule.on(connected("CS1", 5000), 5000);
  EXPECT_EQ(rule.tick(6800), Summaries{});
  EXPECT_EQ(rule.tick(6801), Summaries{"open CS1 1/0 warning"});
}

TEST(StuckTransaction, PerStationDurationOverride_AppliesToThatStationOnly) {
  auto rule = transaction_started_at_0();
  rule.on(started("CS2", 2, 1, 0, 0.0), 0);
  rule.override_for("CS1", {{"duration_s", 600}});
  EXPECT_EQ(rule.tick(601), Summaries{"open CS1 1/0 warning"});
  EXPECT_EQ(rule.tick(1801), Summaries{"open CS2 1/0 warning"});
}

TEST(StuckTransaction, Disabled_EmitsNothing) {
  auto rule = transaction_started_at_0();
  rule.disable();
  EXPECT_EQ(rule.tick(5000), Summaries{});
}

TEST(StuckTransaction, RestoredOpen_ClearsOnTheTransactionsNextMeterValue) {
  RuleHarness rule("stuck_transaction");
  rule.restore_open("CS1", 1, 0);
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(100, 0)}, 3), 0), Summaries{"clear CS1 1/0"});
}

TEST(StuckTransaction, RestoredOpen_IsNotOpenedTwice) {
  RuleHarness rule("stuck_transaction");
  rule.on(started("CS1", 1, 1, 0, 0.0), 0);
  rule.restore_open("CS1", 1, 0);
  EXPECT_EQ(rule.tick(1801), Summaries{});
}

TEST(StuckTransaction, ResolvedByOperator_StaysQuietUntilTheTransactionIsHeardFromAndFallsSilentAgain) {
  auto rule = transaction_started_at_0();
  rule.tick(1801);
  rule.forget("CS1", 1, 0);
  EXPECT_EQ(rule.tick(3000), Summaries{});
  EXPECT_EQ(rule.on(meter("CS1", 1, {energy(100, 3100)}, 1), 3100), Summaries{});
  EXPECT_EQ(rule.tick(4901), Summaries{"open CS1 1/0 warning"});
}

}  // namespace
}  // namespace csms::faults::testing

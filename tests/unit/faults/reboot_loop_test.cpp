#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace csms::faults::testing {
namespace {

// Defaults: 3 boots within 900 s.

TEST(RebootLoop, ThreeBootsWithinTheWindow_OpensWarning) {
  RuleHarness rule("reboot_loop");
  EXPECT_EQ(rule.on(booted("CS1", 0), 0), Summaries{});
  EXPECT_EQ(rule.on(booted("CS1", 300), 300), Summaries{});
  EXPECT_EQ(rule.on(booted("CS1", 600, "Watchdog"), 600), Summaries{"open CS1 0/0 warning"});
  EXPECT_EQ(rule.details()["boots"], 3);
  EXPECT_EQ(rule.details()["reason"], "Watchdog");
}

TEST(RebootLoop, BootsSpreadWiderThanTheWindow_RaiseNothing) {
  RuleHarness rule("reboot_loop");
  rule.on(booted("CS1", 0), 0);
  rule.on(booted("CS1", 500), 500);
  // 901 - 0 = 901 s: the first boot has left the window, two remain.
  EXPECT_EQ(rule.on(booted("CS1", 901), 901), Summaries{});
}

TEST(RebootLoop, FirstAndThirdBootExactlyAWindowApart_AreWithinIt) {
  RuleHarness rule("reboot_loop");
  rule.on(booted("CS1", 0), 0);
  rule.on(booted("CS1", 450), 450);
  EXPECT_EQ(rule.on(booted("CS1", 900), 900), Summaries{"open CS1 0/0 warning"});
}

TEST(RebootLoop, BootsOfDifferentStations_AreNotAddedUp) {
  RuleHarness rule("reboot_loop");
  rule.on(booted("CS1", 0), 0);
  rule.on(booted("CS2", 10), 10);
  EXPECT_EQ(rule.on(booted("CS1", 20), 20), Summaries{});
}

TEST(RebootLoop, FurtherBootInTheLoop_IsARepeat) {
  RuleHarness rule("reboot_loop");
  rule.on(booted("CS1", 0), 0);
  rule.on(booted("CS1", 300), 300);
  rule.on(booted("CS1", 600), 600);
  EXPECT_EQ(rule.on(booted("CS1", 700), 700), Summaries{"open CS1 0/0 warning"});
  EXPECT_EQ(rule.details()["boots"], 4);
}

TEST(RebootLoop, NoBootForAWindow_ClearsOnTick) {
  RuleHarness rule("reboot_loop");
  rule.on(booted("CS1", 0), 0);
  rule.on(booted("CS1", 300), 300);
  rule.on(booted("CS1", 600), 600);
  rule.on(heard("CS1", 1000), 1000);
  // Last boot at 600: 1500 - 600 = 900 s, not more.
  EXPECT_EQ(rule.tick(1500), Summaries{});
  EXPECT_EQ(rule.tick(1501), Summaries{"clear CS1 0/0"});
}

TEST(RebootLoop, PerStationBootsOverride_AppliesToThatStationOnly) {
  RuleHarness rule("reboot_loop");
  rule.override_for("CS1", {{"boots", 2}});
  rule.on(booted("CS1", 0), 0);
  rule.on(booted("CS2", 0), 0);
  EXPECT_EQ(rule.on(booted("CS1", 60), 60), Summaries{"open CS1 0/0 warning"});
  EXPECT_EQ(rule.on(booted("CS2", 60), 60), Summaries{});
}

TEST(RebootLoop, Disabled_EmitsNothing) {
  RuleHarness rule("reboot_loop");
  rule.disable();
  rule.on(booted("CS1", 0), 0);
  rule.on(booted("CS1", 300), 300);
  EXPECT_EQ(rule.on(booted("CS1", 600), 600), Summaries{});
}

TEST(RebootLoop, RestoredOpen_OneBootDoesNotRepeatAndQuietWindowClears) {
  RuleHarness rule("reboot_loop");
  rule.restore_open("CS1", 0, 0);
  EXPECT_EQ(rule.on(booted("CS1", 10), 10), Summaries{});
  // Last boot at 10: 911 - 10 = 901 s > 900 s.
  EXPECT_EQ(rule.tick(910), Summaries{});
  EXPECT_EQ(rule.tick(911), Summaries{"clear CS1 0/0"});
}

TEST(RebootLoop, RestoredOpenWithoutBoots_ClearsAWindowAfterTheStationIsFirstSeen) {
  RuleHarness rule("reboot_loop");
  rule.restore_open("CS1", 0, 0);
  rule.on(heard("CS1", 100), 100);
  EXPECT_EQ(rule.tick(1000), Summaries{});
  EXPECT_EQ(rule.tick(1001), Summaries{"clear CS1 0/0"});
}

}  // namespace
}  // namespace csms::faults::testing

// A station moving to another node: FaultEngine::release_station forgets everything the
// engine knew of it, so that nothing is raised here for a station watched elsewhere and a
// later return starts afresh. Each test fails when release_station does nothing.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "fault_test_util.hpp"
#include "faults/rules/rule_support.hpp"

namespace csms::faults::testing {
namespace {

using domain::ConnectorStatus;

// Defaults: station_offline grace_s 120; stuck_transaction duration_s 1800.

TEST(Handover, ReleasedDisconnectedStation_RaisesNoOfflineAlertLater) {
  RuleHarness rule("station_offline");
  rule.on(connected("CS1", 0), 0);
  rule.on(disconnected("CS1", 10), 10);
  rule.engine().release_station("CS1");
  // Kept, 500 - 10 = 490 s > 120 s would open it.
  EXPECT_EQ(rule.tick(500), Summaries{});
  EXPECT_EQ(rule.tick(5000), Summaries{});
}

TEST(Handover, ReleasedStationWithOpenTransaction_RaisesNoStuckTransaction) {
  RuleHarness rule("stuck_transaction");
  rule.on(connected("CS1", 0), 0);
  rule.on(started("CS1", 1, 1, 0, 0.0), 0);
  rule.engine().release_station("CS1");
  // Kept, 1801 s of silence > 1800 s would open it.
  EXPECT_EQ(rule.tick(1801), Summaries{});
  EXPECT_EQ(rule.tick(10000), Summaries{});
}

TEST(Handover, ReleasedFaultedConnector_FaultedAgainOpensANewAlert) {
  RuleHarness rule("connector_faulted");
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Faulted, "GroundFailure"), 0),
            Summaries{"open CS1 1/1 critical"});
  rule.engine().release_station("CS1");
  EXPECT_FALSE(rule.is_open("CS1", 1, 1));
  // Kept, Faulted sent again would be the same fault (no decision).
  EXPECT_EQ(rule.on(status("CS1", 1, 1, ConnectorStatus::Faulted, "GroundFailure", 100), 100),
            Summaries{"open CS1 1/1 critical"});
}

TEST(Handover, ReleasingOneStation_LeavesTheOthersAsTheyWere) {
  RuleHarness rule("station_offline");
  rule.on(connected("CS1", 0), 0);
  rule.on(connected("CS2", 0), 0);
  rule.on(disconnected("CS1", 10), 10);
  rule.on(disconnected("CS2", 10), 10);
  rule.engine().release_station("CS1");
  // CS2: 131 - 10 = 121 s > 120 s. CS1, kept, would open too.
  EXPECT_EQ(rule.tick(131), Summaries{"open CS2 0/0 critical"});
}

TEST(Handover, ReleasedStation_OpenAlertsAreNoLongerCounted) {
  FaultEngine engine;
  engine.restore_open(AlertKey{"connector_faulted", "CS1", 1, 1});
  engine.restore_open(AlertKey{"station_offline", "CS1", 0, 0});
  engine.restore_open(AlertKey{"station_offline", "CS2", 0, 0});
  engine.release_station("CS1");
  auto counts = engine.open_by_rule();
  EXPECT_EQ(counts["connector_faulted"], 0);
  EXPECT_EQ(counts["station_offline"], 1);
  EXPECT_TRUE(engine.is_open(AlertKey{"station_offline", "CS2", 0, 0}));
}

TEST(Handover, EraseStation_RemovesOnlyThatStationsEntriesWhateverTheKey) {
  std::set<std::string> ids{"CS1", "CS10", "CS2"};
  std::map<std::pair<std::string, int>, int> evses{{{"CS1", 1}, 1}, {{"CS1", 2}, 2}, {{"CS2", 1}, 3}};
  std::set<std::tuple<std::string, int, int>> connectors{{"CS1", 1, 1}, {"CS2", 1, 1}};
  rules::erase_station(ids, "CS1");
  rules::erase_station(evses, "CS1");
  rules::erase_station(connectors, "CS1");
  // "CS10" shares a prefix with "CS1" but is another station.
  EXPECT_EQ(ids, (std::set<std::string>{"CS10", "CS2"}));
  EXPECT_EQ(evses, (std::map<std::pair<std::string, int>, int>{{{"CS2", 1}, 3}}));
  EXPECT_EQ(connectors, (std::set<std::tuple<std::string, int, int>>{{"CS2", 1, 1}}));
}

}  // namespace
}  // namespace csms::faults::testing

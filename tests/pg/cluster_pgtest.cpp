// Several nodes on one database, at the store level: which node holds a station, messages
// between nodes, the leader taking over the stations of a node that left or died.

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "csms/store/cluster_link.hpp"
#include "csms/store/database.hpp"
#include "csms/store/migrations.hpp"
#include "support/test_database.hpp"

namespace csms {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// What a node's handlers saw, read with a timeout.
struct Seen {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> messages;
  std::vector<std::string> taken_over;

  store::ClusterLink::Handlers handlers() {
    return {[this](std::vector<std::string> bodies) {
              std::lock_guard lock(mutex);
              for (auto& b : bodies) messages.push_back(json::parse(b).at("n").dump());
              changed.notify_all();
            },
            [this](std::vector<domain::StationLiveness> stations) {
              std::lock_guard lock(mutex);
              for (auto& s : stations)
                taken_over.push_back(s.station_id + (s.online ? " online" : " offline"));
              changed.notify_all();
            },
            {},
            {}};
  }
  template <class Pred>
  bool wait(Pred pred) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, pred);
  }
};

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::fresh_database("csms_pg_cluster");
    store::migrate(url_);
    db_ = std::make_unique<store::Database>(store::DatabaseSettings{url_, 2, 64});
    db_->start();
  }
  void TearDown() override {
    if (db_) db_->stop();
  }
  store::ClusterSettings settings(const std::string& node) { return {url_, node, 100ms, 5s}; }
  std::string sql(const std::string& query) { return testing::query_value(url_, query); }
  void connect(const std::string& station, const std::string& node, std::int64_t connection,
               std::optional<domain::StationHolder>* previous = nullptr) {
    db_->run_and_wait([&](domain::Repositories& repos) {
      repos.charging().connect_station(station, "ocpp1.6", *domain::parse_timestamp("2026-03-01T12:00:00Z"),
                                       domain::RegistrationStatus::Accepted);
      auto before = repos.cluster().claim_station(station, node, connection);
      if (previous) *previous = before;
    });
  }

  std::string url_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(ClusterTest, Claim_NamesThePreviousNode_AndAnOldConnectionCannotReleaseIt) {
  std::optional<domain::StationHolder> previous;
  connect("CS1", "a", 1, &previous);
  EXPECT_FALSE(previous) << "first contact: nobody held it";
  connect("CS1", "a", 2, &previous);
  EXPECT_FALSE(previous) << "a new connection on the same node is no hand-over";
  connect("CS1", "b", 7, &previous);
  ASSERT_TRUE(previous);
  EXPECT_EQ(previous->node_id, "a");
  EXPECT_EQ(previous->connection, 2);

  bool released = true;
  db_->run_and_wait(
      [&](domain::Repositories& repos) { released = repos.cluster().release_station("CS1", "a", 2); });
  EXPECT_FALSE(released) << "node a's old connection closing must not take the station offline";
  EXPECT_EQ(sql("SELECT node_id || ' ' || node_connection || ' ' || online FROM stations WHERE id = 'CS1'"),
            "b 7 true");
  db_->run_and_wait(
      [&](domain::Repositories& repos) { released = repos.cluster().release_station("CS1", "b", 7); });
  EXPECT_TRUE(released);
  EXPECT_EQ(
      sql("SELECT node_id || ' ' || coalesce(node_connection::text, '-') FROM stations WHERE id = 'CS1'"),
      "b -");

  // Commands go only to a node that holds its liveness lock: one whose process died a moment
  // ago (its row not yet removed by a leader) holds nothing.
  pqxx::connection live_session(url_);
  pqxx::nontransaction(live_session).exec("SELECT pg_advisory_lock(1129532755, 777)");
  sql("INSERT INTO cluster_nodes (node_id, lock_key) VALUES ('live', 777), ('ghost', 12345) RETURNING 1");
  connect("CS-LIVE", "live", 1);
  connect("CS-GHOST", "ghost", 1);
  std::optional<std::string> live, ghost;
  db_->run_and_wait([&](domain::Repositories& repos) {
    live = repos.cluster().station_holder("CS-LIVE");
    ghost = repos.cluster().station_holder("CS-GHOST");
  });
  EXPECT_EQ(live, "live");
  EXPECT_FALSE(ghost);
}

TEST_F(ClusterTest, MessagesReachTheAddressedNodeInOrder_AndHolderIsTheLiveConnectedNode) {
  Seen a_seen, b_seen;
  store::ClusterLink a(settings("a"));
  a.start(a_seen.handlers());
  store::ClusterLink b(settings("b"));
  b.start(b_seen.handlers());
  EXPECT_TRUE(a.leader());
  EXPECT_FALSE(b.leader());

  connect("CS1", "b", 3);
  std::optional<std::string> holder;
  db_->run_and_wait([&](domain::Repositories& repos) { holder = repos.cluster().station_holder("CS1"); });
  EXPECT_EQ(holder, "b");
  db_->run_and_wait([&](domain::Repositories& repos) {
    for (int n = 1; n <= 3; ++n) repos.cluster().post("b", json{{"n", n}}.dump());
  });
  ASSERT_TRUE(b_seen.wait([&] { return b_seen.messages.size() == 3; }));
  EXPECT_EQ(b_seen.messages, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_TRUE(a_seen.messages.empty());
  EXPECT_EQ(sql("SELECT count(*) FROM cluster_messages"), "0") << "taken messages are removed";

  db_->run_and_wait([&](domain::Repositories& repos) { repos.cluster().release_station("CS1", "b", 3); });
  db_->run_and_wait([&](domain::Repositories& repos) { holder = repos.cluster().station_holder("CS1"); });
  EXPECT_FALSE(holder) << "an offline station has no holder to send commands to";
  b.stop();
  a.stop();
}

TEST_F(ClusterTest, LeaderTakesOverTheStationsOfANodeThatLeft) {
  Seen a_seen, b_seen;
  store::ClusterLink a(settings("a"));
  a.start(a_seen.handlers());
  store::ClusterLink b(settings("b"));
  b.start(b_seen.handlers());
  connect("CS-B", "b", 1);
  connect("CS-A", "a", 1);
  // Give the leader a few rounds: nothing of a live node is taken.
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(sql("SELECT node_id || ' ' || online FROM stations WHERE id = 'CS-B'"), "b true");

  b.stop();  // leaves without releasing its station (as a crash would leave it)
  ASSERT_TRUE(a_seen.wait([&] { return !a_seen.taken_over.empty(); }));
  EXPECT_EQ(a_seen.taken_over, (std::vector<std::string>{"CS-B offline"}));
  EXPECT_EQ(sql("SELECT node_id || ' ' || online FROM stations WHERE id = 'CS-B'"), "a false");
  EXPECT_EQ(
      sql("SELECT count(*) FROM station_connectivity WHERE station_id = 'CS-B' AND disconnected_at IS NULL"),
      "0");
  EXPECT_EQ(sql("SELECT node_id || ' ' || online FROM stations WHERE id = 'CS-A'"), "a true");
  a.stop();
}

TEST_F(ClusterTest, ARunningNodesIdIsRefused_AndARestartTakesItsStationsOffline) {
  Seen seen;
  auto a = std::make_unique<store::ClusterLink>(settings("a"));
  a->start(seen.handlers());
  store::ClusterLink twin(settings("a"));
  EXPECT_THROW(twin.start(seen.handlers()), std::runtime_error);

  connect("CS1", "a", 1);
  a.reset();  // stops; the row goes, the station still names node a
  store::ClusterLink again(settings("a"));
  again.start(seen.handlers());
  EXPECT_EQ(
      sql("SELECT node_id || ' ' || online || ' ' || coalesce(node_connection::text, '-') FROM stations"),
      "a false -");
  again.stop();
}

}  // namespace
}  // namespace csms

// The store against a real PostgreSQL: migrations from empty, repositories through the
// charging service, idempotent retries, group commit.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "csms/charging/charging_service.hpp"
#include "csms/metrics/metrics.hpp"
#include "csms/store/database.hpp"
#include "csms/store/migrations.hpp"
#include "support/test_database.hpp"

namespace csms {
namespace {

using namespace std::chrono_literals;
using domain::Timestamp;
using json = nlohmann::json;

Timestamp at(const char* text) { return *domain::parse_timestamp(text); }

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::fresh_database("csms_pg_store");
    store::migrate(url_);
    db_ = std::make_unique<store::Database>(store::DatabaseSettings{url_, 2, 64});
    db_->start();
  }
  void TearDown() override {
    if (db_) db_->stop();
  }

  // Runs `work` as one unit and waits; rethrows its failure.
  void run(std::function<void(domain::Repositories&)> work) {
    std::promise<void> done;
    db_->run(std::move(work), [&done](std::exception_ptr error) {
      if (error)
        done.set_exception(error);
      else
        done.set_value();
    });
    done.get_future().get();
  }

  charging::Outcome handle(const domain::Request& request, const std::string& message_id = "m1",
                           const char* received = "2026-03-01T12:00:00Z") {
    charging::Outcome outcome;
    domain::MessageContext ctx{"CP-1", "ocpp1.6", message_id, at(received), false};
    run([&](domain::Repositories& repos) { outcome = service_.handle(ctx, request, repos.charging()); });
    return outcome;
  }

  json admin(std::function<std::optional<std::string>(domain::AdminRepository&)> read) {
    std::optional<std::string> text;
    run([&](domain::Repositories& repos) { text = read(repos.admin()); });
    return text ? json::parse(*text) : json();
  }

  std::string value(const std::string& sql) { return testing::query_value(url_, sql); }

  void connect() {
    run([](domain::Repositories& repos) {
      repos.charging().connect_station("CP-1", "ocpp1.6", at("2026-03-01T09:59:00Z"),
                                       domain::RegistrationStatus::Accepted);
    });
  }

  std::string url_;
  std::unique_ptr<store::Database> db_;
  charging::ChargingService service_{charging::ChargingSettings{}};
};

std::size_t migration_files() {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(CSMS_MIGRATIONS_DIR))
    n += entry.path().extension() == ".sql" ? 1 : 0;
  return n;
}

TEST(Migrations, FromEmpty_ApplyAllThenNothing_AndRejectAChangedFile) {
  auto url = testing::fresh_database("csms_pg_migrations");
  auto first = store::migrate(url);
  EXPECT_EQ(first.applied.size(), migration_files());
  EXPECT_GE(first.applied.size(), 3u);
  EXPECT_EQ(first.already_applied, 0u);
  std::size_t repeatables = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(CSMS_MIGRATIONS_DIR) + "/repeatable"))
    repeatables += entry.path().extension() == ".sql" ? 1 : 0;
  EXPECT_GE(repeatables, 1u);
  EXPECT_EQ(first.refreshed.size(), repeatables);
  auto second = store::migrate(url);
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.already_applied, migration_files());
  EXPECT_TRUE(second.refreshed.empty()) << "an unchanged repeatable file runs once";
  // A repeatable file whose text changed (here: whose recorded checksum differs) runs again.
  testing::query_value(url, "UPDATE schema_repeatables SET checksum = 'x' RETURNING 1");
  EXPECT_EQ(store::migrate(url).refreshed.size(), repeatables);
  // A database a newer binary migrated keeps its functions: an older node does not put its
  // own versions back (rolling upgrade).
  testing::query_value(url,
                       "INSERT INTO schema_migrations (version, name, checksum) VALUES "
                       "(9999, '9999_from_the_future.sql', 'f') RETURNING 1");
  testing::query_value(url, "UPDATE schema_repeatables SET checksum = 'newer' RETURNING 1");
  auto older = store::migrate(url);
  EXPECT_TRUE(older.newer_database);
  EXPECT_TRUE(older.refreshed.empty());
  EXPECT_EQ(testing::query_value(url, "SELECT count(*) FROM schema_repeatables WHERE checksum = 'newer'"),
            std::to_string(repeatables));
  testing::query_value(url, "DELETE FROM schema_migrations WHERE version = 9999 RETURNING 1");
  // Partitions for the months ahead exist after ensure_partitions.
  store::ensure_partitions(url, 2);
  EXPECT_EQ(
      testing::query_value(url,
                           "SELECT count(*) FROM pg_inherits WHERE inhparent = 'meter_samples'::regclass "
                           "AND inhrelid::regclass::text LIKE 'meter_samples_20%'") >= "3",
      true);
  testing::query_value(url, "UPDATE schema_migrations SET checksum = 'x' WHERE version = 1 RETURNING 1");
  try {
    store::migrate(url);
    FAIL() << "a changed migration must stop start-up";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("0001_core.sql"), std::string::npos) << e.what();
  }
}

TEST_F(StoreTest, Boot_RecordsStationFacts_VisibleInTheReadModel) {
  connect();
  domain::BootRequest boot{"ACME", "Fast-1", std::string("SN-9"), std::string("1.2.3"), {}, {}, {}, {}, {}};
  auto outcome = handle(boot);
  EXPECT_EQ(std::get<domain::BootResponse>(outcome.response).status, domain::RegistrationStatus::Accepted);
  auto station = admin([](auto& a) { return a.get_station("CP-1"); });
  EXPECT_EQ(station["vendor"], "ACME");
  EXPECT_EQ(station["model"], "Fast-1");
  EXPECT_EQ(station["serial_number"], "SN-9");
  EXPECT_EQ(station["firmware_version"], "1.2.3");
  EXPECT_EQ(station["protocol"], "ocpp1.6");
  EXPECT_EQ(station["online"], true);
}

TEST_F(StoreTest, StatusNotification_KeepsHistory_AndLiveStatusIgnoresOlderReports) {
  connect();
  domain::StatusRequest charging{1,  1,  domain::ConnectorStatus::Charging, std::string("NoError"), {},
                                 {}, {}, at("2026-03-01T10:00:00Z")};
  domain::StatusRequest older{1,  1,  domain::ConnectorStatus::Available, std::string("NoError"), {},
                              {}, {}, at("2026-03-01T09:00:00Z")};
  EXPECT_EQ(handle(charging).events.size(), 1u);
  EXPECT_EQ(handle(charging, "m2").events.size(), 0u) << "a retried report is not a new change";
  handle(older, "m3");
  EXPECT_EQ(value("SELECT count(*) FROM status_history WHERE station_id = 'CP-1'"), "2");
  auto station = admin([](auto& a) { return a.get_station("CP-1"); });
  EXPECT_EQ(station["evses"][0]["connectors"][0]["status"], "Charging");
}

TEST_F(StoreTest, StartTransaction_RetriedAfterLostReply_ReturnsSameIdAndOneRow) {
  connect();
  domain::StartTransactionRequest start{
      1, 1, {"TAG", ""}, 1000, at("2026-03-01T10:00:00Z"), std::nullopt, std::nullopt};
  auto first = std::get<domain::StartTransactionResponse>(handle(start).response);
  auto again = std::get<domain::StartTransactionResponse>(handle(start, "m2").response);
  EXPECT_GT(first.transaction_id, 0);
  EXPECT_EQ(first.transaction_id, again.transaction_id);
  EXPECT_EQ(again.authorization.status, domain::AuthorizationStatus::Invalid) << "unknown tag";
  EXPECT_EQ(value("SELECT count(*) FROM transactions"), "1");
}

TEST_F(StoreTest, ConcurrentTx_WhenTheTokenHasAnotherOpenTransaction) {
  connect();
  run([](domain::Repositories& repos) { repos.admin().create_id_token("TAG", R"({"status":"Accepted"})"); });
  domain::StartTransactionRequest first{
      1, 1, {"TAG", ""}, 0, at("2026-03-01T10:00:00Z"), std::nullopt, std::nullopt};
  domain::StartTransactionRequest second{
      2, 1, {"TAG", ""}, 0, at("2026-03-01T10:01:00Z"), std::nullopt, std::nullopt};
  EXPECT_EQ(std::get<domain::StartTransactionResponse>(handle(first).response).authorization.status,
            domain::AuthorizationStatus::Accepted);
  EXPECT_EQ(std::get<domain::StartTransactionResponse>(handle(second, "m2").response).authorization.status,
            domain::AuthorizationStatus::ConcurrentTx);
  EXPECT_EQ(value("SELECT authorization_status FROM transactions WHERE evse_id = 2"), "ConcurrentTx");
}

TEST_F(StoreTest, MeterValues_RetriedDelivery_StoresEachSampleOnce) {
  connect();
  domain::StartTransactionRequest start{
      1, 1, {"TAG", ""}, 1000, at("2026-03-01T10:00:00Z"), std::nullopt, std::nullopt};
  auto id = std::get<domain::StartTransactionResponse>(handle(start).response).transaction_id;
  domain::MeterSample energy;
  energy.timestamp = at("2026-03-01T10:05:00Z");
  energy.unit = "Wh";
  energy.raw_value = "1500.5";
  energy.value = energy.canonical_value = 1500.5;
  energy.canonical_unit = "Wh";
  domain::MeterSample power = energy;
  power.measurand = "Power.Active.Import";
  power.unit = power.canonical_unit = "W";
  power.raw_value = "7000";
  power.value = power.canonical_value = 7000;
  domain::MeterValuesRequest values{1, std::to_string(id), {energy, power}};
  EXPECT_EQ(handle(values).events.size(), 1u);
  EXPECT_EQ(handle(values, "m2").events.size(), 0u);
  EXPECT_EQ(value("SELECT count(*) FROM meter_samples"), "2");
  EXPECT_EQ(value("SELECT raw_value FROM meter_samples WHERE measurand = 'Energy.Active.Import.Register'"),
            "1500.5");
  // The sample is readable through the transaction document, and energy so far is 500.5 Wh → 501.
  auto tx = admin([id](auto& a) { return a.get_transaction(id); });
  EXPECT_EQ(tx["meter_samples"].size(), 2u);
  EXPECT_EQ(tx["energy_wh"], 501);
  EXPECT_EQ(tx["state"], "open");
}

TEST_F(StoreTest, BatchedMeterValues_OneLookupAndOneInsert_CountNewRowsPerMessage) {
  connect();
  run([](domain::Repositories& repos) {
    repos.charging().connect_station("CP-2", "ocpp1.6", at("2026-03-01T09:59:00Z"),
                                     domain::RegistrationStatus::Accepted);
  });
  domain::StartTransactionRequest start{
      1, 1, {"TAG", ""}, 1000, at("2026-03-01T10:00:00Z"), std::nullopt, std::nullopt};
  auto id = std::get<domain::StartTransactionResponse>(handle(start).response).transaction_id;
  std::map<domain::ChargingRepository::TransactionKey, domain::TransactionRef> found;
  run([&](domain::Repositories& repos) {
    found =
        repos.charging().find_transactions({{"CP-1", std::to_string(id)}, {"CP-2", "77"}, {"CP-1", "999"}});
  });
  ASSERT_EQ(found.size(), 1u) << "only the transaction that exists";
  EXPECT_EQ(found.begin()->first, (domain::ChargingRepository::TransactionKey{"CP-1", std::to_string(id)}));
  EXPECT_EQ(found.begin()->second.id, id);
  EXPECT_EQ(found.begin()->second.started_at, at("2026-03-01T10:00:00Z"));

  domain::MeterSample energy;
  energy.timestamp = at("2026-03-01T10:05:00Z");
  energy.unit = energy.canonical_unit = "Wh";
  energy.raw_value = "1500";
  energy.value = energy.canonical_value = 1500;
  energy.flags = {"unit_assumed"};
  domain::MeterSample power = energy;
  power.measurand = "Power.Active.Import";
  power.flags.clear();
  // Text that needs quoting in an array literal, and a double that needs all its digits.
  power.signed_data = R"({"signedMeterData":"a\"b\\c,{NULL}"})";
  power.raw_value = "NULL";
  power.canonical_value = 0.1 + 0.2;
  auto ctx = [](const char* station) {
    return domain::MessageContext{station, "ocpp1.6", "m", at("2026-03-01T10:05:01Z"), false};
  };
  std::vector<domain::ChargingRepository::SampleRows> items{{ctx("CP-1"), 1, id, {energy, power}, {"late"}},
                                                            {ctx("CP-2"), 1, std::nullopt, {energy}, {}}};
  std::vector<std::size_t> stored;
  run([&](domain::Repositories& repos) { stored = repos.charging().insert_sample_rows(items); });
  EXPECT_EQ(stored, (std::vector<std::size_t>{2, 1}));
  // Retried: nothing new for the first message; a new reading for the second.
  items[1].samples[0].timestamp = at("2026-03-01T10:06:00Z");
  run([&](domain::Repositories& repos) { stored = repos.charging().insert_sample_rows(items); });
  EXPECT_EQ(stored, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(value("SELECT count(*) FROM meter_samples"), "4");
  // The message's flags come first, then the sample's own.
  EXPECT_EQ(value("SELECT flags::text FROM meter_samples WHERE station_id = 'CP-1' AND measurand = "
                  "'Energy.Active.Import.Register'"),
            "{late,unit_assumed}");
  EXPECT_EQ(value("SELECT count(*) FROM meter_samples WHERE transaction_id = " + std::to_string(id)), "2");
  EXPECT_EQ(
      value("SELECT signed_data || '|' || raw_value || '|' || (canonical_value = 0.1::float8 + 0.2::float8) "
            "FROM meter_samples WHERE measurand = 'Power.Active.Import'"),
      *power.signed_data + "|NULL|true");
  EXPECT_EQ(value("SELECT count(*) FROM meter_samples WHERE signed_data IS NULL"), "3");
}

TEST_F(StoreTest, StopTransaction_UnknownIdAndMinusOne_AreRecordedAndFlagged) {
  connect();
  domain::StopTransactionRequest unknown{4711, {}, 2000, at("2026-03-01T11:00:00Z"), "Local", {}};
  domain::StopTransactionRequest never_assigned{-1, {}, 3000, at("2026-03-01T11:00:00Z"), "EVDisconnected",
                                                {}};
  handle(unknown);
  handle(never_assigned, "m2");
  handle(never_assigned, "m3");  // retried: still one row
  EXPECT_EQ(value("SELECT count(*) FROM transactions"), "2");
  EXPECT_EQ(value("SELECT flags::text FROM transactions WHERE ocpp_transaction_id = '4711'"),
            "{unknown_transaction}");
  EXPECT_EQ(value("SELECT stop_reason FROM transactions WHERE ocpp_transaction_id LIKE '-1@%'"),
            "EVDisconnected");
}

TEST_F(StoreTest, StopTransaction_BelowMeterStart_IsFlaggedAndClosed) {
  connect();
  domain::StartTransactionRequest start{
      1, 1, {"TAG", ""}, 5000, at("2026-03-01T10:00:00Z"), std::nullopt, std::nullopt};
  auto id = std::get<domain::StartTransactionResponse>(handle(start).response).transaction_id;
  domain::StopTransactionRequest stop{id, {}, 4000, at("2026-03-01T11:00:00Z"), "Local", {}};
  EXPECT_EQ(handle(stop, "m2").events.size(), 1u);
  EXPECT_EQ(handle(stop, "m3").events.size(), 0u) << "a retried stop ends nothing twice";
  EXPECT_EQ(value("SELECT flags::text FROM transactions WHERE id = " + std::to_string(id)),
            "{meter_stop_below_start}");
  auto tx = admin([id](auto& a) { return a.get_transaction(id); });
  EXPECT_EQ(tx["state"], "closed");
  EXPECT_EQ(tx["stopped_at"], "2026-03-01T11:00:00Z");
}

TEST_F(StoreTest, TransactionEvent_SameSeqNoTwice_IsOneEvent) {
  connect();
  domain::TransactionEventRequest started;
  started.kind = domain::TransactionEventKind::Started;
  started.timestamp = at("2026-03-01T10:00:00Z");
  started.trigger_reason = "CablePluggedIn";
  started.seq_no = 0;
  started.transaction_id = "tx-abc";
  started.evse_id = 1;
  started.connector_id = 1;
  EXPECT_EQ(handle(started).events.size(), 1u);
  EXPECT_EQ(handle(started, "m2").events.size(), 0u);
  auto ended = started;
  ended.kind = domain::TransactionEventKind::Ended;
  ended.seq_no = 1;
  ended.timestamp = at("2026-03-01T11:00:00Z");
  ended.stopped_reason = "EVDisconnected";
  handle(ended, "m3");
  EXPECT_EQ(value("SELECT count(*) FROM transaction_events"), "2");
  EXPECT_EQ(value("SELECT stop_reason FROM transactions WHERE ocpp_transaction_id = 'tx-abc'"),
            "EVDisconnected");
}

// A large batch goes in with a plain insert under a savepoint; one retried message among
// new ones makes it fail, and the batch is counted per message the careful way instead.
TEST_F(StoreTest, BatchedMeterValues_LargeBatchWithARetry_CountsEachMessage) {
  connect();
  auto ctx = domain::MessageContext{"CP-1", "ocpp1.6", "m", at("2026-03-01T10:05:01Z"), false};
  std::vector<domain::ChargingRepository::SampleRows> items;
  for (int message = 0; message < 10; ++message) {
    domain::ChargingRepository::SampleRows item{ctx, 1, std::nullopt, {}, {}};
    for (const char* measurand :
         {"Energy.Active.Import.Register", "Power.Active.Import", "Current.Import", "Voltage"}) {
      domain::MeterSample sample;
      sample.timestamp = at("2026-03-01T10:00:00Z") + std::chrono::seconds(message);
      sample.measurand = measurand;
      sample.unit = sample.canonical_unit = "Wh";
      sample.raw_value = std::to_string(message);
      sample.value = sample.canonical_value = message;
      item.samples.push_back(sample);
    }
    items.push_back(item);
  }
  std::vector<std::size_t> stored;
  run([&](domain::Repositories& repos) { stored = repos.charging().insert_sample_rows(items); });
  EXPECT_EQ(stored, std::vector<std::size_t>(10, 4));
  // The same ten again, the last one with a new reading: only that one is news.
  items[9].samples[0].timestamp += std::chrono::seconds(30);
  run([&](domain::Repositories& repos) { stored = repos.charging().insert_sample_rows(items); });
  std::vector<std::size_t> expected(10, 0);
  expected[9] = 1;
  EXPECT_EQ(stored, expected);
  EXPECT_EQ(value("SELECT count(*) FROM meter_samples"), "41");
}

// The batched meter path writes Updated events of known transactions with one UPDATE and
// one INSERT for many; the rows must end up as record_transaction_event leaves them.
TEST_F(StoreTest, TransactionUpdates_Batched_LeaveTheSameRowsAsOneByOne) {
  connect();
  domain::MessageContext ctx{"CP-1", "ocpp2.0.1", "m", at("2026-03-01T10:00:01Z"), false};
  std::map<std::string, std::int64_t> ids;
  for (const char* tx : {"tx-single", "tx-batched", "tx-other"}) {
    domain::TransactionEventRequest started;
    started.kind = domain::TransactionEventKind::Started;
    started.timestamp = at("2026-03-01T10:00:00Z");
    started.trigger_reason = "CablePluggedIn";
    started.transaction_id = tx;
    started.evse_id = 2;
    run([&](domain::Repositories& repos) {
      ids[tx] = repos.charging()
                    .record_transaction_event(ctx, started, std::nullopt, std::nullopt, std::nullopt, {})
                    .id;
    });
  }
  auto update = [](int seq, const char* at_text, domain::ChargingState state) {
    domain::TransactionEventRequest u;
    u.kind = domain::TransactionEventKind::Updated;
    u.timestamp = at(at_text);
    u.trigger_reason = "MeterValuePeriodic";
    u.seq_no = seq;
    u.charging_state = state;
    return u;
  };
  std::vector<domain::TransactionEventRequest> events{
      update(1, "2026-03-01T10:01:00Z", domain::ChargingState::Charging),
      update(3, "2026-03-01T10:03:00Z", domain::ChargingState::SuspendedEV),
      update(2, "2026-03-01T10:02:00Z", domain::ChargingState::EVConnected)};  // late: state stays
  for (auto& event : events) event.transaction_id = "tx-batched";
  events[0].id_token = domain::IdToken{"TOKEN-\"1\"", "ISO14443"};
  events[0].connector_id = 1;
  events[1].offline = true;
  events[2].remote_start_id = 7;
  const domain::Authorization accepted{domain::AuthorizationStatus::Accepted, std::nullopt, std::nullopt};
  const std::vector<std::string> flags{"future_timestamp"};
  std::vector<bool> created;
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto auth = i == 0 ? std::optional(accepted) : std::nullopt;
    auto register_wh = i == 0 ? std::optional(1234.5) : std::optional(1300.0);
    auto single = events[i];
    single.transaction_id = "tx-single";
    run([&](domain::Repositories& repos) {
      repos.charging().record_transaction_event(ctx, single, auth, register_wh, std::nullopt, flags);
    });
    auto other = update(static_cast<int>(i) + 1, "2026-03-01T10:05:00Z", domain::ChargingState::Idle);
    other.transaction_id = "tx-other";
    run([&](domain::Repositories& repos) {
      created = repos.charging().record_transaction_updates(
          {{ctx, ids["tx-batched"], &events[i], auth, register_wh, flags},
           {ctx, ids["tx-other"], &other, std::nullopt, std::nullopt, {}}});
    });
    EXPECT_EQ(created, (std::vector<bool>{true, true}));
  }
  const std::string columns =
      "evse_id, connector_id, id_token, id_token_type, authorization_status, remote_start_id, started_at, "
      "stopped_at, meter_start_wh, meter_stop_wh, stop_reason, charging_state, last_seq_no, last_event_at, "
      "offline, flags";
  auto row_of = [&](const char* tx) {
    return value("SELECT row(" + columns + ")::text FROM transactions WHERE ocpp_transaction_id = '" + tx +
                 "'");
  };
  auto events_of = [&](const char* tx) {
    return value(
        "SELECT string_agg(row(e.seq_no, e.event_type, e.trigger_reason, e.event_at, e.charging_state, "
        "e.offline, e.received_at, e.flags)::text, ';' ORDER BY e.seq_no) FROM transaction_events e JOIN "
        "transactions t ON "
        "t.id = e.transaction_id WHERE t.ocpp_transaction_id = '" +
        std::string(tx) + "'");
  };
  EXPECT_EQ(row_of("tx-batched"), row_of("tx-single"));
  EXPECT_EQ(events_of("tx-batched"), events_of("tx-single"));
  EXPECT_EQ(
      value("SELECT charging_state || ' ' || last_seq_no || ' ' || offline || ' ' || meter_start_wh || ' ' "
            "|| id_token FROM transactions WHERE ocpp_transaction_id = 'tx-batched'"),
      "SuspendedEV 3 true 1234.5 TOKEN-\"1\"");

  // A retry is no news; two updates of one transaction in one call both apply.
  auto fourth = update(4, "2026-03-01T10:04:00Z", domain::ChargingState::Charging);
  fourth.transaction_id = "tx-batched";
  run([&](domain::Repositories& repos) {
    created = repos.charging().record_transaction_updates(
        {{ctx, ids["tx-batched"], &events[1], std::nullopt, std::nullopt, flags},
         {ctx, ids["tx-batched"], &fourth, std::nullopt, std::nullopt, {}}});
  });
  EXPECT_EQ(created, (std::vector<bool>{false, true}));
  EXPECT_EQ(value("SELECT last_seq_no || ' ' || charging_state FROM transactions WHERE ocpp_transaction_id = "
                  "'tx-batched'"),
            "4 Charging");
  EXPECT_EQ(value("SELECT count(*) FROM transaction_events WHERE transaction_id = " +
                  std::to_string(ids["tx-batched"])),
            "5");
}

TEST_F(StoreTest, GroupCommit_WaitingUnitsShareOneTransaction_AndAFailureUndoesOnlyItsUnit) {
  db_->stop();
  db_ = std::make_unique<store::Database>(store::DatabaseSettings{url_, 1, 64});
  db_->start();
  connect();
  std::promise<void> release;
  auto gate = release.get_future().share();
  auto batches_before = db_->batches_committed();
  std::vector<std::future<bool>> results;
  auto submit = [&](std::function<void(domain::Repositories&)> work) {
    auto done = std::make_shared<std::promise<bool>>();
    results.push_back(done->get_future());
    db_->run(std::move(work), [done](std::exception_ptr error) { done->set_value(!error); });
  };
  // The first unit holds the only database thread until all others are queued.
  std::promise<void> holding;
  submit([gate, &holding](domain::Repositories&) {
    holding.set_value();
    gate.wait();
  });
  holding.get_future().wait();
  for (int i = 0; i < 50; ++i) {
    submit([i](domain::Repositories& repos) {
      repos.admin().create_id_token("T" + std::to_string(i), "{}");
      if (i == 7) throw std::runtime_error("this unit fails");
    });
  }
  release.set_value();
  int ok = 0;
  for (auto& r : results) ok += r.get() ? 1 : 0;
  EXPECT_EQ(ok, 50);  // 51 units, one failed
  EXPECT_EQ(value("SELECT count(*) FROM id_tokens"), "49");
  EXPECT_EQ(value("SELECT count(*) FROM id_tokens WHERE token = 'T7'"), "0");
  // 50 queued units with max_batch 64 commit in one batch after the gate's own.
  EXPECT_EQ(db_->batches_committed() - batches_before, 2u);
  // That batch ran first without savepoints, then again unit by unit once T7 failed.
  const auto text = metrics::registry().render();
  const std::string counter = "\ncsms_db_batch_isolated_total ";
  const auto at_counter = text.find(counter);
  ASSERT_NE(at_counter, std::string::npos) << text;
  EXPECT_GE(std::stod(text.substr(at_counter + counter.size())), 1.0);
}

TEST_F(StoreTest, Deadlock_BetweenTwoConnections_IsRetriedNotFailed) {
  // Two units on the two database threads lock the same stations in opposite orders.
  // PostgreSQL aborts one of them (deadlock detected); it is run again and both succeed.
  for (const char* id : {"CP-A", "CP-B"}) {
    run([id](domain::Repositories& repos) {
      repos.charging().connect_station(id, "ocpp1.6", at("2026-03-01T09:59:00Z"),
                                       domain::RegistrationStatus::Accepted);
    });
  }
  std::atomic<int> first_locks{0};
  auto unit = [&first_locks](const char* first, const char* second) {
    return [&first_locks, first, second](domain::Repositories& repos) {
      repos.cluster().claim_station(first, "n", 1);
      first_locks.fetch_add(1);
      // Wait until the other unit holds its first row too (bounded, for a retried run).
      for (int i = 0; i < 200 && first_locks.load() < 2; ++i) std::this_thread::sleep_for(5ms);
      repos.cluster().claim_station(second, "n", 2);
    };
  };
  std::promise<std::exception_ptr> a, b;
  db_->run(unit("CP-A", "CP-B"), [&a](std::exception_ptr e) { a.set_value(e); });
  // The second unit is queued only once the first holds a thread, so it runs on the other.
  while (first_locks.load() < 1) std::this_thread::sleep_for(1ms);
  db_->run(unit("CP-B", "CP-A"), [&b](std::exception_ptr e) { b.set_value(e); });
  EXPECT_EQ(a.get_future().get(), nullptr);
  EXPECT_EQ(b.get_future().get(), nullptr);
  // Both ran whole, one after the other: each station's last claim is the other unit's second.
  EXPECT_EQ(value("SELECT count(*) || ' ' || sum(node_connection) FROM stations WHERE node_id = 'n'"), "2 3");
  // The retry is counted.
  const auto text = metrics::registry().render();
  const std::string counter = "\ncsms_db_unit_retries_total ";
  const auto at_counter = text.find(counter);
  ASSERT_NE(at_counter, std::string::npos) << text;
  EXPECT_GE(std::stod(text.substr(at_counter + counter.size())), 1.0);
}

TEST_F(StoreTest, TouchStations_SkipsRowsAnotherTransactionHolds_AndSaysWhich) {
  for (const char* id : {"CP-A", "CP-B"}) {
    run([id](domain::Repositories& repos) {
      repos.charging().connect_station(id, "ocpp1.6", at("2026-03-01T09:59:00Z"),
                                       domain::RegistrationStatus::Accepted);
    });
  }
  pqxx::connection other(url_);
  pqxx::work holder(other);
  holder.exec("SELECT 1 FROM stations WHERE id = 'CP-B' FOR UPDATE");
  std::vector<std::string> skipped;
  run([&](domain::Repositories& repos) {
    skipped = repos.charging().touch_stations(
        {{"CP-A", at("2026-03-01T10:00:00Z")}, {"CP-B", at("2026-03-01T10:00:00Z")}});
  });
  holder.abort();
  EXPECT_EQ(skipped, std::vector<std::string>{"CP-B"});
  EXPECT_EQ(value("SELECT id FROM stations WHERE last_seen_at = '2026-03-01T10:00:00Z'"), "CP-A");
}

TEST_F(StoreTest, AdminPages_FollowTheCursorToTheEnd) {
  for (int i = 0; i < 5; ++i)
    run([i](domain::Repositories& repos) { repos.admin().create_station("S" + std::to_string(i), "{}"); });
  domain::Page page{2, ""};
  std::vector<std::string> seen;
  for (int guard = 0; guard < 10; ++guard) {
    auto doc = admin([&](auto& a) { return std::optional(a.list_stations({}, page)); });
    for (const auto& item : doc["items"]) seen.push_back(item["id"]);
    if (doc["next_cursor"].is_null()) break;
    page.cursor = doc["next_cursor"];
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"S0", "S1", "S2", "S3", "S4"}));
  domain::WriteResult again = domain::WriteResult::Done;
  run([&](domain::Repositories& repos) { again = repos.admin().create_station("S0", "{}"); });
  EXPECT_EQ(again, domain::WriteResult::Conflict);
}

}  // namespace
}  // namespace csms

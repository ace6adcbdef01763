// The CDR export a page at a time: ordered by stop time (then id), a cursor that carries on
// where the last page ended, nothing left out or repeated when stop times tie.

#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>

#include "csms/store/database.hpp"
#include "csms/store/migrations.hpp"
#include "support/test_database.hpp"

namespace csms {
namespace {

using json = nlohmann::json;

domain::Timestamp at(const char* text) { return *domain::parse_timestamp(text); }

class CdrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::fresh_database("csms_pg_cdrs");
    store::migrate(url_);
    db_ = std::make_unique<store::Database>(store::DatabaseSettings{url_, 1, 64});
    db_->start();
    sql("INSERT INTO stations (id, time_zone) VALUES ('S1', 'Europe/Berlin')");
    // Ids 1..6 by insertion. Stop times: 1 10:00, 2 09:00, 3 10:00 (ties with 1), 4 11:00,
    // 5 still open, 6 the next day (outside the range asked below).
    const char* stops[] = {"'2026-03-01T10:00:00Z'",
                           "'2026-03-01T09:00:00Z'",
                           "'2026-03-01T10:00:00Z'",
                           "'2026-03-01T11:00:00Z'",
                           "NULL",
                           "'2026-03-02T10:00:00Z'"};
    for (int i = 0; i < 6; ++i)
      sql("INSERT INTO transactions (id, station_id, protocol, ocpp_transaction_id, evse_id, connector_id, "
          "id_token, started_at, stopped_at, meter_start_wh, meter_stop_wh) VALUES (" +
          std::to_string(i + 1) + ", 'S1', 'ocpp1.6', '" + std::to_string(i + 1) +
          "', 1, 1, '=cmd', '2026-03-01T08:00:00Z', " + stops[i] + ", 1000, 3500)");
  }
  void TearDown() override {
    if (db_) db_->stop();
  }
  void sql(const std::string& statement) { testing::query_value(url_, statement); }

  json page(int limit, const std::string& cursor) {
    std::promise<std::string> text;
    db_->run(
        [&](domain::Repositories& repos) {
          text.set_value(repos.billing().cdrs(at("2026-03-01T00:00:00Z"), at("2026-03-02T00:00:00Z"),
                                              domain::Page{limit, cursor}));
        },
        [](std::exception_ptr error) {
          if (error) std::rethrow_exception(error);
        });
    return json::parse(text.get_future().get());
  }
  static std::vector<long long> ids(const json& page) {
    std::vector<long long> out;
    for (const auto& item : page["items"]) out.push_back(item["transaction_id"]);
    return out;
  }

  std::string url_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(CdrTest, PagesFollowStopTimeThenId_AndTheCursorCarriesOn) {
  auto first = page(2, "");
  EXPECT_EQ(ids(first), (std::vector<long long>{2, 1}));
  ASSERT_EQ(first["next_cursor"], "1");
  auto second = page(2, first["next_cursor"]);
  EXPECT_EQ(ids(second), (std::vector<long long>{3, 4}));
  EXPECT_TRUE(second["next_cursor"].is_null()) << second.dump();
  EXPECT_EQ(ids(page(2, "4")), std::vector<long long>{});
  // A cursor naming no transaction of the export starts nothing.
  EXPECT_EQ(ids(page(2, "99")), std::vector<long long>{});
  auto all = page(10, "");
  EXPECT_EQ(ids(all), (std::vector<long long>{2, 1, 3, 4}));
  EXPECT_TRUE(all["next_cursor"].is_null());
}

TEST_F(CdrTest, ItemsCarryTheCdrFields) {
  auto item = page(1, "")["items"][0];
  EXPECT_EQ(item["transaction_id"], 2);
  EXPECT_EQ(item["station_id"], "S1");
  EXPECT_EQ(item["id_token"], "=cmd");
  EXPECT_EQ(item["energy_wh"], 2500);
  EXPECT_EQ(item["stopped_at"], "2026-03-01T09:00:00Z");
  for (const char* key : {"evse_id", "connector_id", "customer_id", "started_at", "stop_reason", "tariff_id",
                          "currency", "total_excl_vat", "vat", "total_incl_vat", "start_reading_signature",
                          "stop_reading_signature", "pricing_status"})
    EXPECT_TRUE(item.contains(key)) << key;
}

}  // namespace
}  // namespace csms

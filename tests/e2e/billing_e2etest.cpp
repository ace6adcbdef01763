// Billing on the real server: a tariff set over REST prices real 1.6 and 2.0.1 sessions
// when they end, with the version in force when they started.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/ocmf_meter.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Now plus `seconds`, RFC 3339 UTC: tariff versions count from when they were saved, so the
// sessions here happen after the tariff was created.
std::string at(int seconds) {
  auto t = std::chrono::system_clock::now() + std::chrono::seconds(seconds);
  auto tt = std::chrono::system_clock::to_time_t(t);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return out;
}

// The response head and body of a plain HTTP/1.1 request (the shared client keeps no headers).
std::string raw_get(unsigned short port, const std::string& target, const std::string& accept) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                              CsmsProcess::kToken + "\r\nAccept: " + accept + "\r\nConnection: close\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string response;
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::dynamic_buffer(response), ec);
  return response;
}

class BillingE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = fresh_database("csms_e2e_billing");
    server_ = std::make_unique<CsmsProcess>(url_);
    // 0.30 EUR per kWh plus 1.00 EUR per session, 19 % VAT.
    auto created = api("POST", "/api/v1/tariffs",
                       json{{"id", "STANDARD"},
                            {"currency", "EUR"},
                            {"vat_percent", "19"},
                            {"is_default", true},
                            {"elements",
                             {{{"price_components",
                                {{{"type", "ENERGY"}, {"price", "0.30"}, {"step_size", 1}},
                                 {{"type", "FLAT"}, {"price", 1}, {"step_size", 1}}}}}}}});
    ASSERT_EQ(created.status, 201) << created.raw;
    ASSERT_EQ(created.body["version"], 1);
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
  }
  HttpResult api(const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt) {
    return http(server_->api_port(), method, target, body);
  }
  json cost_of(const std::string& station) {
    for (int i = 0; i < 100; ++i) {
      auto list = api("GET", "/api/v1/transactions?station=" + station + "&state=closed").body["items"];
      if (!list.empty() && !list[0]["cost"].is_null()) return list[0]["cost"];
      std::this_thread::sleep_for(50ms);
    }
    return nullptr;
  }

  std::string url_;
  std::unique_ptr<CsmsProcess> server_;
};

TEST_F(BillingE2e, Ocpp16Session_IsPricedAtTheEnd_AndATariffEditDoesNotRepriceIt) {
  OcppClient cp(server_->ocpp_port(), "BILL-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  // Timestamps have whole seconds: keep the start clear of the tariff's versions.
  std::this_thread::sleep_for(1100ms);
  auto start = cp.call("StartTransaction",
                       {{"connectorId", 1}, {"idTag", "ANY"}, {"meterStart", 10000}, {"timestamp", at(0)}});
  std::this_thread::sleep_for(1100ms);
  auto tx = start[2]["transactionId"].get<long long>();
  cp.call("MeterValues",
          {{"connectorId", 1},
           {"transactionId", tx},
           {"meterValue", {{{"timestamp", at(600)}, {"sampledValue", {{{"value", "12000"}}}}}}}});
  // While it runs, the transaction shows its cost so far: 2 kWh × 0.30 + 1.00 = 1.60 (+19 % = 1.90).
  auto running = api("GET", "/api/v1/transactions/" + std::to_string(tx));
  ASSERT_EQ(running.status, 200) << running.raw;
  EXPECT_EQ(running.body["cost"]["running"], true);
  EXPECT_EQ(running.body["cost"]["total_excl_vat"], "1.60");
  EXPECT_EQ(running.body["cost"]["total_incl_vat"], "1.90");
  // The tariff changes while the session runs: the session keeps version 1.
  auto edited = api("PUT", "/api/v1/tariffs/STANDARD",
                    json{{"currency", "EUR"},
                         {"vat_percent", "19"},
                         {"is_default", true},
                         {"elements", {{{"price_components", {{{"type", "ENERGY"}, {"price", "0.90"}}}}}}}});
  ASSERT_EQ(edited.status, 200) << edited.raw;
  EXPECT_EQ(edited.body["version"], 2);
  cp.call("StopTransaction", {{"transactionId", tx}, {"meterStop", 15000}, {"timestamp", at(1800)}});
  auto cost = cost_of("BILL-16");
  ASSERT_FALSE(cost.is_null());
  // 5 kWh × 0.30 = 1.50, + 1.00 flat = 2.50; VAT 19 % = 0.475 → 0.48; incl. 2.98.
  EXPECT_EQ(cost["tariff_version"], 1);
  EXPECT_EQ(cost["currency"], "EUR");
  EXPECT_EQ(cost["total_excl_vat"], "2.50");
  EXPECT_EQ(cost["vat"], "0.48");
  EXPECT_EQ(cost["total_incl_vat"], "2.98");
  bool energy_line = false;
  for (const auto& line : cost["lines"])
    if (line["dimension"] == "ENERGY") energy_line = line["quantity"] == 5000 && line["amount"] == "1.50";
  EXPECT_TRUE(energy_line) << cost.dump();
}

TEST_F(BillingE2e, Ocpp201Session_IsPricedWithTheDefaultTariff) {
  OcppClient cs(server_->ocpp_port(), "BILL-201", {"ocpp2.0.1"});
  cs.call("BootNotification",
          {{"reason", "PowerUp"}, {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}});
  auto event = [&](const char* type, int seq, int offset, double kwh, const char* context) {
    json payload = {{"eventType", type},
                    {"timestamp", at(offset)},
                    {"triggerReason", "MeterValuePeriodic"},
                    {"seqNo", seq},
                    {"transactionInfo", {{"transactionId", "BILL-TX"}, {"chargingState", "Charging"}}},
                    {"meterValue",
                     {{{"timestamp", at(offset)},
                       {"sampledValue",
                        {{{"value", kwh}, {"context", context}, {"unitOfMeasure", {{"unit", "kWh"}}}}}}}}}};
    if (seq == 0) payload["evse"] = {{"id", 1}, {"connectorId", 1}};
    return cs.call("TransactionEvent", payload);
  };
  event("Started", 0, 1, 2.5, "Transaction.Begin");
  // The running cost comes after the reply, with CostUpdated (the reply's totalCost is for the
  // end only): 8.5 kWh x 0.30 + 1.00 = 3.55, + 19 % = 4.2245 -> 4.22.
  auto updated = event("Updated", 1, 900, 11.0, "Sample.Periodic");
  EXPECT_FALSE(updated[2].contains("totalCost")) << updated.dump();
  auto cost_updated = json::parse(cs.receive());
  ASSERT_EQ(cost_updated[0], 2) << cost_updated.dump();
  EXPECT_EQ(cost_updated[2], "CostUpdated");
  EXPECT_EQ(cost_updated[3], json::parse(R"({"totalCost":4.22,"transactionId":"BILL-TX"})"));
  cs.send_text(json::array({3, cost_updated[1], json::object()}).dump());
  // Within the interval (60 s) the next Updated brings none; Ended always the final cost.
  auto again = event("Updated", 2, 1000, 12.0, "Sample.Periodic");
  EXPECT_FALSE(again[2].contains("totalCost")) << again.dump();
  EXPECT_TRUE(cs.silent_for(std::chrono::milliseconds(500))) << "no CostUpdated within the interval";
  auto ended = event("Ended", 3, 1800, 20.5, "Transaction.End");
  EXPECT_EQ(ended[2]["totalCost"], 7.62) << ended.dump();
  auto cost = cost_of("BILL-201");
  ASSERT_FALSE(cost.is_null());
  // 18 kWh × 0.30 = 5.40, + 1.00 = 6.40; VAT 19 % = 1.216 → 1.22; incl. 7.62.
  EXPECT_EQ(cost["total_excl_vat"], "6.40");
  EXPECT_EQ(cost["vat"], "1.22");
  EXPECT_EQ(cost["total_incl_vat"], "7.62");
  EXPECT_EQ(cost["energy_wh"], 18000);
}

// The first day of last month at `hour`:00 UTC plus `days`, RFC 3339.
std::string last_month(int days, int hour) {
  auto today =
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  auto first = std::chrono::sys_days(std::chrono::year_month_day((today.year() / today.month() / 1)) -
                                     std::chrono::months(1));
  auto t = first + std::chrono::days(days) + std::chrono::hours(hour);
  auto tt = std::chrono::system_clock::to_time_t(t);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return out;
}

TEST_F(BillingE2e, MonthlyInvoice_OfRealSessions_WithPlan_IsStableAndNumberedWithoutGaps) {
  // The tariff existed long before last month (a tariff prices sessions that start after it).
  query_value(url_, "UPDATE tariffs SET created_at = '2020-01-01T00:00:00Z'");
  ASSERT_EQ(api("POST", "/api/v1/plans",
                json{{"id", "COMMUTER"},
                     {"name", "Commuter"},
                     {"currency", "EUR"},
                     {"monthly_fee", "9.99"},
                     {"included_energy_wh", 3000},
                     {"discount_percent", "10"}})
                .status,
            201);
  ASSERT_EQ(api("POST", "/api/v1/customers",
                json{{"id", "C1"}, {"name", "Ada"}, {"time_zone", "UTC"}, {"plan_id", "COMMUTER"}})
                .status,
            201);
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "TAG-C1"}, {"customer_id", "C1"}}).status, 201);

  // Last month: 2 kWh on a 1.6 charger on the 3rd, 3 kWh on a 2.0.1 charger on the 21st.
  OcppClient cp(server_->ocpp_port(), "INV-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  auto start =
      cp.call("StartTransaction",
              {{"connectorId", 1}, {"idTag", "TAG-C1"}, {"meterStart", 0}, {"timestamp", last_month(2, 10)}});
  cp.call(
      "StopTransaction",
      {{"transactionId", start[2]["transactionId"]}, {"meterStop", 2000}, {"timestamp", last_month(2, 11)}});
  OcppClient cs(server_->ocpp_port(), "INV-201", {"ocpp2.0.1"});
  cs.call("BootNotification",
          {{"reason", "PowerUp"}, {"chargingStation", {{"model", "M"}, {"vendorName", "V"}}}});
  auto event = [&](const char* type, int seq, int hour, double kwh) {
    json payload = {{"eventType", type},
                    {"timestamp", last_month(20, hour)},
                    {"triggerReason", "MeterValuePeriodic"},
                    {"seqNo", seq},
                    {"transactionInfo", {{"transactionId", "INV-TX"}, {"chargingState", "Charging"}}},
                    {"idToken", {{"idToken", "TAG-C1"}, {"type", "ISO14443"}}},
                    {"meterValue",
                     {{{"timestamp", last_month(20, hour)},
                       {"sampledValue", {{{"value", kwh}, {"unitOfMeasure", {{"unit", "kWh"}}}}}}}}}};
    if (seq == 0) payload["evse"] = {{"id", 1}, {"connectorId", 1}};
    return cs.call("TransactionEvent", payload);
  };
  event("Started", 0, 10, 10.0);
  event("Ended", 1, 11, 13.0);
  ASSERT_FALSE(cost_of("INV-16").is_null());
  ASSERT_FALSE(cost_of("INV-201").is_null());

  const std::string month = last_month(0, 0).substr(0, 7);
  auto generated = api("POST", "/api/v1/invoices:generate", json{{"customer_id", "C1"}, {"month", month}});
  ASSERT_EQ(generated.status, 201) << generated.raw;
  const auto& invoice = generated.body;
  // Fee 9.99; first session 2 kWh included -> FLAT 1.00; second 1 kWh included, 2 kWh at
  // 0.30 less 10 % = 0.54 + 1.00. Excl. 12.53, VAT 19 % 2.38, incl. 14.91.
  EXPECT_EQ(invoice["number"], "INV-" + at(0).substr(0, 4) + "-000001") << invoice.dump();
  EXPECT_EQ(invoice["total_excl_vat"], "12.53") << invoice.dump(2);
  EXPECT_EQ(invoice["total_vat"], "2.38");
  EXPECT_EQ(invoice["total_incl_vat"], "14.91");
  EXPECT_EQ(invoice["plan"]["included_energy_used_wh"], 3000);
  ASSERT_EQ(invoice["items"].size(), 3u);

  // The same month again: the same invoice, no new number.
  auto again = api("POST", "/api/v1/invoices:generate", json{{"customer_id", "C1"}, {"month", month}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body["number"], invoice["number"]);
  EXPECT_EQ(again.body["id"], invoice["id"]);
  EXPECT_EQ(query_value(url_, "SELECT count(*) FROM invoices"), "1");

  const std::string path = "/api/v1/invoices/" + std::to_string(invoice["id"].get<long long>());
  auto csv = http(server_->api_port(), "GET", path, std::nullopt, CsmsProcess::kToken, "text/csv");
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_NE(csv.raw.find(",total_incl_vat,,,,,,,,14.91,,EUR"), std::string::npos) << csv.raw;
  auto html = http(server_->api_port(), "GET", path, std::nullopt, CsmsProcess::kToken, "text/html");
  EXPECT_NE(html.raw.find("14.91 EUR"), std::string::npos);
  EXPECT_EQ(api("GET", "/api/v1/invoices?customer=C1").body["items"].size(), 1u);

  // This month has not ended; unknown customers and bad months are refused.
  auto now_month = at(0).substr(0, 7);
  EXPECT_EQ(
      api("POST", "/api/v1/invoices:generate", json{{"customer_id", "C1"}, {"month", now_month}}).status,
      409);
  EXPECT_EQ(api("POST", "/api/v1/invoices:generate", json{{"customer_id", "NOPE"}, {"month", month}}).status,
            404);
  EXPECT_EQ(
      api("POST", "/api/v1/invoices:generate", json{{"customer_id", "C1"}, {"month", "2026-13"}}).status,
      400);

  // The CDR export for accounting lists both sessions.
  auto cdrs = http(server_->api_port(), "GET", "/api/v1/cdrs?from=" + last_month(0, 0) + "&to=" + at(0),
                   std::nullopt, CsmsProcess::kToken, "text/csv");
  EXPECT_EQ(cdrs.status, 200);
  EXPECT_NE(cdrs.raw.find("INV-16"), std::string::npos) << cdrs.raw;
  EXPECT_NE(cdrs.raw.find("INV-201"), std::string::npos);
}

TEST_F(BillingE2e, OcmfSignedReadings_AreVerifiedWithTheStationsMeterKey) {
  OcmfMeter meter;
  auto created =
      api("POST", "/api/v1/stations", json{{"id", "SIG-16"}, {"meter_public_key", meter.public_key_hex()}});
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(api("PATCH", "/api/v1/stations/SIG-16", json{{"meter_public_key", "not a key"}}).status, 400);
  OcmfMeter impostor;

  OcppClient cp(server_->ocpp_port(), "SIG-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  std::this_thread::sleep_for(1100ms);
  auto start = cp.call("StartTransaction",
                       {{"connectorId", 1}, {"idTag", "ANY"}, {"meterStart", 1000}, {"timestamp", at(0)}});
  auto tx = start[2]["transactionId"].get<long long>();
  auto payload = [](const char* type, double kwh) {
    return std::string(R"({"FV":"1.0","MS":"M-77","RD":[{"TM":"2026-11-03T10:00:00,000+0000 S","TX":")") +
           type + R"(","RV":)" + std::to_string(kwh) + R"(,"RI":"1-b:1.8.0","RU":"kWh"}]})";
  };
  auto signed_value = [&](const std::string& ocmf, const char* context, int offset) {
    cp.call("MeterValues", {{"connectorId", 1},
                            {"transactionId", tx},
                            {"meterValue",
                             {{{"timestamp", at(offset)},
                               {"sampledValue",
                                {{{"value", ocmf},
                                  {"format", "SignedData"},
                                  {"context", context},
                                  {"measurand", "Energy.Active.Import.Register"}}}}}}}});
  };
  signed_value(meter.sign(payload("B", 1.0)), "Transaction.Begin", 1);
  // The stop reading is signed by another key: it must not pass as verified.
  signed_value(impostor.sign(payload("E", 3.0)), "Transaction.End", 600);
  cp.call("StopTransaction", {{"transactionId", tx}, {"meterStop", 3000}, {"timestamp", at(600)}});
  auto cost = cost_of("SIG-16");
  ASSERT_FALSE(cost.is_null());
  EXPECT_EQ(cost["signed_meter_values"]["start"]["status"], "verified") << cost.dump(2);
  EXPECT_EQ(cost["signed_meter_values"]["start"]["meter_serial"], "M-77");
  EXPECT_EQ(cost["signed_meter_values"]["start"]["reading"]["value"], 1.0);
  EXPECT_EQ(cost["signed_meter_values"]["stop"]["status"], "invalid");
  // 2 kWh x 0.30 + 1.00 = 1.60, + 19 %: the signed data does not disturb pricing.
  EXPECT_EQ(cost["total_excl_vat"], "1.60");
  // The CDR export says it too.
  auto cdrs = api("GET", "/api/v1/cdrs?from=" + at(-3600) + "&to=" + at(3600)).body["items"];
  ASSERT_EQ(cdrs.size(), 1u) << cdrs.dump();
  EXPECT_EQ(cdrs[0]["start_reading_signature"], "verified");
  EXPECT_EQ(cdrs[0]["stop_reading_signature"], "invalid");
}

TEST_F(BillingE2e, CdrExport_IsPaginatedWithACap) {
  query_value(url_, "INSERT INTO stations (id) VALUES ('CDR-1')");
  for (int i = 1; i <= 3; ++i)
    query_value(
        url_,
        "INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, connector_id, "
        "id_token, started_at, stopped_at, meter_start_wh, meter_stop_wh) VALUES ('CDR-1', 'ocpp1.6', '" +
            std::to_string(i) + "', 1, 1, '@SUM(A1)', '2026-03-01T08:00:00Z', '2026-03-01T0" +
            std::to_string(i) + ":30:00Z', 0, 1000)");
  const std::string range = "/api/v1/cdrs?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z";
  auto first = api("GET", range + "&limit=2");
  ASSERT_EQ(first.status, 200) << first.raw;
  ASSERT_EQ(first.body["items"].size(), 2u);
  ASSERT_TRUE(first.body["next_cursor"].is_string()) << first.raw;
  auto rest = api("GET", range + "&limit=2&cursor=" + first.body["next_cursor"].get<std::string>());
  ASSERT_EQ(rest.body["items"].size(), 1u) << rest.raw;
  EXPECT_TRUE(rest.body["next_cursor"].is_null());
  EXPECT_EQ(api("GET", range).body["items"].size(), 3u) << "the default page holds them all";

  EXPECT_EQ(api("GET", range + "&limit=0").status, 400);
  auto too_many = api("GET", range + "&limit=10001");
  EXPECT_EQ(too_many.status, 400);
  EXPECT_EQ(too_many.content_type, "application/problem+json");
  EXPECT_NE(too_many.body["detail"].get<std::string>().find("10000"), std::string::npos) << too_many.raw;
  EXPECT_EQ(api("GET", range + "&cursor=abc").status, 400);

  // CSV: the page's rows, neutralised cells, and the next page as a Link header.
  auto csv = raw_get(server_->api_port(), range + "&limit=2", "text/csv");
  EXPECT_NE(
      csv.find("\r\nLink: </api/v1/cdrs?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&limit=2&cursor=" +
               first.body["next_cursor"].get<std::string>() + ">; rel=\"next\"\r\n"),
      std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",'@SUM(A1),"), std::string::npos) << csv;
  auto body = csv.substr(csv.find("\r\n\r\n") + 4);
  EXPECT_EQ(std::count(body.begin(), body.end(), '\n'), 3) << "a header and two rows:\n" << body;
  auto last = raw_get(server_->api_port(),
                      range + "&limit=2&cursor=" + first.body["next_cursor"].get<std::string>(), "text/csv");
  EXPECT_EQ(last.find("\r\nLink:"), std::string::npos) << last;
}

// Why a session has no cost, tariffs valid from a date in the past, the admin's reprice, and
// the start-up sweep that prices what a crash left unpriced.
TEST_F(BillingE2e, TariffValidity_UnpricedSessionsSayWhy_RepriceAndTheStartUpSweepPriceThem) {
  constexpr int kDay = 86400;
  // Created now, valid from ten days ago (OCPI start_date_time): it prices a session of five
  // days ago. Versions used to count from their creation only, so that session stayed
  // unpriced without a word.
  auto valid_from = at(-10 * kDay);
  auto created = api("POST", "/api/v1/tariffs",
                     json{{"id", "FROM-PAST"},
                          {"currency", "EUR"},
                          {"vat_percent", "0"},
                          {"start_date_time", valid_from},
                          {"elements", {{{"price_components", {{{"type", "ENERGY"}, {"price", "0.50"}}}}}}}});
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["start_date_time"], valid_from);
  EXPECT_TRUE(created.body["end_date_time"].is_null());
  auto backwards = api("POST", "/api/v1/tariffs",
                       json{{"id", "BACKWARDS"},
                            {"currency", "EUR"},
                            {"vat_percent", "0"},
                            {"start_date_time", at(0)},
                            {"end_date_time", at(-kDay)},
                            {"elements", {{{"price_components", {{{"type", "FLAT"}, {"price", "1"}}}}}}}});
  EXPECT_EQ(backwards.status, 400);
  EXPECT_NE(backwards.raw.find("end_date_time: must be after start_date_time"), std::string::npos)
      << backwards.raw;

  auto session = [&](const std::string& station, int start_offset) {
    OcppClient cp(server_->ocpp_port(), station, {"ocpp1.6"});
    cp.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
    if (station == "VALID-FROM") {
      auto patched = api("PATCH", "/api/v1/stations/" + station, json{{"tariff_id", "FROM-PAST"}});
      EXPECT_EQ(patched.status, 200) << patched.raw;
    }
    auto start =
        cp.call("StartTransaction",
                {{"connectorId", 1}, {"idTag", "ANY"}, {"meterStart", 0}, {"timestamp", at(start_offset)}});
    auto tx = start[2]["transactionId"].get<long long>();
    cp.call("StopTransaction",
            {{"transactionId", tx}, {"meterStop", 4000}, {"timestamp", at(start_offset + 3600)}});
    return std::to_string(tx);
  };
  auto priced = [&](const std::string& id) {
    for (int i = 0; i < 200; ++i) {
      auto tx = api("GET", "/api/v1/transactions/" + id).body;
      if (tx["pricing_status"] != "pending" && tx["pricing_status"] != "running") return tx;
      std::this_thread::sleep_for(50ms);
    }
    return json(nullptr);
  };

  const auto valid = session("VALID-FROM", -5 * kDay);
  auto tx = priced(valid);
  ASSERT_FALSE(tx.is_null());
  EXPECT_EQ(tx["pricing_status"], "priced") << tx.dump();
  EXPECT_EQ(tx["cost"]["tariff_id"], "FROM-PAST") << tx.dump();
  EXPECT_EQ(tx["cost"]["total_excl_vat"], "2.00") << tx.dump();  // 4 kWh x 0.50

  // The default tariff was created just now without a start: nothing was in force five days
  // ago, and the transaction says so instead of a silent null.
  const auto before = session("BEFORE-DEFAULT", -5 * kDay);
  tx = priced(before);
  ASSERT_FALSE(tx.is_null());
  EXPECT_TRUE(tx["cost"].is_null());
  EXPECT_EQ(tx["pricing_status"], "no_tariff_in_force") << tx.dump();
  EXPECT_NE(tx["pricing_detail"].get<std::string>().find("default tariff"), std::string::npos) << tx.dump();
  auto unpriced = api("GET", "/api/v1/transactions?pricing_status=no_tariff_in_force");
  ASSERT_EQ(unpriced.status, 200) << unpriced.raw;
  ASSERT_EQ(unpriced.body["items"].size(), 1u) << unpriced.raw;
  EXPECT_EQ(unpriced.body["items"][0]["id"].dump(), before);
  EXPECT_EQ(api("GET", "/api/v1/transactions?pricing_status=cheap").status, 400);

  // Repricing changes nothing while no version is in force; once the default is valid from
  // thirty days ago, it prices the session with that version.
  auto refused = api("POST", "/api/v1/transactions/" + before + ":reprice");
  EXPECT_EQ(refused.status, 409) << refused.raw;
  EXPECT_NE(refused.raw.find("no_tariff_in_force"), std::string::npos) << refused.raw;
  auto edited = api("PUT", "/api/v1/tariffs/STANDARD",
                    json{{"currency", "EUR"},
                         {"vat_percent", "0"},
                         {"is_default", true},
                         {"start_date_time", at(-30 * kDay)},
                         {"elements", {{{"price_components", {{{"type", "ENERGY"}, {"price", "0.25"}}}}}}}});
  ASSERT_EQ(edited.status, 200) << edited.raw;
  auto repriced = api("POST", "/api/v1/transactions/" + before + ":reprice");
  ASSERT_EQ(repriced.status, 200) << repriced.raw;
  EXPECT_EQ(repriced.body["pricing_status"], "priced");
  EXPECT_EQ(repriced.body["cost"]["tariff_version"], 2) << repriced.raw;
  EXPECT_EQ(repriced.body["cost"]["total_excl_vat"], "1.00") << repriced.raw;  // 4 kWh x 0.25
  EXPECT_EQ(api("POST", "/api/v1/transactions/999999:reprice").status, 404);
  EXPECT_EQ(api("GET", "/api/v1/transactions/" + before + ":reprice").status, 405);
  OcppClient running(server_->ocpp_port(), "STILL-RUNNING", {"ocpp1.6"});
  running.call("BootNotification", {{"chargePointVendor", "A"}, {"chargePointModel", "B"}});
  auto open = running.call("StartTransaction",
                           {{"connectorId", 1}, {"idTag", "ANY"}, {"meterStart", 0}, {"timestamp", at(0)}});
  auto still = api("POST", "/api/v1/transactions/" + open[2]["transactionId"].dump() + ":reprice");
  EXPECT_EQ(still.status, 409) << still.raw;

  // A crash between a session's end and its pricing leaves it ended without a cost (here the
  // cost is taken away by hand); the next start prices it.
  EXPECT_EQ(query_value(url_,
                        "UPDATE transactions SET cost = NULL, pricing_status = NULL, priced_at = NULL "
                        "WHERE id = " +
                            valid + " RETURNING id"),
            valid);
  server_->kill_hard();
  server_ = std::make_unique<CsmsProcess>(url_);
  tx = priced(valid);
  ASSERT_FALSE(tx.is_null());
  EXPECT_EQ(tx["pricing_status"], "priced") << tx.dump();
  EXPECT_EQ(tx["cost"]["total_excl_vat"], "2.00") << tx.dump();
}

// Lists whose size grew with the data: each is paginated or capped now.
TEST_F(BillingE2e, ListsAndDocuments_ArePaginatedOrCapped) {
  // Tariffs and plans: pages by id.
  for (const char* id : {"T-A", "T-B"})
    ASSERT_EQ(api("POST", "/api/v1/tariffs",
                  json{{"id", id},
                       {"currency", "EUR"},
                       {"vat_percent", "0"},
                       {"elements", {{{"price_components", {{{"type", "FLAT"}, {"price", "1"}}}}}}}})
                  .status,
              201);
  auto first = api("GET", "/api/v1/tariffs?limit=2");
  ASSERT_EQ(first.body["items"].size(), 2u) << first.raw;
  ASSERT_TRUE(first.body["next_cursor"].is_string()) << first.raw;
  auto rest = api("GET", "/api/v1/tariffs?limit=2&cursor=" + first.body["next_cursor"].get<std::string>());
  ASSERT_EQ(rest.body["items"].size(), 1u) << rest.raw;
  EXPECT_EQ(rest.body["items"][0]["id"], "T-B");
  EXPECT_TRUE(rest.body["next_cursor"].is_null());
  for (const char* id : {"P-A", "P-B"})
    ASSERT_EQ(api("POST", "/api/v1/plans",
                  json{{"id", id}, {"name", id}, {"currency", "EUR"}, {"monthly_fee", "0"}})
                  .status,
              201);
  auto plans = api("GET", "/api/v1/plans?limit=1");
  ASSERT_EQ(plans.body["items"].size(), 1u) << plans.raw;
  EXPECT_EQ(api("GET", "/api/v1/plans?limit=1&cursor=" + plans.body["next_cursor"].get<std::string>())
                .body["items"][0]["id"],
            "P-B");

  // A session with 1,005 samples: the transaction embeds the first 1,000 and says so; the
  // rest come a page at a time.
  query_value(url_, "INSERT INTO stations (id) VALUES ('BIG')");
  const auto tx = query_value(url_,
                              "INSERT INTO transactions (station_id, protocol, ocpp_transaction_id, evse_id, "
                              "connector_id, started_at) VALUES ('BIG', 'ocpp1.6', '1', 1, 1, "
                              "'2026-03-01T08:00:00Z') RETURNING id");
  query_value(
      url_,
      "INSERT INTO meter_samples (station_id, evse_id, transaction_id, sampled_at, measurand, location, "
      "context, unit, raw_value, value, canonical_unit, canonical_value, received_at) "
      "SELECT 'BIG', 1, " +
          tx +
          ", '2026-03-01T08:00:00Z'::timestamptz + i * interval '10 seconds', "
          "'Energy.Active.Import.Register', 'Outlet', 'Sample.Periodic', 'Wh', i::text, i, 'Wh', i, now() "
          "FROM generate_series(1, 1005) i");
  auto big = api("GET", "/api/v1/transactions/" + tx);
  ASSERT_EQ(big.status, 200) << big.raw.substr(0, 300);
  EXPECT_EQ(big.body["meter_samples"].size(), 1000u);
  EXPECT_EQ(big.body["meter_samples_truncated"], true);
  auto page1 = api("GET", "/api/v1/transactions/" + tx + "/meter-samples?limit=600");
  ASSERT_EQ(page1.status, 200) << page1.raw.substr(0, 300);
  ASSERT_EQ(page1.body["items"].size(), 600u);
  EXPECT_EQ(page1.body["items"][0]["value"], "1");
  auto cursor = page1.body["next_cursor"].get<std::string>();
  auto page2 = api("GET", "/api/v1/transactions/" + tx + "/meter-samples?limit=600&cursor=" + cursor);
  ASSERT_EQ(page2.body["items"].size(), 405u) << page2.raw.substr(0, 300);
  EXPECT_EQ(page2.body["items"][0]["value"], "601");
  EXPECT_TRUE(page2.body["next_cursor"].is_null());
  EXPECT_EQ(api("GET", "/api/v1/transactions/" + tx + "/meter-samples?cursor=x~y").status, 400);
  EXPECT_EQ(api("GET", "/api/v1/transactions/999999/meter-samples").status, 404);
  EXPECT_EQ(api("GET", "/api/v1/transactions/" + tx + "/meter-samples?limit=10001").status, 400);

  // A fleet customer with 150 cards: the customer names the first 100 and the count.
  ASSERT_EQ(api("POST", "/api/v1/customers", json{{"id", "FLEET"}, {"name", "Fleet"}}).status, 201);
  query_value(url_,
              "INSERT INTO id_tokens (token, customer_id) SELECT 'CARD-' || lpad(i::text, 3, '0'), 'FLEET' "
              "FROM generate_series(1, 150) i");
  auto fleet = api("GET", "/api/v1/customers/FLEET");
  EXPECT_EQ(fleet.body["id_tokens"].size(), 100u) << fleet.raw.substr(0, 300);
  EXPECT_EQ(fleet.body["id_token_count"], 150);

  // Maintenance windows: pages by start.
  for (int day = 1; day <= 3; ++day)
    ASSERT_EQ(api("POST", "/api/v1/maintenance-windows",
                  json{{"station_id", "BIG"},
                       {"starts_at", "2026-03-0" + std::to_string(day) + "T01:00:00Z"},
                       {"ends_at", "2026-03-0" + std::to_string(day) + "T02:00:00Z"}})
                  .status,
              201);
  auto windows = api("GET", "/api/v1/maintenance-windows?limit=2");
  ASSERT_EQ(windows.body["items"].size(), 2u) << windows.raw;
  auto last = api(
      "GET", "/api/v1/maintenance-windows?limit=2&cursor=" + windows.body["next_cursor"].get<std::string>());
  ASSERT_EQ(last.body["items"].size(), 1u) << last.raw;
  EXPECT_EQ(last.body["items"][0]["starts_at"], "2026-03-03T01:00:00Z");

  // Reports: refused before they are built when they would exceed 500,000 rows (300 stations
  // by the hour for 90 days is up to 649,200), with what to change; one station fits.
  query_value(url_, "INSERT INTO stations (id) SELECT 'R-' || i FROM generate_series(1, 299) i");
  auto huge =
      api("GET", "/api/v1/analytics/energy?from=2026-01-01T00:00:00Z&to=2026-04-01T00:00:00Z&bucket=hour");
  EXPECT_EQ(huge.status, 400) << huge.raw.substr(0, 300);
  EXPECT_NE(huge.raw.find("name stations, narrow the range or use a larger bucket"), std::string::npos)
      << huge.raw;
  EXPECT_EQ(api("GET",
                "/api/v1/analytics/energy?from=2026-01-01T00:00:00Z&to=2026-04-01T00:00:00Z&bucket=hour"
                "&station=BIG")
                .status,
            200);
}

TEST_F(BillingE2e, TariffsApi_ValidatesAndVersions) {
  auto again = json{{"id", "STANDARD"},
                    {"vat_percent", "19"},
                    {"currency", "EUR"},
                    {"elements", {{{"price_components", {{{"type", "ENERGY"}, {"price", "0.10"}}}}}}}};
  EXPECT_EQ(api("POST", "/api/v1/tariffs", again).status, 409);
  auto bad = api("POST", "/api/v1/tariffs",
                 json{{"id", "BAD"},
                      {"currency", "EUR"},
                      {"elements", {{{"price_components", {{{"type", "ENERGY"}, {"price", "abc"}}}}}}}});
  EXPECT_EQ(bad.status, 400) << bad.raw;
  EXPECT_EQ(api("GET", "/api/v1/tariffs/STANDARD").body["elements"][0]["price_components"][0]["price"],
            "0.30");
  EXPECT_EQ(api("GET", "/api/v1/tariffs").body["items"].size(), 1u);
  EXPECT_EQ(api("DELETE", "/api/v1/tariffs/STANDARD").status, 204);
  EXPECT_EQ(api("GET", "/api/v1/tariffs/STANDARD").status, 404);
}

// The tariff editor's preview: a made-up session priced as billing prices a real one, in the
// station's zone. 10 kWh evenly over 2 h from 17:00 Berlin (16:00 UTC), then 30 min parked:
// 5 kWh before 18:00 at 0.20 = 1.00, 5 kWh after at 0.30 = 1.50, parking 0.5 h at 1.20 = 0.60;
// 3.10 + 19 % VAT (0.589 -> 0.59) = 3.69. In UTC the whole charge is before 18:00: 2.00 + 0.60 =
// 2.60, VAT 0.494 -> 0.49, 3.09.
TEST_F(BillingE2e, TariffPrice_OfASampleSession_IsWhatBillingWouldCharge) {
  const json tariff = {{"currency", "EUR"},
                       {"vat_percent", "19"},
                       {"elements",
                        {{{"price_components", {{{"type", "ENERGY"}, {"price", "0.30"}, {"step_size", 1}}}},
                          {"restrictions", {{"start_time", "18:00"}, {"end_time", "22:00"}}}},
                         {{"price_components",
                           {{{"type", "ENERGY"}, {"price", "0.20"}, {"step_size", 1}},
                            {{"type", "PARKING_TIME"}, {"price", "1.20"}, {"step_size", 1}}}}}}}};
  json session = {{"start", "2026-01-15T16:00:00Z"},
                  {"duration_s", 9000},
                  {"energy_wh", 10000},
                  {"parking_s", 1800},
                  {"time_zone", "Europe/Berlin"}};
  auto berlin = api("POST", "/api/v1/tariffs:price", json{{"tariff", tariff}, {"session", session}});
  ASSERT_EQ(berlin.status, 200) << berlin.raw;
  EXPECT_EQ(berlin.body["lines_total"], "3.10") << berlin.raw;
  EXPECT_EQ(berlin.body["vat"], "0.59");
  EXPECT_EQ(berlin.body["total_incl_vat"], "3.69");
  EXPECT_EQ(berlin.body["energy_wh"], 10000);
  EXPECT_EQ(berlin.body["lines"].size(), 3u) << berlin.raw;

  session["time_zone"] = "UTC";
  auto utc = api("POST", "/api/v1/tariffs:price", json{{"tariff", tariff}, {"session", session}});
  ASSERT_EQ(utc.status, 200) << utc.raw;
  EXPECT_EQ(utc.body["total_incl_vat"], "3.09") << utc.raw;

  // Nothing is stored, and bad input says what is wrong.
  EXPECT_EQ(api("GET", "/api/v1/tariffs/proposed").status, 404);
  session["parking_s"] = 9001;
  auto parked = api("POST", "/api/v1/tariffs:price", json{{"tariff", tariff}, {"session", session}});
  EXPECT_EQ(parked.status, 400);
  EXPECT_NE(parked.body.value("detail", "").find("parking_s"), std::string::npos) << parked.raw;
  session["parking_s"] = 0;
  session["time_zone"] = "Mars/Olympus";
  EXPECT_EQ(api("POST", "/api/v1/tariffs:price", json{{"tariff", tariff}, {"session", session}}).status, 400);
  session["time_zone"] = "UTC";
  // No charging time left for the energy.
  session["parking_s"] = 9000;
  EXPECT_EQ(api("POST", "/api/v1/tariffs:price", json{{"tariff", tariff}, {"session", session}}).status, 400);
  session["parking_s"] = 0;
  // Prices so large that the total overflows: refused, never wrapped or a 500.
  const json huge = {
      {"currency", "EUR"},
      {"vat_percent", "19"},
      {"elements", {{{"price_components", {{{"type", "FLAT"}, {"price", "9000000000000"}}}}}}}};
  auto overflow = api("POST", "/api/v1/tariffs:price", json{{"tariff", huge}, {"session", session}});
  EXPECT_EQ(overflow.status, 400) << overflow.raw;
  auto bad = tariff;
  bad["elements"][0]["price_components"][0]["price"] = "abc";
  auto refused = api("POST", "/api/v1/tariffs:price", json{{"tariff", bad}, {"session", session}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.value("detail", "").find("invalid tariff"), std::string::npos) << refused.raw;
}

TEST_F(BillingE2e, PlansAndCustomers_AreManagedAndLinkedToIdTokens) {
  auto plan = api("POST", "/api/v1/plans",
                  json{{"id", "MONTHLY"},
                       {"name", "Commuter"},
                       {"currency", "EUR"},
                       {"monthly_fee", "9.90"},
                       {"included_energy_wh", 50000},
                       {"discount_percent", 10}});
  ASSERT_EQ(plan.status, 201) << plan.raw;
  EXPECT_EQ(plan.body["monthly_fee"], "9.90");
  EXPECT_EQ(
      api("POST", "/api/v1/plans", json{{"id", "BROKEN"}, {"currency", "EUR"}, {"monthly_fee", "-1"}}).status,
      400);
  auto customer = api("POST", "/api/v1/customers",
                      json{{"id", "C-1"},
                           {"name", "Ada"},
                           {"email", "ada@example.org"},
                           {"time_zone", "Europe/Berlin"},
                           {"plan_id", "MONTHLY"}});
  ASSERT_EQ(customer.status, 201) << customer.raw;
  ASSERT_EQ(api("POST", "/api/v1/id-tokens", json{{"token", "ADA-CARD"}, {"customer_id", "C-1"}}).status,
            201);
  auto read = api("GET", "/api/v1/customers/C-1");
  EXPECT_EQ(read.body["plan_id"], "MONTHLY");
  EXPECT_EQ(read.body["id_tokens"], json::array({"ADA-CARD"}));
  EXPECT_EQ(api("POST", "/api/v1/customers", json{{"id", "C-2"}, {"plan_id", "NOPE"}}).status, 409);
  EXPECT_EQ(api("POST", "/api/v1/customers", json{{"id", "C-3"}, {"email", "not-an-address"}}).status, 400);
  EXPECT_EQ(api("PATCH", "/api/v1/customers/C-1", json{{"plan_id", nullptr}}).body["plan_id"], nullptr);
  EXPECT_EQ(api("GET", "/api/v1/customers").body["items"].size(), 1u);
  EXPECT_EQ(api("DELETE", "/api/v1/plans/MONTHLY").status, 204);
}

}  // namespace
}  // namespace csms::testing

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "csms/domain/analytics.hpp"

using csms::domain::ReportTable;

namespace {

ReportTable sample() {
  ReportTable t;
  t.columns = {"station_id", "energy_wh", "below", "note"};
  t.kinds = {ReportTable::Kind::Text, ReportTable::Kind::Number, ReportTable::Kind::Boolean,
             ReportTable::Kind::Text};
  t.cells = {std::string("A\"1"), std::string("12.50"), std::string("t"), std::nullopt,
             std::string("B,2"),  std::string("NaN"),   std::string("f"), std::string("line\nbreak\x01")};
  return t;
}

}  // namespace

TEST(ReportTable, JsonRowsCarryTheAskedColumnsInOrderWithTypedValues) {
  auto rows = nlohmann::json::parse(
      csms::domain::report_rows_json(sample(), {"note", "station_id", "energy_wh", "below", "missing"}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].dump(),
            R"({"below":true,"energy_wh":12.5,"missing":null,"note":null,"station_id":"A\"1"})");
  EXPECT_TRUE(rows[1]["energy_wh"].is_null()) << "NaN is not JSON";
  EXPECT_EQ(rows[1]["below"], false);
  EXPECT_EQ(rows[1]["note"], "line\nbreak\x01");
  // Key order is the asked order (the CSV's), not the table's.
  const auto text = csms::domain::report_rows_json(sample(), {"note", "station_id"});
  EXPECT_EQ(text.substr(0, 30), R"([{"note":null,"station_id":"A\)");
  EXPECT_EQ(csms::domain::report_rows_json(ReportTable{}, {"a"}), "[]");
}

TEST(ReportTable, CsvQuotesWhatNeedsItAndLeavesNullEmpty) {
  EXPECT_EQ(csms::domain::report_rows_csv(sample(), {"station_id", "energy_wh", "below", "note"}),
            "station_id,energy_wh,below,note\r\n"
            "\"A\"\"1\",12.50,true,\r\n"
            "\"B,2\",,false,\"line\nbreak\x01\"\r\n");
}

TEST(ReportTable, CsvNeutralisesFormulaTextButNotNumbers) {
  ReportTable t;
  t.columns = {"station_id", "growth_percent"};
  t.kinds = {ReportTable::Kind::Text, ReportTable::Kind::Number};
  t.cells = {std::string("=cmd|' /C calc'!A0"), std::string("-12.5"), std::string("@SUM(A1)"),
             std::string("-3")};
  EXPECT_EQ(csms::domain::report_rows_csv(t, {"station_id", "growth_percent"}),
            "station_id,growth_percent\r\n"
            "'=cmd|' /C calc'!A0,-12.5\r\n"
            "'@SUM(A1),-3\r\n");
}

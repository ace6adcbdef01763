// The REST CSV exports (CDRs): JSON strings that look like formulas are neutralised, JSON
// numbers are written as numbers.

#include <gtest/gtest.h>

#include "api/http_support.hpp"

namespace csms::api::detail {
namespace {

TEST(CsvCell, JsonStringsAreNeutralised_JsonNumbersAreNot) {
  EXPECT_EQ(csv_cell(json("=1+1")), "'=1+1");
  EXPECT_EQ(csv_cell(json("@cmd")), "'@cmd");
  EXPECT_EQ(csv_cell(json("-x")), "'-x");
  EXPECT_EQ(csv_cell(json("-5.00")), "-5.00") << "money as a decimal string stays a number";
  EXPECT_EQ(csv_cell(json(-5)), "-5");
  EXPECT_EQ(csv_cell(json(-2.5)), "-2.5");
  EXPECT_EQ(csv_cell(json(nullptr)), "");
  EXPECT_EQ(csv_cell(json(true)), "true");
  EXPECT_EQ(csv_cell(json("CS,1")), "\"CS,1\"");
}

TEST(CsvTable, ACdrWithAHostileStationId_IsNeutralisedCellByCell) {
  auto rows = json::parse(R"json([{"transaction_id":7,"station_id":"=HYPERLINK(\"http://evil\")",
                               "id_token":"+491701234567","energy_wh":-20,"total_incl_vat":"-1.19"}])json");
  EXPECT_EQ(csv_table({"transaction_id", "station_id", "id_token", "energy_wh", "total_incl_vat"}, rows),
            "transaction_id,station_id,id_token,energy_wh,total_incl_vat\r\n"
            "7,\"'=HYPERLINK(\"\"http://evil\"\")\",+491701234567,-20,-1.19\r\n");
}

}  // namespace
}  // namespace csms::api::detail

// CSV fields: RFC 4180 quoting, and text a spreadsheet would run as a formula neutralised
// with a leading single quote (OWASP "CSV Injection").

#include "csms/domain/csv.hpp"

#include <gtest/gtest.h>

namespace csms::domain {
namespace {

TEST(CsvField, TextStartingWithAFormulaCharacter_GetsALeadingQuote) {
  EXPECT_EQ(csv_field("=1+1"), "'=1+1");
  EXPECT_EQ(csv_field("+1+1"), "'+1+1");
  EXPECT_EQ(csv_field("-2+3"), "'-2+3");
  EXPECT_EQ(csv_field("@SUM(A1:A9)"), "'@SUM(A1:A9)");
  EXPECT_EQ(csv_field("\tcmd"), "'\tcmd");
  EXPECT_EQ(csv_field("-"), "'-");
  // Quoting comes after the prefix, so the quote is inside the field.
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://evil.example\",\"x\")"),
            "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"");
  EXPECT_EQ(csv_field("\r=cmd"), "\"'\r=cmd\"");
  EXPECT_EQ(csv_field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
}

TEST(CsvField, PlainDecimalNumbersAndOrdinaryText_StayAsTheyAre) {
  EXPECT_EQ(csv_field("-12.50"), "-12.50");
  EXPECT_EQ(csv_field("+3"), "+3");
  EXPECT_EQ(csv_field("-0"), "-0");
  EXPECT_EQ(csv_field("CS-1"), "CS-1");
  EXPECT_EQ(csv_field("a=b"), "a=b");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("B,2"), "\"B,2\"");
  // Not plain decimals: a formula may hide behind a leading sign.
  EXPECT_EQ(csv_field("-1e5"), "'-1e5");
  EXPECT_EQ(csv_field("-1."), "'-1.");
  EXPECT_EQ(csv_field("-1.5.2"), "'-1.5.2");
}

TEST(CsvField, NumbersWeWrote_AreNeverChanged) {
  EXPECT_EQ(csv_field("-5", false), "-5");
  EXPECT_EQ(csv_field("-1e-05", false), "-1e-05");
  EXPECT_EQ(csv_field("1,5", false), "\"1,5\"");
}

}  // namespace
}  // namespace csms::domain

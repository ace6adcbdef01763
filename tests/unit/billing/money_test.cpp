#include "csms/billing/money.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace csms::billing {
namespace {

struct DecimalCase {
  const char* text;
  std::int64_t micros;
};

class ParseDecimal_Valid : public testing::TestWithParam<DecimalCase> {};

TEST_P(ParseDecimal_Valid, IsExact) { EXPECT_EQ(parse_decimal(GetParam().text), GetParam().micros); }

INSTANTIATE_TEST_SUITE_P(
    Money, ParseDecimal_Valid,
    testing::Values(DecimalCase{"0", 0}, DecimalCase{"12", 12'000'000}, DecimalCase{"0.30", 300'000},
                    DecimalCase{"0.3", 300'000}, DecimalCase{"0.123456", 123'456}, DecimalCase{"0.000001", 1},
                    DecimalCase{"-1.5", -1'500'000}, DecimalCase{"007.50", 7'500'000},
                    DecimalCase{"19", 19'000'000}, DecimalCase{"7.7", 7'700'000},
                    // INT64_MAX micros exactly.
                    DecimalCase{"9223372036854.775807", std::numeric_limits<std::int64_t>::max()}));

class ParseDecimal_Invalid : public testing::TestWithParam<const char*> {};

TEST_P(ParseDecimal_Invalid, Throws) { EXPECT_THROW(parse_decimal(GetParam()), std::invalid_argument); }

INSTANTIATE_TEST_SUITE_P(Money, ParseDecimal_Invalid,
                         testing::Values("", "-", ".5", "5.", "1e3", "1E3", "1.2345678", "0.0000001", "+1",
                                         " 1", "1 ", "1,5", "0x10", "1.2.3", "NaN", "inf", "--1",
                                         "9223372036854.775808", "9223372036855", "12abc"));

TEST(ParseDecimal, MessageSaysWhy) {
  try {
    parse_decimal("0.1234567");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "\"0.1234567\" is not a decimal: more than 6 decimals");
  }
}

TEST(DecimalFromJson, StringsAndIntegersAreExact) {
  EXPECT_EQ(decimal_from_json(nlohmann::json("0.30"), "p"), 300'000);
  EXPECT_EQ(decimal_from_json(nlohmann::json(12), "p"), 12'000'000);
  EXPECT_EQ(decimal_from_json(nlohmann::json(-3), "p"), -3'000'000);
}

TEST(DecimalFromJson, DoublesAreReadThroughTheirShortestText) {
  // 0.3 as a double is 0.299999999999999988897769753748…; its shortest text is "0.3".
  EXPECT_EQ(decimal_from_json(nlohmann::json::parse("0.3"), "p"), 300'000);
  EXPECT_EQ(decimal_from_json(nlohmann::json::parse("0.2975"), "p"), 297'500);
  EXPECT_EQ(decimal_from_json(nlohmann::json::parse("12.0"), "p"), 12'000'000);
  EXPECT_EQ(decimal_from_json(nlohmann::json::parse("-0.5"), "p"), -500'000);
  EXPECT_EQ(decimal_from_json(nlohmann::json::parse("0.123456"), "p"), 123'456);
}

TEST(DecimalFromJson, DoublesThatNeedMoreThanSixDecimalsOrAnExponent_AreRejected) {
  // 0.1 + 0.2 prints as 0.30000000000000004: refused, never silently rounded.
  EXPECT_THROW(decimal_from_json(nlohmann::json(0.1 + 0.2), "p"), std::invalid_argument);
  EXPECT_THROW(decimal_from_json(nlohmann::json::parse("1e-7"), "p"), std::invalid_argument);
  EXPECT_THROW(decimal_from_json(nlohmann::json::parse("1e300"), "p"), std::invalid_argument);
  EXPECT_THROW(decimal_from_json(nlohmann::json::parse("18446744073709551615"), "p"), std::invalid_argument);
}

TEST(DecimalFromJson, OtherTypes_AreRejectedWithThePath) {
  try {
    decimal_from_json(nlohmann::json(true), "tariff.vat_percent");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "tariff.vat_percent: expected a decimal string or a number, got true");
  }
  try {
    decimal_from_json(nlohmann::json("1,5"), "plan.monthly_fee");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "plan.monthly_fee: \"1,5\" is not a decimal: unexpected ','");
  }
}

struct FormatDecimalCase {
  std::int64_t micros;
  int min_digits;
  const char* text;
};

class FormatDecimal : public testing::TestWithParam<FormatDecimalCase> {};

TEST_P(FormatDecimal, IsExactWithAtLeastTheGivenDecimals) {
  EXPECT_EQ(format_decimal(GetParam().micros, GetParam().min_digits), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    Money, FormatDecimal,
    testing::Values(FormatDecimalCase{300'000, 2, "0.30"}, FormatDecimalCase{297'500, 2, "0.2975"},
                    FormatDecimalCase{19'000'000, 0, "19"}, FormatDecimalCase{7'700'000, 0, "7.7"},
                    FormatDecimalCase{-1'500'000, 2, "-1.50"}, FormatDecimalCase{0, 2, "0.00"},
                    FormatDecimalCase{5, 0, "0.000005"}, FormatDecimalCase{12'000'000, 3, "12.000"},
                    FormatDecimalCase{std::numeric_limits<std::int64_t>::min(), 0, "-9223372036854.775808"}));

struct MoneyCase {
  const char* currency;
  std::int64_t micros;
  const char* text;  // rounded half-up to the minor unit
};

class FormatMoney : public testing::TestWithParam<MoneyCase> {};

TEST_P(FormatMoney, RoundsHalfUpToTheMinorUnit) {
  EXPECT_EQ(format_money({GetParam().currency, GetParam().micros}), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(Money, FormatMoney,
                         testing::Values(MoneyCase{"EUR", 12'344'999, "12.34"},  // 12.344999 → 12.34
                                         MoneyCase{"EUR", 12'345'000, "12.35"},  // exactly half → up
                                         MoneyCase{"USD", 0, "0.00"}, MoneyCase{"GBP", 999'999, "1.00"},
                                         MoneyCase{"JPY", 1'500'000, "2"},         // 1.5 yen → 2
                                         MoneyCase{"JPY", 2'499'999, "2"},         // 2.499999 → 2
                                         MoneyCase{"KRW", 1'000'000'000, "1000"},  //
                                         MoneyCase{"BHD", 1'234'500, "1.235"},  // three decimals, half → up
                                         MoneyCase{"KWD", 1'234'499, "1.234"},  //
                                         MoneyCase{"XYZ", 1'005'000, "1.01"},   // unknown: two decimals
                                         MoneyCase{"EUR", -5'000, "-0.01"}));   // halves go away from zero

TEST(MinorUnitDigits, CommonCurrencies) {
  for (const char* code : {"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "ABC"}) {
    EXPECT_EQ(minor_unit_digits(code), 2) << code;
  }
  EXPECT_EQ(minor_unit_digits("JPY"), 0);
  EXPECT_EQ(minor_unit_digits("KRW"), 0);
  EXPECT_EQ(minor_unit_digits("BHD"), 3);
  EXPECT_EQ(minor_unit_digits("KWD"), 3);
  EXPECT_EQ(minor_unit_micros("EUR"), 10'000);
  EXPECT_EQ(minor_unit_micros("JPY"), 1'000'000);
  EXPECT_EQ(minor_unit_micros("BHD"), 1'000);
}

TEST(RoundToMinor, HalfUp) {
  EXPECT_EQ(round_to_minor({"EUR", 2'125'000}), (Money{"EUR", 2'130'000}));  // 2.125 → 2.13
  EXPECT_EQ(round_to_minor({"EUR", 2'124'999}), (Money{"EUR", 2'120'000}));
  EXPECT_EQ(round_to_minor({"JPY", 42'500'000}), (Money{"JPY", 43'000'000}));
}

struct LineCase {
  const char* what;
  Money price;
  std::int64_t quantity;
  std::int64_t per;
  std::int64_t keep;
  const char* amount;
};

class LineAmount : public testing::TestWithParam<LineCase> {};

TEST_P(LineAmount, IsExactThenRoundedOnce) {
  const LineCase& c = GetParam();
  EXPECT_EQ(format_money(line_amount(c.price, c.quantity, c.per, c.keep)), c.amount) << c.what;
}

constexpr std::int64_t kAll = kMicroPercentPerWhole;

INSTANTIATE_TEST_SUITE_P(
    Money, LineAmount,
    testing::Values(
        // 0.30 €/kWh × 12.345 kWh = 3.7035 → 3.70
        LineCase{"energy", {"EUR", 300'000}, 12'345, 1000, kAll, "3.70"},
        // 0.25 × 1.234 = 0.3085 → 0.31
        LineCase{"energy up", {"EUR", 250'000}, 1'234, 1000, kAll, "0.31"},
        // 0.10 × 0.050 = 0.005 exactly → half-up 0.01; 0.10 × 0.045 = 0.0045 → 0.00
        LineCase{"energy half", {"EUR", 100'000}, 50, 1000, kAll, "0.01"},
        LineCase{"energy below half", {"EUR", 100'000}, 45, 1000, kAll, "0.00"},
        // 6.00 €/h × 1234 s = 6 × 1234 / 3600 = 2.05666… → 2.06
        LineCase{"time", {"EUR", 6'000'000}, 1'234, 3600, kAll, "2.06"},
        // 3.00 €/h × 6 s = 0.005 → 0.01
        LineCase{"time half", {"EUR", 3'000'000}, 6, 3600, kAll, "0.01"},
        // 0.30 × 2 kWh × 90 % = 0.54
        LineCase{"discount", {"EUR", 300'000}, 2'000, 1000, 90'000'000, "0.54"},
        // 0.2975 × 1 kWh × 87.5 % = 0.2603125 → 0.26 (no intermediate rounding of the unit price)
        LineCase{"discount exact", {"EUR", 297'500}, 1'000, 1000, 87'500'000, "0.26"},
        // 35 ¥/kWh × 1.234 kWh = 43.19 → 43
        LineCase{"yen", {"JPY", 35'000'000}, 1'234, 1000, kAll, "43"},
        // 0.125 BD/kWh × 3.5 kWh = 0.4375 → 0.438
        LineCase{"dinar", {"BHD", 125'000}, 3'500, 1000, kAll, "0.438"},
        // FLAT: once
        LineCase{"flat", {"EUR", 1'005'000}, 1, 1, kAll, "1.01"}));

TEST(LineAmount, Overflow_Throws) {
  EXPECT_THROW(line_amount({"EUR", std::numeric_limits<std::int64_t>::max()},
                           std::numeric_limits<std::int64_t>::max(), 1),
               std::overflow_error);
}

TEST(PercentOf, VatRoundsHalfUp) {
  // 19 % of 10.03 = 1.9057 → 1.91
  EXPECT_EQ(format_money(percent_of({"EUR", 10'030'000}, 19'000'000)), "1.91");
  // 19 % of 2.50 = 0.475 → 0.48
  EXPECT_EQ(format_money(percent_of({"EUR", 2'500'000}, 19'000'000)), "0.48");
  // 7.7 % of 1.30 = 0.1001 → 0.10
  EXPECT_EQ(format_money(percent_of({"CHF", 1'300'000}, 7'700'000)), "0.10");
  // 19 % of 0.05 = 0.0095 → 0.01
  EXPECT_EQ(format_money(percent_of({"EUR", 50'000}, 19'000'000)), "0.01");
  EXPECT_EQ(format_money(percent_of({"EUR", 50'000}, 0)), "0.00");
}

TEST(CurrencyCode, ThreeUpperCaseLetters) {
  EXPECT_TRUE(is_currency_code("EUR"));
  EXPECT_FALSE(is_currency_code("eur"));
  EXPECT_FALSE(is_currency_code("EURO"));
  EXPECT_FALSE(is_currency_code("E1R"));
  EXPECT_FALSE(is_currency_code(""));
}

}  // namespace
}  // namespace csms::billing

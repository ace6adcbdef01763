#include "csms/domain/time.hpp"

#include <gtest/gtest.h>

namespace csms::domain {
namespace {

using namespace std::chrono;

// 2024-01-02T03:04:05Z, built from calendar parts rather than a pasted epoch number.
Timestamp at(int y, unsigned mo, unsigned d, int h, int mi, int s, int ms = 0) {
  return Timestamp{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} + seconds{s} +
         milliseconds{ms};
}

TEST(ParseTimestamp, Utc) { EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05Z"), at(2024, 1, 2, 3, 4, 5)); }

TEST(ParseTimestamp, LowerCaseSeparatorAndZone) {
  EXPECT_EQ(parse_timestamp("2024-01-02t03:04:05z"), at(2024, 1, 2, 3, 4, 5));
}

TEST(ParseTimestamp, FractionsOfAnyLength_AreTruncatedToMilliseconds) {
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05.1Z"), at(2024, 1, 2, 3, 4, 5, 100));
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05.12Z"), at(2024, 1, 2, 3, 4, 5, 120));
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05.123Z"), at(2024, 1, 2, 3, 4, 5, 123));
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05.123456789Z"), at(2024, 1, 2, 3, 4, 5, 123));
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05.9999Z"), at(2024, 1, 2, 3, 4, 5, 999));
}

TEST(ParseTimestamp, NumericOffsets_AreConvertedToUtc) {
  // 03:04:05 at +02:00 is 01:04:05 UTC.
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05+02:00"), at(2024, 1, 2, 1, 4, 5));
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05+0200"), at(2024, 1, 2, 1, 4, 5));
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05+02"), at(2024, 1, 2, 1, 4, 5));
  // 03:04:05 at -05:30 is 08:34:05 UTC.
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05-05:30"), at(2024, 1, 2, 8, 34, 5));
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05-00:00"), at(2024, 1, 2, 3, 4, 5));
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05.250+01:00"), at(2024, 1, 2, 2, 4, 5, 250));
}

TEST(ParseTimestamp, OffsetCrossingMidnightAndYear) {
  // 00:30 on New Year's Day at +01:00 is 23:30 on 31 December UTC.
  EXPECT_EQ(parse_timestamp("2024-01-01T00:30:00+01:00"), at(2023, 12, 31, 23, 30, 0));
}

TEST(ParseTimestamp, NoZone_IsRejectedUnlessAssumedUtc) {
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05", true), at(2024, 1, 2, 3, 4, 5));
  EXPECT_EQ(parse_timestamp("2024-01-02T03:04:05.5", true), at(2024, 1, 2, 3, 4, 5, 500));
}

TEST(ParseTimestamp, LeapDay_OnlyInLeapYears) {
  EXPECT_EQ(parse_timestamp("2024-02-29T00:00:00Z"), at(2024, 2, 29, 0, 0, 0));
  EXPECT_EQ(parse_timestamp("2023-02-29T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2100-02-29T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2000-02-29T00:00:00Z"), at(2000, 2, 29, 0, 0, 0));
}

class InvalidTimestamp : public testing::TestWithParam<const char*> {};

TEST_P(InvalidTimestamp, IsRejected) {
  EXPECT_EQ(parse_timestamp(GetParam()), std::nullopt) << GetParam();
  EXPECT_EQ(parse_timestamp(GetParam(), true), std::nullopt) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Texts, InvalidTimestamp,
    testing::Values("", "2024-02-30T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z",
                    "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-02T24:00:00Z",
                    "2024-01-02T23:60:00Z", "2024-01-02T23:59:60Z", "2024-01-02T03:04:05.Z",
                    "2024-01-02 03:04:05Z", "2024-1-2T03:04:05Z", "24-01-02T03:04:05Z", "2024-01-02T03:04Z",
                    "2024-01-02T03:04:05Zx", "2024-01-02T03:04:05+24:00", "2024-01-02T03:04:05+02:60",
                    "2024-01-02T03:04:05+02:0", "2024-01-02T03:04:05+2", "2024-01-02T03:04:05+020",
                    "2024-01-02T03:04:05 +02:00", "yesterday", "2024-01-02T03:04:05.12a3Z",
                    "+2024-01-02T03:04:05Z"));

TEST(FormatTimestamp, WholeSeconds_HaveNoFraction) {
  EXPECT_EQ(format_timestamp(at(2024, 1, 2, 3, 4, 5)), "2024-01-02T03:04:05Z");
}

TEST(FormatTimestamp, Milliseconds_AreWrittenWithThreeDigits) {
  EXPECT_EQ(format_timestamp(at(2024, 1, 2, 3, 4, 5, 120)), "2024-01-02T03:04:05.120Z");
  EXPECT_EQ(format_timestamp(at(2024, 12, 31, 23, 59, 59, 7)), "2024-12-31T23:59:59.007Z");
}

TEST(FormatTimestamp, BeforeTheEpoch) {
  EXPECT_EQ(format_timestamp(at(1969, 12, 31, 23, 59, 59, 500)), "1969-12-31T23:59:59.500Z");
}

TEST(FormatTimestamp, ParseOfFormat_RoundTrips) {
  for (const auto t : {at(2024, 2, 29, 12, 0, 0), at(1999, 12, 31, 23, 59, 59, 999), at(1970, 1, 1, 0, 0, 0),
                       at(2038, 1, 19, 3, 14, 8, 1)}) {
    EXPECT_EQ(parse_timestamp(format_timestamp(t)), t);
  }
}

}  // namespace
}  // namespace csms::domain

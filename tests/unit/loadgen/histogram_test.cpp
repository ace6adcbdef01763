#include "loadgen/histogram.hpp"

#include <gtest/gtest.h>

namespace csms::loadgen {
namespace {

TEST(LoadgenHistogram, SmallValuesHaveABucketEach) {
  EXPECT_EQ(Histogram::bucket_of(0), 0u);
  EXPECT_EQ(Histogram::bucket_of(127), 127u);
  EXPECT_EQ(Histogram::bucket_upper(127), 127u);
}

TEST(LoadgenHistogram, LargerValuesShareBucketsOfOneSixtyFourthOfAnOctave) {
  // 128 = 0b1000_0000: 8 significant bits, shift 1, top 64 -> first bucket after the 128
  // exact ones, holding 128 and 129.
  EXPECT_EQ(Histogram::bucket_of(128), 128u);
  EXPECT_EQ(Histogram::bucket_of(129), 128u);
  EXPECT_EQ(Histogram::bucket_of(130), 129u);
  EXPECT_EQ(Histogram::bucket_upper(128), 129u);
  // 255: shift 1, top 127 -> 128 + 63; upper (128 << 1) - 1.
  EXPECT_EQ(Histogram::bucket_of(255), 191u);
  EXPECT_EQ(Histogram::bucket_upper(191), 255u);
  // 256: shift 2, top 64 -> 192; upper (65 << 2) - 1 = 259.
  EXPECT_EQ(Histogram::bucket_of(256), 192u);
  EXPECT_EQ(Histogram::bucket_upper(192), 259u);
  // 1000: 10 bits, shift 3, top 125 -> 128 + 2 * 64 + 61 = 317; upper (126 << 3) - 1.
  EXPECT_EQ(Histogram::bucket_of(1000), 317u);
  EXPECT_EQ(Histogram::bucket_upper(317), 1007u);
}

TEST(LoadgenHistogram, HugeValuesLandInTheLastBucket) {
  EXPECT_EQ(Histogram::bucket_of(~std::uint64_t{0}), Histogram::kBucketCount - 1);
}

TEST(LoadgenHistogram, EveryValueIsAtMostItsBucketUpperBound) {
  for (std::uint64_t v = 0; v < 100000; v += 7) {
    auto b = Histogram::bucket_of(v);
    EXPECT_LE(v, Histogram::bucket_upper(b));
    if (b > 0) {
      EXPECT_GT(v, Histogram::bucket_upper(b - 1));
    }
  }
}

TEST(LoadgenHistogram, PercentilesOfOneToThousand) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 1000u);
  EXPECT_DOUBLE_EQ(h.mean(), 500.5);
  // Rank 500 is the value 500, whose bucket (shift 2, top 125) ends at (126 << 2) - 1.
  EXPECT_EQ(h.percentile(50), 503u);
  // Rank 990: 990 >> 3 = 123, bucket ends at (124 << 3) - 1.
  EXPECT_EQ(h.percentile(99), 991u);
  // Rank 999: 999 >> 3 = 124, bucket ends at (125 << 3) - 1 = 999.
  EXPECT_EQ(h.percentile(99.9), 999u);
  // The last bucket ends at 1007, capped by the largest value seen.
  EXPECT_EQ(h.percentile(100), 1000u);
}

TEST(LoadgenHistogram, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.percentile(99), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(LoadgenHistogram, MergeAddsCountsAndKeepsExtremes) {
  Histogram a, b;
  a.record(10);
  a.record(20);
  b.record(5);
  b.record(3000);
  a.merge(b);
  EXPECT_EQ(a.count(), 4u);
  EXPECT_EQ(a.min(), 5u);
  EXPECT_EQ(a.max(), 3000u);
  // Ranks: 5, 10, 20, 3000; the 50th percentile is rank 2 -> 10 (exact below 128).
  EXPECT_EQ(a.percentile(50), 10u);
}

}  // namespace
}  // namespace csms::loadgen

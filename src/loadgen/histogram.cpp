#include "loadgen/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace csms::loadgen {

std::size_t Histogram::bucket_of(std::uint64_t value) {
  constexpr std::uint64_t kLimit = (std::uint64_t{1} << kMaxBits) - 1;
  value = std::min(value, kLimit);
  if (value < 2 * kSubCount) return static_cast<std::size_t>(value);
  // value has `bits` significant bits; keep the top kSubBits + 1 of them.
  const int bits = std::bit_width(value);
  const int shift = bits - kSubBits - 1;
  const std::uint64_t top = value >> shift;  // in [kSubCount, 2 * kSubCount)
  return static_cast<std::size_t>(2 * kSubCount + static_cast<std::uint64_t>(shift - 1) * kSubCount +
                                  (top - kSubCount));
}

std::uint64_t Histogram::bucket_upper(std::size_t bucket) {
  if (bucket < 2 * kSubCount) return bucket;
  const std::uint64_t rest = bucket - 2 * kSubCount;
  const int shift = static_cast<int>(rest / kSubCount) + 1;
  const std::uint64_t top = kSubCount + rest % kSubCount;
  return ((top + 1) << shift) - 1;
}

void Histogram::record(std::uint64_t value) {
  buckets_[bucket_of(value)] += 1;
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = std::max(max_, value);
  count_ += 1;
  sum_ += value;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

std::uint64_t Histogram::percentile(double percent) const {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(percent, 0.0, 100.0);
  // The epsilon keeps 99.9 % of 1000 at rank 999: in binary it computes to 999.0000000000001.
  const double exact = clamped / 100.0 * static_cast<double>(count_);
  auto rank = static_cast<std::uint64_t>(std::ceil(exact - 1e-9 * std::max(1.0, exact)));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(bucket_upper(i), max_);
  }
  return max_;
}

}  // namespace csms::loadgen

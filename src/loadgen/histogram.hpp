#pragma once

#include <array>
#include <cstdint>

namespace csms::loadgen {

// Latency histogram with log-linear buckets (HdrHistogram-like): values below 128 have a
// bucket each; above, every power of two is split into 64 buckets, so a reported
// percentile is at most 1/64 (1.6 %) above the true value. Values are microseconds. Fixed
// size, no allocation: one per action per thread, merged at the end.
class Histogram {
 public:
  static constexpr int kSubBits = 6;
  static constexpr std::uint64_t kSubCount = 1u << kSubBits;  // buckets per octave
  static constexpr int kMaxBits = 40;                         // about 12.7 days in us
  static constexpr std::size_t kBucketCount = 2 * kSubCount + (kMaxBits - kSubBits - 1) * kSubCount;

  void record(std::uint64_t value);
  void merge(const Histogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_); }

  // The smallest bucket upper bound below which `percent` of the values lie, capped by the
  // largest value seen; 0 when empty.
  std::uint64_t percentile(double percent) const;

  static std::size_t bucket_of(std::uint64_t value);
  // Largest value that falls into `bucket`.
  static std::uint64_t bucket_upper(std::size_t bucket);

 private:
  std::array<std::uint64_t, kBucketCount> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace csms::loadgen

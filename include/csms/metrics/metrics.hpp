#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

// Prometheus metrics, written in the text exposition format by GET /metrics. One registry
// per process: instrumented code asks for its series once and keeps the reference.
namespace csms::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Fixed buckets (upper bounds, ascending); observations in the bucket's unit.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  void write(std::string& out, const std::string& name, const Labels& labels) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, plus +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                       const Labels& labels = {});
  // A gauge computed when scraped (queue depths, open alerts, connections). Registering
  // again under the same name replaces the previous reader (a restarted component).
  void callback(const std::string& name, const std::string& help,
                std::function<std::vector<std::pair<Labels, double>>()> read);
  void remove_callback(const std::string& name);

  std::string render() const;

 private:
  struct Family {
    std::string type;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::function<std::vector<std::pair<Labels, double>>()> callback;
  };
  Family& family(const std::string& name, const std::string& type, const std::string& help);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

Registry& registry();

// Latency buckets in seconds: 0.5 ms .. 10 s.
const std::vector<double>& latency_buckets();

}  // namespace csms::metrics

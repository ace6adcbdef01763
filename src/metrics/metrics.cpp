#include "csms/metrics/metrics.hpp"

#include <cmath>
#include <sstream>

namespace csms::metrics {
namespace {

std::string escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string label_text(const Labels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += labels[i].first + "=\"" + escape(labels[i].second) + "\"";
  }
  if (!extra.empty()) out += (labels.empty() ? "" : ",") + extra;
  return out + "}";
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::ostringstream out;
  out.precision(12);
  out << v;
  return out.str();
}

void atomic_add(std::atomic<double>& target, double v) {
  double old = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

}  // namespace

void Gauge::add(double v) { atomic_add(value_, v); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, value);
}

void Histogram::write(std::string& out, const std::string& name, const Labels& labels) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    auto le = i < bounds_.size() ? number(bounds_[i]) : std::string("+Inf");
    out +=
        name + "_bucket" + label_text(labels, "le=\"" + le + "\"") + " " + std::to_string(cumulative) + "\n";
  }
  out += name + "_sum" + label_text(labels) + " " + number(sum_.load()) + "\n";
  out += name + "_count" + label_text(labels) + " " + std::to_string(count_.load()) + "\n";
}

Registry::Family& Registry::family(const std::string& name, const std::string& type,
                                   const std::string& help) {
  auto& f = families_[name];
  f.type = type;
  f.help = help;
  return f;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, "counter", help).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, "gauge", help).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const std::vector<double>& bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, "histogram", help).histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void Registry::callback(const std::string& name, const std::string& help,
                        std::function<std::vector<std::pair<Labels, double>>()> read) {
  std::lock_guard lock(mutex_);
  family(name, "gauge", help).callback = std::move(read);
}

void Registry::remove_callback(const std::string& name) {
  std::lock_guard lock(mutex_);
  families_.erase(name);
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, c] : f.counters)
      out += name + label_text(labels) + " " + std::to_string(c->value()) + "\n";
    for (const auto& [labels, g] : f.gauges)
      out += name + label_text(labels) + " " + number(g->value()) + "\n";
    for (const auto& [labels, h] : f.histograms) h->write(out, name, labels);
    if (f.callback)
      for (const auto& [labels, v] : f.callback()) out += name + label_text(labels) + " " + number(v) + "\n";
  }
  return out;
}

Registry& registry() {
  static Registry instance;
  return instance;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

}  // namespace csms::metrics

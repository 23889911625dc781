#include "sim/timing.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "sim/check.h"

namespace expertlab {

double MedianOf(std::vector<double> v) {
  EXPERTLAB_CHECK(!v.empty()) << "median of no values";
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

double SecondsOf(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double InterleavedTimes::Speedup(size_t fast, size_t slow) const {
  const std::vector<double>& a = seconds.at(fast);
  const std::vector<double>& b = seconds.at(slow);
  EXPERTLAB_CHECK(a.size() == b.size()) << "timings of unequal rounds";
  std::vector<double> ratios(a.size());
  for (size_t r = 0; r < a.size(); ++r) ratios[r] = b[r] / a[r];
  return MedianOf(std::move(ratios));
}

InterleavedTimes TimeInterleaved(const std::vector<std::function<void()>>& variants, int rounds,
                                 const std::function<void()>& before_each) {
  EXPERTLAB_CHECK(rounds >= 1) << "interleaved timing needs at least one round";
  InterleavedTimes out;
  out.seconds.resize(variants.size());
  auto call = [&](const std::function<void()>& fn) {
    if (before_each) before_each();
    return SecondsOf(fn);
  };
  for (const auto& fn : variants) call(fn);  // warm-up
  for (int r = 0; r < rounds; ++r)
    for (size_t i = 0; i < variants.size(); ++i) out.seconds[i].push_back(call(variants[i]));
  return out;
}

size_t EvictionBytes() {
  const long llc = std::max(sysconf(_SC_LEVEL3_CACHE_SIZE), sysconf(_SC_LEVEL2_CACHE_SIZE));
  return std::max(size_t{64} << 20, 4 * static_cast<size_t>(std::max(llc, 0L)));
}

void EvictCaches() {
  static const std::vector<unsigned char> buffer(EvictionBytes(), 1);
  static std::atomic<unsigned> sink{0};  // keeps the reads observable
  unsigned sum = 0;
  for (size_t i = 0; i < buffer.size(); i += 64) sum += buffer[i];  // one byte per line
  sink.fetch_add(sum, std::memory_order_relaxed);
}

}  // namespace expertlab

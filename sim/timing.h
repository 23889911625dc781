// Wall-clock comparison of alternative implementations on a shared, noisy
// machine (used by the throughput experiments and bench/).
//
// The variants run interleaved, A B C, A B C, ..., after one warm-up call
// each, so a slow phase of the machine hits every variant of a round alike.
// A ratio is the median over rounds of the per-round ratio, which cancels
// such phases; a ratio of two separate medians does not.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace expertlab {

// Median of the values (the upper one of an even count); v non-empty.
double MedianOf(std::vector<double> v);

// Seconds taken by one call of fn.
double SecondsOf(const std::function<void()>& fn);

struct InterleavedTimes {
  std::vector<std::vector<double>> seconds;  // [variant][round]
  double Median(size_t variant) const { return MedianOf(seconds[variant]); }
  // How many times faster `fast` is than `slow`: the median over rounds of
  // seconds[slow][r] / seconds[fast][r].
  double Speedup(size_t fast, size_t slow) const;
};

// `rounds` interleaved rounds of every variant. `before_each`, if set, runs
// untimed before every call (warm-ups included), e.g. a pause (on a machine
// with few cores a thread pool still spinning after the previous variant
// would take a core from the next one) or EvictCaches.
InterleavedTimes TimeInterleaved(const std::vector<std::function<void()>>& variants, int rounds,
                                 const std::function<void()>& before_each = {});

// Reads a buffer of EvictionBytes() (allocated on first use, shared by the
// process), so the next call starts with cold caches, as a layer's weight
// stream does in a real model (other layers ran in between). Reading, not
// writing: dirty lines would be written back during the timed call.
void EvictCaches();

// 4x the last-level cache this machine reports, at least 64 MiB.
size_t EvictionBytes();

}  // namespace expertlab

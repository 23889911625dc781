// Tests for sim/timing: medians, per-round speedups, the interleaving order.

#include "sim/timing.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <stdexcept>

namespace expertlab {
namespace {

TEST_CASE("median of values is the middle order statistic", "[sim]") {
  CHECK(MedianOf({3.0, 1.0, 2.0}) == 2.0);
  CHECK(MedianOf({4.0, 1.0, 3.0, 2.0}) == 3.0);  // upper median of an even count
  CHECK(MedianOf({7.5}) == 7.5);
  CHECK_THROWS(MedianOf({}));
}

TEST_CASE("speedup is the median of per-round ratios, not a ratio of medians", "[sim]") {
  InterleavedTimes t;
  // Round 2 is a slow phase of the machine for both variants.
  t.seconds = {{1.0, 10.0, 2.0}, {3.0, 30.0, 2.0}};
  // Per-round ratios 3, 3, 1 -> median 3; the ratio of medians would be 1.5.
  CHECK(t.Speedup(0, 1) == 3.0);
  CHECK(t.Speedup(1, 0) == 1.0 / 3.0);
  CHECK(t.Median(1) / t.Median(0) == 1.5);
}

TEST_CASE("interleaved timing calls variants in rounds after one warm-up each", "[sim]") {
  std::vector<int> calls;
  const InterleavedTimes t =
      TimeInterleaved({[&] { calls.push_back(0); }, [&] { calls.push_back(1); }}, 3);
  CHECK(calls == std::vector<int>{0, 1, 0, 1, 0, 1, 0, 1});
  REQUIRE(t.seconds.size() == 2);
  CHECK(t.seconds[0].size() == 3);
  CHECK(t.seconds[1].size() == 3);
  CHECK_THROWS(TimeInterleaved({[] {}}, 0));
}

TEST_CASE("the untimed hook runs before every call, warm-ups included", "[sim]") {
  std::vector<int> calls;
  TimeInterleaved({[&] { calls.push_back(0); }, [&] { calls.push_back(1); }}, 2,
                  [&] { calls.push_back(-1); });
  CHECK(calls == std::vector<int>{-1, 0, -1, 1, -1, 0, -1, 1, -1, 0, -1, 1});
}

TEST_CASE("cache eviction reads a buffer beyond the last-level cache", "[sim]") {
  const long llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
  CHECK(EvictionBytes() >= (size_t{64} << 20));
  if (llc > 0) CHECK(EvictionBytes() >= 4 * static_cast<size_t>(llc));
  EvictCaches();  // reads only: must not crash or touch anything else
  EvictCaches();  // the buffer is allocated once and reused
}

}  // namespace
}  // namespace expertlab

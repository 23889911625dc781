// Small traces worked by hand in the policies' tests.
#pragma once

#include <vector>

#include "algorithms/offload/trace.h"

namespace expertlab::offload::testing {

// One layer, top-1, one request: the given experts in order.
inline Trace SequenceTrace(const std::vector<int>& experts, int num_experts) {
  Trace trace;
  trace.layers = 1;
  trace.experts = num_experts;
  trace.top_k = 1;
  trace.ids = experts;
  trace.request.assign(experts.size(), 0);
  return trace;
}

// 0 0 1 2 1 2 0 with two slots. LRU: 0m 0h 1m 2m(evicts 0) 1h 2h 0m: 3 hits,
// 4 loads. LFU (counts since start, ties LRU): 0m 0h 1m 2m(evicts 1, count
// 1 < 2) 1m(evicts 2) 2m(0 and 1 both count 2, evicts 0, older) 0m(evicts
// 1): 1 hit, 6 loads. Belady: 2 evicts 0 (next use 6 > 4): 3 hits, 4 loads.
inline Trace LruBeatsLfuTrace() { return SequenceTrace({0, 0, 1, 2, 1, 2, 0}, 3); }

}  // namespace expertlab::offload::testing

namespace expertlab::offload::testing {

// `layers` layers, top-1, `requests` requests of `tokens` tokens each; a
// request of type r (requests alternate types 0, 1, ...) uses expert
// (r + l) % experts at layer l for every token: paths fully determined by
// the first layer, and requests of one type identical.
inline Trace PathTrace(int layers, int experts, int types, int requests, int tokens,
                       int first_type = 0) {
  Trace trace;
  trace.layers = layers;
  trace.experts = experts;
  trace.top_k = 1;
  for (int r = 0; r < requests; ++r)
    for (int t = 0; t < tokens; ++t) {
      trace.request.push_back(r);
      for (int l = 0; l < layers; ++l)
        trace.ids.push_back(((r + first_type) % types + l) % experts);
    }
  return trace;
}

}  // namespace expertlab::offload::testing

namespace expertlab::offload::testing {

// 0 0 1 2 0 3 0 4 0 with two slots: a hot expert among one-off ones. LRU:
// 0m 0h 1m 2m(evicts 0, used at 1 < 2) 0m(evicts 1) 3m(evicts 2) 0h
// 4m(evicts 3) 0h: 3 hits, 6 loads. LRU-2: 1, 2 and 3 have one use each
// (infinite backward 2-distance) and go before 0: 0m 0h 1m 2m(evicts 1)
// 0h 3m(evicts 2) 0h 4m(evicts 3) 0h: 4 hits, 5 loads, Belady's optimum
// (five distinct experts).
inline Trace HotAmongScanTrace() { return SequenceTrace({0, 0, 1, 2, 0, 3, 0, 4, 0}, 5); }

}  // namespace expertlab::offload::testing

namespace expertlab::offload::testing {

// ARC (Megiddo & Modha, FAST 2003, Fig. 4) on LruBeatsLfuTrace, c = 2:
// 0m -> T1; 0h -> T2; 1m -> T1 (full); 2m: |T1| = 1 > p = 0 evicts 1 to B1;
// 1m: found in B1, p = 1, |T1| = 1 is not > 1, evicts T2's 0 to B2, 1 -> T2;
// 2h -> T2; 0m: found in B2, p = 0, T1 empty, evicts T2's LRU 1.
// 2 hits, 5 loads, target p back at 0.
inline constexpr int kArcHandHits = 2, kArcHandLoads = 5;

}  // namespace expertlab::offload::testing

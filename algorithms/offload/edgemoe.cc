#include "algorithms/offload/edgemoe.h"

#include <algorithm>

#include "sim/registry.h"

namespace expertlab::offload {

EdgeMoe::EdgeMoe(const Params& params)
    : preload_(static_cast<int>(params.Int("preload"))),
      printed_(params.String("variant") == "printed") {}

EdgeMoe::PathKey EdgeMoe::KeyOf(int layer, int depth) const {
  PathKey key{layer, depth};
  for (int d = depth; d >= 1; --d) {
    const std::vector<int>& set = path_[static_cast<size_t>(layer - d)];
    key.insert(key.end(), set.begin(), set.end());
  }
  return key;
}

void EdgeMoe::Start(const CacheSetup& setup, const Trace* /*future*/, Rng& /*rng*/) {
  setup_ = setup;
  table_.clear();
  path_.assign(static_cast<size_t>(setup.layers), {});
  score_.assign(static_cast<size_t>(setup.layers * setup.experts), 0.0);
  if (setup.calibration == nullptr) return;
  const Trace& c = *setup.calibration;
  for (int64_t t = 0; t < c.tokens(); ++t) {
    for (int l = 0; l < c.layers; ++l) {
      const std::span<const int> set = c.At(t, l);
      path_[static_cast<size_t>(l)].assign(set.begin(), set.end());
      std::sort(path_[static_cast<size_t>(l)].begin(), path_[static_cast<size_t>(l)].end());
      for (int depth = 1; depth <= std::min(2, l); ++depth) {
        std::vector<double>& counts = table_[KeyOf(l, depth)];
        counts.resize(static_cast<size_t>(c.experts), 0.0);
        for (int e : set) counts[static_cast<size_t>(e)] += 1;
      }
    }
  }
}

void EdgeMoe::OnAccess(const Access& at, int key, bool /*hit*/) {
  std::vector<int>& set = path_[static_cast<size_t>(at.layer)];
  const int slot = static_cast<int>(at.position % setup_.top_k);
  if (slot == 0) set.clear();
  set.insert(std::upper_bound(set.begin(), set.end(), key % setup_.experts), key % setup_.experts);
}

std::vector<int> EdgeMoe::Prefetch(const Access& at) {
  const int next = at.layer + 1;
  if (next >= setup_.layers) return {};
  const std::vector<double>* counts = nullptr;
  for (int depth = std::min(2, next); depth >= 1 && counts == nullptr; --depth) {
    const auto it = table_.find(KeyOf(next, depth));
    if (it != table_.end()) counts = &it->second;
  }
  std::vector<double> weights(static_cast<size_t>(setup_.experts), 0.0);
  for (int e = 0; e < setup_.experts; ++e)
    weights[static_cast<size_t>(e)] =
        counts != nullptr        ? (*counts)[static_cast<size_t>(e)]
        : setup_.profile.empty() ? 0.0
                                 : setup_.profile[static_cast<size_t>(next * setup_.experts + e)];
  std::vector<int> keys = TopIndices(weights, 0, setup_.experts, preload_);
  for (int& key : keys) key += next * setup_.experts;
  return keys;
}

int EdgeMoe::Victim(const Access& at, std::span<const int> candidates) {
  // Minimise f / d (= maximise L = -f / d); a pinned expert scores +inf.
  const int layers = setup_.layers;
  for (int key : candidates) {
    const int m = key / setup_.experts;
    const int d = printed_ ? ((at.layer - m) % layers + layers) % layers
                           : ((m - at.layer) % layers + layers) % layers;
    const double f = setup_.profile.empty() ? 0.0 : setup_.profile[static_cast<size_t>(key)];
    score_[static_cast<size_t>(key)] =
        printed_ && d == 0 ? 1e300 : (f + 1e-9) / double(d == 0 ? layers : d);
  }
  return ArgMin(candidates, score_);
}

EXPERTLAB_REGISTER(CachePolicy, EdgeMoe, "edgemoe",
                   "EdgeMoE: preload by a two-previous-layer lookup table, evict by "
                   "frequency over layer distance",
                   {ParamSpec::Int("preload", 2, Bounds::Closed(1, 1 << 16),
                                   "experts preloaded per layer"),
                    ParamSpec::Choice("variant", "intent", {"intent", "printed"},
                                      "eviction distance: layers until next use (intent) or "
                                      "since last use (printed)")})

}  // namespace expertlab::offload

#include "algorithms/offload/speculative.h"

#include <algorithm>

#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::offload {

std::vector<int> NoisyGuess(const Trace& trace, int64_t token, int layer, double recall,
                            const std::vector<double>& profile, Rng& rng) {
  const std::span<const int> truth = trace.At(token, layer);
  const int base = layer * trace.experts;
  std::vector<int> guess;
  int missed = 0;
  for (int e : truth) {
    if (Bernoulli(rng, recall))
      guess.push_back(base + e);
    else
      ++missed;
  }
  // Wrong guesses: the most popular experts of the layer outside the truth.
  while (missed-- > 0) {
    int best = -1;
    double best_p = 0;
    for (int e = 0; e < trace.experts; ++e) {
      if (std::find(truth.begin(), truth.end(), e) != truth.end() ||
          std::find(guess.begin(), guess.end(), base + e) != guess.end())
        continue;
      const double p = profile.empty() ? 0.0 : profile[static_cast<size_t>(base + e)];
      if (best < 0 || p > best_p) {
        best = e;
        best_p = p;
      }
    }
    if (best < 0) break;
    guess.push_back(base + best);
  }
  return guess;
}

Speculative::Speculative(const Params& params) : recall_(params.Double("recall")) {}

void Speculative::Start(const CacheSetup& setup, const Trace* future, Rng& rng) {
  EXPERTLAB_CHECK(future != nullptr) << "speculative needs the replayed trace (emulated gate)";
  future_ = future;
  setup_ = setup;
  rng_ = &rng;
  recency_.Reset(setup.layers * setup.experts);
}

void Speculative::OnAccess(const Access& at, int key, bool /*hit*/) {
  recency_.Touch(key, at.position);
}

void Speculative::OnInsert(const Access& at, int key, bool /*prefetched*/) {
  recency_.Touch(key, at.position);
}

int Speculative::Victim(const Access& /*at*/, std::span<const int> candidates) {
  return recency_.Victim(candidates);
}

std::vector<int> Speculative::Prefetch(const Access& at) {
  if (at.layer + 1 >= setup_.layers) return {};
  return NoisyGuess(*future_, at.token, at.layer + 1, recall_, setup_.profile, *rng_);
}

EXPERTLAB_REGISTER(CachePolicy, Speculative, "speculative",
                   "prefetch the next layer's gate guess (emulated at a set recall), LRU eviction",
                   {ParamSpec::Double("recall", 0.85, Bounds::Closed(0, 1),
                                      "probability each true next-layer expert is guessed")})

}  // namespace expertlab::offload

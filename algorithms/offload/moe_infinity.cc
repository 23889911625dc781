#include "algorithms/offload/moe_infinity.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/registry.h"

namespace expertlab::offload {
namespace {

constexpr double kMoeInfinityEpsilon = 1e-3;

// Each row of an L x E matrix scaled to sum 1 (zero rows stay zero).
void NormaliseEamRows(std::vector<double>& m, int layers, int experts) {
  for (int l = 0; l < layers; ++l) {
    const auto row = m.begin() + static_cast<std::ptrdiff_t>(l) * experts;
    const double sum = std::accumulate(row, row + experts, 0.0);
    if (sum > 0)
      for (auto it = row; it != row + experts; ++it) *it /= sum;
  }
}

}  // namespace

MoeInfinity::MoeInfinity(const Params& params)
    : eamc_capacity_(static_cast<int>(params.Int("eamc"))),
      prefetch_(static_cast<int>(params.Int("prefetch"))) {}

void MoeInfinity::Start(const CacheSetup& setup, const Trace* /*future*/, Rng& /*rng*/) {
  setup_ = setup;
  const size_t keys = static_cast<size_t>(setup.layers * setup.experts);
  eamc_.clear();
  if (setup.calibration != nullptr) {
    const Trace& c = *setup.calibration;
    for (int64_t p = 0; p < c.accesses(); ++p) {
      const int64_t t = p / (c.layers * c.top_k);
      if (t == 0 || (p % (c.layers * c.top_k) == 0 &&
                     c.request[static_cast<size_t>(t)] != c.request[static_cast<size_t>(t - 1)])) {
        if (static_cast<int>(eamc_.size()) == eamc_capacity_) break;
        eamc_.emplace_back(keys, 0.0);
      }
      eamc_.back()[static_cast<size_t>(c.Key(p))] += 1;
    }
    for (auto& m : eamc_) NormaliseEamRows(m, setup.layers, setup.experts);
  }
  current_.assign(keys, 0.0);
  predicted_.assign(keys, 0.0);
  score_.assign(keys, 0.0);
  request_ = -1;
}

void MoeInfinity::OnAccess(const Access& at, int key, bool /*hit*/) {
  if (at.request != request_) {
    request_ = at.request;
    std::fill(current_.begin(), current_.end(), 0.0);
  }
  current_[static_cast<size_t>(key)] += 1;
}

void MoeInfinity::Predict(int layer) {
  const int layers = setup_.layers, experts = setup_.experts;
  std::fill(predicted_.begin(), predicted_.end(), 0.0);
  if (eamc_.empty()) return;
  std::vector<double> query = current_;
  NormaliseEamRows(query, layers, experts);
  const double query_norm =
      std::sqrt(std::inner_product(query.begin(), query.end(), query.begin(), 0.0));
  size_t best = 0;
  double best_cos = -1;
  for (size_t i = 0; i < eamc_.size(); ++i) {
    const double dot = std::inner_product(query.begin(), query.end(), eamc_[i].begin(), 0.0);
    const double norm =
        std::sqrt(std::inner_product(eamc_[i].begin(), eamc_[i].end(), eamc_[i].begin(), 0.0));
    const double cos = query_norm > 0 && norm > 0 ? dot / (query_norm * norm) : 0.0;
    if (cos > best_cos) {
      best_cos = cos;
      best = i;
    }
  }
  for (int i = 0; i < layers; ++i) {
    const double scale = i > layer ? 1.0 - double(i - layer) / layers : 1.0;
    for (int e = 0; e < experts; ++e) {
      const size_t k = static_cast<size_t>(i * experts + e);
      predicted_[k] = eamc_[best][k] * scale;
    }
  }
}

std::vector<int> MoeInfinity::Prefetch(const Access& at) {
  Predict(at.layer);
  const int next = at.layer + 1;
  if (next >= setup_.layers) return {};
  return TopIndices(predicted_, next * setup_.experts, setup_.experts,
                    prefetch_ > 0 ? prefetch_ : setup_.top_k);
}

int MoeInfinity::Victim(const Access& /*at*/, std::span<const int> candidates) {
  for (int key : candidates) {
    const int layer = key / setup_.experts;
    score_[static_cast<size_t>(key)] =
        (predicted_[static_cast<size_t>(key)] + kMoeInfinityEpsilon) *
        (1.0 - double(layer) / setup_.layers);
  }
  return ArgMin(candidates, score_);
}

EXPERTLAB_REGISTER(CachePolicy, MoeInfinity, "moe_infinity",
                   "MoE-Infinity: request activation matrix matched to past requests, "
                   "prefetch and evict by the predicted matrix",
                   {ParamSpec::Int("eamc", 120, Bounds::Closed(1, 1 << 20),
                                   "EAM collection capacity (calibration requests kept)"),
                    ParamSpec::Int("prefetch", 0, Bounds::Closed(0, 1 << 16),
                                   "experts prefetched for the next layer (0 = top_k)")})

}  // namespace expertlab::offload

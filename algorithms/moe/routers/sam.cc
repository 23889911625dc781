#include "algorithms/moe/routers/sam.h"

#include <algorithm>

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

SamRouter::SamRouter(const Params& params)
    : groups_(params.Int("groups")), align_(params.Double("align")) {}

int64_t SamRouter::Slots(int64_t top_k, int64_t experts) const {
  EXPERTLAB_CHECK(experts % groups_ == 0)
      << "sam: groups = " << groups_ << " must divide the experts E = " << experts;
  EXPERTLAB_CHECK(top_k >= 1 && top_k <= experts / groups_)
      << "sam: k must be in [1, E / groups] = [1, " << experts / groups_ << "], got k = " << top_k;
  return top_k;
}

void SamRouter::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts;
  const int64_t k = Slots(context.top_k, E), size = E / groups_;
  out->Resize(T, E, k);
  SoftmaxRows(logits, T, E, out->probs.data());
  order_.resize(size);
  for (int64_t t = 0; t < T; ++t) {
    const double* p = out->probs.data() + t * E;
    int64_t chosen = 0;
    double best = -1;
    for (int64_t g = 0; g < groups_; ++g) {
      double mass = 0;
      for (int64_t i = g * size; i < (g + 1) * size; ++i) mass += p[i];
      if (mass > best) best = mass, chosen = g;
    }
    ExpertsByProbability(p + chosen * size, size, &order_);
    for (auto& e : order_) e += int32_t(chosen * size);
    FillSlots(t, order_.data(), k, p, 1.0, out);
  }
}

void SamRouter::Backward(const RouterContext& /*context*/, const double* /*logits*/,
                         const Routing& routing, const double* d_weight, const double* d_probs,
                         double* d_logits) const {
  SelectedSoftmaxBackward(routing, d_weight, d_probs, false, &d_probs_, d_logits);
}

double SamRouter::AuxiliaryLoss(const RouterContext& context, const double* /*logits*/,
                                const Routing& routing, double* d_logits) const {
  const int64_t T = context.tokens, E = context.experts, k = routing.slots;
  if (align_ == 0 || T == 0) return 0;
  const int64_t size = E / groups_;
  if (d_logits != nullptr) d_probs_.assign(static_cast<size_t>(T * E), 0.0);
  double loss = 0;
  for (int64_t t = 0; t < T; ++t) {
    const double* p = routing.probs.data() + t * E;
    const int64_t chosen = routing.Expert(t, 0) / size;
    const int64_t kth = routing.Expert(t, k - 1);
    const double threshold = p[kth];
    for (int64_t j = 0; j < E; ++j) {
      if (j / size == chosen || p[j] <= threshold) continue;
      loss += p[j] - threshold;
      if (d_logits == nullptr) continue;
      d_probs_[t * E + j] += align_ / double(T);
      d_probs_[t * E + kth] -= align_ / double(T);
    }
  }
  if (d_logits != nullptr)
    SoftmaxRowsBackward(routing.probs.data(), d_probs_.data(), T, E, d_logits);
  return align_ * loss / double(T);
}

EXPERTLAB_REGISTER(Router, SamRouter, "sam",
                   "switch-and-mixture: the expert group of largest probability mass, then the k "
                   "most probable experts inside it, raw weights, with the alignment loss "
                   "(Jiang et al., SAM, 2021)",
                   {ParamSpec::Int("groups", 4, Bounds::Closed(1, 1 << 20),
                                   "G, the contiguous expert groups (devices); must divide E"),
                    ParamSpec::Double("align", 0.01, Bounds::AtLeast(0),
                                      "weight of the alignment loss (out-of-group experts pushed "
                                      "below the chosen group's k-th)")})

}  // namespace expertlab::moe

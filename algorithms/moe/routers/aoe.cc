#include "algorithms/moe/routers/aoe.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

int64_t ParameterMatchedWidth(int64_t d_model, int64_t d_ff, int64_t rank) {
  const double d = double(d_model),
               width = (3.0 * d * double(d_ff) - double(rank) * d) / (double(rank) + 2.0 * d);
  return std::max<int64_t>(1, std::llround(width));
}

AoeRouter::AoeRouter(const Params& params)
    : rank_(params.Int("rank")),
      match_params_(params.Bool("match_params")),
      select_(params.String("weights") == "paper") {}

MoeConfig AoeRouter::LayerShape(const MoeConfig& keyed) const {
  EXPERTLAB_CHECK(rank_ < keyed.d_model)
      << "rank: the factorised gate's rank must be below d_model = " << keyed.d_model
      << " (a rank-d factor saves nothing), got " << rank_;
  EXPERTLAB_CHECK(keyed.expert_widths.empty())
      << "aoe: the keyed layer already has experts of different widths";
  MoeConfig layer = keyed;
  layer.gate_rank = rank_;
  if (match_params_) layer.d_ff = ParameterMatchedWidth(keyed.d_model, keyed.d_ff, rank_);
  return layer;
}

int64_t AoeRouter::Slots(int64_t top_k, int64_t experts) const {
  return select_.Slots(top_k, experts);
}

void AoeRouter::ComputeScores(const RouterContext& context, const double* caches) const {
  const int64_t T = context.tokens, E = context.experts;
  scores_.resize(T * E);
  for (int64_t i = 0; i < T * E; ++i) {
    const double* c = caches + i * rank_;
    double ss = 0;
    for (int64_t j = 0; j < rank_; ++j) ss += c[j] * c[j];
    scores_[i] = std::sqrt(ss);
  }
}

void AoeRouter::Route(const RouterContext& context, const double* logits, Routing* out) {
  ComputeScores(context, logits);
  select_.Route(context, scores_.data(), out);
}

void AoeRouter::Backward(const RouterContext& context, const double* logits, const Routing& routing,
                         const double* d_weight, const double* d_probs, double* d_logits) const {
  const int64_t T = context.tokens, E = context.experts;
  ComputeScores(context, logits);
  d_scores_.resize(T * E);
  select_.Backward(context, scores_.data(), routing, d_weight, d_probs, d_scores_.data());
  for (int64_t i = 0; i < T * E; ++i) {
    const double scale = scores_[i] > 0 ? d_scores_[i] / scores_[i] : 0.0;
    for (int64_t j = 0; j < rank_; ++j) d_logits[i * rank_ + j] = scale * logits[i * rank_ + j];
  }
}

EXPERTLAB_REGISTER(Router, AoeRouter, "aoe",
                   "Autonomy-of-Experts (Lv et al., ICML 2025): experts select themselves by the "
                   "norm of their factorised gate cache x A_e, top-k, and reuse the cache",
                   {ParamSpec::Int("rank", 8, Bounds::AtLeast(1),
                                   "r: width of each expert's cache x A_e (below d_model)"),
                    ParamSpec::Choice("weights", "paper", {"paper", "code"},
                                      "paper: softmax over the selected norms; code: softmax over "
                                      "all E, not renormalised"),
                    ParamSpec::Bool("match_params", true,
                                    "expert width by Eq. 5, equal parameters to the keyed MoE")})

}  // namespace expertlab::moe

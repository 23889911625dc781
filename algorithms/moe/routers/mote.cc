#include "algorithms/moe/routers/mote.h"

#include <algorithm>

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

MoteRouter::MoteRouter(const Params& params) : refill_(params.String("mode") == "refill") {}

void MoteRouter::SetIntervention(const std::vector<int32_t>& off, const std::vector<int32_t>& on,
                                 int64_t experts) {
  std::vector<int8_t> off_flags(experts, 0), on_flags(experts, 0);
  for (const auto& [list, flags] : {std::pair{&off, &off_flags}, std::pair{&on, &on_flags}})
    for (int32_t e : *list) {
      EXPERTLAB_CHECK(e >= 0 && e < experts)
          << "mote: intervention names expert " << e << ", but the layer has " << experts << " (0.."
          << experts - 1 << ")";
      (*flags)[e] = 1;
    }
  for (int64_t e = 0; e < experts; ++e)
    EXPERTLAB_CHECK(!(off_flags[e] && on_flags[e]))
        << "mote: expert " << e << " is both switched off and forced on";
  off_ = std::move(off_flags);
  on_ = std::move(on_flags);
}

int64_t MoteRouter::Slots(int64_t top_k, int64_t /*experts*/) const { return top_k; }

void MoteRouter::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts, k = context.top_k;
  EXPERTLAB_CHECK(off_.empty() || static_cast<int64_t>(off_.size()) == E)
      << "mote: the intervention was set for " << off_.size() << " experts, the layer has " << E;
  out->Resize(T, E, k);
  SoftmaxRows(logits, T, E, out->probs.data());
  masked_.resize(E);
  for (int64_t t = 0; t < T; ++t) {
    const double* p = out->probs.data() + t * E;
    // refill: a switched-off expert cannot be selected at all.
    for (int64_t e = 0; e < E; ++e) masked_[e] = refill_ && !off_.empty() && off_[e] ? -1.0 : p[e];
    ExpertsByProbability(masked_.data(), E, &order_);
    std::vector<int32_t>& chosen = chosen_;
    chosen.assign(order_.begin(), order_.begin() + k);
    for (int64_t e = 0; e < E && !on_.empty(); ++e)
      if (on_[e] && std::find(chosen.begin(), chosen.end(), e) == chosen.end()) {
        // Replace the least probable chosen expert that is not forced on.
        for (int64_t s = k - 1; s >= 0; --s)
          if (!on_[chosen[s]]) {
            chosen[s] = static_cast<int32_t>(e);
            break;
          }
      }
    double sum = 0;
    int64_t filled = 0;
    for (int32_t e : chosen) {
      if (!off_.empty() && off_[e]) continue;  // drop: emptied, not refilled
      out->expert[t * k + filled] = e;
      out->weight[t * k + filled] = p[e];
      sum += p[e];
      ++filled;
    }
    for (int64_t s = 0; s < filled && sum > 0; ++s) out->weight[t * k + s] /= sum;
  }
}

void MoteRouter::Backward(const RouterContext& /*context*/, const double* /*logits*/,
                          const Routing& routing, const double* d_weight, const double* d_probs,
                          double* d_logits) const {
  SelectedSoftmaxBackward(routing, d_weight, d_probs, /*renormalized=*/true, &scratch_, d_logits);
}

EXPERTLAB_REGISTER(Router, MoteRouter, "mote",
                   "top-k renormalised with inference-time interventions on chosen experts: "
                   "switch off (drop or refill) and force on (Dahlke et al., MoTE, 2025)",
                   {ParamSpec::Choice("mode", "drop", {"drop", "refill"},
                                      "how a switched-off expert leaves a selection")})

}  // namespace expertlab::moe

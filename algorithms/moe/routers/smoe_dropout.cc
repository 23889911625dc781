#include "algorithms/moe/routers/smoe_dropout.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

SmoeDropout::SmoeDropout(const Params& params)
    : k_start_(params.Int("k_start")),
      k_end_(params.Int("k_end")),
      schedule_steps_(params.Int("schedule_steps")),
      eval_k_(params.Int("eval_k")) {}

int64_t SmoeDropout::CurrentK(int64_t experts, bool training) const {
  const int64_t start = k_start_ > 0 ? k_start_ : std::max<int64_t>(1, experts / 2);
  const int64_t end = k_end_ > 0 ? k_end_ : experts;
  if (!training) return eval_k_ > 0 ? eval_k_ : end;
  const int64_t s = std::min(training_calls_, schedule_steps_);
  return start + static_cast<int64_t>(
                     std::llround(double(end - start) * double(s) / double(schedule_steps_)));
}

int64_t SmoeDropout::Slots(int64_t /*top_k*/, int64_t experts) const {
  EXPERTLAB_CHECK(experts >= 1) << "smoe_dropout: need at least one expert, got E = " << experts;
  for (const int64_t k : {k_start_, k_end_, eval_k_})
    EXPERTLAB_CHECK(k <= experts) << "smoe_dropout: k_start, k_end and eval_k must be <= E = "
                                  << experts << ", got " << k;
  return experts;
}

void SmoeDropout::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts, slots = Slots(context.top_k, E);
  const int64_t k = CurrentK(E, context.training);
  if (context.training) ++training_calls_;
  out->Resize(T, E, slots);
  SoftmaxRows(logits, T, E, out->probs.data());
  for (int64_t t = 0; t < T; ++t) {
    const double* p = out->probs.data() + t * E;
    ExpertsByProbability(p, E, &order_);
    // Softmax over the selected logits = the selected probabilities
    // renormalised.
    double mass = 0;
    for (int64_t s = 0; s < k; ++s) mass += p[order_[s]];
    FillSlots(t, order_.data(), k, p, 1.0 / mass, out);
  }
}

void SmoeDropout::Backward(const RouterContext& /*context*/, const double* /*logits*/,
                           const Routing& routing, const double* d_weight, const double* d_probs,
                           double* d_logits) const {
  SelectedSoftmaxBackward(routing, d_weight, d_probs, true, &d_probs_, d_logits);
}

void SmoeDropout::SaveState(ByteWriter& out) const { out.Put<int64_t>(training_calls_); }

void SmoeDropout::RestoreState(ByteReader& in) { training_calls_ = in.Get<int64_t>(); }

EXPERTLAB_REGISTER(Router, SmoeDropout, "smoe_dropout",
                   "frozen random router, top-k with k growing in training and chosen at "
                   "inference (Chen et al., SMoE-Dropout, ICLR 2023)",
                   {ParamSpec::Int("k_start", 0, Bounds::AtLeast(0), "k at step 0 (0 = E/2)"),
                    ParamSpec::Int("k_end", 0, Bounds::AtLeast(0), "k after the schedule (0 = E)"),
                    ParamSpec::Int("schedule_steps", 1000, Bounds::AtLeast(1),
                                   "training calls over which k grows linearly"),
                    ParamSpec::Int("eval_k", 0, Bounds::AtLeast(0), "k at inference (0 = k_end)")})

}  // namespace expertlab::moe

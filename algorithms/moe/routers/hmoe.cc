#include "algorithms/moe/routers/hmoe.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "algorithms/moe/topk_softmax.h"
#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> Selection(double p, double entropy_loss) {
  if (p == 0) return std::make_unique<TopKSoftmax>(true);
  std::ostringstream spec;
  spec.precision(17);
  spec << "top_p(p=" << p << ",strict=false,renormalize=true,entropy_loss=" << entropy_loss << ")";
  return Registry<Router>::Instance().Create(spec.str());
}

std::vector<double> RelativeSizes(const std::string& sizes, int64_t E) {
  std::vector<double> r(static_cast<size_t>(E), 1.0);
  if (sizes == "arithmetic") {
    for (int64_t i = 0; i < E && E > 1; ++i) r[i] = 9.0 + 14.0 * double(i) / double(E - 1);
  } else if (sizes == "hybrid") {
    EXPERTLAB_CHECK(E % 4 == 0) << "sizes: hybrid needs E divisible by 4, got E = " << E;
    for (int64_t i = 0; i < E; ++i) r[i] = i < E / 2 ? 1.0 : i < 3 * E / 4 ? 2.0 : 4.0;
  } else {
    EXPERTLAB_CHECK(sizes == "uniform")
        << "sizes: expected uniform, arithmetic or hybrid, got '" << sizes << "'";
  }
  return r;
}

}  // namespace

MoeConfig HeterogeneousWidths(const MoeConfig& keyed, const std::string& sizes) {
  const int64_t E = keyed.experts, total = E * keyed.d_ff;
  const std::vector<double> r = RelativeSizes(sizes, E);
  MoeConfig layer = keyed;
  if (sizes == "uniform") return layer;
  const double sum = std::accumulate(r.begin(), r.end(), 0.0);
  layer.expert_widths.clear();
  int64_t used = 0;
  for (int64_t i = 0; i + 1 < E; ++i) {
    const int64_t f = std::max<int64_t>(1, std::llround(r[i] / sum * double(total)));
    layer.expert_widths.push_back(f);
    used += f;
  }
  EXPERTLAB_CHECK(total - used >= 1)
      << "sizes: E d_ff = " << total << " is too small for " << sizes << " widths";
  layer.expert_widths.push_back(total - used);
  return layer;
}

HmoeRouter::HmoeRouter(const Params& params)
    : penalty_(params.Double("penalty")),
      sizes_(params.String("sizes")),
      select_(Selection(params.Double("p"), params.Double("entropy_loss"))) {}

MoeConfig HmoeRouter::LayerShape(const MoeConfig& keyed) const {
  return HeterogeneousWidths(keyed, sizes_);
}

int64_t HmoeRouter::Slots(int64_t top_k, int64_t experts) const {
  return select_->Slots(top_k, experts);
}

void HmoeRouter::Route(const RouterContext& context, const double* logits, Routing* out) {
  select_->Route(context, logits, out);
}

void HmoeRouter::Backward(const RouterContext& context, const double* logits,
                          const Routing& routing, const double* d_weight, const double* d_probs,
                          double* d_logits) const {
  select_->Backward(context, logits, routing, d_weight, d_probs, d_logits);
}

double HmoeRouter::AuxiliaryLoss(const RouterContext& context, const double* logits,
                                 const Routing& routing, double* d_logits) const {
  double loss = select_->AuxiliaryLoss(context, logits, routing, d_logits);
  const int64_t T = context.tokens, E = context.experts;
  if (penalty_ == 0 || T == 0) return loss;
  m_.assign(static_cast<size_t>(E), 0.0);
  for (int64_t i = 0; i < T * routing.slots; ++i) {
    const int32_t e = routing.expert[i];
    if (e >= 0) m_[e] += (context.expert_cost ? context.expert_cost[e] : 1.0) / double(T);
  }
  for (double& m : m_) m *= penalty_ * double(E);
  return loss + MeanProbabilityLoss(routing, m_, d_logits, &d_probs_);
}

EXPERTLAB_REGISTER(Router, HmoeRouter, "hmoe",
                   "top-k or top-p with weights renormalised over the selection and the P-Penalty "
                   "loss towards small experts (Wang et al., HMoE, EMNLP 2025); the experts' "
                   "widths are the layer's expert_widths",
                   {ParamSpec::Double("penalty", 0.1, Bounds::AtLeast(0),
                                      "weight of the P-Penalty loss E sum_i M_i Phat_i"),
                    ParamSpec::Double("p", 0.0, Bounds::Closed(0, 1),
                                      "0 = top-k with the layer's k; else the top-p threshold"),
                    ParamSpec::Double("entropy_loss", 0.03, Bounds::AtLeast(0),
                                      "weight of the router-entropy loss (top-p only), minimised"),
                    ParamSpec::Choice("sizes", "uniform", {"uniform", "arithmetic", "hybrid"},
                                      "the routed experts' widths this router prescribes, "
                                      "summing to E d_ff")})

}  // namespace expertlab::moe

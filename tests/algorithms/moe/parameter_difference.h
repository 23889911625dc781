// The central difference (L(w + h) - L(w - h)) / 2h of a model's loss in
// one of its parameters, the parameter restored afterwards: the numeric
// side of the whole-model gradient checks (MoeModel, SequenceModel).
// `changed` runs after every edit (the models repack their weights). Also
// the router arms those checks share.
#pragma once

#include "algorithms/moe/layer.h"

namespace expertlab::testing {

// The routers the whole-model gradient checks run, with the auxiliary loss
// weights of each: top-k softmax; THOR, whose consistency pass adds the two
// passes' symmetric KL, and whose router is not learned, so the z-loss
// (which W_r would feel) is off; MoEC, which drops one of its three experts
// (one cluster, q = 0.5) and adds its variance loss.
struct GradientCheckArm {
  const char* router;
  moe::AuxLossWeights aux;
};
inline constexpr GradientCheckArm kGradientCheckArms[] = {
    {"topk_softmax(renormalize=true)", {0.1, 0.01}},
    {"thor(alpha=1.5)", {0.1, 0.0}},
    {"moec(groups=1,var_loss=0.5)", {0.1, 0.01}}};

template <class Loss, class Changed>
double ParameterDifference(double& w, double h, const Loss& loss, const Changed& changed) {
  const double w0 = w;
  w = w0 + h;
  changed();
  const double plus = loss();
  w = w0 - h;
  changed();
  const double minus = loss();
  w = w0;
  changed();
  return (plus - minus) / (2 * h);
}

}  // namespace expertlab::testing

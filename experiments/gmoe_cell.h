// One maximum-likelihood fit of a softmax Gaussian mixture of experts per
// cell, shared by the gmoe experiments (gmoe_rates, gmoe_activation,
// gmoe_temperature): draw n pairs from the gate's reference truth
// (algorithms/gmoe/truth.h), fit k experts from `restarts` near-truth
// starts with the estimator spec, keep the fit of highest likelihood, and
// record its losses.
//
// Keys: gate, k (fitted experts; k = 2 is exact-specified, 3 or 4
// over-specified), n, estimator, restarts, init_scale_sd (starts moved
// along the scale direction to c (beta1, beta0, tau), log c ~ N(0, sd^2),
// when tau is estimated: a homogeneous gate cannot tell them from the
// truth, other activations can).
//
// Random streams (common random numbers). The sample comes from
// CellContext::DataStream keyed by the gate and the replicate only, so the
// exact- and over-specified fits (and every estimator) of a replicate see
// the same data, and the samples of one replicate are nested along n. The
// starts draw from the cell's own streams.
//
// Rows, all at step n:
//   d1, d2              Voronoi losses in raw coordinates (beta1, tau)
//   d1_ident, d2_ident  the same in identifiable coordinates (beta1/tau)
//   voronoi, voronoi_ident   d1 (k = 2) or d2 (k > 2): the headline loss
//   d2_mass, d2_shared (and _ident)   d2's mass term and its terms from
//                       cells holding several fitted atoms (the rbar
//                       powers); the rest of d2 comes from one-atom cells
//   err_beta1, err_tau, err_ratio   |beta1 - beta1*|, |tau - tau*| and
//                       |beta1/tau - beta1*/tau*| (L1, summed over fitted
//                       non-reference experts against their Voronoi cell)
//   inv_log_n           1 / log n, the reference curve of the slow rate
//   loglik_per_n        the kept fit's log-likelihood / n
//   converged           1 if the kept fit met its stopping rule, else 0
//   converged_share     fraction of the starts that converged
//   iterations          the kept fit's EM iterations
//   theory.slope, theory.fit            predicted slope of `voronoi`
//   theory.slope_ident                  predicted slope of `voronoi_ident`
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/experiment.h"

namespace expertlab::experiments {

// A gmoe study: the keys above (with the study's default gate), data keys
// {gate}, the cell checks and the fit. Each study subclasses it with its
// default gate; its configs pick the grid.
class GmoeStudy : public Experiment {
 public:
  explicit GmoeStudy(std::string default_gate) : default_gate_(std::move(default_gate)) {}
  std::vector<ParamSpec> Parameters() const override;
  std::vector<std::string> DataKeys() const override { return {"gate"}; }
  // Errors unless 2 <= k <= 4 (the true order is 2; the D2 exponents are
  // known for cells of up to 3 atoms) and n >= the fitted model's
  // parameters.
  void CheckCell(const Params& params) const override;
  void RunCell(const Params& params, CellContext& context) const override;

 private:
  std::string default_gate_;
};

}  // namespace expertlab::experiments

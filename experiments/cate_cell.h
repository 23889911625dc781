// One treatment-effect run per cell, shared by the cate experiments: draw
// covariates, the outcome simulator and the decision maker's actions, fit
// the cell's CATE learner on the first 80% of rows (no shuffle, as Hüyük et
// al., ICLR 2024, §5) and score it on the rest.
//
// Grid keys (CateKeys): learner (spec), covariates ("synthetic", the name of
// a data set `lab` prepares in data/ such as satellite or breast_cancer,
// label column dropped, or the path of a covariate CSV ending in .csv;
// files are preprocessed as algorithms/cate/covariates.h says and n rows
// drawn at random without replacement from the covariate stream), n (rows;
// a file gives at most its own), dim and rho (synthetic covariates),
// mask (m relevant features per weight vector), outcome (linear |
// nonlinear), policy (predictive | prognostic), beta (>= 0), d (the
// policy's feature shift, 0 <= d <= (dim - 2 mask) / 2).
//
// Random streams (common random numbers): covariates, simulator weights and
// the uniforms U_i that turn pi(x_i) into actions (A_i = [U_i < pi(x_i)])
// come from CellContext::DataStream keyed by (covariates, n, dim, rho,
// mask, outcome) and the replicate, so every learner, policy, beta and d
// of one replicate meets the same units (policies differ only through pi);
// the learner's own draws (initialisation, batches, folds) come from the
// cell's stream.
//
// Rows (step 0), all on the test rows:
//   pehe            sqrt(mean (tau_hat - tau)^2) against the true tau
//   pehe_released   the same against the policy's shifted tau_d (the
//                   authors' released scoring; = pehe at d = 0)
//   e_pred, e_prog  the policy's normalised expertise, plug-in on the true
//                   outcomes (the paper's "ground truth")
//   c               in-context action variability H[A|X] / H[A]
//   e_pred_hat, e_prog_hat  plug-in estimates from the learner's mu_hat
//                   (bins from the true outcomes)
//   choice          the learner's model choice, when it makes one
//   theory.e_pred   exact E_pred = 1 - c when the policy acts on tau itself
//                   (predictive, d = 0: H[A|tau] = H[A|X]); absent otherwise
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/experiment.h"
#include "sim/params.h"

namespace expertlab::experiments {

struct CateDefaults {
  std::string learner = "tarnet";
  int64_t n = 2000;
};

std::vector<ParamSpec> CateKeys(const CateDefaults& defaults);
std::vector<std::string> CateDataKeys();
// d within the masks' room; a covariate file is read (once per process)
// so a missing or malformed file stops the plan.
void CheckCateCell(const Params& params);
void RunCateCell(const Params& params, CellContext& context);

class CateStudy : public Experiment {
 public:
  explicit CateStudy(CateDefaults defaults) : defaults_(std::move(defaults)) {}
  std::vector<ParamSpec> Parameters() const override { return CateKeys(defaults_); }
  std::vector<std::string> DataKeys() const override { return CateDataKeys(); }
  void CheckCell(const Params& params) const override { CheckCateCell(params); }
  void RunCell(const Params& params, CellContext& context) const override {
    RunCateCell(params, context);
  }

 private:
  CateDefaults defaults_;
};

}  // namespace expertlab::experiments

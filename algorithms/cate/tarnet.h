// TARNet-family CATE learners, as compared by Hüyük, Wei, Curth & van der
// Schaar, "Defining Expertise: Applications to Treatment Effect
// Estimation", ICLR 2024, §5.2 (one network, tarnet_net.h, four losses):
//   tarnet             baseline: factual MSE (Shalit et al., ICML 2017)
//   ipw_tarnet         "propensity": factual MSE weighted by the inverse of
//                      the decision maker's propensity, a/pi + (1-a)/(1-pi),
//                      pi clipped to [clip, 1 - clip], normalised to mean 1
//   cfrnet             "balancing": + alpha ||mean_1 phi - mean_0 phi||^2
//                      (CFR with a linear-MMD IPM, Shalit et al., Eq. 4)
//   action_predictive  + lambda BCE of a logistic propensity head on phi
//                      (DragonNet-style, Shi, Blei & Veitch, NeurIPS 2019)
// Trained by AdamW on shuffled mini-batches for a fixed number of epochs
// (no early stopping, as the paper's code).
//
// Deliberate deviations from the authors' released code: the IPW loss uses
// inverse weights (their code multiplies by the propensity itself); the
// propensity head is one logistic output trained with BCE (their code feeds
// a softmax into a cross-entropy that applies another softmax); the MMD is
// taken on the raw representation (theirs standardises it).
//
// Parameters (all four)
//   hidden        int >= 1     100 (ipw_tarnet, action_predictive: 200)  representation units
//   epochs        int >= 1     100   passes over the training data
//   batch         int >= 1     256   mini-batch rows
//   lr            double > 0   1e-3  AdamW learning rate
//   weight_decay  double >= 0  1e-4  AdamW decoupled weight decay (weights only)
// and alpha (cfrnet, default 1), lambda (action_predictive, default 1),
// clip (ipw_tarnet, default 0.01).
#pragma once

#include <vector>

#include "algorithms/cate/learner.h"
#include "algorithms/cate/tarnet_net.h"
#include "sim/params.h"

namespace expertlab::cate {

enum class TarNetVariant { kBaseline, kIpw, kBalancing, kActionPredictive };

class TarNetLearner : public CateLearner {
 public:
  TarNetLearner(const Params& params, TarNetVariant variant);
  void Fit(const ObservationalData& data, Rng& rng) override;
  CatePrediction Predict(const Eigen::MatrixXd& x) const override;

 private:
  TarNetVariant variant_;
  int hidden_, epochs_, batch_;
  moe::AdamWConfig adam_{.clip_norm = 0};  // unclipped, as the paper trains
  TarNetTerms terms_;
  double clip_ = 0;
  std::vector<TarNet> net_;  // empty before Fit
};

// The parameters every TARNet-family learner has, with its hidden default.
std::vector<ParamSpec> TarNetSpecs(int hidden);

}  // namespace expertlab::cate

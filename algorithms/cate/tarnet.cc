#include "algorithms/cate/tarnet.h"

#include <algorithm>
#include <numeric>

#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::cate {

std::vector<ParamSpec> TarNetSpecs(int hidden) {
  return {ParamSpec::Int("hidden", hidden, Bounds::AtLeast(1), "representation units"),
          ParamSpec::Int("epochs", 100, Bounds::AtLeast(1), "passes over the training data"),
          ParamSpec::Int("batch", 256, Bounds::AtLeast(1), "mini-batch rows"),
          ParamSpec::Double("lr", 1e-3, Bounds::Positive(), "AdamW learning rate"),
          ParamSpec::Double("weight_decay", 1e-4, Bounds::AtLeast(0),
                            "AdamW decoupled weight decay (weights only)")};
}

TarNetLearner::TarNetLearner(const Params& params, TarNetVariant variant)
    : variant_(variant),
      hidden_(static_cast<int>(params.Int("hidden"))),
      epochs_(static_cast<int>(params.Int("epochs"))),
      batch_(static_cast<int>(params.Int("batch"))) {
  adam_.lr = params.Double("lr");
  adam_.weight_decay = params.Double("weight_decay");
  if (variant == TarNetVariant::kBalancing) terms_.balance = params.Double("alpha");
  if (variant == TarNetVariant::kActionPredictive) terms_.propensity = params.Double("lambda");
  if (variant == TarNetVariant::kIpw) clip_ = params.Double("clip");
}

void TarNetLearner::Fit(const ObservationalData& data, Rng& rng) {
  CheckObservational(data);
  const Eigen::Index n = data.Size();
  net_.clear();
  net_.emplace_back(static_cast<int>(data.x.cols()), hidden_, rng);
  TarNet& net = net_.front();
  const Eigen::VectorXd a = data.Actions();
  Eigen::VectorXd weight = Eigen::VectorXd::Ones(n);
  if (variant_ == TarNetVariant::kIpw) {
    const Eigen::ArrayXd pi = data.propensity.array().max(clip_).min(1 - clip_);
    weight = a.array() / pi + (1 - a.array()) / (1 - pi);
    weight /= weight.mean();
  }
  moe::AdamW<double> optimiser(adam_);
  std::vector<Eigen::Index> order(n);
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  Eigen::VectorXd grad;
  for (int epoch = 0; epoch < epochs_; ++epoch) {
    Shuffle(rng, order);
    for (Eigen::Index start = 0; start < n; start += batch_) {
      const std::vector<Eigen::Index> rows(
          order.begin() + start, order.begin() + std::min<Eigen::Index>(n, start + batch_));
      const TarNetBatch batch{data.x(rows, Eigen::all), a(rows), data.y(rows), weight(rows)};
      net.Loss(batch, terms_, &grad);
      optimiser.Step(net.Blocks(grad));
    }
  }
  EXPERTLAB_CHECK(net.theta().allFinite()) << "tarnet: training diverged (non-finite weights); "
                                           << "lower lr";
}

CatePrediction TarNetLearner::Predict(const Eigen::MatrixXd& x) const {
  EXPERTLAB_CHECK(!net_.empty()) << "tarnet: Predict before Fit";
  return net_.front().Predict(x);
}

namespace {

class TarNetBaseline final : public TarNetLearner {
 public:
  explicit TarNetBaseline(const Params& params) : TarNetLearner(params, TarNetVariant::kBaseline) {}
};

EXPERTLAB_REGISTER(CateLearner, TarNetBaseline, "tarnet",
                   "TARNet baseline: shared ReLU representation, two linear heads, factual MSE",
                   {TarNetSpecs(100)});

}  // namespace
}  // namespace expertlab::cate

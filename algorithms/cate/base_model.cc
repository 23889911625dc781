#include "algorithms/cate/base_model.h"

namespace expertlab::cate {

BaseModel::BaseModel(const Params& params)
    : mlp(params.String("base") == "mlp"), lambda(params.Double("lambda")) {
  settings.hidden = static_cast<int>(params.Int("hidden"));
  settings.layers = static_cast<int>(params.Int("layers"));
  settings.epochs = static_cast<int>(params.Int("epochs"));
  settings.batch = static_cast<int>(params.Int("batch"));
  settings.lr = params.Double("lr");
  settings.weight_decay = params.Double("weight_decay");
}

std::vector<ParamSpec> BaseModelSpecs() {
  const MlpSettings d;
  return {ParamSpec::Choice("base", "ridge", {"ridge", "mlp"},
                            "base regression of the outcome and effect fits"),
          ParamSpec::Double("lambda", 1e-4, Bounds::AtLeast(0),
                            "ridge penalty (mean squared error + lambda ||w||^2)"),
          ParamSpec::Int("hidden", d.hidden, Bounds::AtLeast(1), "MLP units per layer"),
          ParamSpec::Int("layers", d.layers, Bounds::AtLeast(1), "MLP hidden layers"),
          ParamSpec::Int("epochs", d.epochs, Bounds::AtLeast(1),
                         "MLP passes over the training data"),
          ParamSpec::Int("batch", d.batch, Bounds::AtLeast(1), "MLP mini-batch rows"),
          ParamSpec::Double("lr", d.lr, Bounds::Positive(), "MLP AdamW learning rate"),
          ParamSpec::Double("weight_decay", d.weight_decay, Bounds::AtLeast(0),
                            "MLP AdamW decoupled weight decay (weights only)")};
}

Regressor::Regressor(const BaseModel& base, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                     Rng& rng) {
  if (base.mlp)
    mlp_.emplace(x, y, base.settings, rng);
  else
    linear_ = FitRidge(x, y, base.lambda);
}

Eigen::VectorXd Regressor::Predict(const Eigen::MatrixXd& x) const {
  return mlp_ ? mlp_->Predict(x) : linear_.Predict(x);
}

}  // namespace expertlab::cate

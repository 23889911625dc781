#include "algorithms/gmoe/gate.h"

#include <cmath>
#include <numbers>

#include "sim/check.h"

namespace expertlab::gmoe {
namespace {

// GELU with the exact normal CDF: w Phi(w).
double NormalCdf(double w) { return 0.5 * std::erfc(-w / std::numbers::sqrt2); }
double NormalPdf(double w) { return std::exp(-0.5 * w * w) / std::sqrt(2 * std::numbers::pi); }

double Sigmoid(double w) {
  return w >= 0 ? 1.0 / (1.0 + std::exp(-w)) : std::exp(w) / (1.0 + std::exp(w));
}

}  // namespace

double Gate::Score(double w) const {
  switch (activation) {
    case Activation::kIdentity: return w;
    case Activation::kRelu: return w > 0 ? w : 0.0;
    case Activation::kSigmoid: return Sigmoid(w) - 0.5;
    case Activation::kTanh: return std::tanh(w);
    case Activation::kGelu: return w * NormalCdf(w);
  }
  return w;
}

double Gate::ScoreDerivative(double w) const {
  switch (activation) {
    case Activation::kIdentity: return 1.0;
    case Activation::kRelu: return w > 0 ? 1.0 : 0.0;
    case Activation::kSigmoid: {
      const double s = Sigmoid(w);
      return s * (1.0 - s);
    }
    case Activation::kTanh: {
      const double t = std::tanh(w);
      return 1.0 - t * t;
    }
    case Activation::kGelu: return NormalCdf(w) + w * NormalPdf(w);
  }
  return 1.0;
}

void Gate::ScoreAndDerivative(double w, double& score, double& derivative) const {
  switch (activation) {
    case Activation::kSigmoid: {
      const double s = Sigmoid(w);
      score = s - 0.5;
      derivative = s * (1.0 - s);
      return;
    }
    case Activation::kTanh: {
      const double t = std::tanh(w);
      score = t;
      derivative = 1.0 - t * t;
      return;
    }
    case Activation::kIdentity:
    case Activation::kRelu:
    case Activation::kGelu: break;
  }
  score = Score(w);
  derivative = ScoreDerivative(w);
}

const std::vector<std::string>& GateNames() {
  static const std::vector<std::string> names = {"softmax", "temperature", "identity", "relu",
                                                 "sigmoid", "tanh",        "gelu"};
  return names;
}

Gate ParseGate(std::string_view name) {
  static const std::pair<const char*, Activation> kActivations[] = {
      {"identity", Activation::kIdentity}, {"relu", Activation::kRelu},
      {"sigmoid", Activation::kSigmoid},   {"tanh", Activation::kTanh},
      {"gelu", Activation::kGelu}};
  Gate gate;
  gate.name = std::string(name);
  if (name == "softmax") return gate;
  gate.learn_tau = true;
  if (name == "temperature") return gate;
  for (const auto& [key, activation] : kActivations)
    if (name == key) {
      gate.activation = activation;
      return gate;
    }
  std::string accepted;
  for (const std::string& n : GateNames()) accepted += (accepted.empty() ? "" : ", ") + n;
  EXPERTLAB_CHECK(false) << "gate: unknown activation '" << name << "' (expected one of "
                         << accepted << ")";
  return gate;
}

}  // namespace expertlab::gmoe

#include "algorithms/moe/train/adamw.h"

#include <cmath>

#include "sim/check.h"

namespace expertlab::moe {

template <class S>
double GradientNorm(const std::vector<ParamRef<S>>& params) {
  double sq = 0;
  for (const auto& p : params)
    for (int64_t i = 0; i < p.size; ++i) sq += double(p.grad[i]) * p.grad[i];
  return std::sqrt(sq);
}

template <class S>
double AdamW<S>::Step(const std::vector<ParamRef<S>>& params) {
  if (m_.empty()) {
    for (const auto& p : params) {
      m_.emplace_back(p.size, 0.0);
      v_.emplace_back(p.size, 0.0);
    }
  }
  EXPERTLAB_CHECK(m_.size() == params.size()) << "adamw: parameter blocks changed";
  for (size_t b = 0; b < params.size(); ++b)
    EXPERTLAB_CHECK(static_cast<int64_t>(m_[b].size()) == params[b].size)
        << "adamw: parameter block " << b << " changed size";
  const double norm = GradientNorm(params);
  const double clip =
      (config_.clip_norm > 0 && norm > config_.clip_norm) ? config_.clip_norm / norm : 1.0;
  ++step_;
  const double c1 = 1.0 - std::pow(config_.beta1, double(step_));
  const double c2 = 1.0 - std::pow(config_.beta2, double(step_));
  for (size_t b = 0; b < params.size(); ++b) {
    const auto& p = params[b];
    auto& m = m_[b];
    auto& v = v_[b];
    for (int64_t i = 0; i < p.size; ++i) {
      const double g = double(p.grad[i]) * clip;
      m[i] = config_.beta1 * m[i] + (1 - config_.beta1) * g;
      v[i] = config_.beta2 * v[i] + (1 - config_.beta2) * g * g;
      double update = (m[i] / c1) / (std::sqrt(v[i] / c2) + config_.eps);
      if (p.decay) update += config_.weight_decay * double(p.value[i]);
      p.value[i] = static_cast<S>(double(p.value[i]) - config_.lr * update);
    }
  }
  return norm;
}

template <class S>
void AdamW<S>::Save(ByteWriter& out) const {
  out.Put<int64_t>(step_);
  out.Put<uint64_t>(m_.size());
  for (size_t b = 0; b < m_.size(); ++b) {
    out.PutVector(m_[b]);
    out.PutVector(v_[b]);
  }
}

template <class S>
void AdamW<S>::Restore(ByteReader& in) {
  step_ = in.Get<int64_t>();
  const uint64_t blocks = in.Get<uint64_t>();
  EXPERTLAB_CHECK(blocks <= in.Remaining()) << "checkpoint state is truncated";
  m_.assign(blocks, {});
  v_.assign(blocks, {});
  for (uint64_t b = 0; b < blocks; ++b) {
    m_[b] = in.GetVector<double>();
    v_[b] = in.GetVector<double>();
  }
}

template double GradientNorm<float>(const std::vector<ParamRef<float>>&);
template double GradientNorm<double>(const std::vector<ParamRef<double>>&);
template class AdamW<float>;
template class AdamW<double>;

}  // namespace expertlab::moe

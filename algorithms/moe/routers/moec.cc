#include "algorithms/moe/routers/moec.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "sim/check.h"
#include "sim/registry.h"

namespace expertlab::moe {

Moec::Moec(const Params& params)
    : groups_(params.Int("groups")),
      q_(params.Double("q")),
      dropout_interval_(params.Int("dropout_interval")),
      var_loss_(params.Double("var_loss")),
      reroute_in_cluster_(params.String("reroute") == "cluster") {}

int64_t Moec::Slots(int64_t /*top_k*/, int64_t experts) const {
  EXPERTLAB_CHECK(experts >= 1 && experts % groups_ == 0)
      << "moec: groups = " << groups_ << " must divide the number of experts E = " << experts;
  return 1;
}

void Moec::DrawDropMask(int64_t experts, Rng* rng) {
  const int64_t m = experts / groups_;
  const auto drop = static_cast<int64_t>(q_ * static_cast<double>(m));  // <= m - 1 for q < 1
  dropped_.assign(experts, 0);
  if (drop == 0) return;
  EXPERTLAB_CHECK(rng != nullptr)
      << "moec draws its expert-dropout mask from the caller's stream, and none was given (pass "
         "the cell's Rng to MoeLayer::Forward or MoeModel::Forward)";
  // The first `drop` positions of a uniform random permutation (partial
  // Fisher-Yates), dropped in every cluster.
  positions_.resize(m);
  std::iota(positions_.begin(), positions_.end(), 0);
  for (int64_t i = 0; i < drop; ++i)
    std::swap(positions_[i], positions_[i + static_cast<int64_t>(rng->UniformInt(m - i))]);
  for (int64_t g = 0; g < groups_; ++g)
    for (int64_t i = 0; i < drop; ++i) dropped_[g * m + positions_[i]] = 1;
}

int32_t Moec::Choose(const double* z, const double* p, int64_t experts, bool masked) const {
  int32_t top = 0;
  for (int32_t e = 1; e < experts; ++e)
    if (z[e] > z[top]) top = e;
  if (!masked || !dropped_[top]) return top;
  const int64_t m = experts / groups_;
  const int64_t lo = reroute_in_cluster_ ? top / m * m : 0;
  const int64_t hi = reroute_in_cluster_ ? lo + m : experts;
  int32_t best = -1;
  for (int64_t e = lo; e < hi; ++e)
    if (!dropped_[e] && (best < 0 || p[e] > p[best])) best = static_cast<int32_t>(e);
  return best;
}

void Moec::Route(const RouterContext& context, const double* logits, Routing* out) {
  const int64_t T = context.tokens, E = context.experts;
  Slots(context.top_k, E);
  if (context.training) {
    if (training_calls_ % dropout_interval_ == 0) DrawDropMask(E, context.rng);
    ++training_calls_;
  }
  const bool masked = context.training && std::count(dropped_.begin(), dropped_.end(), 1) > 0;
  out->Resize(T, E, 1);
  masked_.assign(logits, logits + T * E);
  if (masked)
    for (int64_t t = 0; t < T; ++t)
      for (int64_t e = 0; e < E; ++e)
        if (dropped_[e]) masked_[t * E + e] = -std::numeric_limits<double>::infinity();
  SoftmaxRows(masked_.data(), T, E, out->probs.data());
  for (int64_t t = 0; t < T; ++t) {
    const double* p = out->probs.data() + t * E;
    const int32_t e = Choose(logits + t * E, p, E, masked);
    out->expert[t] = e;
    out->weight[t] = p[e];
  }
}

void Moec::Backward(const RouterContext& /*context*/, const double* /*logits*/,
                    const Routing& routing, const double* d_weight, const double* d_probs,
                    double* d_logits) const {
  // p is the softmax over the surviving logits: a dropped logit has p = 0
  // and gets no gradient.
  SelectedSoftmaxBackward(routing, d_weight, d_probs, false, &d_probs_, d_logits);
}

double Moec::AuxiliaryLoss(const RouterContext& context, const double* logits,
                           const Routing& /*routing*/, double* d_logits) const {
  // On the unmasked softmax, so dropped experts are pulled with the rest of
  // their cluster. dL/dP_i = w E / G * 2 (P_i - mean_g) / m, dP_i/dp_ti = 1/T.
  const int64_t T = context.tokens, E = context.experts;
  if (var_loss_ == 0 || T == 0) return 0;
  const int64_t m = E / groups_;
  full_probs_.resize(T * E);
  SoftmaxRows(logits, T, E, full_probs_.data());
  std::vector<double> mass(E, 0.0);
  for (int64_t t = 0; t < T; ++t)
    for (int64_t e = 0; e < E; ++e) mass[e] += full_probs_[t * E + e] / static_cast<double>(T);
  const double scale = var_loss_ * static_cast<double>(E) / static_cast<double>(groups_);
  double total = 0;
  std::vector<double> d_mass(E);
  for (int64_t g = 0; g < groups_; ++g) {
    const double* cluster = mass.data() + g * m;
    const double mean = std::accumulate(cluster, cluster + m, 0.0) / static_cast<double>(m);
    for (int64_t i = 0; i < m; ++i) {
      const double gap = cluster[i] - mean;
      total += gap * gap / static_cast<double>(m);
      d_mass[g * m + i] = scale * 2.0 * gap / static_cast<double>(m);
    }
  }
  if (d_logits) {
    d_probs_.resize(T * E);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t e = 0; e < E; ++e) d_probs_[t * E + e] = d_mass[e] / static_cast<double>(T);
    SoftmaxRowsBackward(full_probs_.data(), d_probs_.data(), T, E, d_logits);
  }
  return scale * total;
}

void Moec::SaveState(ByteWriter& out) const {
  out.Put<int64_t>(training_calls_);
  out.PutVector(dropped_);
}

void Moec::RestoreState(ByteReader& in) {
  training_calls_ = in.Get<int64_t>();
  dropped_ = in.GetVector<char>();
}

EXPERTLAB_REGISTER(
    Router, Moec, "moec",
    "top-1 over clusters of experts with an intra-cluster variance loss and cluster-level "
    "expert dropout (Xie et al., MoEC, AAAI 2023)",
    {ParamSpec::Int("groups", 8, Bounds::AtLeast(1),
                    "clusters G of E / G consecutive experts (must divide E)"),
     ParamSpec::Double("q", 0.5, Bounds{0.0, 1.0, false, true},
                       "share of each cluster's experts dropped in training"),
     ParamSpec::Int("dropout_interval", 250, Bounds::AtLeast(1),
                    "training calls between two dropout masks"),
     ParamSpec::Double("var_loss", 0.01, Bounds::AtLeast(0),
                       "weight of the mean intra-cluster variance of routing mass"),
     ParamSpec::Choice("reroute", "cluster", {"cluster", "any"},
                       "a dropped choice goes to the best survivor of its cluster, or anywhere")})

}  // namespace expertlab::moe

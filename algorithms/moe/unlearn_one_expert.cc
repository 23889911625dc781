#include "algorithms/moe/unlearn_one_expert.h"

#include <algorithm>
#include <cmath>

#include "algorithms/moe/router.h"
#include "sim/check.h"

namespace expertlab::moe {
namespace {

bool Counted(const std::vector<char>& counted, int64_t t) { return counted.empty() || counted[t]; }

// A view of [value, value + size) inside one of `params` (the block that
// holds it), with its gradient at the same offset.
ParamRef<float> SliceOf(const std::vector<ParamRef<float>>& params, float* value, int64_t size) {
  for (const ParamRef<float>& p : params)
    if (value >= p.value && value + size <= p.value + p.size)
      return {value, p.grad + (value - p.value), size, p.decay};
  throw Error("unlearning: a parameter slice lies outside the model's parameters");
}

}  // namespace

std::vector<double> TopKGateScores(const double* logits, const int32_t* expert, int64_t T,
                                   int64_t E, int64_t slots) {
  std::vector<double> g(T * E, 0.0), s(E);
  for (int64_t t = 0; t < T; ++t) {
    SoftmaxRows(logits + t * E, 1, E, s.data());
    for (int64_t j = 0; j < slots; ++j) {
      const int32_t e = expert[t * slots + j];
      if (e >= 0 && e < E) g[t * E + e] = s[e];
    }
  }
  return g;
}

std::vector<double> ExpertAffinity(const std::vector<double>& g, int64_t sequences, int64_t length,
                                   int64_t E, const std::vector<char>& counted) {
  EXPERTLAB_CHECK(int64_t(g.size()) == sequences * length * E &&
                  (counted.empty() || int64_t(counted.size()) == sequences * length))
      << "expert attribution: gate scores and the counted mask must cover every position";
  std::vector<double> affinity(E, 0.0), mean(E);
  int64_t used = 0;
  for (int64_t j = 0; j < sequences; ++j) {
    std::fill(mean.begin(), mean.end(), 0.0);
    int64_t n = 0;
    for (int64_t t = j * length; t < (j + 1) * length; ++t) {
      if (!Counted(counted, t)) continue;
      ++n;
      for (int64_t i = 0; i < E; ++i) mean[i] += g[t * E + i];
    }
    if (n == 0) continue;
    ++used;
    for (int64_t i = 0; i < E; ++i) affinity[i] += mean[i] / double(n);
  }
  EXPERTLAB_CHECK(used > 0) << "expert attribution: the forget set is empty (no counted position)";
  for (double& a : affinity) a /= double(used);
  return affinity;
}

std::vector<ExpertId> TopAffinityExperts(const std::vector<std::vector<double>>& affinity,
                                         int64_t m, bool within_block) {
  std::vector<ExpertId> all;
  for (int64_t l = 0; l < int64_t(affinity.size()); ++l)
    for (int64_t i = 0; i < int64_t(affinity[l].size()); ++i) all.push_back({l, i});
  EXPERTLAB_CHECK(!all.empty()) << "expert attribution: no experts";
  const auto higher = [&](const ExpertId& a, const ExpertId& b) {
    return affinity[a.block][a.expert] > affinity[b.block][b.expert];
  };
  std::stable_sort(all.begin(), all.end(), higher);
  if (within_block) {
    const int64_t block = all.front().block;
    all.erase(
        std::remove_if(all.begin(), all.end(), [&](const ExpertId& x) { return x.block != block; }),
        all.end());
  }
  EXPERTLAB_CHECK(m >= 1 && m <= int64_t(all.size()))
      << "experts: must be in [1, " << all.size() << "] (the experts "
      << (within_block ? "of the block" : "of every block") << "), got " << m;
  all.resize(m);
  return all;
}

double AnchorLoss(const double* logits, const int32_t* expert, int64_t T, int64_t E, int64_t slots,
                  const std::vector<int32_t>& targets, bool topk_gate,
                  const std::vector<char>& counted, double scale, double* d_logits) {
  EXPERTLAB_CHECK(!targets.empty()) << "anchor loss: no target expert";
  std::vector<double> a(E, 0.0);
  for (int32_t e : targets) {
    EXPERTLAB_CHECK(e >= 0 && e < E && a[e] == 0)
        << "anchor loss: target experts must be distinct and in [0, " << E << "), got " << e;
    a[e] = 1.0 / double(targets.size());
  }
  EXPERTLAB_CHECK(counted.empty() || int64_t(counted.size()) == T)
      << "anchor loss: the counted mask must cover the " << T << " positions, got "
      << counted.size();
  int64_t n = 0;
  for (int64_t t = 0; t < T; ++t) n += Counted(counted, t);
  EXPERTLAB_CHECK(n > 0) << "anchor loss: the forget set is empty (no counted position)";
  std::vector<double> s(E), gate(E), d_gate(E), in_topk(E);
  double loss = 0;
  for (int64_t t = 0; t < T; ++t) {
    if (!Counted(counted, t)) continue;
    SoftmaxRows(logits + t * E, 1, E, s.data());
    std::fill(in_topk.begin(), in_topk.end(), topk_gate ? 0.0 : 1.0);
    for (int64_t j = 0; topk_gate && j < slots; ++j) {
      const int32_t e = expert[t * slots + j];
      if (e >= 0 && e < E) in_topk[e] = 1.0;
    }
    // dL/ds_i = 2 (gate_i - a_i) where the gate follows s (g is constant 0
    // off the top K), over the n positions; then back through the softmax.
    for (int64_t i = 0; i < E; ++i) {
      gate[i] = in_topk[i] * s[i];
      loss += (gate[i] - a[i]) * (gate[i] - a[i]);
      d_gate[i] = scale / double(n) * in_topk[i] * 2.0 * (gate[i] - a[i]);
    }
    SoftmaxRowsBackward(s.data(), d_gate.data(), 1, E, d_logits + t * E);
  }
  return loss / double(n);
}

template <class S>
void AddRouterGradient(const S* x, const double* d_logits, int64_t T, int64_t d, int64_t E,
                       S* grad) {
  for (int64_t t = 0; t < T; ++t)
    for (int64_t r = 0; r < d; ++r) {
      const double xr = double(x[t * d + r]);
      if (xr == 0) continue;
      for (int64_t i = 0; i < E; ++i)
        grad[r * E + i] = static_cast<S>(double(grad[r * E + i]) + xr * d_logits[t * E + i]);
    }
}

template void AddRouterGradient<float>(const float*, const double*, int64_t, int64_t, int64_t,
                                       float*);
template void AddRouterGradient<double>(const double*, const double*, int64_t, int64_t, int64_t,
                                        double*);

std::vector<ParamRef<float>> UnlearnedParams(SequenceModel<float>& model,
                                             const std::vector<ExpertId>& targets, bool routers,
                                             bool whole_model) {
  std::vector<ParamRef<float>> all = model.Params();
  if (whole_model) return all;
  std::vector<ParamRef<float>> out;
  std::vector<char> router_of(model.blocks(), targets.empty() && routers);
  for (const ExpertId& x : targets) {
    EXPERTLAB_CHECK(x.block >= 0 && x.block < model.blocks() && x.expert >= 0 &&
                    x.expert < model.config().moe.experts)
        << "unlearning: expert (" << x.block << ", " << x.expert << ") does not exist";
    MoeWeights<float>& w = model.layer(x.block).mutable_weights();
    const int64_t rows = w.offset[x.expert + 1] - w.offset[x.expert];  // d f_g
    out.push_back(SliceOf(all, w.Gate(x.expert), rows / w.d * w.gate_rows));
    if (w.swiglu) out.push_back(SliceOf(all, w.Up(x.expert), rows));
    out.push_back(SliceOf(all, w.Down(x.expert), rows));
    router_of[x.block] = routers;
  }
  for (int64_t l = 0; l < model.blocks(); ++l) {
    if (!router_of[l]) continue;
    AlignedVector<float>& r = model.layer(l).mutable_weights().router;
    out.push_back(SliceOf(all, r.data(), int64_t(r.size())));
  }
  EXPERTLAB_CHECK(!out.empty()) << "unlearning: no parameter to update";
  return out;
}

}  // namespace expertlab::moe

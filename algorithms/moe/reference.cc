#include "algorithms/moe/reference.h"

#include <Eigen/Core>
#include <vector>

#include "algorithms/moe/scalar_math.h"

namespace expertlab::moe {
namespace {

template <class S>
S Act(Activation a, S z) {
  switch (a) {
    case Activation::kRelu: return z > S(0) ? z : S(0);
    case Activation::kGelu: return GeluTanh(z);
    default: return Silu(z);  // the gate of SwiGLU
  }
}

}  // namespace

template <class S>
void NaiveForward(const MoeConfig& config, const MoeWeights<S>& w, const S* x, int64_t tokens,
                  int64_t slots, const int32_t* expert, const S* weight, S* y) {
  const int64_t d = config.d_model, f = config.d_ff;
  const bool swiglu = config.activation == Activation::kSwiGlu;
  std::vector<S> h(f);
  for (int64_t t = 0; t < tokens; ++t) {
    S* out = y + t * d;
    for (int64_t j = 0; j < d; ++j) out[j] = S(0);
    for (int64_t s = 0; s < slots; ++s) {
      const int32_t e = expert[t * slots + s];
      if (e < 0) continue;
      for (int64_t j = 0; j < f; ++j) {
        S g = 0, u = 0;
        for (int64_t i = 0; i < d; ++i) {
          g += x[t * d + i] * w.Gate(e)[i * f + j];
          if (swiglu) u += x[t * d + i] * w.Up(e)[i * f + j];
        }
        h[j] = swiglu ? Act(Activation::kSwiGlu, g) * u : Act(config.activation, g);
      }
      for (int64_t j = 0; j < d; ++j) {
        S acc = 0;
        for (int64_t i = 0; i < f; ++i) acc += h[i] * w.Down(e)[i * d + j];
        out[j] += weight[t * slots + s] * acc;
      }
    }
  }
}

template <class S>
void GatherGemmScatterForward(const MoeConfig& config, const MoeWeights<S>& w, const S* x,
                              int64_t tokens, int64_t slots, const int32_t* expert, const S* weight,
                              S* y, int threads) {
  using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using ConstMap = Eigen::Map<const Matrix>;
  Eigen::setNbThreads(threads);
  const int64_t d = config.d_model, f = config.d_ff, G = config.groups();
  const bool swiglu = config.activation == Activation::kSwiGlu;
  Eigen::Map<Matrix> out(y, tokens, d);
  out.setZero();
  std::vector<int64_t> rows;
  for (int64_t g = 0; g < G; ++g) {
    rows.clear();
    for (int64_t i = 0; i < tokens * slots; ++i)
      if (expert[i] == g) rows.push_back(i);
    if (rows.empty()) continue;
    const int64_t m = static_cast<int64_t>(rows.size());
    Matrix xg(m, d);
    for (int64_t r = 0; r < m; ++r) xg.row(r) = ConstMap(x + (rows[r] / slots) * d, 1, d);
    Matrix a = xg * ConstMap(w.Gate(g), d, f);
    if (swiglu) {
      Matrix u = xg * ConstMap(w.Up(g), d, f);
      a = a.binaryExpr(u, [](S g, S up) { return Silu(g) * up; });
    } else {
      a = a.unaryExpr([&](S z) { return Act(config.activation, z); });
    }
    const Matrix yg = a * ConstMap(w.Down(g), f, d);
    for (int64_t r = 0; r < m; ++r) out.row(rows[r] / slots) += weight[rows[r]] * yg.row(r);
  }
}

template void NaiveForward<float>(const MoeConfig&, const MoeWeights<float>&, const float*, int64_t,
                                  int64_t, const int32_t*, const float*, float*);
template void NaiveForward<double>(const MoeConfig&, const MoeWeights<double>&, const double*,
                                   int64_t, int64_t, const int32_t*, const double*, double*);
template void GatherGemmScatterForward<float>(const MoeConfig&, const MoeWeights<float>&,
                                              const float*, int64_t, int64_t, const int32_t*,
                                              const float*, float*, int);
template void GatherGemmScatterForward<double>(const MoeConfig&, const MoeWeights<double>&,
                                               const double*, int64_t, int64_t, const int32_t*,
                                               const double*, double*, int);

}  // namespace expertlab::moe

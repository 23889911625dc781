#include "algorithms/moe/reference.h"

#include <Eigen/Core>
#include <algorithm>
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

void SlotsOfGroup(const int32_t* expert, int64_t tokens, int64_t slots, int64_t g,
                  std::vector<int64_t>* slot_rows) {
  slot_rows->clear();
  for (int64_t i = 0; i < tokens * slots; ++i)
    if (expert[i] == g) slot_rows->push_back(i);
}

template <class S>
void GatherRows(const S* x, int64_t d, int64_t slots, const std::vector<int64_t>& slot_rows,
                S* dst) {
  for (size_t r = 0; r < slot_rows.size(); ++r)
    std::copy_n(x + (slot_rows[r] / slots) * d, d, dst + static_cast<int64_t>(r) * d);
}

template <class S>
void ScatterAddRows(const S* src, int64_t d, int64_t slots, const std::vector<int64_t>& slot_rows,
                    const S* weight, S* y) {
  for (size_t r = 0; r < slot_rows.size(); ++r) {
    S* out = y + (slot_rows[r] / slots) * d;
    const S* row = src + static_cast<int64_t>(r) * d;
    const S w = weight[slot_rows[r]];
    for (int64_t j = 0; j < d; ++j) out[j] += w * row[j];
  }
}

template <class S>
void NaiveForward(const MoeConfig& config, const MoeWeights<S>& w, const S* x, int64_t tokens,
                  int64_t slots, const int32_t* expert, const S* weight, S* y) {
  const int64_t d = config.d_model;
  const bool swiglu = config.activation == Activation::kSwiGlu;
  const int64_t r = config.gate_rank, cols = config.RouterColumns();
  std::vector<S> h(config.MaxWidth()), c(r);
  for (int64_t t = 0; t < tokens; ++t) {
    S* out = y + t * d;
    for (int64_t j = 0; j < d; ++j) out[j] = S(0);
    for (int64_t s = 0; s < slots; ++s) {
      const int32_t e = expert[t * slots + s];
      if (e < 0) continue;
      const int64_t f = config.Width(e);
      for (int64_t q = 0; q < r; ++q) {  // factorised gate: c = x A_e
        c[q] = 0;
        for (int64_t i = 0; i < d; ++i) c[q] += x[t * d + i] * w.router[i * cols + e * r + q];
      }
      for (int64_t j = 0; j < f; ++j) {
        S g = 0, u = 0;
        for (int64_t q = 0; q < r; ++q) g += c[q] * w.Gate(e)[q * f + j];
        for (int64_t i = 0; i < d; ++i) {
          if (r == 0) g += x[t * d + i] * w.Gate(e)[i * f + j];
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
  const int64_t d = config.d_model, G = config.groups();
  const bool swiglu = config.activation == Activation::kSwiGlu;
  Eigen::Map<Matrix> out(y, tokens, d);
  out.setZero();
  std::vector<int64_t> rows;
  for (int64_t g = 0; g < G; ++g) {
    SlotsOfGroup(expert, tokens, slots, g, &rows);
    if (rows.empty()) continue;
    const int64_t m = static_cast<int64_t>(rows.size()), f = config.Width(g);
    Matrix xg(m, d);
    GatherRows(x, d, slots, rows, xg.data());
    Matrix a;
    if (config.gate_rank > 0) {  // W_g = A_g B_g, A_g the router's column block g
      const int64_t r = config.gate_rank;
      const Eigen::Map<const Matrix, 0, Eigen::OuterStride<>> a_g(
          w.router.data() + g * r, d, r, Eigen::OuterStride<>(config.RouterColumns()));
      a = (xg * a_g) * ConstMap(w.Gate(g), r, f);
    } else {
      a = xg * ConstMap(w.Gate(g), d, f);
    }
    if (swiglu) {
      Matrix u = xg * ConstMap(w.Up(g), d, f);
      a = a.binaryExpr(u, [](S g, S up) { return Silu(g) * up; });
    } else {
      a = a.unaryExpr([&](S z) { return Act(config.activation, z); });
    }
    const Matrix yg = a * ConstMap(w.Down(g), f, d);
    ScatterAddRows(yg.data(), d, slots, rows, weight, y);
  }
}

#define EXPERTLAB_MOE_INSTANTIATE(S)                                                        \
  template void GatherRows<S>(const S*, int64_t, int64_t, const std::vector<int64_t>&, S*); \
  template void ScatterAddRows<S>(const S*, int64_t, int64_t, const std::vector<int64_t>&,  \
                                  const S*, S*);
EXPERTLAB_MOE_INSTANTIATE(float)
EXPERTLAB_MOE_INSTANTIATE(double)
#undef EXPERTLAB_MOE_INSTANTIATE
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

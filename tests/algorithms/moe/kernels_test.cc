#include "algorithms/moe/kernels.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <vector>

#include "sim/samplers.h"

namespace expertlab::moe {
namespace {

template <class S>
std::vector<S> RandomVector(int64_t n, Rng& rng) {
  std::vector<S> v(n);
  for (auto& x : v) x = static_cast<S>(Normal(rng));
  return v;
}

double Silu(double g) { return g / (1 + std::exp(-g)); }

// One GEMM problem of every kind, checked against a double-precision loop.
// Relative tolerance for float: inputs N(0,1), sums of k terms; the error
// of a float dot product is below k * 2^-24 * sum|a_i b_i| (Higham, Thm
// 3.1), so |err| / sqrt(k) stays far below 1e-4 for k <= 2000.
template <class S>
void CheckProblemKinds(const FloatKernels* kernels, int threads) {
  const double tol = std::is_same_v<S, float> ? 1e-4 : 1e-12;
  const uint64_t seed = 21;
  INFO("seed " << seed << " isa " << kernels->name << " threads " << threads);
  Rng rng(seed, 0, 0, 0);
  struct Shape {
    int64_t m, n, k;
  };
  for (Shape sh : {Shape{1, 1, 1}, Shape{7, 33, 5}, Shape{19, 70, 40}, Shape{3, 130, 17},
                   Shape{40, 20, 1700}}) {
    const int64_t m = sh.m, n = sh.n, k = sh.k;
    INFO("m " << m << " n " << n << " k " << k);
    const int64_t src_rows = m + 5;
    auto a_src = RandomVector<S>(src_rows * k, rng);
    std::vector<int32_t> index(m);
    for (int64_t i = 0; i < m; ++i) index[i] = static_cast<int32_t>((i * 7 + 3) % src_rows);
    auto bg = RandomVector<S>(k * n, rng), bu = RandomVector<S>(k * n, rng);
    std::vector<S> scale = RandomVector<S>(m, rng);
    auto A = [&](int64_t i, int64_t kk) { return double(a_src[index[i] * k + kk]); };
    auto ref = [&](int64_t i, int64_t j, const std::vector<S>& b) {
      double s = 0;
      for (int64_t kk = 0; kk < k; ++kk) s += A(i, kk) * double(b[kk * n + j]);
      return s;
    };
    auto close = [&](double got, double want, double norm) {
      return std::abs(got - want) <= tol * (norm + 1);
    };
    EngineOptions opt;
    opt.threads = threads;
    opt.kernels = kernels;
    const double norm = std::sqrt(double(k));

    // Store with gathered rows, prepacked B, row scale and scattered output.
    PackedPanels<S> pb;
    PackPanels(bg.data(), k, n, n, false, &pb);
    std::vector<S> c((m + 2) * n, S(-7));
    std::vector<int32_t> out_index(m);
    for (int64_t i = 0; i < m; ++i) out_index[i] = static_cast<int32_t>(m - 1 - i);
    GemmProblem<S> pr;
    pr.m = m;
    pr.n = n;
    pr.k = k;
    pr.a = {a_src.data(), k, index.data()};
    pr.b_packed = &pb;
    pr.c = {c.data(), n, out_index.data()};
    pr.row_scale = scale.data();
    RunGemms<S>({pr}, opt);
    int bad = 0;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        bad += !close(c[out_index[i] * n + j], scale[i] * ref(i, j, bg), norm);
    for (int64_t j = 0; j < 2 * n; ++j) bad += c[m * n + j] != S(-7);  // untouched
    CHECK(bad == 0);

    // SwiGLU epilogue with pre-activation copies.
    PackedPanels<S> psw;
    PackSwiGluPanels(bg.data(), bu.data(), k, n, n, &psw);
    std::vector<S> h(m * n), g(m * n), u(m * n);
    GemmProblem<S> sw = pr;
    sw.b_packed = &psw;
    sw.epilogue = Epilogue::kSwiGlu;
    sw.c = {h.data(), n, nullptr};
    sw.pre_g = {g.data(), n, nullptr};
    sw.pre_u = {u.data(), n, nullptr};
    sw.row_scale = nullptr;
    RunGemms<S>({sw}, opt);
    bad = 0;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        const double gg = ref(i, j, bg), uu = ref(i, j, bu);
        bad += !close(g[i * n + j], gg, norm) + !close(u[i * n + j], uu, norm) +
               !close(h[i * n + j], Silu(gg) * uu, norm * norm);
      }
    CHECK(bad == 0);

    // ReLU / GELU epilogues.
    for (Epilogue e : {Epilogue::kRelu, Epilogue::kGelu}) {
      GemmProblem<S> ac = pr;
      ac.epilogue = e;
      ac.c = {h.data(), n, nullptr};
      ac.pre_g = {g.data(), n, nullptr};
      ac.row_scale = nullptr;
      RunGemms<S>({ac}, opt);
      bad = 0;
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          const double z = ref(i, j, bg);
          const double want =
              e == Epilogue::kRelu
                  ? std::max(z, 0.0)
                  : 0.5 * z * (1 + std::tanh(0.7978845608028654 * (z + 0.044715 * z * z * z)));
          bad += !close(h[i * n + j], want, norm) + !close(g[i * n + j], z, norm);
        }
      CHECK(bad == 0);
    }

    // Transposed, gathered A (A[i][kk] = src[index'[kk]][i]) with B rows
    // packed on the fly, accumulating into C: the weight-gradient shape.
    const int64_t mt = 21;
    std::vector<int32_t> kidx(k);
    for (int64_t kk = 0; kk < k; ++kk) kidx[kk] = static_cast<int32_t>((kk * 5 + 1) % k);
    auto at_src = RandomVector<S>(k * mt, rng);
    std::vector<S> ct = RandomVector<S>(mt * n, rng), ct0 = ct;
    GemmProblem<S> tr;
    tr.m = mt;
    tr.n = n;
    tr.k = k;
    tr.a = {at_src.data(), mt, kidx.data()};
    tr.a_transposed = true;
    tr.b_rows = {bg.data(), n, nullptr};
    tr.c = {ct.data(), n, nullptr};
    tr.accumulate = true;
    RunGemms<S>({tr}, opt);
    bad = 0;
    for (int64_t i = 0; i < mt; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = ct0[i * n + j];
        for (int64_t kk = 0; kk < k; ++kk)
          s += double(at_src[kidx[kk] * mt + i]) * double(bg[kk * n + j]);
        bad += !close(ct[i * n + j], s, norm);
      }
    CHECK(bad == 0);

    // The same product written around the caches (weight gradients of big
    // layers): rows padded to whole cache lines so the non-temporal path
    // runs; it must give exactly the bits of ordinary stores.
    const int64_t ldc = (n + 15) / 16 * 16;
    AlignedVector<S> streamed(mt * ldc, S(-7)), cached(mt * ldc, S(-7));
    tr.accumulate = false;
    tr.c = {cached.data(), ldc, nullptr};
    RunGemms<S>({tr}, opt);
    tr.stream_c = true;
    tr.c = {streamed.data(), ldc, nullptr};
    RunGemms<S>({tr}, opt);
    bad = 0;
    for (int64_t i = 0; i < mt; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t kk = 0; kk < k; ++kk)
          s += double(at_src[kidx[kk] * mt + i]) * double(bg[kk * n + j]);
        bad += !close(streamed[i * ldc + j], s, norm);
      }
    CHECK(bad == 0);
    CHECK(std::memcmp(streamed.data(), cached.data(), streamed.size() * sizeof(S)) == 0);
  }
}

TEST_CASE("grouped GEMM engine matches a double loop for every problem kind", "[theory][moe]") {
  CheckProblemKinds<double>(&GenericFloatKernels(), 1);
  // Every float ISA this CPU has (generic, AVX2+FMA, AVX-512).
  for (Isa isa : {Isa::kGeneric, Isa::kAvx2Fma, Isa::kAvx512})
    if (const FloatKernels* k = FindFloatKernels(isa)) CheckProblemKinds<float>(k, 2);
}

TEST_CASE("grouped GEMM engine is bit-identical for 1 and 2 threads", "[determinism][moe]") {
  const uint64_t seed = 8;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  const int64_t m = 75, n = 300, k = 2000;
  auto a = RandomVector<float>(m * k, rng), b = RandomVector<float>(k * n, rng);
  PackedPanels<float> pb;
  PackPanels(b.data(), k, n, n, false, &pb);
  std::vector<float> c1(m * n), c2(m * n);
  GemmProblem<float> pr;
  pr.m = m;
  pr.n = n;
  pr.k = k;
  pr.a = {a.data(), k, nullptr};
  pr.b_packed = &pb;
  pr.c = {c1.data(), n, nullptr};
  INFO("isa " << BestFloatKernels().name);
  RunGemms<float>({pr}, {1, true});
  pr.c = {c2.data(), n, nullptr};
  RunGemms<float>({pr}, {2, true});
  CHECK(std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(float)) == 0);
}

TEST_CASE("dispatch is a stable counting sort by expert", "[unit][moe]") {
  const std::vector<int32_t> expert = {2, 0, -1, 2, 1, 0, 2, -1};  // T=4, slots=2
  Dispatch d;
  BuildDispatch(expert.data(), 4, 2, 4, &d);
  CHECK(d.offset == std::vector<int64_t>{0, 2, 3, 6, 6});
  CHECK(d.slot == std::vector<int32_t>{1, 5, 4, 0, 3, 6});
  CHECK(d.token == std::vector<int32_t>{0, 2, 2, 0, 1, 3});
  CHECK(d.row_of_slot == std::vector<int32_t>{3, 0, -1, 4, 2, 1, 5, -1});
}

}  // namespace
}  // namespace expertlab::moe

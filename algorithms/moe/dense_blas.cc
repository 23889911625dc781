#include "algorithms/moe/dense_blas.h"

#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <vector>

#include "algorithms/moe/float_kernels.h"
#include "algorithms/moe/reference.h"
#include "algorithms/moe/topk_softmax.h"
#include "algorithms/moe/train.h"
#include "sim/check.h"
#include "sim/rng.h"
#include "sim/timing.h"

namespace expertlab::moe {

DenseBlas& DenseBlas::Get() {
  static DenseBlas* blas = new DenseBlas();  // never unloaded
  return *blas;
}

void DenseBlas::SetBenchmarkEnvironment() {
  unsetenv("OPENBLAS_CORETYPE");
  unsetenv("OPENBLAS_L2_SIZE");
  // OpenBLAS worker threads spin for a long time after each call by
  // default; in a benchmark that alternates libraries on 2 cores that spin
  // steals the cores from the next variant. Keep the spin short.
  setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0);
}

DenseBlas::DenseBlas() {
  void* lib = nullptr;
  for (const char* name : {"libopenblas.so.0", "libopenblas.so"}) {
    lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib) break;
  }
  if (!lib) return;
  sgemm_ = reinterpret_cast<SgemmFn>(dlsym(lib, "cblas_sgemm"));
  set_threads_ = reinterpret_cast<void (*)(int)>(dlsym(lib, "openblas_set_num_threads"));
  core_name_ = reinterpret_cast<char* (*)()>(dlsym(lib, "openblas_get_corename"));
}

std::string DenseBlas::CoreName() const {
  if (!sgemm_) return "unavailable";
  return core_name_ ? std::string(core_name_()) : std::string("unknown");
}

void DenseBlas::SetThreads(int threads) const {
  if (set_threads_) set_threads_(threads);
}

void DenseBlas::Sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                      const float* a, int64_t lda, const float* b, int64_t ldb, float beta,
                      float* c, int64_t ldc) const {
  EXPERTLAB_CHECK(sgemm_ != nullptr) << "OpenBLAS is not available";
  constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
  sgemm_(kRowMajor, trans_a ? kTrans : kNoTrans, trans_b ? kTrans : kNoTrans, static_cast<int>(m),
         static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b,
         static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

void FillUniform(std::span<float> v, uint64_t seed, float scale, int threads) {
  const int64_t n = static_cast<int64_t>(v.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t z = MixSeed(seed, static_cast<uint64_t>(i));
    v[i] = scale * (static_cast<float>(z >> 40) * 0x1.0p-24f * 2.0f - 1.0f);
  }
}

namespace {

void SiluMulAny(const float* g, const float* u, float* h, int64_t n) {
  BestFloatKernels().silu_mul(g, u, h, n);
}

}  // namespace

DenseSwiGlu::DenseSwiGlu(int64_t tokens, int64_t d, int64_t h, int threads, uint64_t seed)
    : T_(tokens), d_(d), h_(h), threads_(threads), blas_(DenseBlas::Get().available()) {
  wgu_.resize(d * 2 * h);
  wd_.resize(h * d);
  x_.resize(tokens * d);
  gu_.resize(tokens * 2 * h);
  hid_.resize(tokens * h);
  y_.resize(tokens * d);
  FillUniform(wgu_, seed + 1, 1.0f / std::sqrt(float(d)), threads);
  FillUniform(wd_, seed + 2, 1.0f / std::sqrt(float(h)), threads);
  FillUniform(x_, seed + 3, 1.0f, threads);
  set_threads(threads);
}

void DenseSwiGlu::set_threads(int threads) {
  threads_ = threads;
  if (blas_) DenseBlas::Get().SetThreads(threads);
}

void DenseSwiGlu::Gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a,
                       const float* b, float* c) {
  if (blas_) {
    DenseBlas::Get().Sgemm(ta, tb, m, n, k, 1.0f, a, ta ? m : k, b, tb ? k : n, 0.0f, c, n);
  } else {
    MatMul(a, ta, b, tb, m, n, k, c, false, threads_);
  }
}

void DenseSwiGlu::Forward() {
  Gemm(false, false, T_, 2 * h_, d_, x_.data(), wgu_.data(), gu_.data());
#pragma omp parallel for num_threads(threads_) schedule(static)
  for (int64_t t = 0; t < T_; ++t)
    SiluMulAny(gu_.data() + t * 2 * h_, gu_.data() + t * 2 * h_ + h_, hid_.data() + t * h_, h_);
  Gemm(false, false, T_, d_, h_, hid_.data(), wd_.data(), y_.data());
}

void DenseSwiGlu::Backward() {
  dgu_.resize(T_ * 2 * h_);
  dh_.resize(T_ * h_);
  dwgu_.resize(d_ * 2 * h_);
  dwd_.resize(h_ * d_);
  dx_.resize(T_ * d_);
  const float* dy = y_.data();
  Gemm(false, true, T_, h_, d_, dy, wd_.data(), dh_.data());
  Gemm(true, false, h_, d_, T_, hid_.data(), dy, dwd_.data());
  const FloatKernels& fk = BestFloatKernels();
#pragma omp parallel for num_threads(threads_) schedule(static)
  for (int64_t t = 0; t < T_; ++t) {
    const float* g = gu_.data() + t * 2 * h_;
    float* row = dgu_.data() + t * 2 * h_;
    fk.swiglu_backward(g, g + h_, dh_.data() + t * h_, hid_.data() + t * h_, 1.0f, h_, row,
                       row + h_);
  }
  Gemm(true, false, d_, 2 * h_, T_, x_.data(), dgu_.data(), dwgu_.data());
  Gemm(false, true, T_, d_, 2 * h_, dgu_.data(), wgu_.data(), dx_.data());
}

void GatherBlasScatterForward(const MoeConfig& config, const MoeWeights<float>& w, const float* x,
                              int64_t tokens, int64_t slots, const int32_t* expert,
                              const float* weight, float* y) {
  const DenseBlas& blas = DenseBlas::Get();
  EXPERTLAB_CHECK(blas.available()) << "GatherBlasScatterForward needs OpenBLAS";
  EXPERTLAB_CHECK(config.activation == Activation::kSwiGlu && config.gate_rank == 0)
      << "GatherBlasScatterForward: SwiGLU experts with full gates only";
  const int64_t d = config.d_model;
  std::fill(y, y + tokens * d, 0.0f);
  std::vector<int64_t> rows;
  std::vector<float> xg, g, u, yg;
  for (int64_t e = 0; e < config.groups(); ++e) {
    SlotsOfGroup(expert, tokens, slots, e, &rows);
    if (rows.empty()) continue;
    const int64_t f = config.Width(e);
    const int64_t n = static_cast<int64_t>(rows.size());
    xg.resize(n * d);
    g.resize(n * f);
    u.resize(n * f);
    yg.resize(n * d);
    GatherRows(x, d, slots, rows, xg.data());
    blas.Sgemm(false, false, n, f, d, 1, xg.data(), d, w.Gate(e), f, 0, g.data(), f);
    blas.Sgemm(false, false, n, f, d, 1, xg.data(), d, w.Up(e), f, 0, u.data(), f);
    SiluMulAny(g.data(), u.data(), g.data(), n * f);
    blas.Sgemm(false, false, n, d, f, 1, g.data(), f, w.Down(e), d, 0, yg.data(), d);
    ScatterAddRows(yg.data(), d, slots, rows, weight, y);
  }
}

BenchMoe MakeBenchMoe(const MoeConfig& config, int64_t tokens, uint64_t seed, int threads,
                      std::unique_ptr<Router> router) {
  const float sd_in = 1.0f / std::sqrt(float(config.d_model));
  const float sd_out = 1.0f / std::sqrt(float(config.d_ff));
  auto w = MoeWeights<float>::Zeros(config);
  FillUniform(w.router, MixSeed(seed, 1), 1.0f, threads);
  FillUniform(w.w_gate, MixSeed(seed, 2), sd_in, threads);
  FillUniform(w.w_up, MixSeed(seed, 3), sd_in, threads);
  FillUniform(w.w_down, MixSeed(seed, 4), sd_out, threads);
  BenchMoe m;
  if (!router) router = std::make_unique<TopKSoftmax>(true);
  m.layer = std::make_unique<MoeLayer<float>>(config, std::move(router), std::move(w));
  m.x.resize(tokens * config.d_model);
  FillUniform(m.x, MixSeed(seed, 5), 1.0f, threads);
  return m;
}

MachineLimits MeasureMachine(int threads) {
  MachineLimits limits;
  // The best of `reps` timed passes, in 1e9 units (FLOP, bytes) per second.
  auto best_rate = [](int reps, double units, const std::function<void()>& pass) {
    double best = 0;
    for (int rep = 0; rep < reps; ++rep) best = std::max(best, units / SecondsOf(pass) / 1e9);
    return best;
  };
  // Peak: independent FMA chains in registers on every thread, with the
  // widest vector ISA the kernels use here.
  const FloatKernels& fk = BestFloatKernels();
  limits.isa = fk.name;
  if (fk.fma_spin) {
    const int64_t iters = 20'000'000 * 16 / fk.lanes;
    limits.peak_gflops = best_rate(
        3, static_cast<double>(iters) * static_cast<double>(fk.fma_spin_flops) * threads, [&] {
#pragma omp parallel num_threads(threads)
          {
            float sink = 0;
            fk.fma_spin(iters, &sink);
            if (sink == 12345.f) std::abort();  // keep the result alive
          }
        });
  }
  // STREAM triad on 3 x 128 MiB arrays (far beyond any LLC), best of 5.
  const int64_t n = int64_t{1} << 24;
  const double stream_bytes = 24.0 * static_cast<double>(n);
  std::vector<double> a(n), b(n, 1.0), c(n, 2.0);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < n; ++i) a[i] = 0;
  limits.triad_gbytes = best_rate(5, stream_bytes, [&] { TriadPass(a, b, c, threads); });
  if (a[n / 2] != 7.0) std::abort();
  // Read-only stream over the same 384 MiB (three streams, like a decode
  // tile's panels): the most a kernel that only reads can draw, above triad,
  // which also pays for its writes.
  uint64_t bits = 0;
  limits.read_gbytes = best_rate(5, stream_bytes, [&] {
    uint64_t pass_bits = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(^ : pass_bits)
    for (int64_t i = 0; i < n; ++i)
      pass_bits ^= std::bit_cast<uint64_t>(a[i]) ^ std::bit_cast<uint64_t>(b[i]) ^
                   std::bit_cast<uint64_t>(c[i]);
    bits ^= pass_bits;
  });
  if (bits == 1) std::abort();  // keep the reads alive
  return limits;
}

void TriadPass(std::span<double> a, std::span<const double> b, std::span<const double> c,
               int threads) {
  const auto n = static_cast<int64_t>(a.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
}

}  // namespace expertlab::moe

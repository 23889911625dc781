// The fastest dense SGEMM on the machine, as the reference the MoE kernels
// are measured against: OpenBLAS loaded at run time (dlopen), so nothing
// links against it and machines without it still build and run (callers
// then fall back to the engine's own dense path).
//
// Some machines export OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (older OpenBLAS
// builds needed them); they force slower kernels. Loading never touches the
// environment: a program that times OpenBLAS calls
// SetBenchmarkEnvironment() first, and CoreName() reports the kernel that
// actually ran.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"

namespace expertlab::moe {

class DenseBlas {
 public:
  // The process-wide instance; loads OpenBLAS on first use.
  static DenseBlas& Get();
  // Changes this process's environment for OpenBLAS to read when it loads:
  // unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (native kernels) and sets
  // OPENBLAS_THREAD_TIMEOUT=4 unless set (short spin of idle workers, which
  // on 2 cores would steal a core from the next variant timed). OpenBLAS
  // has no API for these. Only programs that time OpenBLAS call it (the
  // moe_kernels experiment, bench/moe_bench.cc), before the first Get();
  // afterwards it has no effect on the loaded library.
  static void SetBenchmarkEnvironment();
  bool available() const { return sgemm_ != nullptr; }
  std::string CoreName() const;
  void SetThreads(int threads) const;
  // Row-major C (m x n) = alpha op(A) op(B) + beta C.
  void Sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
             const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
             int64_t ldc) const;

 private:
  DenseBlas();
  using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*,
                           int, float, float*, int);
  SgemmFn sgemm_ = nullptr;
  void (*set_threads_)(int) = nullptr;
  char* (*core_name_)() = nullptr;
};

// One dense SwiGLU MLP of hidden width h over T tokens: the FLOP equivalent
// of an MoE layer with h = k f (6 T d h FLOP forward, 12 T d h backward).
// OpenBLAS when loaded, else the engine's own GEMM (MatMul in train.h).
class DenseSwiGlu {
 public:
  DenseSwiGlu(int64_t tokens, int64_t d, int64_t h, int threads, uint64_t seed);
  void Forward();
  void Backward();  // after Forward; dy = y
  void set_threads(int threads);
  bool uses_blas() const { return blas_; }

 private:
  void Gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, const float* b,
            float* c);
  int64_t T_, d_, h_;
  int threads_;
  bool blas_;
  std::vector<float> wgu_, wd_, x_, gu_, hid_, y_, dgu_, dh_, dwgu_, dwd_, dx_;
};

// The per-expert loop with the fastest library GEMM: for each expert, copy
// its rows, three OpenBLAS GEMMs, SiLU*mul, scatter-add weighted rows (the
// per-expert loop of reference.h with the fastest library GEMM, so a stricter
// reference than the Eigen one).
// Routing as in reference.h (expert, weight per (token, slot)).
void GatherBlasScatterForward(const MoeConfig& config, const MoeWeights<float>& weights,
                              const float* x, int64_t tokens, int64_t slots, const int32_t* expert,
                              const float* weight, float* y);

// Deterministic fill for benchmark tensors: v[i] uniform in [-scale, scale)
// from MixSeed(seed, i) (sim/rng.h), fast for gigabyte-sized weights.
void FillUniform(std::span<float> v, uint64_t seed, float scale, int threads);

// The MoE layer every benchmark and kernel experiment times: `router` (null:
// top-k softmax, renormalised), weights uniform with the fan-in scale of MoeWeights::Random
// (router scale 1), an input x [tokens x d] uniform in [-1, 1), all filled
// from `seed` with `threads` threads.
struct BenchMoe {
  std::unique_ptr<MoeLayer<float>> layer;
  std::vector<float> x;
};
BenchMoe MakeBenchMoe(const MoeConfig& config, int64_t tokens, uint64_t seed, int threads,
                      std::unique_ptr<Router> router = nullptr);

// Machine limits measured in-process, for rooflines and % of peak.
struct MachineLimits {
  double peak_gflops = 0;   // register-only FMA loop, all threads
  double triad_gbytes = 0;  // STREAM triad a = b + s c (24 B/element)
  double read_gbytes = 0;   // read-only stream (XOR reduction), no writes
  std::string isa;          // float kernels in use (FloatKernels::name)
};
// `threads` OpenMP threads; takes about a second.
MachineLimits MeasureMachine(int threads);

// One STREAM triad pass a = b + 3 c on `threads` threads: 24 bytes moved
// per element (read b and c, write a). Arrays of equal length.
void TriadPass(std::span<double> a, std::span<const double> b, std::span<const double> c,
               int threads);

}  // namespace expertlab::moe

#include "algorithms/moe/float_kernels.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "algorithms/moe/kernels.h"
#include "sim/samplers.h"

namespace expertlab::moe {
namespace {

// Every float kernel set this CPU can run: generic, then AVX2+FMA and
// AVX-512 when present.
std::vector<const FloatKernels*> AvailableKernels() {
  std::vector<const FloatKernels*> out;
  for (Isa isa : {Isa::kGeneric, Isa::kAvx2Fma, Isa::kAvx512})
    if (const FloatKernels* k = FindFloatKernels(isa)) out.push_back(k);
  return out;
}

double SiluD(double g) { return g / (1 + std::exp(-g)); }
double GeluD(double z) {
  return 0.5 * z * (1 + std::tanh(0.7978845608028654 * (z + 0.044715 * z * z * z)));
}

TEST_CASE("float kernel dispatch picks the widest ISA the CPU supports", "[unit][moe]") {
  const FloatKernels& best = BestFloatKernels();
  INFO("float kernels: " << best.name);
  REQUIRE(FindFloatKernels(Isa::kGeneric) == &GenericFloatKernels());
  for (const FloatKernels* k : AvailableKernels()) {
    CHECK(static_cast<int>(k->isa) <= static_cast<int>(best.isa));
    CHECK(k->run_tile);
    CHECK(k->pack_rows);
    CHECK(k->silu_mul);
    CHECK(k->swiglu_backward);
    CHECK((k->fma_spin != nullptr) == (k->isa != Isa::kGeneric));
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    CHECK(best.isa != Isa::kGeneric);
  EngineOptions scalar;
  scalar.use_simd = false;
  CHECK(&ActiveFloatKernels(scalar) == &GenericFloatKernels());
  CHECK(&ActiveFloatKernels(EngineOptions{}) == &best);
}

// One register tile per case, straight through FloatKernels::run_tile, on
// random shapes: 1..8 rows, 1..4 panels, partial columns, K across the
// kernels' internal K blocks, every epilogue, accumulate, optional
// pre-activation copies. Reference in double.
//
// Tolerance: a float dot product of k terms, in any summation order, with
// or without FMA, errs by at most gamma_k sum_i |a_i b_i| with gamma_k ~ k
// 2^-24 (Higham, Thm 3.1). Each output z is checked against
//   |got - want| <= (k + 16) 2^-23 * D * M + 2e-6 |want|,
// M = sum_i |a_i b_i| (the dot's magnitude), D the activation's derivative
// bound (1 for linear/ReLU, 1.2 for GELU; for silu(g) u the terms
// 1.1 |u| M_g + (|g| + 1) M_u), and the 2e-6 relative slack covers the exp
// polynomial (~1e-7) and the epilogue's rounding.
TEST_CASE("every float ISA computes tiles like a double loop", "[theory][moe]") {
  const uint64_t seed = 77;
  INFO("seed " << seed);
  for (const FloatKernels* kernels : AvailableKernels()) {
    INFO("isa " << kernels->name);
    Rng rng(seed, 0, 0, 0);
    int bad = 0, checked = 0;
    for (int trial = 0; trial < 160; ++trial) {
      const int rows = 1 + trial % kTileRows;
      const int panels = 1 + static_cast<int>(rng.NextU64() % kMaxTilePanels);
      const int64_t ks[] = {1, 3, 8, 64, 127, 128, 129, 300};
      const int64_t k = ks[rng.NextU64() % 8];
      const auto epilogue = static_cast<Epilogue>(rng.NextU64() % 4);
      const bool accumulate = epilogue == Epilogue::kStore && rng.NextU64() % 2;
      const bool copies = rng.NextU64() % 2;
      const int opp = epilogue == Epilogue::kSwiGlu ? kPanelCols / 2 : kPanelCols;
      INFO("trial " << trial << " rows " << rows << " panels " << panels << " k " << k
                    << " epilogue " << static_cast<int>(epilogue) << " accumulate " << accumulate);

      std::vector<float> a(k * kTileRows), b(panels * k * kPanelCols);
      for (auto& v : a) v = static_cast<float>(Normal(rng));
      for (auto& v : b) v = static_cast<float>(Normal(rng));
      // Output rows of width panels * opp plus a guard band that must stay.
      const int64_t width = panels * opp + 8;
      std::vector<float> c(rows * width), g(rows * width, -3.f), u(rows * width, -3.f);
      for (auto& v : c) v = static_cast<float>(Normal(rng));
      const std::vector<float> c0 = c;

      TileJob<float> job;
      job.k = k;
      job.a = a.data();
      job.b = b.data();
      job.b_panel_stride = k * kPanelCols;
      job.rows = rows;
      job.panels = panels;
      for (int p = 0; p < panels; ++p) {
        // Mostly full panels, sometimes partial (including a single column).
        const int r = static_cast<int>(rng.NextU64() % 4);
        job.cols[p] = r == 0 ? 1 + static_cast<int>(rng.NextU64() % opp) : opp;
      }
      // Partial panels only make sense last: earlier ones would overlap.
      for (int p = 0; p + 1 < panels; ++p) job.cols[p] = opp;
      job.epilogue = epilogue;
      job.accumulate = accumulate;
      job.c_panel_step = opp;
      std::vector<float> scale(rows);
      for (int i = 0; i < rows; ++i) {
        scale[i] = static_cast<float>(Normal(rng));
        job.c[i] = c.data() + i * width;
        job.pre_g[i] = copies ? g.data() + i * width : nullptr;
        job.pre_u[i] = copies && epilogue == Epilogue::kSwiGlu ? u.data() + i * width : nullptr;
        job.scale[i] = epilogue == Epilogue::kStore ? scale[i] : 1.0f;
      }
      kernels->run_tile(job);

      const double unit = (double(k) + 16) * std::ldexp(1.0, -23);
      auto dot = [&](int i, int p, int col, double* mag) {
        double s = 0, m = 0;
        for (int64_t kk = 0; kk < k; ++kk) {
          const double t =
              double(a[kk * kTileRows + i]) * double(b[p * k * kPanelCols + kk * kPanelCols + col]);
          s += t;
          m += std::abs(t);
        }
        *mag = m;
        return s;
      };
      auto expect = [&](float got, double want, double bound) {
        ++checked;
        if (!(std::abs(double(got) - want) <= bound + 2e-6 * std::abs(want))) {
          ++bad;
          UNSCOPED_INFO("got " << got << " want " << want << " bound " << bound);
        }
      };
      for (int i = 0; i < rows; ++i) {
        const float* ci = c.data() + i * width;
        for (int p = 0; p < panels; ++p) {
          for (int j = 0; j < opp; ++j) {
            const int64_t col = p * opp + j;
            if (j >= job.cols[p]) {
              // Past the valid columns: untouched.
              if (p + 1 == panels) bad += ci[col] != c0[i * width + col];
              continue;
            }
            double mz, mu;
            const double z = dot(i, p, j, &mz);
            if (epilogue == Epilogue::kStore) {
              const double want =
                  double(scale[i]) * z + (accumulate ? double(c0[i * width + col]) : 0.0);
              expect(ci[col], want, unit * std::abs(scale[i]) * mz);
            } else if (epilogue == Epilogue::kSwiGlu) {
              const double up = dot(i, p, j + kPanelCols / 2, &mu);
              expect(ci[col], SiluD(z) * up,
                     unit * (1.1 * std::abs(up) * mz + (std::abs(z) + 1) * mu));
              if (copies) {
                expect(g[i * width + col], z, unit * mz);
                expect(u[i * width + col], up, unit * mu);
              }
            } else {
              const bool relu = epilogue == Epilogue::kRelu;
              expect(ci[col], relu ? std::max(z, 0.0) : GeluD(z), unit * (relu ? 1.0 : 1.2) * mz);
              if (copies) expect(g[i * width + col], z, unit * mz);
            }
          }
        }
        for (int64_t col = panels * opp; col < width; ++col)
          bad += ci[col] != c0[i * width + col];  // guard band untouched
      }
    }
    CHECK(checked > 10000);
    CHECK(bad == 0);
  }
}

// The row kernels of every ISA against double loops, lengths across the
// vector width (tails included).
TEST_CASE("every float ISA packs rows and runs SwiGLU rows like a double loop", "[theory][moe]") {
  const uint64_t seed = 5;
  INFO("seed " << seed);
  for (const FloatKernels* kernels : AvailableKernels()) {
    INFO("isa " << kernels->name);
    Rng rng(seed, 0, 0, 0);
    for (int64_t n : {1, 7, 8, 15, 16, 17, 33, 100}) {
      INFO("n " << n);
      std::vector<float> gv(n), uv(n), z(n), h(n), dg(n), du(n);
      for (int64_t j = 0; j < n; ++j) {
        gv[j] = static_cast<float>(3 * Normal(rng));
        uv[j] = static_cast<float>(Normal(rng));
        z[j] = static_cast<float>(Normal(rng));
      }
      kernels->silu_mul(gv.data(), uv.data(), h.data(), n);
      const float w = 0.75f;
      const float got_dot = kernels->swiglu_backward(gv.data(), uv.data(), z.data(), h.data(), w, n,
                                                     dg.data(), du.data());
      double want_dot = 0, mag = 0;
      int bad = 0;
      for (int64_t j = 0; j < n; ++j) {
        const double g = gv[j], u = uv[j], sig = 1 / (1 + std::exp(-g));
        const double hh = SiluD(g) * u;
        bad += !(std::abs(h[j] - hh) <= 4e-6 * (std::abs(hh) + 1e-30) + 1e-30);
        want_dot += double(h[j]) * z[j];
        mag += std::abs(double(h[j]) * z[j]);
        const double dh = w * double(z[j]);
        const double want_du = dh * g * sig;
        const double want_dg = dh * u * sig * (1 + g * (1 - sig));
        bad += !(std::abs(du[j] - want_du) <= 4e-6 * std::abs(want_du) + 1e-30);
        bad += !(std::abs(dg[j] - want_dg) <= 4e-6 * (std::abs(dh * u) + 1e-30));
      }
      CHECK(bad == 0);
      CHECK(std::abs(got_dot - want_dot) <= (double(n) + 16) * std::ldexp(1.0, -23) * mag);

      // PackRows: any row count, lengths with and without 8-wide blocks.
      for (int rows = 1; rows <= kTileRows; ++rows) {
        std::vector<std::vector<float>> src(rows, std::vector<float>(n));
        const float* ptr[kTileRows];
        for (int i = 0; i < rows; ++i) {
          for (int64_t j = 0; j < n; ++j) src[i][j] = static_cast<float>(i * 1000 + j);
          ptr[i] = src[i].data();
        }
        std::vector<float> dst(n * kTileRows, -1.f);
        kernels->pack_rows(ptr, rows, n, dst.data());
        int wrong = 0;
        for (int i = 0; i < rows; ++i)
          for (int64_t j = 0; j < n; ++j) wrong += dst[j * kTileRows + i] != src[i][j];
        CHECK(wrong == 0);
      }
    }
  }
}

}  // namespace
}  // namespace expertlab::moe

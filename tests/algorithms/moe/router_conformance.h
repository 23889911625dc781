// Conformance checks every Router implementation's test calls:
// shapes, valid and distinct experts with the filled slots first, finite
// non-negative weights, probabilities on the simplex (when the router says
// its probabilities are a softmax), reproducibility under one stream,
// determinism where declared (another stream or none gives the same
// routing; a router that draws must refuse to run without a stream), no NaN
// on adversarial logits (huge, tied, constant), and Backward against
// central differences, and the router's own auxiliary loss likewise.
#pragma once

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <memory>
#include <set>
#include <vector>

#include "algorithms/moe/router.h"
#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::moe::testing {

struct ConformanceOptions {
  bool probs_on_simplex = true;  // probs rows sum to one
  bool check_gradient = true;    // Backward vs central differences
  bool deterministic = true;     // Route ignores the rng (else: it draws from it, so the same
                                 // rng gives the same output and a null rng is refused)
  int64_t top_k = 0;             // the k of every shape (a router that needs one k), 0 = varied
};

// The gradient AuxiliaryLoss adds for logits z [T x E] (k experts) against
// central differences, skipping the first `skip` logits; each evaluation
// routes with a fresh router from `make` and a stream from `seed`.
inline void CheckAuxiliaryLossGradient(const std::function<std::unique_ptr<Router>()>& make,
                                       int64_t T, int64_t E, int64_t k,
                                       const std::vector<double>& z, int64_t skip, uint64_t seed) {
  auto aux_loss = [&](const std::vector<double>& zz, double* grad) {
    auto fresh = make();
    Rng rr(seed, 1, 0, 0);
    RouterContext c{T, E, k, true, &rr};
    Routing out;
    fresh->Route(c, zz.data(), &out);
    return fresh->AuxiliaryLoss(c, zz.data(), out, grad);
  };
  std::vector<double> grad(T * E, 0.0);
  aux_loss(z, grad.data());
  for (int64_t i = skip; i < T * E; ++i) {
    auto zp = z, zm = z;
    zp[i] += 1e-6;
    zm[i] -= 1e-6;
    CHECK(grad[i] == Approx((aux_loss(zp, nullptr) - aux_loss(zm, nullptr)) / 2e-6).margin(1e-7));
  }
}

// `make` builds a fresh router (routers may keep state).
inline void CheckRouterConformance(const std::function<std::unique_ptr<Router>()>& make,
                                   ConformanceOptions options = {}) {
  const uint64_t seed = 31337;
  INFO("conformance seed " << seed);
  Rng rng(seed, 0, 0, 0);
  struct Shape {
    int64_t T, E, k;
    double scale;
  };
  const Shape shapes[] = {
      {7, 5, 2, 1.0}, {3, 4, 4, 3.0}, {9, 8, 1, 0.5}, {4, 6, 3, 1e3}, {5, 3, 2, 0.0}};
  for (Shape sh : shapes) {
    if (options.top_k > 0) sh.k = options.top_k;
    INFO("T " << sh.T << " E " << sh.E << " k " << sh.k << " logit scale " << sh.scale);
    std::vector<double> z(sh.T * sh.E);
    for (auto& v : z) v = sh.scale * Normal(rng);
    if (sh.scale == 1.0) z[1] = z[0];  // an exact tie
    auto router = make();
    const int64_t slots = router->Slots(sh.k, sh.E);
    Rng route_rng(seed, 1, 0, 0);
    RouterContext ctx{sh.T, sh.E, sh.k, true, &route_rng};
    Routing r;
    router->Route(ctx, z.data(), &r);
    REQUIRE(r.tokens == sh.T);
    REQUIRE(r.experts == sh.E);
    REQUIRE(r.slots == slots);
    REQUIRE(static_cast<int64_t>(r.expert.size()) == sh.T * slots);
    REQUIRE(static_cast<int64_t>(r.weight.size()) == sh.T * slots);
    REQUIRE(static_cast<int64_t>(r.probs.size()) == sh.T * sh.E);
    for (int64_t t = 0; t < sh.T; ++t) {
      std::set<int32_t> seen;
      bool empty_seen = false;
      for (int64_t s = 0; s < slots; ++s) {
        const int32_t e = r.Expert(t, s);
        if (e < 0) {
          CHECK(e == -1);
          empty_seen = true;
          continue;
        }
        CHECK_FALSE(empty_seen);  // filled slots come first
        CHECK(e < sh.E);
        CHECK(seen.insert(e).second);  // distinct
        CHECK(std::isfinite(r.Weight(t, s)));
        CHECK(r.Weight(t, s) >= 0);
      }
      double sum = 0;
      for (int64_t e = 0; e < sh.E; ++e) {
        CHECK(std::isfinite(r.probs[t * sh.E + e]));
        CHECK(r.probs[t * sh.E + e] >= 0);
        sum += r.probs[t * sh.E + e];
      }
      if (options.probs_on_simplex) CHECK(sum == Approx(1.0).epsilon(1e-12));
    }
    // Reproducible: a fresh router on the same input (and rng) agrees.
    auto again = make();
    Rng route_rng2(seed, 1, 0, 0);
    RouterContext ctx2{sh.T, sh.E, sh.k, true, &route_rng2};
    Routing r2;
    again->Route(ctx2, z.data(), &r2);
    CHECK(r.expert == r2.expert);
    CHECK(r.weight == r2.weight);
    CHECK(r.probs == r2.probs);
    RouterContext no_rng{sh.T, sh.E, sh.k, true, nullptr};
    Routing r3;
    if (options.deterministic) {
      // Another stream, or none: the same routing.
      Rng other(seed + 1, 1, 0, 0);
      RouterContext ctx3{sh.T, sh.E, sh.k, true, &other};
      make()->Route(ctx3, z.data(), &r3);
      CHECK(r.expert == r3.expert);
      CHECK(r.weight == r3.weight);
      make()->Route(no_rng, z.data(), &r3);
      CHECK(r.expert == r3.expert);
      CHECK(r.weight == r3.weight);
    } else {
      CHECK_THROWS_AS(make()->Route(no_rng, z.data(), &r3), Error);
    }

    if (!options.check_gradient || sh.scale > 10 || sh.scale == 0.0) continue;
    // Backward: L = <cw, weight> + <cp, probs>, central differences on z.
    std::vector<double> cw(sh.T * slots), cp(sh.T * sh.E), grad(sh.T * sh.E);
    for (auto& v : cw) v = Normal(rng);
    for (auto& v : cp) v = Normal(rng);
    router->Backward(ctx, z.data(), r, cw.data(), cp.data(), grad.data());
    auto loss = [&](const std::vector<double>& zz) {
      auto fresh = make();
      Rng rr(seed, 1, 0, 0);
      RouterContext c{sh.T, sh.E, sh.k, true, &rr};
      Routing out;
      fresh->Route(c, zz.data(), &out);
      double l = 0;
      for (int64_t i = 0; i < sh.T * slots; ++i) l += cw[i] * out.weight[i];
      for (int64_t i = 0; i < sh.T * sh.E; ++i) l += cp[i] * out.probs[i];
      return l;
    };
    for (int64_t i = 0; i < sh.T * sh.E; ++i) {
      if (sh.scale == 1.0 && i < 2) continue;  // the tie: selection may flip
      auto zp = z, zm = z;
      zp[i] += 1e-6;
      zm[i] -= 1e-6;
      const double fd = (loss(zp) - loss(zm)) / 2e-6;
      // O(h^2) truncation + ~1e-10 rounding; selection is locally constant.
      CHECK(grad[i] == Approx(fd).margin(1e-7));
    }
    // The router's own auxiliary loss against central differences on z
    // (not at the tied pair, where the selection flips).
    CheckAuxiliaryLossGradient(make, sh.T, sh.E, sh.k, z, sh.scale == 1.0 ? 2 : 0, seed);
  }
}

}  // namespace expertlab::moe::testing

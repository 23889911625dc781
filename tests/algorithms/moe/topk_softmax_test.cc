#include "algorithms/moe/topk_softmax.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <vector>

#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::vector<double> RandomLogits(int64_t T, int64_t E, uint64_t seed) {
  Rng rng(seed, 0, 0, 0);
  std::vector<double> z(T * E);
  for (auto& v : z) v = Normal(rng, 0.0, 2.0);
  return z;
}

TEST_CASE("topk_softmax selects the k most probable experts (brute force)", "[theory][moe]") {
  const uint64_t seed = 11;
  INFO("seed " << seed);
  for (bool renorm : {false, true}) {
    for (int64_t k : {1, 2, 3, 5}) {
      const int64_t T = 9, E = 5;
      const auto z = RandomLogits(T, E, seed + k);
      TopKSoftmax router(renorm);
      Routing routing;
      router.Route({T, E, k, false, nullptr}, z.data(), &routing);
      for (int64_t t = 0; t < T; ++t) {
        // Brute force: softmax, then sort indices by (-p, index).
        std::vector<double> p(E);
        double sum = 0;
        for (int64_t e = 0; e < E; ++e) sum += (p[e] = std::exp(z[t * E + e]));
        for (auto& v : p) v /= sum;
        std::vector<int> order(E);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p[a] > p[b]; });
        double mass = 0;
        for (int64_t s = 0; s < k; ++s) mass += p[order[s]];
        for (int64_t s = 0; s < k; ++s) {
          CHECK(routing.Expert(t, s) == order[s]);
          // Softmax of O(1) logits: rounding only (1e-12 relative).
          CHECK(routing.Weight(t, s) ==
                Approx(renorm ? p[order[s]] / mass : p[order[s]]).epsilon(1e-12));
          CHECK(routing.probs[t * E + order[s]] == Approx(p[order[s]]).epsilon(1e-12));
        }
      }
    }
  }
}

TEST_CASE("topk_softmax breaks ties by the lower index", "[unit][moe]") {
  TopKSoftmax router(true);
  std::vector<double> z = {0, 1, 1, 0, 1};
  Routing routing;
  router.Route({1, 5, 3, false, nullptr}, z.data(), &routing);
  CHECK(routing.Expert(0, 0) == 1);
  CHECK(routing.Expert(0, 1) == 2);
  CHECK(routing.Expert(0, 2) == 4);
  CHECK(routing.Weight(0, 0) == Approx(1.0 / 3));
}

TEST_CASE("topk_softmax rejects k < 1 and k > E", "[unit][moe]") {
  TopKSoftmax router(false);
  CHECK_THROWS_AS(router.Slots(0, 4), Error);
  CHECK_THROWS_AS(router.Slots(5, 4), Error);
  CHECK(router.Slots(4, 4) == 4);
  CHECK_THROWS_AS(Registry<Router>::Instance().Create("topk_softmax(renormalize=2)"), Error);
}

TEST_CASE("topk_softmax backward matches central differences", "[theory][moe]") {
  const int64_t T = 4, E = 6, k = 3;
  const uint64_t seed = 5;
  INFO("seed " << seed);
  const auto z0 = RandomLogits(T, E, seed);
  Rng rng(seed, 1, 0, 0);
  std::vector<double> cw(T * k), cp(T * E);
  for (auto& v : cw) v = Normal(rng);
  for (auto& v : cp) v = Normal(rng);
  for (bool renorm : {false, true}) {
    TopKSoftmax router(renorm);
    const RouterContext ctx{T, E, k, true, nullptr};
    auto loss = [&](const std::vector<double>& z) {
      Routing r;
      router.Route(ctx, z.data(), &r);
      double l = 0;
      for (int64_t i = 0; i < T * k; ++i) l += cw[i] * r.weight[i];
      for (int64_t i = 0; i < T * E; ++i) l += cp[i] * r.probs[i];
      return l;
    };
    Routing r;
    router.Route(ctx, z0.data(), &r);
    std::vector<double> grad(T * E);
    router.Backward(ctx, z0.data(), r, cw.data(), cp.data(), grad.data());
    for (int64_t i = 0; i < T * E; ++i) {
      auto zp = z0, zm = z0;
      const double h = 1e-6;
      zp[i] += h;
      zm[i] -= h;
      const double fd = (loss(zp) - loss(zm)) / (2 * h);
      // Central differences: O(h^2) truncation plus ~1e-16/h rounding.
      CHECK(grad[i] == Approx(fd).margin(1e-8));
    }
  }
}

TEST_CASE("topk_softmax passes the router conformance checks", "[unit][moe]") {
  for (bool renorm : {false, true})
    testing::CheckRouterConformance([renorm] { return std::make_unique<TopKSoftmax>(renorm); });
}

TEST_CASE("topk_softmax is reproducible and registered", "[determinism][moe]") {
  auto a = Registry<Router>::Instance().Create("topk_softmax(renormalize=true)");
  auto b = Registry<Router>::Instance().Create("topk_softmax(renormalize=true)");
  const auto z = RandomLogits(16, 8, 3);
  Routing ra, rb;
  a->Route({16, 8, 2, false, nullptr}, z.data(), &ra);
  b->Route({16, 8, 2, false, nullptr}, z.data(), &rb);
  CHECK(ra.expert == rb.expert);
  CHECK(ra.weight == rb.weight);
}

}  // namespace
}  // namespace expertlab::moe

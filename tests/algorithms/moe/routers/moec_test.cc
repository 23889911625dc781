#include "algorithms/moe/routers/moec.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/cluster_task.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeMoec(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

const Moec& AsMoec(const std::unique_ptr<Router>& router) {
  return dynamic_cast<const Moec&>(*router);
}

TEST_CASE("moec conformance", "[unit][moe][determinism]") {
  // The conformance shapes have E = 5, 4, 8, 6, 3: one cluster divides all.
  testing::CheckRouterConformance([] { return MakeMoec("moec(groups=1,q=0,var_loss=0.5)"); });
  testing::ConformanceOptions drawing;
  drawing.deterministic = false;
  for (const char* spec : {"moec(groups=1)", "moec(groups=1,q=0.7,reroute=any,var_loss=0.3)"}) {
    INFO(spec);
    testing::CheckRouterConformance([&] { return MakeMoec(spec); }, drawing);
  }
}

TEST_CASE(
    "moec: a dropped expert is never chosen, and its token goes to the best survivor of its "
    "cluster",
    "[theory][moe]") {
  // E = 8 in G = 2 clusters of m = 4; q = 0.5 drops floor(2) = 2 positions,
  // the same ones in both clusters. Each token is checked against a brute
  // force over its logits.
  const int64_t T = 200, E = 8, m = 4;
  const uint64_t seed = 61;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  for (const char* reroute : {"cluster", "any"}) {
    INFO("reroute = " << reroute);
    const bool in_cluster = std::string(reroute) == "cluster";
    auto router =
        MakeMoec(std::string("moec(groups=2,q=0.5,dropout_interval=3,reroute=") + reroute + ")");
    std::vector<char> previous;
    int64_t rerouted = 0;
    for (int call = 0; call < 9; ++call) {
      std::vector<double> z(T * E);
      for (auto& v : z) v = Normal(rng);
      Routing r;
      router->Route({T, E, 1, true, &rng}, z.data(), &r);
      const std::vector<char>& dropped = AsMoec(router).dropped();
      REQUIRE(dropped.size() == size_t(E));
      for (int64_t i = 0; i < m; ++i) CHECK(dropped[i] == dropped[m + i]);  // same positions
      CHECK(std::count(dropped.begin(), dropped.begin() + m, 1) == 2);
      // A new mask only every dropout_interval = 3 calls.
      if (call % 3 != 0) CHECK(dropped == previous);
      previous = dropped;
      for (int64_t t = 0; t < T; ++t) {
        const double* zt = z.data() + t * E;
        const int64_t top = std::max_element(zt, zt + E) - zt;
        int64_t expect = top;
        if (dropped[top]) {
          ++rerouted;
          const int64_t lo = in_cluster ? top / m * m : 0, hi = in_cluster ? lo + m : E;
          expect = -1;
          for (int64_t e = lo; e < hi; ++e)
            if (!dropped[e] && (expect < 0 || zt[e] > zt[expect])) expect = e;
        }
        const int32_t chosen = r.Expert(t, 0);
        CHECK(chosen == expect);
        CHECK_FALSE(dropped[chosen]);
        // Weight: softmax over the surviving logits.
        double sum = 0;
        for (int64_t e = 0; e < E; ++e) sum += dropped[e] ? 0.0 : std::exp(zt[e]);
        CHECK(r.Weight(t, 0) == Approx(std::exp(zt[chosen]) / sum).epsilon(1e-12));
      }
    }
    CHECK(rerouted > 0);
    // Inference uses every expert: the plain argmax.
    std::vector<double> z(T * E);
    for (auto& v : z) v = Normal(rng);
    Routing r;
    router->Route({T, E, 1, false, nullptr}, z.data(), &r);
    for (int64_t t = 0; t < T; ++t)
      CHECK(r.Expert(t, 0) == std::max_element(&z[t * E], &z[t * E] + E) - &z[t * E]);
  }
  // A hand-made token: E = 4, G = 2, q = 0.5 drops one position of each
  // pair. The token's best expert is the dropped member of pair {0, 1};
  // the rest of its cluster is one expert, which it gets even though an
  // expert of the other cluster scores higher.
  auto router = MakeMoec("moec(groups=2,q=0.5)");
  std::vector<double> none(4, 0.0);
  Routing r;
  router->Route({1, 4, 1, true, &rng}, none.data(), &r);
  const int64_t gone = AsMoec(router).dropped()[0] ? 0 : 1, kept = 1 - gone;
  std::vector<double> z(4);
  z[gone] = 3.0;
  z[kept] = 0.0;
  z[2 + gone] = 2.0;  // dropped too (same position)
  z[2 + kept] = 1.0;  // the best survivor overall, in the other cluster
  router->Route({1, 4, 1, true, &rng}, z.data(), &r);
  CHECK(r.Expert(0, 0) == kept);
  CHECK(r.Weight(0, 0) == Approx(1.0 / (1.0 + std::exp(1.0))).epsilon(1e-12));
}

TEST_CASE("moec: each position of a cluster is dropped with probability floor(q m) / m",
          "[theory][moe]") {
  // m = 4, q = 0.5: every position drops with probability 1/2 per mask;
  // over 4000 masks 5 binomial sd is 0.040.
  const int64_t masks = 4000, E = 4;
  Rng rng(67, 0, 0, 0);
  auto router = MakeMoec("moec(groups=1,q=0.5,dropout_interval=1)");
  std::vector<double> z(E, 0.0), count(E, 0.0);
  Routing r;
  for (int64_t i = 0; i < masks; ++i) {
    router->Route({1, E, 1, true, &rng}, z.data(), &r);
    for (int64_t e = 0; e < E; ++e) count[e] += AsMoec(router).dropped()[e];
  }
  for (int64_t e = 0; e < E; ++e)
    CHECK(std::abs(count[e] / masks - 0.5) < 5 * 0.5 / std::sqrt(double(masks)));
}

TEST_CASE("moec variance loss by hand and against central differences", "[theory][moe]") {
  // One token, p = (0.1, 0.2, 0.3, 0.4), G = 2: both clusters have
  // variance 0.05^2, so L = w E (1 / G)(2 * 0.0025) = 0.01 * 4 * 0.0025.
  std::vector<double> z = {std::log(0.1), std::log(0.2), std::log(0.3), std::log(0.4)};
  auto router = MakeMoec("moec(groups=2)");
  Routing r;
  const RouterContext inference{1, 4, 1, false, nullptr};
  router->Route(inference, z.data(), &r);
  CHECK(router->AuxiliaryLoss(inference, z.data(), r, nullptr) ==
        Approx(0.01 * 4 * 0.0025).epsilon(1e-12));
  // The gradient, on a group of 7 tokens over E = 8 in G = 4 clusters,
  // with a dropout mask in place (the loss reads the unmasked softmax).
  const int64_t T = 7, E = 8;
  const uint64_t seed = 71;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  z.resize(T * E);
  for (auto& v : z) v = 1.5 * Normal(rng);
  auto moec = MakeMoec("moec(groups=4,var_loss=0.7)");
  Rng draws(seed, 1, 0, 0);
  const RouterContext training{T, E, 1, true, &draws};
  moec->Route(training, z.data(), &r);
  std::vector<double> grad(T * E, 0.0);
  moec->AuxiliaryLoss(training, z.data(), r, grad.data());
  for (int64_t i = 0; i < T * E; ++i) {
    auto zp = z, zm = z;
    zp[i] += 1e-6;
    zm[i] -= 1e-6;
    const double fd = (moec->AuxiliaryLoss(training, zp.data(), r, nullptr) -
                       moec->AuxiliaryLoss(training, zm.data(), r, nullptr)) /
                      2e-6;
    // O(h^2) truncation and ~1e-10 rounding on an O(0.01) loss.
    CHECK(grad[i] == Approx(fd).margin(1e-9));
  }
}

TEST_CASE("moec: on well-separated clusters every expert serves one cluster", "[theory][moe]") {
  // Four latent clusters, E = 8 experts in G = 4 clusters of two, so each
  // latent cluster may spread over experts: specialisation is the purity of
  // the experts (cluster_task.h), held to the 90% of top-k softmax's test
  // (train_test.cc). Without expert dropout (q = 0) the gate with its
  // variance loss fits as top-k does (test MSE < 2% of the variance); with
  // the paper's q = 0.5 and its mask resampled every 250 of 32k updates,
  // here every 10 of 1500 steps, half of the experts train at a time and
  // the stated fit is MSE < 10% of the variance. Measured at seeds 7-10:
  // purity 0.93-0.99 and MSE/variance <= 0.005 for q = 0; purity
  // 0.91-0.99 and MSE/variance 0.03-0.09 for q = 0.5.
  const uint64_t seed = 7;
  INFO("seed " << seed);
  const struct {
    const char* router;
    double mse_share;
  } arms[] = {{"moec(groups=4,q=0)", 0.02}, {"moec(groups=4,dropout_interval=10)", 0.10}};
  for (const auto& arm : arms) {
    testing::ClusterRun run;
    run.seed = seed;
    run.router = arm.router;
    run.experts = 8;
    const testing::TrainOutcome out = testing::TrainClustered(run);
    const double purity = testing::ExpertPurity(out);
    INFO(arm.router << ": test mse " << out.test_mse << ", target variance " << out.target_var
                    << ", purity " << purity);
    CHECK(out.test_mse < arm.mse_share * out.target_var);
    CHECK(purity >= 0.9);
  }
}

TEST_CASE("moec rejects bad parameters and groups that do not divide E", "[unit][moe]") {
  CHECK_THROWS_WITH(MakeMoec("moec(groups=3)")->Slots(1, 8), Catch::Contains("groups = 3"));
  CHECK_THROWS_WITH(MakeMoec("moec(q=1)"), Catch::Contains("'q'"));
  CHECK_THROWS_WITH(MakeMoec("moec(q=-0.1)"), Catch::Contains("'q'"));
  CHECK_THROWS_WITH(MakeMoec("moec(groups=0)"), Catch::Contains("groups"));
  CHECK_THROWS_WITH(MakeMoec("moec(var_loss=-1)"), Catch::Contains("var_loss"));
  CHECK_THROWS_WITH(MakeMoec("moec(dropout_interval=0)"), Catch::Contains("dropout_interval"));
}

}  // namespace
}  // namespace expertlab::moe

#include "algorithms/moe/routers/gw_moe.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "sim/check.h"
#include "sim/registry.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<Router> MakeGw(const std::string& spec) {
  return Registry<Router>::Instance().Create(spec);
}

TEST_CASE("gw_moe conformance", "[unit][moe][determinism]") {
  for (const char* spec : {"gw_moe", "gw_moe(gamma=0.5)", "gw_moe(gamma=0.3,max_broadcast=2)"}) {
    INFO(spec);
    testing::CheckRouterConformance([&] { return MakeGw(spec); });
  }
}

TEST_CASE("gw_moe broadcasts exactly the tokens at or above the threshold", "[theory][moe]") {
  const int64_t T = 64, E = 4, k = 1;
  const uint64_t seed = 29;
  INFO("seed " << seed);
  Rng rng(seed, 0, 0, 0);
  std::vector<double> z(T * E);
  for (auto& v : z) v = Normal(rng, 0.0, 1.5);
  const double gamma = 1.0;
  for (bool training : {true, false}) {
    for (int64_t cap : {0, 5}) {
      Routing r;
      MakeGw("gw_moe(gamma=1,max_broadcast=" + std::to_string(cap) + ")")
          ->Route({T, E, k, training, nullptr}, z.data(), &r);
      int64_t broadcast = 0, uncertain_seen = 0;
      for (int64_t t = 0; t < T; ++t) {
        const double* p = r.probs.data() + t * E;
        // Entropy by hand, with the released code's 1e-5 inside the log.
        double h = 0;
        for (int64_t e = 0; e < E; ++e) h -= p[e] * std::log(p[e] + 1e-5);
        const bool uncertain = h >= gamma;
        const bool expect = training && uncertain && (cap == 0 || uncertain_seen < cap);
        uncertain_seen += uncertain;
        int64_t filled = 0;
        for (int64_t s = 0; s < E; ++s) filled += r.Expert(t, s) >= 0;
        CHECK(filled == (expect ? E : k));
        broadcast += filled == E;
        const int64_t top = std::max_element(p, p + E) - p;
        CHECK(r.Expert(t, 0) == top);
        for (int64_t s = 0; s < filled; ++s) CHECK(r.Weight(t, s) == p[r.Expert(t, s)]);
      }
      if (training && cap > 0) CHECK(broadcast == std::min<int64_t>(cap, uncertain_seen));
      if (!training) CHECK(broadcast == 0);
    }
  }
}

TEST_CASE("gw_moe rejects a bad threshold or k", "[unit][moe]") {
  CHECK_THROWS_WITH(MakeGw("gw_moe(gamma=-1)"), Catch::Contains("gamma"));
  CHECK_THROWS_AS(MakeGw("gw_moe")->Slots(5, 4), Error);
}

}  // namespace
}  // namespace expertlab::moe

#include "algorithms/moe/routers/mote.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <vector>

#include "sim/registry.h"
#include "tests/algorithms/moe/router_conformance.h"

namespace expertlab::moe {
namespace {

std::unique_ptr<MoteRouter> MakeMote(const char* spec) {
  std::unique_ptr<Router> r = Registry<Router>::Instance().Create(spec);
  return std::unique_ptr<MoteRouter>(static_cast<MoteRouter*>(r.release()));
}

TEST_CASE("mote conformance, with and without interventions", "[unit][moe][determinism]") {
  testing::CheckRouterConformance([] { return MakeMote("mote"); });
}

TEST_CASE("mote's switch-off never selects the expert, and force-on always does", "[theory][moe]") {
  // Token probabilities (0.5, 0.3, 0.15, 0.05), k = 2: top-2 = {0, 1}.
  std::vector<double> z;
  for (double p : {0.5, 0.3, 0.15, 0.05}) z.push_back(std::log(p));
  const RouterContext context{1, 4, 2, false, nullptr};
  Routing r;
  auto drop = MakeMote("mote(mode=drop)");
  drop->SetIntervention({0}, {}, 4);
  drop->Route(context, z.data(), &r);
  // drop: expert 0 leaves, nothing refills, expert 1 takes weight 1.
  CHECK(r.expert == std::vector<int32_t>{1, -1});
  CHECK(r.weight[0] == Approx(1.0));
  auto refill = MakeMote("mote(mode=refill)");
  refill->SetIntervention({0}, {}, 4);
  refill->Route(context, z.data(), &r);
  // refill: expert 2 enters; weights 0.3 / 0.45 and 0.15 / 0.45.
  CHECK(r.expert == std::vector<int32_t>{1, 2});
  CHECK(r.weight[0] == Approx(2.0 / 3.0));
  CHECK(r.weight[1] == Approx(1.0 / 3.0));
  auto force = MakeMote("mote");
  force->SetIntervention({}, {3}, 4);
  force->Route(context, z.data(), &r);
  // force on 3: it replaces the least probable selected expert (1).
  CHECK(r.expert == std::vector<int32_t>{0, 3});
  CHECK(r.weight[0] == Approx(0.5 / 0.55));
  // Over many random tokens: never the switched-off expert, always the
  // forced one.
  Rng rng(5, 0, 0, 0);
  std::vector<double> many(200 * 6);
  for (auto& v : many) v = 2 * Normal(rng);
  for (const char* spec : {"mote(mode=drop)", "mote(mode=refill)"}) {
    auto router = MakeMote(spec);
    router->SetIntervention({2, 4}, {5}, 6);
    router->Route({200, 6, 3, false, nullptr}, many.data(), &r);
    for (int64_t t = 0; t < 200; ++t) {
      bool forced = false;
      for (int64_t s = 0; s < 3; ++s) {
        CHECK(r.Expert(t, s) != 2);
        CHECK(r.Expert(t, s) != 4);
        forced = forced || r.Expert(t, s) == 5;
      }
      CHECK(forced);
    }
  }
}

TEST_CASE("mote's interventions naming nonexistent experts are errors", "[unit][moe]") {
  auto router = MakeMote("mote");
  CHECK_THROWS_WITH(router->SetIntervention({8}, {}, 8), Catch::Contains("expert 8"));
  CHECK_THROWS_WITH(router->SetIntervention({}, {-1}, 8), Catch::Contains("expert -1"));
  CHECK_THROWS_WITH(router->SetIntervention({3}, {3}, 8), Catch::Contains("both"));
  router->SetIntervention({1}, {}, 8);
  std::vector<double> z(4, 0.0);
  Routing r;
  CHECK_THROWS_WITH(router->Route({1, 4, 2, false, nullptr}, z.data(), &r),
                    Catch::Contains("set for 8"));
}

}  // namespace
}  // namespace expertlab::moe

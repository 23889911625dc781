#include "algorithms/experts/ftl.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/experts/test_util.h"
#include "theory/experts_bounds.h"

namespace expertlab::experts {
namespace {

TEST_CASE("FTL regret on its trap equals the closed form", "[theory]") {
  // theory::FtlTrapRegret counts the alternating sequence by hand; FTL is
  // deterministic, so realised and pseudo-regret both equal it exactly.
  for (int n : {2, 5}) {
    for (int64_t horizon : {1, 2, 3, 4, 10, 101, 1000, 4096}) {
      auto ftl = testing::MakeLearner("ftl");
      auto trap = testing::MakeSequence("ftl_trap");
      const GameResult r = testing::Play(*ftl, *trap, n, horizon);
      INFO("n = " << n << ", T = " << horizon);
      CHECK(r.points.back().regret == theory::FtlTrapRegret(horizon));
      CHECK(r.points.back().pseudo_regret == theory::FtlTrapRegret(horizon));
    }
  }
  // Linear: regret / T -> 1/2.
  CHECK(theory::FtlTrapRegret(1 << 20) / (1 << 20) == Approx(0.5).epsilon(1e-5));
}

TEST_CASE("FTL breaks ties towards the smallest index", "[unit]") {
  auto ftl = testing::MakeLearner("ftl");
  testing::TableSequence table({{1, 0, 0}});
  ftl->Start(3, 5, testing::TestRng(1));
  CHECK(ftl->Act() == 0);
  Eigen::ArrayXd losses(3);
  table.Fill(1, losses);
  ftl->Observe(LossView(losses, *ftl, true));
  CHECK(ftl->Act() == 1);
}

TEST_CASE("FTL conformance and determinism", "[unit][determinism]") {
  testing::CheckConformance("ftl", 20, 2000);
}

}  // namespace
}  // namespace expertlab::experts

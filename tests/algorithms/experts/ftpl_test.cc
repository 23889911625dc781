#include "algorithms/experts/ftpl.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/experts/hedge.h"
#include "tests/algorithms/experts/test_util.h"
#include "theory/experts_bounds.h"

namespace expertlab::experts {
namespace {

TEST_CASE("FTPL with Gumbel noise draws from Hedge's distribution", "[theory]") {
  // Same losses into FTPL(gumbel, eta) and Hedge(eta) for 7 days on 10
  // experts; then 100k FTPL draws (the noise is redrawn every Act) against
  // Hedge's p. Chi-square on 9 dof: 27.9 is the 0.999 quantile. Seed 31.
  const double eta = 0.4;
  auto ftpl = testing::MakeLearner("ftpl(noise=gumbel, eta=0.4)");
  auto hedge = testing::MakeLearner("hedge(eta=0.4)");
  ftpl->Start(10, 100, testing::TestRng(1, 31));
  hedge->Start(10, 100, testing::TestRng(1, 31));
  auto seq = testing::MakeSequence("planted_bernoulli(delta=0.3)");
  seq->Start(10, 100, testing::TestRng(2, 31));
  Eigen::ArrayXd losses(10);
  for (int64_t t = 1; t <= 7; ++t) {
    seq->Fill(t, losses);
    ftpl->Observe(LossView(losses, *ftpl, true));
    hedge->Observe(LossView(losses, *hedge, true));
  }
  const Eigen::ArrayXd p = dynamic_cast<const Hedge&>(*hedge).Distribution();
  (void)eta;
  std::vector<int> counts(10, 0);
  const int draws = 100000;
  for (int k = 0; k < draws; ++k) ++counts[ftpl->Act()];
  double chi2 = 0;
  for (int i = 0; i < 10; ++i) {
    const double expected = draws * p[i];
    chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
  }
  INFO("chi2 = " << chi2 << " on 9 dof, seed 31");
  CHECK(chi2 < 27.9);
  // Its expected loss is Hedge's exactly.
  seq->Fill(8, losses);
  CHECK(ftpl->ExpectedLoss(LossView(losses, *ftpl, true)) ==
        Approx(hedge->ExpectedLoss(LossView(losses, *hedge, true))));
}

TEST_CASE("FTPL with vanishing noise is FTL on its trap", "[theory]") {
  // eta = 1e9: the noise (scale 1e-9) only breaks exact ties, so FTPL
  // follows the leader; on ftl_trap the leader is unique from day 2 on and
  // day 1 is a tie among 2 experts (loss 1/2 or 0): regret is FTL's
  // closed form minus at most the day-1 difference (1/2).
  for (const char* noise : {"gumbel", "exponential"}) {
    auto ftpl = testing::MakeLearner(std::string("ftpl(noise=") + noise + ", eta=1e9)");
    auto trap = testing::MakeSequence("ftl_trap");
    const GameResult r = testing::Play(*ftpl, *trap, 2, 1000);
    CHECK(r.points.back().regret >= theory::FtlTrapRegret(1000) - 0.5);
    CHECK(r.points.back().regret <= theory::FtlTrapRegret(1000));
  }
}

TEST_CASE("FTPL regret stays within Hedge's bound order", "[theory]") {
  // Gumbel FTPL's pseudo-regret is Hedge's exactly (same distribution): it
  // obeys sqrt(T ln n / 2) pathwise.
  auto ftpl = testing::MakeLearner("ftpl(noise=gumbel)");
  auto trap = testing::MakeSequence("ftl_trap");
  CHECK(testing::Play(*ftpl, *trap, 5, 4000).points.back().pseudo_regret <=
        theory::HedgeOptimalRegret(5, 4000));
}

TEST_CASE("FTPL conformance and determinism", "[unit][determinism]") {
  testing::CheckConformance("ftpl(noise=gumbel)", 30, 1000);
  testing::CheckConformance("ftpl(noise=exponential)", 30, 1000);
}

}  // namespace
}  // namespace expertlab::experts

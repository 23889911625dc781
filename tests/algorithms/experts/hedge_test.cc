#include "algorithms/experts/hedge.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tests/algorithms/experts/test_util.h"
#include "theory/experts_bounds.h"

namespace expertlab::experts {
namespace {

using testing::MakeLearner;
using testing::MakeSequence;
using testing::TableSequence;
using testing::TestRng;

// Adaptive adversary that reads Hedge's distribution at the start of each
// day and charges 1 to every expert whose probability is at least 1/n (the
// ones Hedge leans on), 0 to the rest: Hedge's expected loss each day is
// then at least 1/2 of the mass... the bound must still hold pathwise.
class ChargeTheFavourites final : public LossSequence {
 public:
  explicit ChargeTheFavourites(const Hedge& hedge) : hedge_(hedge) {}
  void Start(int n, int64_t, Rng) override { losses_.resize(n); }
  void BeginDay(int64_t, const ExpertsLearner&) override {
    const Eigen::ArrayXd p = hedge_.Distribution();
    const double n = static_cast<double>(p.size());
    for (Eigen::Index i = 0; i < p.size(); ++i) losses_[i] = p[i] * n >= 1.0 - 1e-12 ? 1.0 : 0.0;
  }
  double Loss(int64_t, int expert) const override { return losses_[expert]; }

 private:
  const Hedge& hedge_;
  Eigen::ArrayXd losses_;
};

// Random [0,1] losses drawn once into a table (oblivious), seed given.
TableSequence UniformTable(int n, int rows, uint64_t seed) {
  Rng rng(seed, 0, 0, 0);
  std::vector<std::vector<double>> table(rows, std::vector<double>(n));
  for (auto& row : table)
    for (double& x : row) x = rng.Uniform();
  return TableSequence(std::move(table));
}

TEST_CASE("Hedge distribution is exp(-eta L) normalised", "[unit][theory]") {
  auto learner = MakeLearner("hedge(eta=0.7)");
  auto& hedge = dynamic_cast<Hedge&>(*learner);
  TableSequence table({{0.2, 1.0, 0.0}, {0.5, 0.0, 1.0}});
  hedge.Start(3, 10, TestRng(1));
  Eigen::ArrayXd cumulative = Eigen::ArrayXd::Zero(3);
  Eigen::ArrayXd losses(3);
  for (int64_t day = 1; day <= 5; ++day) {
    table.Fill(day, losses);
    hedge.Observe(LossView(losses, hedge, true));
    cumulative += losses;
    const Eigen::ArrayXd w = (-0.7 * cumulative).exp();
    const Eigen::ArrayXd expected = w / w.sum();
    for (int i = 0; i < 3; ++i)
      CHECK(hedge.Distribution()[i] == Approx(expected[i]).epsilon(1e-14));
  }
}

TEST_CASE("Hedge with a huge eta follows the leader exactly", "[unit]") {
  // eta = 1000: after day 1 of (0.3, 0, 1) the distribution is
  // exp(-1000 L) normalised, i.e. (e^-300, 1, e^-708 clamped ~ 0) / sum:
  // the leader's probability is 1 to double precision and nothing is NaN.
  auto learner = MakeLearner("hedge(eta=1000)");
  auto& hedge = dynamic_cast<Hedge&>(*learner);
  hedge.Start(3, 10, TestRng(1));
  Eigen::ArrayXd losses(3);
  losses << 0.3, 0.0, 1.0;
  hedge.Observe(LossView(losses, hedge, true));
  const Eigen::ArrayXd p = hedge.Distribution();
  CHECK(p[1] == 1.0);
  CHECK(p[0] == Approx(std::exp(-300.0)).epsilon(1e-12));
  CHECK(p.allFinite());
}

TEST_CASE("fixed-eta Hedge pseudo-regret <= sqrt(T ln n / 2) exactly", "[theory]") {
  // CBL Thm 2.2 holds for every sequence, adaptive ones included, with no
  // slack: the check has no tolerance.
  for (int n : {2, 3, 10, 64}) {
    for (int64_t horizon : {1, 10, 1000, 20000}) {
      const double bound = theory::HedgeOptimalRegret(n, horizon);
      INFO("n = " << n << ", T = " << horizon);
      {  // FTL's adversarial sequence
        auto hedge = MakeLearner("hedge");
        auto seq = MakeSequence("ftl_trap");
        CHECK(testing::Play(*hedge, *seq, n, horizon).points.back().pseudo_regret <= bound);
      }
      {  // random Bernoulli(1/2) and a planted expert
        auto hedge = MakeLearner("hedge");
        auto seq = MakeSequence("planted_bernoulli(delta=0.05)");
        CHECK(testing::Play(*hedge, *seq, n, horizon, 3).points.back().pseudo_regret <= bound);
      }
      {  // uniform [0,1] losses, seed 17
        auto hedge = MakeLearner("hedge");
        TableSequence table = UniformTable(n, 97, 17);
        CHECK(testing::Play(*hedge, table, n, horizon).points.back().pseudo_regret <= bound);
      }
      {  // adaptive adversary that reads Hedge's distribution
        auto learner = MakeLearner("hedge");
        ChargeTheFavourites adversary(dynamic_cast<Hedge&>(*learner));
        CHECK(testing::Play(*learner, adversary, n, horizon).points.back().pseudo_regret <= bound);
      }
    }
  }
}

TEST_CASE("anytime Hedge pseudo-regret <= 2 sqrt(T ln n/2) + sqrt(ln n/8)", "[theory]") {
  // CBL Thm 2.3 with eta_t = sqrt(8 ln n / t); checked at every checkpoint
  // because the anytime bound holds for every t, not only at T.
  for (int n : {2, 10, 64}) {
    const int64_t horizon = 20000;
    const auto checkpoints = LogCheckpoints(horizon, 4);
    std::vector<std::unique_ptr<LossSequence>> sequences;
    sequences.push_back(MakeSequence("ftl_trap"));
    sequences.push_back(MakeSequence("planted_bernoulli(delta=0.05)"));
    sequences.push_back(std::make_unique<TableSequence>(UniformTable(n, 89, 23)));
    for (auto& seq : sequences) {
      auto hedge = MakeLearner("hedge(schedule=anytime)");
      const GameResult r = PlayGame(*hedge, *seq, n, horizon, checkpoints, TestRng(1), TestRng(2));
      for (const GamePoint& p : r.points) {
        INFO("n = " << n << ", t = " << p.day);
        CHECK(p.pseudo_regret <= theory::HedgeAnytimeRegret(n, p.day));
      }
    }
    auto learner = MakeLearner("hedge(schedule=anytime)");
    ChargeTheFavourites adversary(dynamic_cast<Hedge&>(*learner));
    const GameResult r =
        PlayGame(*learner, adversary, n, horizon, checkpoints, TestRng(1), TestRng(2));
    for (const GamePoint& p : r.points)
      CHECK(p.pseudo_regret <= theory::HedgeAnytimeRegret(n, p.day));
  }
}

TEST_CASE("Hedge mean-regret grows like sqrt(T) on the planted instance", "[theory]") {
  // Fixed eta = sqrt(8 ln n / T), n = 32, planted gap delta = 0.1 (every
  // other expert has mean 1/2). With the planted means in place of the
  // losses, i*'s weight on day t is p*(t) = 1 / (1 + (n - 1) e^{-eta delta
  // (t - 1)}), and the mean-regret is m(T) = sum_t delta (1 - p*(t)), which
  // integrates to ln(n) / eta = sqrt(T ln n / 8) once eta delta T >> ln n
  // (here eta delta T >= 34 > ln 32 = 3.5). The noise in the losses spreads
  // the cumulative-loss differences X around their means, and E[e^{-eta X}]
  // >= e^{-eta E[X]} (Jensen) raises the others' expected weights, so the
  // claim below is E[R_T] >= m(T). Above, E[R_T] <= E[pseudo-regret]
  // <= sqrt(T ln n / 2) = 2 m(T) (Cesa-Bianchi & Lugosi 2006, Thm 2.2; the
  // mean-regret is at most the pseudo-regret in expectation, as i*'s total
  // is at least the best total). Both bounds scale as sqrt(T), so checking
  // them at T = 2^10, 2^12 and 2^14 pins the growth from T to 16 T to a
  // factor in [2, 8], where T^0 gives 1 and T^1 gives 16. Each claim is
  // tested over 24 seeds (kTestLevel each).
  const int n = 32;
  const double delta = 0.1;
  for (int64_t horizon : {int64_t{1} << 10, int64_t{1} << 12, int64_t{1} << 14}) {
    INFO("T = " << horizon);
    const double eta = std::sqrt(8 * std::log(static_cast<double>(n)) / horizon);
    double mean_field = 0;
    for (int64_t t = 1; t <= horizon; ++t)
      mean_field += delta * (1 - 1 / (1 + (n - 1) * std::exp(-eta * delta * (t - 1))));
    std::vector<double> regret;
    for (uint64_t seed = 1; seed <= 24; ++seed) {
      auto hedge = MakeLearner("hedge");
      auto seq = MakeSequence("planted_bernoulli(delta=0.1)");
      regret.push_back(testing::Play(*hedge, *seq, n, horizon, seed).points.back().mean_regret);
    }
    testing::CheckMeanAtLeast(regret, mean_field);
    testing::CheckMeanAtMost(regret, theory::HedgeOptimalRegret(n, horizon));
  }
}

TEST_CASE("Hedge conformance and determinism", "[unit][determinism]") {
  testing::CheckConformance("hedge", 50, 3000);
  testing::CheckConformance("hedge(schedule=anytime)", 50, 3000);
  testing::CheckConformance("hedge(eta=5)", 2000, 500);
  // A very long horizon with a large eta: weights stay finite (no NaN).
  auto hedge = MakeLearner("hedge(eta=50)");
  auto seq = MakeSequence("ftl_trap");
  const GameResult r = testing::Play(*hedge, *seq, 3, 50000);
  CHECK(std::isfinite(r.points.back().pseudo_regret));
}

TEST_CASE("Hedge rejects contradictory parameters at parse time", "[unit]") {
  auto& registry = Registry<ExpertsLearner>::Instance();
  CHECK_THROWS_AS(registry.Validate("hedge(schedule=anytime, eta=0.1)"), Error);
  CHECK_THROWS_AS(registry.Validate("hedge(eta=0)"), Error);
  CHECK_THROWS_AS(registry.Validate("hedge(eta=-1)"), Error);
}

}  // namespace
}  // namespace expertlab::experts

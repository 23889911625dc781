#include "algorithms/debate/consultancy.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/algorithms/debate/conformance.h"

namespace expertlab::debate {
namespace {

TEST_CASE("consultancy without probes: each consultant shows its whole side", "[theory]") {
  // A full-recall consultant with 16 slots shows every item of its side in
  // round 1 and nothing surfaces for the other side, so the judge picks the
  // consultant's side X with probability
  // sigma((1 - scepticism) S_X / tau + pi_X) (judge.h), S_X the side's full
  // score with nothing refuted.
  const Expert perfect{1.0, 1, 0.0, 1.0};
  for (const Question& question : testing::Questions(100, WorldParams{}, 17))
    for (const std::string& name : JudgePresets()) {
      const Judge judge = MakeJudge(name, 0.1);
      double score[2] = {0.0, 0.0};
      for (const Item& item : question.items)
        score[item.side] += item.strength * (item.verifiable ? 1.0 : judge.credulity);
      const double prior = std::log(0.6 / 0.4);
      const auto sigmoid = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
      const double truth = sigmoid((1.0 - judge.scepticism) * score[0] / judge.tau + prior);
      const double falsehood = 1.0 - sigmoid((1.0 - judge.scepticism) * score[1] / judge.tau - prior);
      const Outcome outcome = testing::Run("consultancy(probe=0, slots=16)", question, judge,
                                           {perfect, perfect}, 3);
      CHECK(outcome.truth_assigned == Approx(truth).epsilon(1e-12));
      CHECK(outcome.false_assigned == Approx(falsehood).epsilon(1e-12));
    }
}

TEST_CASE("consultancy: a probe every round surfaces and refutes the whole other side",
          "[theory]") {
  // probe = 1 and leak = skill = 1: every round leaks one hidden opposing
  // item, and the next round refutes it when it is refutable and verified.
  // After 100 rounds (more than any side's items) the judge sees the
  // consultant's side unrefuted and the other side fully disclosed:
  // P(pick X) = sigma(((1 - scepticism) S_X - S'_notX) / tau + pi_X), where
  // S' discounts refutable verified items by the refutation weight.
  const Expert leaky{1.0, 1, 0.0, 1.0};
  const auto sigmoid = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  for (const Question& question : testing::Questions(60, WorldParams{}, 19))
    for (const std::string& name : JudgePresets()) {
      const Judge judge = MakeJudge(name, 0.0);
      double own[2] = {0.0, 0.0}, refuted[2] = {0.0, 0.0};
      for (const Item& item : question.items) {
        const double weight = item.verifiable ? 1.0 : judge.credulity;
        own[item.side] += item.strength * weight;
        refuted[item.side] += item.strength *
                              (item.verifiable && item.refutable ? 1.0 - judge.refutation : weight);
      }
      const double keep = 1.0 - judge.scepticism;
      const Outcome outcome = testing::Run("consultancy(probe=1, slots=16, rounds=100)",
                                           question, judge, {leaky, leaky}, 5);
      CHECK(outcome.truth_assigned ==
            Approx(sigmoid((keep * own[0] - refuted[1]) / judge.tau)).epsilon(1e-12));
      CHECK(outcome.false_assigned ==
            Approx(1.0 - sigmoid((keep * own[1] - refuted[0]) / judge.tau)).epsilon(1e-12));
    }
}

TEST_CASE("consultancy: bad probe or rounds are refused, naming the key", "[unit]") {
  CHECK_THROWS_WITH(Registry<Protocol>::Instance().Create("consultancy(rounds=0)"),
                    Catch::Contains("rounds"));
  CHECK_THROWS_WITH(Registry<Protocol>::Instance().Create("consultancy(probe=1.5)"),
                    Catch::Contains("probe"));
}

TEST_CASE("consultancy conformance and determinism", "[unit][determinism]") {
  testing::CheckProtocolConformance("consultancy");
}

}  // namespace
}  // namespace expertlab::debate

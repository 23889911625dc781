// Helpers shared by the debate family's tests: questions, a protocol run
// averaged over questions, and the conformance checks every protocol's test
// calls.
#pragma once

#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "algorithms/debate/disclosure.h"
#include "algorithms/debate/judge.h"
#include "algorithms/debate/protocol.h"
#include "algorithms/debate/world.h"
#include "sim/registry.h"
#include "theory/debate_accuracy.h"

namespace expertlab::debate::testing {

inline Rng TestRng(uint64_t stream, uint64_t seed = 20261203) {
  return Rng(seed, 0xdeba7e, 0, stream);
}

inline std::vector<Question> Questions(int count, const WorldParams& world, uint64_t seed) {
  Rng rng = TestRng(1, seed);
  std::vector<Question> questions;
  for (int q = 0; q < count; ++q) questions.push_back(DrawQuestion(world, rng));
  return questions;
}

inline Outcome Run(const std::string& spec, const Question& question, const Judge& judge,
                   const std::array<Expert, 2>& experts, uint64_t seed) {
  const auto protocol = Registry<Protocol>::Instance().Create(spec);
  Rng rng = TestRng(2, seed);
  return protocol->Run(question, judge, experts, rng);
}

// A judge with every bias (judge.h): position bias judged in both orders,
// likelihood noise and a majority of three judgements.
inline Judge BiasedJudge(const std::string& preset) {
  Judge judge = MakeJudge(preset, 0.1);
  judge.position_bias = 0.7;
  judge.noise = 0.5;
  judge.votes = 3;
  judge.verbosity = 0.2;
  return judge;
}

// Outcomes in [0, 1] with accuracy the mean of the two assignments; one seed
// gives one outcome; zero-skill experts that never fabricate leave every
// judge at its naive accuracy (exactly: nothing is shown), a biased judge
// at what the naive protocol gives it.
inline void CheckProtocolConformance(const std::string& spec) {
  const std::vector<Question> questions = Questions(30, WorldParams{}, 7);
  const Expert skilled{0.8, 4, 0.2, 0.6};
  for (const std::string& name : JudgePresets())
    for (const Question& question : questions) {
      const Judge judge = MakeJudge(name, 0.1);
      const Outcome outcome = Run(spec, question, judge, {skilled, skilled}, 3);
      for (double p : {outcome.accuracy, outcome.truth_assigned, outcome.false_assigned}) {
        CHECK(p >= 0.0);
        CHECK(p <= 1.0);
      }
      CHECK(outcome.accuracy ==
            Approx(0.5 * (outcome.truth_assigned + outcome.false_assigned)).margin(1e-12));
      const Outcome again = Run(spec, question, judge, {skilled, skilled}, 3);
      CHECK(again.accuracy == outcome.accuracy);
      const Expert blank{0.0, 8, 0.0, 1.0};
      const Outcome zero = Run(spec, question, judge, {blank, blank}, 5);
      CHECK(zero.accuracy == Approx(theory::NaiveAccuracy(0.1)).margin(1e-12));
      CHECK(zero.truth_assigned == Approx(theory::NaiveAccuracy(0.1)).margin(1e-12));
      CHECK(zero.false_assigned == Approx(theory::NaiveAccuracy(0.1)).margin(1e-12));
      const Judge biased = BiasedJudge(name);
      const Outcome noisy = Run(spec, question, biased, {skilled, skilled}, 3);
      CHECK(noisy.accuracy ==
            Approx(0.5 * (noisy.truth_assigned + noisy.false_assigned)).margin(1e-12));
      CHECK(Run(spec, question, biased, {skilled, skilled}, 3).accuracy == noisy.accuracy);
      const double naive = Run("naive", question, biased, {blank, blank}, 5).accuracy;
      CHECK(Run(spec, question, biased, {blank, blank}, 5).accuracy ==
            Approx(naive).margin(1e-12));
    }
}

}  // namespace expertlab::debate::testing

#include "algorithms/debate/judge.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "sim/samplers.h"
#include "tests/algorithms/debate/conformance.h"

namespace expertlab::debate {
namespace {

// The full-disclosure logit of `question` (theory/debate_accuracy.h).
double FullLogit(const Question& question, const Judge& judge) {
  const double p =
      theory::FullDisclosureAccuracy(DisclosedItems(question), DisclosureWeights(judge));
  return std::log(p / (1.0 - p));
}

const Expert kPerfect{1.0, 1, 0.0, 0.0};

TEST_CASE("judge: position bias with both orders averaged, in closed form", "[theory]") {
  // Full disclosure (debate_test.cc) with logit x: the swap-averaged judge
  // gives (sigma(x + b) + sigma(x - b)) / 2.
  for (const Question& question : testing::Questions(40, WorldParams{}, 37)) {
    Judge judge = MakeJudge("strong", 0.1);
    const double x = FullLogit(question, judge);
    judge.position_bias = 0.8;
    const double p =
        testing::Run("debate(slots=16)", question, judge, {kPerfect, kPerfect}, 3).accuracy;
    CHECK(p == Approx(0.5 * (Sigmoid(x + 0.8) + Sigmoid(x - 0.8))).epsilon(1e-12));
  }
}

TEST_CASE("judge: without swapping, one order at random", "[theory]") {
  // Each verdict is sigma(x + b) or sigma(x - b), the true answer first with
  // probability 1/2: over 1000 seeds the share of sigma(x + b) is within 5
  // standard errors (5 sqrt(1/4 / 1000) = 0.079) of 1/2.
  const Question question = testing::Questions(1, WorldParams{}, 41).front();
  Judge judge = MakeJudge("medium", 0.0);
  const double x = FullLogit(question, judge);
  judge.position_bias = 1.2;
  judge.swap = false;
  const int runs = 1000;
  int first = 0;
  for (int seed = 0; seed < runs; ++seed) {
    const double p =
        testing::Run("debate(slots=16)", question, judge, {kPerfect, kPerfect}, seed).accuracy;
    const bool up = p == Approx(Sigmoid(x + 1.2)).epsilon(1e-12);
    CHECK((up || p == Approx(Sigmoid(x - 1.2)).epsilon(1e-12)));
    first += up;
  }
  CHECK(std::abs(first / static_cast<double>(runs) - 0.5) < 0.079);
}

TEST_CASE("judge: majority vote is the binomial tail, by enumeration", "[theory]") {
  // Sum over all 2^k vote patterns of their probability, counting patterns
  // with more than k/2 ones and half of those with exactly k/2.
  const auto enumerate = [](const std::vector<double>& p) {
    const size_t k = p.size();
    double total = 0.0;
    for (size_t mask = 0; mask < (size_t{1} << k); ++mask) {
      double prob = 1.0;
      size_t ones = 0;
      for (size_t v = 0; v < k; ++v) {
        const bool one = (mask >> v) & 1;
        prob *= one ? p[v] : 1.0 - p[v];
        ones += one;
      }
      total += 2 * ones > k ? prob : 2 * ones == k ? prob / 2 : 0.0;
    }
    return total;
  };
  CHECK(MajorityProbability({0.7}) == Approx(0.7).epsilon(1e-12));
  CHECK(MajorityProbability({0.9, 0.2, 0.6, 0.55, 0.3}) ==
        Approx(enumerate({0.9, 0.2, 0.6, 0.55, 0.3})).epsilon(1e-12));
  CHECK(MajorityProbability({0.9, 0.2, 0.6, 0.4}) ==
        Approx(enumerate({0.9, 0.2, 0.6, 0.4})).epsilon(1e-12));
  // Without noise, every judgement of a transcript has the same p.
  const Question question = testing::Questions(1, WorldParams{}, 43).front();
  for (int64_t votes : {3, 4, 7}) {
    Judge judge = MakeJudge("weak", 0.0);
    const double p = Sigmoid(FullLogit(question, judge));
    judge.votes = votes;
    const double verdict =
        testing::Run("debate(slots=16)", question, judge, {kPerfect, kPerfect}, 1).accuracy;
    CHECK(verdict == Approx(enumerate(std::vector<double>(votes, p))).epsilon(1e-12));
  }
}

TEST_CASE("judge: likelihood noise, one quote, against the lognormal integral", "[theory]") {
  // One verified quote of strength a = 2 for T, tau = 1, noise eta = 1: a
  // judgement is sigma(2 exp(z)), z ~ N(0, 1), whose mean is the integral of
  // sigma(2 e^z) phi(z) (trapezoid on [-9, 9], step 1e-3: error far below
  // 1e-6). 200000 judgements in (0, 1): standard error <= 0.5 / sqrt(2e5) =
  // 0.0011, tolerance 5 of them; the noise-free value sigma(2) is further.
  Question question;
  question.items.push_back({kTruth, 2.0, false, true});
  Transcript transcript(question);
  transcript.Show(question, 0);
  Judge judge = MakeJudge("bayes", 0.0);
  judge.noise = 1.0;
  double integral = 0.0;
  const double h = 1e-3;
  for (int i = -9000; i <= 9000; ++i) {
    const double z = i * h;
    const double weight = (i == -9000 || i == 9000) ? 0.5 : 1.0;
    integral += weight * h * Sigmoid(2.0 * std::exp(z)) * std::exp(-0.5 * z * z) /
                std::sqrt(2.0 * std::numbers::pi);
  }
  Rng rng = testing::TestRng(47);
  const int draws = 200000;
  double total = 0.0;
  for (int i = 0; i < draws; ++i) total += judge.Verdict(transcript, kTruth, false, rng);
  const double tolerance = 5 * 0.5 / std::sqrt(static_cast<double>(draws));
  CHECK(std::abs(total / draws - integral) < tolerance);
  CHECK(std::abs(Sigmoid(2.0) - integral) > 3 * tolerance);
}

TEST_CASE("judge: verbosity adds beta per quote", "[theory]") {
  // Full disclosure shows n_T and n_F quotes: the logit moves by
  // beta (n_T - n_F) / tau.
  for (const Question& question : testing::Questions(30, WorldParams{}, 53)) {
    Judge judge = MakeJudge("medium", 0.0);
    const double x = FullLogit(question, judge);
    double difference = 0.0;
    for (const Item& item : question.items) difference += item.side == kTruth ? 1.0 : -1.0;
    judge.verbosity = 0.3;
    const double p =
        testing::Run("debate(slots=16)", question, judge, {kPerfect, kPerfect}, 5).accuracy;
    CHECK(p == Approx(Sigmoid(x + 0.3 * difference / judge.tau)).epsilon(1e-12));
  }
}

TEST_CASE("judge: bad settings are refused, naming the key", "[unit]") {
  const auto refused = [](auto change, const char* key) {
    Judge judge = MakeJudge("strong", 0.0);
    change(judge);
    CHECK_THROWS_WITH(CheckJudge(judge), Catch::Contains(key));
  };
  refused([](Judge& j) { j.votes = 0; }, "votes");
  refused([](Judge& j) { j.noise = -0.1; }, "noise");
  refused([](Judge& j) { j.verbosity = std::nan(""); }, "verbosity");
  refused([](Judge& j) { j.position_bias = std::numeric_limits<double>::infinity(); }, "position_bias");
  refused([](Judge& j) { j.credulity = 1.5; }, "credulity");
  refused([](Judge& j) { j.tau = 0.0; }, "tau");
  CHECK_THROWS_WITH(MakeJudge("lenient", 0.0), Catch::Contains("judge"));
}

}  // namespace
}  // namespace expertlab::debate

#include "algorithms/experts/pool_cycling.h"

#include <catch2/catch.hpp>

#include "algorithms/experts/low_mistake.h"
#include "tests/algorithms/experts/test_util.h"

namespace expertlab::experts {
namespace {

// Independent re-implementation of the rule for a brute-force comparison.
double ReferenceLoss(const LossSequence& seq, int n, int memory, int64_t horizon) {
  int first = 0;
  int size = std::min(memory, n);
  std::vector<char> alive(size, 1);
  int current = 0;
  double loss = 0;
  for (int64_t t = 1; t <= horizon; ++t) {
    loss += seq.Loss(t, current);
    int next = -1;
    for (int k = 0; k < size; ++k) {
      if (!alive[k]) continue;
      if (seq.Loss(t, first + k) >= 0.5)
        alive[k] = 0;
      else if (next < 0)
        next = first + k;
    }
    if (next >= 0) {
      current = next;
    } else {
      first = first + size >= n ? 0 : first + size;
      size = std::min(memory, n - first);
      alive.assign(size, 1);
      current = first;
    }
  }
  return loss;
}

TEST_CASE("pool cycling equals a brute-force replay and its worst case", "[theory]") {
  // Binary losses: the learner pays only on days its followed member errs,
  // and that member is then deleted; a block holding i* is left only after
  // i* errs. So its loss is at most n (M + 1) (every expert deleted at most
  // once per cycle through the blocks, at most M + 1 cycles).
  for (int memory : {1, 5, 16, 40}) {
    for (int mistakes : {0, 3, 12}) {
      auto learner = testing::MakeLearner("pool_cycling(memory=" + std::to_string(memory) + ")");
      auto seq = testing::MakeSequence("low_mistake(mistakes=" + std::to_string(mistakes) + ")");
      const int n = 40;
      const int64_t horizon = 3000;
      const GameResult r = testing::Play(*learner, *seq, n, horizon);
      INFO("S = " << memory << ", M = " << mistakes);
      CHECK(r.learner_loss == ReferenceLoss(*seq, n, memory, horizon));
      CHECK(r.learner_loss <= n * (mistakes + 1.0));
      CHECK(r.best_loss == mistakes);
    }
  }
}

TEST_CASE("pool cycling conformance", "[unit][determinism]") {
  testing::CheckConformance("pool_cycling(memory=8)", 64, 2000, "low_mistake(mistakes=4)");
}

}  // namespace
}  // namespace expertlab::experts

#include "algorithms/debate/naive.h"

#include <catch2/catch.hpp>

#include "tests/algorithms/debate/conformance.h"

namespace expertlab::debate {
namespace {

TEST_CASE("naive: the judge's prior accuracy, whatever the experts", "[theory]") {
  const Question question = testing::Questions(1, WorldParams{}, 1).front();
  const Expert perfect{1.0, 16, 0.0, 1.0};
  for (double edge : {0.0, 0.1, 0.3})
    CHECK(testing::Run("naive", question, MakeJudge("bayes", edge), {perfect, perfect}, 1)
              .accuracy == Approx(theory::NaiveAccuracy(edge)));
}

TEST_CASE("naive conformance and determinism", "[unit][determinism]") {
  testing::CheckProtocolConformance("naive");
}

}  // namespace
}  // namespace expertlab::debate

#include "algorithms/debate/debate.h"

#include <catch2/catch.hpp>
#include <string>

#include "sim/check.h"
#include "tests/algorithms/debate/conformance.h"

namespace expertlab::debate {
namespace {

// Full-recall experts that never fabricate, with 16 slots a round: round 1
// shows every item (at most 16 a side, checked), round 2 refutes every
// refutable verified one, so the judge sees full disclosure.
void CheckFullDisclosure(const WorldParams& world, const std::string& spec, int64_t bon) {
  const Expert perfect{1.0, bon, 0.0, 0.0};
  for (const Question& question : testing::Questions(200, world, 11)) {
    int per_side[2] = {0, 0};
    for (const Item& item : question.items) ++per_side[item.side];
    REQUIRE(per_side[0] <= 16);
    REQUIRE(per_side[1] <= 16);
    for (const std::string& name : JudgePresets()) {
      const Judge judge = MakeJudge(name, 0.1);
      const double expected =
          theory::FullDisclosureAccuracy(DisclosedItems(question), DisclosureWeights(judge));
      CHECK(testing::Run(spec, question, judge, {perfect, perfect}, 2).accuracy ==
            Approx(expected).epsilon(1e-12));
    }
  }
}

TEST_CASE("debate with full-recall experts equals the full-disclosure closed form", "[theory]") {
  SECTION("perfectly verifiable evidence") {
    CheckFullDisclosure(WorldParams{}, "debate(rounds=3, slots=16)", 1);
    CheckFullDisclosure(WorldParams{}, "debate(rounds=2, slots=16, sequential=true)", 4);
  }
  SECTION("half the items unverifiable (credulity weighs them)") {
    WorldParams world;
    world.verifiable = 0.5;
    CheckFullDisclosure(world, "debate(rounds=3, slots=16)", 2);
  }
}

TEST_CASE("debate: one round cannot refute, so misleading items keep their weight", "[theory]") {
  // With one simultaneous round nothing has been shown before the experts
  // move: the judge sees every item unrefuted, i.e. full disclosure with
  // nothing refutable.
  const Expert perfect{1.0, 1, 0.0, 0.0};
  for (Question question : testing::Questions(50, WorldParams{}, 13)) {
    const Judge judge = MakeJudge("bayes", 0.0);
    const double accuracy =
        testing::Run("debate(rounds=1, slots=16)", question, judge, {perfect, perfect}, 4).accuracy;
    for (Item& item : question.items) item.refutable = false;
    CHECK(accuracy == Approx(theory::FullDisclosureAccuracy(DisclosedItems(question),
                                                            DisclosureWeights(judge)))
                          .epsilon(1e-12));
  }
}

TEST_CASE("debate: zero rounds or slots are refused, naming the key", "[unit]") {
  CHECK_THROWS_WITH(Registry<Protocol>::Instance().Create("debate(rounds=0)"),
                    Catch::Contains("rounds"));
  CHECK_THROWS_WITH(Registry<Protocol>::Instance().Create("debate(slots=0)"),
                    Catch::Contains("slots"));
}

TEST_CASE("debate conformance and determinism", "[unit][determinism]") {
  testing::CheckProtocolConformance("debate");
  testing::CheckProtocolConformance("debate(sequential=true, rounds=2)");
}

}  // namespace
}  // namespace expertlab::debate

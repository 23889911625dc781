// Registration works from any translation unit: a toy learner defined here
// (the extension recipe's step 1-2 in miniature) joins the existing
// hedge_regret sweep with no other change.
#include "sim/registry.h"

#include <catch2/catch.hpp>

#include "algorithms/experts/learner.h"
#include "registered_files.h"
#include "sim/config.h"
#include "sim/executor.h"
#include "sim/experiment.h"
#include "sim/grid.h"
#include "theory/experts_bounds.h"

namespace expertlab {
namespace {

// Plays the uniform distribution over all experts.
class ToyUniform final : public experts::ExpertsLearner {
 public:
  explicit ToyUniform(const Params&) {}
  void Start(int n, int64_t, Rng rng) override {
    n_ = n;
    rng_ = std::move(rng);
  }
  int Act() override { return static_cast<int>(rng_.UniformInt(n_)); }
  double ExpectedLoss(const experts::LossView& l) const override { return l.All().mean(); }
  void Observe(const experts::LossView&) override {}
  int64_t MemoryBudget() const override { return n_; }
  int64_t MemoryWords() const override { return 0; }
  bool Holds(int) const override { return true; }

 private:
  int n_ = 0;
  Rng rng_{0, 0, 0, 0};
};

}  // namespace

EXPERTLAB_REGISTER(experts::ExpertsLearner, ToyUniform, "toy_uniform",
                   "uniform play (registration test)", {})

namespace {

TEST_CASE("every algorithm and experiment file registers its name", "[unit]") {
  for (const char* file : generated::kAlgorithmFiles) {
    const std::string path(file);
    const std::string name = path.substr(path.rfind('/') + 1);
    bool registered = false;
    for (const RegistryBase* registry : AllRegistries())
      registered = registered || registry->Contains(name);
    INFO("algorithms/" << path << ".cc");
    CHECK(registered);
  }
  for (const char* name : generated::kExperimentFiles)
    CHECK(Registry<Experiment>::Instance().Contains(name));
}

TEST_CASE("a toy learner registered in a test joins an existing sweep", "[unit][theory]") {
  SweepConfig config = DefaultConfig("hedge_regret");
  ApplyOverride(config, "learner=toy_uniform");
  ApplyOverride(config, "instance=ftl_trap");
  ApplyOverride(config, "n=2");
  ApplyOverride(config, "T=101");
  const auto cells = ExpandGrid(config);
  REQUIRE(cells.size() == 1);
  const auto experiment = FindExperiment("hedge_regret").factory(Params());
  const ItemResult result = *RunItem(*experiment, cells[0], 0, 1, {1});
  // Uniform play on ftl_trap: expected loss 1/4 on day 1, 1/2 after; the best
  // expert pays 1/2 + 50 = 50.5 (expert 0) vs 50 (expert 1) over 101 days.
  const double expected = 0.25 + 0.5 * 100 - 50.0;
  double pseudo = -1;
  for (const auto& row : result.rows)
    if (row.name == "pseudo_regret" && row.step == 101) pseudo = row.value;
  CHECK(pseudo == Approx(expected).epsilon(1e-12));
}

TEST_CASE("unknown names and bad specs are rejected with the known names", "[unit]") {
  auto& registry = Registry<experts::ExpertsLearner>::Instance();
  try {
    registry.Create("hedgehog");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("unknown experts learner 'hedgehog'; "
                                     "expected one of {") == 0);
  }
  // Constructor cross-checks run at parse time too.
  CHECK_THROWS_AS(registry.Validate("hedge(schedule=anytime, eta=0.1)"), Error);
  CHECK_NOTHROW(registry.Validate("hedge(schedule=anytime)"));
  CHECK_THROWS_AS(registry.Add({"hedge", "", {}, nullptr}), Error);
}

}  // namespace
}  // namespace expertlab

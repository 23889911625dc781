// End-to-end checks of routing_charlm (experiments/routing_charlm.cc): one
// small cell trains the MoE transformer on Debian's licence texts through
// the engine and beats the unigram entropy by a margin; a missing corpus
// stops the plan with its path named and nothing written.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/check.h"
#include "tests/sim/one_cell.h"

namespace expertlab::moe {
namespace {

double CharLmFinal(const std::vector<MetricRow>& rows, const std::string& metric, int64_t step) {
  for (const auto& r : rows)
    if (r.name == metric && r.step == step) return r.value;
  FAIL("no row " << metric << " at step " << step);
  return 0;
}

TEST_CASE("routing_charlm: a tiny MoE transformer beats the unigram entropy", "[theory][moe]") {
  if (!std::filesystem::is_directory("/usr/share/common-licenses")) {
    WARN("no /usr/share/common-licenses (package base-files): nothing to check");
    return;
  }
  const int64_t steps = 300;
  const auto rows = expertlab::testing::RunOneCell(
      "routing_charlm", {"router=topk_softmax", "steps=" + std::to_string(steps), "d_model=32",
                         "d_ff=32", "blocks=1", "val_windows=64"});
  const double val = CharLmFinal(rows, "val_bpc", steps);
  const double unigram = CharLmFinal(rows, "theory.unigram_bpc", steps);
  INFO("val_bpc " << val << ", unigram " << unigram << " (seed of the default config)");
  CHECK(CharLmFinal(rows, "diverged", steps) == 0.0);
  // English text by letter frequencies: ~4.2-4.5 bits/char.
  CHECK(unigram > 4.0);
  CHECK(unigram < 5.0);
  // Context is worth at least half a bit per character: even a bigram
  // model of English gains about 0.8 bits over the unigram entropy.
  CHECK(val < unigram - 0.5);
  CHECK(CharLmFinal(rows, "load_entropy", steps) > 0.5);
}

TEST_CASE("routing_charlm: a missing corpus stops the plan with its path named", "[unit][moe]") {
  const std::string missing = "/nonexistent/expertlab/licences";
  CHECK_THROWS_WITH(
      expertlab::testing::PlanQuickSweep("routing_charlm", {"corpus=" + missing}, "charlm"),
      Catch::Contains(missing));
  CHECK_FALSE(std::filesystem::exists(expertlab::testing::NeverWrittenDir("charlm")));
  CHECK_THROWS_WITH(
      expertlab::testing::PlanQuickSweep("routing_charlm", {"heads=3"}, "charlm"),
      Catch::Contains("heads"));
}

}  // namespace
}  // namespace expertlab::moe

#include "algorithms/moe/train/algorithmic_text.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "sim/check.h"

namespace expertlab::moe {
namespace {

TEST_CASE("algorithmic answers by hand", "[unit][moe]") {
  CHECK(AlgorithmicAnswer('c', "0451") == "0451");
  CHECK(AlgorithmicAnswer('r', "0451") == "1540");
  CHECK(AlgorithmicAnswer('s', "3101") == "0113");
  CHECK(AlgorithmicAnswer('i', "0451") == "0452");
  CHECK(AlgorithmicAnswer('i', "0999") == "1000");
  CHECK(AlgorithmicAnswer('i', "99") == "100");
  CHECK_THROWS_WITH(AlgorithmicAnswer('x', "1"), Catch::Contains("unknown op"));
}

TEST_CASE("algorithmic text: every line states its rule, draws are uniform", "[theory][moe]") {
  AlgorithmicTextSpec spec;
  spec.lines = 40000;
  spec.min_len = 1;
  spec.max_len = 4;
  Rng rng(17, 0, 0, 0);
  const std::string text = AlgorithmicText(spec, rng);
  std::istringstream lines(text);
  std::string line;
  std::map<char, int64_t> ops;
  std::map<size_t, int64_t> lengths;
  int64_t count = 0, chars = 0;
  while (std::getline(lines, line)) {
    const size_t eq = line.find('=');
    REQUIRE(eq != std::string::npos);
    const std::string digits = line.substr(1, eq - 1);
    CHECK(line.substr(eq + 1) == AlgorithmicAnswer(line[0], digits));
    ++ops[line[0]];
    ++lengths[digits.size()];
    ++count;
    chars += static_cast<int64_t>(line.size()) + 1;
  }
  REQUIRE(count == spec.lines);
  // Four ops and four lengths, each with probability 1/4: counts within
  // 4.5 binomial sd (sqrt(n p (1 - p)) = 87) of n / 4 = 10000.
  REQUIRE(ops.size() == 4);
  for (const auto& [op, n] : ops) CHECK(std::abs(double(n) - 10000.0) < 4.5 * 87);
  REQUIRE(lengths.size() == 4);
  for (const auto& [len, n] : lengths) CHECK(std::abs(double(n) - 10000.0) < 4.5 * 87);
  // The entropy rate's denominator is the expected line length: here
  // 2 E[len] + 3 + P(i) E[10^-len] = 8 + 0.25 * 0.02778 = 8.00694.
  CHECK(double(chars) / double(count) == Approx(8.00694).epsilon(0.003));
  // Numerator: log2 4 + log2 4 + 2.5 log2 10 = 12.3048 bits per line.
  CHECK(AlgorithmicEntropyRate(spec) == Approx(12.3048 / 8.00694).epsilon(1e-4));
}

TEST_CASE("algorithmic exact match scores only lines whose input is in the window",
          "[theory][moe]") {
  // Window of 12: "1=10\nr12=21\n" -- the first line's start is not in the
  // window, so only "21\n" is scored (3 answer chars, one line).
  const std::string window = "1=10\nr12=21\nc";
  const std::string tokens = window.substr(0, 12), targets = window.substr(1, 12);
  std::string predicted = targets;
  ExactMatch all = ScoreAlgorithmic(tokens, targets, predicted, 12);
  CHECK(all.answer_chars == 3);
  CHECK(all.answer_correct == 3);
  CHECK(all.lines == 1);
  CHECK(all.lines_correct == 1);
  predicted[9] = '9';  // the '1' of "21" wrong
  const ExactMatch one_wrong = ScoreAlgorithmic(tokens, targets, predicted, 12);
  CHECK(one_wrong.answer_correct == 2);
  CHECK(one_wrong.lines_correct == 0);
  predicted = targets;
  predicted[2] = '7';  // inside the unscored first line: no change
  const ExactMatch unscored = ScoreAlgorithmic(tokens, targets, predicted, 12);
  CHECK(unscored.answer_correct == 3);
  CHECK(unscored.lines_correct == 1);
  // Scored by op: the line is a reverse ('r'), so "r" scores it and "cis"
  // (the other ops) scores nothing.
  CHECK(ScoreAlgorithmic(tokens, targets, predicted, 12, "r").lines == 1);
  CHECK(ScoreAlgorithmic(tokens, targets, predicted, 12, "cis").lines == 0);
  CHECK(ScoreAlgorithmic(tokens, targets, predicted, 12, "cis").answer_chars == 0);
}

TEST_CASE("algorithmic text rejects bad lengths", "[unit][moe]") {
  AlgorithmicTextSpec spec;
  spec.min_len = 0;
  CHECK_THROWS_WITH(spec.Validate(), Catch::Contains("min_len"));
  spec.min_len = 5;
  spec.max_len = 4;
  CHECK_THROWS_WITH(spec.Validate(), Catch::Contains("max_len"));
}

}  // namespace
}  // namespace expertlab::moe

#include "algorithms/moe/train/char_corpus.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/check.h"

namespace expertlab::moe {
namespace {

std::filesystem::path WriteCorpusFile(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "expertlab_char_corpus_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST_CASE("char corpus: split, vocabulary and unigram entropy by hand", "[theory][moe]") {
  // Blocks of 4 bytes, every second held out: train "aabb" + "aabb",
  // validation "cccc" + "abca".
  const auto path = WriteCorpusFile("split.txt", "aabbccccaabbabca");
  const CharCorpus corpus({path.string(), 4, 2});
  CHECK(corpus.alphabet() == "abc");
  CHECK(corpus.train() == std::vector<int32_t>{0, 0, 1, 1, 0, 0, 1, 1});
  CHECK(corpus.validation() == std::vector<int32_t>{2, 2, 2, 2, 0, 1, 2, 0});
  // Training frequencies a: 1/2, b: 1/2 -> exactly 1 bit per character.
  CHECK(corpus.UnigramBits() == Approx(1.0).epsilon(1e-15));
  std::vector<int32_t> tokens, targets;
  CHECK(corpus.ValidationWindows(3, 0, &tokens, &targets) == 2);
  CHECK(tokens == std::vector<int32_t>{2, 2, 2, 2, 0, 1});
  CHECK(targets == std::vector<int32_t>{2, 2, 2, 0, 1, 2});
  CHECK(corpus.ValidationWindows(3, 1, &tokens, &targets) == 1);
  Rng rng(3, 0, 0, 0);
  corpus.SampleWindows(rng, 5, 3, &tokens, &targets);
  for (int64_t w = 0; w < 5; ++w)
    for (int64_t i = 0; i + 1 < 3; ++i) CHECK(targets[w * 3 + i] == tokens[w * 3 + i + 1]);
}

TEST_CASE("char corpus: a missing path is one error naming it", "[unit][moe]") {
  const std::string missing = "/nonexistent/expertlab/corpus.txt";
  CHECK_THROWS_WITH(CharCorpusSpec{missing}.Validate(), Catch::Contains(missing));
  CHECK_THROWS_WITH(CharCorpus({missing}), Catch::Contains(missing));
  const auto empty = WriteCorpusFile("empty.txt", "");
  CHECK_THROWS_WITH(CharCorpusSpec{empty.string()}.Validate(), Catch::Contains("no text in"));
}

TEST_CASE("char corpus: the Debian licence texts load with English-like statistics",
          "[unit][moe]") {
  const std::string dir = "/usr/share/common-licenses";
  if (!std::filesystem::is_directory(dir)) {
    WARN("no " << dir << " (package base-files): nothing to check");
    return;
  }
  const CharCorpus corpus({dir});
  INFO("vocab " << corpus.vocab() << ", train " << corpus.train().size() << ", validation "
                << corpus.validation().size() << ", unigram " << corpus.UnigramBits());
  // English letter text: about 4-5 bits per character by frequencies alone.
  CHECK(corpus.UnigramBits() > 3.5);
  CHECK(corpus.UnigramBits() < 5.5);
  CHECK(corpus.validation().size() * 12 > corpus.train().size());
}

}  // namespace
}  // namespace expertlab::moe

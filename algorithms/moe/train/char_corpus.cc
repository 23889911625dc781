#include "algorithms/moe/train/char_corpus.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "sim/check.h"

namespace expertlab::moe {

namespace {

std::string ReadWholeFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  EXPERTLAB_CHECK(in.good()) << "char corpus: cannot open " << file.string();
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string ReadCorpusText(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  EXPERTLAB_CHECK(!ec && fs::exists(status))
      << "char corpus: " << path
      << " does not exist (the licence texts are in /usr/share/common-licenses, package "
         "base-files)";
  std::string text;
  if (fs::is_directory(status)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (!entry.is_symlink() && entry.is_regular_file()) files.push_back(entry.path());
    EXPERTLAB_CHECK(!ec) << "char corpus: cannot list " << path << ": " << ec.message();
    std::sort(files.begin(), files.end());
    for (const auto& f : files) text += ReadWholeFile(f);
  } else {
    text = ReadWholeFile(path);
  }
  EXPERTLAB_CHECK(!text.empty()) << "char corpus: no text in " << path;
  return text;
}

void CharCorpusSpec::Validate() const {
  EXPERTLAB_CHECK(block >= 2) << "char corpus: block must be >= 2, got " << block;
  EXPERTLAB_CHECK(holdout_every >= 2)
      << "char corpus: holdout_every must be >= 2, got " << holdout_every;
  ReadCorpusText(path);
}

CharCorpus::CharCorpus(const CharCorpusSpec& spec) {
  EXPERTLAB_CHECK(spec.block >= 2 && spec.holdout_every >= 2)
      << "char corpus: block and holdout_every must be >= 2";
  const std::string text = ReadCorpusText(spec.path);
  const std::array<int32_t, 256> id = BuildAlphabet(text, text);
  const int64_t n = static_cast<int64_t>(text.size());
  for (int64_t i = 0; i < n; ++i) {
    const bool held = (i / spec.block) % spec.holdout_every == spec.holdout_every - 1;
    (held ? validation_ : train_).push_back(id[static_cast<unsigned char>(text[i])]);
  }
  EXPERTLAB_CHECK(!validation_.empty())
      << "char corpus: " << spec.path << " has " << n << " bytes, too few for a held-out block of "
      << spec.block << " (one in " << spec.holdout_every << ")";
  ComputeUnigramBits();
}

CharCorpus::CharCorpus(const std::string& train_text, const std::string& validation_text) {
  EXPERTLAB_CHECK(!train_text.empty() && !validation_text.empty())
      << "char corpus: empty training or validation text";
  const std::array<int32_t, 256> id = BuildAlphabet(train_text, validation_text);
  for (unsigned char c : train_text) train_.push_back(id[c]);
  for (unsigned char c : validation_text) validation_.push_back(id[c]);
  ComputeUnigramBits();
}

std::array<int32_t, 256> CharCorpus::BuildAlphabet(const std::string& a, const std::string& b) {
  std::array<int32_t, 256> id;
  id.fill(-1);
  for (unsigned char c : a) id[c] = 0;
  for (unsigned char c : b) id[c] = 0;
  for (int c = 0; c < 256; ++c)
    if (id[c] == 0) {
      id[c] = static_cast<int32_t>(alphabet_.size());
      alphabet_.push_back(static_cast<char>(c));
    }
  return id;
}

void CharCorpus::ComputeUnigramBits() {
  std::vector<double> count(alphabet_.size(), 0.0);
  for (int32_t c : train_) count[c] += 1;
  const double total = static_cast<double>(train_.size());
  for (double c : count)
    if (c > 0) unigram_bits_ -= (c / total) * std::log2(c / total);
}

void CharCorpus::SampleWindows(Rng& rng, int64_t n, int64_t length, std::vector<int32_t>* tokens,
                               std::vector<int32_t>* targets) const {
  const int64_t size = static_cast<int64_t>(train_.size());
  EXPERTLAB_CHECK(size > length) << "char corpus: training split of " << size
                                 << " characters is too short for windows of " << length;
  tokens->resize(n * length);
  targets->resize(n * length);
  for (int64_t w = 0; w < n; ++w) {
    const int64_t start = static_cast<int64_t>(rng.UniformInt(uint64_t(size - length)));
    std::copy_n(train_.begin() + start, length, tokens->begin() + w * length);
    std::copy_n(train_.begin() + start + 1, length, targets->begin() + w * length);
  }
}

int64_t CharCorpus::ValidationWindows(int64_t length, int64_t max_windows,
                                      std::vector<int32_t>* tokens,
                                      std::vector<int32_t>* targets) const {
  const int64_t size = static_cast<int64_t>(validation_.size());
  int64_t windows = (size - 1) / length;
  if (max_windows > 0) windows = std::min(windows, max_windows);
  EXPERTLAB_CHECK(windows >= 1) << "char corpus: validation split of " << size
                                << " characters holds no window of " << length;
  tokens->resize(windows * length);
  targets->resize(windows * length);
  for (int64_t w = 0; w < windows; ++w) {
    std::copy_n(validation_.begin() + w * length, length, tokens->begin() + w * length);
    std::copy_n(validation_.begin() + w * length + 1, length, targets->begin() + w * length);
  }
  return windows;
}

}  // namespace expertlab::moe

// A character-level language-modelling corpus read from text files on disk
// (e.g. the licence texts Debian's base-files package ships under
// /usr/share/common-licenses): bytes as tokens, a held-out split, random
// training windows and the fixed validation windows, and the unigram
// entropy of the training split, the bits per character that a model
// knowing character frequencies but no context reaches.
//
// Split: the text is cut into blocks of `block` bytes; block b is held out
// when b % holdout_every == holdout_every - 1 (every tenth block by
// default), so both splits sample every file. Each split is the
// concatenation of its blocks.
// Vocabulary: the distinct bytes of the whole text, in byte order (ids
// 0..V-1).
// Unigram entropy: H = -sum_c p_c log2 p_c over the training split's byte
// frequencies p_c (bits per character).
//
// Parameters (CharCorpusSpec)
//   path            a file, or a directory whose regular files (symlinks
//                   skipped) are read in name order and concatenated
//   block           >= 2      bytes per split block
//   holdout_every   >= 2      one block in this many is held out
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/rng.h"

namespace expertlab::moe {

struct CharCorpusSpec {
  std::string path;
  int64_t block = 1000;
  int64_t holdout_every = 10;
  // Throws expertlab::Error naming the path when it cannot be read (missing,
  // empty, or a directory with no regular file), or a bad field.
  void Validate() const;
};

class CharCorpus {
 public:
  explicit CharCorpus(const CharCorpusSpec& spec);
  // A corpus whose splits are given as texts (e.g. generated ones): the
  // vocabulary is the distinct bytes of both.
  CharCorpus(const std::string& train_text, const std::string& validation_text);

  int64_t vocab() const { return static_cast<int64_t>(alphabet_.size()); }
  // Byte of token id i.
  const std::string& alphabet() const { return alphabet_; }
  const std::vector<int32_t>& train() const { return train_; }
  const std::vector<int32_t>& validation() const { return validation_; }
  double UnigramBits() const { return unigram_bits_; }

  // n random training windows of `length` tokens: tokens [n x length] and
  // the token after each (targets). Needs train().size() > length.
  void SampleWindows(Rng& rng, int64_t n, int64_t length, std::vector<int32_t>* tokens,
                     std::vector<int32_t>* targets) const;
  // The non-overlapping validation windows of `length` tokens (at most
  // max_windows of them, 0 = all), as tokens and targets.
  int64_t ValidationWindows(int64_t length, int64_t max_windows, std::vector<int32_t>* tokens,
                            std::vector<int32_t>* targets) const;

 private:
  // Fills alphabet_ with the distinct bytes of a and b; returns byte -> id.
  std::array<int32_t, 256> BuildAlphabet(const std::string& a, const std::string& b);
  void ComputeUnigramBits();
  std::string alphabet_;
  std::vector<int32_t> train_, validation_;
  double unigram_bits_ = 0;
};

// The text at `path` (file, or the directory's regular files concatenated
// in name order); throws naming the path when it cannot be read.
std::string ReadCorpusText(const std::string& path);

}  // namespace expertlab::moe

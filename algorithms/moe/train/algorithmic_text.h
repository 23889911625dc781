// Synthetic algorithmic sequence tasks written as text, for a character-level
// MoE language model scored by exact match (the "copy / reverse / addition"
// family of algorithmic benchmarks for sequence models; A. Graves, G. Wayne,
// I. Danihelka, "Neural Turing machines", arXiv 1410.5401, 2014, Sec. 4; the
// tasks are the router's latent "clusters": which rule the line follows).
//
// One problem per line, `<op><digits>=<answer>\n`, with
//   op  'c' copy      answer = digits
//       'r' reverse   answer = digits reversed
//       's' sort      answer = digits in ascending order
//       'i' increment answer = the digits as a decimal number plus one,
//                     same width unless it carries out (e.g. 099 -> 100,
//                     999 -> 1000)
// op uniform over the four, the length uniform in [min_len, max_len], each
// digit uniform in 0-9, all independent. Everything after '=' is a function
// of what precedes it on the line.
//
// Entropy rate (bits per character), the least reachable held-out loss of
// a model that sees each line's start: by renewal-reward, the expected
// random bits of a line over its expected length,
//   H = (log2 4 + log2 n_len + E[len] log2 10) / (E[len] + 3 + E[answer len]),
// n_len = max_len - min_len + 1, E[answer len] = E[len] + P(op = i) E[10^-len]
// (an increment of all nines gains a digit).
//
// Parameters (AlgorithmicTextSpec)
//   lines    >= 1                 problems of the text
//   min_len  >= 1                 shortest digit string
//   max_len  >= min_len, <= 32    longest digit string
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/rng.h"

namespace expertlab::moe {

struct AlgorithmicTextSpec {
  int64_t lines = 20000;
  int64_t min_len = 2;
  int64_t max_len = 6;
  // Throws expertlab::Error naming the first bad field.
  void Validate() const;
};

// The answer of op on digits (a string of '0'-'9').
std::string AlgorithmicAnswer(char op, const std::string& digits);

// `spec.lines` random problems drawn from `rng`.
std::string AlgorithmicText(const AlgorithmicTextSpec& spec, Rng& rng);

// H above, in bits per character.
double AlgorithmicEntropyRate(const AlgorithmicTextSpec& spec);

// Exact-match scoring of predictions on windows of algorithmic text.
// tokens, targets, predicted: [windows x length] (targets[j] is the
// character after tokens[j]; predicted the model's argmax for it), as
// characters. An answer character counts only when its whole line
// (op, digits, '=') is inside the window, so the model saw its input; a
// line counts for exact match when, in addition, its answer through the
// closing '\n' is inside the window.
struct ExactMatch {
  int64_t answer_chars = 0, answer_correct = 0;
  int64_t lines = 0, lines_correct = 0;
};
// `ops`: score only lines whose op is one of these characters (empty: all).
ExactMatch ScoreAlgorithmic(const std::string& tokens, const std::string& targets,
                            const std::string& predicted, int64_t length,
                            const std::string& ops = "");

}  // namespace expertlab::moe

#include "algorithms/moe/train/algorithmic_text.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"

namespace expertlab::moe {

namespace {
constexpr char kAlgorithmicOps[] = {'c', 'r', 's', 'i'};
}  // namespace

void AlgorithmicTextSpec::Validate() const {
  EXPERTLAB_CHECK(lines >= 1) << "algorithmic text: lines must be >= 1, got " << lines;
  EXPERTLAB_CHECK(min_len >= 1) << "algorithmic text: min_len must be >= 1, got " << min_len;
  EXPERTLAB_CHECK(max_len >= min_len && max_len <= 32)
      << "algorithmic text: max_len must be in [min_len, 32] = [" << min_len << ", 32], got "
      << max_len;
}

std::string AlgorithmicAnswer(char op, const std::string& digits) {
  std::string out = digits;
  switch (op) {
    case 'c': return out;
    case 'r': std::reverse(out.begin(), out.end()); return out;
    case 's': std::sort(out.begin(), out.end()); return out;
    case 'i': {
      int64_t i = static_cast<int64_t>(out.size()) - 1;
      while (i >= 0 && out[i] == '9') out[i--] = '0';
      if (i < 0) return "1" + out;
      ++out[i];
      return out;
    }
    default: throw Error(std::string("algorithmic text: unknown op '") + op + "'");
  }
}

std::string AlgorithmicText(const AlgorithmicTextSpec& spec, Rng& rng) {
  spec.Validate();
  std::string text;
  const uint64_t lengths = uint64_t(spec.max_len - spec.min_len + 1);
  for (int64_t line = 0; line < spec.lines; ++line) {
    const char op = kAlgorithmicOps[rng.UniformInt(4)];
    const int64_t len = spec.min_len + static_cast<int64_t>(rng.UniformInt(lengths));
    std::string digits(len, '0');
    for (char& d : digits) d = static_cast<char>('0' + rng.UniformInt(10));
    text += op + digits + "=" + AlgorithmicAnswer(op, digits) + "\n";
  }
  return text;
}

double AlgorithmicEntropyRate(const AlgorithmicTextSpec& spec) {
  spec.Validate();
  const double n = double(spec.max_len - spec.min_len + 1);
  double mean_len = 0, carry = 0;
  for (int64_t len = spec.min_len; len <= spec.max_len; ++len) {
    mean_len += double(len) / n;
    carry += std::pow(10.0, -double(len)) / n;
  }
  const double bits = 2.0 + std::log2(n) + mean_len * std::log2(10.0);
  const double chars = mean_len + 3.0 + mean_len + 0.25 * carry;
  return bits / chars;
}

ExactMatch ScoreAlgorithmic(const std::string& tokens, const std::string& targets,
                            const std::string& predicted, int64_t length, const std::string& ops) {
  EXPERTLAB_CHECK(tokens.size() == targets.size() && tokens.size() == predicted.size() &&
                  length >= 1 && tokens.size() % size_t(length) == 0)
      << "algorithmic scoring: tokens, targets and predictions must be whole windows";
  ExactMatch out;
  for (size_t w = 0; w < tokens.size(); w += size_t(length)) {
    // In the window: seen_line_start once a '\n' was read (the next line's
    // op is then visible); in_answer once that line's '=' was read.
    bool seen_line_start = false, in_answer = false, line_ok = true, op_next = false;
    char op = 0;
    for (size_t j = w; j < w + size_t(length); ++j) {
      if (tokens[j] == '\n') {
        seen_line_start = true;
        in_answer = false;
        line_ok = true;
        op_next = true;
      } else if (tokens[j] == '=') {
        in_answer = seen_line_start;
      } else if (op_next) {
        op = tokens[j];
        op_next = false;
      }
      if (!in_answer || (!ops.empty() && ops.find(op) == std::string::npos)) continue;
      const bool ok = predicted[j] == targets[j];
      ++out.answer_chars;
      out.answer_correct += ok;
      line_ok = line_ok && ok;
      if (targets[j] == '\n') {
        ++out.lines;
        out.lines_correct += line_ok;
        in_answer = false;
      }
    }
  }
  return out;
}

}  // namespace expertlab::moe

// Progress of a sweep on stderr: items done/total, rate and ETA.
//
// On a terminal one line is rewritten in place (at most 10 times a second);
// otherwise (logs, Slurm output) a plain line is printed every few seconds.
// Finish() prints the one-line summary either way.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace expertlab {

class Progress {
 public:
  Progress(std::string label, size_t total, size_t already_done, bool quiet = false);
  void Add(size_t finished);
  void Finish();

 private:
  void Print(bool final_line);

  std::string label_;
  size_t total_;
  size_t already_done_;
  size_t done_ = 0;
  bool quiet_;
  bool terminal_;
  double interval_seconds_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
};

}  // namespace expertlab

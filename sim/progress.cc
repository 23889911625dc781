#include "sim/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace expertlab {
namespace {

std::string FormatDuration(double seconds) {
  char buffer[32];
  if (seconds < 120) {
    std::snprintf(buffer, sizeof(buffer), "%.0fs", seconds);
  } else if (seconds < 7200) {
    std::snprintf(buffer, sizeof(buffer), "%.0fm%02.0fs", seconds / 60 - 0.5,
                  static_cast<double>(static_cast<long>(seconds) % 60));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.1fh", seconds / 3600);
  }
  return buffer;
}

}  // namespace

Progress::Progress(std::string label, size_t total, size_t already_done, bool quiet)
    : label_(std::move(label)),
      total_(total),
      already_done_(already_done),
      quiet_(quiet),
      terminal_(isatty(STDERR_FILENO) == 1),
      interval_seconds_(terminal_ ? 0.1 : 5.0),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {
  if (const char* env = std::getenv("EXPERTLAB_PROGRESS_SECONDS"))
    interval_seconds_ = std::atof(env);
}

void Progress::Add(size_t finished) {
  done_ += finished;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_print_).count() >= interval_seconds_) {
    last_print_ = now;
    Print(false);
  }
}

void Progress::Finish() { Print(true); }

void Progress::Print(bool final_line) {
  if (quiet_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const size_t todo = total_ - already_done_;
  const double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  char line[256];
  if (final_line) {
    std::snprintf(line, sizeof(line),
                  "%s: %zu items run, %zu already stored, %zu total, in %s "
                  "(%.1f items/s)",
                  label_.c_str(), done_, already_done_, total_, FormatDuration(elapsed).c_str(),
                  rate);
  } else {
    const double eta = rate > 0 ? (todo - done_) / rate : 0.0;
    std::snprintf(line, sizeof(line), "%s: %zu/%zu items (%.0f%%), %.1f/s, ETA %s", label_.c_str(),
                  already_done_ + done_, total_,
                  total_ ? 100.0 * (already_done_ + done_) / total_ : 100.0, rate,
                  FormatDuration(eta).c_str());
  }
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s%s", line, final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line);
  }
  std::fflush(stderr);
}

}  // namespace expertlab

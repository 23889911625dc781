// SIGINT and SIGTERM during a sweep. The first signal asks the sweep to
// stop: no new item starts, items in flight finish and are stored (long
// cells stop at their next checkpoint), and the run ends with one line
// saying how much is stored. A second signal ends the process at once;
// nothing committed is lost either way, and rerunning resumes.
#pragma once

namespace expertlab {

// Handlers installed for the scope's life; the previous ones restored after.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

// The signal that asked the sweep to stop (SIGINT, SIGTERM), or 0.
int InterruptSignal();

}  // namespace expertlab

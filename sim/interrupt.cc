#include "sim/interrupt.h"

#include <atomic>
#include <csignal>

namespace expertlab {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "signal handlers need a lock-free flag");

struct sigaction g_previous_int, g_previous_term;

extern "C" void OnSignal(int signal) {
  g_signal.store(signal);
  // The next one takes the default action: the process ends at once.
  std::signal(signal, SIG_DFL);
}

}  // namespace

InterruptScope::InterruptScope() {
  g_signal.store(0);
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

int InterruptSignal() { return g_signal.load(); }

}  // namespace expertlab

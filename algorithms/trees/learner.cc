#include "algorithms/trees/learner.h"

#include <ctime>

#include "sim/check.h"

namespace expertlab::trees {
namespace {

double ThreadSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

}  // namespace

int PickTied(const std::vector<int>& tied, Rng& rng) {
  return tied.size() == 1 ? tied.front() : tied[static_cast<size_t>(rng.UniformInt(tied.size()))];
}

PlayResult PlayBandit(AdviceLearner& learner, const AdviceBandit& bandit, int dims, Rng rng,
                      const std::vector<int64_t>& checkpoints) {
  const Problem problem = bandit.ProblemFor(dims);
  const bool with_region = learner.UsesRegions();
  PlayResult result;
  const double start = ThreadSeconds();
  learner.Start(problem, rng);
  double total = 0;
  size_t next = 0;
  for (int64_t t = 0; t < bandit.horizon(); ++t) {
    const RoundView round = bandit.View(t, dims, with_region);
    const int arm = learner.Choose(round);
    EXPERTLAB_CHECK(arm >= 0 && arm < problem.classes)
        << "round " << t << ": the learner chose arm " << arm
        << ", not in [0, K = " << problem.classes << ")";
    const double reward = arm == bandit.Label(t) ? 1.0 : 0.0;
    learner.Observe(round, arm, reward);
    total += reward;
    if (next < checkpoints.size() && checkpoints[next] == t + 1) {
      result.steps.push_back(t + 1);
      result.reward.push_back(total);
      ++next;
    }
  }
  result.seconds = ThreadSeconds() - start;
  return result;
}

}  // namespace expertlab::trees

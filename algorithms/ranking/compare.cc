#include "algorithms/ranking/compare.h"

#include <cmath>


namespace expertlab::ranking {

ParamSpec MaxGapParam() {
  return ParamSpec::Double("max_gap", 1.0, Bounds::Positive(),
                           "largest gap between two experts on a task that Compare guesses");
}

int CompareLevels(int tasks) {
  int levels = 1;
  while ((int64_t{1} << (levels - 1)) < tasks) ++levels;
  return levels;
}

std::vector<CompareLevel> CompareRound(int tasks, int round, double delta, double max_gap) {
  const double budget = std::ldexp(1.0, round);
  const double delta_r = delta / (2.0 * round * round);
  // Levels whose guessed squared gap 2^l / B is at most max_gap^2.
  std::vector<CompareLevel> active;
  double tests = 0;
  for (int l = 0; l < CompareLevels(tasks) && std::ldexp(1.0, l) / budget <= max_gap * max_gap;
       ++l) {
    active.push_back({.draws = int64_t{1} << (l + 1)});
    tests += std::ldexp(1.0, l + 1);
  }
  const double log_term = std::log(tests / delta_r);
  for (size_t l = 0; l < active.size(); ++l) {
    const double h2 = std::ldexp(1.0, static_cast<int>(l)) / budget;
    active[l].samples = static_cast<int64_t>(std::ceil(4.0 * log_term / h2));
    active[l].threshold = std::sqrt(4.0 * log_term / static_cast<double>(active[l].samples));
  }
  return active;
}

double CompareRoundQueries(int tasks, int round, double delta, double max_gap) {
  double queries = 0;
  for (const CompareLevel& level : CompareRound(tasks, round, delta, max_gap))
    queries += 2.0 * static_cast<double>(level.draws) * static_cast<double>(level.samples);
  return queries;
}

int Compare(Querier& querier, int i, int j, double delta, Rng& rng,
            const CompareOptions& options) {
  CheckDelta(delta);
  EXPERTLAB_CHECK(i != j) << "Compare: an expert compared with itself (" << i << ")";
  EXPERTLAB_CHECK(options.max_gap > 0) << "max_gap: positive expected, got " << options.max_gap;
  const int d = querier.tasks();
  for (int r = 1; options.max_round == 0 || r <= options.max_round; ++r) {
    for (const CompareLevel& level : CompareRound(d, r, delta, options.max_gap)) {
      for (int64_t draw = 0; draw < level.draws; ++draw) {
        const int k = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(d)));
        const double mean_difference =
            (querier.Sum(i, k, level.samples) - querier.Sum(j, k, level.samples)) /
            static_cast<double>(level.samples);
        if (std::abs(mean_difference) > level.threshold) return mean_difference > 0 ? 1 : -1;
      }
    }
  }
  return 0;
}

}  // namespace expertlab::ranking

#include "algorithms/tame/tame.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"

namespace expertlab::tame {

void SwitchRule::Validate() const {
  EXPERTLAB_CHECK(window >= 2) << "window: must be >= 2, got " << window;
  EXPERTLAB_CHECK(smoothing > 0 && smoothing <= 1)
      << "smoothing: must be in (0, 1], got " << smoothing;
  EXPERTLAB_CHECK(sigmas >= 0 && std::isfinite(sigmas)) << "sigmas: must be >= 0, got " << sigmas;
  EXPERTLAB_CHECK(min_std >= 0) << "min_std: must be >= 0, got " << min_std;
}

double SwitchThreshold(const std::deque<double>& window, const SwitchRule& rule) {
  EXPERTLAB_CHECK(!window.empty()) << "tame: an empty loss window";
  double mean = 0;
  for (double x : window) mean += x;
  mean /= double(window.size());
  double var = 0;
  for (double x : window) var += (x - mean) * (x - mean);
  const double sd = std::sqrt(var / double(window.size()));
  return mean + rule.sigmas * std::max(sd, rule.min_std);
}

SwitchDetector::SwitchDetector(const SwitchRule& rule) : rule_(rule) {
  rule_.Validate();
  Spawn();
}

void SwitchDetector::Spawn() {
  active_ = experts();
  smoothed_.push_back(rule_.initial_loss);
  window_.emplace_back(static_cast<size_t>(rule_.window), rule_.initial_loss);
  threshold_.push_back(SwitchThreshold(window_.back(), rule_));
}

Decision SwitchDetector::Observe(const std::vector<double>& losses) {
  EXPERTLAB_CHECK(static_cast<int64_t>(losses.size()) == experts())
      << "tame: " << losses.size() << " losses for " << experts() << " experts";
  const double a = rule_.smoothing, before = smoothed_[active_];
  smoothed_[active_] = a * losses[active_] + (1 - a) * before;
  threshold_[active_] = SwitchThreshold(window_[active_], rule_);
  const auto train = [&](int64_t e) {
    window_[e].push_back(losses[e]);
    if (static_cast<int64_t>(window_[e].size()) > rule_.window) window_[e].pop_front();
  };
  if (smoothed_[active_] <= threshold_[active_]) {
    train(active_);
    return {active_, false, false};
  }
  // The expert that was active keeps its smoothed loss from before this
  // batch: its last one on its own task.
  smoothed_[active_] = before;
  for (int64_t e = 0; e < experts(); ++e) {
    if (e == active_) continue;
    const double candidate = a * losses[e] + (1 - a) * smoothed_[e];
    if (candidate < threshold_[e]) {
      active_ = e;
      smoothed_[e] = candidate;
      train(e);
      return {e, true, false};
    }
  }
  Spawn();
  return {active_, true, true};
}

ReplayBuffer::ReplayBuffer(int64_t classes, int64_t per_class) : per_class_(per_class) {
  EXPERTLAB_CHECK(classes >= 1 && per_class >= 1)
      << "replay buffer: needs classes >= 1 and a capacity of >= 1 per class, got " << classes
      << " and " << per_class;
  by_class_.resize(classes);
}

void ReplayBuffer::Offer(const Eigen::RowVectorXd& x, int32_t label, int32_t expert, Rng& rng) {
  EXPERTLAB_CHECK(label >= 0 && label < static_cast<int32_t>(by_class_.size()))
      << "replay buffer: class " << label << " outside 0.." << by_class_.size() - 1;
  auto& heap = by_class_[label];
  const auto later = [](const Entry& p, const Entry& q) { return p.priority > q.priority; };
  Entry entry{rng.Uniform(), x, expert};
  if (static_cast<int64_t>(heap.size()) < per_class_) {
    heap.push_back(std::move(entry));
    std::push_heap(heap.begin(), heap.end(), later);
  } else if (entry.priority > heap.front().priority) {
    std::pop_heap(heap.begin(), heap.end(), later);
    heap.back() = std::move(entry);
    std::push_heap(heap.begin(), heap.end(), later);
  }
}

}  // namespace expertlab::tame

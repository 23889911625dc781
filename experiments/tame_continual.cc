// tame_continual: TAME (Zhu et al., 2022; algorithms/tame/tame.h) on a
// stream of abruptly switching classification tasks, against one network
// trained on the same stream (sequential fine-tuning); TAME's experts
// routed by the true task bound what its selector can reach. Task t draws x = mu_t + N(0, I_dim)
// (|mu_t| = separation, random directions) with the within-task label
// 1[w_t . (x - mu_t) > 0] (w_t random): the tasks conflict, and their
// inputs tell them apart, as in split or permuted MNIST. The stream is
// each task's batches back to back; every network is a two-layer ReLU MLP
// (mowst::TwoLayerNet) trained by AdamW, one step per batch. After the
// stream a selector MLP trains on the replay buffer (labels: the expert
// active when a sample was seen) and routes every test sample. Data from
// the cell's data stream; TAME's initial weights and buffer priorities
// from cell stream 0, the single network's weights from stream 1. Rows at step 0:
//   experts, switches      experts TAME spawned, switches it detected
//   precision, recall      detected switches within `tolerance` batches
//                          after a true task boundary (each boundary
//                          matched once)
//   accuracy.<m>           mean test accuracy over tasks at the end, m in
//                          tame (selector routing), oracle (each task to
//                          the expert that trained most on it), sequential
//   forgetting.<m>         mean over all tasks but the last of accuracy
//                          right after the task minus at the end (tame:
//                          the task's expert right after it, the selector
//                          at the end)
//   selector_accuracy      share of test samples routed to their task's
//                          expert
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "algorithms/mowst/mowst.h"
#include "algorithms/tame/tame.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/registry.h"
#include "sim/samplers.h"

namespace expertlab::experiments {
namespace {

using mowst::TwoLayerNet;

constexpr uint64_t kTameTaskStream = 0;
constexpr int64_t kTestPerTask = 500;
constexpr int64_t kSelectorSteps = 300;
constexpr int64_t kTolerance = 20;  // batches after a boundary a detection may come

struct TameTask {
  Eigen::RowVectorXd mean, rule;
};

struct TameSample {
  Eigen::MatrixXd x;
  std::vector<int32_t> y;
};

TameSample DrawTameSample(const TameTask& task, int64_t n, Rng& rng) {
  TameSample s{Eigen::MatrixXd(n, task.mean.size()), std::vector<int32_t>(n)};
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < s.x.cols(); ++j) s.x(i, j) = Normal(rng);
    s.y[i] = s.x.row(i).dot(task.rule) > 0 ? 1 : 0;
    s.x.row(i) += task.mean;
  }
  return s;
}

Eigen::RowVectorXd RandomTameDirection(int64_t dim, double norm, Rng& rng) {
  Eigen::RowVectorXd v(dim);
  for (int64_t j = 0; j < dim; ++j) v(j) = Normal(rng);
  return v * (norm / std::max(v.norm(), 1e-12));
}

std::vector<int64_t> AllRows(int64_t n) {
  std::vector<int64_t> v(n);
  std::iota(v.begin(), v.end(), int64_t{0});
  return v;
}

double TameAccuracy(TwoLayerNet& net, const TameSample& s) {
  const std::vector<double> right = mowst::ArgmaxCorrect(net.Forward(s.x, nullptr), s.y);
  return std::accumulate(right.begin(), right.end(), 0.0) / double(right.size());
}

// One AdamW step of net on the batch; returns the loss before it.
double TameTrainStep(TwoLayerNet& net, moe::AdamW<double>& opt, const TameSample& batch) {
  Eigen::MatrixXd dz;
  const double loss =
      mowst::CrossEntropy(net.Forward(batch.x, nullptr), batch.y, AllRows(batch.x.rows()), &dz);
  net.Backward(dz, nullptr);
  opt.Step(net.Params());
  return loss;
}

// A new expert: its output layer starts at zero, so its first predictions
// are uniform and its loss ln 2, the value its window starts from (with
// random output weights a fresh expert's loss could exceed its own first
// threshold and spawn another at once).
TwoLayerNet NewExpert(int64_t dim, int64_t hidden, Rng& rng) {
  TwoLayerNet net(dim, hidden, 2, rng);
  net.w2.setZero();
  return net;
}

class TameContinual final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    return {
        ParamSpec::Int("tasks", 5, Bounds::Closed(1, 100), "tasks in the stream"),
        ParamSpec::Int("dim", 10, Bounds::Closed(1, 1000), "input dimension"),
        ParamSpec::Double("separation", 4, Bounds::Closed(0, 100),
                          "distance of each task's input mean from the origin"),
        ParamSpec::Int("batches_per_task", 200, Bounds::Closed(1, 100000),
                       "batches of each task, back to back"),
        ParamSpec::Int("batch", 32, Bounds::Closed(1, 100000), "samples per batch"),
        ParamSpec::Int("hidden", 16, Bounds::Closed(1, 4096), "hidden units of every network"),
        ParamSpec::Double("lr", 0.01, Bounds::Positive(), "AdamW learning rate"),
        ParamSpec::Int("window", 35, Bounds::Closed(2, 100000), "raw-loss window of an expert"),
        ParamSpec::Double("smoothing", 0.2, Bounds{0.0, 1.0, true, false},
                          "EWMA factor a of the smoothed loss"),
        ParamSpec::Double("sigmas", 3, Bounds::Closed(0, 100),
                          "switch when the smoothed loss exceeds mean + sigmas sd"),
        ParamSpec::Int("buffer", 500, Bounds::Closed(2, 1000000),
                       "replay buffer size (split over the 2 labels)"),
    };
  }
  std::vector<std::string> DataKeys() const override {
    return {"tasks", "dim", "separation", "batches_per_task", "batch"};
  }
  void CheckCell(const Params& p) const override { RuleOf(p).Validate(); }

  void RunCell(const Params& p, CellContext& context) const override {
    const int64_t T = p.Int("tasks"), dim = p.Int("dim"), per_task = p.Int("batches_per_task");
    const int64_t hidden = p.Int("hidden");
    const double lr = p.Double("lr");
    Rng data = context.DataStream(kTameTaskStream), own = context.Stream(0);
    std::vector<TameTask> tasks;
    std::vector<TameSample> tests;
    for (int64_t t = 0; t < T; ++t) {
      tasks.push_back({RandomTameDirection(dim, p.Double("separation"), data),
                       RandomTameDirection(dim, 1.0, data)});
      tests.push_back(DrawTameSample(tasks.back(), kTestPerTask, data));
    }
    // The stream, drawn once and shared by every learner.
    std::vector<TameSample> stream;
    for (int64_t t = 0; t < T; ++t)
      for (int64_t b = 0; b < per_task; ++b)
        stream.push_back(DrawTameSample(tasks[t], p.Int("batch"), data));

    // TAME.
    tame::SwitchDetector detector(RuleOf(p));
    std::vector<TwoLayerNet> experts{NewExpert(dim, hidden, own)};
    std::vector<moe::AdamW<double>> opts{mowst::MakeAdamW(lr)};
    tame::ReplayBuffer buffer(2, p.Int("buffer") / 2);
    std::vector<int64_t> detections;
    std::map<std::pair<int64_t, int64_t>, int64_t> trained;  // (task, expert) -> batches
    std::vector<double> right_after(T);
    for (int64_t i = 0; i < static_cast<int64_t>(stream.size()); ++i) {
      const TameSample& batch = stream[i];
      std::vector<double> losses;
      for (TwoLayerNet& net : experts)
        losses.push_back(mowst::CrossEntropy(net.Forward(batch.x, nullptr), batch.y,
                                             AllRows(batch.x.rows()), nullptr));
      const tame::Decision d = detector.Observe(losses);
      if (d.switched) detections.push_back(i);
      if (d.spawned) {
        experts.push_back(NewExpert(dim, hidden, own));
        opts.push_back(mowst::MakeAdamW(lr));
      }
      TameTrainStep(experts[d.expert], opts[d.expert], batch);
      ++trained[{i / per_task, d.expert}];
      for (int64_t r = 0; r < batch.x.rows(); ++r)
        buffer.Offer(batch.x.row(r), batch.y[r], static_cast<int32_t>(d.expert), own);
      if ((i + 1) % per_task == 0)
        right_after[i / per_task] = TameAccuracy(experts[d.expert], tests[i / per_task]);
    }
    const int64_t E = static_cast<int64_t>(experts.size());
    // Each task's expert: the one that trained most on it.
    std::vector<int64_t> task_expert(T, 0);
    std::vector<int64_t> most(T, 0);
    for (const auto& [key, count] : trained)  // ordered: ties go to the lower expert id
      if (count > most[key.first]) {
        most[key.first] = count;
        task_expert[key.first] = key.second;
      }

    // The selector on the buffer.
    std::vector<Eigen::RowVectorXd> xs;
    std::vector<int32_t> ids;
    for (const auto& cls : buffer.entries())
      for (const auto& entry : cls) {
        xs.push_back(entry.x);
        ids.push_back(entry.expert);
      }
    Eigen::MatrixXd bx(static_cast<int64_t>(xs.size()), dim);
    for (size_t r = 0; r < xs.size(); ++r) bx.row(r) = xs[r];
    TwoLayerNet selector(dim, 2 * hidden, E, own);
    auto selector_opt = mowst::MakeAdamW(lr);
    Eigen::MatrixXd dz;
    for (int64_t step = 0; step < kSelectorSteps; ++step) {
      mowst::CrossEntropy(selector.Forward(bx, nullptr), ids, AllRows(bx.rows()), &dz);
      selector.Backward(dz, nullptr);
      selector_opt.Step(selector.Params());
    }

    double tame_acc = 0, oracle_acc = 0, routed_right = 0, tame_forgetting = 0;
    for (int64_t t = 0; t < T; ++t) {
      const Eigen::MatrixXd choice = selector.Forward(tests[t].x, nullptr);
      double right = 0;
      for (int64_t r = 0; r < kTestPerTask; ++r) {
        Eigen::Index e;
        choice.row(r).maxCoeff(&e);
        routed_right += e == task_expert[t] ? 1 : 0;
        const TameSample one{tests[t].x.row(r), {tests[t].y[r]}};
        right += TameAccuracy(experts[e], one);
      }
      const double acc = right / double(kTestPerTask);
      tame_acc += acc / double(T);
      oracle_acc += TameAccuracy(experts[task_expert[t]], tests[t]) / double(T);
      if (t + 1 < T) tame_forgetting += (right_after[t] - acc) / double(T - 1);
    }

    // One network on the same stream.
    Rng init = context.Stream(1);
    TwoLayerNet single = NewExpert(dim, hidden, init);
    auto single_opt = mowst::MakeAdamW(lr);
    std::vector<double> single_after(T);
    for (int64_t i = 0; i < static_cast<int64_t>(stream.size()); ++i) {
      TameTrainStep(single, single_opt, stream[i]);
      if ((i + 1) % per_task == 0)
        single_after[i / per_task] = TameAccuracy(single, tests[i / per_task]);
    }
    double single_acc = 0, single_forgetting = 0;
    for (int64_t t = 0; t < T; ++t) {
      const double acc = TameAccuracy(single, tests[t]);
      single_acc += acc / double(T);
      if (t + 1 < T) single_forgetting += (single_after[t] - acc) / double(T - 1);
    }

    // Detection against the true boundaries (batches t * per_task, t >= 1).
    int64_t hits = 0;
    std::vector<char> matched(T, 0);
    for (int64_t b : detections) {
      const int64_t t = b / per_task;
      if (t >= 1 && b - t * per_task < kTolerance && !matched[t]) {
        matched[t] = 1;
        ++hits;
      }
    }
    context.Record("experts", 0, double(E));
    context.Record("switches", 0, double(detections.size()));
    context.Record("precision", 0,
                   detections.empty() ? 1.0 : double(hits) / double(detections.size()));
    if (T > 1) context.Record("recall", 0, double(hits) / double(T - 1));
    context.Record("accuracy.tame", 0, tame_acc);
    context.Record("accuracy.oracle", 0, oracle_acc);
    context.Record("accuracy.sequential", 0, single_acc);
    if (T > 1) {
      context.Record("forgetting.tame", 0, tame_forgetting);
      context.Record("forgetting.sequential", 0, single_forgetting);
    }
    context.Record("selector_accuracy", 0, routed_right / double(T * kTestPerTask));
  }

 private:
  static tame::SwitchRule RuleOf(const Params& p) {
    tame::SwitchRule rule;
    rule.window = p.Int("window");
    rule.smoothing = p.Double("smoothing");
    rule.sigmas = p.Double("sigmas");
    rule.initial_loss = std::log(2.0);
    return rule;
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(TameContinual, "tame_continual",
                              "TAME: task switches detected from loss spikes, experts spawned, a "
                              "selector trained on a replay buffer, against one network trained "
                              "on the same stream")

}  // namespace expertlab::experiments

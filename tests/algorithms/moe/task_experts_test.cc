#include "algorithms/moe/task_experts.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "sim/check.h"
#include "sim/samplers.h"
#include "tests/algorithms/moe/parameter_difference.h"

namespace expertlab::moe {
namespace {

TaskMoeConfig TinyConfig(TaskRouting routing) {
  TaskMoeConfig c;
  c.dim = 3;
  c.out = 2;
  c.width = 4;
  c.hidden = 3;
  c.experts = 4;
  c.top_k = 2;
  c.blocks = 2;
  c.tasks = 3;
  c.routing = routing;
  c.skill_map = {{0, 1}, {1, 2}, {3}};
  c.balance = 0.1;
  return c;
}

struct TaskData {
  Eigen::MatrixXd x, y;
  std::vector<int32_t> task;
  TaskData(int64_t n, const TaskMoeConfig& c, Rng& rng) : x(n, c.dim), y(n, c.out), task(n) {
    for (int64_t i = 0; i < n; ++i) {
      task[i] = static_cast<int32_t>(i % c.tasks);
      for (int64_t j = 0; j < c.dim; ++j) x(i, j) = Normal(rng);
      for (int64_t j = 0; j < c.out; ++j) y(i, j) = Normal(rng);
    }
  }
};

TEST_CASE("task experts: gradients match central differences for every routing", "[theory][moe]") {
  for (const std::string& name : TaskRoutingNames()) {
    INFO(name);
    const TaskMoeConfig c = TinyConfig(ParseTaskRouting(name));
    Rng rng(31, 0, 0, 0);
    TaskMoe model(c, rng);
    model.SetTemperature(0.7);
    const TaskData data(9, c, rng);
    // Task-level routes come from fixed Gumbel draws at every call; its
    // logits get a straight-through gradient (not the hard forward's
    // derivative, which is zero), so they are checked apart below.
    const bool task_level = c.routing == TaskRouting::kTaskLevel;
    const auto loss = [&] {
      Rng gumbel(31, 1, 0, 0);
      model.Forward(data.x, data.task, task_level ? &gumbel : nullptr);
      return model.Mse(data.y) + model.balance_loss();
    };
    loss();
    model.Backward(data.y);
    auto params = model.Params();
    std::vector<std::vector<double>> grads;
    for (const auto& p : params) grads.emplace_back(p.grad, p.grad + p.size);
    const bool has_router = c.routing != TaskRouting::kDense && c.routing != TaskRouting::kSkills;
    double worst = 0, norm = 0;
    for (size_t b = 0; b < params.size(); ++b) {
      const bool router_block = has_router && (b == 2 || b == 2 + 1 + 4 * size_t(c.experts));
      if (task_level && router_block) continue;
      for (int64_t i = 0; i < params[b].size; ++i) {
        const double fd =
            expertlab::testing::ParameterDifference(params[b].value[i], 1e-6, loss, [] {});
        worst = std::max(worst, std::abs(grads[b][i] - fd) / (1 + std::abs(fd)));
        norm += fd * fd;
      }
    }
    CHECK(worst < 1e-6);
    CHECK(std::sqrt(norm) > 1e-3);  // the check is not vacuous
  }
}

TEST_CASE("task experts: the gates of each routing", "[unit][moe]") {
  Rng rng(5, 0, 0, 0);
  SECTION("skills: 1/|S_t| on the task's predefined experts") {
    const TaskMoeConfig c = TinyConfig(TaskRouting::kSkills);
    TaskMoe model(c, rng);
    const TaskData data(6, c, rng);
    model.Forward(data.x, data.task);
    for (int64_t l = 0; l < c.blocks; ++l)
      for (int64_t i = 0; i < 6; ++i)
        for (int64_t e = 0; e < c.experts; ++e) {
          const auto& s = c.skill_map[data.task[i]];
          const bool in = std::find(s.begin(), s.end(), e) != s.end();
          CHECK(model.Gates(l)(i, e) == (in ? 1.0 / double(s.size()) : 0.0));
        }
  }
  SECTION("token routers: k experts, softmax weights summing below one") {
    for (const auto r :
         {TaskRouting::kToken, TaskRouting::kTaskConditioned, TaskRouting::kMultiGate}) {
      const TaskMoeConfig c = TinyConfig(r);
      TaskMoe model(c, rng);
      const TaskData data(6, c, rng);
      model.Forward(data.x, data.task);
      for (int64_t i = 0; i < 6; ++i) {
        const Eigen::RowVectorXd w = model.Gates(0).row(i);
        CHECK((w.array() > 0).count() == c.top_k);
        CHECK(w.sum() < 1.0);
        CHECK(w.sum() > double(c.top_k) / double(c.experts) - 1e-12);  // the k largest
      }
    }
  }
  SECTION("multi-gate: a task's routing ignores every other task's gate") {
    const TaskMoeConfig c = TinyConfig(TaskRouting::kMultiGate);
    TaskMoe model(c, rng);
    const TaskData data(6, c, rng);
    const Eigen::MatrixXd before = model.Forward(data.x, data.task);
    // Task 2's gate: rows [2 d, 3 d) of block 0's router (params[2]).
    auto router = model.Params()[2];
    for (int64_t r = 2 * c.width; r < 3 * c.width; ++r)
      for (int64_t e = 0; e < c.experts; ++e) router.value[r + e * (c.tasks * c.width)] += 5.0;
    const Eigen::MatrixXd after = model.Forward(data.x, data.task);
    for (int64_t i = 0; i < 6; ++i) {
      if (data.task[i] == 2) continue;
      for (int64_t j = 0; j < c.out; ++j) CHECK(after(i, j) == before(i, j));
    }
  }
  SECTION("task level: one expert per task and block; inference takes the argmax") {
    const TaskMoeConfig c = TinyConfig(TaskRouting::kTaskLevel);
    TaskMoe model(c, rng);
    const TaskData data(9, c, rng);
    Rng gumbel(5, 1, 0, 0);
    model.Forward(data.x, data.task, &gumbel);
    for (int64_t l = 0; l < c.blocks; ++l)
      for (int64_t i = 0; i < 9; ++i) {
        CHECK((model.Gates(l).row(i).array() == 1.0).count() == 1);
        CHECK(model.Gates(l).row(i).sum() == 1.0);
        CHECK(model.Gates(l).row(i) == model.Gates(l).row(i % c.tasks));  // same task, same route
      }
    // Logits favouring expert (t + 1) mod E for task t: argmax at inference.
    auto theta = model.Params()[2];
    for (int64_t t = 0; t < c.tasks; ++t) theta.value[t + ((t + 1) % c.experts) * c.tasks] = 3.0;
    model.Forward(data.x, data.task);
    for (int64_t i = 0; i < 9; ++i) CHECK(model.Gates(0)(i, (data.task[i] + 1) % c.experts) == 1);
    // The straight-through logit gradient of a task sums to zero (softmax).
    model.Forward(data.x, data.task, &gumbel);
    model.Backward(data.y);
    theta = model.Params()[2];
    for (int64_t t = 0; t < c.tasks; ++t) {
      double sum = 0, size = 0;
      for (int64_t e = 0; e < c.experts; ++e) {
        sum += theta.grad[t + e * c.tasks];
        size += std::abs(theta.grad[t + e * c.tasks]);
      }
      CHECK(sum == Approx(0.0).margin(1e-12));
      CHECK(size > 0);
    }
  }
}

TEST_CASE("task experts: task-level straight-through gradient", "[theory][moe]") {
  // One task in the batch, so each block's chosen expert serves only it.
  const TaskMoeConfig c = TinyConfig(TaskRouting::kTaskLevel);
  Rng rng(8, 0, 0, 0);
  TaskMoe model(c, rng);
  const double tau = 0.7;
  model.SetTemperature(tau);
  TaskData data(5, c, rng);
  std::fill(data.task.begin(), data.task.end(), 1);
  const auto forward = [&] {
    Rng gumbel(8, 1, 0, 0);
    model.Forward(data.x, data.task, &gumbel);
    return model.Mse(data.y);
  };
  forward();
  model.Backward(data.y);
  auto params = model.Params();
  // y_soft by hand from the same draws: per block, per task, per expert;
  // the logits theta start at 0.
  Rng draws(8, 1, 0, 0);
  for (int64_t l = 0; l < c.blocks; ++l) {
    INFO("block " << l);
    Eigen::MatrixXd ys(c.tasks, c.experts);
    for (int64_t t = 0; t < c.tasks; ++t) {
      for (int64_t e = 0; e < c.experts; ++e) ys(t, e) = std::exp(Gumbel(draws) / tau);
      ys.row(t) /= ys.row(t).sum();
    }
    Eigen::Index chosen = 0;
    ys.row(1).maxCoeff(&chosen);
    for (int64_t i = 0; i < 5; ++i) CHECK(model.Gates(l)(i, chosen) == 1.0);
    // dL/dw of the chosen expert against central differences: scaling its
    // W_2 and b_2 by s scales its output, which enters with w = 1.
    const Eigen::RowVectorXd g = model.GateGradient(l).colwise().sum();
    const size_t w2 = 2 + size_t(l) * (1 + 4 * size_t(c.experts)) + 1 + 4 * size_t(chosen) + 2;
    const double h = 1e-6;
    const auto scaled = [&](double s) {
      std::vector<double> keep_w(params[w2].value, params[w2].value + params[w2].size);
      std::vector<double> keep_b(params[w2 + 1].value, params[w2 + 1].value + params[w2 + 1].size);
      for (int64_t i = 0; i < params[w2].size; ++i) params[w2].value[i] *= s;
      for (int64_t i = 0; i < params[w2 + 1].size; ++i) params[w2 + 1].value[i] *= s;
      const double loss = forward();
      std::copy(keep_w.begin(), keep_w.end(), params[w2].value);
      std::copy(keep_b.begin(), keep_b.end(), params[w2 + 1].value);
      return loss;
    };
    CHECK(g(chosen) == Approx((scaled(1 + h) - scaled(1 - h)) / (2 * h)).margin(1e-8));
    // d theta_1 = (1/tau) y_soft (g - <y_soft, g>); the other tasks' rows 0.
    const auto& theta = params[2 + size_t(l) * (1 + 4 * size_t(c.experts))];
    const double dot = ys.row(1).dot(g);
    for (int64_t e = 0; e < c.experts; ++e) {
      CHECK(theta.grad[1 + e * c.tasks] == Approx(ys(1, e) * (g(e) - dot) / tau).margin(1e-12));
      CHECK(theta.grad[0 + e * c.tasks] == 0.0);
      CHECK(theta.grad[2 + e * c.tasks] == 0.0);
    }
  }
}

TEST_CASE("task experts: active parameters per token by hand", "[unit][moe]") {
  Rng rng(6, 0, 0, 0);
  // Expert: 2 * 4 * 3 + 3 + 4 = 31; in/out: 3 * 4 + 4 + 4 * 2 + 2 = 26.
  const auto active = [&](TaskRouting r) {
    return TaskMoe(TinyConfig(r), rng).ActiveParamsPerToken();
  };
  CHECK(active(TaskRouting::kDense) == 2 * 4 * 31 + 26);
  CHECK(active(TaskRouting::kToken) == 2 * (2 * 31 + 16) + 26);
  CHECK(active(TaskRouting::kTaskConditioned) == 2 * (2 * 31 + 20) + 26);
  CHECK(active(TaskRouting::kSkills) == Approx(2 * (5.0 / 3.0) * 31 + 26));
  CHECK(active(TaskRouting::kTaskLevel) == 2 * 31 + 26);
}

TEST_CASE("task experts: bad configurations are rejected with the field named", "[unit][moe]") {
  Rng rng(7, 0, 0, 0);
  TaskMoeConfig c = TinyConfig(TaskRouting::kSkills);
  c.skill_map = {{0, 1}, {1, 4}, {3}};
  CHECK_THROWS_WITH(TaskMoe(c, rng), Catch::Contains("task 1 must name distinct experts"));
  c.skill_map = {{0, 1}, {1}};
  CHECK_THROWS_WITH(TaskMoe(c, rng), Catch::Contains("one entry per task"));
  c = TinyConfig(TaskRouting::kToken);
  c.top_k = 5;
  CHECK_THROWS_WITH(TaskMoe(c, rng), Catch::Contains("k: must be in [1, E = 4]"));
  CHECK_THROWS_WITH(ParseTaskRouting("gumbel"), Catch::Contains("routing: must be one of"));
  TaskMoe model(TinyConfig(TaskRouting::kToken), rng);
  const TaskData data(3, TinyConfig(TaskRouting::kToken), rng);
  std::vector<int32_t> bad = data.task;
  bad[1] = 3;
  CHECK_THROWS_WITH(model.Forward(data.x, bad), Catch::Contains("task 3 outside [0, 3)"));
}

}  // namespace
}  // namespace expertlab::moe

#include "algorithms/moe/task_experts.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "algorithms/moe/router.h"
#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::moe {
namespace {

Eigen::MatrixXd NormalMatrix(int64_t rows, int64_t cols, double sd, Rng& rng) {
  Eigen::MatrixXd m(rows, cols);
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < rows; ++i) m(i, j) = Normal(rng, 0.0, sd);
  return m;
}

Eigen::RowVectorXd SoftmaxRow(const Eigen::RowVectorXd& z) {
  Eigen::RowVectorXd p(z.size());
  SoftmaxRows(z.data(), 1, z.size(), p.data());
  return p;
}

// dL/dz of p = softmax(z) from dL/dp (router.h's SoftmaxRowsBackward).
Eigen::RowVectorXd SoftmaxRowBackward(const Eigen::RowVectorXd& p, const Eigen::RowVectorXd& dp) {
  Eigen::RowVectorXd dz = Eigen::RowVectorXd::Zero(p.size());
  SoftmaxRowsBackward(p.data(), dp.data(), 1, p.size(), dz.data());
  return dz;
}

bool IsLearnedTokenRouter(TaskRouting r) {
  return r == TaskRouting::kToken || r == TaskRouting::kTaskConditioned ||
         r == TaskRouting::kMultiGate;
}

template <class M>
void AddRef(std::vector<ParamRef<double>>& out, M& value, M& grad, bool decay) {
  out.push_back({value.data(), grad.data(), static_cast<int64_t>(value.size()), decay});
}

}  // namespace

const std::vector<std::string>& TaskRoutingNames() {
  static const std::vector<std::string> names = {"dense",      "token",  "task_conditioned",
                                                 "multi_gate", "skills", "task_level"};
  return names;
}

TaskRouting ParseTaskRouting(const std::string& name) {
  const auto& names = TaskRoutingNames();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    std::string all;
    for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
    throw Error("routing: must be one of " + all + ", got " + name);
  }
  return static_cast<TaskRouting>(it - names.begin());
}

void TaskMoeConfig::Validate() const {
  EXPERTLAB_CHECK(dim >= 1 && out >= 1 && width >= 1 && hidden >= 1)
      << "task experts: dim, out, width and hidden must be >= 1";
  EXPERTLAB_CHECK(experts >= 1) << "experts: must be >= 1, got " << experts;
  EXPERTLAB_CHECK(top_k >= 1 && top_k <= experts)
      << "k: must be in [1, E = " << experts << "], got " << top_k;
  EXPERTLAB_CHECK(blocks >= 1) << "blocks: must be >= 1, got " << blocks;
  EXPERTLAB_CHECK(tasks >= 1) << "tasks: must be >= 1, got " << tasks;
  EXPERTLAB_CHECK(balance >= 0) << "balance: must be >= 0, got " << balance;
  if (routing != TaskRouting::kSkills) return;
  EXPERTLAB_CHECK(int64_t(skill_map.size()) == tasks)
      << "skill map: needs one entry per task (" << tasks << "), got " << skill_map.size();
  for (int64_t t = 0; t < tasks; ++t) {
    std::vector<int64_t> s = skill_map[t];
    std::sort(s.begin(), s.end());
    EXPERTLAB_CHECK(!s.empty() && s.front() >= 0 && s.back() < experts &&
                    std::adjacent_find(s.begin(), s.end()) == s.end())
        << "skill map: task " << t << " must name distinct experts in [0, " << experts << ")";
  }
}

int64_t TaskMoe::RouterRows() const {
  const TaskMoeConfig& c = config_;
  switch (c.routing) {
    case TaskRouting::kToken: return c.width;
    case TaskRouting::kTaskConditioned: return c.width + c.tasks;
    case TaskRouting::kMultiGate: return c.tasks * c.width;
    case TaskRouting::kTaskLevel: return c.tasks;
    default: return 0;
  }
}

TaskMoe::TaskMoe(const TaskMoeConfig& config, Rng& rng) : config_(config) {
  config_.Validate();
  const int64_t d = config_.width, h = config_.hidden;
  w_in_ = NormalMatrix(config_.dim, d, 1.0 / std::sqrt(double(config_.dim)), rng);
  b_in_ = Eigen::RowVectorXd::Zero(d);
  blocks_.resize(config_.blocks);
  for (Block& b : blocks_) {
    b.experts.resize(config_.experts);
    for (Expert& e : b.experts) {
      e.w1 = NormalMatrix(d, h, std::sqrt(2.0 / double(d)), rng);
      e.w2 = NormalMatrix(h, d, 1.0 / std::sqrt(double(h)), rng);
      e.b1 = Eigen::RowVectorXd::Zero(h);
      e.b2 = Eigen::RowVectorXd::Zero(d);
    }
    // Task-level logits start at 0 (uniform; the Gumbel noise explores).
    b.router = config_.routing == TaskRouting::kTaskLevel
                   ? Eigen::MatrixXd::Zero(RouterRows(), config_.experts)
                   : NormalMatrix(RouterRows(), config_.experts, 1.0 / std::sqrt(double(d)), rng);
  }
  w_out_ = NormalMatrix(d, config_.out, 1.0 / std::sqrt(double(d)), rng);
  b_out_ = Eigen::RowVectorXd::Zero(config_.out);
  // Zero gradients, so Params() has its final shapes before any Backward.
  dw_in_ = Eigen::MatrixXd::Zero(w_in_.rows(), w_in_.cols());
  db_in_ = Eigen::RowVectorXd::Zero(d);
  dw_out_ = Eigen::MatrixXd::Zero(w_out_.rows(), w_out_.cols());
  db_out_ = Eigen::RowVectorXd::Zero(config_.out);
  for (Block& b : blocks_) {
    b.drouter = Eigen::MatrixXd::Zero(b.router.rows(), b.router.cols());
    for (Expert& e : b.experts) {
      e.dw1 = Eigen::MatrixXd::Zero(d, h);
      e.dw2 = Eigen::MatrixXd::Zero(h, d);
      e.db1 = Eigen::RowVectorXd::Zero(h);
      e.db2 = Eigen::RowVectorXd::Zero(d);
    }
  }
}

void TaskMoe::Route(Block& b, const std::vector<int32_t>& task, Rng* gumbel) {
  const TaskMoeConfig& c = config_;
  const int64_t n = b.u.rows(), E = c.experts, d = c.width;
  b.w = Eigen::MatrixXd::Zero(n, E);
  switch (c.routing) {
    case TaskRouting::kDense: b.w.setConstant(1.0 / double(E)); return;
    case TaskRouting::kSkills:
      for (int64_t i = 0; i < n; ++i)
        for (int64_t e : c.skill_map[task[i]])
          b.w(i, e) = 1.0 / double(c.skill_map[task[i]].size());
      return;
    case TaskRouting::kTaskLevel: {
      // One draw per task and block, in task order, whatever the batch holds.
      b.p.resize(c.tasks, E);
      std::vector<int64_t> route(c.tasks);
      for (int64_t t = 0; t < c.tasks; ++t) {
        Eigen::RowVectorXd z = b.router.row(t);
        if (gumbel)
          for (int64_t e = 0; e < E; ++e) z(e) += Gumbel(*gumbel);
        b.p.row(t) = SoftmaxRow(z / tau_);
        z.maxCoeff(&route[t]);
      }
      for (int64_t i = 0; i < n; ++i) b.w(i, route[task[i]]) = 1.0;
      return;
    }
    default: break;
  }
  // Learned token-level routers.
  Eigen::MatrixXd z;
  if (c.routing == TaskRouting::kMultiGate) {
    z.resize(n, E);
    for (int64_t i = 0; i < n; ++i)
      z.row(i) = b.u.row(i).lazyProduct(b.router.middleRows(task[i] * d, d));
  } else {
    z = b.u.lazyProduct(b.router.topRows(d));
    if (c.routing == TaskRouting::kTaskConditioned)
      for (int64_t i = 0; i < n; ++i) z.row(i) += b.router.row(d + task[i]);
  }
  b.p.resize(n, E);
  b.top1.assign(n, 0);
  std::vector<int64_t> order(E);
  for (int64_t i = 0; i < n; ++i) {
    b.p.row(i) = SoftmaxRow(z.row(i));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t e) { return b.p(i, a) > b.p(i, e); });
    for (int64_t j = 0; j < c.top_k; ++j) b.w(i, order[j]) = b.p(i, order[j]);
    b.top1[i] = order[0];
  }
}

const Eigen::MatrixXd& TaskMoe::Forward(const Eigen::MatrixXd& x, const std::vector<int32_t>& task,
                                        Rng* gumbel) {
  EXPERTLAB_CHECK(x.cols() == config_.dim && int64_t(task.size()) == x.rows())
      << "task experts: x must be [n x " << config_.dim << "] with one task per row";
  for (int32_t t : task)
    EXPERTLAB_CHECK(t >= 0 && t < config_.tasks)
        << "task experts: task " << t << " outside [0, " << config_.tasks << ")";
  x_ = x;
  task_ = task;
  Eigen::MatrixXd u = x.lazyProduct(w_in_).rowwise() + b_in_;
  balance_loss_ = 0;
  for (Block& b : blocks_) {
    b.u = u;
    Route(b, task, gumbel);
    const bool every_token = config_.routing == TaskRouting::kTaskLevel;
    for (int64_t e = 0; e < config_.experts; ++e) {
      Expert& ex = b.experts[e];
      ex.rows.clear();
      for (int64_t i = 0; i < b.u.rows(); ++i)
        if (every_token || b.w(i, e) != 0) ex.rows.push_back(i);
      ex.in.resize(int64_t(ex.rows.size()), config_.width);
      for (size_t r = 0; r < ex.rows.size(); ++r) ex.in.row(r) = b.u.row(ex.rows[r]);
      ex.pre = ex.in.lazyProduct(ex.w1).rowwise() + ex.b1;
      ex.out = ex.pre.cwiseMax(0.0).lazyProduct(ex.w2).rowwise() + ex.b2;
      for (size_t r = 0; r < ex.rows.size(); ++r)
        u.row(ex.rows[r]) += b.w(ex.rows[r], e) * ex.out.row(r);
    }
    if (IsLearnedTokenRouter(config_.routing)) {
      const double n = double(b.u.rows());
      for (int64_t e = 0; e < config_.experts; ++e) {
        const double f = double(std::count(b.top1.begin(), b.top1.end(), e)) / n;
        balance_loss_ += config_.balance * double(config_.experts) * f * b.p.col(e).mean();
      }
    }
  }
  u_last_ = u;
  y_hat_ = u.lazyProduct(w_out_).rowwise() + b_out_;
  return y_hat_;
}

double TaskMoe::Mse(const Eigen::MatrixXd& y) const {
  EXPERTLAB_CHECK(y.rows() == y_hat_.rows() && y.cols() == y_hat_.cols())
      << "task experts: targets must match the last Forward's predictions";
  return (y_hat_ - y).squaredNorm() / double(y.size());
}

void TaskMoe::RouterBackward(Block& b, const Eigen::MatrixXd& dw, const std::vector<int32_t>& task,
                             Eigen::MatrixXd& du) {
  const TaskMoeConfig& c = config_;
  const int64_t n = b.u.rows(), E = c.experts, d = c.width;
  b.drouter = Eigen::MatrixXd::Zero(b.router.rows(), b.router.cols());
  if (c.routing == TaskRouting::kTaskLevel) {
    // Straight-through: the hard gate's gradient taken as y_soft's.
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(c.tasks, E);
    for (int64_t i = 0; i < n; ++i) g.row(task[i]) += dw.row(i);
    for (int64_t t = 0; t < c.tasks; ++t)
      b.drouter.row(t) = SoftmaxRowBackward(b.p.row(t), g.row(t)) / tau_;
    return;
  }
  if (!IsLearnedTokenRouter(c.routing)) return;
  // dL/dp: the gate's gradient on the top k, plus the balance term
  // balance E f_e / n; then back through the softmax.
  Eigen::VectorXd f = Eigen::VectorXd::Zero(E);
  for (int64_t e : b.top1) f(e) += 1.0 / double(n);
  Eigen::MatrixXd dz(n, E);
  for (int64_t i = 0; i < n; ++i) {
    Eigen::RowVectorXd dp(E);
    for (int64_t e = 0; e < E; ++e)
      dp(e) = (b.w(i, e) != 0 ? dw(i, e) : 0.0) + c.balance * double(E) * f(e) / double(n);
    dz.row(i) = SoftmaxRowBackward(b.p.row(i), dp);
  }
  if (c.routing == TaskRouting::kMultiGate) {
    for (int64_t i = 0; i < n; ++i) {
      b.drouter.middleRows(task[i] * d, d) += b.u.row(i).transpose().lazyProduct(dz.row(i));
      du.row(i) += dz.row(i).lazyProduct(b.router.middleRows(task[i] * d, d).transpose());
    }
    return;
  }
  b.drouter.topRows(d) = b.u.transpose().lazyProduct(dz);
  du += dz.lazyProduct(b.router.topRows(d).transpose());
  if (c.routing == TaskRouting::kTaskConditioned)
    for (int64_t i = 0; i < n; ++i) b.drouter.row(d + task[i]) += dz.row(i);
}

double TaskMoe::Backward(const Eigen::MatrixXd& y) {
  const double mse = Mse(y);
  const Eigen::MatrixXd dy = 2.0 * (y_hat_ - y) / double(y.size());
  dw_out_ = u_last_.transpose().lazyProduct(dy);
  db_out_ = dy.colwise().sum();
  Eigen::MatrixXd du_next = dy.lazyProduct(w_out_.transpose());
  for (int64_t l = config_.blocks - 1; l >= 0; --l) {
    Block& b = blocks_[l];
    Eigen::MatrixXd du = du_next;  // the residual path
    // dL/dw(i, e) = <dL/du_{l+1}(i), F_e(u_i)> on the rows expert e ran on.
    Eigen::MatrixXd& dw = b.dw;
    dw = Eigen::MatrixXd::Zero(b.u.rows(), config_.experts);
    for (int64_t e = 0; e < config_.experts; ++e) {
      Expert& ex = b.experts[e];
      const int64_t m = int64_t(ex.rows.size());
      Eigen::MatrixXd dout(m, config_.width);
      for (int64_t r = 0; r < m; ++r) {
        const int64_t i = ex.rows[r];
        dw(i, e) = du_next.row(i).dot(ex.out.row(r));
        dout.row(r) = b.w(i, e) * du_next.row(i);
      }
      ex.dw2 = ex.pre.cwiseMax(0.0).transpose().lazyProduct(dout);
      ex.db2 = dout.colwise().sum();
      const Eigen::MatrixXd dpre =
          (dout.lazyProduct(ex.w2.transpose()).array() * (ex.pre.array() > 0).cast<double>())
              .matrix();
      ex.dw1 = ex.in.transpose().lazyProduct(dpre);
      ex.db1 = dpre.colwise().sum();
      const Eigen::MatrixXd din = dpre.lazyProduct(ex.w1.transpose());
      for (int64_t r = 0; r < m; ++r) du.row(ex.rows[r]) += din.row(r);
    }
    RouterBackward(b, dw, task_, du);
    du_next = du;
  }
  dw_in_ = x_.transpose().lazyProduct(du_next);
  db_in_ = du_next.colwise().sum();
  return mse;
}

std::vector<ParamRef<double>> TaskMoe::Params() {
  std::vector<ParamRef<double>> out;
  AddRef(out, w_in_, dw_in_, true);
  AddRef(out, b_in_, db_in_, false);
  for (Block& b : blocks_) {
    if (b.router.size() > 0) AddRef(out, b.router, b.drouter, true);
    for (Expert& e : b.experts) {
      AddRef(out, e.w1, e.dw1, true);
      AddRef(out, e.b1, e.db1, false);
      AddRef(out, e.w2, e.dw2, true);
      AddRef(out, e.b2, e.db2, false);
    }
  }
  AddRef(out, w_out_, dw_out_, true);
  AddRef(out, b_out_, db_out_, false);
  return out;
}

double TaskMoe::ActiveParamsPerToken() const {
  const TaskMoeConfig& c = config_;
  const double d = double(c.width), E = double(c.experts);
  const double expert = 2 * d * double(c.hidden) + double(c.hidden) + d;
  double per_block = 0;
  switch (c.routing) {
    case TaskRouting::kDense: per_block = E * expert; break;
    case TaskRouting::kSkills:
      for (const auto& s : c.skill_map) per_block += double(s.size()) * expert / double(c.tasks);
      break;
    case TaskRouting::kTaskLevel: per_block = expert; break;
    case TaskRouting::kTaskConditioned: per_block = double(c.top_k) * expert + (d + 1) * E; break;
    default: per_block = double(c.top_k) * expert + d * E; break;
  }
  return double(c.blocks) * per_block + double(c.dim) * d + d + d * double(c.out) + double(c.out);
}

}  // namespace expertlab::moe

#include "algorithms/moe/train/routing_tasks.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

#include "sim/check.h"
#include "sim/params.h"
#include "sim/samplers.h"

namespace expertlab::moe {
namespace {

const std::vector<std::string> kTaskStructureNames = {"clusters", "hierarchical", "common_specific",
                                                      "skills"};

// C(n, k) >= at_least; in double, exact while below 2^53.
bool BinomialAtLeast(int64_t n, int64_t k, int64_t at_least) {
  double c = 1;
  for (int64_t i = 1; i <= k && c < double(at_least); ++i) c = c * double(n - k + i) / double(i);
  return std::round(c) >= double(at_least);
}

// Variance scale v_m of each linear map: weights ~ N(0, v_m / dim),
// bias ~ N(0, v_m), so every cluster's summed map has scale 1.
std::vector<double> MapScales(const RoutingTaskSpec& spec) {
  const int64_t K = spec.clusters;
  switch (spec.structure) {
    case TaskStructure::kCommonSpecific: {
      std::vector<double> v(K + 1, 1.0 - spec.common_share);
      v[K] = spec.common_share;
      return v;
    }
    case TaskStructure::kSkills:
      return std::vector<double>(spec.skills, 1.0 / double(spec.skills_per_task));
    default: return std::vector<double>(K, 1.0);
  }
}

void ValidateStructure(const RoutingTaskSpec& spec) {
  const int64_t K = spec.clusters;
  if (spec.structure == TaskStructure::kHierarchical) {
    EXPERTLAB_CHECK(K % spec.super == 0)
        << "routing task: super must divide clusters K = " << K << ", got " << spec.super;
  }
  if (spec.structure != TaskStructure::kSkills) return;
  EXPERTLAB_CHECK(spec.skills_per_task <= spec.skills)
      << "routing task: skills_per_task must be <= skills = " << spec.skills << ", got "
      << spec.skills_per_task;
  EXPERTLAB_CHECK(BinomialAtLeast(spec.skills, spec.skills_per_task, K))
      << "routing task: skills = " << spec.skills
      << " and skills_per_task = " << spec.skills_per_task
      << " give fewer distinct skill subsets than the K = " << K
      << " tasks (clusters); raise skills or lower clusters";
}

}  // namespace

const std::vector<std::string>& TaskStructureNames() { return kTaskStructureNames; }

TaskStructure ParseTaskStructure(const std::string& name) {
  const auto it = std::find(kTaskStructureNames.begin(), kTaskStructureNames.end(), name);
  EXPERTLAB_CHECK(it != kTaskStructureNames.end())
      << "routing task: structure must be one of " << JoinWithCommas(kTaskStructureNames)
      << ", got '" << name << "'";
  return static_cast<TaskStructure>(it - kTaskStructureNames.begin());
}

void RoutingTaskSpec::Validate() const {
  EXPERTLAB_CHECK(clusters >= 1) << "routing task: clusters must be >= 1, got " << clusters;
  EXPERTLAB_CHECK(dim >= 1) << "routing task: dim must be >= 1, got " << dim;
  EXPERTLAB_CHECK(out_dim >= 1) << "routing task: out_dim must be >= 1, got " << out_dim;
  EXPERTLAB_CHECK(separation >= 0 && std::isfinite(separation))
      << "routing task: separation must be finite and >= 0, got " << separation;
  EXPERTLAB_CHECK(skew >= 0 && std::isfinite(skew))
      << "routing task: skew must be finite and >= 0, got " << skew;
  EXPERTLAB_CHECK(noise >= 0 && std::isfinite(noise))
      << "routing task: noise must be finite and >= 0, got " << noise;
  EXPERTLAB_CHECK(max_features >= 0)
      << "routing task: max_features must be >= 0, got " << max_features;
  EXPERTLAB_CHECK(super >= 1) << "routing task: super must be >= 1, got " << super;
  EXPERTLAB_CHECK(!sub_separation || (*sub_separation >= 0 && std::isfinite(*sub_separation)))
      << "routing task: sub_separation must be finite and >= 0, got " << *sub_separation;
  EXPERTLAB_CHECK(common_share >= 0 && common_share <= 1)
      << "routing task: common_share must be in [0, 1], got " << common_share;
  EXPERTLAB_CHECK(skills >= 1) << "routing task: skills must be >= 1, got " << skills;
  EXPERTLAB_CHECK(skills_per_task >= 1)
      << "routing task: skills_per_task must be >= 1, got " << skills_per_task;
  EXPERTLAB_CHECK(holdout_tasks >= 0 && holdout_tasks < clusters)
      << "routing task: holdout_tasks must be in [0, clusters - 1 = " << clusters - 1 << "], got "
      << holdout_tasks;
  EXPERTLAB_CHECK(example_tokens >= 1)
      << "routing task: example_tokens must be >= 1, got " << example_tokens;
  ValidateStructure(*this);
}

int64_t RoutingTaskSpec::SuperClusters() const {
  return structure == TaskStructure::kHierarchical ? super : clusters;
}

RoutingTask::RoutingTask(const RoutingTaskSpec& spec, Rng& rng) : spec_(spec) {
  spec.Validate();
  const int64_t K = spec.clusters, D = spec.dim, O = spec.out_dim, F = spec.max_features;
  pi_.resize(K);
  double total = 0;
  for (int64_t c = 0; c < K; ++c) total += pi_[c] = std::pow(double(c + 1), -spec.skew);
  for (double& p : pi_) p /= total;
  train_pi_ = heldout_pi_ = pi_;
  const int64_t first_held_out = K - spec.holdout_tasks;
  std::fill(train_pi_.begin() + first_held_out, train_pi_.end(), 0.0);
  std::fill(heldout_pi_.begin(), heldout_pi_.begin() + first_held_out, 0.0);
  DrawMeans(rng);
  DrawMaps(rng);
  // Frequencies with sd 2/sqrt(dim): omega . eps has sd 2 radians inside a
  // cluster, so a feature turns over within the cluster's own spread.
  omega_.resize(K * F * D);
  for (double& v : omega_) v = Normal(rng, 0.0, 2.0 / std::sqrt(double(D)));
  phase_.resize(K * F);
  for (double& v : phase_) v = 2.0 * std::numbers::pi * rng.Uniform();
  // Amplitudes sd 1/sqrt(F): the hardest cluster's non-linear part has
  // variance about 1/2, the size of its linear part.
  amp_.resize(K * F * O);
  for (double& v : amp_) v = F > 0 ? Normal(rng, 0.0, 1.0 / std::sqrt(double(F))) : 0.0;
  if (spec.structure == TaskStructure::kSkills) DrawSkillSubsets(rng);
}

void RoutingTask::DrawMeans(Rng& rng) {
  const int64_t K = spec_.clusters, D = spec_.dim;
  // Var(mu_c - mu_c') = separation^2 / dim per coordinate: E||.||^2 = separation^2.
  const double mu_sd = spec_.separation / std::sqrt(2.0 * double(D));
  mu_.resize(K * D);
  if (spec_.structure != TaskStructure::kHierarchical) {
    for (double& v : mu_) v = Normal(rng, 0.0, mu_sd);
    return;
  }
  std::vector<double> nu(spec_.super * D);
  for (double& v : nu) v = Normal(rng, 0.0, mu_sd);
  const double sub = spec_.sub_separation.value_or(spec_.separation / 4);
  const double delta_sd = sub / std::sqrt(2.0 * double(D));
  for (int64_t c = 0; c < K; ++c)
    for (int64_t j = 0; j < D; ++j)
      mu_[c * D + j] = nu[SuperCluster(c) * D + j] + Normal(rng, 0.0, delta_sd);
}

void RoutingTask::DrawMaps(Rng& rng) {
  const int64_t D = spec_.dim, O = spec_.out_dim;
  const std::vector<double> scale = MapScales(spec_);
  const int64_t M = static_cast<int64_t>(scale.size());
  w_.resize(M * O * D);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t i = 0; i < O * D; ++i)
      w_[m * O * D + i] = Normal(rng, 0.0, std::sqrt(scale[m]) / std::sqrt(double(D)));
  b_.resize(M * O);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t o = 0; o < O; ++o) b_[m * O + o] = std::sqrt(scale[m]) * Normal(rng);
}

// Uniform skills_per_task-subsets of the skills, redrawn until distinct
// from the earlier tasks' (Validate guarantees enough exist).
void RoutingTask::DrawSkillSubsets(Rng& rng) {
  std::set<std::vector<int64_t>> seen;
  while (static_cast<int64_t>(subsets_.size()) < spec_.clusters) {
    const std::vector<uint64_t> drawn = SampleWithoutReplacement(
        rng, static_cast<uint64_t>(spec_.skills), static_cast<uint64_t>(spec_.skills_per_task));
    std::vector<int64_t> subset(drawn.begin(), drawn.end());
    if (seen.insert(subset).second) subsets_.push_back(std::move(subset));
  }
}

int64_t RoutingTask::SuperCluster(int64_t c) const {
  return c / (spec_.clusters / spec_.SuperClusters());
}

int64_t RoutingTask::HardFeatures(int64_t c) const {
  const int64_t K = spec_.clusters;
  if (K == 1) return spec_.max_features;
  return (spec_.max_features * c + (K - 1) / 2) / (K - 1);
}

void RoutingTask::AddMap(int64_t m, const double* x, double* y) const {
  const int64_t D = spec_.dim, O = spec_.out_dim;
  for (int64_t o = 0; o < O; ++o) {
    const double* w = w_.data() + (m * O + o) * D;
    double v = b_[m * O + o];
    for (int64_t j = 0; j < D; ++j) v += w[j] * x[j];
    y[o] += v;
  }
}

void RoutingTask::Target(int64_t c, const double* x, double* y) const {
  const int64_t D = spec_.dim, O = spec_.out_dim, F = spec_.max_features;
  std::fill(y, y + O, 0.0);
  switch (spec_.structure) {
    case TaskStructure::kCommonSpecific:
      AddMap(spec_.clusters, x, y);
      AddMap(c, x, y);
      break;
    case TaskStructure::kSkills:
      for (int64_t s : subsets_[c]) AddMap(s, x, y);
      break;
    default: AddMap(c, x, y);
  }
  for (int64_t f = 0; f < HardFeatures(c); ++f) {
    const double* om = omega_.data() + (c * F + f) * D;
    double arg = phase_[c * F + f];
    for (int64_t j = 0; j < D; ++j) arg += om[j] * x[j];
    const double feature = std::cos(arg);
    for (int64_t o = 0; o < O; ++o) y[o] += amp_[(c * F + f) * O + o] * feature;
  }
}

RoutingSample RoutingTask::Sample(int64_t n, Rng& rng, RoutingSplit split) const {
  EXPERTLAB_CHECK(split == RoutingSplit::kTrain || spec_.holdout_tasks > 0)
      << "routing task: the held-out split needs holdout_tasks >= 1";
  const std::vector<double>& weights = split == RoutingSplit::kTrain ? train_pi_ : heldout_pi_;
  const int64_t D = spec_.dim, O = spec_.out_dim;
  RoutingSample s;
  s.n = n;
  s.x.resize(n * D);
  s.y.resize(n * O);
  s.cluster.resize(n);
  s.super_cluster.resize(n);
  std::vector<double> x(D), y(O);
  int64_t c = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (i % spec_.example_tokens == 0) c = static_cast<int64_t>(Categorical(rng, weights));
    s.cluster[i] = static_cast<int32_t>(c);
    s.super_cluster[i] = static_cast<int32_t>(SuperCluster(c));
    for (int64_t j = 0; j < D; ++j) x[j] = mu_[c * D + j] + Normal(rng);
    Target(c, x.data(), y.data());
    for (int64_t j = 0; j < D; ++j) s.x[i * D + j] = static_cast<float>(x[j]);
    for (int64_t o = 0; o < O; ++o)
      s.y[i * O + o] = static_cast<float>(y[o] + spec_.noise * Normal(rng));
  }
  return s;
}

}  // namespace expertlab::moe

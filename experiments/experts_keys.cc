#include "experiments/experts_keys.h"

#include "algorithms/experts/instance.h"
#include "algorithms/experts/learner.h"
#include "sim/check.h"
#include "sim/registry.h"
#include "sim/spec.h"

namespace expertlab::experiments {

ParamSpec LearnerKey(std::string default_spec, std::string help) {
  return SpecParam<experts::ExpertsLearner>("learner", std::move(default_spec), std::move(help));
}

ParamSpec InstanceKey(std::string name, std::string default_spec, std::string help) {
  return SpecParam<experts::LossSequence>(std::move(name), std::move(default_spec),
                                          std::move(help));
}

ParamSpec ExpertsCountKey(int64_t default_n, int64_t min_n) {
  return ParamSpec::Int("n", default_n, Bounds::Closed(min_n, 1 << 20), "number of experts");
}

ParamSpec HorizonKey(int64_t default_t) {
  return ParamSpec::Int("T", default_t, Bounds::Closed(1, int64_t{1} << 32), "horizon (days)");
}

ParamSpec MemoryKey(int64_t default_s) {
  return ParamSpec::Int("memory", default_s, Bounds::Closed(1, 1 << 20),
                        "memory S in words (must be <= n)");
}

ParamSpec PerOctaveKey(int64_t default_value) {
  return ParamSpec::Int("per_octave", default_value, Bounds::Closed(1, 64),
                        "checkpoints per doubling of t");
}

void CheckMemoryCell(std::string_view experiment, const Params& params) {
  const int64_t memory = params.Int("memory"), n = params.Int("n");
  EXPERTLAB_CHECK(memory >= 1 && memory <= n)
      << experiment << ": memory S = " << memory << " is not in [1, n = " << n
      << "]; lower memory or raise n";
  LearnerWithMemory(params.String("learner"), memory);
}

std::string LearnerWithMemory(std::string_view learner, int64_t memory) {
  std::string spec(learner);
  if (SpecHasParam<experts::ExpertsLearner>(spec, "memory"))
    spec = SpecWith(spec, "memory", std::to_string(memory));
  Registry<experts::ExpertsLearner>::Instance().Create(spec);
  return spec;
}

}  // namespace expertlab::experiments

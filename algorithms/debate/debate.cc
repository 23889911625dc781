#include "algorithms/debate/debate.h"

#include "sim/registry.h"

namespace expertlab::debate {

Debate::Debate(const Params& params)
    : rounds_(static_cast<int>(params.Int("rounds"))),
      slots_(static_cast<int>(params.Int("slots"))),
      sequential_(params.Bool("sequential")) {}

Outcome Debate::Run(const Question& question, const Judge& judge,
                    const std::array<Expert, 2>& experts, Rng& rng) const {
  Transcript transcript(question);
  const Turn turn{slots_, false, false};
  Side first = sequential_ && rng.UniformInt(2) == 1 ? kFalse : kTruth;
  for (int round = 0; round < rounds_; ++round) {
    if (sequential_) {
      for (Side side : {first, Other(first)})
        Apply(question, side,
              BestArgument(question, transcript, side, experts[side], turn, judge, rng),
              transcript);
      first = Other(first);
    } else {
      const Argument truth =
          BestArgument(question, transcript, kTruth, experts[kTruth], turn, judge, rng);
      const Argument falsehood =
          BestArgument(question, transcript, kFalse, experts[kFalse], turn, judge, rng);
      Apply(question, kTruth, truth, transcript);
      Apply(question, kFalse, falsehood, transcript);
    }
  }
  const double accuracy = judge.Verdict(transcript, kTruth, false, rng);
  return {accuracy, accuracy, accuracy};
}

EXPERTLAB_REGISTER(Protocol, Debate, "debate",
                   "two experts argue opposite answers for R rounds; the judge reads the transcript",
                   {ParamSpec::Int("rounds", 3, Bounds::Closed(1, 100), "rounds R"),
                    ParamSpec::Int("slots", 2, Bounds::Closed(1, 16),
                                   "quotes per expert per round"),
                    ParamSpec::Bool("sequential", false,
                                    "sequential instead of simultaneous rounds")});

}  // namespace expertlab::debate

// debate_elo: a cross-play tournament of experts of several skills and
// best-of-N levels, their Elo ratings, and self-play judge accuracy against
// those ratings under debate and under consultancy. Khan et al., "Debating
// with More Persuasive LLMs Leads to More Truthful Answers", ICML 2024, §2.3
// (cross-play tournament, aggregate and correct/incorrect Elo), §3 and
// Figs. 3-4: in debate, judge accuracy rises with debater Elo and
// E^C - E^I grows with it; in consultancy, accuracy falls as the consultant
// gets more persuasive.
//
// The roster is every (skill, best-of-N) pair of `skills` x `bons`; the
// reference expert (reference_skill, reference_bon) must be one of them
// and is rated 0. The tournament (algorithms/debate/tournament.h) plays
// every ordered pair on `questions` tournament questions; self-play
// accuracy is measured on `selfplay_questions` other questions (the
// paper's disjoint D_L and T_L).
//
// Data keys: the world keys, questions and selfplay_questions: every judge
// of a replicate meets the same questions.
//
// Rows, one per expert at step = its index in the roster:
//   skill, bon               the expert
//   elo                      aggregate Elo
//   elo_correct, elo_incorrect  E^C and E^I
//   win_rate_vs_reference    its flipped-assignment win rate over the reference
//   debate_accuracy          self-play debate: mean P(judge picks T)
//   consultancy_accuracy     consultancy: mean of the two assignments
//   consultancy_truth, consultancy_false  P(judge picks T) when it argues T / F
//   consultancy_win_rate     P(judge picks its answer), averaged over both
// and at step 0: elo_rms, elo_directional_rms (the fits' rms residuals),
// theory.naive and theory.expert (as in debate_cell.h, self-play questions).
#include <sstream>

#include "algorithms/debate/disclosure.h"
#include "algorithms/debate/tournament.h"
#include "experiments/debate_cell.h"
#include "sim/check.h"

namespace expertlab::experiments {
namespace {

using debate::Expert;

enum EloStream : uint64_t { kEloPlayStream = 1, kEloTournamentStream = 2, kEloSelfPlayStream = 3 };

std::vector<double> ParseEloList(const Params& params, const std::string& key, double lo,
                                 double hi) {
  std::vector<double> values;
  for (const std::string& text : SplitTopLevel(params.String(key), ',')) {
    std::istringstream in(Trim(text));
    double value = 0.0;
    in >> value;
    EXPERTLAB_CHECK(in && in.eof() && value >= lo && value <= hi)
        << key << " = '" << params.String(key) << "': expected comma-separated numbers in ["
        << lo << ", " << hi << "]";
    values.push_back(value);
  }
  EXPERTLAB_CHECK(!values.empty()) << key << ": expected at least one value";
  return values;
}

struct EloRoster {
  std::vector<Expert> experts;
  int reference = -1;
};

EloRoster MakeEloRoster(const Params& params) {
  EloRoster roster;
  for (double skill : ParseEloList(params, "skills", 0.0, 1.0))
    for (double bon : ParseEloList(params, "bons", 1.0, 1024.0)) {
      EXPERTLAB_CHECK(bon == static_cast<double>(static_cast<int64_t>(bon)))
          << "bons = '" << params.String("bons") << "': expected integers";
      if (skill == params.Double("reference_skill") &&
          static_cast<int64_t>(bon) == params.Int("reference_bon"))
        roster.reference = static_cast<int>(roster.experts.size());
      roster.experts.push_back(
          {skill, static_cast<int64_t>(bon), params.Double("fabrication"), params.Double("leak")});
    }
  EXPERTLAB_CHECK(roster.experts.size() >= 2)
      << "skills x bons: expected at least two experts, got " << roster.experts.size();
  EXPERTLAB_CHECK(roster.reference >= 0)
      << "reference_skill = " << params.Double("reference_skill")
      << ", reference_bon = " << params.Int("reference_bon")
      << ": expected an expert of the roster (skills x bons)";
  return roster;
}

std::vector<debate::Question> DrawEloQuestions(const debate::WorldParams& world, int64_t count,
                                               Rng rng) {
  std::vector<debate::Question> questions;
  for (int64_t q = 0; q < count; ++q) questions.push_back(debate::DrawQuestion(world, rng));
  return questions;
}

class DebateElo final : public Experiment {
 public:
  std::vector<ParamSpec> Parameters() const override {
    const Bounds unit = Bounds::Closed(0.0, 1.0);
    std::vector<ParamSpec> keys = DebateJudgeKeys("strong");
    for (ParamSpec key : {
             ParamSpec::Int("rounds", 3, Bounds::Closed(1, 100), "rounds R of both protocols"),
             ParamSpec::Text("skills", "0.25,0.5,0.8", "roster skills (comma-separated)"),
             ParamSpec::Text("bons", "1,2,4,8,16", "roster best-of-N (comma-separated)"),
             ParamSpec::Double("reference_skill", 0.5, unit, "reference expert's skill (Elo 0)"),
             ParamSpec::Int("reference_bon", 1, Bounds::Closed(1, 1024),
                            "reference expert's best-of-N"),
             ParamSpec::Double("fabrication", 0.15, unit, "probability that a slot is fabricated"),
             ParamSpec::Double("leak", 0.6, unit, "consultant's leak probability under a probe"),
             ParamSpec::Int("questions", 300, Bounds::Closed(1, 1 << 20),
                            "tournament questions per match"),
             ParamSpec::Int("selfplay_questions", 300, Bounds::Closed(1, 1 << 20),
                            "self-play questions per expert")})
      keys.push_back(std::move(key));
    for (ParamSpec& key : DebateWorldKeys()) keys.push_back(std::move(key));
    return keys;
  }

  std::vector<std::string> DataKeys() const override {
    std::vector<std::string> keys = DebateWorldDataKeys();
    keys.push_back("questions");
    keys.push_back("selfplay_questions");
    return keys;
  }

  void CheckCell(const Params& params) const override {
    for (const Expert& expert : MakeEloRoster(params).experts) debate::CheckExpert(expert);
  }

  void RunCell(const Params& params, CellContext& context) const override {
    const debate::WorldParams world = DebateWorld(params);
    const debate::Judge judge = DebateJudge(params);
    const EloRoster roster = MakeEloRoster(params);
    const std::string rounds = "(rounds=" + std::to_string(params.Int("rounds")) + ")";
    auto& registry = Registry<debate::Protocol>::Instance();
    const auto debate = registry.Create("debate" + rounds);
    const auto consultancy = registry.Create("consultancy" + rounds);
    const auto tournament =
        DrawEloQuestions(world, params.Int("questions"), context.DataStream(kEloTournamentStream));
    const auto selfplay = DrawEloQuestions(world, params.Int("selfplay_questions"),
                                        context.DataStream(kEloSelfPlayStream));

    Rng rng = context.Stream(kEloPlayStream);
    const debate::WinMatrix truth = RoundRobin(*debate, tournament, judge, roster.experts, rng);
    const debate::TournamentRatings ratings = debate::RateTournament(truth, roster.reference);
    const debate::WinMatrix flipped = debate::FlippedWinRates(truth);
    const double n = static_cast<double>(selfplay.size());
    for (size_t i = 0; i < roster.experts.size(); ++i) {
      const Expert& expert = roster.experts[i];
      double debate_total = 0.0;
      debate::Outcome consult{0.0, 0.0, 0.0};
      for (const debate::Question& question : selfplay) {
        debate_total += debate->Run(question, judge, {expert, expert}, rng).accuracy;
        const debate::Outcome outcome = consultancy->Run(question, judge, {expert, expert}, rng);
        consult.accuracy += outcome.accuracy;
        consult.truth_assigned += outcome.truth_assigned;
        consult.false_assigned += outcome.false_assigned;
      }
      const int64_t step = static_cast<int64_t>(i);
      context.Record("skill", step, expert.skill);
      context.Record("bon", step, static_cast<double>(expert.bon));
      context.Record("elo", step, ratings.aggregate[i]);
      context.Record("elo_correct", step, ratings.correct[i]);
      context.Record("elo_incorrect", step, ratings.incorrect[i]);
      context.Record("win_rate_vs_reference", step,
                     flipped[i][static_cast<size_t>(roster.reference)]);
      context.Record("debate_accuracy", step, debate_total / n);
      context.Record("consultancy_accuracy", step, consult.accuracy / n);
      context.Record("consultancy_truth", step, consult.truth_assigned / n);
      context.Record("consultancy_false", step, consult.false_assigned / n);
      context.Record("consultancy_win_rate", step,
                     0.5 * (consult.truth_assigned + n - consult.false_assigned) / n);
    }
    double expert_accuracy = 0.0;
    for (const debate::Question& question : selfplay)
      expert_accuracy += theory::FullDisclosureAccuracy(debate::DisclosedItems(question),
                                                        debate::DisclosureWeights(judge));
    context.Record("elo_rms", 0, ratings.aggregate_rms);
    context.Record("elo_directional_rms", 0, ratings.directional_rms);
    context.Record("theory.naive", 0, theory::NaiveAccuracy(judge.naive_edge));
    context.Record("theory.expert", 0, expert_accuracy / n);
  }
};

}  // namespace

EXPERTLAB_REGISTER_EXPERIMENT(DebateElo, "debate_elo",
                              "cross-play tournament: Elo of experts and judge accuracy vs Elo, "
                              "debate vs consultancy")

}  // namespace expertlab::experiments

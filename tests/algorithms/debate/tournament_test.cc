#include "algorithms/debate/tournament.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "algorithms/debate/elo.h"
#include "tests/algorithms/debate/conformance.h"

namespace expertlab::debate {
namespace {

TEST_CASE("tournament: exact directional rates give back E^C and E^I", "[theory]") {
  // truth[i][j] = W(E^C_i - E^I_j) exactly, with W the Elo curve; the fit is
  // unique up to one common shift, which puts the reference's mean at 0.
  const std::vector<double> correct = {40.0, -150.0, 120.0, 310.0};
  const std::vector<double> incorrect = {-40.0, -170.0, 20.0, 90.0};
  WinMatrix truth(4, std::vector<double>(4));
  for (size_t i = 0; i < 4; ++i)
    for (size_t j = 0; j < 4; ++j) truth[i][j] = EloWinProbability(correct[i] - incorrect[j]);
  const TournamentRatings ratings = RateTournament(truth, 0);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(ratings.correct[i] == Approx(correct[i]).margin(1e-6));
    CHECK(ratings.incorrect[i] == Approx(incorrect[i]).margin(1e-6));
  }
  CHECK(ratings.directional_rms < 1e-9);
}

TEST_CASE("tournament: with no truth advantage the aggregate Elo is the planted one",
          "[theory]") {
  // E^C = E^I = E: wbar_ij = (W(E_i - E_j) + 1 - W(E_j - E_i)) / 2 = W(E_i - E_j).
  const std::vector<double> elo = {0.0, -200.0, 75.0, 260.0, -30.0};
  WinMatrix truth(elo.size(), std::vector<double>(elo.size()));
  for (size_t i = 0; i < elo.size(); ++i)
    for (size_t j = 0; j < elo.size(); ++j) truth[i][j] = EloWinProbability(elo[i] - elo[j]);
  const TournamentRatings ratings = RateTournament(truth, 0);
  for (size_t i = 0; i < elo.size(); ++i) {
    CHECK(ratings.aggregate[i] == Approx(elo[i]).margin(1e-6));
    CHECK(ratings.correct[i] - ratings.incorrect[i] == Approx(0.0).margin(1e-6));
  }
}

TEST_CASE("tournament: a full-recall debater against a silent one, in closed form", "[theory]") {
  // Debate, 16 slots: the full-recall expert shows every item of its side in
  // round 1; the zero-skill one shows nothing and refutes nothing, so the
  // judge sees one side's items unrefuted: P(T) = sigma(S_T / tau + pi) when
  // the full-recall expert argues T and sigma(-S_F / tau + pi) when it argues
  // F (S_X: the side's verified strength, judge.h). Self-play matches of the
  // silent expert leave the judge at 1/2 + naive_edge.
  const std::vector<Question> questions = testing::Questions(80, WorldParams{}, 29);
  const Judge judge = MakeJudge("strong", 0.1);
  const std::vector<Expert> roster = {{0.0, 1, 0.0, 0.0}, {1.0, 1, 0.0, 0.0}};
  const auto protocol = Registry<Protocol>::Instance().Create("debate(slots=16)");
  Rng rng = testing::TestRng(31);
  const WinMatrix truth = RoundRobin(*protocol, questions, judge, roster, rng);
  const double prior = std::log(0.6 / 0.4);
  double speaks_truth = 0.0, speaks_false = 0.0;
  for (const Question& question : questions) {
    double score[2] = {0.0, 0.0};
    for (const Item& item : question.items) score[item.side] += item.strength;
    speaks_truth += Sigmoid(score[kTruth] / judge.tau + prior);
    speaks_false += Sigmoid(-score[kFalse] / judge.tau + prior);
  }
  const double count = static_cast<double>(questions.size());
  CHECK(truth[0][0] == Approx(0.6).epsilon(1e-12));
  CHECK(truth[1][0] == Approx(speaks_truth / count).epsilon(1e-12));
  CHECK(truth[0][1] == Approx(speaks_false / count).epsilon(1e-12));
  const WinMatrix flipped = FlippedWinRates(truth);
  CHECK(flipped[1][0] == Approx(0.5 * (truth[1][0] + 1.0 - truth[0][1])).epsilon(1e-12));
  CHECK(flipped[0][1] == Approx(1.0 - flipped[1][0]).epsilon(1e-12));
  // Two players: the fit puts the win rate exactly on the Elo curve.
  const TournamentRatings ratings = RateTournament(truth, 0);
  CHECK(EloWinProbability(ratings.aggregate[1]) == Approx(flipped[1][0]).epsilon(1e-9));
}

TEST_CASE("tournament: simulated debates recover the skill ordering", "[theory]") {
  // Debaters differing only in recall (skill 0.2, 0.5, 0.9; best-of-1, no
  // fabrication), strong judge, 300 questions per match. A debater with
  // more recall shows and refutes a superset in distribution, so its win
  // rate over a weaker one exceeds 1/2 and the fitted Elo follows skill.
  // Each match averages the judge's probability over 300 questions, so a
  // win rate's standard error is below 0.5 / sqrt(300) = 0.029, about 20
  // Elo points near 1/2; the test asks for gaps of 3 such errors.
  const std::vector<Question> questions = testing::Questions(300, WorldParams{}, 59);
  const std::vector<Expert> roster = {{0.5, 1, 0.0, 0.0}, {0.2, 1, 0.0, 0.0}, {0.9, 1, 0.0, 0.0}};
  const auto protocol = Registry<Protocol>::Instance().Create("debate");
  Rng rng = testing::TestRng(61);
  const TournamentRatings ratings =
      RateTournament(RoundRobin(*protocol, questions, MakeJudge("strong", 0.0), roster, rng), 0);
  INFO("Elo " << ratings.aggregate[1] << " < " << ratings.aggregate[0] << " < "
              << ratings.aggregate[2]);
  CHECK(ratings.aggregate[0] == 0.0);
  CHECK(ratings.aggregate[1] < -60.0);
  CHECK(ratings.aggregate[2] > 60.0);
}

TEST_CASE("tournament: bad input is refused", "[unit]") {
  CHECK_THROWS_WITH(RateTournament({{0.5}}, 0), Catch::Contains("at least two"));
  CHECK_THROWS_WITH(RateTournament({{0.5, 0.5}, {0.5, 0.5}}, 2), Catch::Contains("reference"));
  CHECK_THROWS_WITH(RateTournament({{0.5, 0.5}, {0.5}}, 0), Catch::Contains("square"));
}

}  // namespace
}  // namespace expertlab::debate

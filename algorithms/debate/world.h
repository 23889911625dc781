// The debate family's world: a two-answer question whose evidence is hidden
// from the judge, the transcript of what experts quoted, and the judge that
// scores it. An abstract analogue of the setting of Khan, Hughes, Valentine,
// Ruis, Sachan, Radhakrishnan, Grefenstette, Bowman, Rocktäschel & Perez,
// "Debating with More Persuasive LLMs Leads to More Truthful Answers", ICML
// 2024 (§2.2: experts read the story, the judge sees only the question, the
// answers and the transcript, and can check only whether a quote is in the
// story).
//
// A question has a true answer T and a distractor F. Its evidence pool holds
// 1 + Poisson(lambda_true) items supporting T and 1 + Poisson(lambda_false)
// items that appear to support F (misleading out of context). Item i has an
// apparent strength a_i ~ LogNormal(0, sigma) (a log-likelihood ratio), is
// refutable (some other passage exposes it) with probability
// refutable_false for F items and refutable_true for T items, and is
// verifiable (quotable verbatim) with probability `verifiable`. Truth is
// easier to argue when refutable_false > refutable_true.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace expertlab::debate {

// The side an item supports or a debater argues: 0 = the true answer.
enum Side : int { kTruth = 0, kFalse = 1 };
inline Side Other(Side side) { return side == kTruth ? kFalse : kTruth; }

struct Item {
  Side side = kTruth;
  double strength = 1.0;
  bool refutable = false;
  bool verifiable = true;
};

struct Question {
  std::vector<Item> items;
};

struct WorldParams {
  double lambda_true = 5.0;
  double lambda_false = 4.0;
  double sigma = 0.5;
  double refutable_false = 0.7;
  double refutable_true = 0.1;
  double verifiable = 1.0;
};

// Errors naming the key unless lambdas >= 0, sigma >= 0 and the three
// probabilities lie in [0, 1].
void CheckWorld(const WorldParams& world);

// Poisson(mean) by inversion of the CDF (mean in [0, 100]).
int64_t Poisson(Rng& rng, double mean);

Question DrawQuestion(const WorldParams& world, Rng& rng);

// One quoted passage: an item of the pool (item >= 0), or a fabrication
// (item = -1), which the quote check always marks unverified.
struct Quote {
  int item = -1;
  double strength = 0.0;
  bool verified = false;
  bool refuted = false;
};

// What the judge reads: the quotes shown for each side (a side's own quotes,
// plus the opposing items a consultant leaked), and which items have
// surfaced.
struct Transcript {
  std::array<std::vector<Quote>, 2> quotes;
  std::vector<bool> shown;
  explicit Transcript(const Question& question) : shown(question.items.size(), false) {}
  // Shows item `item` of `question` as a quote for its own side.
  void Show(const Question& question, int item);
};

}  // namespace expertlab::debate

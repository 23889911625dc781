// Experts of the debate family (debaters and consultants) and how they build
// an argument: an analogue of the LLM experts of Khan et al., ICML 2024
// (§2.2: experts read the story and quote it; §2.3 and App. D.3:
// best-of-N arguments chosen by a preference model with the judge's
// prompt, against a dummy opponent).
//
// An expert is (skill, bon, fabrication, leak). Each round it fills `slots`
// quote slots (the word limit). One candidate argument: each own-side item
// not yet shown is recalled with probability skill, and so is each refutation
// of a verified, refutable, unrefuted opposing quote; each slot is a
// fabrication with probability `fabrication` (strength LogNormal(0.3, 0.5),
// never verified), otherwise a uniformly random recalled action not yet used,
// or nothing when none is left. When the judge probes (consultancy), the
// candidate also leaks, with probability leak * skill, one random opposing
// item not yet shown (an honest answer to a pointed question, which needs
// the expert to recall it). Best-of-N draws
// `bon` candidates and keeps the one whose transcript the judge's own
// noise-free scoring (Judge::Margin, no prior, no opponent move this round)
// rates highest for the expert's side; ties go to the first drawn.
// A zero-skill expert that never fabricates shows nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/debate/judge.h"
#include "algorithms/debate/world.h"
#include "sim/rng.h"

namespace expertlab::debate {

struct Expert {
  double skill = 0.5;
  int64_t bon = 1;
  double fabrication = 0.0;
  double leak = 0.6;
};

// Errors naming the key unless skill, fabrication and leak lie in [0, 1] and
// 1 <= bon <= 1024.
void CheckExpert(const Expert& expert);

enum class ActionKind { kQuote, kRefute, kFabricate, kLeak };

// kQuote and kLeak: `target` is an item; kRefute: an index into the opposing
// side's quotes; kFabricate: `strength` is the invented quote's.
struct Action {
  ActionKind kind = ActionKind::kQuote;
  int target = -1;
  double strength = 0.0;
};
using Argument = std::vector<Action>;

// What one round of one expert looks like to the judge.
struct Turn {
  int slots = 2;
  bool probed = false;  // the judge asks a pointed question (consultancy)
  bool lone = false;    // no opposing expert (the judge's consultancy scoring)
};

Argument DrawArgument(const Question& question, const Transcript& transcript, Side side,
                      const Expert& expert, const Turn& turn, Rng& rng);
void Apply(const Question& question, Side side, const Argument& argument,
           Transcript& transcript);
// Best of expert.bon candidates under `judge`'s scoring.
Argument BestArgument(const Question& question, const Transcript& transcript, Side side,
                      const Expert& expert, const Turn& turn, const Judge& judge, Rng& rng);

}  // namespace expertlab::debate

// A question and a judge as the full-disclosure closed form
// (theory/debate_accuracy.h) sees them: the experiment's reference row and
// the family's tests both compare protocols against it.
#pragma once

#include <vector>

#include "algorithms/debate/judge.h"
#include "algorithms/debate/world.h"
#include "theory/debate_accuracy.h"

namespace expertlab::debate {

inline std::vector<theory::DisclosedItem> DisclosedItems(const Question& question) {
  std::vector<theory::DisclosedItem> items;
  items.reserve(question.items.size());
  for (const Item& item : question.items)
    items.push_back({item.side == kTruth, item.strength, item.refutable, item.verifiable});
  return items;
}

inline theory::JudgeWeights DisclosureWeights(const Judge& judge) {
  return {judge.tau, judge.credulity, judge.refutation, judge.naive_edge};
}

}  // namespace expertlab::debate

// What the experts-family experiments share: their common grid keys, the
// memory check every cell passes before a sweep starts (Experiment::
// CheckCell), and the learner spec with the cell's memory filled in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/params.h"

namespace expertlab::experiments {

ParamSpec ExpertsCountKey(int64_t default_n, int64_t min_n = 2);  // "n"
ParamSpec HorizonKey(int64_t default_t);                          // "T"
ParamSpec MemoryKey(int64_t default_s);                           // "memory"
ParamSpec PerOctaveKey(int64_t default_value);                    // "per_octave"

// Error naming the experiment unless 1 <= memory S <= n.
void CheckMemoryFits(std::string_view experiment, int64_t memory, int64_t n);

// The cell's learner spec with memory=S when the learner has a budget
// (full-memory learners such as hedge are left as they are). Also creates
// the learner once, so a spec the learner rejects (e.g. S below its own
// minimum) fails when the grid is checked.
std::string LearnerWithMemory(std::string_view learner, int64_t memory);

}  // namespace expertlab::experiments

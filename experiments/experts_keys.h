// What the experts-family experiments share: their common grid keys, the
// memory check every cell passes before a sweep starts (Experiment::
// CheckCell), and the learner spec with the cell's memory filled in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/params.h"

namespace expertlab::experiments {

ParamSpec LearnerKey(std::string default_spec, std::string help);  // "learner"
// An instance or adversary spec key (`name`: "instance", "adversary").
ParamSpec InstanceKey(std::string name, std::string default_spec, std::string help);
ParamSpec ExpertsCountKey(int64_t default_n, int64_t min_n = 2);  // "n"
ParamSpec HorizonKey(int64_t default_t);                          // "T"
ParamSpec MemoryKey(int64_t default_s);                           // "memory"
ParamSpec PerOctaveKey(int64_t default_value);                    // "per_octave"

// The cell check every experiment with keys n, memory and learner shares:
// an error naming the experiment unless 1 <= memory S <= n, then the
// learner spec with memory=S must be one the learner accepts.
void CheckMemoryCell(std::string_view experiment, const Params& params);

// The cell's learner spec with memory=S when the learner has a budget
// (full-memory learners such as hedge are left as they are). Also creates
// the learner once, so a spec the learner rejects (e.g. S below its own
// minimum) fails when the grid is checked.
std::string LearnerWithMemory(std::string_view learner, int64_t memory);

}  // namespace expertlab::experiments

// `expertlab run --mpi`: one sweep across MPI ranks (Boost.MPI).
//
// Rank 0 plans the sweep and hands out work items one at a time to the
// workers that ask, so fast and slow items balance themselves. Each worker
// runs its items and writes them to its own store (shards/mpi-rank-R.db);
// when all are done, rank 0 merges the rank stores and exports the CSV.
// Results equal a plain run's: each item depends only on (seed, cell,
// replicate), never on which rank ran it.
#pragma once

#include "sim/sweep.h"

namespace expertlab {

void RunMpi(const RunRequest& request);

}  // namespace expertlab

#include "sim/mpi_runner.h"

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/status.hpp>

#include <cstdio>
#include <exception>
#include <memory>

#include "sim/executor.h"
#include "sim/results.h"

namespace expertlab {
namespace {

// A worker asks for work with a report on its previous item: kReady (first
// request), kDone, or an error message that stops the sweep.
constexpr int kTagRequest = 1;
constexpr int kTagItem = 2;  // 0 -> worker: item index, or kStop
constexpr int64_t kStop = -1;
constexpr const char* kReady = "ready";
constexpr const char* kDone = "done";

void Coordinate(const boost::mpi::communicator& world, const SweepPlan& plan,
                const RunRequest& request) {
  const auto done = StoredItems(plan.layout, plan.config, nullptr);
  std::vector<int64_t> todo;
  for (size_t i = 0; i < plan.items.size(); ++i) {
    const WorkItem& w = plan.items[i];
    if (!done.count({plan.cells[w.cell].hash, w.replicate}))
      todo.push_back(static_cast<int64_t>(i));
  }
  Progress progress(plan.config.experiment + " (mpi)", plan.items.size(),
                    plan.items.size() - todo.size(), request.quiet);
  size_t next = 0;
  int stopped = 0;
  std::string first_error;
  while (stopped < world.size() - 1) {
    std::string report;
    const boost::mpi::status status =
        world.recv(boost::mpi::any_source, kTagRequest, report);
    if (report == kDone) {
      progress.Add(1);
    } else if (report != kReady && first_error.empty()) {
      first_error = report;
    }
    const bool stop = next >= todo.size() || !first_error.empty();
    world.send(status.source(), kTagItem, stop ? kStop : todo[next++]);
    if (stop) ++stopped;
  }
  progress.Finish();
  EXPERTLAB_CHECK(first_error.empty()) << first_error;
}

void Work(const boost::mpi::communicator& world, const SweepPlan& plan,
          int threads) {
  // A worker that cannot open its store still answers the protocol, with
  // the error as its report, so no rank waits forever.
  std::unique_ptr<Store> store;
  int64_t sweep = 0;
  std::string report = kReady;
  try {
    store = std::make_unique<Store>(
        plan.layout.RankStore(world.rank()).string(), plan.config.experiment,
        plan.config.seed);
    sweep = store->BeginSweep({plan.config.ToJson(), 1,
                               "mpi rank " + std::to_string(world.rank()) +
                                   "/" + std::to_string(world.size())});
  } catch (const std::exception& e) {
    report = e.what();
  }
  const auto experiment =
      FindExperiment(plan.config.experiment).factory(Params());
  // One item at a time per rank; kernel-heavy items get the rank's threads.
  const int item_threads = experiment->Exclusive() ? threads : 1;
  while (true) {
    world.send(0, kTagRequest, report);
    int64_t index = kStop;
    world.recv(0, kTagItem, index);
    if (index == kStop) break;
    const WorkItem& w = plan.items[static_cast<size_t>(index)];
    try {
      store->Write({RunItem(*experiment, plan.cells[w.cell], w.replicate,
                            plan.config.seed, item_threads)},
                   sweep);
      report = kDone;
    } catch (const std::exception& e) {
      report = e.what();
    }
  }
  if (store) store->FinishSweep(sweep);
}

}  // namespace

void RunMpi(const RunRequest& request) {
  // Errors leave the MPI environment's scope as values: an exception
  // unwinding through it would abort every rank instead of finalizing.
  std::exception_ptr error;
  {
    boost::mpi::environment environment;
    boost::mpi::communicator world;
    try {
      // Every rank validates the same inputs, so bad input fails on all of
      // them before any message is exchanged.
      const SweepPlan plan = PlanSweep(request);
      if (world.size() == 1) {
        RunLocal(request, plan);
      } else if (world.rank() == 0) {
        try {
          Coordinate(world, plan, request);
        } catch (...) {
          error = std::current_exception();
        }
        world.barrier();
        if (!error) {
          const auto csv = MergeShards(plan.layout.dir());
          if (!request.quiet)
            std::fprintf(stderr, "results: %s\n", csv.c_str());
        }
      } else {
        Work(world, plan, ResolveThreads(request.threads));
        world.barrier();
      }
    } catch (...) {
      error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace expertlab

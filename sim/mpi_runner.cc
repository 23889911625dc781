#include "sim/mpi_runner.h"

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/status.hpp>
#include <cstdio>
#include <exception>
#include <memory>

#include "sim/executor.h"
#include "sim/results.h"
#include "sim/store_lock.h"

namespace expertlab {
namespace {

// A worker asks for work with a report on its previous item: kReady (first
// request), kDone, or kFailed followed by the error text (tag kTagError).
// Only the plain int64 report is received from any source; the error text
// (a serialized std::string, which Boost.MPI sends as more than one
// message) is received from its sender only.
constexpr int kTagRequest = 1;
constexpr int kTagItem = 2;   // 0 -> worker: item index, or kStop
constexpr int kTagError = 3;  // worker -> 0: error text after kFailed
constexpr int64_t kStop = -1;
enum Report : int64_t { kReady = 0, kDone = 1, kFailed = 2 };

void Coordinate(const boost::mpi::communicator& world, const SweepPlan& plan,
                const RunRequest& request) {
  // Read every stored item once every worker has opened (and repaired) its
  // store (the barrier below): a store being created cannot be read. An
  // error here still answers the protocol (every worker is told to stop),
  // so no rank hangs.
  std::vector<int64_t> todo;
  std::string first_error;
  world.barrier();
  try {
    const auto done = StoredItems(plan.layout, plan.config, nullptr);
    for (size_t i = 0; i < plan.items.size(); ++i) {
      const WorkItem& w = plan.items[i];
      if (!done.count({plan.cells[w.cell].hash, w.replicate}))
        todo.push_back(static_cast<int64_t>(i));
    }
  } catch (const std::exception& e) {
    first_error = e.what();
  }
  Progress progress(plan.config.experiment + " (mpi)", plan.items.size(),
                    plan.items.size() - todo.size(), request.quiet);
  size_t next = 0;
  int stopped = 0;
  while (stopped < world.size() - 1) {
    int64_t report = kReady;
    const boost::mpi::status status = world.recv(boost::mpi::any_source, kTagRequest, report);
    if (report == kDone) {
      progress.Add(1);
    } else if (report == kFailed) {
      std::string error;
      world.recv(status.source(), kTagError, error);
      if (first_error.empty()) first_error = error;
    }
    const bool stop = next >= todo.size() || !first_error.empty();
    world.send(status.source(), kTagItem, stop ? kStop : todo[next++]);
    if (stop) ++stopped;
  }
  progress.Finish();
  EXPERTLAB_CHECK(first_error.empty()) << first_error;
}

void Work(const boost::mpi::communicator& world, const SweepPlan& plan, int threads) {
  // A worker that cannot open its store still answers the protocol, with
  // the error as its report, so no rank waits forever.
  std::unique_ptr<StoreLock> lock;
  std::unique_ptr<Store> store;
  int64_t sweep = 0;
  int64_t report = kReady;
  std::string error;
  try {
    const auto path = plan.layout.RankStore(world.rank());
    lock = std::make_unique<StoreLock>(path, "mpi rank " + std::to_string(world.rank()));
    store = std::make_unique<Store>(path.string(), plan.config.experiment, plan.config.seed);
    IntactItems(*store, true);
    sweep = store->BeginSweep(
        {plan.config.ToJson(), 1,
         "mpi rank " + std::to_string(world.rank()) + "/" + std::to_string(world.size())});
  } catch (const std::exception& e) {
    report = kFailed;
    error = e.what();
  }
  world.barrier();  // every rank store exists and is verified (Coordinate)
  const auto experiment = FindExperiment(plan.config.experiment).factory(Params());
  // One item at a time per rank; kernel-heavy items get the rank's threads.
  const int item_threads = experiment->Exclusive() ? threads : 1;
  while (true) {
    world.send(0, kTagRequest, report);
    if (report == kFailed) world.send(0, kTagError, error);
    int64_t index = kStop;
    world.recv(0, kTagItem, index);
    if (index == kStop) break;
    const WorkItem& w = plan.items[static_cast<size_t>(index)];
    try {
      const ItemEnvironment env{plan.config.seed, store.get(), nullptr};
      if (auto item = RunItem(*experiment, plan.cells[w.cell], w.replicate, item_threads, env))
        store->Write({std::move(*item)}, sweep);
      report = kDone;
    } catch (const std::exception& e) {
      report = kFailed;
      error = e.what();
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
        const StoreLock lock(plan.layout.MainStore(), "mpi run " + plan.config.experiment);
        try {
          Coordinate(world, plan, request);
        } catch (...) {
          error = std::current_exception();
        }
        world.barrier();
        if (!error) {
          const auto csv = MergeShards(plan.layout.dir());
          if (!request.quiet) std::fprintf(stderr, "results: %s\n", csv.c_str());
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

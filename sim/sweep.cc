#include "sim/sweep.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "sim/check.h"
#include "sim/executor.h"
#include "sim/experiment.h"
#include "sim/interrupt.h"
#include "sim/results.h"
#include "sim/store_lock.h"

namespace expertlab {
namespace {

void CheckOutputDirectory(const std::filesystem::path& dir) {
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    EXPERTLAB_CHECK(std::filesystem::is_directory(dir, error))
        << "--out '" << dir.string() << "' exists and is not a directory";
  } else {
    std::filesystem::create_directories(dir, error);
    EXPERTLAB_CHECK(!error) << "cannot create --out directory '" << dir.string()
                            << "': " << error.message();
  }
  EXPERTLAB_CHECK(access(dir.c_str(), W_OK | X_OK) == 0)
      << "--out directory '" << dir.string() << "' is not writable";
}

}  // namespace

int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? static_cast<int>(hardware) : 1;
}

SweepPlan PlanSweep(const RunRequest& request) {
  SweepPlan plan;
  plan.config = DefaultConfig(request.experiment);
  if (!request.config_file.empty()) {
    ApplyToml(plan.config, ReadTextFile(request.config_file, "--config file"), request.config_file);
  } else {
    const char* variant = request.quick ? "quick" : "full";
    ApplyToml(plan.config, EmbeddedConfig(request.experiment, variant),
              "experiments/configs/" + request.experiment + "." + variant + ".toml");
  }
  for (const auto& assignment : request.assignments) ApplyOverride(plan.config, assignment);
  if (request.reps) plan.config.reps = *request.reps;  // bounded by ParseReps
  plan.cells = ExpandGrid(plan.config);                // rejects a cell listed twice
  const auto experiment = FindExperiment(request.experiment).factory(Params());
  for (const Cell& cell : plan.cells) experiment->CheckCell(cell.params);
  plan.items = AllWorkItems(plan.cells, plan.config.reps);
  plan.layout =
      ResultsLayout(request.out_dir.empty() ? std::filesystem::path("results") / request.experiment
                                            : std::filesystem::path(request.out_dir));
  CheckOutputDirectory(plan.layout.dir());
  return plan;
}

std::set<ItemKey> StoredItems(const ResultsLayout& layout, const SweepConfig& config,
                              const Shard* shard, const std::filesystem::path& own) {
  // A shard reads only its own store (plus a merged one): on a cluster, N
  // tasks never open each other's files.
  std::vector<std::filesystem::path> stores =
      shard ? std::vector<std::filesystem::path>{layout.ShardStore(*shard)} : layout.ShardStores();
  stores.push_back(layout.MainStore());
  std::set<ItemKey> done;
  for (const auto& path : stores) {
    if (path == own || !std::filesystem::exists(path)) continue;
    const Store store(path.string());
    store.CheckIdentity(config.experiment, config.seed);
    // Damaged items of another store are not done: this run recomputes them.
    for (const ItemResult& item : store.Read().items) done.emplace(item.hash, item.replicate);
  }
  return done;
}

std::set<ItemKey> IntactItems(Store& store, bool quiet) {
  store.QuickCheck();
  const StoreContents contents = store.Read();
  if (!contents.Clean()) {
    std::vector<ItemKey> damaged;
    for (const DamagedItem& d : contents.damaged) damaged.push_back(d.key);
    store.Remove(damaged);
    if (!quiet)
      std::fprintf(stderr, "%s: %zu damaged and %lld missing items will be recomputed\n",
                   store.path().c_str(), damaged.size(),
                   static_cast<long long>(std::max<int64_t>(contents.lost, 0)));
  }
  std::set<ItemKey> done;
  for (const ItemResult& item : contents.items) done.emplace(item.hash, item.replicate);
  return done;
}

void RunLocal(const RunRequest& request, const SweepPlan& plan) {
  const InterruptScope interrupts;  // from the start: a signal never kills a half-set-up run
  std::optional<Shard> shard;
  if (request.shard) {
    shard = ParseShard(*request.shard);
  } else if ((shard = ShardFromSlurmEnvironment()) && !request.quiet) {
    std::fprintf(stderr, "running shard %s (from SLURM_ARRAY_TASK_*)\n", shard->ToString().c_str());
  }
  std::string label = plan.config.experiment;
  if (shard) label += " shard " + shard->ToString();

  const auto path = shard ? plan.layout.ShardStore(*shard) : plan.layout.MainStore();
  const StoreLock lock(path, "run " + label);
  Store store(path.string(), plan.config.experiment, plan.config.seed);
  // Stored items were drawn with the data keys of the sweeps that made
  // them: another set of data keys would mix two kinds of draws silently.
  const std::string last = store.LastConfig();
  if (!last.empty()) {
    const auto json = nlohmann::json::parse(last, nullptr, false);
    const auto before = json.is_object() && json.contains("data_keys")
                            ? json["data_keys"].get<std::vector<std::string>>()
                            : std::vector<std::string>{};
    EXPERTLAB_CHECK(before == plan.config.data_keys)
        << "'" << path.string() << "' was made with data_keys [" << JoinWithCommas(before)
        << "], this run uses [" << JoinWithCommas(plan.config.data_keys)
        << "]; choose another --out or the same data_keys";
  }
  std::set<ItemKey> done = IntactItems(store, request.quiet);
  done.merge(StoredItems(plan.layout, plan.config, shard ? &*shard : nullptr, path));
  std::vector<WorkItem> todo;
  size_t owned = 0;
  for (size_t i = 0; i < plan.items.size(); ++i) {
    if (shard && !shard->Owns(i)) continue;
    ++owned;
    const WorkItem& w = plan.items[i];
    if (!done.count({plan.cells[w.cell].hash, w.replicate})) todo.push_back(w);
  }

  // A checkpoint of another sweep's item is refused before anything is
  // written; checkpoints of items outside this grid are left alone.
  const auto fingerprints = store.CheckpointFingerprints();
  for (const WorkItem& w : todo) {
    const auto it = fingerprints.find({plan.cells[w.cell].hash, w.replicate});
    EXPERTLAB_CHECK(it == fingerprints.end() ||
                    it->second ==
                        CheckpointFingerprint(plan.config.seed, plan.cells[w.cell], w.replicate))
        << ForeignCheckpoint(path.string());
  }
  const int threads = ResolveThreads(request.threads);
  const int64_t sweep =
      store.BeginSweep({plan.config.ToJson(), threads, shard ? shard->ToString() : ""});
  Progress progress(label, owned, owned - todo.size(), request.quiet);
  const auto experiment = FindExperiment(plan.config.experiment).factory(Params());
  size_t stored = owned - todo.size();
  const ExecutionResult result = ExecuteItems(
      *experiment, plan.cells, todo, plan.config.seed, threads,
      [&](const std::vector<ItemResult>& batch) {
        store.Write(batch, sweep);
        stored += batch.size();
      },
      progress, &store);
  if (result.interrupted_by) {
    throw Error(std::string(result.interrupted_by == SIGTERM ? "SIGTERM" : "SIGINT") +
                ": stopped; " + std::to_string(stored) + " of " + std::to_string(owned) +
                " items are stored in " + path.string() + "; rerun the same command to resume");
  }
  store.FinishSweep(sweep);
  if (shard) {
    if (!request.quiet)
      std::fprintf(stderr,
                   "shard %s stored in %s; when every shard is done: "
                   "expertlab merge %s\n",
                   shard->ToString().c_str(), path.c_str(), plan.layout.dir().c_str());
    return;
  }
  const auto csv = ExportCsv(plan.layout.dir());
  if (!request.quiet) std::fprintf(stderr, "results: %s\n", csv.c_str());
}

}  // namespace expertlab

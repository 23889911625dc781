// Training cells resume after a stop with the rows of an uninterrupted
// run, byte for byte: the routing cell (routing_compare and the other
// studies on synthetic tasks) and the char-LM cell (routing_charlm) save
// the model, AdamW's moments, the routers' own state (MoEC's drop mask,
// SMoE-Dropout's schedule) and their random streams' positions.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim/config.h"
#include "sim/experiment.h"
#include "sim/grid.h"

namespace expertlab::moe {
namespace {

class MemoryCheckpoints final : public CheckpointIo {
 public:
  std::optional<std::string> Load() override { return blob; }
  void Save(std::string state) override { blob = std::move(state); }
  std::optional<std::string> blob;
};

struct OneCell {
  std::unique_ptr<Experiment> experiment;
  Cell cell;
  std::vector<MetricRow> Run(CheckpointIo* io, const std::atomic<bool>* stop) const {
    CellContext context(5, cell.hash, cell.data_hash, 0, 1, io, stop);
    experiment->RunCell(cell.params, context);
    return context.rows();
  }
};

OneCell MakeCell(const std::string& name, const std::vector<std::string>& overrides) {
  SweepConfig config = DefaultConfig(name);
  for (const auto& o : overrides) ApplyOverride(config, o);
  auto cells = ExpandGrid(config);
  REQUIRE(cells.size() == 1);
  return {FindExperiment(name).factory(Params()), cells[0]};
}

bool SameRows(const std::vector<MetricRow>& a, const std::vector<MetricRow>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].step != b[i].step || a[i].name != b[i].name || a[i].value != b[i].value) return false;
  return true;
}

// Stops the cell at its first save (step 1), then resumes it with a stop
// that lands mid-training (about half the uninterrupted run's time in;
// wherever it lands, the rows must not change), then runs it to the end.
void CheckResumes(const OneCell& one) {
  const auto begin = std::chrono::steady_clock::now();
  const std::vector<MetricRow> whole = one.Run(nullptr, nullptr);
  const auto half = (std::chrono::steady_clock::now() - begin) / 2;
  MemoryCheckpoints io;
  std::atomic<bool> stop{true};
  CHECK_THROWS_AS(one.Run(&io, &stop), CellStopped);
  REQUIRE(io.blob);
  stop = false;
  std::thread stopper([&] {
    std::this_thread::sleep_for(half);
    stop = true;
  });
  std::vector<MetricRow> rows;
  bool stopped_again = false;
  try {
    rows = one.Run(&io, &stop);
  } catch (const CellStopped&) {
    stopped_again = true;
  }
  stopper.join();
  if (stopped_again) {
    stop = false;
    rows = one.Run(&io, &stop);
  }
  INFO("stopped a second time mid-training: " << stopped_again);
  CHECK(SameRows(rows, whole));
}

TEST_CASE("routing cells resume a stopped training with the uninterrupted rows",
          "[unit][determinism][moe]") {
  for (const char* router :
       {"moec(groups=2,dropout_interval=7)", "smoe_dropout(k_start=1,k_end=3,schedule_steps=90)",
        "gshard_top2"}) {
    INFO(router);
    CheckResumes(MakeCell("routing_compare", {std::string("router=") + router, "k=2",
                                              "steps=120", "val=256", "batch=64"}));
  }
}

TEST_CASE("routing_charlm resumes a stopped training with the uninterrupted rows",
          "[unit][determinism][moe]") {
  if (!std::filesystem::is_directory("/usr/share/common-licenses")) {
    WARN("no /usr/share/common-licenses (package base-files): nothing to check");
    return;
  }
  CheckResumes(MakeCell("routing_charlm", {"router=top_p(p=0.6)", "steps=40", "d_model=32",
                                           "d_ff=32", "blocks=1", "val_windows=16"}));
}

}  // namespace
}  // namespace expertlab::moe

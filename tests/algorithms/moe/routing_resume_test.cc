// Training cells resume after a stop with the rows of an uninterrupted
// run, byte for byte: the routing cell (routing_compare and the other
// studies on synthetic tasks) and the char-LM cell (routing_charlm) save
// the model, AdamW's moments, the routers' own state (MoEC's drop mask,
// SMoE-Dropout's schedule) and their random streams' positions.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "sim/experiment.h"
#include "tests/sim/memory_checkpoints.h"
#include "tests/sim/one_cell.h"

namespace expertlab::moe {
namespace {

using expertlab::testing::MemoryCheckpoints;
using expertlab::testing::OneCellOf;
using expertlab::testing::SameRows;

std::vector<MetricRow> RunCell(const expertlab::testing::OneCell& one, CheckpointIo* io,
                               const std::atomic<bool>* stop) {
  CellContext context(5, one.cell.hash, one.cell.data_hash, 0, 1, io, stop);
  one.experiment->RunCell(one.cell.params, context);
  return context.rows();
}

// Stops the cell at its first save (step 1), then resumes it with a stop
// that lands mid-training (about half the uninterrupted run's time in;
// wherever it lands, the rows must not change), then runs it to the end.
void CheckResumes(const expertlab::testing::OneCell& one) {
  const auto begin = std::chrono::steady_clock::now();
  const std::vector<MetricRow> whole = RunCell(one, nullptr, nullptr);
  const auto half = (std::chrono::steady_clock::now() - begin) / 2;
  MemoryCheckpoints io;
  io.stop = true;
  CHECK_THROWS_AS(RunCell(one, &io, &io.stop), CellStopped);
  REQUIRE(io.blob_);
  io.stop = false;
  std::thread stopper([&] {
    std::this_thread::sleep_for(half);
    io.stop = true;
  });
  std::vector<MetricRow> rows;
  bool stopped_again = false;
  try {
    rows = RunCell(one, &io, &io.stop);
  } catch (const CellStopped&) {
    stopped_again = true;
  }
  stopper.join();
  if (stopped_again) {
    io.stop = false;
    rows = RunCell(one, &io, &io.stop);
  }
  INFO("stopped a second time mid-training: " << stopped_again);
  CHECK(SameRows(rows, whole));
}

TEST_CASE("routing cells resume a stopped training with the uninterrupted rows",
          "[unit][determinism][moe]") {
  for (const char* router : {"moec(groups=2,dropout_interval=7)",
                             "smoe_dropout(k_start=1,k_end=3,schedule_steps=90)", "gshard_top2"}) {
    INFO(router);
    CheckResumes(OneCellOf("routing_compare", {std::string("router=") + router, "k=2", "steps=120",
                                               "val=256", "batch=64"}));
  }
}

TEST_CASE("routing_charlm resumes a stopped training with the uninterrupted rows",
          "[unit][determinism][moe]") {
  if (!std::filesystem::is_directory("/usr/share/common-licenses")) {
    WARN("no /usr/share/common-licenses (package base-files): nothing to check");
    return;
  }
  CheckResumes(OneCellOf("routing_charlm", {"router=top_p(p=0.6)", "steps=40", "d_model=32",
                                            "d_ff=32", "blocks=1", "val_windows=16"}));
}

}  // namespace
}  // namespace expertlab::moe
